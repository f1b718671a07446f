// @ts-check
/**
 * bench:gaussian's measurement loop: `--runs` times, every cell (its image made once per size and
 * channel count, its float64 reference once), every contender in turn — ours end to end and
 * GPU-resident, our CPU reference, then the peers — each measurement checked; a line per cell and
 * run on stderr.
 */
import { fmtMs } from './format.mjs';
import { otherCpuSeconds } from './node-env.mjs';
import { agreement, checkOurs, OURS_TOLERANCE, sampleReference } from './gaussian-check.mjs';
import { CONTENDERS, OURS_K15, radiusOf, selected } from './gaussian-contenders.mjs';
import { layouts, makeImage } from './gaussian-images.mjs';
import { measurePeer, peerLibrary } from './gaussian-peers.mjs';
import { createMeasure, waitQuiet } from './gaussian-timing.mjs';

/** @typedef {import('../../dist/index.js').HostTensor} HostTensor */
/** @typedef {import('./gaussian-cells.mjs').Cell} Cell */
/** @typedef {import('./gaussian-args.mjs').GaussianOptions} GaussianOptions */
/** @typedef {import('./gaussian-timing.mjs').Measurement} Measurement */
/** @typedef {{ run: number, wallS: number, otherCpuS?: number, waitedS?: number, results: Measurement[] }} CellRun */

/**
 * What the entry point provides.
 * @typedef {object} GaussianEnv
 * @property {import('../../dist/index.js').ConvEngine} engine
 * @property {typeof import('../../dist/index.js').cpu} cpu
 * @property {import('./gaussian-peers.mjs').GaussianPeers} peers
 * @property {(m: string) => void} log
 */

/**
 * Runs every cell `opts.runs` times.
 * @param {Cell[]} cells
 * @param {GaussianOptions} opts
 * @param {GaussianEnv} env
 * @returns {Promise<{ perCell: Map<string, { c: Cell, runs: CellRun[] }>, failures: string[] }>}
 */
