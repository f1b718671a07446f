/**
 * The tolerance of Winograd results (src/algorithms/winograd.ts): elementwise, derived from the
 * arithmetic of F(m×m, 3×3) with A = m + 2 and the transforms Bᵀ (A×A), G (A×3), Aᵀ (m×A).
 *
 * One output tile of channel k is Y = Aᵀ [ Σ_{c<Cg} U_c ⊙ V_c ] A + b with U_c = G g_c Gᵀ and
 * V_c = Bᵀ d_c B. Each stage is a product of matrices (or a sum) in float32, for which
 * |fl(X·Y) − X·Y| ≤ γ_n |X||Y| componentwise, n the inner length (Higham, Accuracy and Stability,
 * §3.5), and errors of consecutive stages compose as (1 + θ_a)(1 + θ_b) = 1 + θ_{a+b} (Lemma 3.3):
 *   U_c:   two products of inner length 3 with G's entries rounded to float32 (1/6, 1/12, 1/24: one
 *          more rounding per side)                                        → θ_8 on |G||g_c||Gᵀ|;
 *   V_c:   two products of inner length A (Bᵀ's entries are small integers, exact)  → θ_{2A} on |Bᵀ||d_c||B|;
 *   U ⊙ V: one rounding; the GEMM's sum over Cg channels, in any order (slices included) → θ_{Cg+1};
 *   Y:     two products of inner length A (Aᵀ's entries are integers up to 8, exact), then + b
 *                                                                          → θ_{2A+1}.
 * Hence, with |·| taken entrywise,
 *   |Ŷ − Y| ≤ γ_n · ( |Aᵀ| [ Σ_c (|G||g_c||Gᵀ|) ⊙ (|Bᵀ||d_c||B|) ] |A| + |b| ),   n = Cg + 4A + 10,
 * the magnitude computed here in float64 for each tile as the algorithm cuts it (tile (ty, tx) reads
 * the extended input from (ty·m − padTop, tx·m − padLeft)). Unlike a direct sum's Σ|x||w| this
 * magnitude carries the transforms' entries: for F(4×4) |Bᵀ| has row sums up to 10 and |Aᵀ| up to
 * 18, so it can be a few hundred times Σ|x||w| — the error growth the README's table measures. The
 * reference (float64, rounded once) adds u·|ref|, and subnormal flushing n·2⁻¹²⁶.
 *
 * Non-finite values: where the reference is NaN or ±Inf the result must be non-finite too; a NaN
 * or ±Inf anywhere in a tile's input spreads to that tile's outputs (0·Inf, Inf − Inf in the
 * transforms), so where the magnitude is not finite nothing is asserted.
 */
import { expect } from 'vitest';
import { WINOGRAD_MATRICES } from '../../src/algorithms/winograd.js';
import { extendIndex } from '../../src/cpu/reference.js';
import type { HostTensor, RunInfo } from '../../src/index.js';
import { makeJob, type OpName } from '../../src/ops/index.js';
import { gamma, U } from './compare.js';

type AnyOptions = Record<string, unknown>;
type Matrix = readonly (readonly number[])[];

const absM = (m: Matrix): number[][] => m.map((r) => r.map(Math.abs));

/** X (p×q) · Y (q×r), float64. */
function mul(X: Matrix, Y: Matrix): number[][] {
  return X.map((row) => (Y[0] as readonly number[]).map((_, j) => row.reduce((s, x, i) => s + x * ((Y[i] as readonly number[])[j] as number), 0)));
}
const transpose = (X: Matrix): number[][] => (X[0] as readonly number[]).map((_, j) => X.map((r) => r[j] as number));

/** Tile side m from a Winograd run's variant (`'F2x2'`, `'F4x4'`, optionally `'+register'`). */
export function winogradTile(info: RunInfo): 2 | 4 {
  const m = /^F([24])x\1/.exec(info.variant);
  if (!m) return expect.fail(`not a Winograd variant: ${info.variant}`);
  return Number(m[1]) as 2 | 4;
}

/**
 * The elementwise magnitude term |Aᵀ|[Σ_c (|G||g_c||Gᵀ|) ⊙ (|Bᵀ||d_c||B|)]|A| + |b| of every output
 * of `op(a, b, options)` with tile side m, and the bound's n.
 */
