/**
 * The direct algorithm (shaders/direct.wgsl): one invocation per block of OB outputs along a row,
 * RB_MAX rows of them when stride and dilation are 1 (input rows are then shared across the block).
 * Blocks of rows read their weights as packed taps from uniform windows (TAPS) when they fit (for
 * blocks of 2 rows where 4 rows' taps do not). Small kernels get pipelines specialised on their size.
 */
import { BufferUsage } from '../gpu/constants.js';
import type { Binding, Recorder, TextureBinding } from '../gpu/recorder.js';
import { BOUNDARY_CODE, geometryParams } from '../gpu/params.js';
import type { ConvGeometry } from '../plan.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { ConvOperands } from './operands.js';

const WG = 64;
const { RB_MAX, UNIFORM_VEC4S } = WGSL_CONSTS.direct;

/** Bytes of the uniform copy of the weights (`UNIFORM_VEC4S` vec4s): weights up to this size can use it. */
export const UNIFORM_WEIGHT_BYTES = UNIFORM_VEC4S * 16;
/**
 * Pipelines are specialised on the kernel size (FIXED_KH, FIXED_KW, and FIXED_CG for one channel per
 * group) when a block's taps, (RB + KH − 1)·KW, are at most this many: the compiler then unrolls the
 * tap loops, which measured 1.2× faster on llvmpipe for 3×3 and 5×5 filters and 0.8× for 15×15.
 */
const MAX_UNROLLED_TAPS = 64;

/** Above this many windows the packed taps give way to plain weight reads. */
const MAX_TAP_WINDOWS = 64;

/** Output rows per invocation: blocks of rows only pay when there are rows to share (not for conv1d). */
function rowsPerBlock(g: ConvGeometry): number {
  const unit = g.strideH === 1 && g.strideW === 1 && g.dilationH === 1 && g.dilationW === 1;
  return unit ? Math.min(RB_MAX, g.OH) : 1;
}

/**
 * The packed-tap layout (see TAPS in direct.wgsl): rows per block, vec4s per output channel, output
 * channels per 16 KiB window (windows start 16 KiB apart, so every offset is aligned).
 */
export interface TapsPlan {
  RB: number;
  stride: number;
  perWindow: number;
  windows: number;
}

/**
 * The packed taps of `g`: for blocks of 4 rows, else of 2 when a channel's taps for 4 rows exceed a
 * window (on llvmpipe a 31×31 filter of a 512² image 161 → 56 ms, the dense 3×3 layer d 2.2× faster
 * than reading the weights one by one); null when blocks have one row, or the taps exceed a window
 * or MAX_TAP_WINDOWS windows even so.
 */
export function planTaps(g: ConvGeometry): TapsPlan | null {
  const full = rowsPerBlock(g);
  if (full === 1) return null;
  for (const RB of full > 2 ? [full, 2] : [full]) {
    const stride = (g.C / g.groups) * (RB + g.KH - 1) * g.KW;
    if (stride > UNIFORM_VEC4S) continue;
    const perWindow = Math.floor(UNIFORM_VEC4S / stride);
    const windows = Math.ceil(g.K / perWindow);
    if (windows <= MAX_TAP_WINDOWS) return { RB, stride, perWindow, windows };
  }
  return null;
}

/**
 * `taps`: `planTaps(g)`, planned once by the caller (which also decides the texture input by it).
 * `uniformWeights`: a 16 KiB uniform buffer holding a copy of the weights, or undefined to read
 * them from storage (`dummy` then fills the binding). Both are unused when the taps are packed.
 */
export function encodeDirect(
  rec: Recorder,
  g: ConvGeometry,
  b: ConvOperands,
  taps: TapsPlan | null,
  uniform: { weights?: Binding; dummy: Binding },
  texture: { input?: TextureBinding; dummy: TextureBinding },
): void {
  const RB = taps?.RB ?? rowsPerBlock(g);
  // Output columns per invocation: 8 with packed taps (fewer input loads per output), else 4.
  const OB = taps ? 8 : 4;
  const fixed = (RB + g.KH - 1) * g.KW <= MAX_UNROLLED_TAPS;
  const constants = {
    WG, RB, OB, BOUNDARY: BOUNDARY_CODE[g.boundary], FLIP: Number(g.flip),
    FIXED_KH: fixed ? g.KH : 0, FIXED_KW: fixed ? g.KW : 0, FIXED_CG: fixed && g.C === g.groups ? 1 : 0,
    UNIFORM_WEIGHTS: Number(!taps && !!uniform.weights), TAPS: Number(!!taps), TEXTURE_INPUT: Number(!!texture.input),
  };
  // Rows of a multiple of 4 outputs: store vec4s.
  const entryPoint = g.OW % 4 === 0 ? 'mainVec4' : 'main';
  const base = geometryParams(g);
  const blocks = Math.ceil(g.OH / RB) * Math.ceil(g.OW / OB);
  const bindings = [b.input, b.weight, b.bias, b.output];
  if (!taps) {
    const total = g.N * g.K * blocks;
    rec.dispatch({ family: 'direct', entryPoint, constants }, { ...base, total }, [...bindings, uniform.weights ?? uniform.dummy, texture.input ?? texture.dummy], Math.ceil(total / WG));
    return;
  }
  const windowBytes = UNIFORM_WEIGHT_BYTES;
  const packed = rec.scratch(taps.windows * windowBytes, 'direct.taps', BufferUsage.UNIFORM);
  const tapParams = { ...base, mW: taps.perWindow, tapStride: taps.stride };
  const packTotal = taps.windows * UNIFORM_VEC4S;
  rec.dispatch({ family: 'direct', entryPoint: 'packTaps', constants: { RB, FLIP: constants.FLIP } }, { ...tapParams, total: packTotal }, [packed, b.weight], Math.ceil(packTotal / 64));
  for (let w = 0; w < taps.windows; w++) {
    const m0 = w * taps.perWindow;
    const mW = Math.min(taps.perWindow, g.K - m0);
    const total = g.N * mW * blocks;
    const window = { buffer: packed.buffer, offset: w * windowBytes, size: windowBytes };
    rec.dispatch({ family: 'direct', entryPoint, constants }, { ...tapParams, m0, mW, total }, [...bindings, window, texture.input ?? texture.dummy], Math.ceil(total / WG));
  }
}
