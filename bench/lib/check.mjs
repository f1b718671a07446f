// @ts-check
/**
 * Checking a benchmarked result against the CPU reference, with the float32 bound the test suite
 * uses (test/support/compare.ts): a float32 sum of L products satisfies
 *   |fl(Σ) − Σ| ≤ γ_L · Σ|x·w|,  γ_L = L·u / (1 − L·u),  u = 2⁻²⁴
 * whatever the summation order, and the reference (float64, rounded once) adds u·|ref|. So element i
 * passes when |got − ref| ≤ γ_L·m_i + u·|ref_i| + L·2⁻¹²⁶, where m_i is the magnitude sum, the same
 * op evaluated on |input| and |weight|, and the last term covers subnormals flushed to zero.
 *
 * For cases whose CPU reference would be too slow, `sampleReference` computes a random sample of
 * output positions directly (float64), with their magnitude sums, and the check runs on those.
 *
 * Results of FFT convolution (`RunInfo.algorithm === 'fft'`, auto's included) are not elementwise
 * accurate: their error is bounded normwise per output plane (`fftChecker`, below), on every output
 * or on the sampled ones (a sample's error norm is at most the plane's).
 */

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./cases.mjs').Geometry} Geometry */

export const U = 2 ** -24;
/** @param {number} n */
export const gamma = (n) => (n * U) / (1 - n * U);

/**
 * @typedef {object} Reference What a result is checked against.
 * @property {Float32Array} ref        reference values (all outputs, or the sampled ones)
 * @property {Float32Array} magnitude  magnitude sums at the same positions
 * @property {Int32Array | null} positions NCHW flat indices of the samples, or null for every output
 * @property {number} L                reduction length
 */

/**
 * @typedef {object} CheckResult
 * @property {boolean} ok
 * @property {number} maxAbsErr    largest |got − ref|
 * @property {number} worst        largest |got − ref| / tolerance (≤ 1 passes)
 * @property {number} checked      how many elements were compared
 * @property {string} [firstBad]   the first failing element, described
 */

/**
 * Compares `got` (NCHW / NCL, flat) with the reference.
 * @param {Float32Array} got
 * @param {Reference} r
 * @returns {CheckResult}
 */
export function checkResult(got, r) {
  const g = gamma(r.L);
  const floor = r.L * 2 ** -126;
  const n = r.ref.length;
  let maxAbsErr = 0;
  let worst = 0;
  /** @type {string | undefined} */
  let firstBad;
  if (!r.positions && got.length !== n) {
    return { ok: false, maxAbsErr: Infinity, worst: Infinity, checked: 0, firstBad: `length ${got.length}, expected ${n}` };
  }
  for (let i = 0; i < n; i++) {
    const idx = r.positions ? /** @type {number} */ (r.positions[i]) : i;
    const a = /** @type {number} */ (got[idx]);
    const e = /** @type {number} */ (r.ref[i]);
    const tol = g * /** @type {number} */ (r.magnitude[i]) + U * Math.abs(e) + floor;
    const d = Math.abs(a - e);
    if (!(d <= tol)) {
      // NaN in `got` (or a missing element) lands here too.
      if (firstBad === undefined) firstBad = `[${idx}]: got ${a}, expected ${e} (|diff| ${d} > tolerance ${tol})`;
      worst = Number.isNaN(d) ? Infinity : Math.max(worst, d / tol);
      maxAbsErr = Number.isNaN(d) ? Infinity : Math.max(maxAbsErr, d);
      continue;
    }
    if (d > maxAbsErr) maxAbsErr = d;
    if (tol > 0 && d / tol > worst) worst = d / tol;
  }
  /** @type {CheckResult} */
  const res = { ok: firstBad === undefined, maxAbsErr, worst, checked: n };
  if (firstBad !== undefined) res.firstBad = firstBad;
  return res;
}

/**
 * Absolute values of a Float32Array.
 * @param {Float32Array} a
 */
export const absData = (a) => a.map(Math.abs);

/**
 * A full reference from the CPU reference op (`cpu.conv2d` / `cpu.conv1d`): values and magnitudes.
 * @param {(x: any, w: any, o?: any) => { data: Float32Array }} op
 * @param {{ data: Float32Array, shape: number[] }} input
 * @param {{ data: Float32Array, shape: number[] }} weight
 * @param {Record<string, unknown>} options
 * @param {number} L
 * @param {Float32Array} [values] the reference values, when already computed
 * @returns {Reference}
 */
