// @ts-check
/**
 * Ratios within one run, and the summary of a case over the runs of the suite (`--runs N`): per
 * contender the median and range (min–max) of its per-run median time; per ratio the median and
 * range of the per-run ratio. A ratio is only ever formed within one run (both sides measured in the
 * same run), then summarised across runs.
 *
 * Works on results files of both formats: schema 2 keeps every run of a case in `runs`; schema 1
 * (single-run files) kept one run's `results` and `speedup` on the case itself, read as one run.
 */
import { displayOrder, labelOf, ranText, TUNED } from './contenders.mjs';
import { median } from './timing.mjs';

/** @typedef {import('./timing.mjs').Measurement} Measurement */
/** @typedef {import('./timing.mjs').Status} Status */
/** @typedef {import('./suite.mjs').CaseResult} CaseResult */
/** @typedef {import('./suite.mjs').CaseRun} CaseRun */

/**
 * @typedef {object} RunRatios The ratios of one run (each side's median in that run).
 * @property {Record<string, number>} speedup        contender → its median ÷ ours auto's median (> 1: auto faster)
 * @property {Record<string, number>} speedupKernel  the same on kernel-only times, where both have them
 * @property {Record<string, number>} vsTfjsWebgpu   each of ours → TF.js WebGPU's median ÷ its median (> 1: ours faster)
 * @property {Record<string, number>} vsTfjsWebgpuKernel  the same on kernel-only times
 */

/**
 * @typedef {object} Spread A figure over the runs of the suite.
 * @property {number} median  median over the runs that have it
 * @property {number} min
 * @property {number} max
 * @property {number} n       how many runs have it
 */

/**
 * @typedef {object} ContenderSummary One contender on one case, over every run.
 * @property {string} id
 * @property {string} label
 * @property {Measurement['kind']} kind
 * @property {Status} status    'ok' when at least one run has a time; else the worst status of the runs
 * @property {string} [reason]  for a status other than 'ok': that run's reason
 * @property {string} [note]    when some runs are not 'ok': which, and why
 * @property {number} okRuns    runs with status 'ok'
 * @property {string[]} ran     ours: what ran ('algorithm/variant'), every distinct one over the runs
 * @property {string} [why]     ours: why that algorithm, as the library said (distinct ones joined by ' | ')
 * @property {Spread} [time]    per-run median end-to-end ms
 * @property {number} [minMs]   the fastest timed run of all runs
 * @property {Spread} [kernel]  per-run median kernel-only ms
 * @property {number} [gflops]  from the median of `time`
 * @property {number} [gflopsKernel]
 * @property {number} [gbps]
 * @property {number} timed     timed runs, all runs together
 * @property {number} warmups   warm-up runs, all runs together
 * @property {number} [worst]   the worst error / tolerance seen
 * @property {{ maxAbsErr: number, worst: number }} [badCheck]  when some output failed the check
 */

/**
 * @typedef {object} CaseSummary
 * @property {number} runs
 * @property {string[]} ids     contender ids present, in display order
 * @property {Record<string, ContenderSummary>} contenders
 * @property {Record<string, Spread>} speedup
 * @property {Record<string, Spread>} speedupKernel
 * @property {Record<string, Spread>} vsTfjsWebgpu
 * @property {Record<string, Spread>} vsTfjsWebgpuKernel
 * @property {string} autoRan   what auto ran ('direct/…'), every distinct one over the runs, or ''
 * @property {string} busy      runs measured while other processes used the CPU, or ''
 * @property {Spread} [tunedVsBest]  ours-tuned's (auto on an engine with autotune: true) median ÷ the
 *   fastest explicit algorithm of ours in the same run (the goal of issue 12: ≤ 1.1 on the shape suite)
 * @property {Spread} [autoVsBest]   auto's median ÷ the fastest explicit algorithm of ours in the same run
 *   (1 = auto ran the fastest; the goal of issue 11: ≤ 1.25 at every sweep point)
 * @property {string} bestOurs       the fastest explicit algorithm of ours (ids, every distinct one over the runs)
 * @property {Spread} [directVsFft]  ours direct's median ÷ ours fft's median in the same run (> 1: FFT faster)
 * @property {Spread} [directPredictedVsFft]  the same with direct's predicted time where it was skipped
 * @property {StartupSummary} [startup]  ours auto's start-up over the runs that measured it
 */

