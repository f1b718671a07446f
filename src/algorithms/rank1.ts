/**
 * The rank-1 test of a KH × KW kernel and its factors, in float64 (the separable algorithm's host
 * math). A kernel w is separable when its numerical rank is at most 1, with the rule MATLAB's
 * `imfilter` uses to decide separability (`isSeparable`: rank = #{s_i > length(h)·max(s)·eps}),
 * length(h) = max(KH, KW), and eps the spacing of the kernel's own precision: ε = 2⁻²³ for float32
 * weights (MATLAB's `rank` of a single matrix). With float64's eps no float32-rounded outer product
 * would pass: rounding g_i·g_j to float32 alone leaves σ₂ ≈ 2⁻²⁴·σ₁.
 *
 * The decision is the SVD's, reached cheaply where it can be (each step exact, not a heuristic):
 *  1. reject: singular values of a submatrix interlace those of the whole, σ₂(w) ≥ σ₂(B) ≥ |det B|/‖B‖_F
 *     for any 2×2 submatrix B; σ₁(w) ≤ ‖w‖_F. So one B through the pivot (the largest |w_ij|) with
 *     |det B|/‖B‖_F > L·ε·‖w‖_F proves rank > 1;
 *  2. accept: power iteration gives unit u, v and σ = ‖wᵀu‖ ≤ σ₁; by Eckart–Young
 *     σ₂ ≤ ‖w − σuvᵀ‖₂ ≤ ‖w − σuvᵀ‖_F, so a residual ≤ L·ε·σ proves rank ≤ 1;
 *  3. otherwise a one-sided Jacobi SVD decides.
 * The factors are a = u₁√σ₁ and b = v₁√σ₁ (w ≈ a·bᵀ); a zero kernel has rank 0 and zero factors.
 */

/** Unit roundoff doubled: the spacing of float32 numbers at 1 (MATLAB's eps('single')). */
export const EPS32 = 2 ** -23;

export type RankOne = { a: Float64Array; b: Float64Array } | { reason: string };

const dot = (x: ArrayLike<number>, y: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) * (y[i] as number);
  return s;
};

/**
 * Kernels this library built itself as outer products a·bᵀ (Gaussian blurs, `sepConvolve2d`) and
 * never hands to the caller, with their factors: the rank test is skipped for them (on a 961×961
 * Gaussian it took ~150 ms per call).
 */
const outerProducts = new WeakMap<Float32Array, { a: Float64Array; b: Float64Array }>();

/**
 * Records that `w` = fround(a·bᵀ), built here from the factors a and b; kept in the rank test's own
 * form (`factors`: a·bᵀ = σ·(a/‖a‖)(b/‖b‖)ᵀ with σ = ‖a‖·‖b‖).
 */
export function recordOuterProduct(w: Float32Array, a: ArrayLike<number>, b: ArrayLike<number>): void {
  const na = Math.sqrt(dot(a, a));
  const nb = Math.sqrt(dot(b, b));
  const unit = (x: ArrayLike<number>, n: number) => Float64Array.from(x, (v) => (n > 0 ? v / n : 0));
  outerProducts.set(w, factors(unit(a, na), unit(b, nb), na * nb));
}

/** The factors of a kernel recorded by `recordOuterProduct`, if `w` is one. */
export function recordedFactors(w: Float32Array): { a: Float64Array; b: Float64Array } | undefined {
  return outerProducts.get(w);
}

/**
 * Whether the row-major KH × KW kernel `w` has rank ≤ 1 by MATLAB's rule (above), and its factors
 * a (length KH), b (length KW) with w ≈ a·bᵀ; or why not.
 */
