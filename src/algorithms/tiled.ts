/**
 * The tiled algorithm (shaders/tiled.wgsl): workgroups stage an input tile with its halo and a slab
 * of weights in workgroup memory. The planner sizes the tile and the kernel chunk so both fit the
 * device's workgroup storage.
 */
import type { PlanLimits, Recorder } from '../gpu/recorder.js';
import { BOUNDARY_CODE, geometryParams } from '../gpu/params.js';
import type { ConvGeometry } from '../plan.js';
import type { ConvOperands } from './operands.js';

export interface TiledPlan {
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

/** Plans tile and kernel-chunk sizes, or returns null when even a 1×RY tile does not fit. */
export function planTiled(g: ConvGeometry, limits: PlanLimits): TiledPlan | null {
  const flat = g.OH < 4;
  const RY = flat ? 1 : 4;
  const Kg = g.K / g.groups;
  const KB = [4, 2, 1].find((d) => Kg % d === 0) ?? 1;
  for (const [wx, wy] of flat ? FLAT_SHAPES : SHAPES) {
    if (wx * wy > limits.maxComputeInvocationsPerWorkgroup) continue;
    let KCH = g.KH;
    let KCW = g.KW;
    for (;;) {
      const IN_ROWS = (RY * wy - 1) * g.strideH + (KCH - 1) * g.dilationH + 1;
      const IN_COLS = (wx - 1) * g.strideW + (KCW - 1) * g.dilationW + 1;
      if ((IN_ROWS * IN_COLS + KB * KCH * KCW) * 4 <= limits.maxComputeWorkgroupStorageSize) {
        const workgroups = Math.ceil(g.OW / wx) * Math.ceil(g.OH / (RY * wy)) * (g.K / KB) * g.N;
        return { RY, WG_X: wx, WG_Y: wy, KB, KCH, KCW, IN_ROWS, IN_COLS, workgroups };
      }
      if (KCH === 1 && KCW === 1) break;
      if (KCH * g.dilationH >= KCW * g.dilationW && KCH > 1) KCH = Math.ceil(KCH / 2);
      else KCW = Math.ceil(KCW / 2);
    }
  }
  return null;
}

export function encodeTiled(rec: Recorder, g: ConvGeometry, b: ConvOperands, plan: TiledPlan): void {
  const { workgroups, ...tile } = plan;
  rec.dispatch(
    { family: 'tiled', constants: { ...tile, BOUNDARY: BOUNDARY_CODE[g.boundary], FLIP: Number(g.flip) } },
    { ...geometryParams(g), n0: 0 },
    [b.input, b.weight, b.bias, b.output],
    workgroups,
  );
}