/**
 * @typedef {object} StartupSummary Each figure of `CaseRun.startup` (case-startup.mjs) over the runs.
 * @property {Spread} [coldMs]
 * @property {Spread} [pipelines]
 * @property {Spread} [warmupMs]
 * @property {Spread} [warmupPipelines]
 * @property {Spread} [afterWarmupMs]
 * @property {Spread} [afterWarmupPipelines]
 * @property {Spread} [coldVsWarm]        coldMs ÷ auto's median (warm) time in the same run
 * @property {Spread} [afterWarmupVsWarm] afterWarmupMs ÷ auto's median time in the same run
 */

/** The figures of `CaseRun.startup` that are summarised. */
const STARTUP_KEYS = /** @type {const} */ (['coldMs', 'pipelines', 'warmupMs', 'warmupPipelines', 'afterWarmupMs', 'afterWarmupPipelines']);

/**
 * The start-up figures of a case's runs, summarised; undefined when no run measured them.
 * @param {CaseRun[]} runs
 * @returns {StartupSummary | undefined}
 */
export function summariseStartup(runs) {
  const measured = runs.filter((r) => r.startup && !r.startup.error);
  if (!measured.length) return undefined;
  /** @type {StartupSummary} */
  const out = {};
  for (const k of STARTUP_KEYS) {
    const sp = spread(measured.map((r) => r.startup?.[k]));
    if (sp) out[k] = sp;
  }
  const warm = (/** @type {CaseRun} */ r) => {
    const m = r.results.find((x) => x.id === 'ours-auto');
    return m?.status === 'ok' ? m.medianMs : undefined;
  };
  const ratio = (/** @type {number | undefined} */ a, /** @type {number | undefined} */ b) => (a !== undefined && b ? a / b : undefined);
  const coldVsWarm = spread(measured.map((r) => ratio(r.startup?.coldMs, warm(r))));
  if (coldVsWarm) out.coldVsWarm = coldVsWarm;
  const afterVsWarm = spread(measured.map((r) => ratio(r.startup?.afterWarmupMs, warm(r))));
  if (afterVsWarm) out.afterWarmupVsWarm = afterVsWarm;
  return out;
}

/**
 * The ratios of one run, from its measurements.
 * @param {Measurement[]} results
 * @returns {RunRatios}
 */
export function runRatios(results) {
  /** @type {RunRatios} */
  const r = { speedup: {}, speedupKernel: {}, vsTfjsWebgpu: {}, vsTfjsWebgpuKernel: {} };
  const ok = (/** @type {Measurement | undefined} */ m) => (m && m.status === 'ok' ? m : undefined);
  const auto = ok(results.find((m) => m.id === 'ours-auto'));
  const webgpu = ok(results.find((m) => m.id === 'tfjs-webgpu'));
  for (const m of results) {
    if (m.status !== 'ok') continue;
    if (auto && m !== auto) {
      if (m.medianMs !== undefined && auto.medianMs) r.speedup[m.id] = m.medianMs / auto.medianMs;
      if (m.kernelMedianMs !== undefined && auto.kernelMedianMs) r.speedupKernel[m.id] = m.kernelMedianMs / auto.kernelMedianMs;
    }
    if (webgpu && m.kind === 'ours') {
      if (webgpu.medianMs !== undefined && m.medianMs) r.vsTfjsWebgpu[m.id] = webgpu.medianMs / m.medianMs;
      if (webgpu.kernelMedianMs !== undefined && m.kernelMedianMs) r.vsTfjsWebgpuKernel[m.id] = webgpu.kernelMedianMs / m.kernelMedianMs;
    }
  }
  return r;
}

/**
 * The runs of a case, in either file format (a schema-1 case is one run).
 * @param {CaseResult} c
 * @returns {CaseRun[]}
 */
export function caseRuns(c) {
  if (c.runs) return c.runs;
  const old = /** @type {CaseResult & Partial<CaseRun>} */ (c);
  /** @type {CaseRun} */
  const run = {
    run: 1,
    reference: c.reference,
    results: old.results ?? [],
    ...runRatios(old.results ?? []),
    wallS: old.wallS ?? 0,
  };
  // The ratios the run stored (from unrounded medians) over ones recomputed from the rounded medians.
  if (old.speedup) run.speedup = old.speedup;
  if (old.speedupKernel) run.speedupKernel = old.speedupKernel;
  if (old.speedup?.['tfjs-webgpu'] !== undefined) run.vsTfjsWebgpu['ours-auto'] = old.speedup['tfjs-webgpu'];
  if (old.speedupKernel?.['tfjs-webgpu'] !== undefined) run.vsTfjsWebgpuKernel['ours-auto'] = old.speedupKernel['tfjs-webgpu'];
  if (old.autoAlgorithm) run.autoAlgorithm = old.autoAlgorithm;
  if (old.otherCpuS !== undefined) run.otherCpuS = old.otherCpuS;
  return [run];
}

