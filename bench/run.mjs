#!/usr/bin/env node
// @ts-check
/**
 * `npm run bench`: the benchmark suite in Node, on Dawn's bindings (the `webgpu` package).
 * The cases, the measurement loop and the report are shared with the browser page (bench/lib/);
 * this file only parses flags, opens the adapter, shows progress and writes the results.
 *
 *   node bench/run.mjs [--adapter llvmpipe|swiftshader|hardware|default] [--quick] [--filter RE]
 *                      [--repeats N] [--runs N] [--out DIR] [--no-peers] [--merge-into FILE]
 *                      [--max-run-s S] [--cap-s S] [--contenders RE] [--no-startup] [--no-tuned]
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import cliProgress from 'cli-progress';
import { nonNegativeNumber, positiveInteger, positiveNumber } from './lib/args.mjs';
import { buildCases, filterCases } from './lib/cases.mjs';
import { adapterRecord, FULL_CONFIG, QUICK_CONFIG, runSuite, CONTENDERS, LABELS } from './lib/suite.mjs';
import { consoleTables, renderHtml, resultFileStem } from './lib/report.mjs';
import { gitCommit, otherCpuSeconds, readVersion, roundNumbers } from './lib/node-env.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

const program = new Command()
  .name('npm run bench --')
  .description('Benchmark webgpu-conv against its CPU reference and TensorFlow.js (WebGPU on the same device, WASM, CPU).')
  .addOption(new Option('--adapter <name>', 'WebGPU adapter').choices(['llvmpipe', 'swiftshader', 'hardware', 'default']).default('default'))
  .option('--quick', 'a ~2-minute run: fewer repeats, the smallest sweep points', false)
  .option('--filter <regex>', 'only cases whose id, name or group matches (case-insensitive)')
  .option('--repeats <n>', 'timed runs per contender and case (at most; fewer when a run is slow)', positiveInteger)
  .option('--runs <n>', 'run the whole suite n times in this process and report the median and range (min–max) over the runs', positiveInteger, 1)
  .option('--max-run-s <s>', 'sweeps: skip a contender predicted (from the previous point) to take longer than this per run (default 10; quick 4); ours auto, direct and fft keep at least 10 s (quick 4)', positiveNumber)
  .option('--cap-s <s>', 'sweeps: ours auto, direct or fft predicted over their limit but under this run once, cold, and that run is timed (default 100; quick 0; 0 = skip them)', nonNegativeNumber)
  .option('--contenders <regex>', 'only the contenders whose id matches (ours-auto, ours-direct, …, cpu-ref, tfjs-webgpu, tfjs-wasm, tfjs-cpu); the others are reported as skipped')
  .option('--out <dir>', 'where to write the JSON and HTML results', join(here, 'results'))
  .option('--no-peers', 'skip TensorFlow.js (ours and the CPU reference only)')
  .option('--no-startup', "skip the start-up figures (ours auto's first call on a new engine, cold and after engine.warmup; shape suite)")
  .option('--no-tuned', "skip ours auto on an engine with autotune: true (contender ours-tuned; shape suite)")
  .option('--merge-into <results.json>', 'rerun some cases (with --filter) and replace them in an earlier results file of the same adapter, e.g. cases measured while something else loaded the CPU')
  .showHelpAfterError();
program.parse();
/** @type {{ adapter: 'llvmpipe' | 'swiftshader' | 'hardware' | 'default', quick: boolean, filter?: string, repeats?: number, runs: number, out: string, peers: boolean, startup: boolean, tuned: boolean, mergeInto?: string, maxRunS?: number, capS?: number, contenders?: string }} */
const opts = program.opts();

process.env.XDG_RUNTIME_DIR ??= '/tmp';

// WebGPU's globals (GPUBufferUsage, GPUMapMode…) for TF.js, which expects a browser-like global scope.
const webgpu = await import('webgpu');
Object.assign(globalThis, webgpu.globals);
const { createEngine, cpu } = await import('../dist/index.js');

