#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench:gaussian`: Gaussian blur — ours against the JavaScript image libraries people use,
 * in one process, on 1024² and 4096² single-channel and RGB images, σ = 2, 8, 32, 120.
 *
 *   node --expose-gc bench/gaussian.mjs [--adapter llvmpipe|swiftshader|hardware|default] [--runs N]
 *        [--repeats N] [--budget-s S] [--max-call-s S] [--filter RE] [--contenders RE] [--quick]
 *        [--no-peers] [--json FILE]
 *   node bench/gaussian.mjs --render FILE   # re-print the tables (and the README's markdown) of a saved run
 *
 * Contenders (README "Gaussian blur benchmark" and bench/README.md say more):
 *  - ours: `engine.gaussianBlur(image, { sigma, algorithm })` with 'auto', 'direct' (the 2-D kernel),
 *    'separable' and 'fft'; end to end (a host Float32Array in, the result read back: upload + blur +
 *    readback), and 'auto' GPU-resident (the image uploaded once, `output: 'gpu'`, timed until the
 *    queue is done); an explicit algorithm that rejects the shape (OptionError) is n/a;
 *  - our CPU reference `cpu.gaussianBlur` (float64, two 1-D passes, scipy.ndimage's formulation);
 *  - sharp (libvips) `.blur(σ)` with its defaults, and "matched" (`minAmplitude: 0.001, precision:
 *    'float'`, the closest its API gets to our radius and float weights), raw pixels in, raw out;
 *  - image-js `gaussianBlur(image, { sigma })` with its default kernel size (radius ⌈2σ⌉), and
 *    "matched" (`size` = our 2·r + 1);
 *  - jimp `image.gaussian(σ)` (2-D, radius ⌈2.57σ⌉) and `image.blur(r)` (its fast two-pass box blur,
 *    r chosen so that its variance 2r(r + 1)/3 is closest to σ²).
 * Peers get the image as 8-bit pixels in their own layout (jimp RGBA, the others interleaved), ours as
 * float32 planes [C, H, W] of the same values; conversions are not timed.
 *
 * Checks: ours on a deterministic sample of outputs against float64 sums computed here (a wrong result
 * of ours fails the run); each peer's output against ours 'auto' on the interior (pixels whose window,
 * ours and the peer's, stays inside the image): max and mean |difference| in 8-bit levels.
 *
 * Time limits: a contender other than ours 'auto' whose call is predicted (from its time per unit of
 * work on the same cell in an earlier run, else on the previous cell) above --max-call-s is not run:
 * "> budget" with the estimate. Timed calls: a warm-up when the call is predicted short, then up to
 * --repeats within --budget-s, at least one (three when short). Figures are the median (min–max) over
 * the runs of each run's median; ratios are formed within a run. Results: bench/results/<date>-gaussian-<adapter>.json.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { fmtMs, fmtMsSpread, fmtNum, fmtRatioSpread } from './lib/format.mjs';
import { gitCommit, otherCpuSeconds, readVersion, roundNumbers } from './lib/node-env.mjs';
import { adapterRecord } from './lib/suite.mjs';
import { spread } from './lib/summary.mjs';
import { median } from './lib/timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const program = new Command()
  .name('npm run bench:gaussian --')
  .description('Benchmark Gaussian blur: ours (auto, direct, separable, fft) against sharp, image-js, jimp and our CPU reference.')
  .addOption(new Option('--adapter <name>', 'WebGPU adapter').choices(['llvmpipe', 'swiftshader', 'hardware', 'default']).default('default'))
  .option('--runs <n>', 'run every cell n times in this process; figures are the median (min–max) over the runs', positiveInteger, 3)
  .option('--repeats <n>', 'timed calls per contender, cell and run (at most)', positiveInteger, 7)
  .option('--budget-s <s>', "time budget of one contender's timed calls on one cell in one run (at least one call)", positiveNumber, 1)
  .option('--max-call-s <s>', "a contender other than ours 'auto' predicted to take longer per call is not run (\"> budget\", with the estimate)", positiveNumber, 10)
  .option('--filter <regex>', 'only cells whose id matches (case-insensitive): 1024-grey-s8, 4096-rgb, s120, k15…')
  .option('--contenders <regex>', 'only contenders whose id matches (ours-auto always runs: the peers are compared with it)')
  .option('--quick', 'a smoke run: 1024² cells σ = 2 and 8 and the 15×15 cell, one run, short budgets', false)
  .option('--wait-quiet-s <s>', 'before each cell, wait up to this long for other processes to use less than a fifth of a core (0: do not wait)', nonNegativeNumber, 0)
  .option('--no-peers', 'ours and the CPU reference only')
  .option('--json <file>', 'where to write the results (default bench/results/<date>-gaussian-<adapter>.json)')
  .option('--commit <id>', 'the commit to record, for a run from a tree that is not a git checkout (a `git archive` export); default: asked of git')
  .option('--render <file>', 'print the tables of a saved results file and exit')
  .showHelpAfterError();
program.parse();
/** @type {{ adapter: 'llvmpipe' | 'swiftshader' | 'hardware' | 'default', runs: number, repeats: number, budgetS: number, maxCallS: number, filter?: string, contenders?: string, quick: boolean, peers: boolean, waitQuietS: number, json?: string, commit?: string, render?: string }} */
const opts = program.opts();
if (opts.quick) {
  if (!process.argv.includes('--runs')) opts.runs = 1;
  if (!process.argv.includes('--budget-s')) opts.budgetS = 0.5;
  if (!process.argv.includes('--max-call-s')) opts.maxCallS = 5;
  if (!process.argv.includes('--repeats')) opts.repeats = 3;
}

/** @typedef {import('../dist/index.js').HostTensor} HostTensor */
/** @typedef {import('./lib/summary.mjs').Spread} Spread */

// --- cells ------------------------------------------------------------------------------------------
/**
 * @typedef {object} Cell
 * @property {string} id
 * @property {string} name
 * @property {number} side       H = W
 * @property {number} channels   1 (grey) or 3 (RGB)
 * @property {number} sigma
 * @property {number} radius     ours: int(4σ + 0.5) (scipy.ndimage's truncate = 4)
 * @property {boolean} [oursOnly] the 15×15 cell: ours 'auto', 'direct' and 'separable' only, end to end and GPU-resident
 */

/** scipy.ndimage's radius: int(truncate·σ + 0.5), truncate 4. @param {number} sigma */
const ourRadius = (sigma) => Math.floor(4 * sigma + 0.5);

/** @type {Cell[]} */
const ALL_CELLS = [];
for (const side of [1024, 4096]) {
  for (const channels of [1, 3]) {
    for (const sigma of [2, 8, 32, 120]) {
      const r = ourRadius(sigma);
      ALL_CELLS.push({ id: `${side}-${channels === 1 ? 'grey' : 'rgb'}-s${sigma}`, name: `${side}² ${channels === 1 ? 'grey' : 'RGB'} σ=${sigma} (${2 * r + 1}×${2 * r + 1})`, side, channels, sigma, radius: r });
    }
    if (side === 1024 && channels === 1) {
      // σ = 1.75: int(4·1.75 + 0.5) = 7, a 15×15 kernel (the issue's "separable ≥ 4× 2-D direct at 15×15").
      ALL_CELLS.push({ id: '1024-grey-k15', name: '1024² grey σ=1.75 (15×15)', side, channels, sigma: 1.75, radius: 7, oursOnly: true });
    }
  }
}
let cells = opts.quick ? ALL_CELLS.filter((c) => c.side === 1024 && (c.sigma <= 8 || c.oursOnly)) : ALL_CELLS;
if (opts.filter) {
  const re = new RegExp(opts.filter, 'i');
  cells = cells.filter((c) => re.test(c.id) || re.test(c.name));
}

// --- contenders -------------------------------------------------------------------------------------
const OURS = ['ours-auto', 'ours-direct', 'ours-separable', 'ours-fft', 'ours-gpu', 'ours-gpu-direct', 'ours-gpu-separable'];
/** Ours on the 15×15 cell (the only ones there); the GPU-resident direct and separable run there only. */
const OURS_K15 = ['ours-auto', 'ours-direct', 'ours-separable', 'ours-gpu-direct', 'ours-gpu-separable'];
const PEERS = ['cpu-ref', 'sharp', 'sharp-matched', 'image-js', 'image-js-matched', 'jimp-gaussian', 'jimp-blur'];
const CONTENDERS = [...OURS, ...PEERS];
/** @type {Record<string, string>} */
const LABEL = {
  'ours-auto': "ours 'auto' (end to end)",
  'ours-direct': "ours 'direct' (2-D kernel)",
  'ours-separable': "ours 'separable'",
  'ours-fft': "ours 'fft'",
  'ours-gpu': "ours 'auto', GPU-resident (GpuTensor in, output 'gpu')",
  'ours-gpu-direct': "ours 'direct', GPU-resident (15×15 cell)",
  'ours-gpu-separable': "ours 'separable', GPU-resident (15×15 cell)",
  'cpu-ref': 'our CPU reference cpu.gaussianBlur (float64 JS)',
  sharp: 'sharp .blur(σ) (libvips; integer mask, min amplitude 0.2)',
  'sharp-matched': "sharp .blur({ sigma, minAmplitude: 0.001, precision: 'float' })",
  'image-js': 'image-js gaussianBlur({ sigma }) (radius ⌈2σ⌉)',
  'image-js-matched': 'image-js gaussianBlur({ sigma, size: 2r + 1 }) (our radius)',
  'jimp-gaussian': 'jimp gaussian(σ) (2-D, radius ⌈2.57σ⌉)',
  'jimp-blur': 'jimp blur(r) (two box passes, variance-matched r)',
};
/** Is the contender selected (--contenders, --no-peers)? ours-auto always is. @param {string} id */
function selected(id) {
  if (id === 'ours-auto') return true;
  if (!opts.peers && PEERS.includes(id) && id !== 'cpu-ref') return false;
  return !opts.contenders || new RegExp(opts.contenders, 'i').test(id);
}

/** sharp's radius: libvips' gaussmat keeps x while exp(−x²/2σ²) ≥ min amplitude. @param {number} sigma @param {number} minAmpl */
function vipsRadius(sigma, minAmpl) {
  const maxX = Math.min(Math.floor(8 * sigma), 5000);
  let x = 0;
  for (; x < maxX; x++) if (Math.exp(-(x * x) / (2 * sigma * sigma)) < minAmpl) break;
  return Math.max(x - 1, 0);
}
/** jimp blur's r: two passes of a (2r + 1)-box have variance 2r(r + 1)/3; the r closest to σ². @param {number} sigma */
function jimpBoxRadius(sigma) {
  return Math.max(1, Math.min(254, Math.round((-1 + Math.sqrt(1 + 6 * sigma * sigma)) / 2)));
}
/**
 * Each contender's kernel radius on a cell (the interior compared is where every window fits).
 * @param {string} id @param {Cell} c
 */
function radiusOf(id, c) {
  switch (id) {
    case 'sharp':
      return vipsRadius(c.sigma, 0.2);
    case 'sharp-matched':
      return vipsRadius(c.sigma, 0.001);
    case 'image-js':
      return Math.ceil(2 * c.sigma);
    case 'jimp-gaussian':
      return Math.ceil(2.57 * c.sigma);
    case 'jimp-blur':
      return 2 * jimpBoxRadius(c.sigma);
    default:
      return c.radius;
  }
}
/**
 * Work per call, for predicting a contender's time from another cell: multiply-adds of its method
 * (jimp works on 4 channels, RGBA, whatever the image; FFT: the padded transform's N·log2 N).
 * @param {string} id @param {Cell} c
 */
function workOf(id, c) {
  const P = c.side * c.side;
  const C = c.channels;
  const k = 2 * radiusOf(id, c) + 1;
  switch (id) {
    case 'ours-direct':
    case 'ours-gpu-direct':
      return P * C * k * k;
    case 'jimp-gaussian':
      return P * 4 * k * k;
    case 'jimp-blur':
      return P * 4;
    case 'ours-fft': {
      const n = (c.side + 2 * c.radius) ** 2;
      return C * n * Math.log2(n);
    }
    case 'ours-auto':
    case 'ours-gpu':
      return P * C;
    default:
      return P * C * 2 * k; // two 1-D passes
  }
}

// --- render a saved file ------------------------------------------------------------------------------
if (opts.render) {
  const saved = JSON.parse(readFileSync(opts.render, 'utf8'));
  console.log(tables(saved));
  process.exit(0);
}
if (!cells.length) {
  console.error(`bench:gaussian: no cell matches --filter ${opts.filter}`);
  process.exit(2);
}

// --- the library and the engine -------------------------------------------------------------------------
process.env.XDG_RUNTIME_DIR ??= '/tmp';
const webgpu = await import('webgpu');
Object.assign(globalThis, webgpu.globals);
const { createEngine, cpu, OptionError } = await import('../dist/index.js');
const adapterChoice = opts.adapter === 'default' ? 'auto' : opts.adapter;
const engine = await createEngine({ adapter: adapterChoice, quiet: true });
const device = engine.device;
/** @type {string[]} */
const gpuErrors = [];
device.addEventListener('uncapturederror', (ev) => gpuErrors.push(/** @type {GPUUncapturedErrorEvent} */ (ev).error.message));
const info = engine.adapterInfo;
const log = (/** @type {string} */ m) => process.stderr.write(`${m}\n`);

// --- the peers (each optional: one that does not load is reported, not fatal) -----------------------------
/** Imports a package as `any` (a variable specifier keeps its own types out of this file). @param {string} name @returns {Promise<any>} */
const untyped = (name) => import(name);
/** @type {Record<string, string>} */
const peerVersions = {};
/** @type {Record<string, string>} why a peer library is unavailable */
const unavailable = {};
/** @type {any} */ let sharp;
/** @type {any} */ let imageJs;
/** @type {any} */ let Jimp;
if (opts.peers) {
  try {
    sharp = (await untyped('sharp')).default;
    peerVersions.sharp = `${readVersion('sharp')} (libvips ${sharp.versions?.vips ?? '?'}, concurrency ${sharp.concurrency()}, SIMD ${sharp.simd()})`;
  } catch (e) {
    unavailable.sharp = `sharp did not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  try {
    imageJs = await untyped('image-js');
    peerVersions['image-js'] = readVersion('image-js');
  } catch (e) {
    unavailable['image-js'] = `image-js did not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  try {
    Jimp = (await untyped('jimp')).Jimp;
    peerVersions.jimp = readVersion('jimp');
  } catch (e) {
    unavailable.jimp = `jimp did not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}
log(
  `webgpu-conv bench:gaussian: ${opts.runs} run(s) × ${cells.length} cells on ${opts.adapter} (${info.description || info.device}; ${info.featureLevel})` +
    (opts.peers ? `; peers: ${Object.entries(peerVersions).map(([k, v]) => `${k} ${v}`).join(', ')}` : '; --no-peers') +
    Object.values(unavailable).map((u) => `\n  ${u}`).join(''),
);

// --- images -----------------------------------------------------------------------------------------
/** mulberry32: deterministic noise. @param {number} seed */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A deterministic 8-bit test image, planar [C, H, W]: smooth waves, hard-edged blocks (so that the
 * kernels' shapes show in the differences) and noise, different per channel.
 * @param {number} side @param {number} C
 */
function makeImage(side, C) {
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
function layouts(u8, side, C) {
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

// --- the reference at sampled outputs (float64) and the checks ---------------------------------------------
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
function sampleReference(c, u8, count) {
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
function checkOurs(got, ref, side) {
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
const OURS_TOLERANCE = 0.05;

/**
 * A peer's output against ours 'auto' on the interior: pixels at least `margin` from every edge (no
 * window reaches the boundary, so boundary rules do not enter). Max and mean |difference|, 8-bit levels.
 * @param {(ch: number, i: number) => number} peerAt  channel ch of pixel i = y·side + x
 * @param {Float32Array} ours planar [C, H, W]
 * @param {number} side @param {number} C @param {number} margin
 */
function agreement(peerAt, ours, side, C, margin) {
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

// --- timing -----------------------------------------------------------------------------------------------
/**
 * @typedef {object} Measurement One contender on one cell in one run.
 * @property {string} id
 * @property {'ok' | 'wrong' | 'failed' | 'not-applicable' | 'skipped' | 'unavailable'} status
 * @property {string} [reason]
 * @property {string} [ran]          ours: `algorithm/variant` from onRun
 * @property {number[]} warmupMs
 * @property {number[]} timesMs
 * @property {number} [medianMs]
 * @property {number} [minMs]
 * @property {boolean} [cold]        no warm-up call before the timed one(s) (a long call, first run)
 * @property {number} [predictedMs]  the prediction that skipped it, or that it was run under
 * @property {number} [err]          ours: worst |ours − float64| over the samples (8-bit levels)
 * @property {{ maxAbs: number, meanAbs: number, margin: number, pixels: number }} [agreement] peers: against ours 'auto'
 * @property {number} radius         the contender's kernel radius
 */

/** ms per unit of work: per cell id (an earlier run), and the latest cell, per contender. */
/** @type {Map<string, { byCell: Map<string, number>, last?: number }>} */
const rates = new Map();
/** @param {string} id @param {Cell} c @returns {number | undefined} */
function predictMs(id, c) {
  const r = rates.get(id);
  if (!r) return undefined;
  const rate = r.byCell.get(c.id) ?? r.last;
  return rate === undefined ? undefined : rate * workOf(id, c);
}
/** @param {string} id @param {Cell} c @param {number} ms */
function learn(id, c, ms) {
  let r = rates.get(id);
  if (!r) rates.set(id, (r = { byCell: new Map() }));
  const rate = ms / workOf(id, c);
  r.byCell.set(c.id, rate);
  r.last = rate;
}

/**
 * Warm-up (when short), then timed calls within the budget; the first call's output is checked.
 * `prepare` runs before each call, untimed (jimp blurs in place: a fresh copy of the bitmap).
 * @param {Measurement} m
 * @param {Cell} c
 * @param {number} run
 * @param {{ call: (p: any, warm: boolean) => Promise<unknown> | unknown, prepare?: () => any, check: (out: any) => boolean | void, predictedMs?: number }} f
 *   `predictedMs`: overrides the prediction (ours GPU-resident: ours 'auto''s time in this run)
 */
async function measure(m, c, run, f) {
  /** @type {any} */ (globalThis).gc?.();
  const budget = opts.budgetS * 1000;
  const predicted = f.predictedMs ?? predictMs(m.id, c);
  if (predicted !== undefined) m.predictedMs = predicted;
  if (m.id !== 'ours-auto' && predicted !== undefined && predicted > opts.maxCallS * 1000) {
    m.status = 'skipped';
    m.reason = `> budget: predicted ${fmtMs(predicted)} per call (--max-call-s ${opts.maxCallS})`;
    return;
  }
  const once = async (/** @type {boolean} */ warm) => {
    const p = f.prepare?.();
    const t0 = performance.now();
    const out = await f.call(p, warm);
    return { out, ms: performance.now() - t0 };
  };
  try {
    let checked = false;
    let last = predicted;
    if (predicted === undefined || predicted <= budget / 2) {
      const { out, ms } = await once(true);
      m.warmupMs.push(ms);
      last = ms;
      checked = true;
      if (f.check(out) === false) {
        m.status = 'wrong';
        return;
      }
    } else if (run === 1) {
      m.cold = true;
    }
    const lastMs = last ?? budget;
    const n = Math.max(lastMs < budget / 3 ? 3 : 1, Math.min(opts.repeats, Math.floor(budget / Math.max(lastMs, 1e-3))));
    for (let i = 0; i < n; i++) {
      const { out, ms } = await once(false);
      m.timesMs.push(ms);
      if (!checked) {
        checked = true;
        if (f.check(out) === false) {
          m.status = 'wrong';
          return;
        }
      }
      if (i === 0 && n > 1 && ms > budget) break; // slower than predicted: one timed call is enough
    }
  } catch (e) {
    if (e instanceof OptionError) {
      m.status = 'not-applicable';
      m.reason = `${e.name}: ${e.message}`;
    } else {
      m.status = 'failed';
      m.reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    return;
  }
  m.medianMs = median(m.timesMs);
  m.minMs = Math.min(...m.timesMs);
  learn(m.id, c, m.medianMs);
}

/**
 * Waits (up to `maxS`) until other processes use less than a fifth of a core over a 1-s window.
 * Returns the seconds waited and whether it was quiet at the end.
 * @param {number} maxS
 */
async function waitQuiet(maxS) {
  const t0 = performance.now();
  for (;;) {
    const a = otherCpuSeconds();
    await new Promise((res) => setTimeout(res, 1000));
    const b = otherCpuSeconds();
    const waited = (performance.now() - t0) / 1000;
    if (a === undefined || b === undefined) return { waitedS: 0, quiet: true };
    if ((b - a) / 1 <= 0.2) return { waitedS: waited, quiet: true };
    if (waited >= maxS) return { waitedS: waited, quiet: false };
  }
}

// --- the run ------------------------------------------------------------------------------------------------
const started = Date.now();
const loadStart = os.loadavg();
/** @type {string[]} */
const failures = [];
/** @type {Map<string, { c: Cell, runs: { run: number, wallS: number, otherCpuS?: number, waitedS?: number, results: Measurement[] }[] }>} */
const perCell = new Map(cells.map((c) => [c.id, { c, runs: [] }]));
/** Sampled float64 references, per cell (computed once). @type {Map<string, ReturnType<typeof sampleReference>>} */
const references = new Map();

for (let run = 1; run <= opts.runs; run++) {
  if (opts.runs > 1) log(`run ${run} of ${opts.runs}`);
  /** @type {{ key: string, u8: Uint8Array, L: ReturnType<typeof layouts> } | undefined} */
  let img;
  for (const c of cells) {
    const key = `${c.side}/${c.channels}`;
    if (img?.key !== key) {
      img = undefined;
      /** @type {any} */ (globalThis).gc?.();
      const u8 = makeImage(c.side, c.channels);
      img = { key, u8, L: layouts(u8, c.side, c.channels) };
    }
    const { u8, L } = img;
    const quiet = opts.waitQuietS > 0 ? await waitQuiet(opts.waitQuietS) : undefined;
    if (quiet && quiet.waitedS > 1.5) log(`  (waited ${quiet.waitedS.toFixed(0)} s for other processes${quiet.quiet ? '' : ', still busy'})`);
    const t0 = performance.now();
    const other0 = otherCpuSeconds();
    let ref = references.get(c.id);
    if (!ref) references.set(c.id, (ref = sampleReference(c, u8, c.sigma >= 100 ? 256 : 1024)));
    const reference = ref;
    /** @type {Measurement[]} */
    const results = [];
    /** ours 'auto' output of this run (the peers are compared with it) */
    /** @type {Float32Array | undefined} */
    let oursOut;
    const C = c.channels;
    for (const id of CONTENDERS) {
      /** @type {Measurement} */
      const m = { id, status: 'ok', warmupMs: [], timesMs: [], radius: radiusOf(id, c) };
      results.push(m);
      if (c.oursOnly !== OURS_K15.includes(id) && (c.oursOnly || id.startsWith('ours-gpu-'))) {
        m.status = 'skipped';
        m.reason = c.oursOnly ? "the 15×15 cell times ours 'auto', 'direct' and 'separable' only" : 'GPU-resident direct and separable: the 15×15 cell only';
        continue;
      }
      if (!selected(id)) {
        m.status = 'skipped';
        m.reason = opts.peers ? '--contenders' : '--no-peers';
        continue;
      }
      const lib = id.startsWith('sharp') ? 'sharp' : id.startsWith('image-js') ? 'image-js' : id.startsWith('jimp') ? 'jimp' : '';
      if (lib && unavailable[lib]) {
        m.status = 'unavailable';
        m.reason = unavailable[lib];
        continue;
      }
      /** Ours: checked against the sampled float64 reference; a wrong result fails the run. */
      const oursCheck = (/** @type {Float32Array} */ got) => {
        const r = checkOurs(got, reference, c.side);
        m.err = Math.max(m.err ?? 0, r.worst);
        if (!r.ok) m.reason = `|ours − float64| = ${r.worst.toPrecision(3)} levels at ${r.at} > ${OURS_TOLERANCE}`;
        if (id === 'ours-auto' && r.ok) oursOut = got;
        return r.ok;
      };
      /** Peers: agreement with ours 'auto' on the interior. */
      const peerCheck = (/** @type {(ch: number, i: number) => number} */ at) => {
        if (oursOut) m.agreement = agreement(at, oursOut, c.side, C, Math.max(c.radius, m.radius) + 1);
      };
      if (id.startsWith('ours-') && !id.startsWith('ours-gpu')) {
        const algorithm = id.slice(5);
        const o = { sigma: c.sigma, algorithm, onRun: (/** @type {any} */ i) => (m.ran = `${i.algorithm}/${i.variant}`) };
        await measure(m, c, run, {
          call: async () => /** @type {HostTensor} */ (await engine.gaussianBlur(L.tensor, /** @type {any} */ (o))).data,
          check: oursCheck,
        });
      } else if (id.startsWith('ours-gpu')) {
        /** @type {import('../dist/index.js').GpuTensor} */
        let xt;
        try {
          xt = await engine.upload(L.tensor);
        } catch (e) {
          // One GpuTensor must fit one buffer binding (llvmpipe: 128 MiB; a 4096² RGB float32 image is
          // 192 MiB). End to end, the library splits a host input into pieces; a resident one it cannot.
          m.status = 'not-applicable';
          m.reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
          continue;
        }
        const algorithm = id === 'ours-gpu' ? 'auto' : id.slice('ours-gpu-'.length);
        const o = /** @type {const} */ ({ sigma: c.sigma, output: 'gpu', algorithm: /** @type {any} */ (algorithm), onRun: (/** @type {any} */ i) => (m.ran = `${i.algorithm}/${i.variant}`) });
        const auto = results.find((x) => x.id === (id === 'ours-gpu' ? 'ours-auto' : `ours-${algorithm}`));
        await measure(m, c, run, {
          predictedMs: auto?.status === 'ok' ? auto.medianMs : undefined,
          // The warm-up call's result is read back and checked; the timed calls only wait for the
          // queue (a long call that gets no warm-up is not checked here: ours 'auto' end to end is).
          call: async (/** @type {unknown} */ _p, /** @type {boolean} */ warm) => {
            const out = await engine.gaussianBlur(xt, o);
            await device.queue.onSubmittedWorkDone();
            const data = warm ? (await out.read()).data : undefined;
            out.destroy();
            return data;
          },
          check: (/** @type {Float32Array | undefined} */ got) => (got ? oursCheck(got) : true),
        });
        xt.destroy();
      } else if (id === 'cpu-ref') {
        await measure(m, c, run, { call: () => cpu.gaussianBlur(L.tensor, { sigma: c.sigma }).data, check: oursCheck });
      } else if (id === 'sharp' || id === 'sharp-matched') {
        const blur = id === 'sharp' ? c.sigma : { sigma: c.sigma, minAmplitude: 0.001, precision: 'float' };
        const raw = { width: c.side, height: c.side, channels: C };
        await measure(m, c, run, {
          // A one-channel raw input comes out as sRGB (3 channels) unless told 'b-w'.
          call: () => {
            const s = sharp(L.interleaved, { raw }).blur(blur);
            return (C === 1 ? s.toColourspace('b-w') : s).raw().toBuffer();
          },
          check: (/** @type {Buffer} */ out) => {
            if (out.length !== c.side * c.side * C) m.reason = `sharp returned ${out.length} bytes, not ${c.side * c.side * C}`;
            else peerCheck((ch, i) => /** @type {number} */ (out[i * C + ch]));
          },
        });
      } else if (id === 'image-js' || id === 'image-js-matched') {
        const image = new imageJs.Image(c.side, c.side, { data: L.interleaved, colorModel: C === 1 ? 'GREY' : 'RGB' });
        const o = id === 'image-js' ? { sigma: c.sigma } : { sigma: c.sigma, size: 2 * c.radius + 1 };
        await measure(m, c, run, {
          call: () => imageJs.gaussianBlur(image, o),
          check: (/** @type {any} */ out) => {
            const d = out.getRawImage().data;
            peerCheck((ch, i) => d[i * C + ch]);
          },
        });
      } else if (id === 'jimp-gaussian' || id === 'jimp-blur') {
        const rb = jimpBoxRadius(c.sigma);
        await measure(m, c, run, {
          prepare: () => new Jimp({ width: c.side, height: c.side, data: Buffer.from(L.rgba) }),
          call: (/** @type {any} */ image) => (id === 'jimp-gaussian' ? image.gaussian(c.sigma) : image.blur(rb)),
          check: (/** @type {any} */ out) => {
            const d = out.bitmap.data;
            peerCheck((ch, i) => d[i * 4 + ch]);
          },
        });
        if (id === 'jimp-blur') m.reason = `r = ${rb} (variance 2r(r+1)/3 = ${((2 * rb * (rb + 1)) / 3).toFixed(1)} vs σ² = ${c.sigma ** 2})`;
      }
      if (id.startsWith('ours') && (m.status === 'wrong' || m.status === 'failed')) failures.push(`${c.id} run ${run} ${id}: ${m.status.toUpperCase()}: ${m.reason}`);
      if (id === 'ours-auto' && !oursOut) log(`  ${c.id}: ours 'auto' has no checked output in run ${run}: the peers' agreement is not measured`);
    }
    const other1 = otherCpuSeconds();
    const wallS = (performance.now() - t0) / 1000;
    /** @type {{ run: number, wallS: number, otherCpuS?: number, waitedS?: number, results: Measurement[] }} */
    const rec = { run, wallS, results };
    if (quiet) rec.waitedS = quiet.waitedS;
    if (other0 !== undefined && other1 !== undefined) rec.otherCpuS = Math.max(0, other1 - other0);
    /** @type {NonNullable<ReturnType<typeof perCell.get>>} */ (perCell.get(c.id)).runs.push(rec);
    const busy = rec.otherCpuS !== undefined && rec.otherCpuS / wallS > 0.2 ? `  [other processes used ${((rec.otherCpuS / wallS) * 100).toFixed(0)}% of a core]` : '';
    log(`${opts.runs > 1 ? `[${run}/${opts.runs}] ` : ''}${c.id.padEnd(15)} ${results.filter((m) => m.status !== 'skipped' || m.predictedMs).map((m) => `${m.id}=${m.status === 'ok' ? fmtMs(m.medianMs) : m.status === 'skipped' ? `>${fmtMs(m.predictedMs)}` : m.status}`).join(' ')} (${wallS.toFixed(0)} s)${busy}`);
  }
}

// --- summary ------------------------------------------------------------------------------------------------
/**
 * Per contender: time over the runs; per run ratios (each contender's median ÷ ours 'auto''s, > 1 =
 * ours faster; 'direct ÷ separable'), summarised; agreement and error, worst over the runs.
 * @param {Cell} c
 * @param {{ run: number, results: Measurement[] }[]} runs
 */
function summarise(c, runs) {
  /** @type {Record<string, any>} */
  const contenders = {};
  for (const id of CONTENDERS) {
    const ms = runs.map((r) => r.results.find((m) => m.id === id)).filter((m) => m !== undefined);
    const ok = ms.filter((m) => m.status === 'ok');
    const notOk = ms.find((m) => m.status !== 'ok');
    const agreements = ms.map((m) => m.agreement).filter((a) => a !== undefined);
    contenders[id] = {
      status: ok.length ? 'ok' : (notOk?.status ?? 'missing'),
      reason: ok.length ? ms.find((m) => m.reason)?.reason : notOk?.reason,
      okRuns: ok.length,
      radius: ms[0]?.radius,
      ran: [...new Set(ms.map((m) => m.ran).filter((v) => v))].join(', ') || undefined,
      time: spread(ok.map((m) => m.medianMs)),
      fastestMs: ok.length ? Math.min(...ok.map((m) => /** @type {number} */ (m.minMs))) : undefined,
      predictedMs: ok.length ? undefined : spread(ms.map((m) => m.predictedMs)),
      cold: ms.some((m) => m.cold) || undefined,
      err: ms.some((m) => m.err !== undefined) ? Math.max(...ms.map((m) => m.err ?? 0)) : undefined,
      agreement: agreements.length ? { maxAbs: Math.max(...agreements.map((a) => a.maxAbs)), meanAbs: Math.max(...agreements.map((a) => a.meanAbs)), margin: agreements[0]?.margin, pixels: agreements[0]?.pixels } : undefined,
    };
  }
  /** @param {string} a @param {string} b ratio a ÷ b per run (both measured in it) */
  const ratio = (a, b) =>
    spread(
      runs.map((r) => {
        const x = r.results.find((m) => m.id === a);
        const y = r.results.find((m) => m.id === b);
        return x?.status === 'ok' && y?.status === 'ok' && x.medianMs && y.medianMs ? x.medianMs / y.medianMs : undefined;
      }),
    );
  /** @type {Record<string, Spread>} */
  const vsAuto = {};
  for (const id of CONTENDERS) {
    if (id === 'ours-auto') continue;
    const sp = ratio(id, 'ours-auto');
    if (sp) vsAuto[id] = sp;
  }
  /** Skipped peers: their estimate ÷ ours 'auto' (a lower bound of the ratio when the estimate is low). @type {Record<string, Spread>} */
  const estimatedVsAuto = {};
  for (const id of CONTENDERS) {
    const sp = spread(
      runs.map((r) => {
        const x = r.results.find((m) => m.id === id);
        const a = r.results.find((m) => m.id === 'ours-auto');
        return x?.status === 'skipped' && x.predictedMs && a?.status === 'ok' && a.medianMs ? x.predictedMs / a.medianMs : undefined;
      }),
    );
    if (sp) estimatedVsAuto[id] = sp;
  }
  return { contenders, vsAuto, estimatedVsAuto, directOverSeparable: ratio('ours-direct', 'ours-separable'), gpuDirectOverSeparable: ratio('ours-gpu-direct', 'ours-gpu-separable') };
}

const out = [...perCell.values()].map(({ c, runs }) => ({
  ...c,
  otherCpuS: runs.every((r) => r.otherCpuS !== undefined) ? runs.reduce((a, r) => a + (r.otherCpuS ?? 0), 0) : undefined,
  wallS: runs.reduce((a, r) => a + r.wallS, 0),
  runs,
  summary: summarise(c, runs),
}));

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cpus = os.cpus();
const report = {
  schema: 'webgpu-conv-bench-gaussian/1',
  date: new Date(started).toISOString(),
  durationS: Math.round((Date.now() - started) / 100) / 10,
  runner: 'node',
  adapter: adapterRecord(opts.adapter, info, device, device.features.has('timestamp-query')),
  adapterText: `${opts.adapter} (${info.description || info.device})`,
  machine: {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAvg1m: [Number(loadStart[0]?.toFixed(2)), Number(os.loadavg()[0]?.toFixed(2))].join(' → '),
  },
  versions: { 'webgpu-conv': pkg.version, webgpu: readVersion('webgpu'), ...peerVersions, commit: opts.commit ?? gitCommit() },
  unavailable,
  config: { runs: opts.runs, repeats: opts.repeats, budgetS: opts.budgetS, maxCallS: opts.maxCallS, waitQuietS: opts.waitQuietS, quick: opts.quick, filter: opts.filter ?? null, contenders: opts.contenders ?? null, peers: opts.peers },
  contenders: LABEL,
  semantics: {
    ours: "scipy.ndimage.gaussian_filter: radius int(4σ + 0.5), weights exp(−x²/2σ²) normalised in float64, boundary 'reflect' (ndimage 'mirror'), float32 in and out",
    sharp: 'libvips gaussblur: radius = the last x with exp(−x²/2σ²) ≥ minAmplitude (default 0.2: ≈ 1.79σ); default precision integer (weights rint(20·exp(…)), integer arithmetic); 8-bit out',
    'sharp-matched': "minAmplitude 0.001 (the least sharp accepts: radius ≈ 3.72σ) and precision 'float'",
    'image-js': "separable, radius ⌈2σ⌉ by default (size 2⌈2σ⌉ + 1), normalised, border 'reflect101' (= ours), rounded to 8 bits",
    'image-js-matched': 'size 2·int(4σ + 0.5) + 1: the same kernel as ours',
    'jimp-gaussian': 'non-separable 2-D window of radius ⌈2.57σ⌉, edges clamped, on RGBA; writes each result into the image it is still reading (its later outputs read already-blurred pixels)',
    'jimp-blur': 'two passes of a (2r + 1) box blur per axis (a fast approximation, not a Gaussian), edges clamped, RGBA; r here chosen so 2r(r + 1)/3 ≈ σ²',
    timing: "ours end to end: a host Float32Array in, the result read back (upload + blur + readback); ours GPU-resident: the image uploaded once, output 'gpu', until the queue is done; peers: 8-bit pixels in their layout in, their result out (sharp: sharp(raw).blur().raw().toBuffer(); jimp: the call alone, the copy it blurs in place made before each call, untimed)",
    agreement: "each peer's first output of a run against ours 'auto' (float) on the interior: pixels further than max(our radius, its radius) from every edge; max and mean |difference| in 8-bit levels",
    err: "ours: worst |result − float64 sum| at sampled outputs (corners, edges, centre, random), 8-bit levels; > 0.05 fails the run",
  },
  failures,
  gpuErrors,
  cells: out,
};

console.log(tables(report));
const jsonPath = resolve(opts.json ?? join(here, 'results', `${report.date.slice(0, 10)}-gaussian-${(opts.adapter === 'default' && info.source ? info.source : opts.adapter).replace(/[^a-z0-9-]+/gi, '_')}.json`));
mkdirSync(dirname(jsonPath), { recursive: true });
writeFileSync(jsonPath, `${JSON.stringify(report, roundNumbers, 1)}\n`);
log(`\nwrote ${relative(process.cwd(), jsonPath)} (${report.durationS} s)`);
engine.destroy();
if (failures.length || gpuErrors.length) {
  for (const f of [...failures, ...gpuErrors]) log(`  ✗ ${f}`);
  process.exit(1);
}
process.exit(0);

// --- tables ---------------------------------------------------------------------------------------------------
/**
 * The console tables and the README's markdown table.
 * @param {any} r a report (this run's or a saved one)
 */
function tables(r) {
  const runs = Number(r.config.runs);
  const over = runs > 1 ? `median (min–max) over ${runs} runs` : '1 run';
  const lines = [`\nwebgpu-conv bench:gaussian — ${r.date.slice(0, 10)} — ${r.adapterText ?? r.adapter.requested} — ${r.machine.cpuModel}, ${r.machine.cores} cores — ${over} — commit ${r.versions.commit}`];
  const row = (/** @type {string[]} */ cs, /** @type {number[]} */ w) => cs.map((x, i) => (i === 0 ? x.padEnd(w[i] ?? 0) : x.padStart(w[i] ?? 0))).join('  ');
  const table = (/** @type {string[]} */ header, /** @type {string[][]} */ body) => {
    const w = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
    lines.push(row(header, w), w.map((n) => '─'.repeat(n)).join('  '), ...body.map((b) => row(b, w)));
  };
  /** @param {any} x */
  const timeCell = (x) => {
    if (!x) return '—';
    if (x.status === 'ok') return `${fmtMsSpread(x.time)}${x.okRuns < runs ? ` [${x.okRuns}/${runs}]` : ''}`;
    if (x.status === 'skipped' && x.predictedMs) return `> budget (~${fmtEstimate(x.predictedMs.median)})`;
    return { 'not-applicable': 'n/a', skipped: '—', unavailable: 'unavailable', wrong: 'WRONG', failed: 'failed' }[/** @type {string} */ (x.status)] ?? x.status;
  };
  /** GPU-resident: 'auto', or on the 15×15 cell direct / separable. @param {any} s @param {(x: any) => string} [f] */
  const gpuCell = (s, f = timeCell) => {
    const timed = (/** @type {any} */ x) => x && x.status !== 'skipped';
    return timed(s['ours-gpu-direct']) || timed(s['ours-gpu-separable']) ? `direct ${f(s['ours-gpu-direct'])} / separable ${f(s['ours-gpu-separable'])}` : f(s['ours-gpu']);
  };
  /** direct ÷ separable, end to end, and GPU-resident where measured. @param {any} c */
  const directOverSeparable = (c) => {
    const e2e = c.summary.directOverSeparable ? fmtRatioSpread(c.summary.directOverSeparable) : '';
    const gpu = c.summary.gpuDirectOverSeparable;
    return gpu ? `${e2e}; GPU-resident ${fmtRatioSpread(gpu)}` : e2e;
  };
  /** @param {any} c @param {string} id */
  const vs = (c, id) => {
    const sp = c.summary.vsAuto[id];
    if (sp) return fmtRatioSpread(sp);
    const est = c.summary.estimatedVsAuto[id];
    return est ? `~${fmtNum(est.median)}× (est.)` : '';
  };

  lines.push(`\nOurs: time per call, ${over} (end to end: host Float32Array in, result read back; GPU-resident: input uploaded once, output 'gpu')\n`);
  table(
    ['cell', 'auto (ran)', 'auto', 'direct', 'separable', 'fft', 'GPU-resident', 'direct ÷ separable'],
    r.cells.map((/** @type {any} */ c) => {
      const s = c.summary.contenders;
      return [c.name, ranAlgorithms(s['ours-auto']), timeCell(s['ours-auto']), timeCell(s['ours-direct']), timeCell(s['ours-separable']), timeCell(s['ours-fft']), gpuCell(s), directOverSeparable(c)];
    }),
  );
  lines.push(`\nPeers: time per call, ${over}; under it each one's time ÷ ours 'auto' (same run; > 1 = ours faster)\n`);
  const peerIds = ['cpu-ref', 'sharp', 'sharp-matched', 'image-js', 'image-js-matched', 'jimp-gaussian', 'jimp-blur'];
  const peerCells = r.cells.filter((/** @type {any} */ c) => !c.oursOnly);
  table(
    ['cell', ...peerIds],
    peerCells.flatMap((/** @type {any} */ c) => [
      [c.name, ...peerIds.map((id) => timeCell(c.summary.contenders[id]))],
      ['  ÷ ours auto', ...peerIds.map((id) => vs(c, id))],
    ]),
  );
  lines.push(`\nAgreement with ours 'auto' on the interior (max / mean |difference|, 8-bit levels; radius in brackets) and ours' worst |error| vs float64\n`);
  table(
    ['cell', 'ours err', ...peerIds.slice(1)],
    peerCells.map((/** @type {any} */ c) => {
      const s = c.summary.contenders;
      const errs = ['ours-auto', 'ours-direct', 'ours-separable', 'ours-fft', 'ours-gpu', 'cpu-ref'].map((id) => s[id]?.err).filter((e) => e !== undefined);
      return [
        c.name,
        errs.length ? Math.max(...errs).toExponential(1) : '—',
        ...peerIds.slice(1).map((id) => {
          const a = s[id]?.agreement;
          return a ? `${fmtNum(a.maxAbs)} / ${fmtNum(a.meanAbs)} (r${s[id].radius})` : `(r${s[id]?.radius ?? '?'})`;
        }),
      ];
    }),
  );

  const notes = [];
  for (const c of r.cells) {
    for (const [id, x] of Object.entries(/** @type {Record<string, any>} */ (c.summary.contenders))) {
      if (x.status !== 'ok' && x.status !== 'skipped' && x.reason) notes.push(`  ${c.id} ${id}: ${x.status}: ${x.reason}`);
      else if (x.status === 'skipped' && x.predictedMs) notes.push(`  ${c.id} ${id}: ${x.reason}`);
      else if (x.status === 'ok' && x.okRuns < runs) notes.push(`  ${c.id} ${id}: a result in ${x.okRuns} of ${runs} runs${x.reason ? ` (${x.reason})` : ''}`);
      if (x.cold) notes.push(`  ${c.id} ${id}: no warm-up call in run 1 (a long call; its first timed call includes compiling)`);
    }
    if (c.otherCpuS !== undefined && c.otherCpuS / c.wallS > 0.2) notes.push(`  ${c.id}: other processes used ${((c.otherCpuS / c.wallS) * 100).toFixed(0)}% of a core meanwhile (timings may be inflated)`);
  }
  if (r.unavailable) for (const u of Object.values(r.unavailable)) notes.push(`  ${u}`);
  if (notes.length) lines.push('\nNotes\n', ...notes);
  lines.push(r.failures.length ? `\n${r.failures.length} of our results FAILED.` : "\nEvery result of ours passed its check against float64 sums.");

  // The README's tables: ours (time of each algorithm), then the peers (time, and ÷ ours 'auto').
  /** @param {any} c */
  const cellName = (c) => `${c.side}² ${c.channels === 1 ? 'grey' : 'RGB'} | ${c.sigma} (${2 * c.radius + 1}²)`;
  /** @param {any} x */
  const md = (x) => timeCell(x).replace(/(\d)(ms|s|h)\b/, '$1 $2');
  lines.push(`\nMarkdown (README), ours: time per call, ${over}\n`);
  lines.push("| image | σ (kernel) | ours 'auto' (ran) | separable | fft | 2-D direct | GPU-resident 'auto' | direct ÷ separable |");
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const c of r.cells) {
    const s = c.summary.contenders;
    const ds = c.summary.directOverSeparable;
    lines.push(`| ${cellName(c)} | ${md(s['ours-auto'])} (${ranAlgorithms(s['ours-auto'])}) | ${md(s['ours-separable'])} | ${md(s['ours-fft'])} | ${md(s['ours-direct'])} | ${gpuCell(s, md)} | ${ds ? directOverSeparable(c) : ''} |`);
  }
  const mdPeers = ['sharp', 'sharp-matched', 'image-js', 'image-js-matched', 'jimp-blur', 'jimp-gaussian', 'cpu-ref'];
  lines.push(`\nMarkdown (README), peers: time per call; then its time ÷ ours 'auto' (same run, ${over}; > 1 = ours faster; ~ = from the estimate)\n`);
  lines.push('| image | σ | sharp | sharp matched | image-js | image-js matched | jimp blur | jimp gaussian | our CPU ref |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of peerCells) {
    const s = c.summary.contenders;
    lines.push(`| ${cellName(c).replace(/ \(\d+²\)/, '')} | ${mdPeers.map((id) => `${md(s[id])}${vs(c, id) ? ` — ${vs(c, id)}` : ''}`).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** An estimated time, to 2–3 digits: "25.7s", "359s", "5.3h". @param {number} ms */
function fmtEstimate(ms) {
  const sec = ms / 1000;
  if (sec < 100) return `${sec.toFixed(1)}s`;
  if (sec < 3600) return `${Math.round(sec)}s`;
  return `${(sec / 3600).toFixed(1)}h`;
}

/** The algorithms ours ran (its `ran` is 'algorithm/variant, …' over the runs). @param {any} x */
function ranAlgorithms(x) {
  return [...new Set(String(x?.ran ?? '').split(', ').filter((v) => v).map((v) => v.split('/')[0]))].join(', ');
}

/** @param {string} v */
function positiveInteger(v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer is expected.');
  return n;
}

/** @param {string} v */
function nonNegativeNumber(v) {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number ≥ 0 is expected.');
  return n;
}

/** @param {string} v */
function positiveNumber(v) {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number is expected.');
  return n;
}
