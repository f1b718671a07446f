// @ts-check
/**
 * The measurement loop, shared by Node (bench/run.mjs) and the browser page (bench/browser/main.mjs):
 * for each case, every algorithm of ours plus 'auto', our CPU reference, and the TF.js peers, each
 * warmed up, then timed over repeated runs, every result checked against the CPU reference.
 *
 * Timing rules
 *  - Warm-up first (pipeline compilation is slow on software adapters): `warmup` runs, fewer when a
 *    single run already takes more than half the time budget.
 *  - Then `repeats` timed runs, fewer when they would exceed the per-contender budget (never fewer
 *    than `minRepeats`). Median and min are quoted; every time is kept in the results.
 *  - Our algorithms are timed round-robin (run i of auto, direct, im2col, tiled, then run i + 1…),
 *    each round from a collected heap and led by the next algorithm in turn, so that a drift of the
 *    machine shifts them alike; the CPU
 *    reference and the peers (TF.js cannot switch backends per run) are timed one after another.
 *  - End-to-end time: ours = upload + conv + readback (`await engine.conv2d(hostTensors)`);
 *    TF.js = conv + readback on inputs already resident on its backend (the peer figures' rule);
 *    CPU reference = the call.
 *  - Kernel-only time from timestamp queries where the device has `timestamp-query`: ours from
 *    `engine.lastRun.kernelMs` (a second engine on the same device with `profile: true`), TF.js
 *    WebGPU from `tf.time()`'s kernelMs; measured in separate runs so the end-to-end runs carry no
 *    profiling overhead.
 *  - Sweeps: a contender whose previous point in the same sweep predicts a run longer than
 *    `maxRunMs` is skipped, with the prediction as the reason (the shape suite a–h always runs).
 */
import { checkResult, fullReference, sampleReference } from './check.mjs';
import { caseTensors } from './cases.mjs';
import { tfRunner, tfUnsupported } from './peers.mjs';

/** @typedef {import('./cases.mjs').BenchCase} BenchCase */
/** @typedef {import('./check.mjs').Reference} Reference */
/** @typedef {import('./check.mjs').CheckResult} CheckResult */
/** @typedef {import('./peers.mjs').TfPeers} TfPeers */

/** Our algorithms, 'auto' first. */
export const OUR_ALGORITHMS = /** @type {const} */ (['auto', 'direct', 'im2col', 'tiled']);
/** Peers, in run order. */
export const PEERS = /** @type {const} */ (['tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu']);
/** Every contender id, in run and display order. */
export const CONTENDERS = [...OUR_ALGORITHMS.map((a) => `ours-${a}`), 'cpu-ref', ...PEERS];
/** @type {Record<string, string>} */
export const LABELS = {
  'ours-auto': 'ours auto',
  'ours-direct': 'ours direct',
  'ours-im2col': 'ours im2col',
  'ours-tiled': 'ours tiled',
  'cpu-ref': 'our CPU reference',
  'tfjs-webgpu': 'TF.js WebGPU',
  'tfjs-wasm': 'TF.js WASM',
  'tfjs-cpu': 'TF.js CPU',
};
const TFJS_BACKEND = /** @type {Record<string, string>} */ ({ 'tfjs-webgpu': 'webgpu', 'tfjs-wasm': 'wasm', 'tfjs-cpu': 'cpu' });

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
 */

/** @type {SuiteConfig} */
export const FULL_CONFIG = { repeats: 10, minRepeats: 3, warmup: 2, budgetMs: 8000, maxRunMs: 10000, cpuLimitMs: 20000, kernelRuns: 5, samples: 4096, slowMs: 30000 };
/** @type {SuiteConfig} */
export const QUICK_CONFIG = { repeats: 3, minRepeats: 1, warmup: 1, budgetMs: 2500, maxRunMs: 4000, cpuLimitMs: 20000, kernelRuns: 2, samples: 2048, slowMs: 8000 };

