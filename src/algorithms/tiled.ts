/**
 * The tiled algorithm (shaders/tiled.wgsl): workgroups stage an input tile with its halo and a slab
 * of weights in workgroup memory. The planner sizes the tile and the kernel chunk so both fit the
 * device's workgroup storage; it cannot run when not even a 1×1 tile with a 1×1 kernel chunk fits.
 */
import { boundaryConstants, geometryParams } from '../gpu/params.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import type { PlanLimits } from '../gpu/recorder.js';
import { multiplyAdds, type ConvGeometry } from '../geometry.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { ConvAlgorithm, PlanBase } from './algorithm.js';
import { direct } from './direct.js';

export interface TiledPlan extends PlanBase {
  /** Output rows per invocation: 4, or 1 for outputs of fewer than 4 rows. */
  RY: number;
  WG_X: number;
  WG_Y: number;
  /** Output channels per workgroup (divides K/groups). */
  KB: number;
  /** Kernel chunk staged at once. */
  KCH: number;
  KCW: number;
  IN_ROWS: number;
  IN_COLS: number;
  workgroups: number;
}

/** Workgroup shapes tried, largest first: for outputs of 4 rows or more, and for flatter ones. */
const SHAPES: ReadonlyArray<[number, number]> = [[16, 4], [8, 4], [8, 2], [4, 1], [1, 1]];
const FLAT_SHAPES: ReadonlyArray<[number, number]> = [[64, 1], [32, 1], [16, 1], [4, 1], [1, 1]];

/** Channels per workgroup tried: the powers of two up to the shader's KB_MAX, largest first. */
const KB_CHOICES = Array.from({ length: Math.log2(WGSL_CONSTS.tiled.KB_MAX) + 1 }, (_, i) => WGSL_CONSTS.tiled.KB_MAX >> i);

/** Bytes of workgroup memory a tile needs. */
function tileBytes(g: ConvGeometry, RY: number, wx: number, wy: number, KB: number, KCH: number, KCW: number): number {
  const inRows = (RY * wy - 1) * g.strideH + (KCH - 1) * g.dilationH + 1;
  const inCols = (wx - 1) * g.strideW + (KCW - 1) * g.dilationW + 1;
  return (inRows * inCols + KB * KCH * KCW) * 4;
}

/** The plan with workgroup shape [wx, wy] (kernel chunk halved until the tile fits), or null. */
function planShape(g: ConvGeometry, limits: PlanLimits, wx: number, wy: number): TiledPlan | null {
  if (wx * wy > limits.maxComputeInvocationsPerWorkgroup) return null;
  const RY = g.OH < 4 ? 1 : 4;
  const Kg = g.K / g.groups;
  const KB = KB_CHOICES.find((d) => Kg % d === 0) ?? 1;
  let KCH = g.KH;
  let KCW = g.KW;
  for (;;) {
    if (tileBytes(g, RY, wx, wy, KB, KCH, KCW) <= limits.maxComputeWorkgroupStorageSize) {
      const IN_ROWS = (RY * wy - 1) * g.strideH + (KCH - 1) * g.dilationH + 1;
      const IN_COLS = (wx - 1) * g.strideW + (KCW - 1) * g.dilationW + 1;
      const workgroups = Math.ceil(g.OW / wx) * Math.ceil(g.OH / (RY * wy)) * (g.K / KB) * g.N;
      const chunked = KCH < g.KH || KCW < g.KW ? ` chunk${KCH}x${KCW}` : '';
      return { variant: `${wx}x${wy * RY} KB${KB}${chunked}`, RY, WG_X: wx, WG_Y: wy, KB, KCH, KCW, IN_ROWS, IN_COLS, workgroups };
    }
    if (KCH === 1 && KCW === 1) return null;
    if (KCH * g.dilationH >= KCW * g.dilationW && KCH > 1) KCH = Math.ceil(KCH / 2);
    else KCW = Math.ceil(KCW / 2);
  }
}

/** Plans tile and kernel-chunk sizes (the largest workgroup shape that fits), or returns null. */
export function planTiled(g: ConvGeometry, limits: PlanLimits): TiledPlan | null {
  for (const [wx, wy] of g.OH < 4 ? FLAT_SHAPES : SHAPES) {
    const plan = planShape(g, limits, wx, wy);
    if (plan) return plan;
  }
  return null;
}

/** The kernel of `plan`: its tile, workgroup shape and kernel chunk are override constants. */
function tiledSpec(g: ConvGeometry, plan: TiledPlan): KernelSpec<'tiled'> {
  const { RY, WG_X, WG_Y, KB, KCH, KCW, IN_ROWS, IN_COLS } = plan;
  return { family: 'tiled', constants: { RY, WG_X, WG_Y, KB, KCH, KCW, IN_ROWS, IN_COLS, ...boundaryConstants(g), FLIP: Number(g.flip) } };
}

export const tiled: ConvAlgorithm<TiledPlan> = {
  name: 'tiled',
  summary: 'workgroups stage an input tile and a weight slab in workgroup memory and share them',
  plan(g, ctx) {
    const plan = planTiled(g, ctx.limits);
    if (plan) return { plan };
    const need = tileBytes(g, 1, 1, 1, 1, 1, 1);
    return { reason: `not even a 1×1 tile fits workgroup memory (${need} bytes needed with stride ${g.strideH}×${g.strideW}, the device allows ${ctx.limits.maxComputeWorkgroupStorageSize})` };
  },
  // Staging the tile once and reusing it KH·KW times is the standard win on GPUs. On CPU-backed
  // adapters workgroup memory is ordinary memory and tiled measured slower than direct on every shape
  // tried (llvmpipe about 2× on a, c, h; SwiftShader 1.5× at stride 2, 5× on a 256² 15×15 filter and
  // a 64k-sample conv1d): there it costs twice what direct's own plan costs.
  cost(g, ctx) {
    if (!ctx.adapter.isSoftware) return multiplyAdds(g) * 0.5;
    const own = direct.plan(g, ctx);
    return 'plan' in own && direct.cost ? 2 * direct.cost(g, ctx, own.plan) : 2 * multiplyAdds(g);
  },
  variants(g, ctx) {
    const shapes = g.OH < 4 ? FLAT_SHAPES : SHAPES;
    return shapes.map(([wx, wy]) => planShape(g, ctx.limits, wx, wy)).filter((p): p is TiledPlan => p !== null);
  },
  kernels: (g, _ctx, plan) => [tiledSpec(g, plan)],
  encode(rec, g, b, plan) {
    rec.dispatch(tiledSpec(g, plan), geometryParams(g), [b.input, b.weight, b.bias, b.output], plan.workgroups);
  },
};
