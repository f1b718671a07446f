// @ts-check
/**
 * Start-up of ours auto on one case of the shape suite (the `startup` of a case's run): its first
 * call on a new engine, cold, and after `engine.warmup` on another, with the pipelines each compiled.
 */
import { blank, errorText } from './timing.mjs';

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./timing.mjs').Measurement} Measurement */
/** @typedef {import('./suite.mjs').SuiteEnv} SuiteEnv */
/** @typedef {import('../../dist/index.js').ConvEngine} ConvEngine */
/** @typedef {import('../../dist/index.js').RunInfo} RunInfo */

/**
 * Start-up of ours auto on one case, on engines made for it (new devices: no pipeline cached):
 * on one, its first call (`coldMs`: planning, compiling and running; `pipelines`: what it compiled);
 * on another, `engine.warmup` with the input given as its shape and the weight as data (`warmupMs`,
 * `warmupPipelines`: what it compiled), then the first call (`afterWarmupMs`; `afterWarmupPipelines`:
 * what that call still compiled, 0 when warmup covered it). Results are checked like every other.
 * Where the driver keeps an on-disk shader cache (Mesa's, unless MESA_SHADER_CACHE_DISABLE is set)
 * a "cold" call after the first run of a machine finds its machine code there.
 * @typedef {object} Startup
 * @property {number} [coldMs]
 * @property {number} [pipelines]
 * @property {number} [warmupMs]
 * @property {number} [warmupPipelines]
 * @property {number} [afterWarmupMs]
 * @property {number} [afterWarmupPipelines]
 * @property {boolean} [ok]       both results matched the reference
 * @property {string} [error]     what went wrong, when something did
 */

/**
 * @param {BenchCase} c
 * @param {import('../../dist/index.js').HostTensor} input
 * @param {import('../../dist/index.js').HostTensor} weight
 * @param {SuiteEnv} env
 * @param {(m: Measurement, got: Float32Array) => boolean} check
 * @returns {Promise<Startup>}
 */
export async function measureStartup(c, input, weight, env, check) {
  /** @type {Startup} */
  const out = {};
  const newEngine = /** @type {() => Promise<ConvEngine>} */ (env.newEngine);
  const m = blank('ours-auto', 'ours');
  const opts = /** @type {any} */ ({ ...c.options, onRun: (/** @type {RunInfo} */ info) => Object.assign(m, { algorithm: info.algorithm, variant: info.variant }) });
  const call = async (/** @type {ConvEngine} */ e) => {
    const r = c.op === 'conv1d' ? await e.conv1d(input, weight, opts) : await e.conv2d(input, weight, opts);
    return /** @type {{ data: Float32Array }} */ (/** @type {unknown} */ (r)).data;
  };
  try {
    const cold = await newEngine();
    try {
      const t0 = performance.now();
      const got = await call(cold);
      out.coldMs = performance.now() - t0;
      out.pipelines = cold.stats().pipelinesCached;
      out.ok = check(m, got);
    } finally {
      cold.destroy();
    }
    const warmed = await newEngine();
    try {
      const t0 = performance.now();
      const summary = await warmed.warmup(/** @type {any} */ (c.op), { shape: input.shape }, weight, /** @type {any} */ (c.options));
      out.warmupMs = performance.now() - t0;
      out.warmupPipelines = summary.pipelinesCompiled;
      const t1 = performance.now();
      const got = await call(warmed);
      out.afterWarmupMs = performance.now() - t1;
      out.afterWarmupPipelines = warmed.stats().pipelinesCached - summary.pipelinesCompiled;
      out.ok = check(m, got) && out.ok;
    } finally {
      warmed.destroy();
    }
  } catch (e) {
    out.error = errorText(e);
  }
  return out;
}
