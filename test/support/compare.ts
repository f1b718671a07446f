/**
 * Comparing GPU results with the CPU reference, with a tolerance derived from the arithmetic rather
 * than a flat constant. A float32 sum of L products satisfies |fl(Σ) − Σ| ≤ γ_L · Σ|x·w| with
 * γ_L = L·u / (1 − L·u), u = 2⁻²⁴ (Higham, Accuracy and Stability, §3.1), whatever the summation
 * order; the reference is exact to float64 and then rounded once (≤ u·|ref|). So each element i gets
 *   tol_i = γ_{L+1} · m_i + u · |ref_i| + L · 2⁻¹²⁶
 * where m_i is the same op evaluated by the reference on |input|, |weight|, |bias|, |fill| (the
 * magnitude sum), L the reduction length (+1 for the bias), and the last term covers flushing of
 * subnormals to zero. NaN matches only NaN and ±Inf only the same infinity.
 */
import { expect } from 'vitest';
import { expectFftClose } from './fft-bound.js';
import { expectSeparableClose } from './separable-bound.js';
import { expectSeparableFftClose } from './separable-fft-bound.js';
import { expectWinogradClose } from './winograd-bound.js';
import { ALGORITHM_NAMES, cpu, OptionError, type ConvEngine, type GpuTensor, type HostTensor, type RunInfo } from '../../src/index.js';

/** Deterministic pseudo-random tensors (mulberry32), shared with the benchmarks: see src/testing.ts. */
export { randomTensor } from '../../src/testing.js';

/**
 * Algorithms that run only some weights of their ops, not every geometry: 'separable' (a rank-1-only
 * algorithm: kernels of rank ≤ 1, one input channel per group) and 'winograd' (3×3 kernels at
 * stride 1, dilation 1 only). `checkOp` runs an explicit request
 * of one of these where `engine.explain` says it can and otherwise asserts that the call rejects
 * with OptionError; any other algorithm that stops running fails the shared suites.
 */
export const NOT_GENERAL: ReadonlySet<string> = new Set(['separable', 'winograd']);
/** The algorithms that run every geometry (suites that need a result from each iterate these). */
export const GENERAL_ALGORITHMS = ALGORITHM_NAMES.filter((a) => !NOT_GENERAL.has(a));

export const U = 2 ** -24;
export const gamma = (n: number): number => (n * U) / (1 - n * U);

export type OpName = 'conv2d' | 'conv1d' | 'convolve2d' | 'correlate2d' | 'convolve1d' | 'correlate1d';
// The ops share a (a, b, options) signature; options are typed per op at the call sites.
type AnyOptions = Record<string, unknown>;
type CpuOp = (a: HostTensor, b: HostTensor, o?: AnyOptions) => HostTensor;

export const abs = (t: HostTensor): HostTensor => ({ data: t.data.map(Math.abs), shape: t.shape });

/** The options of the magnitude pass: |bias|, |fillValue|. */
export function absOptions(o: AnyOptions): AnyOptions {
  const r: AnyOptions = { ...o };
  if (o.bias instanceof Float32Array) r.bias = o.bias.map(Math.abs);
  if (typeof o.fillValue === 'number') r.fillValue = Math.abs(o.fillValue);
  return r;
}

/**
 * The reduction length of one output element of `op`: how many products its sum may hold that are
 * not exact zeros.
 *
 * conv2d / conv1d sum every weight of one output channel (the padding, whatever its mode, is
 * already in the padded input), plus the bias.
 *
 * The SciPy / NumPy filters sum all K taps (K = the kernel's element count) of the extended input.
 * Taps that fall outside it contribute exact zeros only when the extension is zeros — NumPy's 1-D
 * ops always, the 2-D ops with boundary 'fill' and fillValue 0; then at most min(plane, K) products
 * are nonzero (the input plane's element count), which is the tighter bound for a small image.
 * With any other boundary ('wrap', 'symm', 'reflect', 'replicate' read image values) or a nonzero
 * fillValue every one of the K taps contributes, so L = K even when the image is smaller than the
 * kernel (a 1×1 image under a 2×6 kernel in 'full' mode sums 12 products, not 1). Mode 'valid' reads
 * no tap outside the image, so the boundary is moot there and min() stays right — including
 * SciPy's swapped 'valid', where the kernel contains the image and each output sums plane products.
 */
