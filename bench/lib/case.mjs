// @ts-check
/**
 * One case in one run of the suite: the CPU reference (computed first, to check every result
 * against: case-check.mjs), ours auto's start-up (case-startup.mjs), our algorithms (warmed up, then
 * timed round-robin), the CPU reference timed, the TF.js peers (case-peer.mjs), and the ratios of
 * that run. See suite.mjs for the rules.
 */
import { caseTensors } from './cases.mjs';
import { caseReference, resultChecker } from './case-check.mjs';
import { runPeer } from './case-peer.mjs';
import { measureStartup } from './case-startup.mjs';
import { OUR_ALGORITHMS, PEERS, selected, TUNED } from './contenders.mjs';
import { runRatios } from './summary.mjs';
import { blank, errorText, finishMeasurement, measure, predictAction, timedRun, warmUp } from './timing.mjs';

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./check.mjs').Reference} Reference */
/** @typedef {import('./timing.mjs').Measurement} Measurement */
/** @typedef {import('./timing.mjs').SuiteConfig} SuiteConfig */
/** @typedef {import('./suite.mjs').SuiteEnv} SuiteEnv */
/** @typedef {import('./suite.mjs').CaseRun} CaseRun */
/** @typedef {import('../../dist/index.js').ConvEngine} ConvEngine */
/** @typedef {import('../../dist/index.js').RunInfo} RunInfo */

/**
 * What carries from case to case within one run of the suite.
 * @typedef {object} RunState
 * @property {number} run        1-based index of this run of the suite
 * @property {number} runs       how many runs there are
 * @property {Map<string, number>} rates  last measured ms per FLOP per sweep group and contender (predicts the next point)
 * @property {number} cpuRate    observed speed of the CPU reference (FLOP/s), to predict whether it fits in cpuLimitMs
 * @property {number} done       contenders finished so far (progress)
 * @property {number} total      contenders in all runs
 */

/**
 * Runs one case once.
 * @param {BenchCase} c
 * @param {SuiteConfig} config
 * @param {SuiteEnv} env
 * @param {RunState} state
 * @returns {Promise<{ run: CaseRun, failures: string[] }>}
 */