/**
 * @typedef {object} Measurement One contender on one case.
 * @property {string} id
 * @property {string} label
 * @property {'ours' | 'reference' | 'peer'} kind
 * @property {'ok' | 'wrong' | 'failed' | 'skipped' | 'unsupported'} status
 * @property {string} [reason]        why skipped / failed / unsupported, or what went wrong
 * @property {string} [algorithm]     ours: the algorithm that actually ran
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
 * @typedef {object} CaseResult
 * @property {string} id
 * @property {string} name
 * @property {string} group
 * @property {string} op
 * @property {number[]} inputShape
 * @property {number[]} weightShape
 * @property {Record<string, unknown>} options
 * @property {import('./cases.mjs').Geometry} geometry
 * @property {number} flops
 * @property {number} bytes
 * @property {number} reduction
 * @property {number} [x]
 * @property {'full' | 'sampled'} reference  how results were checked
 * @property {string} [autoAlgorithm]
 * @property {Measurement[]} results
 * @property {Record<string, number>} speedup  contender → (its median e2e) / (ours auto median e2e)
 * @property {Record<string, number>} speedupKernel  same on kernel-only times, where both have them
 * @property {number} wallS        how long the case took, warm-ups and checks included
 * @property {number} [otherCpuS]  CPU seconds other processes used meanwhile (when measurable)
 */

/**
 * @typedef {object} SuiteEnv What the entry point provides.
 * @property {import('../../dist/index.js').ConvEngine} engine        runs the timed end-to-end runs
 * @property {import('../../dist/index.js').ConvEngine | undefined} kernelEngine  profile: true on the same device, when timestamps exist
 * @property {any} cpu                                                the library's `cpu` namespace
 * @property {TfPeers | undefined} peers
 * @property {string[]} gpuErrors   uncaptured WebGPU errors are pushed here by the entry point
 * @property {(msg: string) => void} log
 * @property {(p: { done: number, total: number, caseId: string, contender: string }) => void} progress
 * @property {() => Promise<void>} [yieldUi]   lets a page repaint between runs
 * @property {() => number | undefined} [otherCpuSeconds]  cumulative CPU seconds used by *other*
 *   processes (Node on Linux: /proc/stat minus our own usage); lets the report flag cases measured
 *   while something else was competing for the CPU, which moves software-adapter timings
 */

/**
 * The `adapter` record of a results file: what the engine reports about its adapter, whether kernel
 * timestamps were available, and the limits that shape our plans.
 * @param {string} requested
 * @param {import('../../dist/index.js').AdapterInfo} info
 * @param {GPUDevice} device
 * @param {boolean} timestampQuery
 */
export function adapterRecord(requested, info, device, timestampQuery) {
  const l = device.limits;
  return {
    requested,
    source: info.source,
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    isSoftware: info.isSoftware,
    featureLevel: info.featureLevel,
    timestampQuery,
    limits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxUniformBufferBindingSize: l.maxUniformBufferBindingSize,
    },
  };
}

/** @param {number[]} xs */
export function median(xs) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? /** @type {number} */ (s[m]) : (/** @type {number} */ (s[m - 1]) + /** @type {number} */ (s[m])) / 2;
}

