/**
 * `engine.warmup`: compiling every pipeline a call would need, without running it. A call is
 * planned exactly as the executor plans it (`planJob`: the pieces of a split job, the choice of
 * 'auto' or the tuned winner per piece), its kernels listed (`jobKernels`), their pipelines
 * compiled with `createComputePipelineAsync` and primed (src/gpu/prime.ts: an empty indirect
 * dispatch each, for drivers such as llvmpipe that generate code at the first dispatch). No
 * workgroup runs; nothing is uploaded or read back.
 *
 * Operands may be shapes only (`TensorShapeArg`). Planning then uses stand-ins: a zero input, and —
 * since whether a kernel is separable (rank 1) depends on its values — a host weight given by its
 * shape is planned twice, as a rank-1 kernel and as one of rank 2, and the pipelines of both plans
 * are compiled: whichever the real kernel is, its call compiles nothing. A weight given as data is
 * planned once, as the call will plan it. `gaussianBlur` and `sepConvolve2d` calls are warmed up as
 * the correlate2d / convolve2d calls they run (their kernels computed from sigma or the factors, as
 * the ops compute them), `filterImage` calls as their own kernels and filtering calls.
 */
import { OptionError, ShapeError } from './errors.js';
import { compileKernels, jobKernels, planJob, type DeviceState, type ExecutionHost, type OperandView } from './execute.js';
import { getPipeline, type KernelSpec } from './gpu/pipelines.js';
import { primePipelines } from './gpu/prime.js';
import { GpuTensor } from './gpu/tensor.js';
import { gaussianBlurCall, sepConvolve2dCall } from './ops/gaussian.js';
import { makeJob, type OpName, type OpOptions } from './ops/index.js';
import type { ConvJob, TensorArg } from './ops/job.js';
import type { Filter2dOptions, GaussianBlurOptions } from './types.js';
import { fmt } from './validate.js';
import { imageWarmup, type ImageShapeArg } from './image/warmup-image.js';
import type { FilterImageOptions, ImageFilter, ImageSource } from './image/types.js';

/** An operand given by its shape only, for `engine.warmup`. */
export interface TensorShapeArg {
  shape: readonly number[];
  /**
   * Where the call's operand will be: host data (`'host'`, default) or a GpuTensor (`'gpu'`). Some
   * plans differ: e.g. FFT transforms a host weight's spectra on the host, a GpuTensor's on the GPU.
   */
  location?: 'host' | 'gpu';
}

/** An operand of a warmup call: a tensor, as the call would take, or only its shape. */
export type WarmupArg = TensorArg | TensorShapeArg;

/** One call to warm up: an op, its operands (tensors or shapes) and its options, as the op takes them. */
export type WarmupCall =
  | { [O in OpName]: { op: O; a: WarmupArg; b: WarmupArg; options?: OpOptions[O] } }[OpName]
  | { op: 'filterImage'; source: ImageSource | ImageShapeArg; filter: ImageFilter; options?: FilterImageOptions }
  | { op: 'gaussianBlur'; image: WarmupArg; options: GaussianBlurOptions }
  | { op: 'sepConvolve2d'; image: WarmupArg; kernelY: TensorArg; kernelX: TensorArg; options?: Filter2dOptions };

/** What `engine.warmup` did. */
export interface WarmupSummary {
  /** Distinct pipelines it compiled. */
  pipelinesCompiled: number;
  /** Distinct pipelines the calls need that were compiled already (or were being compiled). */
  pipelinesCached: number;
  /** Wall-clock milliseconds, planning and compiling. */
  ms: number;
}

/** `engine.warmup`'s arguments: one call, or a list of calls. */
export type WarmupArgs =
  | [calls: readonly WarmupCall[]]
  | [op: OpName, a: WarmupArg, b: WarmupArg, options?: object]
  | [op: 'filterImage', source: ImageSource | ImageShapeArg, filter: ImageFilter, options?: FilterImageOptions]
  | [op: 'gaussianBlur', image: WarmupArg, options: GaussianBlurOptions]
  | [op: 'sepConvolve2d', image: WarmupArg, kernelY: TensorArg, kernelX: TensorArg, options?: Filter2dOptions];

