/**
 * im2col + GEMM (shaders/im2col.wgsl, shaders/gemm.wgsl). The patch matrix of a chunk of
 * (n, group) pairs and output columns is materialised in a scratch buffer, then multiplied by the
 * weights. Chunks keep the patch matrix within the storage-binding and buffer-size limits (and a
 * memory budget); 1×1 unpadded stride-1 convolutions skip the patch matrix and read the input, and
 * so does the `'implicit'` GEMM, which reads each patch value from the input where it needs it.
 */
import { BufferUsage } from '../gpu/constants.js';
import { isMesaSoftware } from '../gpu/device.js';
import { boundaryConstants, geometryParams } from '../gpu/params.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import { bindingLimit, type Binding, type PlanLimits, type Recorder } from '../gpu/recorder.js';
import { multiplyAdds, reductionLength, type ConvGeometry } from '../geometry.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { AlgorithmContext, ConvAlgorithm, ConvOperands, PlanBase } from './algorithm.js';

/** The most chunks a patch-matrix plan may have. */
const MAX_CHUNKS = 4096;

/** Default cap on the patch-matrix scratch buffer, below the device limits. */
export const IM2COL_BUDGET_BYTES = 256 << 20;
const { WG } = WGSL_CONSTS.im2col;
const GEMM_WG = WGSL_CONSTS.gemm.WG;

/** One chunk: pairs [pair0, pair0 + pairs) × output columns [col0, col0 + cols). */
export interface Im2colChunk {
  pair0: number;
  pairs: number;
  col0: number;
  cols: number;
}

/** The patch-matrix side of the plan: chunks that fit the device. */
export interface PatchPlan {
  /** The input itself is the patch matrix (1×1 kernel, stride 1, no padding). */
  inputIsPatchMatrix: boolean;
  chunks: Im2colChunk[];
  /** Bytes of the scratch buffer the largest chunk needs (0 when none is needed). */
  colBytes: number;
}

/** Plans the chunks, or returns null when not even one output column's patch fits, or it would take more than MAX_CHUNKS chunks. */
export function planIm2col(g: ConvGeometry, limits: PlanLimits, budgetBytes = IM2COL_BUDGET_BYTES): PatchPlan | null {
  const pairs = g.N * g.groups;
  const J = reductionLength(g);
  const P = g.OH * g.OW;
  const pointwise =
    g.KH === 1 && g.KW === 1 && g.strideH === 1 && g.strideW === 1 && g.padTop === 0 && g.padLeft === 0 &&
    g.OH === g.H && g.OW === g.W;
  if (pointwise) return { inputIsPatchMatrix: true, chunks: [{ pair0: 0, pairs, col0: 0, cols: P }], colBytes: 0 };
  const maxElems = Math.floor(Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize, budgetBytes) / 4);
  // Too many chunks (two dispatches each) is no plan: e.g. a 1-D kernel of 240k taps on 28.8M samples
  // would need 200k of them.
  const chunkCount = J * P <= maxElems ? Math.ceil(pairs / Math.min(pairs, Math.floor(maxElems / (J * P)))) : pairs * Math.ceil(P / Math.max(1, Math.floor(maxElems / J)));
  if (chunkCount > MAX_CHUNKS) return null;
  const chunks: Im2colChunk[] = [];
  if (J * P <= maxElems) {
    const per = Math.min(pairs, Math.floor(maxElems / (J * P)));
    for (let p0 = 0; p0 < pairs; p0 += per) chunks.push({ pair0: p0, pairs: Math.min(per, pairs - p0), col0: 0, cols: P });
  } else {
    const cols = Math.floor(maxElems / J);
    if (cols < 1) return null;
    for (let pair = 0; pair < pairs; pair++) {
      for (let c0 = 0; c0 < P; c0 += cols) chunks.push({ pair0: pair, pairs: 1, col0: c0, cols: Math.min(cols, P - c0) });
    }
  }
  let colBytes = 0;
  for (const c of chunks) colBytes = Math.max(colBytes, c.pairs * c.cols * J * 4);
  return { inputIsPatchMatrix: false, chunks, colBytes };
}

/**
 * GEMM variants: `'shared'` stages 32×32 tiles in workgroup memory (GPUs); `'register'` computes up to
 * 32×8 blocks straight from storage, without barriers; `'uniform'` computes 16×8 blocks with the
 * weights in 64 KiB uniform windows, one dispatch per window of output channels and reduction slice
 * (CPU-backed adapters, where storage loads are the bottleneck and uniform loads are broadcasts);
 * `'implicit'` is `'uniform'` reading the patches straight from the input instead of a patch matrix.
 */
