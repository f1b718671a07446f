// @ts-check
/**
 * Timing one contender on one case: warm-up, timed runs within a budget, medians, and the
 * predictions that skip slow sweep points. Used by the measurement loop (case.mjs).
 */
import { labelOf } from './contenders.mjs';

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./check.mjs').CheckResult} CheckResult */

/**
 * @typedef {object} SuiteConfig
 * @property {number} repeats     timed runs per contender (at most)
 * @property {number} minRepeats  timed runs per contender (at least)
 * @property {number} warmup      warm-up runs (at most)
 * @property {number} budgetMs    time budget of the timed runs of one contender on one case
 * @property {number} maxRunMs    sweeps: skip a contender predicted to take longer than this per run
 * @property {number} cpuLimitMs  the CPU reference runs only where predicted under this; else sampled check
 * @property {number} kernelRuns  extra runs for kernel-only (timestamp) times
 * @property {number} samples     positions checked when the reference is sampled
 * @property {number} slowMs      sweeps: a contender whose warm-up run takes longer than this gets no timed runs
 * @property {number} runs        how many times the whole suite runs (`--runs`); figures are summarised over them
 */

/** @type {SuiteConfig} */
export const FULL_CONFIG = { repeats: 10, minRepeats: 3, warmup: 2, budgetMs: 8000, maxRunMs: 10000, cpuLimitMs: 20000, kernelRuns: 5, samples: 4096, slowMs: 30000, runs: 1 };
/** @type {SuiteConfig} */
export const QUICK_CONFIG = { repeats: 3, minRepeats: 1, warmup: 1, budgetMs: 2500, maxRunMs: 4000, cpuLimitMs: 20000, kernelRuns: 2, samples: 2048, slowMs: 8000, runs: 1 };

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
  for (let i = 0; i < config.warmup; i++) {
    const t0 = performance.now();
    const got = await fn();
    last = performance.now() - t0;
    m.warmupMs.push(last);
    check(got);
    await env.yieldUi?.();
    if (last > config.budgetMs / 2) break;
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
    rates.set(`${c.group}/${m.id}`, m.medianMs / c.flops);
  } else if (m.warmupMs.length) {
    rates.set(`${c.group}/${m.id}`, Math.min(...m.warmupMs) / c.flops);
  }
  if (m.kernelMs.length) {
    m.kernelMedianMs = median(m.kernelMs);
    m.kernelMinMs = Math.min(...m.kernelMs);
    m.gflopsKernel = c.flops / (m.kernelMedianMs * 1e6);
    m.gbpsKernel = c.bytes / (m.kernelMedianMs * 1e6);
  }
}

/**
 * In a sweep, skip a contender whose last point predicts a run over `maxRunMs`.
 * @param {Map<string, number>} rates
 * @param {BenchCase} c
 * @param {string} id
 * @param {SuiteConfig} config
 * @returns {string}
 */
export function predictSkip(rates, c, id, config) {
  if (c.group === 'shapes') return '';
  const msPerFlop = rates.get(`${c.group}/${id}`);
  if (msPerFlop === undefined) return '';
  const predicted = msPerFlop * c.flops;
  if (predicted <= config.maxRunMs) return '';
  return `predicted ${(predicted / 1000).toFixed(1)} s per run from the previous point of this sweep (> ${config.maxRunMs / 1000} s)`;
}