export async function runCase(c, config, env, state) {
  const caseStart = performance.now();
  const otherStart = env.otherCpuSeconds?.();
  const { input, weight } = caseTensors(c);
  const cpuOp = env.cpu[c.op];
  /** @type {Measurement[]} */
  const results = [];
  /** @type {string[]} */
  const failures = [];
  const progress = (/** @type {string} */ contender) => env.progress({ done: state.done, total: state.total, caseId: c.id, contender });

  // --- the reference: computed once, timed as the CPU reference's first run --------------------
  const sweep = c.group !== 'shapes';
  const cpuM = blank('cpu-ref', 'reference');
  progress('cpu-ref');
  const reference = caseReference(c, config, state, cpuOp, input, weight, cpuM);
  const check = resultChecker(c, input.data, weight.data, reference);

  // --- start-up: ours auto on new engines, cold and after engine.warmup ---------------------------
  /** @type {import('./case-startup.mjs').Startup | undefined} */
  let startup;
  if (env.newEngine && config.startup !== false && !sweep && selected(config, 'ours-auto')) {
    startup = await measureStartup(c, input, weight, env, check);
    if (startup.error || startup.ok === false) failures.push(`${c.id} (${c.name}) start-up of ours auto: ${startup.error ?? 'WRONG RESULT'}`);
  }

  // --- our algorithms: warmed up one after another, then timed round-robin -------------------
  /** @typedef {{ alg: string, m: Measurement, run: () => Promise<Float32Array>, runs: number }} Ours */
  /** @type {Ours[]} */
  const ours = [];
  /**
   * Runs `fn` and marks `m` failed if it raised an error or new uncaptured WebGPU errors came; an
   * explicit algorithm that cannot run the shape (OptionError) is not applicable, not a failure.
   */
  const guarded = async (/** @type {Measurement} */ m, /** @type {string} */ alg, /** @type {() => Promise<void>} */ fn) => {
    const errorsBefore = env.gpuErrors.length;
    try {
      await fn();
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      if (name === 'OptionError' && alg !== 'auto') {
        m.status = 'not-applicable';
        m.reason = /** @type {Error} */ (e).message;
      } else {
        m.status = name === 'ResourceError' ? 'unsupported' : 'failed';
        m.reason = errorText(e);
      }
    }
    if (env.gpuErrors.length > errorsBefore) {
      m.status = 'failed';
      m.reason = `uncaptured WebGPU error: ${env.gpuErrors.slice(errorsBefore).join(' | ')}`;
    }
    return m.status === 'ok';
  };
  // Each of our algorithms on env.engine, then (TUNED) 'auto' on env.tunedEngine (autotune: true),
  // whose warm-up call tunes the shape.
  const contenders = [...OUR_ALGORITHMS.map((alg) => ({ id: `ours-${alg}`, alg })), { id: TUNED, alg: 'auto' }];
  for (const { id, alg } of contenders) {
    progress(id);
    state.done++;
    const m = blank(id, 'ours');
    results.push(m);
    if (!selected(config, id)) {
      m.status = 'skipped';
      m.reason = `not selected (--contenders ${config.contenders})`;
      continue;
    }
    const tuned = id === TUNED;
    if (tuned && (sweep || !env.tunedEngine)) {
      m.status = 'skipped';
      m.reason = sweep ? 'shape suite only (tuning times every candidate: seconds per call on the sweeps)' : 'no autotuning engine (--no-tuned)';
      continue;
    }
    const engine = /** @type {ConvEngine} */ (tuned ? env.tunedEngine : env.engine);
    const plan = predictAction(state.rates, c, id, config, alg === 'auto' ? autoChoice(env, c, input, weight) : undefined);
    if (plan.action === 'skip') {
      m.status = 'skipped';
      m.reason = plan.reason;
      m.predictedMs = plan.predictedMs;
      continue;
    }
    // What ran, as the library reports it (once per op, before its promise resolves).
    const record = (/** @type {RunInfo} */ info) => {
      m.algorithm = info.algorithm;
      m.variant = info.variant;
      m.pieces = info.pieces;
      m.dispatches = info.dispatches;
      const more = /** @type {{ reason?: string, inputTexture?: boolean }} */ (info);
      if (typeof more.reason === 'string') m.why = more.reason;
      if (typeof more.inputTexture === 'boolean') m.inputTexture = more.inputTexture;
    };
    /** @type {number | undefined} */
    let kernelMs;
    const opts = /** @type {any} */ ({ ...c.options, algorithm: alg, onRun: record });
    const kernelOpts = /** @type {any} */ ({ ...c.options, algorithm: alg, onRun: (/** @type {RunInfo} */ info) => (kernelMs = info.kernelMs) });
    // Host tensors in, host tensor out (the default `output: 'host'`): upload + conv + readback.
    const runOn = async (/** @type {ConvEngine} */ e, /** @type {any} */ o) => {
      const r = c.op === 'conv1d' ? await e.conv1d(input, weight, o) : await e.conv2d(input, weight, o);
      return /** @type {{ data: Float32Array }} */ (/** @type {unknown} */ (r)).data;
    };
    const run = () => runOn(engine, opts);
    let runs = 0;
    if (plan.action === 'cap') {
      // Predicted over maxRunMs: one run, cold (its pipelines' compilation is a small part of it), timed.
      m.capped = true;
      m.predictedMs = plan.predictedMs;
      m.reason = plan.reason;
      runs = 1;
    } else {
      await guarded(m, alg, async () => {
        runs = await warmUp(m, config, run, (got) => check(m, got), env, undefined, sweep);
      });
    }
    if (m.status === 'ok' && runs > 0) ours.push({ alg, m, run, runs });
    const ke = env.kernelEngine;
    if (ke && !tuned && m.status === 'ok' && runs > 0 && !m.capped) {
      await guarded(m, alg, async () => {
        for (let i = 0; i < Math.min(config.kernelRuns, runs); i++) {
          kernelMs = undefined;
          check(m, await runOn(ke, kernelOpts));
          if (kernelMs !== undefined) m.kernelMs.push(kernelMs);
        }
      });
    }
  }
  // Round-robin: round i times run i of every algorithm, so that a drift of the machine (another
  // process, the heap, clocks) shifts them alike and their ratios stay fair. Each round starts from
  // a collected heap and with the next algorithm (the first run after a collection is the slowest).
  const rounds = Math.max(0, ...ours.map((o) => o.runs));
  for (let i = 0; i < rounds; i++) {
    /** @type {any} */ (globalThis).gc?.();
    for (let j = 0; j < ours.length; j++) {
      const o = /** @type {Ours} */ (ours[(i + j) % ours.length]);
      if (i >= o.runs || o.m.status !== 'ok') continue;
      await guarded(o.m, o.alg, () => timedRun(o.m, o.run, (got) => check(o.m, got), env));
    }
  }
  for (const m of results) {
    if (m.status !== 'failed' && m.check && !m.check.ok) m.status = 'wrong';
    finishMeasurement(m, c, state.rates);
    if (m.status === 'wrong' || m.status === 'failed') failures.push(failureText(c, m, state));
  }

  // --- the CPU reference, timed -------------------------------------------------------------------
  progress('cpu-ref');
  state.done++;
  results.push(cpuM);
  if (cpuM.status === 'ok' && !selected(config, 'cpu-ref')) {
    cpuM.status = 'skipped';
    cpuM.reason = `not selected (--contenders ${config.contenders})`;
  }
  if (cpuM.status === 'ok') {
    const first = cpuM.warmupMs[0];
    const cpuRun = async () => cpuOp(input, weight, c.options).data;
    // Its first run (the reference's values) counts as warm-up; without it, warm up as the others.
    await measure(cpuM, first === undefined ? config : { ...config, warmup: 0 }, cpuRun, (got) => check(cpuM, got), env, first, sweep);
    finishMeasurement(cpuM, c, state.rates);
    if (cpuM.minMs) state.cpuRate = c.flops / (cpuM.minMs / 1000);
  }

  // --- TF.js peers ----------------------------------------------------------------------------------
  for (const id of PEERS) {
    progress(id);
    state.done++;
    results.push(await runPeer(id, c, config, env, state, input.data, weight.data, check));
  }

  const ratios = runRatios(results);
  /** @type {CaseRun} */
  const run = {
    run: state.run,
    reference: reference.positions ? 'sampled' : 'full',
    results,
    ...ratios,
    wallS: (performance.now() - caseStart) / 1000,
  };
  const auto = results.find((r) => r.id === 'ours-auto');
  if (startup) run.startup = startup;
  if (auto?.algorithm) run.autoAlgorithm = auto.algorithm;
  if (auto?.variant) run.autoVariant = auto.variant;
  const otherEnd = env.otherCpuSeconds?.();
  if (otherStart !== undefined && otherEnd !== undefined) run.otherCpuS = Math.max(0, otherEnd - otherStart);
  return { run, failures };
}

