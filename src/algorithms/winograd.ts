/**
 * Winograd convolution F(m×m, 3×3) for 3×3 kernels at stride 1, dilation 1 (shaders/winograd.wgsl and winograd.input.wgsl),
 * m = 2 (`'F2x2'`, 4×4 input tiles, 16 multiplies per 4 outputs) or m = 4 (`'F4x4'`, 6×6 tiles, 36
 * per 16). Per chunk of images:
 *   1. input transform: V[ξ][c][t] = (Bᵀ d B)[ξ] for every tile t and channel c (boundary rule applied
 *      while reading the tile), one dispatch;
 *   2. a batched GEMM over the A² tile positions ξ: M[ξ] = U[ξ] · V[ξ] per group (M = K/groups rows,
 *      N = tiles·images columns, reduction J = C/groups): the `gemm` kernel of winograd.wgsl with U
 *      in 64 KiB uniform windows, several positions per window (im2col's `'uniform'` GEMM with a
 *      position dimension: the fast kind on CPU-backed adapters), or — where uniform bindings are
 *      too small or it would take too many windows — im2col's `'register'` GEMM (gemm.wgsl) on a
 *      1×1 geometry, one dispatch per position;
 *   3. output transform: Aᵀ M A + bias, cropped to the output, one dispatch.
 * The weights U = G g Gᵀ are transformed on the GPU once per call, or once per GpuTensor weight and
 * kept (per device, bounded, least recently used evicted; freed by `releaseState`).
 *
 * Error: elementwise but larger than a direct sum's, growing with the tile (F(4,3)'s transforms have
 * entries up to 8 and 1/24); see test/support/winograd-bound.ts and the README. One NaN or ±Inf in
 * an input tile spreads to that tile's outputs.
 */
import { BufferUsage } from '../gpu/constants.js';
import { boundaryConstants, geometryParams, type ParamValues } from '../gpu/params.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import type { Binding, Recorder } from '../gpu/recorder.js';
import { type ConvGeometry } from '../geometry.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { AlgorithmContext, ConvAlgorithm, ConvOperands, PlanBase, PlanOutcome } from './algorithm.js';
import { UNIFORM_WINDOW_BYTES } from './im2col.js';
import { WeightCache } from './weight-cache.js';

const { WG } = WGSL_CONSTS.winograd;
const GEMM = WGSL_CONSTS.gemm;

/**
 * The transforms in float64 (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
 * 2016; F(4,3) from the interpolation points 0, ±1, ±2, ∞), exact rationals: the shader's formulas
 * are these rows, and the tests derive their error bound and check the identity from them.
 * Row-major: Bᵀ is A×A, G is A×3, Aᵀ is m×A.
 */
type Matrix = readonly (readonly number[])[];
export const WINOGRAD_MATRICES: Readonly<Record<2 | 4, { BT: Matrix; G: Matrix; AT: Matrix }>> = {
  2: {
    BT: [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]],
    G: [[1, 0, 0], [1 / 2, 1 / 2, 1 / 2], [1 / 2, -1 / 2, 1 / 2], [0, 0, 1]],
    AT: [[1, 1, 1, 0], [0, 1, -1, -1]],
  },
  4: {
    BT: [
      [4, 0, -5, 0, 1, 0], [0, -4, -4, 1, 1, 0], [0, 4, -4, -1, 1, 0],
      [0, -2, -1, 2, 1, 0], [0, 2, -1, -2, 1, 0], [0, 4, 0, -5, 0, 1],
    ],
    G: [[1 / 4, 0, 0], [-1 / 6, -1 / 6, -1 / 6], [-1 / 6, 1 / 6, -1 / 6], [1 / 24, 1 / 12, 1 / 6], [1 / 24, -1 / 12, 1 / 6], [0, 0, 1]],
    AT: [[1, 1, 1, 1, 1, 0], [0, 1, -1, 2, -2, 0], [0, 1, 1, 4, 4, 0], [0, 1, -1, 8, -8, 1]],
  },
};

export type WinogradVariant = 'F2x2' | 'F4x4';

