// @ts-check
/**
 * The reference of one case in one run of the suite, and the check of every result against it.
 * Shape suite: the full reference where one run of the CPU reference is predicted under cpuLimitMs.
 * Sweeps: only under fullRefMs (the values and the magnitude sums take two runs); larger points are
 * checked on `samples` outputs computed directly in float64, and the CPU reference is timed as a
 * contender like any other (skipped when predicted over maxRunMs). FFT convolution (explicit, or what
 * auto ran) is checked normwise per output plane; Winograd elementwise with its own magnitudes (the
 * transforms' entries); everything else with γ_L·Σ|x·w| (check.mjs).
 */
import { WINOGRAD_MATRICES } from '../../dist/algorithms/winograd.js';
import { checkResult, fftChecker, fullReference, sampleReference, winogradChecker } from './check.mjs';
import { predictMs } from './timing.mjs';

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./check.mjs').Reference} Reference */
/** @typedef {import('./timing.mjs').Measurement} Measurement */
/** @typedef {import('./timing.mjs').SuiteConfig} SuiteConfig */
/** @typedef {import('./case.mjs').RunState} RunState */
/** @typedef {import('../../dist/index.js').HostTensor} HostTensor */

/**
 * The case's reference: computed once, timed as the CPU reference's first run (in `cpuM.warmupMs`,
 * and `state.cpuRate` updated); or sampled, `cpuM` then skipped with the reason where the CPU
 * reference is not to be timed.
 * @param {BenchCase} c
 * @param {SuiteConfig} config
 * @param {RunState} state
 * @param {Parameters<typeof fullReference>[0]} cpuOp  the CPU reference op of the case (`cpu.conv2d` / `cpu.conv1d`)
 * @param {HostTensor} input
 * @param {HostTensor} weight
 * @param {Measurement} cpuM  the CPU reference's measurement
 * @returns {Reference}
 */
export function caseReference(c, config, state, cpuOp, input, weight, cpuM) {
  /** @type {Reference} */
  let reference;
  const sweep = c.group !== 'shapes';
  const predictedCpu = predictMs(state.rates, c, 'cpu-ref') ?? (c.flops / state.cpuRate) * 1000;
  if (predictedCpu <= (sweep ? config.fullRefMs : config.cpuLimitMs)) {
    const t0 = performance.now();
    const values = cpuOp(input, weight, c.options).data;
    const t = performance.now() - t0;
    state.cpuRate = c.flops / (t / 1000);
    reference = fullReference(cpuOp, input, weight, c.options, c.reduction, values);
    cpuM.warmupMs.push(t);
  } else {
    reference = sampleReference(c, input.data, weight.data, config.samples);
    const checked = `results checked on ${reference.ref.length} sampled outputs computed directly in float64`;
    if (!sweep || predictedCpu > config.maxRunMs) {
      cpuM.status = 'skipped';
      cpuM.predictedMs = predictedCpu;
      cpuM.reason = `predicted > ${(sweep ? config.maxRunMs : config.cpuLimitMs) / 1000} s per run (${(predictedCpu / 1000).toFixed(0)} s); ${checked}`;
    }
  }
  return reference;
}

/**
 * The check of the case's results: true when `got` passes; `m.check` keeps the worst of every
 * output of `m` checked (and the first bad one).
 * @param {BenchCase} c
 * @param {Float32Array} x the input's data
 * @param {Float32Array} w the weight's data
 * @param {Reference} reference
 * @returns {(m: Measurement, got: Float32Array) => boolean}
 */
export function resultChecker(c, x, w, reference) {
  const fftCheck = fftChecker(c, x, w);
  /** @type {ReturnType<typeof winogradChecker> | undefined} */
  let winoCheck;
  return (m, got) => {
    const r =
      m.algorithm === 'fft'
        ? fftCheck(got, reference, m.variant ?? '')
        : m.algorithm === 'winograd'
          ? (winoCheck ??= winogradChecker(c, x, w, /** @type {any} */ (WINOGRAD_MATRICES)))(got, reference, m.variant ?? '')
          : checkResult(got, reference);
    if (!m.check) m.check = { ...r, checks: 1 };
    else {
      m.check.checks++;
      m.check.maxAbsErr = Math.max(m.check.maxAbsErr, r.maxAbsErr);
      m.check.worst = Math.max(m.check.worst, r.worst);
      if (!r.ok && m.check.ok) {
        m.check.ok = false;
        if (r.firstBad !== undefined) m.check.firstBad = r.firstBad;
      }
    }
    return r.ok;
  };
}
