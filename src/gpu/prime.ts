/**
 * Priming pipelines: one empty indirect dispatch per pipeline (an indirect buffer of zeros: no
 * workgroup runs), so that a driver that generates machine code at a pipeline's first dispatch
 * rather than when the pipeline is created does it now. Mesa's llvmpipe is one: it JITs a compute
 * shader with LLVM when it is first launched (measured with Mesa's on-disk shader cache off:
 * creating a 200-line kernel 20–60 ms, its first dispatch ~290 ms; after an empty indirect
 * dispatch, the first real one 0.4 ms). `engine.warmup` primes what it compiles; calls need not
 * (their first dispatch does the same work).
 *
 * A dispatch needs a bind group matching the pipeline's `'auto'` layout, which WebGPU cannot
 * reflect; it is derived from the WGSL the pipeline was made from: the bindings the entry point
 * statically uses (the module-scope variables named by the functions it reaches), with their address
 * space and type, bound to small stand-in buffers and textures.
 */
import { WGSL } from '../shaders.generated.js';
import { GPUOperationError, ResourceError } from '../errors.js';
import { BufferUsage, TextureUsage } from './constants.js';
import type { KernelFamily } from './params.js';
import type { KernelSpec } from './pipelines.js';

/** What a binding needs bound. */
export type BindingKind =
  | { kind: 'uniform' }
  | { kind: 'storage' }
  | { kind: 'texture'; dimension: '2d' | '2d-array' }
  | { kind: 'storage-texture'; format: GPUTextureFormat };

interface ModuleScope {
  /** Module-scope resource variables of group 0: binding number and kind (undefined: one this module cannot stand in for). */
  vars: Map<string, { binding: number; kind: BindingKind | undefined }>;
  /** Functions: the module-scope names each one uses (its own parameters and locals left out). */
  fns: Map<string, Set<string>>;
}

const IDENT = /(?<![.\w])[A-Za-z_]\w*/g;

function kindOf(space: string | undefined, type: string): BindingKind | undefined {
  if (space !== undefined) {
    const s = space.replace(/\s/g, '');
    if (s === 'uniform') return { kind: 'uniform' };
    return s.startsWith('storage') ? { kind: 'storage' } : undefined;
  }
  if (/^texture_2d_array<\s*f32\s*>$/.test(type)) return { kind: 'texture', dimension: '2d-array' };
  if (/^texture_2d<\s*f32\s*>$/.test(type)) return { kind: 'texture', dimension: '2d' };
  const st = /^texture_storage_2d<\s*(\w+)\s*,\s*write\s*>$/.exec(type);
  return st ? { kind: 'storage-texture', format: st[1] as GPUTextureFormat } : undefined;
}

/** The resource variables and functions of a WGSL module (comments stripped; top level found by brace depth). */
export function moduleScope(code: string): ModuleScope {
  const src = code.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const vars: ModuleScope['vars'] = new Map();
  const varRe = /@group\(\s*0\s*\)\s*@binding\(\s*(\d+)\s*\)\s*var(?:<([^>]*)>)?\s+(\w+)\s*:\s*([^;]+);/g;
  for (const m of src.matchAll(varRe)) vars.set(m[3] as string, { binding: Number(m[1]), kind: kindOf(m[2], (m[4] as string).trim()) });
  const fns: ModuleScope['fns'] = new Map();
  for (const m of src.matchAll(/\bfn\s+(\w+)\s*\(/g)) {
    const open = src.indexOf('{', m.index);
    let depth = 0;
    let end = open;
    for (; end < src.length; end++) {
      if (src[end] === '{') depth++;
      else if (src[end] === '}' && --depth === 0) break;
    }
    const signature = src.slice(m.index + m[0].length, open);
    const body = src.slice(open, end + 1);
    const locals = new Set([...signature.matchAll(/(\w+)\s*:/g), ...body.matchAll(/\b(?:let|var|const)\s+(\w+)/g)].map((l) => l[1] as string));
    fns.set(m[1] as string, new Set([...body.matchAll(IDENT)].map((i) => i[0]).filter((i) => !locals.has(i))));
  }
  return { vars, fns };
}

/**
 * The bindings `entryPoint` statically uses (what an `'auto'` layout holds), by binding number;
 * undefined when one of them is a kind this module cannot stand in for, or two share a number.
 */
export function entryBindings(scope: ModuleScope, entryPoint: string): Map<number, BindingKind> | undefined {
  const out = new Map<number, BindingKind>();
  const seen = new Set<string>([entryPoint]);
  const queue = [entryPoint];
  for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
    for (const id of scope.fns.get(name) ?? []) {
      const v = scope.vars.get(id);
      if (v) {
        if (!v.kind || (out.has(v.binding) && out.get(v.binding) !== v.kind)) return undefined;
        out.set(v.binding, v.kind);
      } else if (scope.fns.has(id) && !seen.has(id)) {
        seen.add(id);
        queue.push(id);
      }
    }
  }
  return out;
}

