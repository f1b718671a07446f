// @ts-check
/**
 * bench:fft's measurement loop: `--runs` times, every case, every contender in turn, each output
 * checked before it is timed (a wrong result of ours fails the run; a wrong peer is marked WRONG and
 * not timed). Transforms are timed two ways: end to end (a host array in, the spectrum read back:
 * upload + transform + readback) and on the GPU alone (a GpuTensor in, `output: 'gpu'`, until the
 * queue is done); against the peers and our own float64 CPU reference (`cpu.rfft`, `cpu.rfft2`).
 * Convolutions: ours 'fft' and 'auto' against ml-convolution. A line per case and run on stderr.
 */
import { randomTensor } from '../../dist/testing.js';
import { checkResult, fftChecker, sampleReference } from './check.mjs';
import { fmtMs } from './format.mjs';
import { otherCpuSeconds } from './node-env.mjs';
import { CONV_CONTENDERS, inputOf, TRANSFORM_CONTENDERS } from './fft-cases.mjs';
import { boundUnits, errUnits } from './fft-check.mjs';
import { fftjsRfft, fftjsRfft2, pffftReal, pffftRfft, pffftRfft2 } from './fft-peers.mjs';
import { blankM, createMeasure } from './fft-timing.mjs';

/** @typedef {import('../../dist/index.js').HostTensor} HostTensor */
/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./fft-cases.mjs').FftCase} FftCase */
/** @typedef {import('./fft-args.mjs').FftOptions} FftOptions */
/** @typedef {import('./fft-timing.mjs').FftMeasurement} FftMeasurement */
/** @typedef {{ run: number, otherCpuS?: number, wallS: number, results: FftMeasurement[] }} CaseRun */

/**
 * What the entry point provides.
 * @typedef {object} FftEnv
 * @property {import('../../dist/index.js').ConvEngine} engine
 * @property {typeof import('../../dist/index.js').cpu} cpu
 * @property {import('./fft-peers.mjs').MlConvolution | undefined} mlConvolution   ml-convolution (with --no-peers: not loaded)
 * @property {boolean} mlReverse   ml-convolution convolves: its kernel is passed reversed
 * @property {(m: string) => void} log
 */

/**
 * Runs every case `opts.runs` times.
 * @param {FftCase[]} cases
 * @param {FftOptions} opts
 * @param {FftEnv} env
 * @returns {Promise<{ perCase: Map<string, { c: FftCase, runs: CaseRun[], reference: string }>, failures: string[] }>}
 */
