/**
 * Choosing an algorithm. `'auto'` rule:
 *  - im2col + GEMM when there are at least 16 output channels per group and a reduction
 *    (C/groups·KH·KW) of at least 16: dense CNN layers, where the GEMM's register tiles win;
 *  - otherwise (single-channel image filters, depthwise, large kernels) the engine's `spatial`
 *    preference: `'tiled'` on GPUs, where staging the input tile once in workgroup memory and
 *    reusing it KH·KW times is the standard win; `'direct'` on CPU-backed adapters, where workgroup
 *    memory is ordinary memory and direct measured about 2× faster than tiled (llvmpipe and
 *    SwiftShader, shapes a, c, h of the benchmark suite);
 *  - direct when the tile cannot fit workgroup memory (huge strides or dilations).
 * An explicit algorithm whose plan cannot fit the device falls back to direct, which always fits.
 */
import type { PlanLimits } from '../gpu/recorder.js';
import { reductionLength, type ConvGeometry } from '../plan.js';
import type { Algorithm } from '../types.js';
import { planIm2col, type Im2colPlan } from './im2col.js';
import { planTiled, type TiledPlan } from './tiled.js';

export type AlgorithmPlan =
  | { algorithm: 'direct' }
  | { algorithm: 'im2col'; plan: Im2colPlan }
  | { algorithm: 'tiled'; plan: TiledPlan };

export function chooseAlgorithm(
  requested: Algorithm,
  g: ConvGeometry,
  limits: PlanLimits,
  spatial: 'tiled' | 'direct' = 'tiled',
): AlgorithmPlan {
  const Kg = g.K / g.groups;
  const J = reductionLength(g);
  const wantIm2col = requested === 'im2col' || (requested === 'auto' && Kg >= 16 && J >= 16);
  if (wantIm2col) {
    const plan = planIm2col(g, limits);
    if (plan) return { algorithm: 'im2col', plan };
  }
  if (requested === 'tiled' || (requested === 'auto' && spatial === 'tiled')) {
    const plan = planTiled(g, limits);
    if (plan) return { algorithm: 'tiled', plan };
  }
  return { algorithm: 'direct' };
}
