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
import { cpu, type ConvEngine, type HostTensor } from '../../src/index.js';

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

/** The reduction length of one output element of `op`. */
export function reductionLength(op: OpName, a: HostTensor, b: HostTensor, o: AnyOptions): number {
  const bias = o.bias ? 1 : 0;
  if (op === 'conv2d' || op === 'conv1d') return b.data.length / (b.shape[0] as number) + bias;
  const plane = op === 'convolve2d' || op === 'correlate2d' ? a.shape.slice(-2) : a.shape.slice(-1);
  return Math.min(plane.reduce((x, y) => x * y, 1), b.data.length);
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

/** Runs `op` on the GPU engine and on the CPU reference and compares them. Returns the GPU result. */
export async function checkOp(engine: ConvEngine, op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions = {}, label = op): Promise<HostTensor> {
  const ref = (cpu[op] as CpuOp)(a, b, options);
  const mag = (cpu[op] as CpuOp)(abs(a), abs(b), absOptions(options));
  const got = await (engine[op] as (a: HostTensor, b: HostTensor, o?: AnyOptions) => Promise<HostTensor>).call(engine, a, b, options);
  expectClose(got, ref, mag, reductionLength(op, a, b, options), label);
  return got;
}

/** Deterministic pseudo-random tensor with values in [-1, 1) (mulberry32). */
export function randomTensor(shape: number[], seed: number): HostTensor {
  let s = seed >>> 0;
  const n = shape.reduce((x, y) => x * y, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    data[i] = ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  }
  return { data, shape };
}
