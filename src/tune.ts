/**
 * Autotuning: time every applicable algorithm and each of its variants (`ConvAlgorithm.variants`:
 * GEMM kernels, tile shapes, FFT transform sizes, direct's input paths) on a call's actual data, and
 * remember the winner per shape key, so that `'auto'` runs it for that key from then on.
 *
 * The key: the op, the geometry with batch and channel counts rounded up to powers of two (and
 * whether the layer is depthwise), whether the input is host data, the adapter, and a checksum of
 * the candidate set (algorithm names and TUNING_VERSION), so that a table made for other kernels or
 * another adapter is never applied.
 */
import type { AlgorithmContext, PlanBase } from './algorithms/algorithm.js';
import { ALGORITHM_NAMES, REGISTRY, type ConcreteAlgorithm } from './algorithms/registry.js';
import type { Choice } from './algorithms/select.js';
import { OptionError } from './errors.js';
import type { ConvGeometry } from './geometry.js';
import type { AdapterInfo } from './gpu/device.js';

/** Bumped when what a variant name means changes (a table made before is then ignored). */
export const TUNING_VERSION = 1;

/** What tuning recorded for one shape key. */
export interface TuningEntry {
  algorithm: ConcreteAlgorithm;
  variant: string;
  /** The winner's time in milliseconds: the fastest of its timed runs. */
  ms: number;
}

/** One candidate's measurement in `engine.tune`. */
export interface TuneCandidate {
  algorithm: ConcreteAlgorithm;
  variant: string;
  /** Time in milliseconds, the fastest of its timed runs (absent when it could not run). */
  ms?: number;
  /** Why it could not run. */
  reason?: string;
}

/** What `engine.tune` measured and recorded. */
export interface TuneResult {
  key: string;
  /** The winner (also recorded for `'auto'`). */
  algorithm: ConcreteAlgorithm;
  variant: string;
  ms: number;
  /** Every algorithm and variant, in the order timed. */
  candidates: TuneCandidate[];
  /** `'timestamps'` (kernel time, with `profile` on an adapter with `timestamp-query`) or `'wall-clock'` (end to end). */
  method: 'timestamps' | 'wall-clock';
}

/** A place to keep the tuning table (the subset of the Web Storage API it uses: `localStorage` fits). */
export interface TuningStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The key of the table in a TuningStorage. */
export const TUNING_STORAGE_KEY = 'webgpu-conv.tuning';

/** The serialised table (`engine.exportTuning()`). */
export interface TuningExport {
  version: number;
  adapter: string;
  algorithms: string;
  entries: Record<string, TuningEntry>;
}

const pow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

/** The adapter's identity in keys and exports. */
export function adapterIdentity(a: AdapterInfo): string {
  return [a.vendor, a.architecture, a.device, a.description, a.featureLevel].join('|');
}

/** The candidate set's checksum. */
export function candidateChecksum(): string {
  return `${TUNING_VERSION}:${ALGORITHM_NAMES.join(',')}`;
}

/** The shape key of a call (see the file comment). */
export function tuneKey(op: string, g: ConvGeometry, hostInput: boolean): string {
  const depthwise = g.groups === g.C && g.groups > 1;
  const fields = [
    op, pow2(g.N), pow2(g.C), pow2(g.K), depthwise ? 'dw' : `g${g.groups === 1 ? 1 : 'n'}`, g.H, g.W, g.KH, g.KW,
    g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, g.OH, g.OW, g.boundary, Number(g.flip), hostInput ? 'host' : 'gpu',
  ];
  return fields.join(',');
}