export function rankOneFactors(w: ArrayLike<number>, KH: number, KW: number): RankOne {
  let fro2 = 0;
  let pr = 0;
  let pc = 0;
  let pmax = -1;
  for (let i = 0; i < KH; i++) {
    for (let j = 0; j < KW; j++) {
      const x = w[i * KW + j] as number;
      if (!Number.isFinite(x)) return { reason: `has a non-finite value at [${i}, ${j}]` };
      fro2 += x * x;
      if (Math.abs(x) > pmax) [pmax, pr, pc] = [Math.abs(x), i, j];
    }
  }
  if (fro2 === 0) return { a: new Float64Array(KH), b: new Float64Array(KW) };
  if (KH === 1 || KW === 1) return lineFactors(w, KH, KW, Math.sqrt(fro2));
  const L = Math.max(KH, KW);
  const fro = Math.sqrt(fro2);
  // 1. A 2×2 submatrix through the pivot that proves σ₂ above the tolerance.
  const p = w[pr * KW + pc] as number;
  let lower = 0;
  for (let i = 0; i < KH; i++) {
    if (i === pr) continue;
    const ic = w[i * KW + pc] as number;
    for (let j = 0; j < KW; j++) {
      if (j === pc) continue;
      const rj = w[pr * KW + j] as number;
      const ij = w[i * KW + j] as number;
      const det = Math.abs(p * ij - rj * ic);
      lower = Math.max(lower, det / Math.hypot(p, rj, ic, ij));
    }
  }
  if (lower > L * EPS32 * fro) return { reason: notRankOne(lower, L * EPS32 * fro, 'at least') };
  // 2. Power iteration from the pivot row; the residual bounds σ₂ from above.
  const u = new Float64Array(KH);
  const v = new Float64Array(KW);
  for (let j = 0; j < KW; j++) v[j] = (w[pr * KW + j] as number) / p;
  let sigma = 0;
  for (let it = 0; it < 50; it++) {
    for (let i = 0; i < KH; i++) u[i] = dot(rowOf(w, i, KW), v);
    scale(u, 1 / Math.sqrt(dot(u, u)));
    for (let j = 0; j < KW; j++) {
      let s = 0;
      for (let i = 0; i < KH; i++) s += (w[i * KW + j] as number) * (u[i] as number);
      v[j] = s;
    }
    const next = Math.sqrt(dot(v, v));
    scale(v, 1 / next);
    const done = Math.abs(next - sigma) <= 1e-15 * next;
    sigma = next;
    if (done) break;
  }
  let res2 = 0;
  for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) res2 += ((w[i * KW + j] as number) - sigma * (u[i] as number) * (v[j] as number)) ** 2;
  if (Math.sqrt(res2) <= L * EPS32 * sigma) return factors(u, v, sigma);
  // 3. The full SVD.
  const svd = jacobiSvd(w, KH, KW);
  const tol = L * EPS32 * svd.s1;
  if (svd.s2 > tol) return { reason: notRankOne(svd.s2, tol, '') };
  return factors(svd.u, svd.v, svd.s1);
}

/** A finite, non-zero kernel of one row or column (‖w‖ = norm): rank 1 as it stands, w = ‖w‖·[1]·(w/‖w‖)ᵀ (or its transpose). */
function lineFactors(w: ArrayLike<number>, KH: number, KW: number, norm: number): RankOne {
  const line = new Float64Array(KH * KW);
  for (let i = 0; i < line.length; i++) line[i] = (w[i] as number) / norm;
  const one = Float64Array.of(1);
  return KH === 1 ? factors(one, line, norm) : factors(line, one, norm);
}

function notRankOne(s2: number, tol: number, qualifier: string): string {
  return `is not rank 1 (second singular value ${qualifier ? `${qualifier} ` : ''}${s2.toPrecision(3)} > tolerance max(KH, KW)·σ₁·2⁻²³ = ${tol.toPrecision(3)})`;
}

function rowOf(w: ArrayLike<number>, i: number, KW: number): number[] {
  return Array.from({ length: KW }, (_, j) => w[i * KW + j] as number);
}

function scale(x: Float64Array, f: number): void {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] as number) * f;
}

function factors(u: Float64Array, v: Float64Array, sigma: number): { a: Float64Array; b: Float64Array } {
  const r = Math.sqrt(sigma);
  return { a: u.map((x) => x * r), b: v.map((x) => x * r) };
}

/**
 * σ₁, σ₂ and the first singular vectors of the KH × KW matrix w by one-sided Jacobi (Hestenes)
 * rotations of its columns (of its transpose when it is wide), to float64 accuracy.
 */
export function jacobiSvd(w: ArrayLike<number>, KH: number, KW: number): { s1: number; s2: number; u: Float64Array; v: Float64Array } {
  const wide = KW > KH;
  const m = wide ? KW : KH; // rows of the tall matrix A
  const n = wide ? KH : KW; // its columns
  const at = (i: number, j: number): number => (wide ? (w[j * KW + i] as number) : (w[i * KW + j] as number));
  const cols = Array.from({ length: n }, (_, j) => Float64Array.from({ length: m }, (_, i) => at(i, j)));
  const V = Array.from({ length: n }, (_, j) => Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const cp = cols[p] as Float64Array;
        const cq = cols[q] as Float64Array;
        const alpha = dot(cp, cp);
        const beta = dot(cq, cq);
        const gamma = dot(cp, cq);
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (const [xp, xq] of [[cp, cq], [V[p], V[q]]] as Array<[Float64Array, Float64Array]>) {
          for (let i = 0; i < xp.length; i++) {
            const a = xp[i] as number;
            const b = xq[i] as number;
            xp[i] = c * a - s * b;
            xq[i] = s * a + c * b;
          }
        }
      }
    }
    if (!rotated) break;
  }
  const norms = cols.map((c) => Math.sqrt(dot(c, c)));
  const order = norms.map((_, i) => i).sort((x, y) => (norms[y] as number) - (norms[x] as number));
  const i1 = order[0] as number;
  const s1 = norms[i1] as number;
  const s2 = n > 1 ? (norms[order[1] as number] as number) : 0;
  const left = (cols[i1] as Float64Array).map((x) => (s1 > 0 ? x / s1 : 0));
  const right = Float64Array.from(V[i1] as Float64Array);
  return wide ? { s1, s2, u: right, v: left } : { s1, s2, u: left, v: right };
}
