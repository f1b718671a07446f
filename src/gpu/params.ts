/**
 * Encoding each kernel family's `Params` uniform (its layout generated from the family's `.wgsl`),
 * and the boundary codes (read from common.wgsl).
 */
import type { ConvGeometry } from '../geometry.js';
import type { Boundary } from '../types.js';
import { PARAMS_LAYOUT, WGSL_CONSTS } from '../shaders.generated.js';

/** The kernel families: one `.wgsl` file each (common.wgsl is joined in front of every one). */
export type KernelFamily = keyof typeof PARAMS_LAYOUT;

/** The `BOUNDARY` override constant's value for each boundary rule (see `boundaryIndex` in common.wgsl). */
export const BOUNDARY_CODE: Record<Boundary, number> = {
  fill: WGSL_CONSTS.common.BOUNDARY_FILL,
  wrap: WGSL_CONSTS.common.BOUNDARY_WRAP,
  symm: WGSL_CONSTS.common.BOUNDARY_SYMM,
  reflect: WGSL_CONSTS.common.BOUNDARY_REFLECT,
  replicate: WGSL_CONSTS.common.BOUNDARY_REPLICATE,
};

/**
 * The boundary rule's `override` constants for kernels that read the input at the geometry's
 * coordinates: BOUNDARY, and NEAR_EDGES when the rule is periodic and every coordinate lies within
 * one reflection (wrap: one period) of the input on both axes — rows from −padTop to
 * (OH − 1)·sH − padTop + (KH − 1)·dH, columns likewise — so that common.wgsl maps each with a select
 * instead of a division (2× on the separable row pass with 'symm' on llvmpipe).
 */
export function boundaryConstants(g: ConvGeometry): { BOUNDARY: number; NEAR_EDGES: number } {
  const near = (lo: number, hi: number, n: number): boolean =>
    g.boundary === 'reflect' ? n === 1 || (lo >= -(n - 1) && hi <= 2 * n - 2) : lo >= -n && hi < 2 * n;
  const periodic = g.boundary === 'wrap' || g.boundary === 'symm' || g.boundary === 'reflect';
  const rows = near(-g.padTop, (g.OH - 1) * g.strideH - g.padTop + (g.KH - 1) * g.dilationH, g.H);
  const cols = near(-g.padLeft, (g.OW - 1) * g.strideW - g.padLeft + (g.KW - 1) * g.dilationW, g.W);
  return { BOUNDARY: BOUNDARY_CODE[g.boundary], NEAR_EDGES: Number(periodic && rows && cols) };
}

/** The scalar fields of family F's `Params` (the geometry's included). */
export type ParamName<F extends KernelFamily> = (typeof PARAMS_LAYOUT)[F]['fields'][number][0];
/** Values of family F's `Params` fields; fields left out are 0. */
export type ParamValues<F extends KernelFamily> = Partial<Record<ParamName<F>, number>>;

/** Size in bytes of family F's uniform buffer. */
export function paramsBytes(family: KernelFamily): number {
  return PARAMS_LAYOUT[family].bytes;
}

/** The fields of `struct Geometry` (the first member of every family's `Params`) for a geometry. */
export function geometryParams(g: ConvGeometry) {
  return {
    N: g.N, C: g.C, H: g.H, W: g.W, K: g.K, KH: g.KH, KW: g.KW,
    Cg: g.C / g.groups, Kg: g.K / g.groups, OH: g.OH, OW: g.OW,
    sH: g.strideH, sW: g.strideW, dH: g.dilationH, dW: g.dilationW, groups: g.groups,
    padTop: g.padTop, padLeft: g.padLeft, fill: g.fillValue,
  };
}

/** Packs `values` into family F's uniform bytes (`into`, or a new buffer), each field in its WGSL type. */
export function encodeParams<F extends KernelFamily>(family: F, values: ParamValues<F>, into?: ArrayBuffer): ArrayBuffer {
  const { bytes, fields } = PARAMS_LAYOUT[family];
  const buf = into ?? new ArrayBuffer(bytes);
  const view = new DataView(buf);
  const v = values as Record<string, number | undefined>;
  for (const [name, offset, type] of fields) {
    const x = v[name] ?? 0;
    if (type === 'f32') view.setFloat32(offset, x, true);
    else if (type === 'i32') view.setInt32(offset, x, true);
    else view.setUint32(offset, x, true);
  }
  return buf;
}
