// @ts-check
/**
 * bench:fft's timing of one contender on one case in one run: warm-up (1–2 calls, the first one's
 * output checked), then up to `--repeats` timed calls within `--budget-s`, at least 3; the median,
 * the fastest, GFLOP/s and GB/s.
 */
import { median } from './timing.mjs';

/** @typedef {import('./fft-cases.mjs').FftCase} FftCase */

/**
 * @typedef {object} FftMeasurement One contender on one case in one run.
 * @property {string} id
 * @property {'ok' | 'wrong' | 'failed' | 'not-applicable' | 'skipped'} status
 * @property {string} [reason]
 * @property {string} [variant]    ours: `onRun`'s variant
 * @property {number[]} warmupMs
 * @property {number[]} timesMs
 * @property {number} [medianMs]
 * @property {number} [minMs]
 * @property {number} [gflops]
 * @property {number} [gbps]
 * @property {number} [err]        transforms: ‖X − X_ref‖₂ in units of u·‖X_ref‖₂ (worst of the checked calls)
 * @property {number} [bound]      transforms: the bound in the same units
 * @property {number} [worst]      convolutions: error / tolerance (≤ 1 passes)
 */

/**
 * A `measure` under the run's budget and repeats.
 * @param {{ budgetS: number, repeats: number }} opts
 */
export function createMeasure(opts) {
  /**
   * Warm-up (its first call's output checked), then timed calls within the budget.
   * @param {FftMeasurement} m
   * @param {FftCase} c
   * @param {() => Promise<unknown> | unknown} fn
   * @param {(out: any) => boolean} check   true when the output passes
   */
  async function measure(m, c, fn, check) {
    /** @type {any} */ (globalThis).gc?.();
    const budget = opts.budgetS * 1000;
    let last = 0;
    try {
      for (let i = 0; i < 2; i++) {
        const t0 = performance.now();
        const out = await fn();
        last = performance.now() - t0;
        m.warmupMs.push(last);
        if (i === 0 && !check(out)) {
          m.status = 'wrong';
          return;
        }
        if (last > budget / 4) break;
      }
      const n = Math.min(opts.repeats, Math.max(3, Math.floor(budget / Math.max(last, 1e-3))));
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        await fn();
        m.timesMs.push(performance.now() - t0);
      }
    } catch (e) {
      m.status = 'failed';
      m.reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      return;
    }
    m.medianMs = median(m.timesMs);
    m.minMs = Math.min(...m.timesMs);
    m.gflops = c.flops / (m.medianMs * 1e6);
    m.gbps = c.bytes / (m.medianMs * 1e6);
  }
  return measure;
}

/** @param {string} id @returns {FftMeasurement} */
export const blankM = (id) => ({ id, status: 'ok', warmupMs: [], timesMs: [] });