export function fullReference(op, input, weight, options, L, values) {
  const ref = values ?? op(input, weight, options).data;
  const magnitude = op({ data: absData(input.data), shape: input.shape }, { data: absData(weight.data), shape: weight.shape }, options).data;
  return { ref, magnitude, positions: null, L };
}

/**
 * Computes `count` random output positions of a case directly, in float64 (zero padding, dilation 1:
 * what the suite's cases use). Independent of the library's planners.
 * @param {BenchCase} c
 * @param {Float32Array} x input data (NCHW)
 * @param {Float32Array} w weight data (OIHW)
 * @param {number} count
 * @param {number} [seed]
 * @returns {Reference}
 */
export function sampleReference(c, x, w, count, seed = 12345) {
  const g = c.geo;
  const total = g.N * g.K * g.OH * g.OW;
  const m = Math.min(count, total);
  const positions = new Int32Array(m);
  let s = seed >>> 0;
  for (let i = 0; i < m; i++) {
    // LCG; always include the first and last outputs (edges are where padding bugs live).
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    positions[i] = i === 0 ? 0 : i === 1 ? total - 1 : s % total;
  }
  const ref = new Float32Array(m);
  const magnitude = new Float32Array(m);
  const Cg = g.C / g.groups;
  const Kg = g.K / g.groups;
  const [pt, , pl] = g.pad;
  for (let i = 0; i < m; i++) {
    let r = /** @type {number} */ (positions[i]);
    const ox = r % g.OW; r = (r - ox) / g.OW;
    const oy = r % g.OH; r = (r - oy) / g.OH;
    const k = r % g.K;
    const n = (r - k) / g.K;
    const grp = Math.floor(k / Kg);
    let acc = 0;
    let mag = 0;
    for (let c0 = 0; c0 < Cg; c0++) {
      const ch = grp * Cg + c0;
      for (let ky = 0; ky < g.KH; ky++) {
        const iy = oy * g.stride - pt + ky;
        if (iy < 0 || iy >= g.H) continue;
        for (let kx = 0; kx < g.KW; kx++) {
          const ix = ox * g.stride - pl + kx;
          if (ix < 0 || ix >= g.W) continue;
          const xv = /** @type {number} */ (x[((n * g.C + ch) * g.H + iy) * g.W + ix]);
          const wv = /** @type {number} */ (w[((k * Cg + c0) * g.KH + ky) * g.KW + kx]);
          acc += xv * wv;
          mag += Math.abs(xv * wv);
        }
      }
    }
    ref[i] = acc;
    magnitude[i] = mag;
  }
  return { ref, magnitude, positions, L: c.reduction };
}

/**
 * A checker of FFT convolution results: the 2-norm of each output plane's error against a bound
 * derived from the arithmetic (the same model as test/support/fft-bound.ts, with 2-norms where that
 * one uses ‖x‖₁, which keeps the bound within a few orders of magnitude of what is observed, so that a
 * misplaced or missing tile still fails). For one plane (n, k), transforms of F = FH·FW points with
 * η = 8·u·log2 F (Higham, Thm 24.2), x̃_c the input span the outputs read, w_c the kernel:
 *
 *   forward transform of x̃:  ‖ΔX ⊙ W‖₂ ≤ η√F‖x̃‖₂·‖w‖₁       (‖W‖∞ ≤ ‖w‖₁)
 *   forward transform of w:  ‖X ⊙ ΔW‖₂ ≤ √F‖x̃‖₂·η√F‖w‖₂      (‖ΔW‖∞ ≤ ‖ΔW‖₂)
 *   product, channel sum, inverse (whose 2-norm is 1/√F): (3u + γ_Cg + η)·√F‖x̃‖₂‖w‖₁
 *
 *   ‖Δy‖₂ ≤ √m · Σ_c [ η(‖w_c‖₁ + √F‖w_c‖₂) + (3u + γ_Cg + η)‖w_c‖₁ ] · ‖x̃_c‖₂  +  u‖y‖₂
 *
 * where overlap-save tiles (the variant's `tilesT`) are disjoint in the output and read input spans
 * that overlap: each input value lies in at most m = ⌈FH/TH⌉·⌈FW/TW⌉ tiles (T the outputs per tile).
 * @param {BenchCase} c
 * @param {Float32Array} x input (NCHW)
 * @param {Float32Array} w weight (OIHW)
 */
