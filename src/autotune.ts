/**
 * `engine.tune`: runs a call once per applicable algorithm and variant (tune.ts's candidates) with
 * the call's own data, times each — kernel time from timestamp queries when the engine profiles on an
 * adapter that has them, else end-to-end wall clock (the same upload and readback for every
 * candidate) — and records the fastest for the call's shape key.
 */
import { ConvError, OptionError } from './errors.js';
import { algorithmContext, execute, type DeviceState, type ExecutionHost } from './execute.js';
import { GpuTensor } from './gpu/tensor.js';
import type { ConvJob } from './ops/job.js';
import { bindingLimit, fits } from './split.js';
import type { AdapterInfo } from './gpu/device.js';
import { candidates, choose } from './algorithms/select.js';
import type { Explanation } from './engine-types.js';
import type { OpName } from './ops/index.js';
import { median, TUNING_STORAGE_KEY, tuneCandidates, tunedChoice, tuneKey, TuningTable, type TuneCandidate, type TuneResult, type TuningStorage } from './tune.js';
import type { RunInfo } from './types.js';

/** Timed runs per candidate: at least MIN_RUNS, more while under BUDGET_MS, at most MAX_RUNS (after one warm-up run). */
const MIN_RUNS = 3;
const MAX_RUNS = 10;
const BUDGET_MS = 200;

/** Whether `job` can be tuned: it must run as one piece (it fits one buffer binding). */
export function tunable(host: ExecutionHost, job: ConvJob): boolean {
  return fits(job.geometry, bindingLimit(host.planLimits));
}

/** Times every candidate of `job` and records the winner in `table`. */
export async function tuneJob(host: ExecutionHost, state: DeviceState, op: string, job: ConvJob, table: TuningTable): Promise<TuneResult> {
  if (!tunable(host, job)) throw new OptionError(`tune: ${op}: the job must fit one buffer binding to be tuned (it is split to fit the device)`);
  const hostInput = !(job.input instanceof GpuTensor);
  const ctx = algorithmContext(host, state, hostInput, job.weight);
  const { runnable, rejected } = tuneCandidates(job.geometry, ctx);
  const method = state.querySet ? 'timestamps' : 'wall-clock';
  const measured: TuneCandidate[] = [];
  for (const choice of runnable) {
    const once = async (): Promise<number> => {
      let info: RunInfo | undefined;
      const t0 = performance.now();
      await execute(host, state, op, { ...job, output: 'host', out: undefined, onRun: (i) => (info = i) }, choice);
      const wall = performance.now() - t0;
      return method === 'timestamps' && info?.kernelMs !== undefined ? info.kernelMs : wall;
    };
    try {
      await once(); // compiles the pipelines
      const times: number[] = [];
      const start = performance.now();
      while (times.length < MIN_RUNS || (times.length < MAX_RUNS && performance.now() - start < BUDGET_MS)) times.push(await once());
      measured.push({ algorithm: choice.name, variant: choice.plan.variant, ms: median(times) });
    } catch (e) {
      // A candidate the device rejects at run time (out of memory, a limit) loses; anything else is a bug.
      if (!(e instanceof ConvError) || e instanceof OptionError) throw e;
      measured.push({ algorithm: choice.name, variant: choice.plan.variant, reason: e.message });
    }
  }
  let best: TuneCandidate | undefined;
  for (const c of measured) if (c.ms !== undefined && (!best || c.ms < (best.ms as number))) best = c;
  if (!best || best.ms === undefined) throw new OptionError(`tune: ${op}: no candidate ran`);
  const key = tuneKey(op, job.geometry, hostInput);
  table.set(key, { algorithm: best.algorithm, variant: best.variant, ms: best.ms });
  return { key, algorithm: best.algorithm, variant: best.variant, ms: best.ms, candidates: [...measured, ...rejected], method };
}

/** An engine's tuning: the table of winners and the tunings in progress (so concurrent first calls of a key tune once). */
export class Tuner {
  readonly table: TuningTable;
  private readonly pending = new Map<string, Promise<TuneResult>>();

  /** `storage`: where the table persists (read now, written after every tuning). */
  constructor(adapter: AdapterInfo, private readonly storage?: TuningStorage) {
    this.table = new TuningTable(adapter);
    const saved = storage?.getItem(TUNING_STORAGE_KEY);
    if (saved) {
      try {
        this.table.import(saved);
      } catch {
        // A table that does not parse is dropped (it is rewritten after the next tuning).
      }
    }
  }

  /** What `job` would run (the tuned winner of its key for 'auto', else `choose()`), and every algorithm's verdict. */
  explain<O extends OpName>(host: ExecutionHost, state: DeviceState, op: O, job: ConvJob): Explanation {
    const ctx = algorithmContext(host, state, !(job.input instanceof GpuTensor), job.weight);
    const tuned = job.algorithm === 'auto' ? this.table.get(tuneKey(op, job.geometry, ctx.hostInput)) : undefined;
    const chosen = (tuned && tunedChoice(tuned, job.geometry, ctx)) || choose(op, job.algorithm, job.geometry, ctx);
    const explanation: Explanation = { op, algorithm: chosen.name, variant: chosen.plan.variant, reason: chosen.reason, candidates: candidates(job.geometry, ctx) };
    return tuned ? { ...explanation, tuned } : explanation;
  }

  /** Tunes `job` now (see tuneJob) and saves the table to the storage. */
  async tune(host: ExecutionHost, state: DeviceState, op: string, job: ConvJob): Promise<TuneResult> {
    const result = await tuneJob(host, state, op, job, this.table);
    this.storage?.setItem(TUNING_STORAGE_KEY, JSON.stringify(this.table.export()));
    return result;
  }

  /** Tunes `job`'s shape key unless it is tuned, being tuned, or cannot be (a split job). */
  async ensure(host: ExecutionHost, state: DeviceState, op: string, job: ConvJob): Promise<void> {
    if (!tunable(host, job)) return;
    const key = tuneKey(op, job.geometry, !(job.input instanceof GpuTensor));
    if (this.table.get(key)) return;
    let pending = this.pending.get(key);
    if (!pending) {
      pending = this.tune(host, state, op, job).finally(() => this.pending.delete(key));
      this.pending.set(key, pending);
    }
    await pending;
  }
}