export type GemmVariant = 'shared' | 'register' | 'uniform' | 'implicit';
export const GEMM_VARIANTS: readonly GemmVariant[] = ['shared', 'register', 'uniform', 'implicit'];

/** Bytes of one uniform window of the `'uniform'` GEMM (the binding size its shader declares). */
export const UNIFORM_WINDOW_BYTES = WGSL_CONSTS.gemm.UA_VEC4S * 16;
/**
 * Above this many uniform windows (groups × windows of output channels × reduction slices; one
 * dispatch each per chunk) `'uniform'` and `'implicit'` give way to `'register'`.
 */
const MAX_UNIFORM_WINDOWS = 64;

/**
 * Invocations a `'uniform'` dispatch should have: row blocks share a dispatch (and a window) until
 * there are this many, so that small outputs still spread over every core.
 */
const UNIFORM_TARGET_INVOCATIONS = 1024;

/**
 * The `'uniform'` GEMM's blocking: RMU rows per invocation, windows of mW rows (whole blocks) ×
 * SL reduction steps.
 */
interface UniformGemmPlan {
  RMU: number;
  mW: number;
  windows: number;
  SL: number;
  slices: number;
}

function planUniformGemm(g: ConvGeometry, limits: PlanLimits): UniformGemmPlan | null {
  if (limits.maxUniformBufferBindingSize < UNIFORM_WINDOW_BYTES) return null;
  const Kg = g.K / g.groups;
  const J = reductionLength(g);
  const windowFloats = UNIFORM_WINDOW_BYTES / 4;
  const RMU = Math.min(WGSL_CONSTS.common.RMU_MAX, Math.ceil(Kg / 4) * 4);
  const rowBlocks = Math.ceil(Kg / RMU);
  const perBlock = Math.ceil((g.OH * g.OW) / WGSL_CONSTS.gemm.RN) * g.N;
  // Blocks per window: enough for the target, at most all of them, and at least 16 steps per slice.
  const blocks = Math.min(rowBlocks, Math.ceil(UNIFORM_TARGET_INVOCATIONS / perBlock), Math.floor(windowFloats / (16 * RMU)));
  const mW = blocks * RMU;
  const SL = Math.floor(windowFloats / mW);
  const plan = { RMU, mW, windows: Math.ceil(rowBlocks / blocks), SL, slices: Math.ceil(J / SL) };
  const count = g.groups * plan.windows * plan.slices;
  return count <= MAX_UNIFORM_WINDOWS && count * UNIFORM_WINDOW_BYTES <= limits.maxBufferSize ? plan : null;
}

/** The patch matrix of chunk `c` into `col` (unless the input is the patch matrix). */
function encodePatches(rec: Recorder, g: ConvGeometry, b: ConvOperands, plan: PatchPlan, c: Im2colChunk, col: Binding): void {
  if (plan.inputIsPatchMatrix) return;
  const J = reductionLength(g);
  const total = c.pairs * J * Math.ceil(c.cols / WGSL_CONSTS.im2col.VW);
  rec.dispatch(patchSpec(g), { ...geometryParams(g), ...chunkParams(c), total }, [b.input, col], Math.ceil(total / WG));
}

/** The kernels of the plan, as its encoding dispatches them. */
const patchSpec = (g: ConvGeometry): KernelSpec<'im2col'> => ({ family: 'im2col', constants: { ...boundaryConstants(g), FLIP: Number(g.flip) } });
const sharedSpec = (g: ConvGeometry, plan: PatchPlan): KernelSpec<'gemm'> => ({ family: 'gemm', constants: gemmConstants(g, plan) });
/** `'register'`'s rows per invocation: all the group's output channels up to RM_MAX, in steps of 4. */
const registerRows = (g: ConvGeometry): number => Math.min(WGSL_CONSTS.gemm.RM_MAX, Math.ceil(g.K / g.groups / 4) * 4);
const registerSpec = (g: ConvGeometry, plan: PatchPlan): KernelSpec<'gemm'> => ({
  family: 'gemm', entryPoint: 'mainRegister', constants: { ...gemmConstants(g, plan), RM: registerRows(g) },
});
const packUniformSpec: KernelSpec<'gemm'> = { family: 'gemm', entryPoint: 'packUniform', constants: {} };
const uniformSpec = (g: ConvGeometry, plan: PatchPlan, u: UniformGemmPlan, fromInput: boolean): KernelSpec<'gemm'> => ({
  family: 'gemm', entryPoint: 'mainUniform', constants: { ...gemmConstants(g, plan), RMU: u.RMU, IMPLICIT: Number(fromInput) },
});
/** `'implicit'` reads the patches from the input unless the input is the patch matrix anyway. */
const readsInput = (plan: Im2colPlan): boolean => plan.variant === 'implicit' && !plan.patches.inputIsPatchMatrix;