export function fftChecker(c, x, w) {
  const g = c.geo;
  const Cg = g.C / g.groups;
  const Kg = g.K / g.groups;
  const plane = g.OH * g.OW;
  const [pt, , pl] = g.pad;
  // ‖x̃‖₂ of each (n, c): the rows and columns the outputs read (zero padding adds nothing).
  const y0 = Math.max(0, -pt);
  const y1 = Math.min(g.H, (g.OH - 1) * g.stride - pt + g.KH);
  const x0 = Math.max(0, -pl);
  const x1 = Math.min(g.W, (g.OW - 1) * g.stride - pl + g.KW);
  const span = new Float64Array(g.N * g.C);
  for (let n = 0; n < g.N; n++) {
    for (let ch = 0; ch < g.C; ch++) {
      let s2 = 0;
      for (let iy = y0; iy < y1; iy++) {
        const row = ((n * g.C + ch) * g.H + iy) * g.W;
        for (let ix = x0; ix < x1; ix++) s2 += (/** @type {number} */ (x[row + ix])) ** 2;
      }
      span[n * g.C + ch] = Math.sqrt(s2);
    }
  }
  const taps = g.KH * g.KW;
  const w1 = new Float64Array(g.K * Cg);
  const w2 = new Float64Array(g.K * Cg);
  for (let i = 0; i < g.K * Cg; i++) {
    let a = 0;
    let b = 0;
    for (let t = 0; t < taps; t++) {
      const v = /** @type {number} */ (w[i * taps + t]);
      a += Math.abs(v);
      b += v * v;
    }
    w1[i] = a;
    w2[i] = Math.sqrt(b);
  }
  /** @type {Map<string, Float64Array>} */
  const cache = new Map();
  /** @param {string} variant */
  const boundsOf = (variant) => {
    const hit = cache.get(variant);
    if (hit) return hit;
    const v = /^(\d+)x(\d+)/.exec(variant);
    const FH = v ? Number(v[1]) : g.H + g.KH;
    const FW = v ? Number(v[2]) : g.W + g.KW;
    const F = FH * FW;
    const eta = 8 * U * Math.log2(Math.max(2, F));
    const per = (/** @type {number} */ f, /** @type {number} */ k, /** @type {number} */ out1) => (f <= 1 ? 1 : Math.ceil(f / Math.max(1, Math.min(out1, f - k + 1))));
    const m = per(FH, g.KH, (g.OH - 1) * g.stride + 1) * per(FW, g.KW, (g.OW - 1) * g.stride + 1);
    const rest = 3 * U + gamma(Cg) + eta;
    const bounds = new Float64Array(g.N * g.K);
    for (let n = 0; n < g.N; n++) {
      for (let k = 0; k < g.K; k++) {
        const grp = Math.floor(k / Kg);
        let b = 0;
        for (let c0 = 0; c0 < Cg; c0++) {
          const wi = k * Cg + c0;
          const a1 = /** @type {number} */ (w1[wi]);
          b += (eta * (a1 + Math.sqrt(F) * /** @type {number} */ (w2[wi])) + rest * a1) * /** @type {number} */ (span[n * g.C + grp * Cg + c0]);
        }
        bounds[n * g.K + k] = Math.sqrt(m) * b;
      }
    }
    cache.set(variant, bounds);
    return bounds;
  };
  /**
   * @param {Float32Array} got
   * @param {Reference} r
   * @param {string} variant the run's `RunInfo.variant` ('FHxFW tilesT')
   * @returns {CheckResult}
   */
  return (got, r, variant) => {
    const bounds = boundsOf(variant);
    const n = r.ref.length;
    if (!r.positions && got.length !== n) {
      return { ok: false, maxAbsErr: Infinity, worst: Infinity, checked: 0, firstBad: `length ${got.length}, expected ${n}` };
    }
    const planes = bounds.length;
    const err2 = new Float64Array(planes);
    const ref2 = new Float64Array(planes);
    let maxAbsErr = 0;
    for (let i = 0; i < n; i++) {
      const idx = r.positions ? /** @type {number} */ (r.positions[i]) : i;
      const e = /** @type {number} */ (r.ref[i]);
      const d = /** @type {number} */ (got[idx]) - e;
      const p = Math.floor(idx / plane);
      err2[p] = /** @type {number} */ (err2[p]) + d * d;
      ref2[p] = /** @type {number} */ (ref2[p]) + e * e;
      const ad = Math.abs(d);
      maxAbsErr = Number.isNaN(ad) ? Infinity : Math.max(maxAbsErr, ad);
    }
    let worst = 0;
    /** @type {string | undefined} */
    let firstBad;
    for (let p = 0; p < planes; p++) {
      const err = Math.sqrt(/** @type {number} */ (err2[p]));
      const tol = /** @type {number} */ (bounds[p]) + U * Math.sqrt(/** @type {number} */ (ref2[p])) + 2 ** -126;
      const q = Number.isNaN(err) ? Infinity : err / tol;
      if (q > worst) worst = q;
      if (!(err <= tol) && firstBad === undefined) firstBad = `output plane ${p}: ‖error‖₂ ${err} > normwise FFT bound ${tol} (${variant}, ${r.positions ? `${n} sampled outputs` : 'every output'})`;
    }
    /** @type {CheckResult} */
    const res = { ok: firstBad === undefined, maxAbsErr, worst, checked: n };
    if (firstBad !== undefined) res.firstBad = firstBad;
    return res;
  };
}