/**
 * Median and range of the defined values (undefined when there are none).
 * @param {(number | undefined)[]} values
 * @returns {Spread | undefined}
 */
export function spread(values) {
  const xs = /** @type {number[]} */ (values.filter((v) => v !== undefined && Number.isFinite(v)));
  if (!xs.length) return undefined;
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/** Worst first: what a contender that never got a time shows. */
const SEVERITY = /** @type {Status[]} */ (['wrong', 'failed', 'not-applicable', 'unsupported', 'skipped']);

/**
 * A warning when other processes used more than a fifth of a core while the case ran, else ''.
 * @param {{ wallS?: number, otherCpuS?: number }} r
 */
export function interference(r) {
  if (r.otherCpuS === undefined || !r.wallS) return '';
  const share = r.otherCpuS / r.wallS;
  return share > 0.2 ? `other processes used ${(share * 100).toFixed(0)}% of a core meanwhile` : '';
}

/**
 * The summary of a case over its runs.
 * @param {CaseResult} c
 * @returns {CaseSummary}
 */
export function summariseCase(c) {
  const runs = caseRuns(c);
  const n = runs.length;
  const ids = displayOrder(runs.flatMap((r) => r.results.map((m) => m.id)));
  /** @type {Record<string, ContenderSummary>} */
  const contenders = {};
  for (const id of ids) {
    const ms = /** @type {[number, Measurement][]} */ (runs.flatMap((r) => {
      const m = r.results.find((x) => x.id === id);
      return m ? [[r.run, m]] : [];
    }));
    const ok = ms.filter(([, m]) => m.status === 'ok').map(([, m]) => m);
    const first = /** @type {Measurement} */ (ms[0]?.[1]);
    const worst = SEVERITY.map((s) => ms.find(([, m]) => m.status === s)).find((x) => x);
    /** @type {ContenderSummary} */
    const s = {
      id,
      label: first.label ?? labelOf(id),
      kind: first.kind,
      status: ok.length ? 'ok' : (worst?.[1].status ?? first.status),
      okRuns: ok.length,
      ran: [...new Set(ms.map(([, m]) => ranOf(m)).filter((x) => x))],
      timed: ms.reduce((a, [, m]) => a + m.timesMs.length, 0),
      warmups: ms.reduce((a, [, m]) => a + m.warmupMs.length, 0),
    };
    const why = [...new Set(ms.map(([, m]) => m.why ?? ''))].filter((x) => x);
    if (why.length) s.why = why.join(' | ');
    if (!ok.length && worst?.[1].reason) s.reason = worst[1].reason;
    else if (!ok.length && first.reason) s.reason = first.reason;
    if (ok.length && ok.length < ms.length) {
      s.note = `ok in ${ok.length} of ${ms.length} runs; ${ms
        .filter(([, m]) => m.status !== 'ok')
        .map(([run, m]) => `run ${run}: ${m.status}${m.reason ? ` — ${m.reason}` : ''}`)
        .join('; ')}`;
    }
    const capped = ok.filter((m) => m.capped);
    if (capped.length) {
      const note = `one cold run${ok.length > 1 ? ' in each run of the suite' : ''}, timed: ${capped[0]?.reason ?? 'predicted over the per-run limit'}`;
      s.note = s.note ? `${s.note}; ${note}` : note;
    }
    // With one run, its own figures (a saved file's were rounded from the unrounded median).
    const one = ok.length === 1 ? ok[0] : undefined;
    const time = spread(ok.map((m) => m.medianMs));
    if (time) {
      s.time = time;
      s.minMs = Math.min(...ok.flatMap((m) => m.timesMs));
      s.gflops = one?.gflops ?? c.flops / (time.median * 1e6);
      s.gbps = one?.gbps ?? c.bytes / (time.median * 1e6);
    }
    const kernel = spread(ok.map((m) => m.kernelMedianMs));
    if (kernel) {
      s.kernel = kernel;
      s.gflopsKernel = one?.gflopsKernel ?? c.flops / (kernel.median * 1e6);
    }
    const checks = ms.map(([, m]) => m.check).filter((x) => x !== undefined);
    if (checks.length) s.worst = Math.max(...checks.map((x) => x.worst));
    const bad = checks.filter((x) => !x.ok);
    if (bad.length) s.badCheck = { maxAbsErr: Math.max(...bad.map((x) => x.maxAbsErr)), worst: Math.max(...bad.map((x) => x.worst)) };
    contenders[id] = s;
  }
  /** @param {keyof RunRatios} key */
  const ratios = (key) => {
    /** @type {Record<string, Spread>} */
    const out = {};
    for (const id of ids) {
      const sp = spread(runs.map((r) => (r[key] ?? runRatios(r.results)[key])[id]));
      if (sp) out[id] = sp;
    }
    return out;
  };
  const autoRan = [...new Set(runs.map((r) => ranOf(r.results.find((m) => m.id === 'ours-auto')) || r.autoAlgorithm || ''))].filter((x) => x);
  const busy = runs
    .map((r) => {
      const b = interference(r);
      return b && n > 1 ? `run ${r.run}: ${b}` : b;
    })
    .filter((x) => x)
    .join('; ');
  /** @type {(number | undefined)[]} */
  const autoVsBest = [];
  /** @type {(number | undefined)[]} */
  const tunedVsBest = [];
  /** @type {Set<string>} */
  const best = new Set();
  /** @type {(number | undefined)[]} */
  const directVsFft = [];
  /** @type {(number | undefined)[]} */
  const directPredictedVsFft = [];
  for (const r of runs) {
    const ok = (/** @type {string} */ id) => {
      const m = r.results.find((x) => x.id === id);
      return m && m.status === 'ok' && m.medianMs ? m : undefined;
    };
    const explicit = r.results.filter((m) => m.kind === 'ours' && m.id !== 'ours-auto' && m.id !== TUNED && m.status === 'ok' && m.medianMs);
    const fastest = explicit.reduce((/** @type {Measurement | undefined} */ a, m) => (!a || /** @type {number} */ (m.medianMs) < /** @type {number} */ (a.medianMs) ? m : a), undefined);
    const auto = ok('ours-auto');
    if (fastest && auto) {
      autoVsBest.push(/** @type {number} */ (auto.medianMs) / /** @type {number} */ (fastest.medianMs));
      best.add(fastest.id);
    }
    const tuned = ok(TUNED);
    if (fastest && tuned) tunedVsBest.push(/** @type {number} */ (tuned.medianMs) / /** @type {number} */ (fastest.medianMs));
    const fft = ok('ours-fft');
    const direct = r.results.find((x) => x.id === 'ours-direct');
    if (fft && direct?.status === 'ok' && direct.medianMs) directVsFft.push(direct.medianMs / /** @type {number} */ (fft.medianMs));
    const directMs = direct?.status === 'ok' ? direct.medianMs : direct?.predictedMs;
    if (fft && directMs) directPredictedVsFft.push(directMs / /** @type {number} */ (fft.medianMs));
  }
  /** @type {Pick<CaseSummary, 'autoVsBest' | 'tunedVsBest' | 'directVsFft' | 'directPredictedVsFft' | 'startup'>} */
  const extra = {};
  const startup = summariseStartup(runs);
  if (startup) extra.startup = startup;
  const avb = spread(autoVsBest);
  if (avb) extra.autoVsBest = avb;
  const tvb = spread(tunedVsBest);
  if (tvb) extra.tunedVsBest = tvb;
  const dvf = spread(directVsFft);
  if (dvf) extra.directVsFft = dvf;
  const dpvf = spread(directPredictedVsFft);
  if (dpvf && !dvf) extra.directPredictedVsFft = dpvf;
  return {
    ...extra,
    bestOurs: [...best].join(', '),
    runs: n,
    ids,
    contenders,
    speedup: ratios('speedup'),
    speedupKernel: ratios('speedupKernel'),
    vsTfjsWebgpu: ratios('vsTfjsWebgpu'),
    vsTfjsWebgpuKernel: ratios('vsTfjsWebgpuKernel'),
    autoRan: autoRan.join(', '),
    busy,
  };
}

/**
 * What one of ours ran ('im2col/implicit'), or ''.
 * @param {Measurement | undefined} m
 */
function ranOf(m) {
  return ranText(m?.algorithm, m?.variant);
}
