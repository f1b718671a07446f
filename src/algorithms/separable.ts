/**
 * Separable convolution (shaders/separable.wgsl): a kernel of rank 1, w = a·bᵀ, as two 1-D passes —
 * a row pass with b over every extended input row the output reads, then a column pass with a —
 * KH + KW multiply-adds per output instead of KH·KW. For layers of one input channel per group
 * (C/groups = 1: convolve2d / correlate2d, image filters, depthwise conv2d with any K/groups); any
 * stride, dilation, padding, boundary, flip, bias and batch.
 *
 * Deciding needs the weight's values, not just the geometry: `AlgorithmContext.weights` carries the
 * weight when it is host data (the executor and `explain()` pass it; split jobs, whose pieces are
 * host data, pass each piece's). The plan tests every output channel's KH × KW kernel for rank ≤ 1 in
 * float64 (./rank1.ts: MATLAB's imfilter rule with the float32 eps) and keeps the factors
 * a = u₁√σ₁, b = v₁√σ₁ in float32, reversed when the geometry flips the kernel; encode uploads them.
 * A weight that is a GpuTensor gets a reason rather than a readback: plans are synchronous and pure
 * (no GPU work), and reading a resident weight back per call would cost what the algorithm saves;
 * callers who want separable passes for a resident weight pass it as host data.
 *
 * The intermediate holds, per (n, k) plane, R = (OH − 1)·sH + (KH − 1)·dH + 1 rows of OW: the rows
 * of the 2-D extended image (the column boundary applied in the row pass, so a 'fill' row carries
 * fillValue·Σb) that the column pass then reads as the row boundary rule would. Planes run in chunks
 * that fit one binding. Rows and outputs of a multiple of 4 run the row pass's interior blocks and
 * the column pass on aligned vec4s (rowsAligned, cols4).
 *
 * Long factors run the FFT passes instead (./separable-fft.ts) when their estimate is lower, or when
 * the engine's `separablePasses` says so: each pass an FFT filtering of rows (the columns read and
 * written where they lie).
 */
import { BufferUsage } from '../gpu/constants.js';
import { isMesaSoftware } from '../gpu/device.js';
import { boundaryConstants, geometryParams } from '../gpu/params.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import { outputSize, type ConvGeometry } from '../geometry.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { AlgorithmContext, ConvAlgorithm, PlanBase } from './algorithm.js';
import { fft, type FftConvState } from './fft.js';
import { rankOneFactors, recordedFactors } from './rank1.js';
import { encodeFftPasses, fftPassesCost, fftPassesKernels, fftPassesVariant, planFftPasses, type FftPasses } from './separable-fft.js';
import { bindingLimit } from '../gpu/recorder.js';

const { WG, OB, OBR, RB_MAX, UNIFORM_FACTOR_VEC4S } = WGSL_CONSTS.separable;

/**
 * The row pass's vec4-aligned interior (rowsAligned in separable.wgsl): unit stride and dilation
 * along the rows, W and OW multiples of 4. Blocks [lo, hi) of OBR outputs read their window as
 * aligned vec4s from x0 − SHIFT; the rest go through the boundary rule.
 */
export interface AlignedRows {
  SHIFT: number;
  /** vec4s of padded row factors per channel, and the first of them in the factor buffer. */
  G4: number;
  rf4: number;
  lo: number;
  hi: number;
}

export interface SeparablePlan extends PlanBase {
  /**
   * Per output channel k: a_k (KH values) then b_k (KW), float32, flipped when the geometry flips;
   * with `aligned`, padded to a multiple of 4 and followed by each channel's padded row factors.
   */
  factors: Float32Array;
  aligned?: AlignedRows | undefined;
  /** The passes as FFT filterings of rows (./separable-fft.ts) instead of the direct passes. */
  fft?: FftPasses | undefined;
  /** Rows of the intermediate per (n, k) plane. */
  R: number;
  /** (n, k) planes per chunk, and chunks. */
  planesPerChunk: number;
  chunks: number;
}

/** Rows of the extended input the column pass reads: (OH − 1)·sH + (KH − 1)·dH + 1. */
export function intermediateRows(g: ConvGeometry): number {
  return (g.OH - 1) * g.strideH + (g.KH - 1) * g.dilationH + 1;
}

/** The plan of least estimated cost among the direct passes and the FFT passes. */
function plan(g: ConvGeometry, ctx: AlgorithmContext): { plan: SeparablePlan } | { reason: string } {
  const plans = variants(g, ctx);
  if ('reason' in plans) return plans;
  const costs = plans.map((p) => cost(g, ctx, p));
  return { plan: plans[costs.indexOf(Math.min(...costs))] as SeparablePlan };
}