const scopes = new Map<KernelFamily, ModuleScope>();
const bindingsOf = (spec: KernelSpec): Map<number, BindingKind> | undefined => {
  let scope = scopes.get(spec.family);
  if (!scope) scopes.set(spec.family, (scope = moduleScope(`${WGSL.common}\n${WGSL[spec.family]}`)));
  return entryBindings(scope, spec.entryPoint ?? 'main');
};

/**
 * Gives each pipeline one empty indirect dispatch (see above), on stand-in resources destroyed
 * afterwards; resolves when the device has done them. Pipelines whose bindings cannot be stood in
 * for are skipped. A WebGPU error rejects with GPUOperationError / ResourceError.
 */
export async function primePipelines(device: GPUDevice, work: ReadonlyArray<{ spec: KernelSpec; pipeline: GPUComputePipeline }>): Promise<number> {
  const made: Array<GPUBuffer | GPUTexture> = [];
  const keep = <T extends GPUBuffer | GPUTexture>(x: T): T => {
    made.push(x);
    return x;
  };
  const buffer = (size: number, usage: number) => keep(device.createBuffer({ label: 'webgpu-conv.prime', size, usage }));
  const uniformBytes = Math.max(256, Math.min(device.limits.maxUniformBufferBindingSize, 65536));
  let uniform: GPUBuffer | undefined;
  const storage = new Map<number, GPUBuffer>();
  const views = new Map<string, GPUTextureView>();
  const texture = (k: Extract<BindingKind, { kind: 'texture' | 'storage-texture' }>): GPUTextureView => {
    const key = k.kind === 'texture' ? k.dimension : k.format;
    let view = views.get(key);
    if (!view) {
      const t = k.kind === 'texture'
        ? device.createTexture({ label: 'webgpu-conv.prime', size: [1, 1, 1], format: k.dimension === '2d' ? 'rgba8unorm' : 'r32float', usage: TextureUsage.TEXTURE_BINDING, textureBindingViewDimension: k.dimension })
        : device.createTexture({ label: 'webgpu-conv.prime', size: [1, 1, 1], format: k.format, usage: TextureUsage.STORAGE_BINDING });
      views.set(key, (view = keep(t).createView({ dimension: k.kind === 'texture' ? k.dimension : '2d' })));
    }
    return view;
  };
  const resource = (binding: number, k: BindingKind): GPUBindingResource => {
    if (k.kind === 'uniform') return { buffer: (uniform ??= buffer(uniformBytes, BufferUsage.UNIFORM)) };
    if (k.kind === 'storage') {
      // One buffer per binding number: two writable bindings of one dispatch may not share a buffer.
      let b = storage.get(binding);
      if (!b) storage.set(binding, (b = buffer(256, BufferUsage.STORAGE)));
      return { buffer: b };
    }
    return texture(k);
  };
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let primed = 0;
  try {
    const indirect = buffer(12, BufferUsage.INDIRECT);
    const encoder = device.createCommandEncoder({ label: 'webgpu-conv.prime.encoder' });
    const pass = encoder.beginComputePass({ label: 'webgpu-conv.prime.pass' });
    for (const { spec, pipeline } of work) {
      const bindings = bindingsOf(spec);
      if (!bindings) continue;
      const entries = [...bindings].map(([binding, k]) => ({ binding, resource: resource(binding, k) }));
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, device.createBindGroup({ label: 'webgpu-conv.prime.bindgroup', layout: pipeline.getBindGroupLayout(0), entries }));
      pass.dispatchWorkgroupsIndirect(indirect, 0);
      primed++;
    }
    pass.end();
    if (primed) device.queue.submit([encoder.finish()]);
  } finally {
    const [vErr, oErr] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
    if (primed) await device.queue.onSubmittedWorkDone();
    for (const x of made) x.destroy();
    if (oErr) throw new ResourceError(`warmup: the GPU ran out of memory priming pipelines: ${oErr.message}`);
    if (vErr) throw new GPUOperationError(`warmup: WebGPU validation error priming pipelines: ${vErr.message}`);
  }
  return primed;
}
