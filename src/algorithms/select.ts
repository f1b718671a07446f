/**
 * Choosing an algorithm. An explicit algorithm runs if its plan applies and otherwise rejects with
 * `OptionError` naming the algorithm and the reason — never another algorithm. `'auto'` plans every
 * registered algorithm that has a cost estimate and runs the applicable plan of least cost (ties go
 * to the earlier one in the registry). With today's estimates (see each algorithm's `cost`):
 *  - im2col + GEMM for dense layers (at least 16 output channels per group and a reduction
 *    C/groups·KH·KW of at least 16), where the GEMM's register tiles win;
 *  - otherwise tiled on GPUs and direct on CPU-backed adapters (llvmpipe, SwiftShader), where
 *    workgroup memory is ordinary memory and direct measured about 2× faster;
 *  - direct whenever the others cannot run (it runs every geometry).
 */
import { OptionError } from '../errors.js';
import { describeShape, type ConvGeometry } from '../geometry.js';
import type { Algorithm } from '../types.js';
import type { AlgorithmContext, AnyAlgorithm, PlanBase } from './algorithm.js';
import { ALGORITHM_NAMES, REGISTRY, type ConcreteAlgorithm } from './registry.js';

/** What runs a geometry: the algorithm, its plan, and why it was chosen. */
export interface Choice {
  name: ConcreteAlgorithm;
  algorithm: AnyAlgorithm;
  plan: PlanBase;
  reason: string;
}

/** One algorithm's verdict on a geometry, for `explain()`. */
export interface Candidate {
  algorithm: ConcreteAlgorithm;
  /** The plan's variant when it applies. */
  variant?: string;
  /** Estimated cost (direct multiply-adds) when it applies and has an estimate. */
  cost?: number;
  /** Why it cannot run, when it cannot. */
  reason?: string;
}

/** Every registered algorithm's verdict on `g`. */
export function candidates(g: ConvGeometry, ctx: AlgorithmContext): Candidate[] {
  return ALGORITHM_NAMES.map((name) => {
    const a: AnyAlgorithm = REGISTRY[name];
    const outcome = a.plan(g, ctx);
    if (!('plan' in outcome)) return { algorithm: name, reason: outcome.reason as string };
    const plan = outcome.plan as PlanBase;
    return { algorithm: name, variant: plan.variant, ...(a.cost ? { cost: a.cost(g, ctx, plan) } : {}) };
  });
}

const fmtCost = (c: number): string => c.toPrecision(3);

/**
 * The algorithm, plan and reason for `requested` on `g`; rejects an explicit algorithm that cannot
 * run `g` with `OptionError` (`op` names the call in the message).
 */
export function choose(op: string, requested: Algorithm, g: ConvGeometry, ctx: AlgorithmContext): Choice {
  if (requested !== 'auto') {
    const algorithm: AnyAlgorithm = REGISTRY[requested];
    const outcome = algorithm.plan(g, ctx);
    if (!('plan' in outcome)) {
      throw new OptionError(`${op}: algorithm '${requested}' cannot run ${describeShape(g)} on this device: ${outcome.reason as string}`);
    }
    return { name: requested, algorithm, plan: outcome.plan as PlanBase, reason: 'requested' };
  }
  let best: Choice | undefined;
  let bestCost = Infinity;
  const notes: string[] = [];
  for (const name of ALGORITHM_NAMES) {
    const algorithm: AnyAlgorithm = REGISTRY[name];
    if (!algorithm.cost) continue;
    const outcome = algorithm.plan(g, ctx);
    if (!('plan' in outcome)) {
      notes.push(`${name} n/a`);
      continue;
    }
    const plan = outcome.plan as PlanBase;
    const cost = algorithm.cost(g, ctx, plan);
    notes.push(`${name} ${fmtCost(cost)}`);
    if (cost < bestCost) {
      best = { name, algorithm, plan, reason: '' };
      bestCost = cost;
    }
  }
  if (!best) throw new OptionError(`${op}: no algorithm can run ${describeShape(g)} on this device`);
  best.reason = `auto: least estimated cost (${notes.join(', ')})`;
  return best;
}
