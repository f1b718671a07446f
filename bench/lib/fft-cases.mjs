// @ts-check
/**
 * What bench:fft measures: its cases and the contenders of each, and each case's input.
 * Transforms: `engine.rfft` of one real signal of 2^10…2^22 samples and of the awkward lengths 1000
 * (2³·5³), 4099 (prime: Bluestein) and 44100 (2²·3²·5²·7²); `engine.rfft2` of 256²…2048² images.
 * Convolution: `engine.conv1d` with `algorithm: 'fft'` (and `'auto'`) against ml-convolution's
 * `fftConvolution` on long 1-D signals; ml-convolution has no 2-D convolution.
 * GFLOP/s = 2.5·N·log2 N / time per real transform (the customary 5·N·log2 N / 2; 2-D: N = H·W);
 * GB/s = (4·N bytes in + 8·bins bytes out) / time.
 */
import { randomTensor } from '../../dist/testing.js';
import { conv1dCase } from './cases.mjs';

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */

/**
 * @typedef {object} FftCase
 * @property {string} id
 * @property {string} name
 * @property {'rfft' | 'rfft2' | 'conv1d'} op
 * @property {number[]} shape       the real input's shape
 * @property {number} N             real points per transform (2-D: H·W)
 * @property {number} bins          complex values out per transform
 * @property {number} flops         2.5·N·log2 N (transforms); the direct sum's 2·L·k (convolution)
 * @property {number} bytes         bytes in + out
 * @property {BenchCase} [conv]     convolution cases: the case (shapes, geometry)
 */

/** Contenders of the transforms, in run order. */
export const TRANSFORM_CONTENDERS = ['ours', 'ours-gpu', 'cpu-ref', 'fft.js', 'pffft-wasm'];
/** Contenders of the convolutions. */
export const CONV_CONTENDERS = ['ours-fft', 'ours-auto', 'ml-convolution'];
/** @type {Record<string, string>} */
export const LABEL = {
  ours: 'ours (end to end)',
  'ours-gpu': 'ours (GpuTensor in, output gpu)',
  'cpu-ref': 'our CPU reference (float64 JS)',
  'fft.js': 'fft.js (JS, float64)',
  'pffft-wasm': 'PFFFT (WASM SIMD, float32)',
  'ours-fft': "ours conv1d algorithm 'fft'",
  'ours-auto': "ours conv1d algorithm 'auto'",
  'ml-convolution': 'ml-convolution fftConvolution (JS)',
};

/**
 * @param {'rfft' | 'rfft2'} op
 * @param {number[]} shape
 * @returns {FftCase}
 */
function transformCase(op, shape) {
  const N = shape.reduce((a, b) => a * b, 1);
  const W = /** @type {number} */ (shape.at(-1));
  const bins = (N / W) * (Math.floor(W / 2) + 1);
  const pow2 = (N & (N - 1)) === 0 ? ` (2^${Math.log2(N)})` : '';
  return {
    id: op === 'rfft' ? `rfft-${N}` : `rfft2-${W}`,
    name: op === 'rfft' ? `rfft ${N}${pow2}` : `rfft2 ${shape.join('×')}`,
    op,
    shape,
    N,
    bins,
    flops: 2.5 * N * Math.log2(N),
    bytes: 4 * N + 8 * bins,
  };
}

/**
 * @param {number} length
 * @param {number} k
 * @returns {FftCase}
 */
function convCase(length, k) {
  const label = length === 1 << 20 ? '1M' : String(length);
  const c = conv1dCase(k, length, `conv1d-${label}-k${k}`);
  return { id: c.id, name: c.name, op: 'conv1d', shape: [length], N: length, bins: 0, flops: c.flops, bytes: c.bytes, conv: c };
}

/**
 * The cases to run: every size (`--quick`: a few), those whose id or name matches `--filter`
 * (case-insensitive).
 * @param {{ quick: boolean, filter?: string }} opts
 */
export function buildFftCases(opts) {
  const POW2 = opts.quick ? [10, 16, 20] : [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22];
  const SIDES = opts.quick ? [256, 1024] : [256, 512, 1024, 2048];
  const CONV = opts.quick ? [[44100, 4097]] : [[44100, 4097], [1 << 20, 4097], [1 << 20, 65537]];
  let cases = [
    ...POW2.map((p) => transformCase('rfft', [2 ** p])),
    ...[1000, 4099, 44100].map((n) => transformCase('rfft', [n])),
    ...SIDES.map((s) => transformCase('rfft2', [s, s])),
    ...CONV.map(([l, k]) => convCase(/** @type {number} */ (l), /** @type {number} */ (k))),
  ];
  if (opts.filter) {
    const re = new RegExp(opts.filter, 'i');
    cases = cases.filter((c) => re.test(c.id) || re.test(c.name));
  }
  return cases;
}

/** Deterministic input in [−1, 1] per case (the library's seeded generator). @param {FftCase} c */
export function inputOf(c) {
  let seed = 7;
  for (const ch of c.id) seed = Math.imul(seed, 31) + ch.charCodeAt(0);
  return randomTensor(c.shape, seed);
}