/** One validated call: its job, how planning sees its operands, and the weight stand-in to vary (shape-only host weight). */
interface PlannedCall {
  op: OpName;
  job: ConvJob;
  view: OperandView;
  weightStandIn: Float32Array | undefined;
}

/** Calls validated as the ops validate them, before any GPU work. */
export interface WarmupJobs {
  calls: PlannedCall[];
  /** The GpuTensors among the operands (the engine checks they are its own and alive). */
  tensors: GpuTensor[];
  /** Kernels to compile besides the calls' (filterImage's own). */
  specs: KernelSpec[];
  started: number;
}

const isShapeArg = (x: unknown): x is TensorShapeArg =>
  x !== null && typeof x === 'object' && !(x instanceof GpuTensor) && 'shape' in x && !('data' in x);

/** A zero host tensor of `arg.shape` (validated), standing in for an operand given by its shape. */
function standIn(op: string, name: string, arg: TensorShapeArg): { data: Float32Array; shape: number[] } {
  const { shape, location } = arg;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ShapeError(`${op}: ${name} shape ${fmt(shape)} must be an array of positive integers`);
  }
  if (location !== undefined && location !== 'host' && location !== 'gpu') {
    throw new OptionError(`warmup: ${name} location must be 'host' or 'gpu', got ${fmt(location)}`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  let data: Float32Array;
  try {
    data = new Float32Array(size);
  } catch {
    throw new ShapeError(`${op}: ${name} shape [${shape.join(', ')}] has more elements (${size}) than one array can hold`);
  }
  return { data, shape: [...shape] };
}

/** Validates `engine.warmup`'s arguments (ShapeError, OptionError: what the calls would throw). */
export function warmupJobs(args: WarmupArgs): WarmupJobs {
  const started = performance.now();
  const [first] = args;
  if (Array.isArray(first) ? args.length > 1 : typeof first !== 'string') {
    throw new OptionError(`warmup: give one call (op, a, b, options?) or one list of { op, a, b, options? }, got ${fmt(first)}${args.length > 1 ? ', …' : ''}`);
  }
  const given: readonly unknown[] = Array.isArray(first) ? first : [positionalCall(args)];
  const calls: PlannedCall[] = [];
  const tensors: GpuTensor[] = [];
  const specs: KernelSpec[] = [];
  // A filterImage call is its own kernels plus its filtering calls (on a GPU-resident input);
  // gaussianBlur and sepConvolve2d are the correlate2d / convolve2d calls they run.
  const list = given.flatMap((item): unknown[] => {
    const op = item !== null && typeof item === 'object' ? (item as { op?: unknown }).op : undefined;
    if (op === 'filterImage') {
      const { source, filter, options } = item as Extract<WarmupCall, { op: 'filterImage' }>;
      const w = imageWarmup(source, filter, options);
      specs.push(...w.specs);
      return w.calls.map((c) => ({ op: c.op, a: { shape: c.shape, location: 'gpu' }, b: c.kernel, options: c.options }));
    }
    if (op === 'gaussianBlur' || op === 'sepConvolve2d') return [filterCall(item as Extract<WarmupCall, { op: typeof op }>)];
    return [item];
  });
  for (const item of list) {
    if (item === null || typeof item !== 'object' || typeof (item as { op?: unknown }).op !== 'string') {
      throw new OptionError(
        `warmup: each call must be { op, a, b, options? }, { op: 'filterImage', source, filter, options? }, { op: 'gaussianBlur', image, options } or { op: 'sepConvolve2d', image, kernelY, kernelX, options? }, got ${fmt(item)}`,
      );
    }
    const { op, a, b, options } = item as Exclude<WarmupCall, { op: 'filterImage' | 'gaussianBlur' | 'sepConvolve2d' }>;
    const standIns = new Set<Float32Array>();
    const gpuStandIns = new Set<Float32Array>();
    const resolve = (x: WarmupArg, name: string): TensorArg => {
      if (!isShapeArg(x)) {
        if (x instanceof GpuTensor) tensors.push(x);
        return x;
      }
      const t = standIn(op, name, x);
      if (x.location === 'gpu') gpuStandIns.add(t.data);
      standIns.add(t.data);
      return t;
    };
    const job = makeJob(op, resolve(a, 'a'), resolve(b, 'b'), options as never);
    const resident = (x: ConvJob['input']) => x instanceof GpuTensor || gpuStandIns.has(x);
    const weights = resident(job.weight) ? undefined : (job.weight as Float32Array);
    calls.push({
      op, job,
      view: { hostInput: !resident(job.input), weights },
      weightStandIn: weights && standIns.has(weights) ? weights : undefined,
    });
  }
  return { calls, tensors, specs, started };
}

/** The call object of `engine.warmup`'s positional form. */
function positionalCall(args: WarmupArgs): unknown {
  const [op, ...rest] = args as unknown[];
  if (op === 'filterImage') return { op, source: rest[0], filter: rest[1], options: rest[2] };
  if (op === 'gaussianBlur') return { op, image: rest[0], options: rest[1] };
  if (op === 'sepConvolve2d') return { op, image: rest[0], kernelY: rest[1], kernelX: rest[2], options: rest[3] };
  return { op, a: rest[0], b: rest[1], options: rest[2] };
}

/**
 * The correlate2d (gaussianBlur) or convolve2d (sepConvolve2d) call that a call of those ops runs
 * (ops/gaussian.ts: its kernel computed and its options validated as the op does, same errors). An
 * image given by its shape is validated through a zero stand-in, which the call then takes (a host
 * image).
 */
function filterCall(call: Extract<WarmupCall, { op: 'gaussianBlur' | 'sepConvolve2d' }>): { op: 'correlate2d' | 'convolve2d'; a: WarmupArg; b: TensorArg; options: Filter2dOptions | undefined } {
  const { op, image } = call;
  const host = isShapeArg(image) ? standIn(op, 'image', image) : undefined;
  const img = host ?? (image as TensorArg);
  const a = host && (image as TensorShapeArg).location !== 'gpu' ? host : image;
  const run = call.op === 'gaussianBlur' ? gaussianBlurCall(img, call.options) : sepConvolve2dCall(img, call.kernelY, call.kernelX, call.options);
  return { op: run.op, a, b: run.kernel, options: run.options };
}

/** Fills `w` with KH×KW kernels of rank 1 (`rank` 1: all ones) or of rank 2 where KH, KW > 1 (ones at two opposite corners). */
function fillKernels(w: Float32Array, KH: number, KW: number, rank: 1 | 2): void {
  if (rank === 1) {
    w.fill(1);
    return;
  }
  w.fill(0);
  for (let o = 0; o < w.length; o += KH * KW) {
    w[o] = 1;
    w[o + KH * KW - 1] = 1;
  }
}

/** Plans every call and compiles the pipelines they need that the device lacks. */
export async function warmup(host: ExecutionHost, state: DeviceState, jobs: WarmupJobs): Promise<WarmupSummary> {
  const specs: KernelSpec[] = [...jobs.specs];
  for (const { op, job, view, weightStandIn } of jobs.calls) {
    const g = job.geometry;
    if (!weightStandIn) {
      specs.push(...jobKernels(job, await planJob(host, state, op, job, undefined, view)));
      continue;
    }
    // An explicit algorithm may run only one of the two (separable: rank 1); it rejects only if neither.
    let rejected: unknown;
    let planned = false;
    for (const rank of [1, 2] as const) {
      fillKernels(weightStandIn, g.KH, g.KW, rank);
      try {
        specs.push(...jobKernels(job, await planJob(host, state, op, job, undefined, view)));
        planned = true;
      } catch (e) {
        if (!(e instanceof OptionError)) throw e;
        rejected ??= e;
      }
    }
    if (!planned) throw rejected;
  }
  const prepared = compileKernels(host, state, 'warmup', specs);
  await prepared.ready;
  // Drivers that generate code at the first dispatch (llvmpipe) do it now, for what was compiled here.
  try {
    await primePipelines(state.device, prepared.started.map((spec) => ({ spec, pipeline: getPipeline(state.device, spec) })));
  } catch (cause) {
    throw host.translate(state, 'warmup', cause);
  }
  return { pipelinesCompiled: prepared.compiled, pipelinesCached: prepared.cached, ms: performance.now() - jobs.started };
}
