/**
 * Recording a batch of complex FFTs of one length on the GPU (shaders/fft.wgsl), by the plan of
 * src/fft/plan.ts: one workgroup dispatch, a four-step pair, global Stockham stages, or Bluestein.
 * Transforms may be strided (`Batch`), so rows and columns of a 2-D array run with no transposes.
 * `src` and `dst` are either the same binding (in place) or bindings of different buffers.
 */
import { ResourceError } from '../errors.js';
import type { ParamValues } from '../gpu/params.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import { bindingLimit, type Binding, type PlanLimits, type Recorder } from '../gpu/recorder.js';
import { FFT_CONSTS, planComplex, workgroupCapacity, type ComplexPlan, type WorkgroupPlan } from './plan.js';
import { chirpTable, rootsTable, spectrumTable, type FftState } from './state.js';

/** nb1 meaning "no third level". */
export const UNBOUNDED = 0xffffffff;

/** Where a transform's elements live (complex units): element i of transform t at base(t) + i·stride. */
export interface Side {
  s0: number;
  s1: number;
  s2: number;
  stride: number;
}

/**
 * `count` transforms; base(t) = (t mod nb0)·s0 + ((t / nb0) mod nb1)·s1 + (t / (nb0·nb1))·s2 on
 * each side (nb1 = UNBOUNDED: two levels).
 */
export interface Batch {
  count: number;
  nb0: number;
  nb1: number;
  in: Side;
  out: Side;
}

/** Transform t contiguous at t·n, on both sides. */
export function contiguousBatch(count: number, n: number, inRow = n, outRow = n): Batch {
  return { count, nb0: 1, nb1: UNBOUNDED, in: { s0: 0, s1: inRow, s2: 0, stride: 1 }, out: { s0: 0, s1: outRow, s2: 0, stride: 1 } };
}

/** The columns of `planes` planes of `rows`×`cols` complex values (each column one transform of length rows). */
export function columnBatch(planes: number, rows: number, cols: number): Batch {
  const side = { s0: 1, s1: rows * cols, s2: 0, stride: cols };
  return { count: planes * cols, nb0: cols, nb1: UNBOUNDED, in: side, out: { ...side } };
}

/** Whether a batch's transforms are strided (element stride ≠ 1: the transform index is fastest in memory, as for columns). */
export const isStrided = (b: Batch): boolean => b.in.stride !== 1;

/** Fails with a ResourceError naming the limit when one binding of `bytes` cannot exist. */
export function checkBinding(rec: Recorder, bytes: number, what: string): void {
  const limit = bindingLimit(rec.limits);
  if (bytes > limit) {
    throw new ResourceError(`fft: ${what} needs ${bytes} bytes in one binding, more than maxStorageBufferBindingSize/maxBufferSize allow (${limit})`);
  }
  if (bytes / 8 > 2 ** 32 - 1) throw new ResourceError(`fft: ${what} has more than 2^32 elements`);
}

/** The plan for complex transforms of length n on the recorder's (or planner's) device limits. */
export function planFor(rec: { limits: PlanLimits }, n: number): ComplexPlan {
  if (rec.limits.maxComputeInvocationsPerWorkgroup < FFT_CONSTS.WG) {
    throw new ResourceError(`fft: the FFT kernels need ${FFT_CONSTS.WG} invocations per workgroup; maxComputeInvocationsPerWorkgroup is ${rec.limits.maxComputeInvocationsPerWorkgroup}`);
  }
  const cap = workgroupCapacity(rec.limits.maxComputeWorkgroupStorageSize);
  if (cap < 8) throw new ResourceError(`fft: maxComputeWorkgroupStorageSize ${rec.limits.maxComputeWorkgroupStorageSize} is below the 128 bytes the FFT kernels need`);
  return planComplex(n, cap);
}

function layoutParams(b: Batch) {
  return {
    count: b.count, nb0: b.nb0, nb1: b.nb1,
    is0: b.in.s0, is1: b.in.s1, is2: b.in.s2, istr: b.in.stride,
    os0: b.out.s0, os1: b.out.s1, os2: b.out.s2, ostr: b.out.stride,
  };
}

const groups = (threads: number): number => Math.ceil(threads / FFT_CONSTS.WG);

/** The kernels of the `fft` family that take no override constant, by entry point. */
export const fftSpec = (entryPoint: string): KernelSpec<'fft'> => ({ family: 'fft', entryPoint, constants: {} });

/**
 * The workgroup entry points of shaders/fft.wgsl: complex transforms (out of place / in place), real
 * rows, FFT convolution's real rows read from its input / written to its output, one-row planes
 * filtered whole, column filtering.
 */
export type WorkgroupEntry = 'wg' | 'wgInPlace' | 'wgRfft' | 'wgIrfft' | 'wgRfftConv' | 'wgIrfftConv' | 'wgRowFilter' | 'wgFilter';