/** Every applicable (algorithm, plan) pair for `g`, each variant once, and the algorithms that cannot run it. */
export function tuneCandidates(g: ConvGeometry, ctx: AlgorithmContext): { runnable: Choice[]; rejected: TuneCandidate[] } {
  const runnable: Choice[] = [];
  const rejected: TuneCandidate[] = [];
  for (const name of ALGORITHM_NAMES) {
    const algorithm = REGISTRY[name];
    const outcome = algorithm.plan(g, ctx);
    if (!('plan' in outcome)) {
      rejected.push({ algorithm: name, variant: '', reason: outcome.reason as string });
      continue;
    }
    const plans: PlanBase[] = [outcome.plan as PlanBase, ...((algorithm.variants?.(g, ctx) ?? []) as PlanBase[])];
    const seen = new Set<string>();
    for (const plan of plans) {
      if (seen.has(plan.variant)) continue;
      seen.add(plan.variant);
      runnable.push({ name, algorithm, plan, reason: `tuning: ${name}/${plan.variant}` });
    }
  }
  return { runnable, rejected };
}

/** The plan of `entry` for geometry `g` (the same algorithm and variant), or undefined when it no longer applies. */
export function tunedChoice(entry: TuningEntry, g: ConvGeometry, ctx: AlgorithmContext): Choice | undefined {
  const algorithm = REGISTRY[entry.algorithm];
  if (!algorithm) return undefined;
  const outcome = algorithm.plan(g, ctx);
  if (!('plan' in outcome)) return undefined;
  const plans: PlanBase[] = [outcome.plan as PlanBase, ...((algorithm.variants?.(g, ctx) ?? []) as PlanBase[])];
  const plan = plans.find((p) => p.variant === entry.variant);
  if (!plan) return undefined;
  return { name: entry.algorithm, algorithm, plan, reason: `autotuned: ${entry.algorithm}/${entry.variant} measured fastest (${entry.ms.toPrecision(3)} ms)` };
}

/** The winners per shape key of one engine. */
export class TuningTable {
  private readonly entries = new Map<string, TuningEntry>();

  constructor(private readonly adapter: AdapterInfo) {}

  get(key: string): TuningEntry | undefined {
    return this.entries.get(key);
  }

  set(key: string, entry: TuningEntry): void {
    this.entries.set(key, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  export(): TuningExport {
    return { version: TUNING_VERSION, adapter: adapterIdentity(this.adapter), algorithms: candidateChecksum(), entries: Object.fromEntries(this.entries) };
  }

  /**
   * Adds the entries of an export made on the same adapter with the same candidate set; returns how
   * many were added (0 when the export is for another adapter or candidate set). Malformed input →
   * OptionError.
   */
  import(data: unknown): number {
    const json = typeof data === 'string' ? parseJson(data) : data;
    if (!json || typeof json !== 'object' || typeof (json as TuningExport).entries !== 'object' || (json as TuningExport).entries === null) {
      throw new OptionError('importTuning: expected the object (or JSON) that exportTuning() returns');
    }
    const t = json as TuningExport;
    if (t.version !== TUNING_VERSION || t.adapter !== adapterIdentity(this.adapter) || t.algorithms !== candidateChecksum()) return 0;
    let added = 0;
    for (const [key, e] of Object.entries(t.entries)) {
      const known = (ALGORITHM_NAMES as readonly string[]).includes(e?.algorithm);
      if (!known || typeof e.variant !== 'string' || !(e.ms >= 0)) throw new OptionError(`importTuning: entry ${key} is not a tuning entry`);
      this.entries.set(key, { algorithm: e.algorithm, variant: e.variant, ms: e.ms });
      added++;
    }
    return added;
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch (cause) {
    throw new OptionError(`importTuning: not JSON: ${(cause as Error).message}`);
  }
}

/**
 * A candidate's time from its timed runs (milliseconds): the fastest. On a shared machine other work
 * only adds time, and on llvmpipe it came in bursts of several calls 1.5–2× slower than the rest;
 * with medians, one bench run's tuning of case g crowned im2col (18.3 ms) over Winograd, which ran
 * it in 10 ms in that run. The fastest run is the least disturbed one.
 */
export function fastest(times: readonly number[]): number {
  return times.length ? Math.min(...times) : Infinity;
}