/** @typedef {readonly (readonly number[])[]} Matrix */

/**
 * X (p×q) · Y (q×r), float64.
 * @param {Matrix} X
 * @param {Matrix} Y
 * @returns {number[][]}
 */
function mul(X, Y) {
  const r = /** @type {readonly number[]} */ (Y[0]).length;
  return X.map((row) => Array.from({ length: r }, (_, j) => row.reduce((s, x, i) => s + x * /** @type {number} */ (/** @type {readonly number[]} */ (Y[i])[j]), 0)));
}
/** @param {Matrix} X @returns {number[][]} */
const transpose = (X) => /** @type {readonly number[]} */ (X[0]).map((_, j) => X.map((r) => /** @type {number} */ (r[j])));
/** @param {Matrix} X @returns {number[][]} */
const absM = (X) => X.map((r) => r.map(Math.abs));

/**
 * A checker of Winograd results (`RunInfo.algorithm === 'winograd'`, variant `F2x2` / `F4x4`):
 * elementwise, with the bound of test/support/winograd-bound.ts — the magnitude carries the
 * transforms' entries, |Aᵀ|[Σ_c (|G||g_c||Gᵀ|) ⊙ (|Bᵀ||d_c||B|)]|A| per output (tiles as the
 * algorithm cuts them), times γ_n with n = Cg + 4A + 10, A = m + 2, plus u·|ref|. The bench's cases
 * have zero padding and no bias. Magnitudes are computed once per tile size, on the positions checked.
 * @param {BenchCase} c
 * @param {Float32Array} x input (NCHW)
 * @param {Float32Array} w weight (OIHW, 3×3)
 * @param {{ 2: { BT: Matrix, G: Matrix, AT: Matrix }, 4: { BT: Matrix, G: Matrix, AT: Matrix } }} matrices the library's WINOGRAD_MATRICES
 */
