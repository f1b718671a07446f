// @ts-check
/**
 * bench:gaussian's summary of each cell over the runs: figures are the median (min–max) over the runs
 * of each run's median; ratios are formed within a run, then summarised the same way.
 */
import { spread } from './summary.mjs';
import { CONTENDERS } from './gaussian-contenders.mjs';

/** @typedef {import('./gaussian-cells.mjs').Cell} Cell */
/** @typedef {import('./gaussian-timing.mjs').Measurement} Measurement */
/** @typedef {import('./gaussian-run.mjs').CellRun} CellRun */
/** @typedef {import('./summary.mjs').Spread} Spread */

/**
 * Per contender: time over the runs; per run ratios (each contender's median ÷ ours 'auto''s, > 1 =
 * ours faster; 'direct ÷ separable'), summarised; agreement and error, worst over the runs.
 * @param {Cell} c
 * @param {{ run: number, results: Measurement[] }[]} runs
 */
export function summarise(c, runs) {
  /** @type {Record<string, any>} */
  const contenders = {};
  for (const id of CONTENDERS) {
    const ms = runs.map((r) => r.results.find((m) => m.id === id)).filter((m) => m !== undefined);
    const ok = ms.filter((m) => m.status === 'ok');
    const notOk = ms.find((m) => m.status !== 'ok');
    const agreements = ms.map((m) => m.agreement).filter((a) => a !== undefined);
    contenders[id] = {
      status: ok.length ? 'ok' : (notOk?.status ?? 'missing'),
      reason: ok.length ? ms.find((m) => m.reason)?.reason : notOk?.reason,
      okRuns: ok.length,
      radius: ms[0]?.radius,
      ran: [...new Set(ms.map((m) => m.ran).filter((v) => v))].join(', ') || undefined,
      time: spread(ok.map((m) => m.medianMs)),
      fastestMs: ok.length ? Math.min(...ok.map((m) => /** @type {number} */ (m.minMs))) : undefined,
      predictedMs: ok.length ? undefined : spread(ms.map((m) => m.predictedMs)),
      cold: ms.some((m) => m.cold) || undefined,
      err: ms.some((m) => m.err !== undefined) ? Math.max(...ms.map((m) => m.err ?? 0)) : undefined,
      agreement: agreements.length ? { maxAbs: Math.max(...agreements.map((a) => a.maxAbs)), meanAbs: Math.max(...agreements.map((a) => a.meanAbs)), margin: agreements[0]?.margin, pixels: agreements[0]?.pixels } : undefined,
    };
  }
  /** @param {string} a @param {string} b ratio a ÷ b per run (both measured in it) */
  const ratio = (a, b) =>
    spread(
      runs.map((r) => {
        const x = r.results.find((m) => m.id === a);
        const y = r.results.find((m) => m.id === b);
        return x?.status === 'ok' && y?.status === 'ok' && x.medianMs && y.medianMs ? x.medianMs / y.medianMs : undefined;
      }),
    );
  /** @type {Record<string, Spread>} */
  const vsAuto = {};
  for (const id of CONTENDERS) {
    if (id === 'ours-auto') continue;
    const sp = ratio(id, 'ours-auto');
    if (sp) vsAuto[id] = sp;
  }
  /** Skipped peers: their estimate ÷ ours 'auto' (a lower bound of the ratio when the estimate is low). @type {Record<string, Spread>} */
  const estimatedVsAuto = {};
  for (const id of CONTENDERS) {
    const sp = spread(
      runs.map((r) => {
        const x = r.results.find((m) => m.id === id);
        const a = r.results.find((m) => m.id === 'ours-auto');
        return x?.status === 'skipped' && x.predictedMs && a?.status === 'ok' && a.medianMs ? x.predictedMs / a.medianMs : undefined;
      }),
    );
    if (sp) estimatedVsAuto[id] = sp;
  }
  return { contenders, vsAuto, estimatedVsAuto, directOverSeparable: ratio('ours-direct', 'ours-separable'), gpuDirectOverSeparable: ratio('ours-gpu-direct', 'ours-gpu-separable') };
}

/**
 * The results file's `cells`: each cell with its runs (other processes' CPU time and the wall time
 * added up over them) and its summary.
 * @param {Map<string, { c: Cell, runs: CellRun[] }>} perCell
 */
export function cellRecords(perCell) {
  return [...perCell.values()].map(({ c, runs }) => ({
    ...c,
    otherCpuS: runs.every((r) => r.otherCpuS !== undefined) ? runs.reduce((a, r) => a + (r.otherCpuS ?? 0), 0) : undefined,
    wallS: runs.reduce((a, r) => a + r.wallS, 0),
    runs,
    summary: summarise(c, runs),
  }));
}
