/**
 * The separable algorithm's FFT passes, for long factors (large Gaussians): the row pass and the
 * column pass each as an FFT filtering of rows (./fft.ts with one-row tiles: shaders/fft.conv.wgsl's
 * wgRowFilter reads each row's span with the boundary rule, transforms it, multiplies it by the
 * factor's spectrum, transforms it back and writes its outputs, one dispatch per chunk):
 *   1. rows: T[p, y, ox] = Σ_kx b_k[kx] · x̃[…, y, ox·sW − padLeft + kx·dW] for the H input rows
 *      y, computed by `fft` on the geometry with KH = 1, no vertical padding and OH = H;
 *   2. columns: out[p, oy, ox] = bias_k + Σ_ky a_k[ky] · T̃[p, oy·sH − padTop + ky·dH, ox] — `fft`
 *      on the transposed geometry (OW rows of H) with the layer's vertical padding, stride and
 *      dilation, its plan marked `transposed` so that wgRowFilter reads each column of T and writes
 *      each column of the output where they lie (no transposes); T̃ is T extended by the layer's
 *      boundary rule: the row pass of an extended row y is the row pass of the row the rule maps y
 *      to, and a 'fill' row's is fill·Σb_k (the fill value of this pass, so every channel's row
 *      factors must sum alike).
 * The direct passes filter the R = (OH − 1)·sH + (KH − 1)·dH + 1 extended rows instead (R ≈ 2H for
 * a 961-tap Gaussian on 1024 rows).
 * A transform of about 2·(taps) points per row costs O(log taps) per output against the direct
 * passes' taps, so this wins for long factors (on llvmpipe from about 190 taps, Gaussian σ ≈ 24 at
 * truncate 4; see separable.ts's cost); against 2-D FFT convolution it transforms each row and
 * column once, not the whole padded plane both ways.
 * Needs one input and one output channel per group (image filters, depthwise layers) and the
 * intermediate in one binding. Error is normwise, as FFT convolution's (src/algorithms/fft.ts).
 */
import { BufferUsage } from '../gpu/constants.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import { bindingLimit, type Binding, type Recorder } from '../gpu/recorder.js';
import type { ConvGeometry } from '../geometry.js';
import type { AlgorithmContext, ConvOperands } from './algorithm.js';
import { fft, type FftConvPlan, type FftConvState } from './fft.js';

/** One FFT pass: its geometry, plan and factors ([K, 1, 1, taps], correlation order). */
interface FftPass {
  g: ConvGeometry;
  plan: FftConvPlan;
  weights: Float32Array;
}

export interface FftPasses {
  rows: FftPass;
  cols: FftPass;
}

/**
 * The two passes' geometries: rows — the layer with KH = 1 and no vertical padding over the H input
 * rows; columns — the intermediate's columns as rows (OW rows of H per plane, read in place by a
 * transposed plan) filtered by a_k with the layer's vertical padding, stride, dilation and boundary
 * rule, a 'fill' row being `rowFill`.
 */
export function passGeometries(g: ConvGeometry, rowFill: number): { rows: ConvGeometry; cols: ConvGeometry } {
  const rows: ConvGeometry = { ...g, KH: 1, OH: g.H, padTop: 0, strideH: 1, dilationH: 1, flip: false };
  const cols: ConvGeometry = {
    N: g.N, C: g.K, K: g.K, groups: g.K, H: g.OW, W: g.H, KH: 1, KW: g.KH,
    strideH: 1, strideW: g.strideH, dilationH: 1, dilationW: g.dilationH, padTop: 0, padLeft: g.padTop,
    OH: g.OW, OW: g.OH, boundary: g.boundary, fillValue: rowFill, flip: false,
  };
  return { rows, cols };
}

/** Σ b_k in float64, rounded to float32 once. */
export const rowSum = (b: Float32Array): number => Math.fround(b.reduce((s, x) => s + x, 0));
/** A 'fill' row through the row pass, fill·Σb_k (the column pass's fill value: alike for every channel). */
export const rowFill = (fill: number, sum: number): number => Math.fround(fill * sum);

/**
 * The FFT passes for `g` with `factors` (per channel a_k then b_k, correlation order), or a reason
 * they cannot run: both passes must plan as one-row tiles.
 */