export interface WinogradPlan extends PlanBase {
  /** `'F2x2'` / `'F4x4'`, with `'+register'` when the GEMM cannot use uniform windows. */
  variant: string;
  /** Outputs per tile side, and the input tile side A = m + 2. */
  m: 2 | 4;
  A: 4 | 6;
  tilesX: number;
  tiles: number;
  /** Images per chunk (the last may have fewer) and the tile columns of a full chunk. */
  images: number;
  T: number;
  /** Floats per row of V and M for a full chunk: T rounded up to whole blocks of 8 (the GEMM's vec4 pairs). */
  TP: number;
  /** Floats between the tile positions of V, M and (dense layout) U: multiples of 64 (256-byte offsets). */
  strideV: number;
  strideM: number;
  strideU: number;
  /** The GEMM's uniform windows (null: the `'register'` GEMM on dense U). */
  uniform: WindowPlan | null;
}

/**
 * The uniform windows of the batched GEMM: RMU rows per invocation; per window mW rows × SL steps of
 * PW positions; windows × slices × batches windows per group.
 */
export interface WindowPlan {
  RMU: number;
  mW: number;
  SL: number;
  PW: number;
  windows: number;
  slices: number;
  batches: number;
}

/** At most this many windows (dispatches) per chunk; more → the `'register'` GEMM. */
const MAX_WINDOWS = 64;

function planWindows(g: ConvGeometry, A: number, ctx: AlgorithmContext): WindowPlan | null {
  if (ctx.limits.maxUniformBufferBindingSize < UNIFORM_WINDOW_BYTES) return null;
  const floats = UNIFORM_WINDOW_BYTES / 4;
  const Kg = g.K / g.groups;
  const Cg = g.C / g.groups;
  const RMU = Math.min(WGSL_CONSTS.common.RMU_MAX, Math.ceil(Kg / 4) * 4);
  const rowBlocks = Math.ceil(Kg / RMU);
  const blocks = Math.min(rowBlocks, Math.floor(floats / (16 * RMU)));
  const mW = blocks * RMU;
  const SL = Math.min(Cg, Math.floor(floats / mW));
  const PW = Math.min(A * A, Math.floor(floats / (SL * mW)));
  const w = { RMU, mW, SL, PW, windows: Math.ceil(rowBlocks / blocks), slices: Math.ceil(Cg / SL), batches: Math.ceil((A * A) / PW) };
  const count = g.groups * w.windows * w.slices * w.batches;
  return count <= MAX_WINDOWS && count * UNIFORM_WINDOW_BYTES <= Math.min(ctx.limits.maxBufferSize, MAX_WINDOW_BYTES) ? w : null;
}

/** Per device: the transformed weights of weights seen before (GpuTensors, or host values compared bit for bit). */
export interface WinogradState {
  cache: WeightCache;
}

/** Cap on V and M of one chunk (each), below the device limits. */
const BUDGET_BYTES = 128 << 20;
/** Above this many bytes of uniform windows (all positions), the GEMM runs `'register'` on dense U. */
const MAX_WINDOW_BYTES = 64 << 20;

/**
 * The error rule: F(4×4) only where its measured error stays within F4_ERROR_FACTOR times the
 * float32 bound of a direct sum, γ_{9·Cg}·Σ|x||w| + u|ref|. Measured on llvmpipe (README,
 * "Winograd"; test/gpu-winograd.test.ts prints the table): F(4×4)'s largest error is 11× that
 * bound at Cg = 1, 0.18× at 16, 0.036× at 64, 0.009× at 256 (F(2×2): 0.6×, 0.009×, …), so 'auto'
 * runs F(2×2) below F4_MIN_CG input channels per group (4 and 8 unmeasured: the rule is conservative).
 */
export const F4_ERROR_FACTOR = 1;
export const F4_MIN_CG = 16;

const roundUp = (n: number, q: number): number => Math.ceil(n / q) * q;
/** Floats per row of V and M for T tile columns: whole blocks of the GEMM's RN = 8 columns. */
const rowFloats = (T: number): number => roundUp(T, GEMM.RN);

/** The 1×1 geometry the GEMM of one tile position runs on: V[ξ] as a [C, T] "image", M[ξ] as [K, T]. */
function gemmGeometry(g: ConvGeometry, T: number): ConvGeometry {
  return {
    N: 1, C: g.C, H: 1, W: T, K: g.K, KH: 1, KW: 1, groups: g.groups, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1,
    padTop: 0, padLeft: 0, OH: 1, OW: T, boundary: 'fill', fillValue: 0, flip: false,
  };
}

/** Why Winograd cannot run `g` at all, or null. */
function unsupported(g: ConvGeometry): string | null {
  if (g.KH !== 3 || g.KW !== 3) return `Winograd runs 3×3 kernels only, not ${g.KH}×${g.KW}`;
  if (g.strideH !== 1 || g.strideW !== 1) return `Winograd runs stride 1 only, not ${g.strideH}×${g.strideW}`;
  if (g.dilationH !== 1 || g.dilationW !== 1) return `Winograd runs dilation 1 only, not ${g.dilationH}×${g.dilationW}`;
  return null;
}