/** @param {unknown} e */
function errorText(e) {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/**
 * Runs the suite.
 * @param {BenchCase[]} cases
 * @param {SuiteConfig} config
 * @param {SuiteEnv} env
 * @returns {Promise<{ cases: CaseResult[], failures: string[] }>}
 */
export async function runSuite(cases, config, env) {
  const total = cases.length * CONTENDERS.length;
  let done = 0;
  /** @type {string[]} */
  const failures = [];
  /** @type {CaseResult[]} */
  const out = [];
  /** Last measured GFLOP/s per sweep group and contender (for predicting the next point). */
  /** @type {Map<string, number>} */
  const rates = new Map();
  /** Observed speed of the CPU reference (FLOP/s), to predict whether it fits in cpuLimitMs. */
  let cpuRate = 2e8;
  const now = () => performance.now();

  for (const c of cases) {
    const caseStart = now();
    const otherStart = env.otherCpuSeconds?.();
    const { input, weight } = caseTensors(c);
    const op = c.op;
    const cpuOp = env.cpu[op];
    /** @type {Measurement[]} */
    const results = [];
    /** @type {Record<string, number>} */
    const speedup = {};
    /** @type {Record<string, number>} */
    const speedupKernel = {};

    // --- the reference: computed once, timed as the CPU reference's first run --------------------
    /** @type {Reference} */
    let reference;
    /** @type {Measurement} */
    const cpuM = blank('cpu-ref', 'reference');
    const predictedCpu = (2 * c.flops) / cpuRate * 1000; // values + magnitude pass
    env.progress({ done, total, caseId: c.id, contender: 'cpu-ref' });
    if (predictedCpu / 2 <= config.cpuLimitMs) {
      const t0 = now();
      const values = cpuOp(input, weight, c.options).data;
      const t = now() - t0;
      cpuRate = c.flops / (t / 1000);
      reference = fullReference(cpuOp, input, weight, c.options, c.reduction, values);
      cpuM.warmupMs.push(t);
    } else {
      reference = sampleReference(c, input.data, weight.data, config.samples);
      cpuM.status = 'skipped';
      cpuM.reason = `predicted ${(predictedCpu / 2000).toFixed(0)} s per run (> ${config.cpuLimitMs / 1000} s); results checked on ${reference.ref.length} sampled outputs computed directly`;
    }
    const check = /** @param {Measurement} m @param {Float32Array} got */ (m, got) => {
      const r = checkResult(got, reference);
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

    // --- our algorithms: warmed up one after another, then timed round-robin -------------------
    /** @type {{ alg: string, m: Measurement, run: () => Promise<Float32Array>, runs: number }[]} */
    const ours = [];
    /** Runs `fn` and marks `m` failed if it raised an error or new uncaptured WebGPU errors came. */
    const guarded = async (/** @type {Measurement} */ m, /** @type {() => Promise<void>} */ fn) => {
      const errorsBefore = env.gpuErrors.length;
      try {
        await fn();
      } catch (e) {
        m.status = e instanceof Error && e.name === 'ResourceError' ? 'unsupported' : 'failed';
        m.reason = errorText(e);
      }
      if (env.gpuErrors.length > errorsBefore) {
        m.status = 'failed';
        m.reason = `uncaptured WebGPU error: ${env.gpuErrors.slice(errorsBefore).join(' | ')}`;
      }
      return m.status === 'ok';
    };
    for (const alg of OUR_ALGORITHMS) {
      const id = `ours-${alg}`;
      env.progress({ done: done++, total, caseId: c.id, contender: id });
      const m = blank(id, 'ours');
      results.push(m);
      const opts = /** @type {any} */ ({ ...c.options, algorithm: alg });
      const skip = predictSkip(rates, c, id, config);
      if (skip) {
        m.status = 'skipped';
        m.reason = skip;
        continue;
      }
      // Host tensors in, host tensor out (the default `output: 'host'`): upload + conv + readback.
      const runOn = async (/** @type {import('../../dist/index.js').ConvEngine} */ e) => {
        const r = op === 'conv1d' ? await e.conv1d(input, weight, opts) : await e.conv2d(input, weight, opts);
        return /** @type {{ data: Float32Array }} */ (/** @type {unknown} */ (r)).data;
      };
      const run = async () => {
        const got = await runOn(env.engine);
        m.algorithm = env.engine.lastRun?.algorithm;
        return got;
      };
      let runs = 0;
      await guarded(m, async () => {
        runs = await warmUp(m, config, run, (got) => check(m, got), env, undefined, c.group !== 'shapes');
      });
      if (m.status === 'ok' && runs > 0) ours.push({ alg, m, run, runs });
      const ke = env.kernelEngine;
      if (ke && m.status === 'ok' && runs > 0) {
        await guarded(m, async () => {
          for (let i = 0; i < Math.min(config.kernelRuns, runs); i++) {
            check(m, await runOn(ke));
            const k = ke.lastRun?.kernelMs;
            if (k !== undefined) m.kernelMs.push(k);
          }
        });
      }
    }
    // Round-robin: round i times run i of every algorithm, so that a drift of the machine (another
    // process, the heap, clocks) shifts them alike and their ratios stay fair. Each round starts from
    // a collected heap and with the next algorithm (the first run after a collection is the slowest).
    const rounds = Math.max(0, ...ours.map((o) => o.runs));
    for (let i = 0; i < rounds; i++) {
      /** @type {any} */ (globalThis).gc?.();
      for (let j = 0; j < ours.length; j++) {
        const o = ours[(i + j) % ours.length];
        if (i >= o.runs || o.m.status !== 'ok') continue;
        await guarded(o.m, () => timedRun(o.m, o.run, (got) => check(o.m, got), env));
      }
    }
    for (const alg of OUR_ALGORITHMS) {
      const m = /** @type {Measurement} */ (results.find((r) => r.id === `ours-${alg}`));
      if (m.status !== 'failed' && m.check && !m.check.ok) m.status = 'wrong';
      finishMeasurement(m, c, rates);
      if (m.status === 'wrong' || m.status === 'failed') {
        const g = c.geo;
        failures.push(
          `${c.id} (${c.name}; ${op} input [${c.inputShape.join(',')}] weight [${c.weightShape.join(',')}] ` +
            `options ${JSON.stringify(c.options)}) algorithm '${alg}'${m.algorithm ? ` (ran ${m.algorithm})` : ''}: ` +
            (m.status === 'wrong'
              ? `WRONG RESULT, max |err| ${m.check?.maxAbsErr.toExponential(3)}, ${m.check?.worst.toExponential(3)}× the tolerance (L=${g.C / g.groups * g.KH * g.KW}); first bad ${m.check?.firstBad}`
              : `FAILED: ${m.reason}`),
        );
      }
    }

    // --- the CPU reference, timed -------------------------------------------------------------------
    env.progress({ done: done++, total, caseId: c.id, contender: 'cpu-ref' });
    results.push(cpuM);
    if (cpuM.status === 'ok') {
      await measure(cpuM, { ...config, warmup: 0 }, async () => cpuOp(input, weight, c.options).data, (got) => check(cpuM, got), env, /** @type {number} */ (cpuM.warmupMs[0]));
      finishMeasurement(cpuM, c, rates);
    }

    // --- TF.js peers ----------------------------------------------------------------------------------
    for (const id of PEERS) {
      env.progress({ done: done++, total, caseId: c.id, contender: id });
      const m = blank(id, 'peer');
      results.push(m);
      const peers = env.peers;
      const why = !peers ? 'TF.js not loaded' : peers.available[id] || tfUnsupported(c);
      if (why || !peers) {
        m.status = 'unsupported';
        m.reason = why;
        continue;
      }
      const skip = predictSkip(rates, c, id, config);
      if (skip) {
        m.status = 'skipped';
        m.reason = skip;
        continue;
      }
      const tf = peers.tf;
      const errorsBefore = env.gpuErrors.length;
      /** @type {ReturnType<typeof tfRunner> | undefined} */
      let runner;
      try {
        await tf.setBackend(TFJS_BACKEND[id]);
        runner = tfRunner(tf, c, input.data, weight.data);
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
      finishMeasurement(m, c, rates);
    }

    // --- ratios: how much faster ours auto is than each, in this run -----------------------------------
    const auto = results.find((r) => r.id === 'ours-auto');
    for (const r of results) {
      if (r.id === 'ours-auto' || r.status !== 'ok' || !auto || auto.status !== 'ok') continue;
      if (r.medianMs !== undefined && auto.medianMs) speedup[r.id] = r.medianMs / auto.medianMs;
      if (r.kernelMedianMs !== undefined && auto.kernelMedianMs) speedupKernel[r.id] = r.kernelMedianMs / auto.kernelMedianMs;
    }
    /** @type {CaseResult} */
    const cr = {
      id: c.id,
      name: c.name,
      group: c.group,
      op: c.op,
      inputShape: c.inputShape,
      weightShape: c.weightShape,
      options: c.options,
      geometry: c.geo,
      flops: c.flops,
      bytes: c.bytes,
      reduction: c.reduction,
      reference: reference.positions ? 'sampled' : 'full',
      results,
      speedup,
      speedupKernel,
      wallS: (now() - caseStart) / 1000,
    };
    const otherEnd = env.otherCpuSeconds?.();
    if (otherStart !== undefined && otherEnd !== undefined) cr.otherCpuS = Math.max(0, otherEnd - otherStart);
    if (c.x !== undefined) cr.x = c.x;
    if (auto?.algorithm) cr.autoAlgorithm = auto.algorithm;
    out.push(cr);
    env.log(caseLine(cr));
  }
  env.progress({ done: total, total, caseId: '', contender: '' });
  return { cases: out, failures };
}

/**
 * @param {string} id
 * @param {Measurement['kind']} kind
 * @returns {Measurement}
 */
function blank(id, kind) {
  return { id, label: LABELS[id] ?? id, kind, status: 'ok', warmupMs: [], timesMs: [], kernelMs: [] };
}

/**
 * Warm-up then timed runs of `fn`, each output checked (outside the timed region).
 * @param {Measurement} m
 * @param {SuiteConfig} config
 * @param {() => Promise<Float32Array>} fn
 * @param {(got: Float32Array) => boolean} check
 * @param {SuiteEnv} env
 * @param {number} [firstMs] the time of a run already done (counts as warm-up)
 * @param {boolean} [sweep] a sweep point: give up after a warm-up run slower than `config.slowMs`
 */
async function measure(m, config, fn, check, env, firstMs, sweep = false) {
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
 * @param {SuiteEnv} env
 * @param {number} [firstMs]
 * @param {boolean} [sweep]
 */
async function warmUp(m, config, fn, check, env, firstMs, sweep = false) {
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
 * @param {SuiteEnv} env
 */
async function timedRun(m, fn, check, env) {
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
function finishMeasurement(m, c, rates) {
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
function predictSkip(rates, c, id, config) {
  if (c.group === 'shapes') return '';
  const msPerFlop = rates.get(`${c.group}/${id}`);
  if (msPerFlop === undefined) return '';
  const predicted = msPerFlop * c.flops;
  if (predicted <= config.maxRunMs) return '';
  return `predicted ${(predicted / 1000).toFixed(1)} s per run from the previous point of this sweep (> ${config.maxRunMs / 1000} s)`;
}

/**
 * One line per finished case for the log.
 * @param {CaseResult} cr
 */
export function caseLine(cr) {
  const auto = cr.results.find((r) => r.id === 'ours-auto');
  const parts = cr.results.map((r) => `${r.id}=${r.status === 'ok' ? fmtMs(r.medianMs) : r.status}`);
  const busy = interference(cr);
  return `${cr.id.padEnd(8)} ${cr.name.padEnd(28)} auto→${auto?.algorithm ?? '?'}  ${parts.join('  ')}${busy ? `  [${busy}]` : ''}`;
}

/**
 * A warning when other processes used more than a fifth of a core while the case ran, else ''.
 * @param {Pick<CaseResult, 'wallS' | 'otherCpuS'>} cr
 */
export function interference(cr) {
  if (cr.otherCpuS === undefined || !cr.wallS) return '';
  const share = cr.otherCpuS / cr.wallS;
  return share > 0.2 ? `other processes used ${(share * 100).toFixed(0)}% of a core meanwhile` : '';
}

/** @param {number | undefined} ms */
export function fmtMs(ms) {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  return `${ms.toFixed(2)}ms`;
}