export function winogradChecker(c, x, w, matrices) {
  const g = c.geo;
  const Cg = g.C / g.groups;
  const Kg = g.K / g.groups;
  const [pt, , pl] = g.pad;
  /** @type {Map<number, Float64Array>} */
  const cache = new Map();
  /** @param {2 | 4} m */
  const magnitudeOf = (m) => {
    const hit = cache.get(m);
    if (hit) return hit;
    const A = m + 2;
    const T = matrices[m];
    const BT = absM(T.BT);
    const G = absM(T.G);
    const AT = absM(T.AT);
    const B = transpose(BT);
    const GT = transpose(G);
    const Am = transpose(AT);
    /** @type {number[][][]} */
    const Ut = [];
    for (let k = 0; k < g.K; k++) {
      for (let c0 = 0; c0 < Cg; c0++) {
        const gk = [0, 1, 2].map((ky) => [0, 1, 2].map((kx) => Math.abs(/** @type {number} */ (w[((k * Cg + c0) * 3 + ky) * 3 + kx]))));
        Ut.push(mul(mul(G, gk), GT));
      }
    }
    const magnitude = new Float64Array(g.N * g.K * g.OH * g.OW);
    for (let n = 0; n < g.N; n++) {
      for (let ty = 0; ty < Math.ceil(g.OH / m); ty++) {
        for (let tx = 0; tx < Math.ceil(g.OW / m); tx++) {
          /** @type {number[][][]} */
          const Vt = [];
          for (let ch = 0; ch < g.C; ch++) {
            const d = Array.from({ length: A }, (_, i) => {
              const iy = ty * m + i - pt;
              return Array.from({ length: A }, (_, j) => {
                const ix = tx * m + j - pl;
                return iy < 0 || iy >= g.H || ix < 0 || ix >= g.W ? 0 : Math.abs(/** @type {number} */ (x[((n * g.C + ch) * g.H + iy) * g.W + ix]));
              });
            });
            Vt.push(mul(mul(BT, d), B));
          }
          for (let k = 0; k < g.K; k++) {
            const grp = Math.floor(k / Kg);
            const P = Array.from({ length: A }, () => /** @type {number[]} */ (new Array(A).fill(0)));
            for (let c0 = 0; c0 < Cg; c0++) {
              const u = /** @type {number[][]} */ (Ut[k * Cg + c0]);
              const v = /** @type {number[][]} */ (Vt[grp * Cg + c0]);
              for (let i = 0; i < A; i++) {
                const row = /** @type {number[]} */ (P[i]);
                for (let j = 0; j < A; j++) row[j] = /** @type {number} */ (row[j]) + /** @type {number} */ (/** @type {number[]} */ (u[i])[j]) * /** @type {number} */ (/** @type {number[]} */ (v[i])[j]);
              }
            }
            const Y = mul(mul(AT, P), Am);
            for (let i = 0; i < m && ty * m + i < g.OH; i++) {
              for (let j = 0; j < m && tx * m + j < g.OW; j++) {
                magnitude[((n * g.K + k) * g.OH + ty * m + i) * g.OW + tx * m + j] = /** @type {number} */ (/** @type {number[]} */ (Y[i])[j]);
              }
            }
          }
        }
      }
    }
    cache.set(m, magnitude);
    return magnitude;
  };
  /**
   * @param {Float32Array} got
   * @param {Reference} r
   * @param {string} variant the run's `RunInfo.variant` ('F2x2', 'F4x4', …)
   * @returns {CheckResult}
   */
  return (got, r, variant) => {
    const m = /^F4x4/.test(variant) ? 4 : 2;
    const mag = magnitudeOf(m);
    const nn = Cg + 4 * (m + 2) + 10;
    const gn = gamma(nn);
    let maxAbsErr = 0;
    let worst = 0;
    /** @type {string | undefined} */
    let firstBad;
    for (let i = 0; i < r.ref.length; i++) {
      const idx = r.positions ? /** @type {number} */ (r.positions[i]) : i;
      const e = /** @type {number} */ (r.ref[i]);
      const a = /** @type {number} */ (got[idx]);
      const tol = gn * /** @type {number} */ (mag[idx]) + U * Math.abs(e) + nn * 2 ** -126;
      const d = Math.abs(a - e);
      if (!(d <= tol)) {
        if (firstBad === undefined) firstBad = `[${idx}]: got ${a}, expected ${e} (|diff| ${d} > Winograd bound ${tol}, ${variant})`;
        worst = Number.isNaN(d) ? Infinity : Math.max(worst, d / tol);
        maxAbsErr = Number.isNaN(d) ? Infinity : Math.max(maxAbsErr, d);
        continue;
      }
      maxAbsErr = Math.max(maxAbsErr, d);
      if (tol > 0) worst = Math.max(worst, d / tol);
    }
    /** @type {CheckResult} */
    const res = { ok: firstBad === undefined, maxAbsErr, worst, checked: r.ref.length };
    if (firstBad !== undefined) res.firstBad = firstBad;
    return res;
  };
}