/** Values of `sh` a workgroup kernel of `entry` needs per transform beyond its two halves when it holds several: bases, or convolution rows' descriptions. */
const slotValues = (entry: WorkgroupEntry): number => ({ wgRfftConv: 2, wgIrfftConv: 2, wgRowFilter: 3 } as Partial<Record<WorkgroupEntry, number>>)[entry] ?? 1;

/** Complex values of workgroup memory a kernel of `entry` for plan `p` declares. */
export const sharedValues = (p: WorkgroupPlan, entry: WorkgroupEntry): number => 2 * p.perWg * p.n + (p.perWg > 1 ? slotValues(entry) * p.perWg : 0);

/**
 * The workgroup kernel `entry` specialised for plan `p` (shaders/fft.wgsl's W* overrides): its
 * length, radices, direction, and whether transforms are strided (the transform index fastest in
 * memory); its shared array holds exactly the workgroup's two halves and (several transforms per
 * workgroup) their bases.
 */
export function workgroupSpec(p: WorkgroupPlan, entry: WorkgroupEntry, inverse: boolean, strided: boolean, extra: Record<string, number> = {}): KernelSpec<'fft'> {
  if (p.radices.length > 8) throw new Error(`fft: ${p.radices.length} stages do not fit the workgroup kernel's 8`);
  const constants: Record<string, number> = {
    ...extra,
    SHARED: sharedValues(p, entry), WN: p.n, WTPT: p.tpt, WPER: p.perWg, WINV: inverse ? 1 : 0, WMFAST: strided ? 1 : 0,
  };
  p.radices.forEach((r, i) => (constants[`WR${i}`] = r));
  return { family: 'fft', entryPoint: entry, constants };
}

/** The entry point of a plain complex workgroup transform. */
const complexEntry = (inPlace: boolean): WorkgroupEntry => (inPlace ? 'wgInPlace' : 'wg');

/**
 * Every kernel `encodeComplex` dispatches for `plan` (in place: src and dst the same binding;
 * strided: the batch's element stride is not 1, as for columns). A four-step transform's passes and
 * Bluestein's inner transforms go through scratch, so their layouts are fixed.
 */
export function complexKernels(plan: ComplexPlan, inPlace: boolean, inverse: boolean, strided: boolean): KernelSpec<'fft'>[] {
  switch (plan.kind) {
    case 'workgroup':
      return [workgroupSpec(plan, complexEntry(inPlace), inverse, strided)];
    case 'fourstep':
      return [workgroupSpec(plan.first, 'wg', inverse, true), workgroupSpec(plan.second, 'wg', inverse, false)];
    case 'multipass':
      return [fftSpec('stage')];
    case 'bluestein':
      return [fftSpec('chirpPre'), ...complexKernels(plan.sub, true, false, false), fftSpec('spectrumMul'), ...complexKernels(plan.sub, true, true, false), fftSpec('chirpPost')];
  }
}

/**
 * Records `plan` for batch `b`: dst = FFT(src)·scale (inverse: unnormalised e^{+2πi…}, then scale).
 * In place when src and dst are the same binding.
 */
export function encodeComplex(rec: Recorder, st: FftState, plan: ComplexPlan, b: Batch, inverse: boolean, scale: number, src: Binding, dst: Binding): void {
  if (src.buffer === dst.buffer && (src.offset ?? 0) !== (dst.offset ?? 0)) {
    throw new Error('fft: src and dst must be the same binding or bindings of different buffers');
  }
  switch (plan.kind) {
    case 'workgroup':
      return workgroupPass(rec, st, plan, b, inverse, scale, src, dst, undefined);
    case 'fourstep':
      return fourStep(rec, st, plan, b, inverse, scale, src, dst);
    case 'multipass':
      return multipass(rec, st, plan.n, plan.radices, b, inverse, scale, src, dst);
    case 'bluestein':
      return bluestein(rec, st, plan, b, inverse, scale, src, dst);
  }
}

function workgroupPass(
  rec: Recorder, st: FftState, p: WorkgroupPlan, b: Batch, inverse: boolean, scale: number, src: Binding, dst: Binding,
  post: { n: number; table: Binding } | undefined,
): void {
  const inPlace = src.buffer === dst.buffer;
  if (inPlace && JSON.stringify(b.in) !== JSON.stringify(b.out)) throw new Error('fft: an in-place transform must write where it reads');
  const tw = rootsTable(st, p.n);
  dispatchWorkgroup(rec, p, b, complexEntry(inPlace), inverse, { twN: post?.n ?? 0, scale }, [inPlace ? null : src, dst, tw, post?.table ?? tw]);
}

/**
 * Dispatches workgroup kernel `entry` of plan `p` over batch `b` (one workgroup per p.perWg
 * transforms) with `params`, bindings 1, 2, … (null: unused) and `extra` override constants.
 */
