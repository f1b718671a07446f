// @ts-check
/**
 * Timing one contender on one case: warm-up, timed runs within a budget, medians, and the
 * predictions that skip slow sweep points. Used by the measurement loop (case.mjs, case-check.mjs,
 * case-peer.mjs, case-startup.mjs).
 */
import { labelOf } from './contenders.mjs';

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./check.mjs').CheckResult} CheckResult */

/**
 * @typedef {object} SuiteConfig
 * @property {number} repeats     timed runs per contender (at most)
 * @property {number} minRepeats  timed runs per contender (at least)
 * @property {number} warmup      warm-up runs (at least, unless a run is slow; see `warmUp`)
 * @property {number} budgetMs    time budget of the timed runs of one contender on one case
 * @property {number} maxRunMs    sweeps: skip a contender predicted to take longer than this per run
 * @property {number} cpuLimitMs  the CPU reference runs only where predicted under this; else sampled check
 * @property {number} kernelRuns  extra runs for kernel-only (timestamp) times
 * @property {number} samples     positions checked when the reference is sampled
 * @property {number} slowMs      sweeps: a contender whose warm-up run takes longer than this gets no timed runs
 * @property {number} runs        how many times the whole suite runs (`--runs`); figures are summarised over them
 * @property {number} fullRefMs   sweeps: the CPU reference's full output is the check's reference only where
 *   one run is predicted under this (its values and magnitude sums: two runs); else sampled outputs
 * @property {string[]} goalIds   the contenders the goals are about (ours auto, direct and fft): in sweeps they
 *   run up to `goalRunMs` per run rather than `maxRunMs`, and up to `capRunMs` once, cold
 * @property {number} goalRunMs   sweeps: the per-run limit of `goalIds` (at least `maxRunMs`)
 * @property {number} capRunMs    sweeps: a contender of `goalIds` predicted over `goalRunMs` but under this gets
 *   one run, timed cold (no warm-up), instead of being skipped (0: never)
 * @property {string} [contenders] only the contenders whose id matches this regular expression (the others
 *   are skipped; the CPU reference still checks the results)
 * @property {boolean} [startup]  measure ours auto's start-up on new engines (shape suite; default true
 *   where the entry point can make engines)
 */

/** @type {SuiteConfig} */
export const FULL_CONFIG = { repeats: 10, minRepeats: 3, warmup: 2, budgetMs: 8000, maxRunMs: 10000, cpuLimitMs: 20000, kernelRuns: 5, samples: 4096, slowMs: 30000, runs: 1, fullRefMs: 3000, goalIds: ['ours-auto', 'ours-direct', 'ours-fft'], goalRunMs: 10000, capRunMs: 100000 };
/** @type {SuiteConfig} */
export const QUICK_CONFIG = { repeats: 3, minRepeats: 1, warmup: 1, budgetMs: 2500, maxRunMs: 4000, cpuLimitMs: 20000, kernelRuns: 2, samples: 2048, slowMs: 8000, runs: 1, fullRefMs: 3000, goalIds: ['ours-auto', 'ours-direct', 'ours-fft'], goalRunMs: 4000, capRunMs: 0 };

/**
 * @typedef {'ok' | 'wrong' | 'failed' | 'skipped' | 'unsupported' | 'not-applicable'} Status
 *   `unsupported`: a peer without the operation, or a case the device cannot hold (`ResourceError`);
 *   `not-applicable`: an explicit algorithm of ours that cannot run the shape (`OptionError`).
 */

/**
 * @typedef {object} Measurement One contender on one case in one run of the suite.
 * @property {string} id
 * @property {string} label
 * @property {'ours' | 'reference' | 'peer'} kind
 * @property {Status} status
 * @property {string} [reason]        why skipped / failed / unsupported / not applicable, or what went wrong
 * @property {number} [predictedMs]   sweeps: the time per run predicted from the previous point (skipped or capped ones)
 * @property {boolean} [capped]       sweeps: predicted over `maxRunMs`, so run once, cold (no warm-up), and that run timed
 * @property {string} [algorithm]     ours: the algorithm that ran (`onRun`'s `RunInfo.algorithm`)
 * @property {string} [variant]       ours: its variant (`RunInfo.variant`)
 * @property {string} [why]           ours: why that algorithm (`RunInfo.reason`: the one requested, or auto's cost estimates)
 * @property {number} [pieces]        ours: pieces the job was split into (`RunInfo.pieces`)
 * @property {number} [dispatches]    ours: compute dispatches (`RunInfo.dispatches`)
 * @property {boolean} [inputTexture] ours: whether the input was read from a texture (`RunInfo.inputTexture`)
 * @property {number[]} warmupMs
 * @property {number[]} timesMs
 * @property {number} [medianMs]
 * @property {number} [minMs]
 * @property {number[]} kernelMs
 * @property {number} [kernelMedianMs]
 * @property {number} [kernelMinMs]
 * @property {number} [gflops]        from the median end-to-end time
 * @property {number} [gflopsKernel]  from the median kernel time
 * @property {number} [gbps]          bytes moved (input + weight + output) / median end-to-end time
 * @property {number} [gbpsKernel]
 * @property {CheckResult & { checks: number }} [check]  the worst of every checked output
 */

