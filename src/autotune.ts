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
import { bindingLimit } from './gpu/recorder.js';
import { fits } from './split.js';
import type { AdapterInfo } from './gpu/device.js';
import { candidates, choose, type Choice } from './algorithms/select.js';
import type { Explanation } from './engine-types.js';
import type { OpName } from './ops/index.js';
import { fastest, TUNING_STORAGE_KEY, tuneCandidates, tunedChoice, tuneKey, TuningTable, type TuneCandidate, type TuneResult, type TuningStorage } from './tune.js';
import type { RunInfo } from './types.js';

/**
 * Timing: every candidate runs once (compiling its pipelines), then in rounds, each round timing every
 * candidate still in the running once, in an order rotated per round (so that a drift of the machine
 * shifts them alike: timing each candidate's runs back to back let the drift pick the winner — a
 * software adapter's times wander by 30% over seconds). At least MIN_ROUNDS rounds, then more while
 * the timed runs took under BUDGET_MS per candidate, at most MAX_ROUNDS. After MIN_ROUNDS a candidate
 * slower than PRUNE_FACTOR × the best leaves the running. Each candidate's time is its fastest run
 * (`fastest`).
 */
const MIN_ROUNDS = 3;
const MAX_ROUNDS = 25;
const BUDGET_MS = 200;
const PRUNE_FACTOR = 1.3;

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
  const once = async (choice: Choice): Promise<number> => {
    let info: RunInfo | undefined;
    const t0 = performance.now();
    await execute(host, state, op, { ...job, output: 'host', out: undefined, onRun: (i) => (info = i) }, choice);
    const wall = performance.now() - t0;
    return method === 'timestamps' && info?.kernelMs !== undefined ? info.kernelMs : wall;
  };
  /** Runs `fn` for `choice`; false when the device rejected the candidate at run time (it loses, with the reason). */
  const attempt = async (choice: Choice, fn: () => Promise<void>): Promise<boolean> => {
    try {
      await fn();
      return true;
    } catch (e) {
      // A candidate the device rejects at run time (out of memory, a limit) loses; anything else is a bug.
      if (!(e instanceof ConvError) || e instanceof OptionError) throw e;
      measured.push({ algorithm: choice.name, variant: choice.plan.variant, reason: e.message });
      return false;
    }
  };
  let running: { choice: Choice; times: number[] }[] = [];
  for (const choice of runnable) if (await attempt(choice, async () => void (await once(choice)))) running.push({ choice, times: [] });
  const timed: typeof running = [...running];
  let spent = 0;
  for (let round = 0; round < MAX_ROUNDS && running.length > 0; round++) {
    if (round >= MIN_ROUNDS && spent >= BUDGET_MS * timed.length) break;
    const order = running.map((_, i) => running[(i + round) % running.length] as (typeof running)[number]);
    for (const c of order) {
      const ok = await attempt(c.choice, async () => {
        const ms = await once(c.choice);
        c.times.push(ms);
        spent += ms;
      });
      if (!ok) {
        running = running.filter((r) => r !== c);
        timed.splice(timed.indexOf(c), 1);
      }
    }
    if (round + 1 === MIN_ROUNDS) {
      const best = Math.min(...running.map((c) => fastest(c.times)));
      running = running.filter((c) => fastest(c.times) <= PRUNE_FACTOR * best);
    }
  }
  for (const c of timed) measured.push({ algorithm: c.choice.name, variant: c.choice.plan.variant, ms: fastest(c.times) });
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
