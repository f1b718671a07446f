// @ts-check
/**
 * The measurement loop, shared by Node (bench/run.mjs) and the browser page (bench/browser/main.mjs):
 * for each case, every algorithm of ours plus 'auto', our CPU reference, and the TF.js peers, each
 * warmed up, then timed over repeated runs, every result checked against the CPU reference. The whole
 * suite runs `config.runs` times (`--runs N`) in one process, on the same engine and device, each run
 * complete; every run's measurements are kept, and each case is summarised over the runs (summary.mjs):
 * the median and range of each per-run median and of each per-run ratio.
 *
 * Timing rules
 *  - Warm-up first (pipeline compilation is slow on software adapters): `warmup` runs, fewer when a
 *    single run already takes more than half the time budget.
 *  - Then `repeats` timed runs, fewer when they would exceed the per-contender budget (never fewer
 *    than `minRepeats`). Median and min are quoted; every time is kept in the results.
 *  - Our algorithms are timed round-robin (run i of auto and of every algorithm, then run i + 1…),
 *    each round from a collected heap and led by the next algorithm in turn, so that a drift of the
 *    machine shifts them alike; the CPU reference and the peers (TF.js cannot switch backends per
 *    run) are timed one after another.
 *  - What ran is recorded from the op's `onRun` callback (algorithm, variant, pieces, dispatches);
 *    an explicit algorithm that cannot run a shape rejects with `OptionError`: recorded as
 *    'not-applicable' (n/a) with the error's message, not as a failure.
 *  - End-to-end time: ours = upload + conv + readback (`await engine.conv2d(hostTensors)`);
 *    TF.js = conv + readback on inputs already resident on its backend (the peer figures' rule);
 *    CPU reference = the call.
 *  - Kernel-only time from timestamp queries where the device has `timestamp-query`: ours from
 *    `onRun`'s `RunInfo.kernelMs` (a second engine on the same device with `profile: true`), TF.js
 *    WebGPU from `tf.time()`'s kernelMs; measured in separate runs so the end-to-end runs carry no
 *    profiling overhead.
 *  - Sweeps: a contender whose previous point in the same sweep predicts a run longer than
 *    `maxRunMs` is skipped, with the prediction as the reason (the shape suite a–h always runs).
 */
import { runCase } from './case.mjs';
import { CONTENDERS } from './contenders.mjs';
import { fmtMs } from './format.mjs';
import { interference, summariseCase } from './summary.mjs';

export { OUR_ALGORITHMS, PEERS, CONTENDERS, LABELS } from './contenders.mjs';
export { FULL_CONFIG, QUICK_CONFIG, median } from './timing.mjs';
export { interference } from './summary.mjs';
export { fmtMs } from './format.mjs';

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./timing.mjs').Measurement} Measurement */
/** @typedef {import('./timing.mjs').SuiteConfig} SuiteConfig */
/** @typedef {import('./summary.mjs').RunRatios} RunRatios */
/** @typedef {import('./summary.mjs').CaseSummary} CaseSummary */
/** @typedef {import('./peers.mjs').TfPeers} TfPeers */

/**
 * @typedef {RunRatios & {
 *   run: number,
 *   reference: 'full' | 'sampled',
 *   autoAlgorithm?: string,
 *   autoVariant?: string,
 *   results: Measurement[],
 *   wallS: number,
 *   otherCpuS?: number,
 *   startup?: import('./case-startup.mjs').Startup,
 * }} CaseRun One case in one run of the suite: every contender's measurements and the ratios of that
 *   run (`run` is 1-based; `reference`: how results were checked; `autoAlgorithm`/`autoVariant`: what
 *   auto ran; `wallS`: how long the case took, warm-ups and checks included; `otherCpuS`: CPU seconds
 *   other processes used meanwhile, when measurable; `startup`: ours auto's first call on a new
 *   engine, cold and after `engine.warmup`, and the pipelines each compiled — the shape suite only).
 */

/**
 * @typedef {object} CaseResult One case of a results file.
 * @property {string} id
 * @property {string} name
 * @property {string} group
 * @property {string} op
 * @property {number[]} inputShape
 * @property {number[]} weightShape
 * @property {Record<string, unknown>} options
 * @property {import('./cases.mjs').Geometry} geometry
 * @property {number} flops
 * @property {number} bytes
 * @property {number} reduction
 * @property {number} [x]
 * @property {'full' | 'sampled'} reference  how results were checked (in the first run)
 * @property {CaseRun[]} [runs]      every run of the suite (schema 2; see summary.mjs for schema 1)
 * @property {CaseSummary} [summary] the summary over `runs` (schema 2; reports recompute it)
 * @property {number} [wallS]        how long the case took, all runs together
 * @property {number} [otherCpuS]    CPU seconds other processes used meanwhile, all runs together
 * @property {Measurement[]} [results]  schema 1 only: the one run's measurements
 * @property {Record<string, number>} [speedup]        schema 1 only
 * @property {Record<string, number>} [speedupKernel]  schema 1 only
 * @property {string} [autoAlgorithm]                  schema 1 only
 */