function planVariant(g: ConvGeometry, ctx: AlgorithmContext, v: WinogradVariant): PlanOutcome<WinogradPlan> {
  const why = unsupported(g);
  if (why) return { reason: why };
  const m = v === 'F4x4' ? 4 : 2;
  const A = m === 4 ? 6 : 4;
  const tilesX = Math.ceil(g.OW / m);
  const tiles = tilesX * Math.ceil(g.OH / m);
  const lim = ctx.limits;
  const binding = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize);
  const whole = Math.min(lim.maxBufferSize, BUDGET_BYTES);
  const Cg = g.C / g.groups;
  const fits = (T: number) => A * A * roundUp(Math.max(g.C, g.K) * rowFloats(T), 64) * 4 <= Math.min(binding, whole);
  let images = g.N;
  while (images > 0 && !fits(images * tiles)) images = Math.floor(images / 2);
  if (images === 0) return { reason: `the transformed tiles of one image (${A * A} × ${Math.max(g.C, g.K)} × ${tiles} floats) do not fit one buffer (${whole} bytes)` };
  const T = images * tiles;
  const TP = rowFloats(T);
  const strideU = roundUp(g.K * Cg, 64);
  const uniform = planWindows(g, A, ctx);
  if (!uniform && (g.K * Cg * 4 > binding || A * A * strideU * 4 > lim.maxBufferSize)) {
    return { reason: `the transformed weights (${A * A} × ${g.K * Cg} floats) do not fit one buffer binding (${binding} bytes)` };
  }
  const plan: WinogradPlan = {
    variant: uniform ? v : `${v}+register`, m, A, tilesX, tiles, images, T, TP,
    strideV: roundUp(g.C * TP, 64), strideM: roundUp(g.K * TP, 64), strideU, uniform,
  };
  return { plan };
}

/** Estimated cost in direct multiply-adds (see `cost` below). */
function estimate(g: ConvGeometry, p: WinogradPlan): number {
  const Cg = g.C / g.groups;
  const Kg = g.K / g.groups;
  const columns = g.N * p.tiles;
  const AA = p.A * p.A;
  // The GEMM: 0.35 per multiply-add (im2col's dense layers: 0.25), rows padded to whole blocks.
  const gemm = 0.35 * AA * g.groups * roundUp(Kg, 4) * Cg * columns * (p.uniform ? 1 : 2);
  // The transforms: per channel and tile A² values read or written plus their arithmetic (3.0 since
  // the vec4 layout, commit 9f37d22: fitted to winograd ÷ im2col measured on 14 3×3 stride-1 layers
  // on llvmpipe, which 4.5 put on the wrong side of 1 for three small ones, e.g. [1,16,30,30]→24).
  const transforms = 3.0 * AA * (g.C + g.K) * columns;
  // Per dispatch (one per position, group, window and slice, and the transforms).
  const count = p.uniform ? g.groups * p.uniform.windows * p.uniform.slices * p.uniform.batches : AA;
  const dispatches = 40_000 * (count + 2) * Math.ceil(g.N / p.images);
  return gemm + transforms + dispatches;
}

/**
 * The variant for `g`: the engine's `winograd` preference, else the cheaper of F(2×2) and F(4×4) by
 * `estimate`, F(4×4) only from F4_MIN_CG input channels per group on (the error rule).
 */
function plan(g: ConvGeometry, ctx: AlgorithmContext): PlanOutcome<WinogradPlan> {
  const preferred = ctx.preferences.winograd;
  if (preferred) return planVariant(g, ctx, preferred);
  const f2 = planVariant(g, ctx, 'F2x2');
  if (!('plan' in f2) || g.C / g.groups < F4_MIN_CG) return f2;
  const f4 = planVariant(g, ctx, 'F4x4');
  return 'plan' in f4 && estimate(g, f4.plan) < estimate(g, f2.plan) ? f4 : f2;
}

/** Rows per invocation of im2col's `'register'` GEMM on Winograd's 1×1 geometry: Kg up to RM_MAX, in steps of 4. */
const registerRows = (g: ConvGeometry): number => Math.min(GEMM.RM_MAX, Math.ceil(g.K / g.groups / 4) * 4);