/**
 * @param {string} id
 * @param {Measurement['kind']} kind
 * @returns {Measurement}
 */
export function blank(id, kind) {
  return { id, label: labelOf(id), kind, status: 'ok', warmupMs: [], timesMs: [], kernelMs: [] };
}

/** @param {number[]} xs */
export function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? /** @type {number} */ (s[m]) : (/** @type {number} */ (s[m - 1]) + /** @type {number} */ (s[m])) / 2;
}

/** @param {unknown} e */
export function errorText(e) {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** @typedef {{ yieldUi?: () => Promise<void> }} UiHooks */

/**
 * Warm-up then timed runs of `fn`, each output checked (outside the timed region).
 * @param {Measurement} m
 * @param {SuiteConfig} config
 * @param {() => Promise<Float32Array>} fn
 * @param {(got: Float32Array) => boolean} check
 * @param {UiHooks} env
 * @param {number} [firstMs] the time of a run already done (counts as warm-up)
 * @param {boolean} [sweep] a sweep point: give up after a warm-up run slower than `config.slowMs`
 */
export async function measure(m, config, fn, check, env, firstMs, sweep = false) {
  const n = await warmUp(m, config, fn, check, env, firstMs, sweep);
  for (let i = 0; i < n; i++) await timedRun(m, fn, check, env);
}

/** Warm-up runs past `config.warmup` while the run time has not settled, at most. */
const WARMUP_EXTRA = 4;
/** Settled: a warm-up run at most this much slower than the one before it. */
const SETTLED = 1.25;

/**
 * The warm-up runs of `fn` (see `measure`); returns how many timed runs fit the budget, 0 when a
 * slow sweep point is skipped.
 * @param {Measurement} m
 * @param {SuiteConfig} config
 * @param {() => Promise<Float32Array>} fn
 * @param {(got: Float32Array) => boolean} check
 * @param {UiHooks} env
 * @param {number} [firstMs]
 * @param {boolean} [sweep]
 */
export async function warmUp(m, config, fn, check, env, firstMs, sweep = false) {
  // Start each contender from a collected heap (node --expose-gc; a no-op elsewhere), so that the
  // garbage of the one before (the CPU reference allocates per call) is not collected in its runs.
  /** @type {any} */ (globalThis).gc?.();
  let last = firstMs ?? 0;
  // At least `config.warmup` runs, and on until the run time settles: a first call compiles (or,
  // for a tuned engine, tunes) and the calls right after it can still be slow (on llvmpipe they
  // were up to 2.4× slower than the later ones), which made the budget allow only a few timed runs
  // and put those slow calls among them. A run slower than half the budget ends the warm-up unless
  // it is the first (compiling) one of a contender whose runs take less than `maxRunMs`.
  for (let i = 0; i < config.warmup + WARMUP_EXTRA; i++) {
    const t0 = performance.now();
    const got = await fn();
    const ms = performance.now() - t0;
    const settled = i > 0 && ms <= SETTLED * last;
    last = ms;
    m.warmupMs.push(last);
    check(got);
    await env.yieldUi?.();
    if (last > config.budgetMs / 2 && (i > 0 || last > config.maxRunMs)) break;
    if (i + 1 >= config.warmup && settled) break;
  }
  if (sweep && last > config.slowMs) {
    m.status = 'skipped';
    m.reason = `the warm-up run took ${(last / 1000).toFixed(1)} s (> ${config.slowMs / 1000} s for a sweep point): no timed runs`;
    return 0;
  }
  return Math.min(config.repeats, Math.max(config.minRepeats, Math.floor(config.budgetMs / Math.max(last, 1e-3))));
}

/**
 * One timed run of `fn`, its output checked after the clock stops.
 * @param {Measurement} m
 * @param {() => Promise<Float32Array>} fn
 * @param {(got: Float32Array) => boolean} check
 * @param {UiHooks} env
 */
export async function timedRun(m, fn, check, env) {
  const t0 = performance.now();
  const got = await fn();
  m.timesMs.push(performance.now() - t0);
  check(got);
  await env.yieldUi?.();
}

/**
 * The work a sweep point's time is predicted in proportion to: the FLOPs of the direct sum, or, for
 * FFT convolution, the transforms' N·log2 N over the padded span (an FFT's time hardly grows with the
 * kernel, so FLOPs would predict it far too slow).
 * @param {BenchCase} c
 * @param {string | undefined} algorithm what ran ('fft', 'direct'…), or undefined for a non-ours contender
 */
export function workOf(c, algorithm) {
  if (algorithm !== 'fft') return c.flops;
  const g = c.geo;
  const span = (g.OH - 1) * g.stride + g.KH;
  const cols = (g.OW - 1) * g.stride + g.KW;
  const points = Math.max(2, span * cols);
  return g.N * (g.C + g.K) * points * Math.log2(points);
}

/**
 * The algorithm a measurement of ours ran ('ours-fft' → 'fft'; auto: what `onRun` reported).
 * @param {Measurement} m
 */
function ranAlgorithm(m) {
  if (m.kind !== 'ours') return undefined;
  return m.algorithm ?? m.id.slice(5);
}

/**
 * Medians, throughput, and the rate used to predict the next sweep point.
 * @param {Measurement} m
 * @param {BenchCase} c
 * @param {Map<string, number>} rates
 */
export function finishMeasurement(m, c, rates) {
  if (m.timesMs.length) {
    m.medianMs = median(m.timesMs);
    m.minMs = Math.min(...m.timesMs);
    m.gflops = c.flops / (m.medianMs * 1e6);
    m.gbps = c.bytes / (m.medianMs * 1e6);
    rates.set(`${c.group}/${m.id}`, m.medianMs / workOf(c, ranAlgorithm(m)));
  } else if (m.warmupMs.length) {
    rates.set(`${c.group}/${m.id}`, Math.min(...m.warmupMs) / workOf(c, ranAlgorithm(m)));
  }
  if (m.kernelMs.length) {
    m.kernelMedianMs = median(m.kernelMs);
    m.kernelMinMs = Math.min(...m.kernelMs);
    m.gflopsKernel = c.flops / (m.kernelMedianMs * 1e6);
    m.gbpsKernel = c.bytes / (m.kernelMedianMs * 1e6);
  }
}

/**
 * The time per run of contender `id` on sweep point `c`, predicted from the previous point of the
 * same sweep in this run of the suite (its ms per unit of work × this point's work, `workOf`), or
 * undefined (the shape suite, or the first point a contender reaches). `auto` is predicted as the
 * algorithm it will run (`engine.explain`, passed as `autoAlgorithm`), from that algorithm's rate.
 * @param {Map<string, number>} rates
 * @param {BenchCase} c
 * @param {string} id
 * @param {string} [autoAlgorithm]
 * @returns {number | undefined}
 */
export function predictMs(rates, c, id, autoAlgorithm) {
  if (c.group === 'shapes') return undefined;
  const key = id === 'ours-auto' && autoAlgorithm ? `ours-${autoAlgorithm}` : id;
  const msPerWork = rates.get(`${c.group}/${key}`);
  const alg = key.startsWith('ours-') ? key.slice(5) : undefined;
  return msPerWork === undefined ? undefined : msPerWork * workOf(c, alg);
}

/**
 * In a sweep, what to do with a contender whose last point predicts a run over its limit
 * (`maxRunMs`; `goalRunMs` for the contenders of `goalIds`): skip it (the reason says "predicted > N s
 * per run"), or — for `goalIds` under `capRunMs` — run it once, cold, and time that run ("cap").
 * @param {Map<string, number>} rates
 * @param {BenchCase} c
 * @param {string} id
 * @param {SuiteConfig} config
 * @param {string} [autoAlgorithm] for `ours-auto`: the algorithm it will run
 * @returns {{ action: 'run' } | { action: 'skip' | 'cap', predictedMs: number, reason: string }}
 */
export function predictAction(rates, c, id, config, autoAlgorithm) {
  const predicted = predictMs(rates, c, id, autoAlgorithm);
  const goal = (config.goalIds ?? []).includes(id);
  const limit = goal ? Math.max(config.maxRunMs, config.goalRunMs ?? 0) : config.maxRunMs;
  if (predicted === undefined || predicted <= limit) return { action: 'run' };
  const s = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(ms < 10000 ? 1 : 0)} s`;
  if (goal && config.capRunMs > 0 && predicted <= config.capRunMs) {
    return { action: 'cap', predictedMs: predicted, reason: `predicted ${s(predicted)} per run (> ${limit / 1000} s) from the previous point: one cold run, timed` };
  }
  return { action: 'skip', predictedMs: predicted, reason: `predicted > ${limit / 1000} s per run (${s(predicted)}, from the previous point of this sweep)` };
}

/**
 * In a sweep, skip a contender whose last point predicts a run over `maxRunMs` (no cap): the reason,
 * or '' to run it.
 * @param {Map<string, number>} rates
 * @param {BenchCase} c
 * @param {string} id
 * @param {SuiteConfig} config
 * @returns {string}
 */
export function predictSkip(rates, c, id, config) {
  const a = predictAction(rates, c, id, { ...config, capRunMs: 0 });
  return a.action === 'run' ? '' : a.reason;
}
