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
 * that fit one binding.
 */
import { BufferUsage } from '../gpu/constants.js';
import { isMesaSoftware } from '../gpu/device.js';
import { boundaryConstants, geometryParams } from '../gpu/params.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import { outputSize, type ConvGeometry } from '../geometry.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { AlgorithmContext, ConvAlgorithm, PlanBase } from './algorithm.js';
import { rankOneFactors, recordedFactors } from './rank1.js';

const { WG, OB, OBR, RB_MAX, UNIFORM_FACTOR_VEC4S } = WGSL_CONSTS.separable;

export interface SeparablePlan extends PlanBase {
  /** Per output channel k: a_k (KH values) then b_k (KW), float32, flipped when the geometry flips. */
  factors: Float32Array;
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

function plan(g: ConvGeometry, ctx: AlgorithmContext): { plan: SeparablePlan } | { reason: string } {
  const Cg = g.C / g.groups;
  if (Cg !== 1) return { reason: `needs one input channel per group (C/groups = 1: image filters, depthwise layers); this layer has ${Cg}` };
  const w = ctx.weights;
  if (!w) return { reason: 'the weight is a GpuTensor: the rank-1 test needs its values as host data' };
  const { KH, KW } = g;
  const factors = new Float32Array(g.K * (KH + KW));
  for (let k = 0; k < g.K; k++) {
    const f = (g.K === 1 ? recordedFactors(w) : undefined) ?? rankOneFactors(w.subarray(k * KH * KW, (k + 1) * KH * KW), KH, KW);
    if ('reason' in f) return { reason: `${g.K > 1 ? `the kernel of output channel ${k}` : 'the kernel'} ${f.reason}` };
    const o = k * (KH + KW);
    for (let i = 0; i < KH; i++) factors[o + i] = f.a[g.flip ? KH - 1 - i : i] as number;
    for (let j = 0; j < KW; j++) factors[o + KH + j] = f.b[g.flip ? KW - 1 - j : j] as number;
  }
  const R = intermediateRows(g);
  const limit = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const planes = g.N * g.K;
  const planesPerChunk = Math.min(planes, Math.floor(limit / (R * g.OW * 4)));
  if (planesPerChunk < 1) return { reason: `one plane of the intermediate (${R}×${g.OW} floats) exceeds one buffer binding (${limit} bytes)` };
  const chunks = Math.ceil(planes / planesPerChunk);
  return { plan: { variant: `rows${KW}+cols${KH}${chunks > 1 ? ` chunks${chunks}` : ''}`, factors, R, planesPerChunk, chunks } };
}

/**
 * Estimated cost in direct multiply-adds. Measured on llvmpipe (1024² image, 'same', median of 3,
 * less the ~25 ms both algorithms spend on upload and readback): separable 5, 15, 23 and 48 ms for
 * 3×3, 9×9, 15×15 and 31×31 against direct's 0.73–0.88 ns per multiply-add — about one direct
 * multiply-add per tap of either pass (TAP_COST), plus PASS_COST per intermediate and output
 * element (the writes, and the setup per pass).
 */
const TAP_COST = 1;
const PASS_COST = 2;
/**
 * On SwiftShader (software adapters other than Mesa's) a tap of the passes measured about 1.7 of
 * direct's multiply-adds (256² image: 15×15 28 ms against direct's 76 ms, 5×5 20 ms against 19 ms).
 */
const SWIFTSHADER_FACTOR = 1.7;
/**
 * On llvmpipe, re-measured 2026-11-28 after direct's packed taps stopped using vec4 stores there
 * (which had slowed direct 1.5–2.1× on rows of a multiple of 4): gaussianBlur of a 1024² image,
 * σ = 8 and 32 (65 and 257 taps per pass), 0.33–0.37 ns per tap and element, against direct's
 * 0.12–0.17 ns per multiply-add — a tap costs about 2.5 of today's direct multiply-adds.
 */
const LLVMPIPE_FACTOR = 2.5;
const isSwiftShader = (ctx: AlgorithmContext): boolean => ctx.adapter.isSoftware && !isMesaSoftware(ctx.adapter);

function cost(g: ConvGeometry, ctx: AlgorithmContext, p: SeparablePlan): number {
  // A kernel of one row or column gains nothing from two passes (conv1d with 17 and 33 taps measured
  // 1.5–1.8× slower than direct on llvmpipe): 'auto' leaves it to the others.
  if (g.KH === 1 || g.KW === 1) return Infinity;
  const rowsWork = g.N * g.K * p.R * g.OW * (g.KW * TAP_COST + PASS_COST);
  const colsWork = outputSize(g) * (g.KH * TAP_COST + PASS_COST);
  return (rowsWork + colsWork) * (isSwiftShader(ctx) ? SWIFTSHADER_FACTOR : isMesaSoftware(ctx.adapter) ? LLVMPIPE_FACTOR : 1);
}

/** Whether the factors fit the uniform copy (UNIFORM_FACTORS in separable.wgsl). */
const uniformFactors = (p: SeparablePlan): boolean => p.factors.length <= UNIFORM_FACTOR_VEC4S * 4;
/** Output rows per invocation of the column pass (RB in separable.wgsl). */
const columnRows = (g: ConvGeometry): number => (g.strideH === 1 && g.dilationH === 1 ? RB_MAX : 1);
const passConstants = (g: ConvGeometry, p: SeparablePlan) => ({ ...boundaryConstants(g), UNIFORM_FACTORS: Number(uniformFactors(p)) });
const rowsSpec = (g: ConvGeometry, p: SeparablePlan): KernelSpec<'separable'> => ({
  family: 'separable', entryPoint: 'rows', constants: { ...passConstants(g, p), UNIT_ROWS: Number(g.strideW === 1 && g.dilationW === 1) },
});
const colsSpec = (g: ConvGeometry, p: SeparablePlan): KernelSpec<'separable'> => ({
  family: 'separable', entryPoint: 'cols', constants: { ...passConstants(g, p), RB: columnRows(g) },
});

export const separable: ConvAlgorithm<SeparablePlan> = {
  name: 'separable',
  summary: 'rank-1 kernels (tested on the host) as a row pass and a column pass: KH + KW multiply-adds per output',
  plan,
  cost,
  kernels: (g, _ctx, p) => [rowsSpec(g, p), colsSpec(g, p)],
  encode(rec, g, b, p) {
    const factors = rec.scratch(p.factors.byteLength, 'separable.factors', BufferUsage.COPY_DST);
    rec.device.queue.writeBuffer(factors.buffer, 0, p.factors.buffer, p.factors.byteOffset, p.factors.byteLength);
    // A uniform copy when the factors fit it (else the binding is bound but unread).
    const ufac = rec.scratch(UNIFORM_FACTOR_VEC4S * 16, 'separable.factors.uniform', BufferUsage.UNIFORM | BufferUsage.COPY_DST);
    if (uniformFactors(p)) rec.device.queue.writeBuffer(ufac.buffer, 0, p.factors.buffer, p.factors.byteOffset, p.factors.byteLength);
    const rows = rec.scratch(p.planesPerChunk * p.R * g.OW * 4, 'separable.rows');
    const base = { ...geometryParams(g), R: p.R };
    const blocks = Math.ceil(g.OW / OB);
    const RB = columnRows(g);
    const planes = g.N * g.K;
    for (let plane0 = 0; plane0 < planes; plane0 += p.planesPerChunk) {
      const n = Math.min(p.planesPerChunk, planes - plane0);
      const rowsTotal = n * p.R * Math.ceil(g.OW / OBR);
      rec.dispatch(rowsSpec(g, p), { ...base, plane0, total: rowsTotal }, [b.input, factors, rows, null, ufac], Math.ceil(rowsTotal / WG));
      const colsTotal = n * Math.ceil(g.OH / RB) * blocks;
      rec.dispatch(colsSpec(g, p), { ...base, plane0, total: colsTotal }, [rows, factors, b.bias, b.output, ufac], Math.ceil(colsTotal / WG));
    }
  },
};

