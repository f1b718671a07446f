// @ts-check
/**
 * bench:gaussian's timing of one contender on one cell in one run, and the wait for a quiet machine.
 *
 * Time limits: a contender other than ours 'auto' whose call is predicted (from its time per unit of
 * work on the same cell in an earlier run, else on the previous cell) above --max-call-s is not run:
 * "> budget" with the estimate. Timed calls: a warm-up when the call is predicted short, then up to
 * --repeats within --budget-s, at least one (three when short).
 */
import { OptionError } from '../../dist/index.js';
import { fmtMs } from './format.mjs';
import { otherCpuSeconds } from './node-env.mjs';
import { median } from './timing.mjs';
import { workOf } from './gaussian-contenders.mjs';

/** @typedef {import('./gaussian-cells.mjs').Cell} Cell */

/**
 * @typedef {object} Measurement One contender on one cell in one run.
 * @property {string} id
 * @property {'ok' | 'wrong' | 'failed' | 'not-applicable' | 'skipped' | 'unavailable'} status
 * @property {string} [reason]
 * @property {string} [ran]          ours: `algorithm/variant` from onRun
 * @property {number[]} warmupMs
 * @property {number[]} timesMs
 * @property {number} [medianMs]
 * @property {number} [minMs]
 * @property {boolean} [cold]        no warm-up call before the timed one(s) (a long call, first run)
 * @property {number} [predictedMs]  the prediction that skipped it, or that it was run under
 * @property {number} [err]          ours: worst |ours − float64| over the samples (8-bit levels)
 * @property {{ maxAbs: number, meanAbs: number, margin: number, pixels: number }} [agreement] peers: against ours 'auto'
 * @property {number} radius         the contender's kernel radius
 */

/**
 * What `measure` calls: `call` is timed; `prepare` runs before each call, untimed (jimp blurs in
 * place: a fresh copy of the bitmap); `check` sees the first call's output (false: wrong);
 * `predictedMs` overrides the prediction (ours GPU-resident: ours 'auto''s time in this run).
 * @typedef {{ call: (p: any, warm: boolean) => Promise<unknown> | unknown, prepare?: () => any, check: (out: any) => boolean | void, predictedMs?: number }} MeasureSpec
 */

/**
 * A `measure` under the run's limits, with its own record of each contender's time per unit of work
 * (its predictions).
 * @param {{ budgetS: number, maxCallS: number, repeats: number }} opts
 */
export function createMeasure(opts) {
  /** ms per unit of work: per cell id (an earlier run), and the latest cell, per contender. */
  /** @type {Map<string, { byCell: Map<string, number>, last?: number }>} */
  const rates = new Map();
  /** @param {string} id @param {Cell} c @returns {number | undefined} */
  function predictMs(id, c) {
    const r = rates.get(id);
    if (!r) return undefined;
    const rate = r.byCell.get(c.id) ?? r.last;
    return rate === undefined ? undefined : rate * workOf(id, c);
  }
  /** @param {string} id @param {Cell} c @param {number} ms */
  function learn(id, c, ms) {
    let r = rates.get(id);
    if (!r) rates.set(id, (r = { byCell: new Map() }));
    const rate = ms / workOf(id, c);
    r.byCell.set(c.id, rate);
    r.last = rate;
  }

  /**
   * Warm-up (when short), then timed calls within the budget; the first call's output is checked.
   * An explicit algorithm that rejects the shape (OptionError) is n/a.
   * @param {Measurement} m
   * @param {Cell} c
   * @param {number} run
   * @param {MeasureSpec} f
   */
  async function measure(m, c, run, f) {
    /** @type {any} */ (globalThis).gc?.();
    const budget = opts.budgetS * 1000;
    const predicted = f.predictedMs ?? predictMs(m.id, c);
    if (predicted !== undefined) m.predictedMs = predicted;
    if (m.id !== 'ours-auto' && predicted !== undefined && predicted > opts.maxCallS * 1000) {
      m.status = 'skipped';
      m.reason = `> budget: predicted ${fmtMs(predicted)} per call (--max-call-s ${opts.maxCallS})`;
      return;
    }
    const once = async (/** @type {boolean} */ warm) => {
      const p = f.prepare?.();
      const t0 = performance.now();
      const out = await f.call(p, warm);
      return { out, ms: performance.now() - t0 };
    };
    try {
      let checked = false;
      let last = predicted;
      if (predicted === undefined || predicted <= budget / 2) {
        const { out, ms } = await once(true);
        m.warmupMs.push(ms);
        last = ms;
        checked = true;
        if (f.check(out) === false) {
          m.status = 'wrong';
          return;
        }
      } else if (run === 1) {
        m.cold = true;
      }
      const lastMs = last ?? budget;
      const n = Math.max(lastMs < budget / 3 ? 3 : 1, Math.min(opts.repeats, Math.floor(budget / Math.max(lastMs, 1e-3))));
      for (let i = 0; i < n; i++) {
        const { out, ms } = await once(false);
        m.timesMs.push(ms);
        if (!checked) {
          checked = true;
          if (f.check(out) === false) {
            m.status = 'wrong';
            return;
          }
        }
        if (i === 0 && n > 1 && ms > budget) break; // slower than predicted: one timed call is enough
      }
    } catch (e) {
      if (e instanceof OptionError) {
        m.status = 'not-applicable';
        m.reason = `${e.name}: ${e.message}`;
      } else {
        m.status = 'failed';
        m.reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      }
      return;
    }
    m.medianMs = median(m.timesMs);
    m.minMs = Math.min(...m.timesMs);
    learn(m.id, c, m.medianMs);
  }
  return measure;
}

/**
 * Waits (up to `maxS`) until other processes use less than a fifth of a core over a 1-s window.
 * Returns the seconds waited and whether it was quiet at the end.
 * @param {number} maxS
 */
export async function waitQuiet(maxS) {
  const t0 = performance.now();
  for (;;) {
    const a = otherCpuSeconds();
    await new Promise((res) => setTimeout(res, 1000));
    const b = otherCpuSeconds();
    const waited = (performance.now() - t0) / 1000;
    if (a === undefined || b === undefined) return { waitedS: 0, quiet: true };
    if ((b - a) / 1 <= 0.2) return { waitedS: waited, quiet: true };
    if (waited >= maxS) return { waitedS: waited, quiet: false };
  }
}
