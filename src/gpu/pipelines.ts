/**
 * Compute pipelines, compiled once per device and kernel specialisation, and bind groups, reused
 * across calls that bind the same buffers. The compile key is derived from a typed `KernelSpec`
 * (family + entry point + override constants); shapes travel in the uniform, so a new shape reuses
 * the pipeline. Pipelines are compiled with `createComputePipelineAsync` before a call records its
 * work (`preparePipelines`, from the kernels its plan lists), synchronously only as a fallback.
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

/**
 * A device's pipelines: those ready to use, and those an async compile (`preparePipelines`) is still
 * making. A key is in at most one of the two maps.
 */
interface PipelineCache {
  ready: Map<string, GPUComputePipeline>;
  pending: Map<string, Promise<GPUComputePipeline>>;
}
const pipelines = new WeakMap<GPUDevice, PipelineCache>();

function cacheOf(device: GPUDevice): PipelineCache {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, (cache = { ready: new Map(), pending: new Map() }));
  return cache;
}

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

function descriptor(device: GPUDevice, spec: KernelSpec, key: string): GPUComputePipelineDescriptor {
  return {
    label: `webgpu-conv.${spec.family}.pipeline ${key}`,
    layout: 'auto',
    compute: { module: shaderModule(device, spec.family), entryPoint: spec.entryPoint ?? 'main', constants: spec.constants },
  };
}

/**
 * The pipeline for `spec` on `device`. Compiled synchronously when it is not ready — a fallback:
 * the executor compiles what a call needs beforehand with `preparePipelines`, so this is the path
 * only of kernels an algorithm does not list (or of a compile still in flight, which then wins no race:
 * the first pipeline to be ready stays cached).
 */
export function getPipeline(device: GPUDevice, spec: KernelSpec): GPUComputePipeline {
  const cache = cacheOf(device);
  const key = specKey(spec);
  let pipeline = cache.ready.get(key);
  if (!pipeline) {
    pipeline = device.createComputePipeline(descriptor(device, spec, key));
    cache.ready.set(key, pipeline);
    cache.pending.delete(key);
  }
  return pipeline;
}

/** What `preparePipelines` found, over the distinct specs it was given. */
export interface PreparedPipelines {
  /** Pipelines it started compiling. */
  compiled: number;
  /** Their specs. */
  started: KernelSpec[];
  /** Pipelines ready already, or being compiled for another caller. */
  cached: number;
  /**
   * Resolves when every pipeline of the specs is ready; rejects with the first failure (a
   * `GPUPipelineError`, for the caller to translate), leaving the failed spec uncached. Undefined
   * when all were ready: nothing to await, so a warm call pays no extra turn of the event loop.
   */
  ready: Promise<void> | undefined;
}

/**
 * Compiles the pipelines of `specs` that `device` does not have yet, all at once, with
 * `createComputePipelineAsync` (the compiler need not block the caller's thread, and the
 * implementation may compile them in parallel), and caches them as they become ready.
 */
export function preparePipelines(device: GPUDevice, specs: Iterable<KernelSpec>): PreparedPipelines {
  const cache = cacheOf(device);
  const waits: Array<Promise<GPUComputePipeline>> = [];
  const seen = new Set<string>();
  const started: KernelSpec[] = [];
  let cached = 0;
  for (const spec of specs) {
    const key = specKey(spec);
    if (seen.has(key)) continue;
    seen.add(key);
    if (cache.ready.has(key)) {
      cached++;
      continue;
    }
    let pending = cache.pending.get(key);
    if (pending) {
      cached++;
    } else {
      started.push(spec);
      const compiling: Promise<GPUComputePipeline> = device.createComputePipelineAsync(descriptor(device, spec, key)).then(
        (pipeline) => {
          // A synchronous fallback may have made one meanwhile: keep that (bind groups may refer to it).
          if (cache.pending.get(key) === compiling) {
            cache.pending.delete(key);
            cache.ready.set(key, pipeline);
          }
          return cache.ready.get(key) ?? pipeline;
        },
        (cause: unknown) => {
          if (cache.pending.get(key) === compiling) cache.pending.delete(key);
          throw cause;
        },
      );
      cache.pending.set(key, (pending = compiling));
    }
    waits.push(pending);
  }
  return { compiled: started.length, started, cached, ready: waits.length ? Promise.all(waits).then(() => undefined) : undefined };
}

/** How many pipelines are ready on `device`. */
export function cachedPipelineCount(device: GPUDevice): number {
  return pipelines.get(device)?.ready.size ?? 0;
}

/** A bind-group entry's resource: a buffer range or a texture view. */
export type BindResource = { buffer: GPUBuffer; offset: number; size: number } | GPUTextureView | GPUExternalTexture;

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