function kernels(g: ConvGeometry, plan: Im2colPlan): KernelSpec[] {
  const patches = plan.patches.inputIsPatchMatrix ? [] : [patchSpec(g)];
  if (!plan.uniform) return [...patches, plan.variant === 'shared' ? sharedSpec(g, plan.patches) : registerSpec(g, plan.patches)];
  const fromInput = readsInput(plan);
  return [packUniformSpec, ...(fromInput ? [] : patches), uniformSpec(g, plan.patches, plan.uniform, fromInput)];
}

function chunkParams(c: Im2colChunk) {
  return { chunk0: c.pair0, chunk1: c.col0, chunkLen: c.cols };
}

function gemmConstants(g: ConvGeometry, plan: PatchPlan) {
  return { ...boundaryConstants(g), FLIP: Number(g.flip), B_IS_INPUT: Number(plan.inputIsPatchMatrix) };
}

/** `'shared'` and `'register'`: per chunk, the patch matrix, then one GEMM dispatch. */
function encodeGemm(rec: Recorder, g: ConvGeometry, b: ConvOperands, plan: PatchPlan, variant: 'shared' | 'register'): void {
  const { TM, TN, RN } = WGSL_CONSTS.gemm;
  const Kg = g.K / g.groups;
  const base = geometryParams(g);
  const col = plan.inputIsPatchMatrix ? b.input : rec.scratch(plan.colBytes, 'im2col.col');
  const bindings = [col, b.weight, b.bias, b.output];
  for (const c of plan.chunks) {
    encodePatches(rec, g, b, plan, c, col);
    if (variant === 'register') {
      const total = Math.ceil(c.cols / RN) * Math.ceil(Kg / registerRows(g)) * c.pairs;
      rec.dispatch(registerSpec(g, plan), { ...base, ...chunkParams(c), total }, bindings, Math.ceil(total / GEMM_WG));
    } else {
      rec.dispatch(sharedSpec(g, plan), { ...base, ...chunkParams(c) }, bindings, Math.ceil(c.cols / TN) * Math.ceil(Kg / TM) * c.pairs);
    }
  }
}

/**
 * `'uniform'` and `'implicit'`: the weights packed into uniform windows once, then per chunk the
 * patch matrix (`'uniform'`; `'implicit'` has one chunk and reads the input), and per group, window
 * of output channels and reduction slice one dispatch.
 */
function encodeUniformGemm(rec: Recorder, g: ConvGeometry, b: ConvOperands, plan: PatchPlan, u: UniformGemmPlan, implicit: boolean): void {
  const J = reductionLength(g);
  const Kg = g.K / g.groups;
  const base = geometryParams(g);
  const count = g.groups * u.windows * u.slices;
  const windows = rec.scratch(count * UNIFORM_WINDOW_BYTES, 'gemm.uniform-windows', BufferUsage.UNIFORM);
  const packTotal = count * (UNIFORM_WINDOW_BYTES / 4);
  rec.dispatch(packUniformSpec, { ...base, mW: u.mW, total: packTotal }, [windows, b.weight], Math.ceil(packTotal / GEMM_WG));

  // Implicit patches need no patch matrix, hence no chunks (1×1 stride-1 layers read the input as is).
  const fromInput = implicit && !plan.inputIsPatchMatrix;
  const chunks = fromInput ? [{ pair0: 0, pairs: g.N * g.groups, col0: 0, cols: g.OH * g.OW }] : plan.chunks;
  const col = plan.inputIsPatchMatrix || fromInput ? b.input : rec.scratch(plan.colBytes, 'im2col.col');
  const spec = uniformSpec(g, plan, u, fromInput);
  const colBlocks = (c: Im2colChunk) => Math.ceil(c.cols / WGSL_CONSTS.gemm.RN);
  for (const c of chunks) {
    if (!fromInput) encodePatches(rec, g, b, plan, c, col);
    for (let grp = 0; grp < g.groups; grp++) {
      // The chunk's pairs of group grp: pair0 + n0, then every `groups` pairs.
      const n0 = (((grp - c.pair0) % g.groups) + g.groups) % g.groups;
      if (n0 >= c.pairs) continue;
      const pairs = Math.ceil((c.pairs - n0) / g.groups);
      for (let mw = 0; mw < u.windows; mw++) {
        const m0 = mw * u.mW;
        const total = pairs * Math.ceil(Math.min(u.mW, Kg - m0) / u.RMU) * colBlocks(c);
        for (let s = 0; s < u.slices; s++) {
          const w = (grp * u.windows + mw) * u.slices + s;
          const window = { buffer: windows.buffer, offset: w * UNIFORM_WINDOW_BYTES, size: UNIFORM_WINDOW_BYTES };
          const slice = { n0, m0, mW: u.mW, j0: s * u.SL, jLen: Math.min(u.SL, J - s * u.SL) };
          rec.dispatch(spec, { ...base, ...chunkParams(c), ...slice, total }, [col, null, b.bias, b.output, window], Math.ceil(total / GEMM_WG));
        }
      }
    }
  }
}

