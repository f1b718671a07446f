// @ts-check
/**
 * bench:fft's peers, the CPU FFTs JavaScript users have: fft.js (radix-4 in plain JavaScript,
 * float64, powers of two) and PFFFT compiled to WebAssembly with SIMD (@echogarden/pffft-wasm,
 * float32; real lengths that are multiples of 32 with factors 2, 3, 5), whose 2-D transforms are
 * written the way a user would (rows, then columns); and ml-convolution's `fftConvolution` (fft.js
 * underneath, one power-of-two transform of the whole signal), with whether it convolves or
 * correlates. Loaded once (`loadFftPeers`); the transforms below use what it loaded.
 */
import { readVersion } from './node-env.mjs';

/** Imports a package that has no type declarations (a variable specifier keeps it `any`). @param {string} name @returns {Promise<any>} */
const untyped = (name) => import(name);
/** @type {any} */
let FFTJS;
/** @type {any} */
let pffft;

/** @typedef {{ fftConvolution: (signal: Float32Array, kernel: Float32Array) => number[] }} MlConvolution ml-convolution's API as used here */

/**
 * Loads fft.js, PFFFT (its SIMD build, instantiated) and ml-convolution.
 * @returns {Promise<{ versions: Record<string, string>, mlConvolution: MlConvolution }>}
 */
export async function loadFftPeers() {
  /** @type {Record<string, string>} */
  const peerVersions = {};
  FFTJS = (await untyped('fft.js')).default;
  peerVersions['fft.js'] = readVersion('fft.js');
  const PFFFT = (await untyped('@echogarden/pffft-wasm/simd')).default;
  pffft = await PFFFT();
  peerVersions['@echogarden/pffft-wasm'] = `${readVersion('@echogarden/pffft-wasm')} (simd, SIMD width ${pffft._pffft_simd_size()})`;
  const mlConvolution = await untyped('ml-convolution');
  peerVersions['ml-convolution'] = readVersion('ml-convolution');
  return { versions: peerVersions, mlConvolution };
}

/**
 * Does ml-convolution convolve (it reverses the kernel) or correlate? Settled once on a small signal
 * against our cross-correlation (`cpu.conv1d`, PyTorch's convention): true when it convolves.
 * @param {MlConvolution} mlConvolution
 * @param {typeof import('../../dist/index.js').cpu} cpu
 */
export function mlConvolutionReverses(mlConvolution, cpu) {
  const x = new Float32Array([0.5, -1, 2, 0.25, 3, -0.75, 1.5]);
  const w = new Float32Array([1, 2, -3]);
  const ref = cpu.conv1d({ data: x, shape: [1, 1, 7] }, { data: w, shape: [1, 1, 3] }, { padding: 'same' }).data;
  const asIs = mlConvolution.fftConvolution(x, w);
  return !asIs.every((v, i) => Math.abs(v - /** @type {number} */ (ref[i])) < 1e-5);
}

/** A PFFFT setup with its aligned buffers, per (length, kind). @type {Map<string, { setup: number, a: number, b: number, work: number, n: number }>} */
const pffftSetups = new Map();
/**
 * @param {number} n
 * @param {0 | 1} kind 0 real, 1 complex
 */
function pffftSetup(n, kind) {
  const key = `${n}/${kind}`;
  let s = pffftSetups.get(key);
  if (!s) {
    const setup = pffft._pffft_new_setup(n, kind);
    if (!setup) throw new Error(`PFFFT does not do ${kind ? 'complex' : 'real'} transforms of length ${n} (it needs a multiple of ${kind ? 16 : 32} with factors 2, 3, 5)`);
    const floats = kind ? 2 * n : n;
    s = { setup, a: pffft._pffft_aligned_malloc(floats * 4), b: pffft._pffft_aligned_malloc(floats * 4), work: pffft._pffft_aligned_malloc(floats * 4), n };
    pffftSetups.set(key, s);
  }
  return s;
}

/** Whether PFFFT has a real transform of length n: a multiple of 32 whose other factors are 2, 3 and 5. @param {number} n */
export function pffftReal(n) {
  if (n % 32) return false;
  let m = n;
  for (const p of [2, 3, 5]) while (m % p === 0) m /= p;
  return m === 1;
}

/** fft.js instances per length. @type {Map<number, any>} */
const fftjsInstances = new Map();
/** @param {number} n */
function fftjs(n) {
  let f = fftjsInstances.get(n);
  if (!f) fftjsInstances.set(n, (f = new FFTJS(n)));
  return f;
}

/**
 * fft.js rfft of one signal: `realTransform` (bins 0…n/2 of the output), as [bins, 2] float64.
 * @param {Float32Array} x
 */
