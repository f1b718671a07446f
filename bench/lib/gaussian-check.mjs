// @ts-check
/**
 * bench:gaussian's checks: ours on a deterministic sample of outputs against float64 sums computed
 * here (a wrong result of ours fails the run); each peer's output against ours 'auto' on the interior
 * (pixels whose window, ours and the peer's, stays inside the image): max and mean |difference| in
 * 8-bit levels.
 */
import { rng } from './gaussian-images.mjs';

/** @typedef {import('./gaussian-cells.mjs').Cell} Cell */

/** ndimage 'mirror' (our 'reflect'): −1 → 1, n → n − 2. @param {number} i @param {number} n */
function mirror(i, n) {
  if (n === 1) return 0;
  const p = 2 * (n - 1);
  let k = ((i % p) + p) % p;
  return k >= n ? p - k : k;
}
/** @param {number} sigma @param {number} r */
function gaussianWeights(sigma, r) {
  const w = Float64Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp((-0.5 / (sigma * sigma)) * (i - r) ** 2));
  const s = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / s);
}

/**
 * The blur at `count` deterministic positions (corners, edges and centre included), in float64, with
 * the library's documented semantics (scipy.ndimage.gaussian_filter, mode 'mirror', truncate 4).
 * @param {Cell} c @param {Uint8Array} u8 @param {number} count
 */
export function sampleReference(c, u8, count) {
  const n = c.side;
  const g = gaussianWeights(c.sigma, c.radius);
  const r = c.radius;
  const next = rng(0x9e3779b9 ^ (c.side + c.channels * 31 + Math.round(c.sigma * 100)));
  /** @type {[number, number, number][]} */
  const pos = [];
  for (let ch = 0; ch < c.channels; ch++) for (const [y, x] of [[0, 0], [0, n - 1], [n - 1, 0], [n - 1, n - 1], [n >> 1, n >> 1], [0, n >> 1], [r, r]]) pos.push([ch, /** @type {number} */ (y), /** @type {number} */ (x)]);
  while (pos.length < count) pos.push([Math.floor(next() * c.channels), Math.floor(next() * n), Math.floor(next() * n)]);
  const values = new Float64Array(pos.length);
  const row = new Float64Array(2 * r + 1);
  pos.forEach(([ch, y, x], k) => {
    const plane = ch * n * n;
    for (let t = 0; t <= 2 * r; t++) {
      const yy = mirror(y + t - r, n);
      let s = 0;
      for (let q = 0; q <= 2 * r; q++) s += /** @type {number} */ (g[q]) * /** @type {number} */ (u8[plane + yy * n + mirror(x + q - r, n)]);
      row[t] = s;
    }
    let s = 0;
    for (let t = 0; t <= 2 * r; t++) s += /** @type {number} */ (g[t]) * /** @type {number} */ (row[t]);
    values[k] = s;
  });
  return { pos, values };
}

/**
 * Largest |ours − float64| over the samples, in 8-bit levels. Passes below 0.05 level (2·10⁻⁴ of full
 * scale): a guard against wrong results — the library's tests hold each algorithm to its derived bound;
 * what the float32 algorithms reach here is reported.
 * @param {Float32Array} got @param {ReturnType<typeof sampleReference>} ref @param {number} side
 */
export function checkOurs(got, ref, side) {
  let worst = 0;
  let at = '';
  ref.pos.forEach(([ch, y, x], k) => {
    const d = Math.abs(/** @type {number} */ (got[(ch * side + y) * side + x]) - /** @type {number} */ (ref.values[k]));
    if (!(d <= worst)) {
      worst = Number.isNaN(d) ? Infinity : d;
      at = `[${ch}, ${y}, ${x}]`;
    }
  });
  return { ok: worst <= OURS_TOLERANCE, worst, at };
}
export const OURS_TOLERANCE = 0.05;

/**
 * A peer's output against ours 'auto' on the interior: pixels at least `margin` from every edge (no
 * window reaches the boundary, so boundary rules do not enter). Max and mean |difference|, 8-bit levels.
 * @param {(ch: number, i: number) => number} peerAt  channel ch of pixel i = y·side + x
 * @param {Float32Array} ours planar [C, H, W]
 * @param {number} side @param {number} C @param {number} margin
 */
export function agreement(peerAt, ours, side, C, margin) {
  let max = 0;
  let sum = 0;
  let count = 0;
  for (let ch = 0; ch < C; ch++) {
    for (let y = margin; y < side - margin; y++) {
      for (let x = margin; x < side - margin; x++) {
        const i = y * side + x;
        const d = Math.abs(peerAt(ch, i) - /** @type {number} */ (ours[ch * side * side + i]));
        if (d > max) max = d;
        sum += d;
        count++;
      }
    }
  }
  return count ? { maxAbs: max, meanAbs: sum / count, margin, pixels: count / C } : { maxAbs: NaN, meanAbs: NaN, margin, pixels: 0 };
}
