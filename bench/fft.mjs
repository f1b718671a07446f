#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench:fft`: the FFT alone, and FFT convolution against a JavaScript library's, in Node.
 *
 *   node --expose-gc bench/fft.mjs [--adapter llvmpipe|swiftshader|hardware|default] [--runs N]
 *        [--repeats N] [--budget-s S] [--filter RE] [--quick] [--no-peers] [--out DIR]
 *
 * This entry point parses the flags (lib/fft-args.mjs), picks the cases (lib/fft-cases.mjs: the
 * transforms and convolutions measured), loads the peers (lib/fft-peers.mjs: fft.js, PFFFT in WASM,
 * ml-convolution), opens the engine, runs every case (lib/fft-run.mjs, timed by lib/fft-timing.mjs
 * and checked by lib/fft-check.mjs), summarises them (lib/fft-summary.mjs), prints the tables
 * (lib/fft-tables.mjs) and writes the results: bench/results/<date>-<adapter>-fft.json. The suite
 * runs `--runs` times (default 3) in one process; each figure is the median (min–max) over the runs
 * of each run's median; ratios are formed within a run.
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resultFileStem } from './lib/format.mjs';
import { adapterRecord } from './lib/suite.mjs';
import { gitCommit, readVersion, roundNumbers } from './lib/node-env.mjs';
import { parseFftArgs } from './lib/fft-args.mjs';
import { buildFftCases } from './lib/fft-cases.mjs';
import { loadFftPeers, mlConvolutionReverses } from './lib/fft-peers.mjs';
import { runCases } from './lib/fft-run.mjs';
import { caseRecords } from './lib/fft-summary.mjs';
import { tables } from './lib/fft-tables.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const opts = parseFftArgs();

process.env.XDG_RUNTIME_DIR ??= '/tmp';
const webgpu = await import('webgpu');
Object.assign(globalThis, webgpu.globals);
const { createEngine, cpu } = await import('../dist/index.js');

const cases = buildFftCases(opts);
if (!cases.length) {
  console.error(`bench:fft: no case matches --filter ${opts.filter}`);
  process.exit(2);
}

// --- the peers ------------------------------------------------------------------------------------
/** @type {import('./lib/fft-peers.mjs').MlConvolution | undefined} */
let mlConvolution;
/** @type {Record<string, string>} */
let peerVersions = {};
if (opts.peers) ({ versions: peerVersions, mlConvolution } = await loadFftPeers());

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

// ml-convolution convolves (it reverses the kernel) or correlates? Settled once, before the run.
const mlReverse = mlConvolution ? mlConvolutionReverses(mlConvolution, cpu) : false;

// --- the run ------------------------------------------------------------------------------------------
const started = Date.now();
const loadStart = os.loadavg();
const { perCase, failures } = await runCases(cases, opts, { engine, cpu, mlConvolution, mlReverse, log });

// --- the results --------------------------------------------------------------------------------------
const out = caseRecords(perCase);
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

console.log(tables(report, info));
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