const started = Date.now();
const loadStart = os.loadavg();
const date = new Date();
const config = { ...(opts.quick ? QUICK_CONFIG : FULL_CONFIG) };
if (opts.repeats) {
  config.repeats = opts.repeats;
  config.minRepeats = Math.min(config.minRepeats, opts.repeats);
}
config.runs = opts.runs;
if (opts.maxRunS !== undefined) config.maxRunMs = opts.maxRunS * 1000;
if (opts.capS !== undefined) config.capRunMs = opts.capS * 1000;
if (opts.contenders) {
  try {
    new RegExp(opts.contenders);
  } catch (e) {
    console.error(`bench: bad --contenders: ${/** @type {Error} */ (e).message}`);
    process.exit(2);
  }
  config.contenders = opts.contenders;
}
const shapes = JSON.parse(readFileSync(join(here, 'bench-shapes.json'), 'utf8')).shapes;
let cases;
try {
  cases = filterCases(buildCases(shapes, { quick: opts.quick }), opts.filter);
} catch (e) {
  console.error(`bench: bad --filter: ${/** @type {Error} */ (e).message}`);
  process.exit(2);
}
if (!cases.length) {
  console.error(`bench: no case matches --filter ${opts.filter}`);
  process.exit(2);
}
// The commit measured: dist/ was built from the tree as it is now, at the start.
const commit = gitCommit();
/** The earlier results file `--merge-into` replaces cases in: checked before anything runs. */
const mergeBase = opts.mergeInto ? readMergeBase(opts.mergeInto) : undefined;

const adapterChoice = opts.adapter === 'default' ? 'auto' : opts.adapter;
const engine = await createEngine({ adapter: adapterChoice, quiet: true });
const device = engine.device;
/** @type {string[]} */
const gpuErrors = [];
device.addEventListener('uncapturederror', (ev) => {
  gpuErrors.push(/** @type {GPUUncapturedErrorEvent} */ (ev).error.message);
});
const timestamps = device.features.has('timestamp-query');
const kernelEngine = timestamps ? await createEngine({ device, profile: true }) : undefined;
// ours-tuned: its own engine (a tuning table of its own; ours auto keeps the cost model) on the same
// device, so that ours auto and ours tuned differ in their plans only (on llvmpipe a device of its
// own is another GL context with threads of its own); shape suite only.
const tunedEngine = opts.tuned && cases.some((c) => c.group === 'shapes') ? await createEngine({ device, quiet: true, autotune: true }) : undefined;

const peers = opts.peers ? await (await import('./lib/peers.mjs')).loadTf({ device }) : undefined;

const info = engine.adapterInfo;
const adapterLabel = opts.adapter === 'default' ? `default → ${info.source}` : opts.adapter;
const log = (/** @type {string} */ m) => process.stderr.write(`${m}\n`);
log(`webgpu-conv bench: ${opts.runs > 1 ? `${opts.runs} runs × ` : ''}${cases.length} cases × ${CONTENDERS.length} contenders on ${adapterLabel} (${info.description || info.device}; ${info.featureLevel}${timestamps ? ', timestamp-query' : ', no timestamp-query: end-to-end times only'})${opts.quick ? ', quick' : ''}`);
if (peers) {
  for (const [k, v] of Object.entries(peers.available)) if (v) log(`  ${LABELS[k]}: ${v}`);
}