export async function runCells(cells, opts, env) {
  const { engine, cpu, peers, log } = env;
  const device = engine.device;
  const { unavailable } = peers;
  const measure = createMeasure(opts);
  /** @type {string[]} */
  const failures = [];
  /** @type {Map<string, { c: Cell, runs: CellRun[] }>} */
  const perCell = new Map(cells.map((c) => [c.id, { c, runs: [] }]));
  /** Sampled float64 references, per cell (computed once). @type {Map<string, ReturnType<typeof sampleReference>>} */
  const references = new Map();

  for (let run = 1; run <= opts.runs; run++) {
    if (opts.runs > 1) log(`run ${run} of ${opts.runs}`);
    /** @type {{ key: string, u8: Uint8Array, L: ReturnType<typeof layouts> } | undefined} */
    let img;
    for (const c of cells) {
      const key = `${c.side}/${c.channels}`;
      if (img?.key !== key) {
        img = undefined;
        /** @type {any} */ (globalThis).gc?.();
        const u8 = makeImage(c.side, c.channels);
        img = { key, u8, L: layouts(u8, c.side, c.channels) };
      }
      const { u8, L } = img;
      const quiet = opts.waitQuietS > 0 ? await waitQuiet(opts.waitQuietS) : undefined;
      if (quiet && quiet.waitedS > 1.5) log(`  (waited ${quiet.waitedS.toFixed(0)} s for other processes${quiet.quiet ? '' : ', still busy'})`);
      const t0 = performance.now();
      const other0 = otherCpuSeconds();
      let ref = references.get(c.id);
      if (!ref) references.set(c.id, (ref = sampleReference(c, u8, c.sigma >= 100 ? 256 : 1024)));
      const reference = ref;
      /** @type {Measurement[]} */
      const results = [];
      /** ours 'auto' output of this run (the peers are compared with it) */
      /** @type {Float32Array | undefined} */
      let oursOut;
      const C = c.channels;
      for (const id of CONTENDERS) {
        /** @type {Measurement} */
        const m = { id, status: 'ok', warmupMs: [], timesMs: [], radius: radiusOf(id, c) };
        results.push(m);
        if (c.oursOnly !== OURS_K15.includes(id) && (c.oursOnly || id.startsWith('ours-gpu-'))) {
          m.status = 'skipped';
          m.reason = c.oursOnly ? "the 15×15 cell times ours 'auto', 'direct' and 'separable' only" : 'GPU-resident direct and separable: the 15×15 cell only';
          continue;
        }
        if (!selected(id, opts)) {
          m.status = 'skipped';
          m.reason = opts.peers ? '--contenders' : '--no-peers';
          continue;
        }
        const lib = peerLibrary(id);
        if (lib && unavailable[lib]) {
          m.status = 'unavailable';
          m.reason = unavailable[lib];
          continue;
        }
        /** Ours: checked against the sampled float64 reference; a wrong result fails the run. */
        const oursCheck = (/** @type {Float32Array} */ got) => {
          const r = checkOurs(got, reference, c.side);
          m.err = Math.max(m.err ?? 0, r.worst);
          if (!r.ok) m.reason = `|ours − float64| = ${r.worst.toPrecision(3)} levels at ${r.at} > ${OURS_TOLERANCE}`;
          if (id === 'ours-auto' && r.ok) oursOut = got;
          return r.ok;
        };
        /** Peers: agreement with ours 'auto' on the interior. */
        const peerCheck = (/** @type {(ch: number, i: number) => number} */ at) => {
          if (oursOut) m.agreement = agreement(at, oursOut, c.side, C, Math.max(c.radius, m.radius) + 1);
        };
        if (id.startsWith('ours-') && !id.startsWith('ours-gpu')) {
          const algorithm = id.slice(5);
          const o = { sigma: c.sigma, algorithm, onRun: (/** @type {any} */ i) => (m.ran = `${i.algorithm}/${i.variant}`) };
          await measure(m, c, run, {
            call: async () => /** @type {HostTensor} */ (await engine.gaussianBlur(L.tensor, /** @type {any} */ (o))).data,
            check: oursCheck,
          });
        } else if (id.startsWith('ours-gpu')) {
          /** @type {import('../../dist/index.js').GpuTensor} */
          let xt;
          try {
            xt = await engine.upload(L.tensor);
          } catch (e) {
            // One GpuTensor must fit one buffer binding (llvmpipe: 128 MiB; a 4096² RGB float32 image is
            // 192 MiB). End to end, the library splits a host input into pieces; a resident one it cannot.
            m.status = 'not-applicable';
            m.reason = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
            continue;
          }
          const algorithm = id === 'ours-gpu' ? 'auto' : id.slice('ours-gpu-'.length);
          const o = /** @type {const} */ ({ sigma: c.sigma, output: 'gpu', algorithm: /** @type {any} */ (algorithm), onRun: (/** @type {any} */ i) => (m.ran = `${i.algorithm}/${i.variant}`) });
          const auto = results.find((x) => x.id === (id === 'ours-gpu' ? 'ours-auto' : `ours-${algorithm}`));
          await measure(m, c, run, {
            predictedMs: auto?.status === 'ok' ? auto.medianMs : undefined,
            // The warm-up call's result is read back and checked; the timed calls only wait for the
            // queue (a long call that gets no warm-up is not checked here: ours 'auto' end to end is).
            call: async (/** @type {unknown} */ _p, /** @type {boolean} */ warm) => {
              const out = await engine.gaussianBlur(xt, o);
              await device.queue.onSubmittedWorkDone();
              const data = warm ? (await out.read()).data : undefined;
              out.destroy();
              return data;
            },
            check: (/** @type {Float32Array | undefined} */ got) => (got ? oursCheck(got) : true),
          });
          xt.destroy();
        } else if (id === 'cpu-ref') {
          await measure(m, c, run, { call: () => cpu.gaussianBlur(L.tensor, { sigma: c.sigma }).data, check: oursCheck });
        } else {
          await measurePeer(peers, measure, m, c, run, L, peerCheck);
        }
        if (id.startsWith('ours') && (m.status === 'wrong' || m.status === 'failed')) failures.push(`${c.id} run ${run} ${id}: ${m.status.toUpperCase()}: ${m.reason}`);
        if (id === 'ours-auto' && !oursOut) log(`  ${c.id}: ours 'auto' has no checked output in run ${run}: the peers' agreement is not measured`);
      }
      const other1 = otherCpuSeconds();
      const wallS = (performance.now() - t0) / 1000;
      /** @type {CellRun} */
      const rec = { run, wallS, results };
      if (quiet) rec.waitedS = quiet.waitedS;
      if (other0 !== undefined && other1 !== undefined) rec.otherCpuS = Math.max(0, other1 - other0);
      /** @type {NonNullable<ReturnType<typeof perCell.get>>} */ (perCell.get(c.id)).runs.push(rec);
      const busy = rec.otherCpuS !== undefined && rec.otherCpuS / wallS > 0.2 ? `  [other processes used ${((rec.otherCpuS / wallS) * 100).toFixed(0)}% of a core]` : '';
      log(`${opts.runs > 1 ? `[${run}/${opts.runs}] ` : ''}${c.id.padEnd(15)} ${results.filter((m) => m.status !== 'skipped' || m.predictedMs).map((m) => `${m.id}=${m.status === 'ok' ? fmtMs(m.medianMs) : m.status === 'skipped' ? `>${fmtMs(m.predictedMs)}` : m.status}`).join(' ')} (${wallS.toFixed(0)} s)${busy}`);
    }
  }
  return { perCell, failures };
}
