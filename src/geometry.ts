/**
 * The canonical operation every GPU algorithm implements: a generalised 2-D cross-correlation.
 * Every public op reduces to one (src/ops/), and every kernel computes, for output element
 * (n, k, oy, ox):
 *
 *   out[n,k,oy,ox] = bias[k] + Σ_{c<Cg, ky<KH, kx<KW}
 *       x̃[n, g·Cg + c, oy·sh − padTop + ky·dh, ox·sw − padLeft + kx·dw] · w[k, c, ky', kx']
 *
 * with Cg = C/groups, g = ⌊k / (K/groups)⌋, (ky', kx') = (ky, kx) or, when `flip`, (KH−1−ky, KW−1−kx),
 * and x̃ the input extended beyond its edges by `boundary` (fill value, wrap, symm, reflect, replicate).
 * Tensors are dense row-major: input [N,C,H,W], weight [K,Cg,KH,KW], output [N,K,OH,OW].
 */
import type { Boundary } from './types.js';

export interface ConvGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  K: number;
  KH: number;
  KW: number;
  groups: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  OH: number;
  OW: number;
  boundary: Boundary;
  fillValue: number;
  flip: boolean;
}

/** The reduction length of each output, C/groups·KH·KW (the GEMM's inner dimension J). */
export function reductionLength(g: ConvGeometry): number {
  return (g.C / g.groups) * g.KH * g.KW;
}

/** Multiply-adds of the whole operation: N·K·OH·OW outputs of `reductionLength` each. */
export function multiplyAdds(g: ConvGeometry): number {
  return g.N * g.K * g.OH * g.OW * reductionLength(g);
}

/** Output elements, N·K·OH·OW. */
export function outputSize(g: ConvGeometry): number {
  return g.N * g.K * g.OH * g.OW;
}

/** Whether stride and dilation are 1 in both dimensions. */
export function unitStride(g: ConvGeometry): boolean {
  return g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1;
}

/** `input [N, C, H, W], weight [K, C/groups, KH, KW]`, for messages. */
export function describeShape(g: ConvGeometry): string {
  return `input [${g.N}, ${g.C}, ${g.H}, ${g.W}], weight [${g.K}, ${g.C / g.groups}, ${g.KH}, ${g.KW}]`;
}
