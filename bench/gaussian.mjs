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
 * This entry point parses the flags (lib/gaussian-args.mjs), picks the cells (lib/gaussian-cells.mjs),
 * opens the engine, loads the peers (lib/gaussian-peers.mjs), runs every cell (lib/gaussian-run.mjs:
 * the contenders of lib/gaussian-contenders.mjs, timed by lib/gaussian-timing.mjs and checked by
 * lib/gaussian-check.mjs), summarises them (lib/gaussian-summary.mjs), prints the tables
 * (lib/gaussian-tables.mjs) and writes the results: bench/results/<date>-gaussian-<adapter>.json.
 * Figures are the median (min–max) over the runs of each run's median; ratios are formed within a run.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitCommit, readVersion, roundNumbers } from './lib/node-env.mjs';
import { adapterRecord } from './lib/suite.mjs';
import { parseGaussianArgs } from './lib/gaussian-args.mjs';
import { selectCells } from './lib/gaussian-cells.mjs';
import { LABEL, SEMANTICS } from './lib/gaussian-contenders.mjs';
import { loadPeers } from './lib/gaussian-peers.mjs';
import { runCells } from './lib/gaussian-run.mjs';
import { cellRecords } from './lib/gaussian-summary.mjs';
import { tables } from './lib/gaussian-tables.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const opts = parseGaussianArgs();
const cells = selectCells(opts);

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
const { createEngine, cpu } = await import('../dist/index.js');
const adapterChoice = opts.adapter === 'default' ? 'auto' : opts.adapter;
const engine = await createEngine({ adapter: adapterChoice, quiet: true });
const device = engine.device;
/** @type {string[]} */
const gpuErrors = [];
device.addEventListener('uncapturederror', (ev) => gpuErrors.push(/** @type {GPUUncapturedErrorEvent} */ (ev).error.message));
const info = engine.adapterInfo;
const log = (/** @type {string} */ m) => process.stderr.write(`${m}\n`);

// --- the peers (each optional: one that does not load is reported, not fatal) -----------------------------
const peers = await loadPeers(opts.peers);
const { versions: peerVersions, unavailable } = peers;
log(
  `webgpu-conv bench:gaussian: ${opts.runs} run(s) × ${cells.length} cells on ${opts.adapter} (${info.description || info.device}; ${info.featureLevel})` +
    (opts.peers ? `; peers: ${Object.entries(peerVersions).map(([k, v]) => `${k} ${v}`).join(', ')}` : '; --no-peers') +
    Object.values(unavailable).map((u) => `\n  ${u}`).join(''),
);

// --- the run ------------------------------------------------------------------------------------------------
const started = Date.now();
const loadStart = os.loadavg();
const { perCell, failures } = await runCells(cells, opts, { engine, cpu, peers, log });

// --- the results --------------------------------------------------------------------------------------------
const out = cellRecords(perCell);
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
  semantics: SEMANTICS,
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