export function planFftPasses(g: ConvGeometry, ctx: AlgorithmContext, factors: Float32Array): FftPasses | { reason: string } {
  if (g.C !== g.groups || g.K !== g.groups) return { reason: 'FFT passes need one output channel per group' };
  const limit = bindingLimit(ctx.limits);
  const planeBytes = g.N * g.K * Math.max(g.H * g.OW, g.OW * g.OH) * 4;
  if (planeBytes > limit) return { reason: `the intermediate (${planeBytes} bytes) exceeds one buffer binding (${limit} bytes)` };
  const split = (first: number, taps: number): Float32Array => {
    const w = new Float32Array(g.K * taps);
    for (let k = 0; k < g.K; k++) w.set(factors.subarray(k * (g.KH + g.KW) + first, k * (g.KH + g.KW) + first + taps), k * taps);
    return w;
  };
  const b = split(g.KH, g.KW);
  const sums = Array.from({ length: g.K }, (_, k) => rowSum(b.subarray(k * g.KW, (k + 1) * g.KW)));
  if (g.boundary === 'fill' && g.fillValue !== 0 && sums.some((x) => x !== sums[0])) return { reason: "FFT passes with a nonzero 'fill' need row factors of equal sums" };
  const geometries = passGeometries(g, rowFill(g.fillValue, sums[0] as number));
  const pass = (pg: ConvGeometry, weights: Float32Array): FftPass | { reason: string } => {
    const p = fft.plan(pg, ctx);
    if ('reason' in p) return p;
    if (p.plan.FH !== 1) return { reason: `rows of ${pg.W} do not fit one workgroup's transform` };
    return { g: pg, plan: p.plan, weights };
  };
  const rows = pass(geometries.rows, b);
  if ('reason' in rows) return rows;
  const cols = pass(geometries.cols, split(0, g.KH));
  if ('reason' in cols) return cols;
  return { rows, cols: { ...cols, plan: { ...cols.plan, transposed: true } } };
}

/** The variant string of the FFT passes. */
export const fftPassesVariant = (g: ConvGeometry, p: FftPasses): string => `fft rows${g.KW}@${p.rows.plan.variant} cols${g.KH}@${p.cols.plan.variant}`;

/** Estimated cost in direct multiply-adds: both passes' FFT convolution estimates. */
export function fftPassesCost(ctx: AlgorithmContext, p: FftPasses): number {
  return (fft.cost?.(p.rows.g, ctx, p.rows.plan) ?? Infinity) + (fft.cost?.(p.cols.g, ctx, p.cols.plan) ?? Infinity);
}

/** Every kernel the FFT passes dispatch (their weights are the factors, host data: see encodeFftPasses). */
export function fftPassesKernels(ctx: AlgorithmContext, p: FftPasses): KernelSpec[] {
  const of = (pass: FftPass) => fft.kernels?.(pass.g, { ...ctx, weightSource: pass.weights }, pass.plan) ?? [];
  return [...of(p.rows), ...of(p.cols)];
}

/** Records the FFT passes of `g` (operands `b`) with the FFT convolution state `state`. */
export function encodeFftPasses(rec: Recorder, g: ConvGeometry, b: ConvOperands, p: FftPasses, state: FftConvState): void {
  const zeroBias = rec.zeros(g.K * 4, 'separable.fft.zero-bias');
  const upload = (w: Float32Array, label: string): Binding => {
    const s = rec.scratch(w.byteLength, label, BufferUsage.COPY_DST);
    rec.device.queue.writeBuffer(s.buffer, 0, w.buffer, w.byteOffset, w.byteLength);
    return s;
  };
  const rows = rec.scratch(g.N * g.K * g.H * g.OW * 4, 'separable.fft.rows');
  const run = (pass: FftPass, input: Binding, bias: Binding, output: Binding, label: string): void =>
    fft.encode(rec, pass.g, { input, weight: upload(pass.weights, label), bias, output, weightSource: pass.weights }, pass.plan, state);
  run(p.rows, b.input, zeroBias, rows, 'separable.fft.row-factors');
  run(p.cols, rows, b.bias, b.output, 'separable.fft.column-factors');
}
