#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench:image`: `engine.filterImage` on camera-sized RGBA frames (8-bit samples in memory,
 * pixels back), cold and warm.
 *
 *   node bench/image.mjs [--adapter llvmpipe|swiftshader|hardware|default] [--runs N] [--warm N] [--quick] [--mesa-cache]
 *
 * Cold = the first call of a new process and engine (device creation excluded; shader compilation,
 * pipelines, pools included); after warmup = the first call of another new process and engine after
 * `engine.warmup('filterImage', { width, height }, filter, options)` (its time reported apart); warm =
 * the median of the next `--warm` calls (default 7). Every case of every run is a fresh Node process,
 * and Mesa's on-disk shader cache is off (MESA_SHADER_CACHE_DISABLE; `--mesa-cache` keeps it), so
 * nothing compiled survives between measurements. The last
 * warm result is checked against `cpu.filterImage` (largest difference in LSB, must be ≤ 1). Each
 * figure is the median (min–max) over the runs; cold/warm ratios are formed within a run. Results:
 * bench/results/<date>-<adapter>-image.json. The goal of issue #13 §3: on llvmpipe the first
 * filterImage of a 1080p frame with a 5×5 kernel under 3× its warm time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { median } from './lib/timing.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @typedef {{ name: string, width: number, height: number, filter: import('../dist/index.js').ImageFilter, options?: import('../dist/index.js').FilterImageOptions }} ImageCase */

/** A 5×5 kernel that is not separable (direct or im2col run it). */
const dense5 = { data: Float32Array.from({ length: 25 }, (_, i) => Math.sin(i * 1.7) / 10 + (i === 12 ? 0.6 : 0)), shape: [5, 5] };

/** @type {ImageCase[]} */
const CASES = [
  { name: '1080p, 5×5 dense kernel', width: 1920, height: 1080, filter: dense5 },
  { name: '1080p, box 5×5 (separable)', width: 1920, height: 1080, filter: 'box:size=5' },
  { name: '1080p, gaussian σ=2, linear light', width: 1920, height: 1080, filter: { gaussian: 2 }, options: { colorSpace: 'linear' } },
  { name: '1080p, sobel magnitude (normalized)', width: 1920, height: 1080, filter: 'sobel' },
  { name: '640×480, sobel magnitude (webcam frame)', width: 640, height: 480, filter: 'sobel' },
];

/** One case in this process: cold call, warm calls, check. */
async function child(/** @type {ImageCase} */ c, /** @type {string} */ adapter, /** @type {number} */ warm, /** @type {boolean} */ warmFirst) {
  const { createEngine, cpu } = await import('../dist/index.js');
  const n = c.width * c.height;
  const data = new Uint8ClampedArray(4 * n);
  for (let i = 0; i < n; i++) {
    const x = i % c.width;
    const y = Math.floor(i / c.width);
    data[4 * i] = (x * 7 + y * 3) & 255;
    data[4 * i + 1] = Math.round(127 + 120 * Math.sin(x / 37) * Math.cos(y / 23));
    data[4 * i + 2] = (x ^ y) & 255;
    data[4 * i + 3] = 255;
  }
  const image = { data, width: c.width, height: c.height };
  const engine = await createEngine({ adapter: /** @type {never} */ (adapter), quiet: true });
  /** @type {string[]} */
  const ran = [];
  const options = { ...c.options, onRun: (/** @type {import('../dist/index.js').RunInfo} */ i) => ran.push(`${i.algorithm}/${i.variant}`) };
  let t = performance.now();
  const warmup = warmFirst ? await engine.warmup('filterImage', { width: c.width, height: c.height }, c.filter, c.options) : undefined;
  const warmupMs = warmup ? performance.now() - t : undefined;
  t = performance.now();
  let out = await engine.filterImage(image, c.filter, options);
  const cold = performance.now() - t;
  const pipelines = engine.stats().pipelinesCached;
  const times = [];
  for (let i = 0; i < warm; i++) {
    t = performance.now();
    out = await engine.filterImage(image, c.filter, options);
    times.push(performance.now() - t);
  }
  const ref = cpu.filterImage(image, c.filter, c.options).data;
  let lsb = 0;
  for (let i = 0; i < ref.length; i++) lsb = Math.max(lsb, Math.abs(/** @type {number} */ (ref[i]) - /** @type {number} */ (out.data[i])));
  engine.destroy();
  return { cold, warmupMs, warm: median(times), pipelines, lsb, ran: [...new Set(ran)], adapter: engine.adapterInfo.description };
}