export function dispatchWorkgroup(
  rec: Recorder, p: WorkgroupPlan, b: Batch, entry: WorkgroupEntry, inverse: boolean,
  params: ParamValues<'fft'> & { scale: number }, bindings: ReadonlyArray<Binding | null>, extra: Record<string, number> = {},
): void {
  rec.dispatch(
    workgroupSpec(p, entry, inverse, isStrided(b), extra),
    { ...layoutParams(b), n: p.n, twN: 0, ...params },
    bindings,
    Math.ceil(b.count / p.perWg),
  );
}

/** A side for transforms stored contiguously (t·n) under batch b's level structure. */
function contiguousSide(b: Batch, n: number): Side {
  return { s0: n, s1: b.nb0 * n, s2: b.nb1 === UNBOUNDED ? 0 : b.nb0 * b.nb1 * n, stride: 1 };
}

/**
 * n = n1·n2: pass 1 takes the n2 transforms of length n1 over x[n2·i + q] (q < n2) into scratch,
 * twiddled by w_n^{q·k1}; pass 2 the n1 transforms of length n2 over each k1, writing X[k1 + n1·k2].
 */
function fourStep(rec: Recorder, st: FftState, p: Extract<ComplexPlan, { kind: 'fourstep' }>, b: Batch, inverse: boolean, scale: number, src: Binding, dst: Binding): void {
  if (b.nb1 !== UNBOUNDED) throw new Error('fft: a four-step transform takes a two-level batch');
  const n = p.n, n1 = p.first.n, n2 = p.second.n;
  const bytes = b.count * n * 8;
  checkBinding(rec, bytes, `a transform of length ${n}`);
  const S = rec.scratch(bytes, 'fft.fourstep');
  const inner = { s0: 1, s1: n, s2: n * b.nb0 };
  workgroupPass(rec, st, p.first, {
    count: b.count * n2, nb0: n2, nb1: b.nb0,
    in: { s0: b.in.stride, s1: b.in.s0, s2: b.in.s1, stride: n2 * b.in.stride },
    out: { ...inner, stride: n2 },
  }, inverse, 1, src, S, { n, table: rootsTable(st, n) });
  workgroupPass(rec, st, p.second, {
    count: b.count * n1, nb0: n1, nb1: b.nb0,
    in: { s0: n2, s1: n, s2: n * b.nb0, stride: 1 },
    out: { s0: b.out.stride, s1: b.out.s0, s2: b.out.s1, stride: n1 * b.out.stride },
  }, inverse, scale, S, dst, undefined);
}

/** One global Stockham stage per radix, ping-pong through scratch. */
function multipass(rec: Recorder, st: FftState, n: number, radices: number[], b: Batch, inverse: boolean, scale: number, src: Binding, dst: Binding): void {
  if (radices.length < 2) throw new Error('fft: a multipass transform needs two stages or more');
  const bytes = b.count * n * 8;
  checkBinding(rec, bytes, `a transform of length ${n}`);
  const ping = [rec.scratch(bytes, 'fft.stage'), ...(radices.length > 2 ? [rec.scratch(bytes, 'fft.stage')] : [])];
  const tw = rootsTable(st, n);
  const inner = contiguousSide(b, n);
  let ns = 1;
  let cur = src;
  radices.forEach((R, s) => {
    const last = s === radices.length - 1;
    const out = last ? dst : (ping[s % ping.length] as Binding);
    const batch: Batch = { ...b, in: s === 0 ? b.in : inner, out: last ? b.out : inner };
    const total = (b.count * n) / R;
    rec.dispatch(
      fftSpec('stage'),
      { ...layoutParams(batch), total, n, ns, radix: R, inv: inverse ? 1 : 0, scale: last ? scale : 1 },
      [cur, out, tw],
      groups(total),
    );
    cur = out;
    ns *= R;
  });
}

/** Bluestein: chirp, a convolution of fast length m (two transforms and a spectrum product), chirp. */
function bluestein(rec: Recorder, st: FftState, p: Extract<ComplexPlan, { kind: 'bluestein' }>, b: Batch, inverse: boolean, scale: number, src: Binding, dst: Binding): void {
  const { n, m } = p;
  const bytes = b.count * m * 8;
  checkBinding(rec, bytes, `Bluestein's convolution for length ${n}`);
  const A = rec.scratch(bytes, 'fft.bluestein');
  const chirp = chirpTable(st, n);
  const inv = inverse ? 1 : 0;
  rec.dispatch(fftSpec('chirpPre'), { ...layoutParams(b), total: b.count * m, n, m, inv }, [src, A, null, chirp], groups(b.count * m));
  const conv = contiguousBatch(b.count, m);
  encodeComplex(rec, st, p.sub, conv, false, 1, A, A);
  rec.dispatch(fftSpec('spectrumMul'), { total: b.count * m, m }, [null, A, null, spectrumTable(st, n, m, inverse)], groups(b.count * m));
  encodeComplex(rec, st, p.sub, conv, true, 1, A, A);
  rec.dispatch(fftSpec('chirpPost'), { ...layoutParams(b), total: b.count * n, n, m, inv, scale }, [A, dst, null, chirp], groups(b.count * n));
}
