/**
 * The direct algorithm (shaders/direct.wgsl): one invocation per block of OB outputs along a row,
 * RB_MAX rows of them when stride and dilation are 1 (input rows are then shared across the block).
 * Blocks of rows read their weights as packed taps from uniform windows (TAPS) when they fit (for
 * blocks of 2 rows where 4 rows' taps do not). Small kernels get pipelines specialised on their size.
 * On Mesa's llvmpipe host inputs are read from an r32float array texture and, without packed taps,
 * small weights from a uniform copy (both measured faster there). Direct runs every geometry.
 */
import { BufferUsage, TextureUsage } from '../gpu/constants.js';
import { isMesaSoftware } from '../gpu/device.js';
import { boundaryConstants, geometryParams } from '../gpu/params.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import type { Binding, Recorder } from '../gpu/recorder.js';
import { multiplyAdds, unitStride, type ConvGeometry } from '../geometry.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { AlgorithmContext, ConvAlgorithm, ConvOperands, PlanBase } from './algorithm.js';

const { WG, RB_MAX, UNIFORM_VEC4S } = WGSL_CONSTS.direct;

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

/*
 * Packed taps are the default on every adapter. (Until 2026-11-28 llvmpipe read plain weights for
 * layers of one input channel per group with ≤ 64 taps, measured 1.4–2.8× faster there, and host
 * inputs from a texture. Once packed taps stopped storing vec4s on llvmpipe, both rules reversed:
 * packed taps read from storage measured 1.12–2.18× faster than that default, interleaved on the
 * same engine — 1024² 3×3 1.38×, RGB depthwise 5×5 1.66×, depthwise 3×3 C=256 1.13×, 512² 5×5 /
 * 7×7 1.82× / 1.94×, 2048² 7×7 2.18×, 512² 15×15 1.12× — and the texture path alone 0.98–1.84×.)
 */

