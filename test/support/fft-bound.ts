/**
 * The tolerance of FFT convolution results: normwise per output plane, derived from the arithmetic.
 *
 * One output plane (n, k) of a tile is y = F⁻¹(Σ_c X_c ⊙ conj(W_c)) over transforms of F = FH·FW
 * points, X_c = F(x̃_c) the tile's extended input span, W_c = F(w_c) the dilated kernel. A float32
 * FFT with accurate twiddles has ‖fl(F v) − F v‖₂ ≤ η‖F v‖₂, η = log2(F)·(μ + γ₄(√2 + μ)) ≤ 8·u·log2 F
 * (Higham, Accuracy and Stability, Thm 24.2; μ ≤ u the twiddles' error). With ‖F v‖₂ = √F‖v‖₂,
 * ‖X ⊙ ΔW‖₂ ≤ ‖X‖∞‖ΔW‖₂, ‖X‖∞ ≤ ‖x̃‖₁ and ‖W‖∞ ≤ ‖w‖₁, the product's rounding 3u and the sum over
 * Cg channels γ_Cg, and the inverse transform's own η and 1/F scaling:
 *
 *   ‖Δy‖₂ ≤ Σ_c [ η(‖w_c‖₁‖x̃_c‖₂ + ‖x̃_c‖₁‖w_c‖₂) + (3u + γ_Cg + η)·‖x̃_c‖₂‖w_c‖₁ ]
 *
 * per tile; a plane of T tiles sums T such bounds, each bounded by the whole span's norms. The
 * reference (float64, rounded once) adds u‖y‖₂ and the bias u·|b|·√(OH·OW). This is a bound on the
 * 2-norm of the plane's error, not on each element: one element may take all of it.
 */
import { expect } from 'vitest';
import { extendIndex } from '../../src/cpu/reference.js';
import type { ConvGeometry } from '../../src/geometry.js';
import type { HostTensor, RunInfo } from '../../src/index.js';
import { makeJob, type OpName } from '../../src/ops/index.js';
import { gamma, U } from './compare.js';

type AnyOptions = Record<string, unknown>;

/** ‖·‖₁ and ‖·‖₂ of the extended input span of plane (n, c) that the outputs read. */
function spanNorms(g: ConvGeometry, x: Float32Array, n: number, c: number): { l1: number; l2: number } {
  const rows = (g.OH - 1) * g.strideH + (g.KH - 1) * g.dilationH + 1;
  const cols = (g.OW - 1) * g.strideW + (g.KW - 1) * g.dilationW + 1;
  let l1 = 0;
  let l2 = 0;
  for (let i = 0; i < rows; i++) {
    const iy = extendIndex(i - g.padTop, g.H, g.boundary);
    for (let j = 0; j < cols; j++) {
      const ix = extendIndex(j - g.padLeft, g.W, g.boundary);
      const v = iy < 0 || ix < 0 ? g.fillValue : (x[((n * g.C + c) * g.H + iy) * g.W + ix] as number);
      l1 += Math.abs(v);
      l2 += v * v;
    }
  }
  return { l1, l2: Math.sqrt(l2) };
}

/** Transform size and tiles from an FFT run's variant (`'FHxFW'` or `'FHxFW tilesT'`). */
export function fftVariant(info: RunInfo): { F: number; tiles: number } {
  const m = /^(\d+)x(\d+)(?: tiles(\d+))?/.exec(info.variant);
  if (!m) return expect.fail(`not an FFT variant: ${info.variant}`);
  return { F: Number(m[1]) * Number(m[2]), tiles: Number(m[3] ?? 1) };
}

/**
 * The bound above for every output plane of `op(a, b, options)` run by FFT as `info` reports, and
 * the check of `actual` against `ref` plane by plane (where the reference is NaN or ±Inf the result
 * must be non-finite too, and such a plane is not compared normwise).
 */
export function expectFftClose(op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions, info: RunInfo, actual: HostTensor, ref: HostTensor, label: string = op): void {
  expect(actual.shape, `${label} shape`).toEqual(ref.shape);
  const job = makeJob(op, a, b, options as never);
  const g = job.geometry;
  const x = job.input as Float32Array;
  const w = job.weight as Float32Array;
  const { F, tiles } = fftVariant(info);
  const eta = 8 * U * Math.log2(Math.max(2, F));
  const Cg = g.C / g.groups;
  const perK = Cg * g.KH * g.KW;
  const planeSize = g.OH * g.OW;
  const spans = new Map<number, { l1: number; l2: number }>();
  for (let n = 0; n < g.N; n++) {
    for (let k = 0; k < g.K; k++) {
      const grp = Math.floor(k / (g.K / g.groups));
      let bound = 0;
      for (let c = 0; c < Cg; c++) {
        const cc = grp * Cg + c;
        let s = spans.get(n * g.C + cc);
        if (!s) spans.set(n * g.C + cc, (s = spanNorms(g, x, n, cc)));
        let w1 = 0;
        let w2 = 0;
        for (let t = 0; t < g.KH * g.KW; t++) {
          const v = w[k * perK + c * g.KH * g.KW + t] as number;
          w1 += Math.abs(v);
          w2 += v * v;
        }
        w2 = Math.sqrt(w2);
        bound += eta * (w1 * s.l2 + s.l1 * w2) + (3 * U + gamma(Cg) + eta) * s.l2 * w1;
      }
      const p0 = (n * g.K + k) * planeSize;
      let err2 = 0;
      let ref2 = 0;
      let special = false;
      for (let i = p0; i < p0 + planeSize; i++) {
        const e = ref.data[i] as number;
        const got = actual.data[i] as number;
        if (!Number.isFinite(e)) {
          // FFT turns an Inf into NaN (Inf · 0 in the transforms) and spreads a NaN over its tile.
          special = true;
          if (Number.isFinite(got)) expect.fail(`${label} [${i}]: got ${got}, expected ${e} (non-finite)`);
          continue;
        }
        err2 += (got - e) ** 2;
        ref2 += e * e;
      }
      if (special) continue;
      const bias = job.bias ? U * Math.abs(job.bias[k] as number) * Math.sqrt(planeSize) : 0;
      const tol = tiles * bound + U * Math.sqrt(ref2) + bias;
      const err = Math.sqrt(err2);
      if (!(err <= tol)) expect.fail(`${label} plane (${n}, ${k}): ‖error‖₂ ${err} > normwise bound ${tol} (F ${F}, tiles ${tiles})`);
    }
  }
}