export function fftjsRfft(x) {
  const n = x.length;
  const f = fftjs(n);
  const out = f.createComplexArray();
  f.realTransform(out, x);
  const m = n / 2 + 1;
  const r = new Float64Array(2 * m);
  for (let i = 0; i < 2 * m; i++) r[i] = out[i];
  return r;
}

/**
 * fft.js rfft2 the way a user writes it: real transforms of the rows, then complex transforms of the
 * W/2 + 1 columns. [H, W/2 + 1, 2] float64.
 * @param {Float32Array} x
 * @param {number} H
 * @param {number} W
 */
export function fftjsRfft2(x, H, W) {
  const M = W / 2 + 1;
  const fr = fftjs(W);
  const fc = fftjs(H);
  const plane = new Float64Array(H * M * 2);
  const rowOut = fr.createComplexArray();
  const row = new Float64Array(W);
  for (let y = 0; y < H; y++) {
    row.set(x.subarray(y * W, (y + 1) * W));
    fr.realTransform(rowOut, row);
    for (let i = 0; i < 2 * M; i++) plane[y * 2 * M + i] = rowOut[i];
  }
  const col = fc.createComplexArray();
  const colOut = fc.createComplexArray();
  for (let m = 0; m < M; m++) {
    for (let y = 0; y < H; y++) {
      col[2 * y] = plane[(y * M + m) * 2];
      col[2 * y + 1] = plane[(y * M + m) * 2 + 1];
    }
    fc.transform(colOut, col);
    for (let y = 0; y < H; y++) {
      plane[(y * M + m) * 2] = colOut[2 * y];
      plane[(y * M + m) * 2 + 1] = colOut[2 * y + 1];
    }
  }
  return plane;
}

/**
 * PFFFT rfft of one signal (copied into WASM memory, ordered forward transform, copied out), as
 * [n/2 + 1, 2] float32 — PFFFT packs the Nyquist value into the imaginary slot of bin 0.
 * @param {Float32Array} x
 */
export function pffftRfft(x) {
  const n = x.length;
  const s = pffftSetup(n, 0);
  pffft.HEAPF32.set(x, s.a >> 2);
  pffft._pffft_transform_ordered(s.setup, s.a, s.b, s.work, 0);
  const out = pffft.HEAPF32.subarray(s.b >> 2, (s.b >> 2) + n);
  const r = new Float32Array(n + 2);
  r.set(out);
  r[n] = /** @type {number} */ (r[1]);
  r[1] = 0;
  return r;
}

/**
 * PFFFT rfft2 the way a user writes it: ordered real transforms of the rows, then ordered complex
 * transforms of the W/2 + 1 columns, gathered and scattered in JavaScript. [H, W/2 + 1, 2] float32.
 * @param {Float32Array} x
 * @param {number} H
 * @param {number} W
 */
export function pffftRfft2(x, H, W) {
  const M = W / 2 + 1;
  const sr = pffftSetup(W, 0);
  const sc = pffftSetup(H, 1);
  const plane = new Float32Array(H * M * 2);
  for (let y = 0; y < H; y++) {
    pffft.HEAPF32.set(x.subarray(y * W, (y + 1) * W), sr.a >> 2);
    pffft._pffft_transform_ordered(sr.setup, sr.a, sr.b, sr.work, 0);
    const heap = /** @type {Float32Array} */ (pffft.HEAPF32);
    const o = sr.b >> 2;
    const p = y * 2 * M;
    plane.set(heap.subarray(o, o + W), p);
    plane[p + W] = /** @type {number} */ (heap[o + 1]);
    plane[p + W + 1] = 0;
    plane[p + 1] = 0;
  }
  for (let m = 0; m < M; m++) {
    let heap = /** @type {Float32Array} */ (pffft.HEAPF32);
    const a = sc.a >> 2;
    for (let y = 0; y < H; y++) {
      heap[a + 2 * y] = /** @type {number} */ (plane[(y * M + m) * 2]);
      heap[a + 2 * y + 1] = /** @type {number} */ (plane[(y * M + m) * 2 + 1]);
    }
    pffft._pffft_transform_ordered(sc.setup, sc.a, sc.b, sc.work, 0);
    heap = pffft.HEAPF32;
    const b = sc.b >> 2;
    for (let y = 0; y < H; y++) {
      plane[(y * M + m) * 2] = /** @type {number} */ (heap[b + 2 * y]);
      plane[(y * M + m) * 2 + 1] = /** @type {number} */ (heap[b + 2 * y + 1]);
    }
  }
  return plane;
}