/** Output rows per invocation: blocks of rows only pay when there are rows to share (not for conv1d). */
function rowsPerBlock(g: ConvGeometry): number {
  return unitStride(g) ? Math.min(RB_MAX, g.OH) : 1;
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
 * Time per multiply-add of a plan relative to blocks of 4 rows with packed taps. On llvmpipe: one-row
 * blocks 1.5× for 2-D (strides, dilations), 3.6× for 1-D (re-measured 2026-11-28: 1M-sample conv1d
 * with 65, 129, 257 and 513 taps 0.45–0.47 ns per multiply-add, against 0.12–0.15 ns for packed taps
 * on 512² and 2048² images with 15×15 to 31×31 kernels), the rest 1.
 * On SwiftShader (other software adapters): blocks of 2 rows 1.3×, plain weights 2.8×, one-row
 * blocks 3× (256² image: 15×15 1.8 ns, 31×31 2.4 ns, 63×63 5.1 ns; 64k-sample conv1d, 513 taps: 5.4 ns).
 */
function directFactor(g: ConvGeometry, plan: DirectPlan, ctx: AlgorithmContext): number {
  const swiftshader = ctx.adapter.isSoftware && !isMesaSoftware(ctx.adapter);
  if (plan.RB === 1) return swiftshader ? 3 : g.OH === 1 ? 3.6 : 1.5;
  if (!plan.taps) return swiftshader ? 2.8 : 1;
  return swiftshader && plan.taps.RB === 2 ? 1.3 : 1;
}

export interface DirectPlan extends PlanBase {
  /** Rows and columns of outputs per invocation. */
  RB: number;
  OB: number;
  taps: TapsPlan | null;
  /** Weights read from a uniform copy (no packed taps, weights ≤ UNIFORM_WEIGHT_BYTES). */
  uniformWeights: boolean;
  /** The host input is written into an r32float array texture and read from it (with packed taps). */
  textureInput: boolean;
  /** The main kernel stores vec4s (`mainVec4`; rows of a multiple of 4 outputs). */
  vec4Stores: boolean;
}

/** Per device: stand-ins for the bindings a pipeline declares but a plan does not use, and the input texture. */
export interface DirectState {
  device: GPUDevice;
  uniformDummy: GPUBuffer;
  textureDummy: GPUTexture;
  textureDummyView: GPUTextureView;
  /** The input texture and its view, kept for the next call of the same size. */
  inputTexture: { texture: GPUTexture; view: GPUTextureView } | undefined;
}

function makePlan(g: ConvGeometry, ctx: AlgorithmContext, useUniform: boolean, useTexture: boolean, packTaps: boolean): DirectPlan {
  const taps = packTaps ? planTaps(g) : null;
  const { deviceLimits: dl } = ctx;
  const textureInput = useTexture && taps !== null && ctx.hostInput &&
    g.W <= dl.maxTextureDimension2D && g.H <= dl.maxTextureDimension2D && g.N * g.C <= dl.maxTextureArrayLayers;
  const uniformWeights = useUniform && !taps && g.K * (g.C / g.groups) * g.KH * g.KW * 4 <= UNIFORM_WEIGHT_BYTES;
  const RB = taps?.RB ?? rowsPerBlock(g);
  const variant = [taps ? `taps${RB}` : `rows${RB}`, textureInput && 'texture', uniformWeights && 'uniform-weights'].filter(Boolean).join('+');
  // Output columns per invocation: 8 with packed taps (fewer input loads per output), else 4.
  // vec4 stores (rows of a multiple of 4): not with packed taps on llvmpipe, where mainVec4 measured
  // 1.5–2.1× slower than main (512² 'same' 15×15 to 31×31, a 64-channel 56² 3×3 layer; 2026-11-28).
  const vec4Stores = g.OW % 4 === 0 && !(taps && isMesaSoftware(ctx.adapter));
  return { variant, RB, OB: taps ? 8 : 4, taps, uniformWeights, textureInput, vec4Stores, ownsInputUpload: textureInput };
}

/** The input texture's binding: the input written into the cached r32float array texture (one layer per (n, c) plane). */
function inputTexture(state: DirectState, g: ConvGeometry, data: Float32Array): GPUTextureView {
  const layers = g.N * g.C;
  let cached = state.inputTexture;
  if (!cached || cached.texture.width !== g.W || cached.texture.height !== g.H || cached.texture.depthOrArrayLayers !== layers) {
    cached?.texture.destroy();
    const texture = state.device.createTexture({
      label: 'webgpu-conv.direct.input-texture', size: [g.W, g.H, layers], format: 'r32float',
      usage: TextureUsage.TEXTURE_BINDING | TextureUsage.COPY_DST, textureBindingViewDimension: '2d-array',
    });
    cached = state.inputTexture = { texture, view: texture.createView({ dimension: '2d-array' }) };
  }
  // The texture is shared by the engine's calls: the executor writes it and submits the call's
  // commands with no await in between, so queue order keeps each call's data apart.
  const layout = { offset: data.byteOffset, bytesPerRow: g.W * 4, rowsPerImage: g.H };
  state.device.queue.writeTexture({ texture: cached.texture }, data.buffer, layout, [g.W, g.H, layers]);
  return cached.view;
}

/** The main kernel of `plan` (`mainVec4` when it stores vec4s). */
function mainSpec(g: ConvGeometry, plan: DirectPlan): KernelSpec<'direct'> {
  const { RB, OB, taps } = plan;
  const fixed = (RB + g.KH - 1) * g.KW <= MAX_UNROLLED_TAPS;
  const constants = {
    RB, OB, ...boundaryConstants(g), FLIP: Number(g.flip),
    FIXED_KH: fixed ? g.KH : 0, FIXED_KW: fixed ? g.KW : 0, FIXED_CG: fixed && g.C === g.groups ? 1 : 0,
    UNIFORM_WEIGHTS: Number(plan.uniformWeights), TAPS: Number(!!taps), TEXTURE_INPUT: Number(plan.textureInput),
  };
  return { family: 'direct', entryPoint: plan.vec4Stores ? 'mainVec4' : 'main', constants };
}

/** The kernel that packs the weights into taps (plans with `taps`). */
function packSpec(g: ConvGeometry, plan: DirectPlan): KernelSpec<'direct'> {
  return { family: 'direct', entryPoint: 'packTaps', constants: { RB: plan.RB, FLIP: Number(g.flip) } };
}

function encode(rec: Recorder, g: ConvGeometry, b: ConvOperands, plan: DirectPlan, state: DirectState): void {
  const { RB, OB, taps } = plan;
  const spec = mainSpec(g, plan);
  if (plan.textureInput && !b.hostInput) throw new Error('direct: a texture-input plan was given no host input');
  const texture = { view: plan.textureInput && b.hostInput ? inputTexture(state, g, b.hostInput) : state.textureDummyView };
  let uniform: Binding = { buffer: state.uniformDummy, size: UNIFORM_WEIGHT_BYTES };
  if (plan.uniformWeights) {
    uniform = rec.scratch(UNIFORM_WEIGHT_BYTES, 'direct.weights.uniform', BufferUsage.UNIFORM | BufferUsage.COPY_DST);
    rec.copy(b.weight.buffer, uniform.buffer, b.weight.size);
  }
  const base = geometryParams(g);
  const blocks = Math.ceil(g.OH / RB) * Math.ceil(g.OW / OB);
  const bindings = [b.input, b.weight, b.bias, b.output];
  if (!taps) {
    const total = g.N * g.K * blocks;
    rec.dispatch(spec, { ...base, total }, [...bindings, uniform, texture], Math.ceil(total / WG));
    return;
  }
  const packed = rec.scratch(taps.windows * UNIFORM_WEIGHT_BYTES, 'direct.taps', BufferUsage.UNIFORM);
  const tapParams = { ...base, mW: taps.perWindow, tapStride: taps.stride };
  const packTotal = taps.windows * UNIFORM_VEC4S;
  rec.dispatch(packSpec(g, plan), { ...tapParams, total: packTotal }, [packed, b.weight], Math.ceil(packTotal / WG));
  for (let w = 0; w < taps.windows; w++) {
    const m0 = w * taps.perWindow;
    const mW = Math.min(taps.perWindow, g.K - m0);
    const total = g.N * mW * blocks;
    const window = { buffer: packed.buffer, offset: w * UNIFORM_WEIGHT_BYTES, size: UNIFORM_WEIGHT_BYTES };
    rec.dispatch(spec, { ...tapParams, m0, mW, total }, [...bindings, window, texture], Math.ceil(total / WG));
  }
}

export const direct: ConvAlgorithm<DirectPlan, DirectState> = {
  name: 'direct',
  summary: 'one invocation per block of up to 4×8 outputs, weights as packed uniform taps; runs every geometry',
  plan(g, ctx) {
    const mesa = isMesaSoftware(ctx.adapter);
    return { plan: makePlan(g, ctx, ctx.preferences.uniformWeights ?? mesa, ctx.preferences.textureInput ?? false, true) };
  },
  // The unit of every algorithm's cost: one multiply-add of this kernel in blocks of rows with
  // packed taps; other plans count what they measured per multiply-add relative to it (directFactor).
  cost: (g, ctx, plan) => multiplyAdds(g) * directFactor(g, plan, ctx),
  variants(g, ctx) {
    const plans = [true, false].flatMap((p) => [false, true].flatMap((u) => [false, true].map((t) => makePlan(g, ctx, u, t, p))));
    return plans.filter((p, i) => plans.findIndex((q) => q.variant === p.variant) === i);
  },
  kernels: (g, _ctx, plan) => (plan.taps ? [packSpec(g, plan), mainSpec(g, plan)] : [mainSpec(g, plan)]),
  createState(device) {
    const textureDummy = device.createTexture({
      label: 'webgpu-conv.direct.input-texture.unused', size: [1, 1, 1], format: 'r32float', usage: TextureUsage.TEXTURE_BINDING,
      textureBindingViewDimension: '2d-array',
    });
    return {
      device,
      uniformDummy: device.createBuffer({ label: 'webgpu-conv.direct.uniform-weights.unused', size: UNIFORM_WEIGHT_BYTES, usage: BufferUsage.UNIFORM }),
      textureDummy,
      textureDummyView: textureDummy.createView({ dimension: '2d-array' }),
      inputTexture: undefined,
    };
  },
  releaseState(state) {
    state.uniformDummy.destroy();
    state.textureDummy.destroy();
    state.inputTexture?.texture.destroy();
  },
  encode,
};