/** The whole plan: the patch chunks and the GEMM kernel (with its blocking for `'uniform'`/`'implicit'`). */
export interface Im2colPlan extends PlanBase {
  variant: GemmVariant;
  patches: PatchPlan;
  uniform: UniformGemmPlan | null;
}

/**
 * On llvmpipe `'register'` (one dispatch, weights from storage) beats `'implicit'` (a dispatch per
 * uniform window of weights) on layers of few output columns and many output channels per group:
 * measured in one process, implicit ÷ register 1.27 on the bench's e (196 columns, 256 channels),
 * 1.09–1.14 on f (784, 256), 1.63–1.68 on a 1×1 256→512 layer at 14² (196, 512), 1.01 at 7² (49,
 * 512); and below 1 wherever there are more columns or fewer channels (0.67 on d, 0.49 on a 3×3
 * stride-2 32→64 layer at 112², 0.95 on 64→128 at 56² stride 2).
 */
const REGISTER_MAX_COLUMNS = 1024;
const REGISTER_MIN_KG = 256;

/**
 * The default GEMM kernel: on Mesa's llvmpipe/lavapipe `'implicit'`, or `'register'` for layers of
 * at most REGISTER_MAX_COLUMNS output columns and REGISTER_MIN_KG output channels per group or more;
 * `'uniform'` on other software adapters (SwiftShader), `'shared'` on GPUs (unmeasured there).
 */
export function defaultGemm(g: ConvGeometry, ctx: AlgorithmContext): GemmVariant {
  if (isMesaSoftware(ctx.adapter)) return g.N * g.OH * g.OW <= REGISTER_MAX_COLUMNS && g.K / g.groups >= REGISTER_MIN_KG ? 'register' : 'implicit';
  return ctx.adapter.isSoftware ? 'uniform' : 'shared';
}

/**
 * The plan with GEMM `variant`, or null when the patch matrix cannot be chunked to fit. `'uniform'`
 * and `'implicit'` need 64 KiB uniform bindings and at most MAX_UNIFORM_WINDOWS windows; without them
 * the plan's kernel is `'register'` (reported as the variant).
 */
function planVariant(g: ConvGeometry, ctx: AlgorithmContext, variant: GemmVariant): Im2colPlan | null {
  const patches = planIm2col(g, ctx.limits);
  if (!patches) return null;
  const uniform = variant === 'uniform' || variant === 'implicit' ? planUniformGemm(g, ctx.limits) : null;
  const chosen = uniform ? variant : variant === 'shared' ? 'shared' : 'register';
  return { variant: chosen, patches, uniform };
}

export const im2col: ConvAlgorithm<Im2colPlan> = {
  name: 'im2col',
  summary: 'the patch matrix (materialised in chunks, or read implicitly) times the weights, by a GEMM kernel',
  plan(g, ctx) {
    const plan = planVariant(g, ctx, (ctx.preferences.gemm as GemmVariant | undefined) ?? defaultGemm(g, ctx));
    if (plan) return { plan };
    return { reason: `the patch matrix (${reductionLength(g)} floats per output column) cannot be chunked into at most ${MAX_CHUNKS} chunks of one buffer binding (${bindingLimit(ctx.limits)} bytes)` };
  },
  // The GEMM's register tiles win for dense layers (at least 16 output channels per group and a
  // reduction of at least 16); elsewhere (image filters, depthwise) it measured several times slower
  // than direct on every adapter.
  cost(g) {
    const dense = g.K / g.groups >= 16 && reductionLength(g) >= 16;
    return multiplyAdds(g) * (dense ? 0.25 : 4);
  },
  variants(g, ctx) {
    const plans = GEMM_VARIANTS.map((v) => planVariant(g, ctx, v)).filter((p): p is Im2colPlan => p !== null);
    return plans.filter((p, i) => plans.findIndex((q) => q.variant === p.variant) === i);
  },
  kernels: (g, _ctx, plan) => kernels(g, plan),
  encode(rec, g, b, plan) {
    if (plan.uniform) encodeUniformGemm(rec, g, b, plan.patches, plan.uniform, plan.variant === 'implicit');
    else encodeGemm(rec, g, b, plan.patches, plan.variant === 'shared' ? 'shared' : 'register');
  },
};
