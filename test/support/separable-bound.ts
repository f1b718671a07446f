/**
 * The tolerance of separable results: elementwise, derived from the arithmetic.
 *
 * The separable algorithm factors each KH × KW plane w of the factored operand (the kernel; for
 * SciPy's and NumPy's swapped modes, where the image plays the weight, the image) into float32
 * vectors a, b (src/algorithms/rank1.ts) and computes, for each output,
 *   y = fl( bias + Σ_ky a_ky · fl(Σ_kx b_kx · x̃_{ky,kx}) )
 * over the same extended-input values x̃ the 2-D sum Σ w_{ky,kx}·x̃_{ky,kx} reads (a 'fill' row is
 * the fill value along the whole row, as in the 2-D extended image). Two sources of error:
 *  1. the factors: a·bᵀ ≠ w; with P = a·bᵀ evaluated exactly (a product of two float32 numbers is
 *     exact in float64), |Σ (P − w)·x̃| ≤ Σ |P − w|·|x̃|, computed below as the reference op on |x|
 *     with the kernel E = |P − w| (and |fill|);
 *  2. the rounding: the row sum has error ≤ γ_KW·Σ|b||x̃| (Higham §3.1, any order), so
 *     |T̂ − T| ≤ γ_KW·T⁺ with T⁺ = Σ|b||x̃|; the column sum of KH products with the bias added
 *     has error ≤ γ_{KH+1}·(|bias| + Σ|a|·|T̂|) ≤ γ_{KH+1}(1 + γ_KW)·M, and with the row error
 *     γ_KW + γ_{KH+1} + γ_KW·γ_{KH+1} ≤ γ_{KH+KW+1}. M = |bias| + Σ |a_ky||b_kx||x̃| is the
 *     reference op on |x| with the kernel |a|·|b|ᵀ, |bias| and |fill|.
 * So tol_i = E-term_i + γ_{KH+KW+1}·M_i + u·|ref_i| (the reference is float64 rounded once) plus
 * (KH·KW + KH + 1)·max(1, Σ|a|)·2⁻¹²⁶ for subnormals flushed in either pass. The E and |a|·|b|
 * kernels and the magnitude sums are stored in float32 and so each rounded up by a factor 1 + 2⁻²².
 */
import { expect } from 'vitest';
import { rankOneFactors } from '../../src/algorithms/rank1.js';
import { cpu, type HostTensor } from '../../src/index.js';
import { abs, absOptions, gamma, U, type OpName } from './compare.js';

type AnyOptions = Record<string, unknown>;
type CpuOp = (a: HostTensor, b: HostTensor, o?: AnyOptions) => HostTensor;

const UP = 1 + 2 ** -22;

/** The factored operand of `op(a, b, options)`: which of a and b, and its planes' KH × KW. */
function factored(op: OpName, a: HostTensor, b: HostTensor, o: AnyOptions): { which: 'a' | 'b'; KH: number; KW: number } {
  const last = (t: HostTensor, i: number) => t.shape[t.shape.length - i] as number;
  if (op === 'conv2d') return { which: 'b', KH: last(b, 2), KW: last(b, 1) };
  if (op === 'conv1d') return { which: 'b', KH: 1, KW: last(b, 1) };
  if (op === 'convolve2d' || op === 'correlate2d') {
    const swapped = o.mode === 'valid' && !(last(a, 2) >= last(b, 2) && last(a, 1) >= last(b, 1));
    return swapped ? { which: 'a', KH: last(a, 2), KW: last(a, 1) } : { which: 'b', KH: last(b, 2), KW: last(b, 1) };
  }
  // NumPy swaps the operands when the kernel is longer than the signal.
  return last(b, 1) > last(a, 1) ? { which: 'a', KH: 1, KW: last(a, 1) } : { which: 'b', KH: 1, KW: last(b, 1) };
}

/** E = |a·bᵀ − w| and |a|·|b|ᵀ per plane of `t` (rounded up to float32), and the largest Σ|a|. */
function factorKernels(t: HostTensor, KH: number, KW: number): { E: HostTensor; P: HostTensor; sumA: number } {
  const n = KH * KW;
  const E = new Float32Array(t.data.length);
  const P = new Float32Array(t.data.length);
  let sumA = 0;
  for (let o = 0; o < t.data.length; o += n) {
    const w = t.data.subarray(o, o + n);
    const f = rankOneFactors(w, KH, KW);
    if ('reason' in f) return expect.fail(`separable ran a plane that ${f.reason}`);
    const a = f.a.map(Math.fround);
    const b = f.b.map(Math.fround);
    sumA = Math.max(sumA, a.reduce((s, x) => s + Math.abs(x), 0));
    for (let i = 0; i < KH; i++) {
      for (let j = 0; j < KW; j++) {
        const p = (a[i] as number) * (b[j] as number);
        E[o + i * KW + j] = Math.fround(Math.abs(p - (w[i * KW + j] as number)) * UP);
        P[o + i * KW + j] = Math.fround(Math.abs(p) * UP);
      }
    }
  }
  return { E: { data: E, shape: t.shape }, P: { data: P, shape: t.shape }, sumA };
}

/** Asserts a separable result of `op(a, b, options)` equals `ref` within the bound above. */
export function expectSeparableClose(op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions, result: HostTensor, ref: HostTensor, label: string): void {
  expect(result.shape, `${label} shape`).toEqual(ref.shape);
  const { which, KH, KW } = factored(op, a, b, options);
  const { E, P, sumA } = factorKernels(which === 'a' ? a : b, KH, KW);
  const run = cpu[op] as CpuOp;
  const { bias: _bias, ...noBias } = absOptions(options);
  const errTerm = which === 'a' ? run(E, abs(b), noBias) : run(abs(a), E, noBias);
  const mag = which === 'a' ? run(P, abs(b), absOptions(options)) : run(abs(a), P, absOptions(options));
  const g = gamma(KH + KW + 1);
  const flush = (KH * KW + KH + 1) * Math.max(1, sumA) * 2 ** -126;
  for (let i = 0; i < ref.data.length; i++) {
    const got = result.data[i] as number;
    const e = ref.data[i] as number;
    if (!Number.isFinite(e)) {
      if (!Object.is(got, e) && !(Number.isNaN(got) && Number.isNaN(e))) expect.fail(`${label} [${i}]: got ${got}, expected ${e}`);
      continue;
    }
    const tol = ((errTerm.data[i] as number) + g * (mag.data[i] as number)) * UP + U * Math.abs(e) + flush;
    if (!(Math.abs(got - e) <= tol)) {
      expect.fail(`${label} [${i}] of [${ref.shape.join(', ')}] (separable): got ${got}, expected ${e} (|diff| ${Math.abs(got - e)} > tolerance ${tol})`);
    }
  }
}
