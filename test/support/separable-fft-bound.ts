/**
 * The tolerance of the separable algorithm's FFT passes (src/algorithms/separable-fft.ts): normwise
 * per output plane, derived from the arithmetic.
 *
 * With the float32 factors a, b (correlation order) the passes compute T̂ ≈ T = B·x̃ (the row pass
 * over the H input rows), then Û ≈ A·E·T̂ (E extends the rows by the boundary rule, a 'fill' row
 * being f̂ = fl(fill·fl(Σb)), A the column sums), then fl(Û + bias). Per plane (n, k):
 *   ‖Û − y‖₂ ≤ Σ|a·bᵀ − w|·max|x̃|·√(OH·OW)                (the factors against the weight)
 *            + ‖a‖₁·√m·β_rows                                 (the row pass's error through A·E)
 *            + β_cols + s·β_rows                              (the column pass's own error)
 *            + ‖a‖₁·2.01u·|fill|·|Σb|·√(OH·OW)                (f̂ against fill·Σb, 'fill' only)
 *            + u·(‖y‖₂ + |bias|·√(OH·OW))                      (the bias added in float32)
 * β_rows, β_cols: FFT convolution's per-plane bound (test/support/fft-bound.ts) for the row pass on
 * x and for the column pass on the exact T (transposed); m: the most outputs of one column that read
 * the same row through one tap (a row and its mirror both in a window); s: the column transforms'
 * sensitivity to their input's error, Σ_tiles √m·(η(‖a‖₁ + √F‖a‖₂) + (4u + η)‖a‖₁) — the same
 * bound's coefficients with ‖ΔX‖∞ ≤ √F‖Δx‖₂. The reference's own rounding is added by
 * expectPlanesClose.
 */
import { expect } from 'vitest';
import { rankOneFactors, recordedFactors } from '../../src/algorithms/rank1.js';
import { passGeometries, rowFill, rowSum } from '../../src/algorithms/separable-fft.js';
import { extendIndex } from '../../src/cpu/reference.js';
import type { HostTensor, RunInfo } from '../../src/index.js';
import { makeJob, type OpName } from '../../src/ops/index.js';
import { U } from './compare.js';
import { expectPlanesClose, fftPlaneBounds, fftVariant } from './fft-bound.js';

type AnyOptions = Record<string, unknown>;

/** Asserts an FFT-passes separable result of `op(a, b, options)` (run as `info` reports) equals `ref` within the bound above. */
export function expectSeparableFftClose(op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions, info: RunInfo, actual: HostTensor, ref: HostTensor, label: string = op): { worst: number; relative: number } {
  const v = /^fft rows\d+@(.+) cols\d+@(.+)$/.exec(info.variant);
  if (!v) return expect.fail(`${label}: not an FFT-passes variant: ${info.variant}`);
  const rowsTiling = fftVariant({ variant: v[1] as string });
  const colsTiling = fftVariant({ variant: v[2] as string });
  const job = makeJob(op, a, b, options as never);
  const g = job.geometry;
  const x = job.input as Float32Array;
  const w = job.weight as Float32Array;
  const { N, K, H, W, KH, KW, OH, OW } = g;
  // The factors as the plan takes them, in correlation order.
  const av = new Float32Array(K * KH);
  const bv = new Float32Array(K * KW);
  for (let k = 0; k < K; k++) {
    const f = (K === 1 ? recordedFactors(w) : undefined) ?? rankOneFactors(w.subarray(k * KH * KW, (k + 1) * KH * KW), KH, KW);
    if ('reason' in f) return expect.fail(`${label}: separable ran a kernel that ${f.reason}`);
    for (let i = 0; i < KH; i++) av[k * KH + i] = Math.fround(f.a[g.flip ? KH - 1 - i : i] as number);
    for (let j = 0; j < KW; j++) bv[k * KW + j] = Math.fround(f.b[g.flip ? KW - 1 - j : j] as number);
  }
  const sumB = rowSum(bv.subarray(0, KW));
  const { rows, cols } = passGeometries(g, rowFill(g.fillValue, sumB));
  const at = (n: number, k: number, iy: number, jx: number): number => {
    const ix = extendIndex(jx, W, g.boundary);
    return ix < 0 ? g.fillValue : (x[((n * g.C + k) * H + iy) * W + ix] as number);
  };
  // The exact row pass, transposed: the column pass's input.
  const Tt = new Float32Array(N * K * OW * H);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) for (let y = 0; y < H; y++) for (let ox = 0; ox < OW; ox++) {
    let s = 0;
    for (let kx = 0; kx < KW; kx++) s += (bv[k * KW + kx] as number) * at(n, k, y, ox * g.strideW - g.padLeft + kx * g.dilationW);
    Tt[((n * K + k) * OW + ox) * H + y] = s;
  }
  const betaRows = fftPlaneBounds(rows, x, bv, rowsTiling);
  const betaCols = fftPlaneBounds(cols, Tt, av, colsTiling);
  let m = 1;
  for (let ky = 0; ky < KH; ky++) {
    const seen = new Map<number, number>();
    for (let oy = 0; oy < OH; oy++) {
      const r = extendIndex(oy * g.strideH - g.padTop + ky * g.dilationH, H, g.boundary);
      if (r >= 0) m = Math.max(m, seen.set(r, (seen.get(r) ?? 0) + 1).get(r) as number);
    }
  }
  const Fc = colsTiling.FH * colsTiling.FW;
  const etaC = 8 * U * Math.log2(Math.max(2, Fc));
  const planeSize = OH * OW;
  const bounds = betaRows.map((br, p) => {
    const n = Math.floor(p / K);
    const k = p % K;
    const a1 = av.subarray(k * KH, (k + 1) * KH).reduce((s, q) => s + Math.abs(q), 0);
    const a2 = Math.hypot(...av.subarray(k * KH, (k + 1) * KH));
    const s = colsTiling.tiles * Math.sqrt(m) * (etaC * (a1 + Math.sqrt(Fc) * a2) + (4 * U + etaC) * a1);
    // Σ|a·bᵀ − w| (in float64) times the largest |x̃| of the plane, for each output.
    let d = 0;
    for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
      d += Math.abs((av[k * KH + ky] as number) * (bv[k * KW + kx] as number) - (w[(k * KH + (g.flip ? KH - 1 - ky : ky)) * KW + (g.flip ? KW - 1 - kx : kx)] as number));
    }
    let xMax = g.boundary === 'fill' ? Math.abs(g.fillValue) : 0;
    for (let i = (n * g.C + k) * H * W; i < (n * g.C + k + 1) * H * W; i++) xMax = Math.max(xMax, Math.abs(x[i] as number));
    let y2 = 0;
    for (let i = p * planeSize; i < (p + 1) * planeSize; i++) y2 += (ref.data[i] as number) ** 2;
    const e2 = (d * xMax) ** 2 * planeSize;
    const fill = g.boundary === 'fill' ? a1 * 2.01 * U * Math.abs(g.fillValue * sumB) * Math.sqrt(planeSize) : 0;
    const bias = job.bias ? U * Math.abs(job.bias[k] as number) * Math.sqrt(planeSize) : 0;
    return Math.sqrt(e2) + a1 * Math.sqrt(m) * br + (betaCols[p] as number) + s * br + fill + U * Math.sqrt(y2) + bias;
  });
  return expectPlanesClose(actual, ref, K, planeSize, bounds, job.bias, `${label} (separable FFT passes ${info.variant})`);
}