export async function runCases(cases, opts, env) {
  const { engine, cpu, mlConvolution, mlReverse, log } = env;
  const device = engine.device;
  const measure = createMeasure(opts);
  /** @type {Map<string, { c: FftCase, runs: CaseRun[], reference: string }>} */
  const perCase = new Map(cases.map((c) => [c.id, { c, runs: [], reference: '' }]));
  /** @type {string[]} */
  const failures = [];

  /** References, computed once per case: the CPU reference's spectrum (and its time), or the sampled conv outputs. */
  /** @type {Map<string, { spectrum?: Float32Array, refMs?: number, conv?: import('./check.mjs').Reference, fftCheck?: ReturnType<typeof fftChecker> }>} */
  const references = new Map();

  for (let run = 1; run <= opts.runs; run++) {
    if (opts.runs > 1) log(`run ${run} of ${opts.runs}`);
    for (const c of cases) {
      const t0 = performance.now();
      const other0 = otherCpuSeconds();
      const x = inputOf(c);
      /** @type {FftMeasurement[]} */
      const results = [];
      const entry = /** @type {NonNullable<ReturnType<typeof perCase.get>>} */ (perCase.get(c.id));
      let ref = references.get(c.id);
      if (c.op === 'conv1d') {
        const bc = /** @type {BenchCase} */ (c.conv);
        let seed = 17;
        for (const ch of c.id) seed = Math.imul(seed, 31) + ch.charCodeAt(0);
        const weight = randomTensor(bc.weightShape, seed ^ 0x5bd1e995);
        const input = { data: x.data, shape: bc.inputShape };
        if (!ref) {
          ref = { conv: sampleReference(bc, input.data, weight.data, 4096), fftCheck: fftChecker(bc, input.data, weight.data) };
          references.set(c.id, ref);
          entry.reference = 'sampled (4096 outputs, float64 direct sums)';
        }
        const r = ref;
        const conv = /** @type {import('./check.mjs').Reference} */ (r.conv);
        const fftCheck = /** @type {ReturnType<typeof fftChecker>} */ (r.fftCheck);
        for (const id of CONV_CONTENDERS) {
          const m = blankM(id);
          results.push(m);
          if (id === 'ml-convolution' && !opts.peers) {
            m.status = 'skipped';
            m.reason = '--no-peers';
            continue;
          }
          /** Our checks: FFT normwise (per the variant that ran), else elementwise. */
          const checkOurs = (/** @type {Float32Array} */ got) => {
            const res = m.variant && /^\d+x\d+/.test(m.variant) ? fftCheck(got, conv, m.variant) : checkResult(got, conv);
            m.worst = Math.max(m.worst ?? 0, res.worst);
            if (!res.ok) m.reason = res.firstBad;
            return res.ok;
          };
          if (id === 'ml-convolution') {
            const k = bc.geo.KW;
            const kern = mlReverse ? weight.data.slice().reverse() : weight.data;
            const F = 2 ** Math.ceil(Math.log2(Math.max(2, c.N + k - 1)));
            await measure(m, c, () => /** @type {import('./fft-peers.mjs').MlConvolution} */ (mlConvolution).fftConvolution(input.data, kern), (/** @type {number[]} */ got) => {
              const res = fftCheck(Float32Array.from(got), conv, `1x${F}`);
              m.worst = res.worst;
              if (!res.ok) m.reason = res.firstBad;
              return res.ok;
            });
            if (mlReverse && m.status === 'ok') m.reason = 'kernel passed reversed (ml-convolution convolves; ours cross-correlates)';
            m.variant = `fft.js complex ${F}`;
          } else {
            const alg = id.slice(5);
            const o = /** @type {any} */ ({ padding: 'same', algorithm: alg, onRun: (/** @type {any} */ i) => (m.variant = i.algorithm === 'fft' ? i.variant : `${i.algorithm}/${i.variant}`) });
            await measure(m, c, async () => /** @type {HostTensor} */ (await engine.conv1d(input, weight, o)).data, (/** @type {Float32Array} */ got) => checkOurs(got));
            if (m.status === 'wrong') failures.push(`${c.id} ${id}: WRONG: ${m.reason}`);
            if (m.status === 'failed') failures.push(`${c.id} ${id}: FAILED: ${m.reason}`);
          }
        }
      } else {
        if (!ref) {
          const r0 = performance.now();
          const spectrum = /** @type {Float32Array} */ (c.op === 'rfft' ? cpu.rfft(x).data : cpu.rfft2(x).data);
          ref = { spectrum, refMs: performance.now() - r0 };
          references.set(c.id, ref);
          entry.reference = 'cpu.' + c.op + ' (float64)';
        }
        const spectrum = /** @type {Float32Array} */ (ref.spectrum);
        const bound = boundUnits(c.shape);
        for (const id of TRANSFORM_CONTENDERS) {
          const m = blankM(id);
          results.push(m);
          const check = (/** @type {ArrayLike<number>} */ got) => {
            const e = errUnits(got, spectrum);
            m.err = Math.max(m.err ?? 0, e);
            m.bound = bound;
            if (!(e <= bound)) m.reason = `‖X − X_ref‖₂ = ${e.toFixed(2)}·u·‖X_ref‖₂ > ${bound.toFixed(1)}`;
            return e <= bound;
          };
          const [H, W] = c.shape.length === 2 ? /** @type {[number, number]} */ (c.shape) : [1, /** @type {number} */ (c.shape[0])];
          const pow2 = (W & (W - 1)) === 0 && (H & (H - 1)) === 0;
          if (id === 'ours') {
            const o = { onRun: (/** @type {any} */ i) => (m.variant = i.variant) };
            await measure(m, c, async () => (c.op === 'rfft' ? await engine.rfft(x, o) : await engine.rfft2(x, o)).data, check);
          } else if (id === 'ours-gpu') {
            const xt = await engine.upload(x);
            const o = /** @type {const} */ ({ output: 'gpu', onRun: (/** @type {any} */ i) => (m.variant = i.variant) });
            let first = true;
            await measure(
              m,
              c,
              async () => {
                const out = c.op === 'rfft' ? await engine.rfft(xt, o) : await engine.rfft2(xt, o);
                await device.queue.onSubmittedWorkDone();
                // The first call's spectrum is read back (outside the timed calls) for the check.
                const data = first ? (await out.read()).data : undefined;
                first = false;
                out.destroy();
                return data;
              },
              check,
            );
            xt.destroy();
          } else if (id === 'cpu-ref') {
            // Its first run made the reference; time it within the budget, or report that one run.
            const once = /** @type {number} */ (ref.refMs);
            if (once > opts.budgetS * 1000) {
              m.warmupMs.push(once);
              m.timesMs.push(once);
              m.medianMs = m.minMs = once;
              m.gflops = c.flops / (once * 1e6);
              m.gbps = c.bytes / (once * 1e6);
              m.reason = 'one run (the reference itself)';
            } else {
              await measure(m, c, () => (c.op === 'rfft' ? cpu.rfft(x) : cpu.rfft2(x)).data, check);
            }
          } else if (!opts.peers) {
            m.status = 'skipped';
            m.reason = '--no-peers';
          } else if (id === 'fft.js') {
            if (!pow2) {
              m.status = 'not-applicable';
              m.reason = 'fft.js does powers of two only';
            } else {
              await measure(m, c, () => (c.op === 'rfft' ? fftjsRfft(x.data) : fftjsRfft2(x.data, H, W)), check);
            }
          } else if (id === 'pffft-wasm') {
            const ok = pffftReal(W) && (c.op === 'rfft' || (H % 16 === 0 && pffftReal(H * 2)));
            if (!ok) {
              m.status = 'not-applicable';
              m.reason = `PFFFT's real transforms need a multiple of 32 with factors 2, 3, 5 only (${c.shape.join('×')})`;
            } else {
              await measure(m, c, () => (c.op === 'rfft' ? pffftRfft(x.data) : pffftRfft2(x.data, H, W)), check);
            }
          }
          if (m.status === 'wrong' && id.startsWith('ours')) failures.push(`${c.id} ${id}: WRONG: ${m.reason}`);
          if (m.status === 'failed' && id.startsWith('ours')) failures.push(`${c.id} ${id}: FAILED: ${m.reason}`);
        }
      }
      const other1 = otherCpuSeconds();
      const wallS = (performance.now() - t0) / 1000;
      /** @type {CaseRun} */
      const rec = { run, wallS, results };
      if (other0 !== undefined && other1 !== undefined) rec.otherCpuS = Math.max(0, other1 - other0);
      entry.runs.push(rec);
      const busy = rec.otherCpuS !== undefined && rec.otherCpuS / wallS > 0.2 ? `  [other processes used ${((rec.otherCpuS / wallS) * 100).toFixed(0)}% of a core]` : '';
      log(`${opts.runs > 1 ? `[${run}/${opts.runs}] ` : ''}${c.id.padEnd(20)} ${results.map((m) => `${m.id}=${m.status === 'ok' ? fmtMs(m.medianMs) : m.status}`).join('  ')}${busy}`);
    }
  }
  return { perCase, failures };
}
