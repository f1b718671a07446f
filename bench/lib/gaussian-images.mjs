// @ts-check
/**
 * bench:gaussian's test images: a deterministic 8-bit image per size and channel count, and the same
 * image in each library's layout (ours float32 planes [C, H, W], interleaved bytes, jimp's RGBA).
 */

import { mulberry32 } from '../../dist/testing.js';

/** @typedef {import('../../dist/index.js').HostTensor} HostTensor */

/**
 * Deterministic noise in [0, 1): the library's mulberry32 (dist/testing.js, [-1, 1)) mapped
 * exactly onto [0, 1) (its value is k / 2^31 − 1 for an integer k: (x + 1) / 2 = k / 2^32).
 * @param {number} seed
 */
export function rng(seed) {
  const next = mulberry32(seed);
  return () => (next() + 1) / 2;
}

/**
 * A deterministic 8-bit test image, planar [C, H, W]: smooth waves, hard-edged blocks (so that the
 * kernels' shapes show in the differences) and noise, different per channel.
 * @param {number} side @param {number} C
 */
export function makeImage(side, C) {
  const next = rng(side * 7 + C);
  const u8 = new Uint8Array(C * side * side);
  for (let c = 0; c < C; c++) {
    const px = 97 + 13 * c;
    const py = 131 - 7 * c;
    for (let y = 0; y < side; y++) {
      const wy = Math.cos((2 * Math.PI * y) / py);
      for (let x = 0; x < side; x++) {
        const block = (Math.floor(x / (61 + 8 * c)) + Math.floor(y / 83)) % 2 ? 45 : -45;
        const v = 128 + 50 * Math.sin((2 * Math.PI * x) / px) * wy + block + 50 * (next() - 0.5);
        u8[(c * side + y) * side + x] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return u8;
}

/**
 * The same image in each library's layout.
 * @param {Uint8Array} u8 planar [C, H, W]
 * @param {number} side @param {number} C
 */
export function layouts(u8, side, C) {
  const P = side * side;
  const planar = Float32Array.from(u8);
  const interleaved = new Uint8Array(P * C);
  const rgba = new Uint8Array(P * 4);
  for (let i = 0; i < P; i++) {
    for (let c = 0; c < C; c++) interleaved[i * C + c] = /** @type {number} */ (u8[c * P + i]);
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = /** @type {number} */ (u8[(C === 1 ? 0 : c) * P + i]);
    rgba[i * 4 + 3] = 255;
  }
  /** @type {HostTensor} */
  const tensor = { data: planar, shape: C === 1 ? [side, side] : [C, side, side] };
  return { tensor, interleaved, rgba };
}