/**
 * The direct passes' plan and the FFT passes' when they apply (only the one the engine's
 * `separablePasses` names, when it names one), or why none can run.
 */
function variants(g: ConvGeometry, ctx: AlgorithmContext): SeparablePlan[] | { reason: string } {
  const direct = planPasses(g, ctx);
  if ('reason' in direct) return direct;
  const p = direct.plan;
  const only = ctx.preferences.separablePasses;
  // Factors this short never favour the FFT passes (they cross over near 190 taps on llvmpipe):
  // skip planning them, which every small filter call would pay for.
  if (only === 'direct' || (only === undefined && Math.max(g.KH, g.KW) < FFT_PASSES_MIN_TAPS)) return [p];
  const passes = planFftPasses(g, ctx, p.factors);
  if ('reason' in passes) return only === 'fft' ? { reason: `FFT passes (separablePasses: 'fft'): ${passes.reason}` } : [p];
  const viaFft = { ...p, aligned: undefined, fft: passes, variant: fftPassesVariant(g, passes) };
  return only === 'fft' ? [viaFft] : [p, viaFft];
}

function planPasses(g: ConvGeometry, ctx: AlgorithmContext): { plan: SeparablePlan } | { reason: string } {
  const Cg = g.C / g.groups;
  if (Cg !== 1) return { reason: `needs one input channel per group (C/groups = 1: image filters, depthwise layers); this layer has ${Cg}` };
  const w = ctx.weights;
  if (!w) return { reason: 'the weight is a GpuTensor: the rank-1 test needs its values as host data' };
  const { KH, KW } = g;
  const packed = g.K * (KH + KW);
  const rf4 = Math.ceil(packed / 4);
  const aligned = alignedRows(g, rf4);
  const factors = new Float32Array(aligned ? 4 * (rf4 + g.K * aligned.G4) : packed);
  for (let k = 0; k < g.K; k++) {
    const f = (g.K === 1 ? recordedFactors(w) : undefined) ?? rankOneFactors(w.subarray(k * KH * KW, (k + 1) * KH * KW), KH, KW);
    if ('reason' in f) return { reason: `${g.K > 1 ? `the kernel of output channel ${k}` : 'the kernel'} ${f.reason}` };
    const o = k * (KH + KW);
    for (let i = 0; i < KH; i++) factors[o + i] = f.a[g.flip ? KH - 1 - i : i] as number;
    for (let j = 0; j < KW; j++) factors[o + KH + j] = f.b[g.flip ? KW - 1 - j : j] as number;
    if (aligned) factors.set(factors.subarray(o + KH, o + KH + KW), 4 * (rf4 + k * aligned.G4) + aligned.SHIFT);
  }
  const R = intermediateRows(g);
  const limit = bindingLimit(ctx.limits);
  const planes = g.N * g.K;
  const planesPerChunk = Math.min(planes, Math.floor(limit / (R * g.OW * 4)));
  if (planesPerChunk < 1) return { reason: `one plane of the intermediate (${R}×${g.OW} floats) exceeds one buffer binding (${limit} bytes)` };
  const chunks = Math.ceil(planes / planesPerChunk);
  const variant = `rows${KW}${aligned ? '(vec4)' : ''}+cols${KH}${colsVec4(g) ? '(vec4)' : ''}${chunks > 1 ? ` chunks${chunks}` : ''}`;
  return { plan: { variant, factors, aligned, R, planesPerChunk, chunks } };
}

/**
 * The row pass's aligned interior, when it has one: SHIFT = x0 mod 4 for every block (x0 = ox0 −
 * padLeft, ox0 a multiple of OBR), G4 vec4s of factors (SHIFT zeros, then the KW taps), and the
 * blocks whose reads x0 − SHIFT … x0 − SHIFT + 4·G4 + 7 lie inside the row and whose outputs fill
 * whole vec4s.
 */
function alignedRows(g: ConvGeometry, rf4: number): AlignedRows | undefined {
  if (g.strideW !== 1 || g.dilationW !== 1 || g.W % 4 !== 0 || g.OW % 4 !== 0) return undefined;
  const SHIFT = (((-g.padLeft) % 4) + 4) % 4;
  const G4 = Math.ceil((g.KW + SHIFT) / 4);
  // Block b's first read OBR·b − padLeft − SHIFT ≥ 0, its last that + 4·G4 + 7 < W, its outputs OBR·(b + 1) ≤ OW.
  const lo = Math.ceil((g.padLeft + SHIFT) / OBR);
  const hi = Math.min(Math.floor((g.W - 4 * G4 - 8 + g.padLeft + SHIFT) / OBR), Math.floor(g.OW / OBR) - 1) + 1;
  return hi > lo ? { SHIFT, G4, rf4, lo, hi } : undefined;
}

