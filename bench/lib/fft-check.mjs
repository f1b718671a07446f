// @ts-check
/**
 * bench:fft's check of the transforms. Every contender's output is checked before it is timed, in
 * every run: transforms normwise against the CPU reference, ‖X − X_ref‖₂ ≤ (7·log2 N + 4)·u·‖X_ref‖₂
 * per transform (Bluestein: 3·7·log2 M + 4, M its fast length; the bound of the library's tests,
 * README "FFT"), the error reported in units of u·‖X_ref‖₂. Convolutions are checked on sampled
 * outputs computed directly in float64, normwise (check.mjs).
 */
import { isFastLength, nextFastLength } from '../../dist/index.js';

const U = 2 ** -24;

/**
 * The README's bound on a transform of N points, in units of u·‖X_ref‖₂: 7·log2 N + 4, or through
 * Bluestein 3·7·log2 M + 4 (M the fast length ≥ 2N − 1). For a 2-D transform, N = H·W; a dimension
 * that is not a fast length adds its Bluestein factor.
 * @param {number[]} shape
 */
export function boundUnits(shape) {
  const N = shape.reduce((a, b) => a * b, 1);
  const slow = shape.filter((n) => !isFastLength(n));
  if (!slow.length) return 7 * Math.log2(Math.max(2, N)) + 4;
  const M = slow.reduce((a, n) => a * nextFastLength(2 * n - 1), N / slow.reduce((a, n) => a * n, 1));
  return 3 * 7 * Math.log2(M) + 4;
}

/**
 * ‖got − ref‖₂ / (u·‖ref‖₂) over the whole spectrum (one transform per case here).
 * @param {ArrayLike<number>} got
 * @param {Float32Array} ref
 */
export function errUnits(got, ref) {
  if (got.length !== ref.length) return Infinity;
  let e2 = 0;
  let r2 = 0;
  for (let i = 0; i < ref.length; i++) {
    const r = /** @type {number} */ (ref[i]);
    e2 += (/** @type {number} */ (got[i]) - r) ** 2;
    r2 += r * r;
  }
  const q = Math.sqrt(e2) / (U * Math.sqrt(r2));
  return Number.isNaN(q) ? Infinity : q;
}
