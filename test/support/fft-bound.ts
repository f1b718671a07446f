/**
 * The tolerance of FFT convolution results: normwise per output plane, derived from the arithmetic.
 *
 * One output plane (n, k) of a tile is y = F⁻¹(Σ_c X_c ⊙ conj(W_c)) over transforms of F = FH·FW
 * points, X_c = F(x̃_c) the tile's extended input span, W_c = F(w_c) the dilated kernel. A float32
 * FFT with accurate twiddles has ‖fl(F v) − F v‖₂ ≤ η‖F v‖₂, η = log2(F)·(μ + γ₄(√2 + μ)) ≤ 8·u·log2 F
 * (Higham, Accuracy and Stability, Thm 24.2; μ ≤ u the twiddles' error). With ‖F v‖₂ = √F‖v‖₂,
 * ‖X ⊙ ΔW‖₂ ≤ ‖X‖∞‖ΔW‖₂, the product's rounding 3u and the sum over Cg channels γ_Cg, and the
 * inverse transform's own η and 1/F scaling, per tile:
 *
 *   ‖Δy‖₂ ≤ Σ_c [ η(‖W_c‖∞‖x̃_c‖₂ + ‖X_c‖∞‖w_c‖₂) + (3u + γ_Cg + η)·‖W_c‖∞‖x̃_c‖₂ ]
 *
 * with the spectral maxima ‖X_c‖∞, ‖W_c‖∞ computed here by the float64 CPU FFT (cpu.rfft2) of the
 * tile's span and of the padded kernel. The tiles' outputs are disjoint, so a plane of several
 * tiles has the root of the sum of its tiles' squared bounds. The
 * reference (float64, rounded once) adds u‖y‖₂ and the bias u·|b|·√(OH·OW). This bounds the 2-norm
 * of a plane's error, not each element: one element may take all of it.
 */
import { expect } from 'vitest';
import { extendIndex } from '../../src/cpu/reference.js';
import type { ConvGeometry } from '../../src/geometry.js';
import { cpu, type HostTensor, type RunInfo } from '../../src/index.js';
import { makeJob, type OpName } from '../../src/ops/index.js';
import { gamma, U } from './compare.js';

type AnyOptions = Record<string, unknown>;

/** Transform size and tiles from an FFT run's variant (`'FHxFW'` or `'FHxFW tilesT@THxTW'`). */
export function fftVariant(info: Pick<RunInfo, 'variant'>): { FH: number; FW: number; tiles: number; TH: number; TW: number } {
  const m = /^(\d+)x(\d+)(?: tiles(\d+)@(\d+)x(\d+))?/.exec(info.variant);
  if (!m) return expect.fail(`not an FFT variant: ${info.variant}`);
  const FH = Number(m[1]);
  const FW = Number(m[2]);
  return { FH, FW, tiles: Number(m[3] ?? 1), TH: Number(m[4] ?? 0), TW: Number(m[5] ?? 0) };
}

/** ‖v‖₂ and the largest |V_f| of its float64 spectrum at FH × FW (v given as an FH × FW plane). */
function planeNorms(v: Float32Array, FH: number, FW: number): { l2: number; spectralMax: number } {
  let l2 = 0;
  for (const x of v) l2 += x * x;
  const X = cpu.rfft2({ data: v, shape: [FH, FW] }).data;
  let spectralMax = 0;
  for (let i = 0; i < X.length; i += 2) spectralMax = Math.max(spectralMax, Math.hypot(X[i] as number, X[i + 1] as number));
  // The reference spectrum is rounded to float32 once.
  return { l2: Math.sqrt(l2), spectralMax: spectralMax * (1 + U) };
}

/** The tile spans of plane (n, c) as the algorithm pads them: tile (ty, tx) starts at stride-1 output (ty·TH, tx·TW). */
function tileSpans(g: ConvGeometry, x: Float32Array, n: number, c: number, FH: number, FW: number, TH: number, TW: number): Float32Array[] {
  const OH1 = (g.OH - 1) * g.strideH + 1;
  const OW1 = (g.OW - 1) * g.strideW + 1;
  const spanH = TH + (g.KH - 1) * g.dilationH;
  const spanW = TW + (g.KW - 1) * g.dilationW;
  const out: Float32Array[] = [];
  for (let ty = 0; ty * TH < OH1; ty++) {
    for (let tx = 0; tx * TW < OW1; tx++) {
      const plane = new Float32Array(FH * FW);
      for (let i = 0; i < spanH; i++) {
        const iy = extendIndex(ty * TH + i - g.padTop, g.H, g.boundary);
        for (let j = 0; j < spanW; j++) {
          const ix = extendIndex(tx * TW + j - g.padLeft, g.W, g.boundary);
          plane[i * FW + j] = iy < 0 || ix < 0 ? g.fillValue : (x[((n * g.C + c) * g.H + iy) * g.W + ix] as number);
        }
      }
      out.push(plane);
    }
  }
  return out;
}