export function reductionLength(op: OpName, a: HostTensor, b: HostTensor, o: AnyOptions): number {
  const bias = o.bias ? 1 : 0;
  if (op === 'conv2d' || op === 'conv1d') return b.data.length / (b.shape[0] as number) + bias;
  const K = b.data.length;
  const twoD = op === 'convolve2d' || op === 'correlate2d';
  const plane = (twoD ? a.shape.slice(-2) : a.shape.slice(-1)).reduce((x, y) => x * y, 1);
  const mode = o.mode ?? (op === 'correlate1d' ? 'valid' : 'full');
  const zeroExtension = !twoD || ((o.boundary ?? 'fill') === 'fill' && ((o.fillValue as number | undefined) ?? 0) === 0);
  if (mode !== 'valid' && !zeroExtension) return K;
  return Math.min(plane, K);
}

/** Asserts `actual` equals `ref` in shape and, element by element, within the derived tolerance. */
export function expectClose(actual: HostTensor, ref: HostTensor, magnitude: HostTensor, L: number, label = ''): void {
  expect(actual.shape, `${label} shape`).toEqual(ref.shape);
  expect(actual.data.length, `${label} length`).toBe(ref.data.length);
  const g = gamma(L);
  for (let i = 0; i < ref.data.length; i++) {
    const a = actual.data[i] as number;
    const e = ref.data[i] as number;
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) expect.fail(`${label} [${i}]: got ${a}, expected ${e}`);
      continue;
    }
    const tol = g * (magnitude.data[i] as number) + U * Math.abs(e) + L * 2 ** -126;
    if (!(Math.abs(a - e) <= tol)) {
      expect.fail(`${label} [${i}] of [${ref.shape.join(', ')}]: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > tolerance ${tol})`);
    }
  }
}

/** Runs `op` on the GPU engine and returns its result with the call's RunInfo (the `onRun` report). */
export async function runWithInfo(engine: ConvEngine, op: OpName, a: HostTensor | GpuTensor, b: HostTensor | GpuTensor, options: AnyOptions = {}): Promise<{ result: HostTensor; info: RunInfo }> {
  let info: RunInfo | undefined;
  const call = engine[op] as (a: HostTensor | GpuTensor, b: HostTensor | GpuTensor, o?: AnyOptions) => Promise<HostTensor>;
  const result = await call.call(engine, a, b, { ...options, onRun: (i: RunInfo) => (info = i) });
  if (!info) return expect.fail(`${op}: onRun was not called`);
  return { result, info };
}

/**
 * Asserts `result` of `op(a, b, options)`, run as `info` reports, equals the CPU reference within
 * the derived tolerance: normwise for FFT (test/support/fft-bound.ts), elementwise otherwise.
 */
export function expectMatchesReference(op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions, info: RunInfo, result: HostTensor, label: string = op): void {
  const ref = (cpu[op] as CpuOp)(a, b, options);
  if (info.algorithm === 'fft') {
    expectFftClose(op, a, b, options, info, result, ref, label);
    return;
  }
  if (info.algorithm === 'winograd') {
    expectWinogradClose(op, a, b, options, info, result, ref, label);
    return;
  }
  if (info.algorithm === 'separable' && info.variant.startsWith('fft ')) {
    expectSeparableFftClose(op, a, b, options, info, result, ref, label);
    return;
  }
  if (info.algorithm === 'separable') {
    expectSeparableClose(op, a, b, options, result, ref, label);
    return;
  }
  const mag = (cpu[op] as CpuOp)(abs(a), abs(b), absOptions(options));
  expectClose(result, ref, mag, reductionLength(op, a, b, options), label);
}

/**
 * Runs `op` on the GPU engine and on the CPU reference and compares them. Asserts that the
 * requested algorithm (when not 'auto') is the one that ran, and that the call's RunInfo matches
 * `expected` (e.g. `{ variant: 'implicit' }`). Returns the GPU result.
 */
export async function checkOp(
  engine: ConvEngine, op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions = {}, label: string = op, expected: Partial<RunInfo> = {},
): Promise<HostTensor> {
  const requested = options.algorithm ?? 'auto';
  if (NOT_GENERAL.has(requested as string) && !canRun(engine, op, a, b, options)) {
    await expect(runWithInfo(engine, op, a, b, options), `${label}: ${String(requested)} cannot run it`).rejects.toBeInstanceOf(OptionError);
    // Nothing ran: the reference stands in for callers that use the result.
    return (cpu[op] as CpuOp)(a, b, options);
  }
  const { result, info } = await runWithInfo(engine, op, a, b, options);
  expect(info, `${label}: what ran`).toMatchObject({ op, ...(requested === 'auto' ? {} : { algorithm: requested }), ...expected });
  expectMatchesReference(op, a, b, options, info, result, label);
  return result;
}

/** Whether `engine.explain` says the call's explicit algorithm can run it (false: OptionError). */
function canRun(engine: ConvEngine, op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions): boolean {
  try {
    engine.explain(op, a, b, options);
    return true;
  } catch (e) {
    if (e instanceof OptionError) return false;
    throw e;
  }
}