/**
 * Whether the input transform reads spans of input rows as vec4s (VEC4_IN): with the fill boundary,
 * rows of whole vec4s (W a multiple of 4: every row starts 16-byte aligned within its binding, whose
 * size is then a multiple of 16 too).
 */
const vec4Input = (g: ConvGeometry): boolean => g.boundary === 'fill' && g.W % 4 === 0;

/** The kernels of a plan, as its encoding dispatches them. */
const specs = {
  weights: (g: ConvGeometry, p: WinogradPlan): KernelSpec<'winograd'> => ({ family: 'winograd', entryPoint: 'weightTransform', constants: { F4: Number(p.m === 4), FLIP: Number(g.flip) } }),
  input: (g: ConvGeometry, p: WinogradPlan): KernelSpec<'winograd'> => ({ family: 'winograd', entryPoint: 'inputTransform', constants: { F4: Number(p.m === 4), ...boundaryConstants(g), VEC4_IN: Number(vec4Input(g)) } }),
  output: (p: WinogradPlan): KernelSpec<'winograd'> => ({ family: 'winograd', entryPoint: 'outputTransform', constants: { F4: Number(p.m === 4) } }),
  uniformGemm: (u: WindowPlan): KernelSpec<'winograd'> => ({ family: 'winograd', entryPoint: 'gemm', constants: { RMU: u.RMU } }),
  registerGemm: (g: ConvGeometry): KernelSpec<'gemm'> => ({ family: 'gemm', entryPoint: 'mainRegister', constants: { BOUNDARY: 0, FLIP: 0, B_IS_INPUT: 1, RM: registerRows(g) } }),
};

/** Every kernel of `p` (the weight transform too, though a cached GpuTensor weight skips it). */
function kernels(g: ConvGeometry, p: WinogradPlan): KernelSpec[] {
  return [specs.weights(g, p), specs.input(g, p), p.uniform ? specs.uniformGemm(p.uniform) : specs.registerGemm(g), specs.output(p)];
}

/**
 * The transformed weights for `plan`: in uniform windows (ξ, group, window, slice) or dense
 * [ξ][K][Cg]; cached per weight (a GpuTensor, or equal host values) and layout.
 */
function transformedWeights(rec: Recorder, g: ConvGeometry, b: ConvOperands, p: WinogradPlan, state: WinogradState): Binding {
  const AA = p.A * p.A;
  const u = p.uniform;
  const bytes = u ? g.groups * u.windows * u.slices * u.batches * UNIFORM_WINDOW_BYTES : AA * p.strideU * 4;
  const layout = `${g.K}x${g.C / g.groups}/${g.groups}:F${p.m}:${u ? `w${u.mW},${u.SL},${u.PW}` : `d${p.strideU}`}:${Number(g.flip)}`;
  return state.cache.binding(rec, b.weightSource, layout, bytes, u ? BufferUsage.UNIFORM : 0, (out) => {
    const total = g.K * (g.C / g.groups);
    const params = u ? { windowed: 1, mW: u.mW, SL: u.SL, PW: u.PW, windows: u.windows, slices: u.slices } : { windowed: 0, strideV: p.strideU };
    rec.dispatch(specs.weights(g, p), { ...geometryParams(g), ...params, total }, [b.weight, out], Math.ceil(total / WG));
  });
}