const program = new Command()
  .name('bench:image')
  .addOption(new Option('--adapter <name>', 'WebGPU adapter').choices(['llvmpipe', 'swiftshader', 'hardware', 'default']).default('llvmpipe'))
  .option('--runs <n>', 'runs of every case', '3')
  .option('--warm <n>', 'timed warm calls per case', '7')
  .option('--quick', 'the first case only')
  .option('--mesa-cache', "keep Mesa's on-disk shader cache (default: off, so every pipeline is compiled)")
  .addOption(new Option('--child <case>').hideHelp())
  .addOption(new Option('--warmup').hideHelp())
  .parse();
/** @type {{ adapter: string, runs: string, warm: string, quick?: boolean, mesaCache?: boolean, child?: string, warmup?: boolean }} */
const f = program.opts();
const adapter = f.adapter;
const warm = Number(f.warm);
if (f.child !== undefined) {
  const r = await child(/** @type {ImageCase} */ (CASES[Number(f.child)]), adapter, warm, f.warmup === true);
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  const runs = Number(f.runs);
  const cases = f.quick ? CASES.slice(0, 1) : CASES;
  /** @type {Array<{ name: string, results: any[] }>} */
  const report = cases.map((c) => ({ name: c.name, results: [] }));
  const env = f.mesaCache ? process.env : { ...process.env, MESA_SHADER_CACHE_DISABLE: 'true' };
  const measure = (/** @type {number} */ i, /** @type {boolean} */ warmFirst) => {
    const args = [fileURLToPath(import.meta.url), '--child', String(i), '--adapter', adapter, '--warm', String(warm), ...(warmFirst ? ['--warmup'] : [])];
    const out = execFileSync(process.execPath, args, { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'ignore'] });
    return JSON.parse(out.trim().split('\n').pop() ?? '{}');
  };
  for (let run = 0; run < runs; run++) {
    cases.forEach((_, i) => {
      const r = measure(i, false);
      const w = measure(i, true);
      r.afterWarmup = w.cold;
      r.warmupMs = w.warmupMs;
      /** @type {{ results: any[] }} */ (report[i]).results.push(r);
      process.stderr.write(`run ${run + 1}/${runs} · ${cases[i]?.name}: cold ${r.cold.toFixed(0)} ms, warmup ${r.warmupMs.toFixed(0)} ms + first ${r.afterWarmup.toFixed(0)} ms, warm ${r.warm.toFixed(0)} ms\n`);
    });
  }
  const fmt = (/** @type {number[]} */ xs, d = 0) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;
  console.log(`\nfilterImage, RGBA 8-bit in memory → pixels; ${runs} runs, each case a fresh process; Mesa shader cache ${f.mesaCache ? 'on' : 'off'}; adapter ${report[0]?.results[0]?.adapter ?? adapter}\n`);
  console.log('| case | ran | pipelines | cold ms | warmup ms | first after warmup ms | warm ms | cold / warm | after warmup / warm | max LSB vs CPU |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const c of report) {
    const r = c.results;
    console.log(`| ${c.name} | ${r[0].ran.join(' + ')} | ${r[0].pipelines} | ${fmt(r.map((x) => x.cold))} | ${fmt(r.map((x) => x.warmupMs))} | ${fmt(r.map((x) => x.afterWarmup))} | ${fmt(r.map((x) => x.warm))} | ${fmt(r.map((x) => x.cold / x.warm), 2)} | ${fmt(r.map((x) => x.afterWarmup / x.warm), 2)} | ${Math.max(...r.map((x) => x.lsb))} |`);
  }
  const file = join(ROOT, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-${adapter}-image${f.quick ? '-quick' : ''}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ adapter, runs, warm, mesaShaderCache: Boolean(f.mesaCache), cases: report }, null, 1)}\n`);
  console.log(`\n${file}`);
}