export function winogradMagnitude(op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions, m: 2 | 4): { magnitude: Float64Array; n: number } {
  const job = makeJob(op, a, b, options as never);
  const g = job.geometry;
  const x = job.input as Float32Array;
  const w = job.weight as Float32Array;
  const A = m + 2;
  const T = WINOGRAD_MATRICES[m];
  const [BT, G, AT] = [absM(T.BT), absM(T.G), absM(T.AT)];
  const [B, GT, Am] = [transpose(BT), transpose(G), transpose(AT)];
  const Cg = g.C / g.groups;
  const Kg = g.K / g.groups;
  // |G||g_{k,c}||Gᵀ| per weight plane (flipped as the geometry says: the same magnitudes reordered).
  const Ut: number[][][] = [];
  for (let k = 0; k < g.K; k++) {
    for (let c = 0; c < Cg; c++) {
      const gk = [0, 1, 2].map((ky) => [0, 1, 2].map((kx) => {
        const [fy, fx] = g.flip ? [2 - ky, 2 - kx] : [ky, kx];
        return Math.abs(w[((k * Cg + c) * 3 + fy) * 3 + fx] as number);
      }));
      Ut.push(mul(mul(G, gk), GT));
    }
  }
  const magnitude = new Float64Array(g.N * g.K * g.OH * g.OW);
  const tilesY = Math.ceil(g.OH / m);
  const tilesX = Math.ceil(g.OW / m);
  for (let n = 0; n < g.N; n++) {
    for (let ty = 0; ty < tilesY; ty++) {
      for (let tx = 0; tx < tilesX; tx++) {
        // |Bᵀ||d_c||B| for every input channel of the tile.
        const Vt: number[][][] = [];
        for (let c = 0; c < g.C; c++) {
          const d: number[][] = [];
          for (let i = 0; i < A; i++) {
            const iy = extendIndex(ty * m + i - g.padTop, g.H, g.boundary);
            const row: number[] = [];
            for (let j = 0; j < A; j++) {
              const ix = extendIndex(tx * m + j - g.padLeft, g.W, g.boundary);
              row.push(Math.abs(iy < 0 || ix < 0 ? g.fillValue : (x[((n * g.C + c) * g.H + iy) * g.W + ix] as number)));
            }
            d.push(row);
          }
          Vt.push(mul(mul(BT, d), B));
        }
        for (let k = 0; k < g.K; k++) {
          const grp = Math.floor(k / Kg);
          const P = Array.from({ length: A }, () => new Array<number>(A).fill(0));
          for (let c = 0; c < Cg; c++) {
            const u = Ut[k * Cg + c] as number[][];
            const v = Vt[grp * Cg + c] as number[][];
            for (let i = 0; i < A; i++) {
              const row = P[i] as number[];
              for (let j = 0; j < A; j++) row[j] = (row[j] as number) + ((u[i] as number[])[j] as number) * ((v[i] as number[])[j] as number);
            }
          }
          const Y = mul(mul(AT, P), Am);
          const bias = Math.abs(job.bias ? (job.bias[k] as number) : 0);
          for (let i = 0; i < m && ty * m + i < g.OH; i++) {
            for (let j = 0; j < m && tx * m + j < g.OW; j++) {
              magnitude[((n * g.K + k) * g.OH + ty * m + i) * g.OW + tx * m + j] = ((Y[i] as number[])[j] as number) + bias;
            }
          }
        }
      }
    }
  }
  return { magnitude, n: Cg + 4 * A + 10 };
}

/**
 * Asserts `actual` (a Winograd run as `info` reports) equals `ref` within the bound above, element
 * by element. Returns the largest ratio of an error to its bound.
 */
export function expectWinogradClose(op: OpName, a: HostTensor, b: HostTensor, options: AnyOptions, info: RunInfo, actual: HostTensor, ref: HostTensor, label: string = op): number {
  expect(actual.shape, `${label} shape`).toEqual(ref.shape);
  const { magnitude, n } = winogradMagnitude(op, a, b, options, winogradTile(info));
  const gn = gamma(n);
  let worst = 0;
  for (let i = 0; i < ref.data.length; i++) {
    const got = actual.data[i] as number;
    const e = ref.data[i] as number;
    if (!Number.isFinite(e)) {
      if (Number.isFinite(got)) expect.fail(`${label} [${i}]: got ${got}, expected ${e} (non-finite)`);
      continue;
    }
    const mag = magnitude[i] as number;
    if (!Number.isFinite(mag)) continue;
    const tol = gn * mag + U * Math.abs(e) + n * 2 ** -126;
    const err = Math.abs(got - e);
    if (!(err <= tol)) expect.fail(`${label} [${i}] of [${ref.shape.join(', ')}]: got ${got}, expected ${e} (|diff| ${err} > Winograd bound ${tol}, ${info.variant})`);
    worst = Math.max(worst, err / tol);
  }
  return worst;
}