/**
 * @typedef {object} SuiteEnv What the entry point provides.
 * @property {import('../../dist/index.js').ConvEngine} engine        runs the timed end-to-end runs
 * @property {import('../../dist/index.js').ConvEngine | undefined} kernelEngine  profile: true on the same device, when timestamps exist
 * @property {import('../../dist/index.js').ConvEngine} [tunedEngine]  autotune: true, for ours-tuned (shape suite); without it that contender is skipped
 * @property {any} cpu                                                the library's `cpu` namespace
 * @property {TfPeers | undefined} peers
 * @property {string[]} gpuErrors   uncaptured WebGPU errors are pushed here by the entry point
 * @property {(msg: string) => void} log
 * @property {(p: { done: number, total: number, caseId: string, contender: string }) => void} progress
 * @property {() => Promise<void>} [yieldUi]   lets a page repaint between runs
 * @property {() => Promise<import('../../dist/index.js').ConvEngine>} [newEngine]  a new engine on a new
 *   device of the same adapter (nothing cached), for the start-up figures; without it they are not measured
 * @property {() => number | undefined} [otherCpuSeconds]  cumulative CPU seconds used by *other*
 *   processes (Node on Linux: /proc/stat minus our own usage); lets the report flag cases measured
 *   while something else was competing for the CPU, which moves software-adapter timings
 */

/**
 * The `adapter` record of a results file: what the engine reports about its adapter, whether kernel
 * timestamps were available, and the limits that shape our plans.
 * @param {string} requested
 * @param {import('../../dist/index.js').AdapterInfo} info
 * @param {GPUDevice} device
 * @param {boolean} timestampQuery
 */
export function adapterRecord(requested, info, device, timestampQuery) {
  const l = device.limits;
  return {
    requested,
    source: info.source,
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isSoftware: info.isSoftware,
    featureLevel: info.featureLevel,
    timestampQuery,
    limits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxUniformBufferBindingSize: l.maxUniformBufferBindingSize,
    },
  };
}

/**
 * Runs the suite `config.runs` times (each run: every case, every contender, warm-up and timed runs).
 * @param {BenchCase[]} cases
 * @param {SuiteConfig} config
 * @param {SuiteEnv} env
 * @returns {Promise<{ cases: CaseResult[], failures: string[] }>}
 */
export async function runSuite(cases, config, env) {
  const runs = Math.max(1, Math.floor(config.runs || 1));
  /** @type {import('./case.mjs').RunState} */
  const state = { run: 0, runs, rates: new Map(), cpuRate: 2e8, done: 0, total: runs * cases.length * CONTENDERS.length };
  /** @type {Map<string, CaseRun[]>} */
  const perCase = new Map(cases.map((c) => [c.id, []]));
  /** @type {string[]} */
  const failures = [];
  for (let run = 1; run <= runs; run++) {
    // Each run starts afresh: the same predictions (sweep skips, the CPU reference's limit) as a run alone.
    Object.assign(state, { run, rates: new Map(), cpuRate: 2e8 });
    if (runs > 1) env.log(`run ${run} of ${runs}`);
    for (const c of cases) {
      const r = await runCase(c, config, env, state);
      /** @type {CaseRun[]} */ (perCase.get(c.id)).push(r.run);
      failures.push(...r.failures);
      env.log(caseLine(c, r.run, runs));
    }
  }
  env.progress({ done: state.total, total: state.total, caseId: '', contender: '' });
  const out = cases.map((c) => {
    const caseRuns = /** @type {CaseRun[]} */ (perCase.get(c.id));
    const first = /** @type {CaseRun} */ (caseRuns[0]);
    /** @type {CaseResult} */
    const cr = {
      id: c.id,
      name: c.name,
      group: c.group,
      op: c.op,
      inputShape: c.inputShape,
      weightShape: c.weightShape,
      options: c.options,
      geometry: c.geo,
      flops: c.flops,
      bytes: c.bytes,
      reduction: c.reduction,
      reference: first.reference,
      wallS: caseRuns.reduce((a, r) => a + r.wallS, 0),
      runs: caseRuns,
    };
    if (c.x !== undefined) cr.x = c.x;
    if (caseRuns.every((r) => r.otherCpuS !== undefined)) cr.otherCpuS = caseRuns.reduce((a, r) => a + (r.otherCpuS ?? 0), 0);
    cr.summary = summariseCase(cr);
    return cr;
  });
  return { cases: out, failures };
}

/**
 * One line per case and run for the log.
 * @param {Pick<BenchCase, 'id' | 'name'>} c
 * @param {CaseRun} r
 * @param {number} runs
 */
export function caseLine(c, r, runs) {
  const auto = r.results.find((m) => m.id === 'ours-auto');
  const parts = r.results.map((m) => `${m.id}=${m.status === 'ok' ? fmtMs(m.medianMs) : m.status}`);
  const busy = interference(r);
  const ran = auto?.algorithm ? `${auto.algorithm}${auto.variant ? `/${auto.variant}` : ''}` : '?';
  return `${runs > 1 ? `[${r.run}/${runs}] ` : ''}${c.id.padEnd(8)} ${c.name.padEnd(28)} auto→${ran}  ${parts.join('  ')}${busy ? `  [${busy}]` : ''}`;
}