/**
 * The algorithm `auto` will run on the case (`engine.explain`), to predict its time; undefined when
 * the engine cannot say.
 * @param {SuiteEnv} env
 * @param {BenchCase} c
 * @param {import('../../dist/index.js').HostTensor} input
 * @param {import('../../dist/index.js').HostTensor} weight
 */
function autoChoice(env, c, input, weight) {
  try {
    const e = /** @type {any} */ (env.engine);
    return typeof e.explain === 'function' ? String(e.explain(c.op, input, weight, c.options).algorithm) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A failure of ours, described in full (the case id first: `--merge-into` drops a rerun case's
 * earlier failures by it).
 * @param {BenchCase} c
 * @param {Measurement} m
 * @param {RunState} state
 */
function failureText(c, m, state) {
  const g = c.geo;
  const alg = m.id.slice(5);
  return (
    `${c.id} (${state.runs > 1 ? `run ${state.run} of ${state.runs}; ` : ''}${c.name}; ${c.op} input [${c.inputShape.join(',')}] weight [${c.weightShape.join(',')}] ` +
    `options ${JSON.stringify(c.options)}) algorithm '${alg}'${m.algorithm && m.algorithm !== alg ? ` (ran ${m.algorithm})` : ''}: ` +
    (m.status === 'wrong'
      ? `WRONG RESULT, max |err| ${m.check?.maxAbsErr.toExponential(3)}, ${m.check?.worst.toExponential(3)}× the tolerance (L=${(g.C / g.groups) * g.KH * g.KW}); first bad ${m.check?.firstBad}`
      : `FAILED: ${m.reason}`)
  );
}
