/**
 * Compute pipelines, compiled once per device and kernel specialisation, and bind groups, reused
 * across calls that bind the same buffers. The compile key is derived from a typed `KernelSpec`
 * (family + entry point + override constants); shapes travel in the uniform, so a new shape reuses
 * the pipeline.
 */
import { WGSL } from '../shaders.generated.js';
import type { KernelFamily } from './params.js';

export type { KernelFamily };

/** What changes the compiled shader: the family, its entry point and its `override` constants. */
export interface KernelSpec<F extends KernelFamily = KernelFamily> {
  family: F;
  /** Entry point in the family's file. Default `'main'`. */
  entryPoint?: string;
  constants: Record<string, number>;
}

/** The cache key of a spec: the family, entry point and the constants in a fixed (sorted) order. */
export function specKey(spec: KernelSpec): string {
  const entries = Object.entries(spec.constants).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([spec.family, spec.entryPoint ?? 'main', entries]);
}

const modules = new WeakMap<GPUDevice, Map<KernelFamily, GPUShaderModule>>();
const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

function shaderModule(device: GPUDevice, family: KernelFamily): GPUShaderModule {
  let byFamily = modules.get(device);
  if (!byFamily) modules.set(device, (byFamily = new Map()));
  let module = byFamily.get(family);
  if (!module) {
    module = device.createShaderModule({ label: `webgpu-conv.${family}.module`, code: `${WGSL.common}\n${WGSL[family]}` });
    byFamily.set(family, module);
  }
  return module;
}

/** The pipeline for `spec` on `device`, compiled on first use. */
export function getPipeline(device: GPUDevice, spec: KernelSpec): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = new Map()));
  const key = specKey(spec);
  let pipeline = cache.get(key);
  if (!pipeline) {
    pipeline = device.createComputePipeline({
      label: `webgpu-conv.${spec.family}.pipeline ${key}`,
      layout: 'auto',
      compute: { module: shaderModule(device, spec.family), entryPoint: spec.entryPoint ?? 'main', constants: spec.constants },
    });
    cache.set(key, pipeline);
  }
  return pipeline;
}

/** How many pipelines are cached for `device`. */
export function cachedPipelineCount(device: GPUDevice): number {
  return pipelines.get(device)?.size ?? 0;
}

/** A bind-group entry's resource: a buffer range or a texture view. */
export type BindResource = { buffer: GPUBuffer; offset: number; size: number } | GPUTextureView;

/** Bind groups kept per pipeline, most recently used last; the oldest go beyond this many. */
const BIND_GROUPS_PER_PIPELINE = 32;
const bindGroups = new WeakMap<GPUDevice, WeakMap<GPUComputePipeline, Map<string, GPUBindGroup>>>();
const ids = new WeakMap<object, number>();
let nextId = 1;

function idOf(o: object): number {
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return id;
}

/**
 * The bind group of `pipeline` for `entries` (binding number → resource), reused when a call binds
 * the same buffers, ranges and views again (pooled buffers come back to the same calls).
 */
export function getBindGroup(device: GPUDevice, pipeline: GPUComputePipeline, entries: ReadonlyArray<[number, BindResource]>, label: string): GPUBindGroup {
  let byPipeline = bindGroups.get(device);
  if (!byPipeline) bindGroups.set(device, (byPipeline = new WeakMap()));
  let cache = byPipeline.get(pipeline);
  if (!cache) byPipeline.set(pipeline, (cache = new Map()));
  let key = '';
  for (const [binding, r] of entries) {
    key += 'buffer' in r ? `${binding}:${idOf(r.buffer)}@${r.offset}+${r.size};` : `${binding}:v${idOf(r)};`;
  }
  let group = cache.get(key);
  if (group) {
    cache.delete(key);
  } else {
    group = device.createBindGroup({
      label,
      layout: pipeline.getBindGroupLayout(0),
      entries: entries.map(([binding, resource]) => ({ binding, resource })),
    });
    if (cache.size >= BIND_GROUPS_PER_PIPELINE) cache.delete(cache.keys().next().value as string);
  }
  cache.set(key, group);
  return group;
}

/**
 * Drops every cached bind group of `device`: after a validation error one of them may be invalid
 * (WebGPU reports it only asynchronously), and a cached invalid group would fail every later call.
 */
export function forgetBindGroups(device: GPUDevice): void {
  bindGroups.delete(device);
}