/** An FFT run's transform size and tiles (`fftVariant`). */
export type FftTiling = ReturnType<typeof fftVariant>;

/**
 * The bound above, without the reference's own rounding and the bias, for every output plane
 * (n, k) of geometry `g` run by FFT with `tiling` on input `x` and weight `w` (index n·K + k).
 */
export function fftPlaneBounds(g: ConvGeometry, x: Float32Array, w: Float32Array, tiling: FftTiling): number[] {
  const { FH, FW, tiles, TH, TW } = tiling;
  const F = FH * FW;
  const eta = 8 * U * Math.log2(Math.max(2, F));
  const Cg = g.C / g.groups;
  const perK = Cg * g.KH * g.KW;
  // Tiles: the whole stride-1 output when there is one.
  const th = tiles > 1 ? TH : (g.OH - 1) * g.strideH + 1;
  const tw = tiles > 1 ? TW : (g.OW - 1) * g.strideW + 1;
  const spans = new Map<number, Array<{ l2: number; spectralMax: number }>>();
  const bounds: number[] = [];
  for (let n = 0; n < g.N; n++) {
    for (let k = 0; k < g.K; k++) {
      const grp = Math.floor(k / (g.K / g.groups));
      // Per tile, summed over the channels; the tiles' outputs are disjoint, so their errors add in
      // squares.
      const perTile: number[] = [];
      for (let c = 0; c < Cg; c++) {
        const cc = grp * Cg + c;
        let s = spans.get(n * g.C + cc);
        if (!s) spans.set(n * g.C + cc, (s = tileSpans(g, x, n, cc, FH, FW, th, tw).map((t) => planeNorms(t, FH, FW))));
        // The dilated, flipped-as-needed kernel padded to FH × FW (flipping does not change norms).
        const wpad = new Float32Array(F);
        for (let ky = 0; ky < g.KH; ky++) {
          for (let kx = 0; kx < g.KW; kx++) wpad[ky * g.dilationH * FW + kx * g.dilationW] = w[k * perK + (c * g.KH + ky) * g.KW + kx] as number;
        }
        const wn = planeNorms(wpad, FH, FW);
        s.forEach((t, i) => (perTile[i] = (perTile[i] ?? 0) + eta * (wn.spectralMax * t.l2 + t.spectralMax * wn.l2) + (3 * U + gamma(Cg) + eta) * wn.spectralMax * t.l2));
      }
      bounds.push(Math.sqrt(perTile.reduce((q, b) => q + b * b, 0)));
    }
  }
  return bounds;
}

/**
 * Checks `actual` against `ref` plane by plane ([N, K, OH, OW] planes of `planeSize`): ‖error‖₂ ≤
 * bounds[plane] + u‖ref‖₂ + u·|bias[k]|·√planeSize (the reference is rounded once). Where the
 * reference is NaN or ±Inf the result must be non-finite too, and such a plane is not compared
 * normwise. Returns the largest ratio of a plane's error to its tolerance, and the largest
 * ‖error‖₂ / ‖reference‖₂ of a plane.
 */
export function expectPlanesClose(actual: HostTensor, ref: HostTensor, K: number, planeSize: number, bounds: number[], bias: Float32Array | undefined, label: string): { worst: number; relative: number } {
  expect(actual.shape, `${label} shape`).toEqual(ref.shape);
  let worst = 0;
  let relative = 0;
  bounds.forEach((bound, plane) => {
    const p0 = plane * planeSize;
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
    if (special) return;
    const b = bias ? U * Math.abs(bias[plane % K] as number) * Math.sqrt(planeSize) : 0;
    const tol = bound + U * Math.sqrt(ref2) + b;
    const err = Math.sqrt(err2);
    if (!(err <= tol)) expect.fail(`${label} plane ${plane}: ‖error‖₂ ${err} > normwise bound ${tol}`);
    worst = Math.max(worst, err / tol);
    relative = Math.max(relative, ref2 > 0 ? err / Math.sqrt(ref2) : 0);
  });
  return { worst, relative };
}

/**
 * The bound above for every output plane of `op(a, b, options)` run by FFT as `info` reports, and
 * the check of `actual` against `ref` (expectPlanesClose).
 */
export function expectFftClose(op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions, info: RunInfo, actual: HostTensor, ref: HostTensor, label: string = op): { worst: number; relative: number } {
  const job = makeJob(op, a, b, options as never);
  const g = job.geometry;
  const tiling = fftVariant(info);
  const bounds = fftPlaneBounds(g, job.input as Float32Array, job.weight as Float32Array, tiling);
  return expectPlanesClose(actual, ref, g.K, g.OH * g.OW, bounds, job.bias, `${label} (F ${tiling.FH * tiling.FW}, tiles ${tiling.tiles})`);
}