/**
 * Estimated cost in direct multiply-adds: per element of each pass, PASS_COST plus TAP_COST per tap.
 * Measured on SwiftShader (software adapters other than Mesa's), a tap of the passes cost about 1.7
 * of direct's multiply-adds (256² image: 15×15 28 ms against direct's 76 ms, 5×5 20 ms against 19 ms).
 */
const TAP_COST = 1;
const PASS_COST = 2;
const SWIFTSHADER_FACTOR = 1.7;
/**
 * On SwiftShader the FFT passes measured about 1.5 of their estimate relative to the direct passes
 * (512² Gaussians, interleaved in one process, median of 4: σ 24 466 against 316 ms, σ 32 466 against
 * 502 ms; σ 48 397 against 755 ms), which puts the crossover near σ 30.
 */
const SWIFTSHADER_FFT_PASSES = 1.5;
/**
 * On llvmpipe (1024² image, rank-1 'symm' kernels, against direct's 0.13 ns per multiply-add at
 * 15×15): per dispatch, k×k for k = 3…31 (min of 9 runs) and end to end, Gaussians of 129…385 taps
 * (median of 4): a tap of a vec4 pass (rowsAligned, cols4: W and OW multiples of 4) about 1.15 of
 * direct's multiply-adds, of a scalar pass about 1.5; each pass's element about 8 more (its loads,
 * stores and index arithmetic, less the fixed cost direct has too). So separable wins from 5×5–7×7
 * on, and 15×15 costs 2·(8 + 1.15·15) = 50.5 against 225. The FFT passes (./separable-fft.ts)
 * measured 0.8 of FFT convolution's own estimate relative to these (Gaussians σ = 16…48: FFT passes
 * 56–69 ms against the direct passes' 38–132 ms, crossing near σ = 24, 193 taps).
 */
const LLVMPIPE_TAP = { vec4: 1.15, scalar: 1.5 };
const LLVMPIPE_PASS = 8;
const LLVMPIPE_FFT_PASSES = 0.8;
/** Below this many taps in both factors 'auto' does not consider the FFT passes (see `variants`). */
const FFT_PASSES_MIN_TAPS = 64;
const isSwiftShader = (ctx: AlgorithmContext): boolean => ctx.adapter.isSoftware && !isMesaSoftware(ctx.adapter);

function cost(g: ConvGeometry, ctx: AlgorithmContext, p: SeparablePlan): number {
  // A kernel of one row or column gains nothing from two passes (conv1d with 17 and 33 taps measured
  // 1.5–1.8× slower than direct on llvmpipe): 'auto' leaves it to the others.
  if (g.KH === 1 || g.KW === 1) return Infinity;
  if (p.fft) return fftPassesCost(ctx, p.fft) * (isMesaSoftware(ctx.adapter) ? LLVMPIPE_FFT_PASSES : isSwiftShader(ctx) ? SWIFTSHADER_FFT_PASSES : 1);
  const rows = g.N * g.K * p.R * g.OW;
  const outputs = outputSize(g);
  if (isMesaSoftware(ctx.adapter)) {
    const tap = (vec4: boolean): number => (vec4 ? LLVMPIPE_TAP.vec4 : LLVMPIPE_TAP.scalar);
    return rows * (g.KW * tap(p.aligned !== undefined) + LLVMPIPE_PASS) + outputs * (g.KH * tap(colsVec4(g)) + LLVMPIPE_PASS);
  }
  return (rows * (g.KW * TAP_COST + PASS_COST) + outputs * (g.KH * TAP_COST + PASS_COST)) * (isSwiftShader(ctx) ? SWIFTSHADER_FACTOR : 1);
}

