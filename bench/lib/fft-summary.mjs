// @ts-check
/**
 * bench:fft's summary of each case over the runs: each figure is the median (min–max) over the runs
 * of each run's median; ratios (each contender's time ÷ ours end to end, or ÷ ours 'fft' for the
 * convolutions) are formed within a run, then summarised the same way.
 */
import { spread } from './summary.mjs';
import { CONV_CONTENDERS, TRANSFORM_CONTENDERS } from './fft-cases.mjs';

/** @typedef {import('./fft-cases.mjs').FftCase} FftCase */
/** @typedef {import('./fft-timing.mjs').FftMeasurement} FftMeasurement */
/** @typedef {import('./fft-run.mjs').CaseRun} CaseRun */
/** @typedef {import('./summary.mjs').Spread} Spread */

/**
 * @param {FftCase} c
 * @param {{ run: number, results: FftMeasurement[] }[]} runs
 */
export function summarise(c, runs) {
  const ids = c.op === 'conv1d' ? CONV_CONTENDERS : TRANSFORM_CONTENDERS;
  /** @type {Record<string, any>} */
  const contenders = {};
  for (const id of ids) {
    const ms = runs.map((r) => r.results.find((m) => m.id === id)).filter((m) => m !== undefined);
    const ok = ms.filter((m) => m.status === 'ok');
    const time = spread(ok.map((m) => m.medianMs));
    const first = ms[0];
    contenders[id] = {
      status: ok.length ? 'ok' : (first?.status ?? 'missing'),
      reason: ok.length ? (first?.reason ?? undefined) : first?.reason,
      okRuns: ok.length,
      variant: [...new Set(ms.map((m) => m.variant).filter((v) => v))].join(', ') || undefined,
      time,
      gflops: time ? c.flops / (time.median * 1e6) : undefined,
      gbps: time ? c.bytes / (time.median * 1e6) : undefined,
      err: ms.some((m) => m.err !== undefined) ? Math.max(...ms.map((m) => m.err ?? 0)) : undefined,
      bound: first?.bound,
      worst: ms.some((m) => m.worst !== undefined) ? Math.max(...ms.map((m) => m.worst ?? 0)) : undefined,
    };
  }
  // Same-run ratios: each contender's median ÷ ours' (end to end; convolutions: ours fft).
  const base = c.op === 'conv1d' ? 'ours-fft' : 'ours';
  /** @type {Record<string, Spread>} */
  const vsOurs = {};
  for (const id of ids) {
    if (id === base) continue;
    const sp = spread(
      runs.map((r) => {
        const a = r.results.find((m) => m.id === base);
        const b = r.results.find((m) => m.id === id);
        return a?.status === 'ok' && b?.status === 'ok' && a.medianMs && b.medianMs ? b.medianMs / a.medianMs : undefined;
      }),
    );
    if (sp) vsOurs[id] = sp;
  }
  return { contenders, vsOurs, base };
}

/**
 * The results file's `cases`: each case (a convolution's shapes and options in place of its
 * BenchCase) with how it was checked, its runs (other processes' CPU time and the wall time added up
 * over them) and its summary.
 * @param {Map<string, { c: FftCase, runs: CaseRun[], reference: string }>} perCase
 */
export function caseRecords(perCase) {
  return [...perCase.values()].map(({ c, runs, reference }) => {
    const { conv, ...rest } = c;
    return {
      ...rest,
      ...(conv ? { inputShape: conv.inputShape, weightShape: conv.weightShape, options: conv.options } : {}),
      reference,
      otherCpuS: runs.every((r) => r.otherCpuS !== undefined) ? runs.reduce((a, r) => a + (r.otherCpuS ?? 0), 0) : undefined,
      wallS: runs.reduce((a, r) => a + r.wallS, 0),
      runs,
      summary: summarise(c, runs),
    };
  });
}

/** @typedef {ReturnType<typeof caseRecords>[number]} FftCaseRecord */