/** M[ξ] = U[ξ] · V[ξ] for every position ξ and group. */
function encodeGemms(rec: Recorder, g: ConvGeometry, p: WinogradPlan, base: ParamValues<'winograd'>, TP: number, U: Binding, V: Binding, M: Binding, zeros: Binding): void {
  const Kg = g.K / g.groups;
  const Cg = g.C / g.groups;
  const AA = p.A * p.A;
  const colBlocks = TP / GEMM.RN;
  const u = p.uniform;
  if (!u) {
    // im2col's register GEMM on the 1×1 geometry of V[ξ] ([C, TP]) and M[ξ] ([K, TP]), one dispatch per position.
    const gg = geometryParams(gemmGeometry(g, TP));
    const spec = specs.registerGemm(g);
    const total = colBlocks * Math.ceil(Kg / registerRows(g)) * g.groups;
    for (let xi = 0; xi < AA; xi++) {
      const v = { buffer: V.buffer, offset: xi * p.strideV * 4, size: g.C * TP * 4 };
      const m = { buffer: M.buffer, offset: xi * p.strideM * 4, size: g.K * TP * 4 };
      const w = { buffer: U.buffer, offset: xi * p.strideU * 4, size: g.K * Cg * 4 };
      rec.dispatch(spec, { ...gg, chunk0: 0, chunk1: 0, chunkLen: TP, total }, [v, w, zeros, m], Math.ceil(total / GEMM.WG));
    }
    return;
  }
  const spec = specs.uniformGemm(u);
  let w = 0;
  for (let grp = 0; grp < g.groups; grp++) {
    for (let mw = 0; mw < u.windows; mw++) {
      const m0 = mw * u.mW;
      const blocks = Math.ceil(Math.min(u.mW, Kg - m0) / u.RMU);
      for (let s = 0; s < u.slices; s++) {
        for (let xi0 = 0; xi0 < AA; xi0 += u.PW, w++) {
          const window = { buffer: U.buffer, offset: w * UNIFORM_WINDOW_BYTES, size: UNIFORM_WINDOW_BYTES };
          const total = Math.min(u.PW, AA - xi0) * blocks * colBlocks;
          const slice = { xi0, grp, m0, mW: u.mW, SL: u.SL, j0: s * u.SL, jLen: Math.min(u.SL, Cg - s * u.SL) };
          rec.dispatch(spec, { ...base, ...slice, total }, [V, M, null, window], Math.ceil(total / WG));
        }
      }
    }
  }
}

function encode(rec: Recorder, g: ConvGeometry, b: ConvOperands, p: WinogradPlan, state: WinogradState): void {
  const zeros = rec.zeros(g.K * 4, 'winograd.zero-bias');
  // The input again as vec4s (binding 5), read by VEC4_IN spans only; otherwise a placeholder of the
  // binding's minimum size (one vec4: an input of fewer floats could not be bound there).
  const input4 = vec4Input(g) ? b.input : rec.zeros(16, 'winograd.no-vec4-input');
  const U = transformedWeights(rec, g, b, p, state);
  const AA = p.A * p.A;
  const V = rec.scratch(AA * p.strideV * 4, 'winograd.V');
  const M = rec.scratch(AA * p.strideM * 4, 'winograd.M');
  const base = { ...geometryParams(g), tilesX: p.tilesX, tiles: p.tiles, strideV: p.strideV, strideM: p.strideM };
  for (let n0 = 0; n0 < g.N; n0 += p.images) {
    const T = Math.min(p.images, g.N - n0) * p.tiles;
    const TP = rowFloats(T);
    // The transforms: one invocation per channel and quad of 4 tile columns.
    const quads = Math.ceil(T / 4);
    const inTotal = g.C * quads;
    rec.dispatch(specs.input(g, p), { ...base, n0, T, TP, total: inTotal }, [b.input, V, null, null, input4], Math.ceil(inTotal / WG));
    encodeGemms(rec, g, p, { ...base, n0, T, TP }, TP, U, V, M, zeros);
    const outTotal = g.K * quads;
    rec.dispatch(specs.output(p), { ...base, n0, T, TP, total: outTotal }, [M, b.output, b.bias], Math.ceil(outTotal / WG));
  }
}

export const winograd: ConvAlgorithm<WinogradPlan, WinogradState> = {
  name: 'winograd',
  summary: 'F(2×2,3×3) / F(4×4,3×3) tiles: input transform, a GEMM per tile position, output transform; 3×3 stride-1 only; error elementwise but larger',
  plan,
  /**
   * Estimated time in direct multiply-adds, calibrated on llvmpipe against im2col's 'implicit' GEMM
   * (README, "Winograd"): the GEMM's multiply-adds, the transforms per value, and a fixed cost per
   * dispatch. Used on both software adapters: on SwiftShader Winograd measured 2.8–3.1× faster than
   * im2col on the bench's d and g (3 runs, README), more than on llvmpipe (1.55–1.77×), so the
   * llvmpipe calibration is conservative there. Infinite on hardware (unmeasured): 'auto' does not
   * pick it, by name it runs.
   */
  cost: (g, ctx, p) => (ctx.adapter.isSoftware ? estimate(g, p) : Infinity),
  variants(g, ctx) {
    const plans: WinogradPlan[] = [];
    for (const v of ['F2x2', 'F4x4'] as const) {
      const o = planVariant(g, ctx, v);
      if ('plan' in o) plans.push(o.plan);
    }
    return plans;
  },
  kernels: (g, _ctx, p) => kernels(g, p),
  createState: () => ({ cache: new WeightCache('winograd.weights') }),
  releaseState: (state) => state.cache.destroy(),
  encode,
};