/** Whether the factors fit the uniform copy (UNIFORM_FACTORS in separable.wgsl). */
const uniformFactors = (p: SeparablePlan): boolean => p.factors.length <= UNIFORM_FACTOR_VEC4S * 4;
/** Output rows per invocation of the column pass (RB in separable.wgsl). */
const columnRows = (g: ConvGeometry): number => (g.strideH === 1 && g.dilationH === 1 ? RB_MAX : 1);
/** Whether the column pass runs as cols4: unit stride and dilation down the columns, OW a multiple of 4. */
const colsVec4 = (g: ConvGeometry): boolean => columnRows(g) > 1 && g.OW % 4 === 0;
const passConstants = (g: ConvGeometry, p: SeparablePlan) => ({ ...boundaryConstants(g), UNIFORM_FACTORS: Number(uniformFactors(p)) });
const rowsSpec = (g: ConvGeometry, p: SeparablePlan): KernelSpec<'separable'> => ({
  family: 'separable', entryPoint: 'rows', constants: { ...passConstants(g, p), UNIT_ROWS: Number(g.strideW === 1 && g.dilationW === 1) },
});
const alignedSpec = (g: ConvGeometry, p: SeparablePlan, a: AlignedRows): KernelSpec<'separable'> => ({
  family: 'separable', entryPoint: 'rowsAligned', constants: { ...passConstants(g, p), SHIFT: a.SHIFT },
});
const colsSpec = (g: ConvGeometry, p: SeparablePlan): KernelSpec<'separable'> => {
  const UNIFORM_FACTORS = Number(uniformFactors(p));
  return colsVec4(g)
    ? { family: 'separable', entryPoint: 'cols4', constants: { UNIFORM_FACTORS } }
    : { family: 'separable', entryPoint: 'cols', constants: { UNIFORM_FACTORS, RB: columnRows(g) } };
};

/** The row pass's dispatches over the blocks of a row: first block, blocks, and its kernel. */
function rowDispatches(g: ConvGeometry, p: SeparablePlan): { bx0: number; bxn: number; kernel: KernelSpec<'separable'> }[] {
  const blocks = Math.ceil(g.OW / OBR);
  const a = p.aligned;
  if (!a) return [{ bx0: 0, bxn: blocks, kernel: rowsSpec(g, p) }];
  return [
    { bx0: 0, bxn: a.lo, kernel: rowsSpec(g, p) },
    { bx0: a.lo, bxn: a.hi - a.lo, kernel: alignedSpec(g, p, a) },
    { bx0: a.hi, bxn: blocks - a.hi, kernel: rowsSpec(g, p) },
  ].filter((d) => d.bxn > 0);
}

export const separable: ConvAlgorithm<SeparablePlan, FftConvState> = {
  name: 'separable',
  summary: 'rank-1 kernels (tested on the host) as a row pass and a column pass: KH + KW multiply-adds per output',
  plan,
  cost,
  variants: (g, ctx) => {
    const v = variants(g, ctx);
    return 'reason' in v ? [] : v;
  },
  kernels: (g, ctx, p) => (p.fft ? fftPassesKernels(ctx, p.fft) : [...rowDispatches(g, p).map((d) => d.kernel), colsSpec(g, p)]),
  createState: (device) => (fft.createState as (d: GPUDevice) => FftConvState)(device),
  releaseState: (state) => fft.releaseState?.(state),
  encode(rec, g, b, p, state) {
    if (p.fft) {
      encodeFftPasses(rec, g, b, p.fft, state);
      return;
    }
    const factors = rec.scratch(p.factors.byteLength, 'separable.factors', BufferUsage.COPY_DST);
    rec.device.queue.writeBuffer(factors.buffer, 0, p.factors.buffer, p.factors.byteOffset, p.factors.byteLength);
    // A uniform copy when the factors fit it (else the binding is bound but unread).
    const ufac = rec.scratch(UNIFORM_FACTOR_VEC4S * 16, 'separable.factors.uniform', BufferUsage.UNIFORM | BufferUsage.COPY_DST);
    if (uniformFactors(p)) rec.device.queue.writeBuffer(ufac.buffer, 0, p.factors.buffer, p.factors.byteOffset, p.factors.byteLength);
    const rows = rec.scratch(p.planesPerChunk * p.R * g.OW * 4, 'separable.rows');
    const base = { ...geometryParams(g), R: p.R, rf4: p.aligned?.rf4 ?? 0, G4: p.aligned?.G4 ?? 0 };
    const blocks = Math.ceil(g.OW / OB);
    const RB = columnRows(g);
    const planes = g.N * g.K;
    const rowPasses = rowDispatches(g, p);
    for (let plane0 = 0; plane0 < planes; plane0 += p.planesPerChunk) {
      const n = Math.min(p.planesPerChunk, planes - plane0);
      for (const { bx0, bxn, kernel } of rowPasses) {
        const rowsTotal = n * p.R * bxn;
        rec.dispatch(kernel, { ...base, plane0, bx0, bxn, total: rowsTotal }, [b.input, factors, rows, null, ufac], Math.ceil(rowsTotal / WG));
      }
      const colsTotal = n * Math.ceil(g.OH / RB) * blocks;
      rec.dispatch(colsSpec(g, p), { ...base, plane0, total: colsTotal }, [rows, factors, b.bias, b.output, ufac], Math.ceil(colsTotal / WG));
    }
  },
};

