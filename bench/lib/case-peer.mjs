// @ts-check
/**
 * One TF.js peer (tfjs-webgpu, tfjs-wasm, tfjs-cpu) on one case in one run of the suite: skipped
 * where it lacks the operation, is not selected or is predicted too slow; else its backend selected,
 * inputs made resident, then measured (conv + readback) and its results checked like ours.
 */
import { selected, TFJS_BACKEND } from './contenders.mjs';
import { tfRunner, tfUnsupported } from './peers.mjs';
import { blank, errorText, finishMeasurement, measure, predictAction } from './timing.mjs';

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./timing.mjs').Measurement} Measurement */
/** @typedef {import('./timing.mjs').SuiteConfig} SuiteConfig */
/** @typedef {import('./suite.mjs').SuiteEnv} SuiteEnv */
/** @typedef {import('./case.mjs').RunState} RunState */

/**
 * One TF.js peer on the case: its backend selected, inputs made resident, then measured.
 * @param {string} id
 * @param {BenchCase} c
 * @param {SuiteConfig} config
 * @param {SuiteEnv} env
 * @param {RunState} state
 * @param {Float32Array} input
 * @param {Float32Array} weight
 * @param {(m: Measurement, got: Float32Array) => boolean} check
 * @returns {Promise<Measurement>}
 */
export async function runPeer(id, c, config, env, state, input, weight, check) {
  const m = blank(id, 'peer');
  const peers = env.peers;
  const why = !peers ? 'TF.js not loaded' : peers.available[id] || tfUnsupported(c);
  if (why || !peers) {
    m.status = 'unsupported';
    m.reason = why;
    return m;
  }
  if (!selected(config, id)) {
    m.status = 'skipped';
    m.reason = `not selected (--contenders ${config.contenders})`;
    return m;
  }
  const plan = predictAction(state.rates, c, id, config);
  if (plan.action !== 'run') {
    m.status = 'skipped';
    m.reason = plan.reason;
    m.predictedMs = plan.predictedMs;
    return m;
  }
  const tf = peers.tf;
  const errorsBefore = env.gpuErrors.length;
  /** @type {ReturnType<typeof tfRunner> | undefined} */
  let runner;
  try {
    await tf.setBackend(TFJS_BACKEND[id]);
    runner = tfRunner(tf, c, input, weight);
    const r = runner;
    await measure(m, config, () => r.run(), (got) => check(m, r.layout(got)), env, undefined, c.group !== 'shapes');
    if (id === 'tfjs-webgpu' && peers.webgpuTimestamps && m.status === 'ok') {
      const runs = Math.min(config.kernelRuns, Math.max(1, m.timesMs.length));
      for (let i = 0; i < runs; i++) {
        const k = await r.time();
        if (k > 0) m.kernelMs.push(k);
      }
    }
  } catch (e) {
    m.status = 'failed';
    m.reason = errorText(e);
  } finally {
    runner?.dispose();
  }
  if (env.gpuErrors.length > errorsBefore) {
    m.status = 'failed';
    m.reason = `uncaptured WebGPU error: ${env.gpuErrors.slice(errorsBefore).join(' | ')}`.slice(0, 600);
  }
  if (m.status !== 'failed' && m.check && !m.check.ok) {
    m.status = 'wrong';
    m.reason = `result differs from the CPU reference: ${m.check.firstBad}`;
  }
  finishMeasurement(m, c, state.rates);
  return m;
}
