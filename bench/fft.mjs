#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench:fft`: the FFT alone, and FFT convolution against a JavaScript library's, in Node.
 *
 *   node --expose-gc bench/fft.mjs [--adapter llvmpipe|swiftshader|hardware|default] [--runs N]
 *        [--repeats N] [--budget-s S] [--filter RE] [--quick] [--no-peers] [--out DIR]
 *
 * Transforms: `engine.rfft` of one real signal of 2^10…2^22 samples and of the awkward lengths 1000
 * (2³·5³), 4099 (prime: Bluestein) and 44100 (2²·3²·5²·7²); `engine.rfft2` of 256²…2048² images.
 * Each is timed two ways: end to end (a host array in, the spectrum read back: upload + transform +
 * readback) and on the GPU alone (a GpuTensor in, `output: 'gpu'`, until the queue is done). Against
 * the CPU FFTs JavaScript users have: fft.js (radix-4 in plain JavaScript, float64, powers of two) and
 * PFFFT compiled to WebAssembly with SIMD (@echogarden/pffft-wasm, float32; real lengths that are
 * multiples of 32 with factors 2, 3, 5), whose 2-D transforms are written the way a user would (rows,
 * then columns), and our own float64 CPU reference (`cpu.rfft`, `cpu.rfft2`).
 *
 * Convolution: `engine.conv1d` with `algorithm: 'fft'` (and `'auto'`) against ml-convolution's
 * `fftConvolution` (fft.js underneath, one power-of-two transform of the whole signal) on long 1-D
 * signals; ml-convolution has no 2-D convolution.
 *
 * Every contender's output is checked before it is timed, in every run: transforms normwise against
 * the CPU reference, ‖X − X_ref‖₂ ≤ (7·log2 N + 4)·u·‖X_ref‖₂ per transform (Bluestein: 3·7·log2 M + 4,
 * M its fast length; the bound of the library's tests, README "FFT"), the error reported in units of
 * u·‖X_ref‖₂; convolutions on sampled outputs computed directly in float64, normwise (bench/lib/check.mjs).
 *
 * GFLOP/s = 2.5·N·log2 N / time per real transform (the customary 5·N·log2 N / 2; 2-D: N = H·W);
 * GB/s = (4·N bytes in + 8·bins bytes out) / time. The suite runs `--runs` times (default 3) in one
 * process; each figure is the median (min–max) over the runs of each run's median; ratios are formed
 * within a run. Results: bench/results/<date>-<adapter>-fft.json.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { conv1dCase } from './lib/cases.mjs';
import { checkResult, fftChecker, sampleReference } from './lib/check.mjs';
import { fmtMs, fmtMsSpread, fmtNum, fmtRatioSpread, resultFileStem } from './lib/format.mjs';
import { adapterRecord } from './lib/suite.mjs';
import { spread } from './lib/summary.mjs';
import { median } from './lib/timing.mjs';
import { gitCommit, otherCpuSeconds, readVersion, roundNumbers } from './lib/node-env.mjs';
import { randomTensor } from '../dist/testing.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const program = new Command()
  .name('npm run bench:fft --')
  .description('Benchmark the FFT (engine.rfft, engine.rfft2) and FFT convolution against JavaScript and WASM FFTs.')
  .addOption(new Option('--adapter <name>', 'WebGPU adapter').choices(['llvmpipe', 'swiftshader', 'hardware', 'default']).default('default'))
  .option('--runs <n>', 'run everything n times in this process; figures are the median (min–max) over the runs', positiveInteger, 3)
  .option('--repeats <n>', 'timed calls per contender, case and run (at most; at least 3)', positiveInteger, 7)
  .option('--budget-s <s>', 'time budget of one contender\'s timed calls on one case in one run', positiveNumber, 3)
  .option('--filter <regex>', 'only cases whose id matches (case-insensitive): rfft-1024, rfft2-512, conv1d-1M-k65537…')
  .option('--quick', 'a few sizes, one run', false)
  .option('--no-peers', 'ours and the CPU reference only')
  .option('--out <dir>', 'where to write the JSON results', join(here, 'results'))
  .showHelpAfterError();
program.parse();
/** @type {{ adapter: 'llvmpipe' | 'swiftshader' | 'hardware' | 'default', runs: number, repeats: number, budgetS: number, filter?: string, quick: boolean, peers: boolean, out: string }} */
const opts = program.opts();
if (opts.quick && !process.argv.includes('--runs')) opts.runs = 1;

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const webgpu = await import('webgpu');
Object.assign(globalThis, webgpu.globals);
const lib = await import('../dist/index.js');
const { createEngine, cpu, isFastLength, nextFastLength } = lib;

/** @typedef {import('../dist/index.js').HostTensor} HostTensor */
/** @typedef {import('./lib/cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./lib/summary.mjs').Spread} Spread */

const U = 2 ** -24;

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
if (!cases.length) {
  console.error(`bench:fft: no case matches --filter ${opts.filter}`);
  process.exit(2);
}

// --- the peers ------------------------------------------------------------------------------------
/** Imports a package that has no type declarations (a variable specifier keeps it `any`). @param {string} name @returns {Promise<any>} */
const untyped = (name) => import(name);
/** @type {any} */
let FFTJS;
/** @type {any} */
let pffft;
/** @type {any} */
let mlConvolution;
/** @type {Record<string, string>} */
const peerVersions = {};
if (opts.peers) {
  FFTJS = (await untyped('fft.js')).default;
  peerVersions['fft.js'] = readVersion('fft.js');
  const PFFFT = (await untyped('@echogarden/pffft-wasm/simd')).default;
  pffft = await PFFFT();
  peerVersions['@echogarden/pffft-wasm'] = `${readVersion('@echogarden/pffft-wasm')} (simd, SIMD width ${pffft._pffft_simd_size()})`;
  mlConvolution = await untyped('ml-convolution');
  peerVersions['ml-convolution'] = readVersion('ml-convolution');
}

/** Contenders of the transforms, in run order. */
const TRANSFORM_CONTENDERS = ['ours', 'ours-gpu', 'cpu-ref', 'fft.js', 'pffft-wasm'];
/** Contenders of the convolutions. */
const CONV_CONTENDERS = ['ours-fft', 'ours-auto', 'ml-convolution'];
/** @type {Record<string, string>} */
const LABEL = {
  ours: 'ours (end to end)',
  'ours-gpu': 'ours (GpuTensor in, output gpu)',
  'cpu-ref': 'our CPU reference (float64 JS)',
  'fft.js': 'fft.js (JS, float64)',
  'pffft-wasm': 'PFFFT (WASM SIMD, float32)',
  'ours-fft': "ours conv1d algorithm 'fft'",
  'ours-auto': "ours conv1d algorithm 'auto'",
  'ml-convolution': 'ml-convolution fftConvolution (JS)',
};

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
function pffftReal(n) {
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
function fftjsRfft(x) {
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
function fftjsRfft2(x, H, W) {
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
function pffftRfft(x) {
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
function pffftRfft2(x, H, W) {
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

// --- checks -----------------------------------------------------------------------------------------
/**
 * The README's bound on a transform of N points, in units of u·‖X_ref‖₂: 7·log2 N + 4, or through
 * Bluestein 3·7·log2 M + 4 (M the fast length ≥ 2N − 1). For a 2-D transform, N = H·W; a dimension
 * that is not a fast length adds its Bluestein factor.
 * @param {number[]} shape
 */
function boundUnits(shape) {
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
function errUnits(got, ref) {
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

// --- timing -----------------------------------------------------------------------------------------
/**
 * @typedef {object} FftMeasurement One contender on one case in one run.
 * @property {string} id
 * @property {'ok' | 'wrong' | 'failed' | 'not-applicable' | 'skipped'} status
 * @property {string} [reason]
 * @property {string} [variant]    ours: `onRun`'s variant
 * @property {number[]} warmupMs
 * @property {number[]} timesMs
 * @property {number} [medianMs]
 * @property {number} [minMs]
 * @property {number} [gflops]
 * @property {number} [gbps]
 * @property {number} [err]        transforms: ‖X − X_ref‖₂ in units of u·‖X_ref‖₂ (worst of the checked calls)
 * @property {number} [bound]      transforms: the bound in the same units
 * @property {number} [worst]      convolutions: error / tolerance (≤ 1 passes)
 */

/**
 * Warm-up (its first call's output checked), then timed calls within the budget.
 * @param {FftMeasurement} m
 * @param {FftCase} c
 * @param {() => Promise<unknown> | unknown} fn
 * @param {(out: any) => boolean} check   true when the output passes
 */
async function measure(m, c, fn, check) {
  /** @type {any} */ (globalThis).gc?.();
  const budget = opts.budgetS * 1000;
  let last = 0;
  try {
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      const out = await fn();
      last = performance.now() - t0;
      m.warmupMs.push(last);
      if (i === 0 && !check(out)) {
        m.status = 'wrong';
        return;
      }
      if (last > budget / 4) break;
    }
    const n = Math.min(opts.repeats, Math.max(3, Math.floor(budget / Math.max(last, 1e-3))));
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await fn();
      m.timesMs.push(performance.now() - t0);
    }
  } catch (e) {
    m.status = 'failed';
    m.reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return;
  }
  m.medianMs = median(m.timesMs);
  m.minMs = Math.min(...m.timesMs);
  m.gflops = c.flops / (m.medianMs * 1e6);
  m.gbps = c.bytes / (m.medianMs * 1e6);
}

/** @param {string} id @returns {FftMeasurement} */
const blankM = (id) => ({ id, status: 'ok', warmupMs: [], timesMs: [] });

// --- the engine -------------------------------------------------------------------------------------
const adapterChoice = opts.adapter === 'default' ? 'auto' : opts.adapter;
const engine = await createEngine({ adapter: adapterChoice, quiet: true });
const device = engine.device;
/** @type {string[]} */
const gpuErrors = [];
device.addEventListener('uncapturederror', (ev) => gpuErrors.push(/** @type {GPUUncapturedErrorEvent} */ (ev).error.message));
const info = engine.adapterInfo;
const log = (/** @type {string} */ m) => process.stderr.write(`${m}\n`);
log(`webgpu-conv bench:fft: ${opts.runs} run(s) × ${cases.length} cases on ${opts.adapter} (${info.description || info.device}; ${info.featureLevel})${opts.peers ? `; peers: ${Object.entries(peerVersions).map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`);

/** Deterministic input in [−1, 1] per case (the library's seeded generator). @param {FftCase} c */
function inputOf(c) {
  let seed = 7;
  for (const ch of c.id) seed = Math.imul(seed, 31) + ch.charCodeAt(0);
  return randomTensor(c.shape, seed);
}

// ml-convolution convolves (it reverses the kernel) or correlates? Settled once on a small signal
// against our cross-correlation (`cpu.conv1d`, PyTorch's convention).
let mlReverse = false;
if (opts.peers) {
  const x = new Float32Array([0.5, -1, 2, 0.25, 3, -0.75, 1.5]);
  const w = new Float32Array([1, 2, -3]);
  const ref = cpu.conv1d({ data: x, shape: [1, 1, 7] }, { data: w, shape: [1, 1, 3] }, { padding: 'same' }).data;
  const asIs = /** @type {number[]} */ (mlConvolution.fftConvolution(x, w));
  mlReverse = !asIs.every((v, i) => Math.abs(v - /** @type {number} */ (ref[i])) < 1e-5);
}

const started = Date.now();
const loadStart = os.loadavg();
/** @type {Map<string, { c: FftCase, runs: { run: number, otherCpuS?: number, wallS: number, results: FftMeasurement[] }[], reference: string }>} */
const perCase = new Map(cases.map((c) => [c.id, { c, runs: [], reference: '' }]));
/** @type {string[]} */
const failures = [];

/** References, computed once per case: the CPU reference's spectrum (and its time), or the sampled conv outputs. */
/** @type {Map<string, { spectrum?: Float32Array, refMs?: number, conv?: import('./lib/check.mjs').Reference, fftCheck?: ReturnType<typeof fftChecker> }>} */
const references = new Map();

for (let run = 1; run <= opts.runs; run++) {
  if (opts.runs > 1) log(`run ${run} of ${opts.runs}`);
  for (const c of cases) {
    const t0 = performance.now();
    const other0 = otherCpuSeconds();
    const x = inputOf(c);
    /** @type {FftMeasurement[]} */
    const results = [];
    const entry = /** @type {NonNullable<ReturnType<typeof perCase.get>>} */ (perCase.get(c.id));
    let ref = references.get(c.id);
    if (c.op === 'conv1d') {
      const bc = /** @type {BenchCase} */ (c.conv);
      let seed = 17;
      for (const ch of c.id) seed = Math.imul(seed, 31) + ch.charCodeAt(0);
      const weight = randomTensor(bc.weightShape, seed ^ 0x5bd1e995);
      const input = { data: x.data, shape: bc.inputShape };
      if (!ref) {
        ref = { conv: sampleReference(bc, input.data, weight.data, 4096), fftCheck: fftChecker(bc, input.data, weight.data) };
        references.set(c.id, ref);
        entry.reference = 'sampled (4096 outputs, float64 direct sums)';
      }
      const r = ref;
      const conv = /** @type {import('./lib/check.mjs').Reference} */ (r.conv);
      const fftCheck = /** @type {ReturnType<typeof fftChecker>} */ (r.fftCheck);
      for (const id of CONV_CONTENDERS) {
        const m = blankM(id);
        results.push(m);
        if (id === 'ml-convolution' && !opts.peers) {
          m.status = 'skipped';
          m.reason = '--no-peers';
          continue;
        }
        /** Our checks: FFT normwise (per the variant that ran), else elementwise. */
        const checkOurs = (/** @type {Float32Array} */ got) => {
          const res = m.variant && /^\d+x\d+/.test(m.variant) ? fftCheck(got, conv, m.variant) : checkResult(got, conv);
          m.worst = Math.max(m.worst ?? 0, res.worst);
          if (!res.ok) m.reason = res.firstBad;
          return res.ok;
        };
        if (id === 'ml-convolution') {
          const k = bc.geo.KW;
          const kern = mlReverse ? weight.data.slice().reverse() : weight.data;
          const F = 2 ** Math.ceil(Math.log2(Math.max(2, c.N + k - 1)));
          await measure(m, c, () => mlConvolution.fftConvolution(input.data, kern), (/** @type {number[]} */ got) => {
            const res = fftCheck(Float32Array.from(got), conv, `1x${F}`);
            m.worst = res.worst;
            if (!res.ok) m.reason = res.firstBad;
            return res.ok;
          });
          if (mlReverse && m.status === 'ok') m.reason = 'kernel passed reversed (ml-convolution convolves; ours cross-correlates)';
          m.variant = `fft.js complex ${F}`;
        } else {
          const alg = id.slice(5);
          const o = /** @type {any} */ ({ padding: 'same', algorithm: alg, onRun: (/** @type {any} */ i) => (m.variant = i.algorithm === 'fft' ? i.variant : `${i.algorithm}/${i.variant}`) });
          await measure(m, c, async () => /** @type {HostTensor} */ (await engine.conv1d(input, weight, o)).data, (/** @type {Float32Array} */ got) => checkOurs(got));
          if (m.status === 'wrong') failures.push(`${c.id} ${id}: WRONG: ${m.reason}`);
          if (m.status === 'failed') failures.push(`${c.id} ${id}: FAILED: ${m.reason}`);
        }
      }
    } else {
      if (!ref) {
        const r0 = performance.now();
        const spectrum = /** @type {Float32Array} */ (c.op === 'rfft' ? cpu.rfft(x).data : cpu.rfft2(x).data);
        ref = { spectrum, refMs: performance.now() - r0 };
        references.set(c.id, ref);
        entry.reference = 'cpu.' + c.op + ' (float64)';
      }
      const spectrum = /** @type {Float32Array} */ (ref.spectrum);
      const bound = boundUnits(c.shape);
      for (const id of TRANSFORM_CONTENDERS) {
        const m = blankM(id);
        results.push(m);
        const check = (/** @type {ArrayLike<number>} */ got) => {
          const e = errUnits(got, spectrum);
          m.err = Math.max(m.err ?? 0, e);
          m.bound = bound;
          if (!(e <= bound)) m.reason = `‖X − X_ref‖₂ = ${e.toFixed(2)}·u·‖X_ref‖₂ > ${bound.toFixed(1)}`;
          return e <= bound;
        };
        const [H, W] = c.shape.length === 2 ? /** @type {[number, number]} */ (c.shape) : [1, /** @type {number} */ (c.shape[0])];
        const pow2 = (W & (W - 1)) === 0 && (H & (H - 1)) === 0;
        if (id === 'ours') {
          const o = { onRun: (/** @type {any} */ i) => (m.variant = i.variant) };
          await measure(m, c, async () => (c.op === 'rfft' ? await engine.rfft(x, o) : await engine.rfft2(x, o)).data, check);
        } else if (id === 'ours-gpu') {
          const xt = await engine.upload(x);
          const o = /** @type {const} */ ({ output: 'gpu', onRun: (/** @type {any} */ i) => (m.variant = i.variant) });
          let first = true;
          await measure(
            m,
            c,
            async () => {
              const out = c.op === 'rfft' ? await engine.rfft(xt, o) : await engine.rfft2(xt, o);
              await device.queue.onSubmittedWorkDone();
              // The first call's spectrum is read back (outside the timed calls) for the check.
              const data = first ? (await out.read()).data : undefined;
              first = false;
              out.destroy();
              return data;
            },
            check,
          );
          xt.destroy();
        } else if (id === 'cpu-ref') {
          // Its first run made the reference; time it within the budget, or report that one run.
          const once = /** @type {number} */ (ref.refMs);
          if (once > opts.budgetS * 1000) {
            m.warmupMs.push(once);
            m.timesMs.push(once);
            m.medianMs = m.minMs = once;
            m.gflops = c.flops / (once * 1e6);
            m.gbps = c.bytes / (once * 1e6);
            m.reason = 'one run (the reference itself)';
          } else {
            await measure(m, c, () => (c.op === 'rfft' ? cpu.rfft(x) : cpu.rfft2(x)).data, check);
          }
        } else if (!opts.peers) {
          m.status = 'skipped';
          m.reason = '--no-peers';
        } else if (id === 'fft.js') {
          if (!pow2) {
            m.status = 'not-applicable';
            m.reason = 'fft.js does powers of two only';
          } else {
            await measure(m, c, () => (c.op === 'rfft' ? fftjsRfft(x.data) : fftjsRfft2(x.data, H, W)), check);
          }
        } else if (id === 'pffft-wasm') {
          const ok = pffftReal(W) && (c.op === 'rfft' || (H % 16 === 0 && pffftReal(H * 2)));
          if (!ok) {
            m.status = 'not-applicable';
            m.reason = `PFFFT's real transforms need a multiple of 32 with factors 2, 3, 5 only (${c.shape.join('×')})`;
          } else {
            await measure(m, c, () => (c.op === 'rfft' ? pffftRfft(x.data) : pffftRfft2(x.data, H, W)), check);
          }
        }
        if (m.status === 'wrong' && id.startsWith('ours')) failures.push(`${c.id} ${id}: WRONG: ${m.reason}`);
        if (m.status === 'failed' && id.startsWith('ours')) failures.push(`${c.id} ${id}: FAILED: ${m.reason}`);
      }
    }
    const other1 = otherCpuSeconds();
    const wallS = (performance.now() - t0) / 1000;
    /** @type {{ run: number, otherCpuS?: number, wallS: number, results: FftMeasurement[] }} */
    const rec = { run, wallS, results };
    if (other0 !== undefined && other1 !== undefined) rec.otherCpuS = Math.max(0, other1 - other0);
    entry.runs.push(rec);
    const busy = rec.otherCpuS !== undefined && rec.otherCpuS / wallS > 0.2 ? `  [other processes used ${((rec.otherCpuS / wallS) * 100).toFixed(0)}% of a core]` : '';
    log(`${opts.runs > 1 ? `[${run}/${opts.runs}] ` : ''}${c.id.padEnd(20)} ${results.map((m) => `${m.id}=${m.status === 'ok' ? fmtMs(m.medianMs) : m.status}`).join('  ')}${busy}`);
  }
}

// --- summary ----------------------------------------------------------------------------------------
/**
 * @param {FftCase} c
 * @param {{ run: number, results: FftMeasurement[] }[]} runs
 */
function summarise(c, runs) {
  const ids = c.op === 'conv1d' ? CONV_CONTENDERS : TRANSFORM_CONTENDERS;
  /** @type {Record<string, any>} */
  const contenders = {};
  for (const id of ids) {
    const ms = runs.map((r) => r.results.find((m) => m.id === id)).filter((m) => m !== undefined);
    const ok = ms.filter((m) => m.status === 'ok');
    const time = spread(ok.map((m) => m.medianMs));
    const first = ms[0];
    contenders[id] = {
      status: ok.length ? 'ok' : (first?.status ?? 'missing'),
      reason: ok.length ? (first?.reason ?? undefined) : first?.reason,
      okRuns: ok.length,
      variant: [...new Set(ms.map((m) => m.variant).filter((v) => v))].join(', ') || undefined,
      time,
      gflops: time ? c.flops / (time.median * 1e6) : undefined,
      gbps: time ? c.bytes / (time.median * 1e6) : undefined,
      err: ms.some((m) => m.err !== undefined) ? Math.max(...ms.map((m) => m.err ?? 0)) : undefined,
      bound: first?.bound,
      worst: ms.some((m) => m.worst !== undefined) ? Math.max(...ms.map((m) => m.worst ?? 0)) : undefined,
    };
  }
  // Same-run ratios: each contender's median ÷ ours' (end to end; convolutions: ours fft).
  const base = c.op === 'conv1d' ? 'ours-fft' : 'ours';
  /** @type {Record<string, Spread>} */
  const vsOurs = {};
  for (const id of ids) {
    if (id === base) continue;
    const sp = spread(
      runs.map((r) => {
        const a = r.results.find((m) => m.id === base);
        const b = r.results.find((m) => m.id === id);
        return a?.status === 'ok' && b?.status === 'ok' && a.medianMs && b.medianMs ? b.medianMs / a.medianMs : undefined;
      }),
    );
    if (sp) vsOurs[id] = sp;
  }
  return { contenders, vsOurs, base };
}

const out = [...perCase.values()].map(({ c, runs, reference }) => {
  const { conv, ...rest } = c;
  return {
    ...rest,
    ...(conv ? { inputShape: conv.inputShape, weightShape: conv.weightShape, options: conv.options } : {}),
    reference,
    otherCpuS: runs.every((r) => r.otherCpuS !== undefined) ? runs.reduce((a, r) => a + (r.otherCpuS ?? 0), 0) : undefined,
    wallS: runs.reduce((a, r) => a + r.wallS, 0),
    runs,
    summary: summarise(c, runs),
  };
});

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cpus = os.cpus();
const report = {
  schema: 'webgpu-conv-bench-fft/1',
  date: new Date(started).toISOString(),
  durationS: Math.round((Date.now() - started) / 100) / 10,
  runner: 'node',
  adapter: adapterRecord(opts.adapter, info, device, device.features.has('timestamp-query')),
  machine: {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAvg1m: [Number(loadStart[0]?.toFixed(2)), Number(os.loadavg()[0]?.toFixed(2))].join(' → '),
  },
  versions: { 'webgpu-conv': pkg.version, webgpu: readVersion('webgpu'), ...peerVersions, commit: gitCommit() },
  config: { runs: opts.runs, repeats: opts.repeats, budgetS: opts.budgetS, quick: opts.quick, filter: opts.filter ?? null, peers: opts.peers, mlConvolutionKernelReversed: mlReverse },
  metrics: {
    gflops: '2.5·N·log2(N) / median time per real transform (5·N·log2 N / 2; 2-D: N = H·W); convolutions: the direct sum\'s 2·L·k',
    gbps: '(4·N bytes in + 8·bins bytes out) / median time',
    err: '‖X − X_ref‖₂ / (u·‖X_ref‖₂), u = 2^-24, X_ref the float64 CPU reference rounded to float32',
  },
  failures,
  gpuErrors,
  cases: out,
};

console.log(tables(report));
const outDir = resolve(opts.out);
mkdirSync(outDir, { recursive: true });
const jsonPath = join(outDir, `${resultFileStem(report)}-fft.json`);
writeFileSync(jsonPath, `${JSON.stringify(report, roundNumbers, 1)}\n`);
log(`\nwrote ${relative(process.cwd(), jsonPath)} (${report.durationS} s)`);
engine.destroy();
if (failures.length || gpuErrors.length) {
  for (const f of [...failures, ...gpuErrors]) log(`  ✗ ${f}`);
  process.exit(1);
}
process.exit(0);

/**
 * The console tables: per case, each contender's median (min–max) over the runs, GFLOP/s, the error
 * in units of u·‖X_ref‖₂, and each peer's time ÷ ours (same run; > 1 = ours faster).
 * @param {typeof report} r
 */
function tables(r) {
  const runs = Number(r.config.runs);
  const over = runs > 1 ? `median (min–max) over ${runs} runs` : '1 run';
  const lines = [`\nwebgpu-conv bench:fft — ${r.date.slice(0, 10)} — ${r.adapter.requested} (${info.description || info.device}) — ${r.machine.cpuModel}, ${r.machine.cores} cores — ${over}`];
  const row = (/** @type {string[]} */ cells, /** @type {number[]} */ w) => cells.map((x, i) => (i === 0 ? x.padEnd(w[i] ?? 0) : x.padStart(w[i] ?? 0))).join('  ');
  for (const kind of ['transforms', 'convolutions']) {
    const cs = r.cases.filter((c) => (kind === 'convolutions') === (c.op === 'conv1d'));
    if (!cs.length) continue;
    const ids = kind === 'convolutions' ? CONV_CONTENDERS : TRANSFORM_CONTENDERS;
    lines.push(`\n${kind === 'transforms' ? 'Transforms' : 'FFT convolution (conv1d, same)'}: time, ${over}; GFLOP/s from the median${kind === 'transforms' ? '; err in u·‖X_ref‖₂' : ''}\n`);
    const header = ['case', ...ids.map((id) => id)];
    const body = cs.map((c) => [
      c.name,
      ...ids.map((id) => {
        const x = c.summary.contenders[id];
        if (!x || x.status !== 'ok') return x?.status === 'not-applicable' ? 'n/a' : (x?.status ?? '—');
        return `${fmtMsSpread(x.time)} ${fmtNum(x.gflops)}GF${x.err !== undefined ? ` e${x.err.toFixed(1)}` : ''}`;
      }),
    ]);
    const w = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
    lines.push(row(header, w), w.map((n) => '─'.repeat(n)).join('  '), ...body.map((b) => row(b, w)));
    const peers = ids.filter((id) => id !== (kind === 'convolutions' ? 'ours-fft' : 'ours'));
    lines.push(`\n${kind === 'transforms' ? "each contender's time ÷ ours end to end" : "each contender's time ÷ ours 'fft'"} (same run, ${over}; > 1 = ours faster)\n`);
    const body2 = cs.map((c) => [c.name, ...peers.map((id) => fmtRatioSpread(c.summary.vsOurs[id]))]);
    const h2 = ['case', ...peers];
    const w2 = h2.map((h, i) => Math.max(h.length, ...body2.map((b) => (b[i] ?? '').length)));
    lines.push(row(h2, w2), w2.map((n) => '─'.repeat(n)).join('  '), ...body2.map((b) => row(b, w2)));
  }
  const notes = [];
  for (const c of r.cases) {
    for (const [id, x] of Object.entries(c.summary.contenders)) {
      if (x.reason) notes.push(`  ${c.id} ${id}: ${x.status === 'ok' ? '' : `${x.status}: `}${x.reason}`);
      if (x.variant && id.startsWith('ours')) notes.push(`  ${c.id} ${id} ran ${x.variant}`);
    }
    if (c.otherCpuS !== undefined && c.otherCpuS / c.wallS > 0.2) notes.push(`  ${c.id}: other processes used ${((c.otherCpuS / c.wallS) * 100).toFixed(0)}% of a core meanwhile (timings may be inflated)`);
  }
  if (notes.length) lines.push('\nNotes\n', ...notes);
  lines.push(r.failures.length ? `\n${r.failures.length} of our results FAILED.` : '\nEvery output of ours, and of each peer timed, passed its check before being timed.');
  return lines.join('\n');
}

/** @param {string} v */
function positiveInteger(v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer is expected.');
  return n;
}

/** @param {string} v */
function positiveNumber(v) {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number is expected.');
  return n;
}