const tty = process.stderr.isTTY;
const bars = tty
  ? new cliProgress.MultiBar(
      { format: ' {bar} {percentage}% | {value}/{total} | {duration_formatted} | {caseId} {contender}', hideCursor: true, clearOnComplete: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    )
  : undefined;
const bar = bars?.create(opts.runs * cases.length * CONTENDERS.length, 0, { caseId: '', contender: '' });
let lastPlain = '';

const { cases: results, failures } = await runSuite(cases, config, {
  otherCpuSeconds,
  engine,
  // Start-up figures: ours auto on engines of new devices (nothing cached); --no-startup skips them.
  newEngine: opts.startup ? () => createEngine({ adapter: adapterChoice, quiet: true }) : undefined,
  kernelEngine,
  tunedEngine,
  cpu,
  peers,
  gpuErrors,
  log: (m) => (bars ? bars.log(`${m}\n`) : log(m)),
  progress: ({ done, caseId, contender }) => {
    if (bar) bar.update(done, { caseId, contender: LABELS[contender] ?? contender });
    else if (caseId && caseId !== lastPlain) {
      lastPlain = caseId;
    }
  },
});
bars?.stop();

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const cpus = os.cpus();
const report = {
  schema: 'webgpu-conv-bench/2',
  date: date.toISOString(),
  durationS: Math.round((Date.now() - started) / 100) / 10,
  runner: 'node',
  adapter: adapterRecord(opts.adapter, info, device, timestamps),
  machine: {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    // 1-minute load average when the run started and ended: above ~0.5 at the start, something else
    // was using the CPU (a software adapter's timings then move).
    loadAvg1m: [Number(loadStart[0]?.toFixed(2)), Number(os.loadavg()[0]?.toFixed(2))].join(' → '),
  },
  versions: {
    'webgpu-conv': pkg.version,
    webgpu: readVersion('webgpu'),
    '@tensorflow/tfjs-core': peers?.version ?? readVersion('@tensorflow/tfjs-core'),
    commit,
  },
  config: {
    ...config, quick: opts.quick, filter: opts.filter ?? null, peers: opts.peers, wasmThreads: peers?.wasmThreads ?? null, startup: opts.startup,
    // Whether "cold" start-up times could find machine code in Mesa's on-disk shader cache.
    mesaShaderCache: /^(1|true|yes)$/i.test(process.env.MESA_SHADER_CACHE_DISABLE ?? '') ? 'disabled' : 'default',
  },
  failures,
  cases: results,
};

let final = /** @type {any} */ (report);
let jsonPath;
if (opts.mergeInto) {
  // Replace the rerun cases in the earlier file; everything else (and its date) stays as it was.
  jsonPath = resolve(opts.mergeInto);
  const base = mergeBase;
  const fresh = new Map(results.map((c) => [c.id, c]));
  // A schema-1 file's other cases stay single-run records; the reports read both (bench/lib/summary.mjs).
  base.cases = base.cases.map((/** @type {{ id: string }} */ c) => fresh.get(c.id) ?? c);
  base.schema = report.schema;
  base.reruns = [...(base.reruns ?? []), { date: report.date, cases: results.map((c) => c.id), durationS: report.durationS, machine: report.machine }];
  base.failures = [...base.failures.filter((/** @type {string} */ f) => !fresh.has(f.split(' ')[0] ?? '')), ...failures];
  final = base;
} else {
  const outDir = resolve(opts.out);
  mkdirSync(outDir, { recursive: true });
  jsonPath = join(outDir, `${resultFileStem(report)}.json`);
}
const htmlPath = jsonPath.replace(/\.json$/, '') + '.html';
writeFileSync(jsonPath, `${JSON.stringify(final, roundNumbers, 1)}\n`);
writeFileSync(htmlPath, renderHtml(final));

console.log(consoleTables(final));
log(`\nwrote ${relative(process.cwd(), jsonPath)} and ${relative(process.cwd(), htmlPath)} (${report.durationS} s)`);
log(`open the report: file://${htmlPath}`);

kernelEngine?.destroy();
tunedEngine?.destroy();
engine.destroy();
if (failures.length) {
  log(`\n${failures.length} of our results FAILED the correctness check on ${adapterLabel} (${info.description || info.device}):`);
  for (const f of failures) log(`  ✗ ${f}`);
  process.exit(1);
}
// Dawn's instance keeps the event loop alive.
process.exit(0);

/**
 * Reads the file `--merge-into` names and checks that this run can replace cases in it: the same
 * commit, adapter, mode and number of runs. Exits with a message otherwise.
 * @param {string} file
 */
function readMergeBase(file) {
  /** @type {any} */
  let base;
  try {
    base = JSON.parse(readFileSync(resolve(file), 'utf8'));
  } catch (e) {
    console.error(`bench: --merge-into ${file}: ${/** @type {Error} */ (e).message}`);
    process.exit(2);
  }
  if (base.versions?.commit !== commit) {
    console.error(`bench: --merge-into ${file}: that file measured commit ${base.versions?.commit}, this run ${commit}: rerun everything instead`);
    process.exit(2);
  }
  const baseRuns = base.config?.runs ?? 1; // schema-1 files: one run
  if (base.adapter?.requested !== opts.adapter || Boolean(base.config?.quick) !== opts.quick || baseRuns !== opts.runs) {
    const flags = (/** @type {string} */ adapter, /** @type {boolean} */ quick, /** @type {number} */ runs) => `--adapter ${adapter}${quick ? ' --quick' : ''} --runs ${runs}`;
    console.error(`bench: --merge-into ${file}: that file is from ${flags(base.adapter?.requested, base.config?.quick, baseRuns)}, this run is ${flags(opts.adapter, opts.quick, opts.runs)}`);
    process.exit(2);
  }
  return base;
}

