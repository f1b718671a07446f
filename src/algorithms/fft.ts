/**
 * FFT convolution (shaders/fftconv.wgsl and shaders/fft.wgsl): the canonical cross-correlation at
 * stride 1 as a product of spectra, in tiles (overlap-save) whose transform sizes minimise the work
 * and fit the device. Per piece the weights are dilated, flipped as the geometry says, padded and
 * transformed once (or taken from the spectra cache when the same weight, a GpuTensor or equal host
 * values, was seen before); then per chunk of (image, tile) pairs:
 *   1. the rows' real transforms, reading each row of the tile's input span (boundary rule applied)
 *      straight from the input (wgRfftConv) — or, for rows too long for workgroup memory, a pad pass
 *      into real planes and their transforms;
 *   2. the columns: with one input and one output channel per group (single-channel filters,
 *      depthwise layers), one kernel transforms each column, multiplies it by the conjugate weight
 *      spectrum and transforms it back (wgFilter); otherwise the columns' transforms around a
 *      multiply-accumulate over the group's channels;
 *   3. the rows' inverse transforms, writing the outputs (crop, subsampling for stride > 1, bias)
 *      straight into the output (wgIrfftConv) — or into real planes and a crop pass.
 * A single-channel chunk is three dispatches; one of one-row planes (conv1d, the 1-D ops) with one
 * channel per group is one (wgRowFilter: the whole tile in one kernel). Stride > 1 computes every
 * stride-1 output: allowed, but 'auto' never picks FFT there.
 *
 * Error is normwise, not elementwise (see the README's FFT section): one NaN or Inf in a tile's
 * input span spreads to all of that tile's outputs.
 */
// The transforms' own modules, not src/fft/index.ts (whose runner for the public FFT ops imports the executor).
import { columnFilterCost, rfft2Cost } from '../fft/cost.js';
import { stageCount, workgroupCapacity } from '../fft/plan.js';
import { contiguousBatch, dispatchWorkgroup, planFor, sharedValues, workgroupSpec } from '../fft/complex.js';
import type { WorkgroupPlan } from '../fft/plan.js';
import {
  canFilterColumns, columnFilterKernel, columnKernels, encodeColumnFilter, encodeColumns, encodeIrfft2, encodeRfft2, realKernels, rowKernels,
} from '../fft/real.js';
import { hostRowSpectra, rowSpectra } from '../fft/row-spectra.js';
import { rootsTable } from '../fft/state.js';
import { createFftState, releaseFftState, type FftState } from '../fft/state.js';
import { BufferUsage } from '../gpu/constants.js';
import { boundaryConstants, geometryParams } from '../gpu/params.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import { bindingLimit, type Binding, type Recorder } from '../gpu/recorder.js';
import { type ConvGeometry } from '../geometry.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { AlgorithmContext, ConvAlgorithm, ConvOperands, PlanBase } from './algorithm.js';
import { WeightCache } from './weight-cache.js';

const { WG, RUN } = WGSL_CONSTS.fftconv;
const runs = (n: number): number => Math.ceil(n / RUN);
/** The longest transform done in workgroup memory (shaders/fft.wgsl MAX_WG_N). */
const WORKGROUP_LENGTH = WGSL_CONSTS.fft.MAX_WG_N;

/** Cap on the scratch one chunk may use (all four spectra and planes together), below the device limits. */
const FFT_BUDGET_BYTES = 256 << 20;

export interface FftConvPlan extends PlanBase {
  /** Transform size and stride-1 outputs per tile, per dimension. */
  FH: number;
  FW: number;
  TH: number;
  TW: number;
  tilesX: number;
  tiles: number;
  /** (image, tile) pairs per chunk, and chunks. */
  pairsPerChunk: number;
  chunks: number;
  /**
   * The geometry's rows are the columns of its planes in memory (wgRowFilter's TRANSPOSED): set by
   * the separable algorithm's FFT column pass on a one-row plan, never by `plan`.
   */
  transposed?: boolean;
}

/** Per device: the transforms' tables and the weight spectra of weights seen before. */
export interface FftConvState {
  fft: FftState;
  spectra: WeightCache;
}

/** Complex bins of a half spectrum of an FH × FW plane. */
const bins = (FH: number, FW: number): number => FH * (Math.floor(FW / 2) + 1);

/** Relative cost of one pass over global memory in a transform, in workgroup stages (see transformWork). */
const PASS_COST = 9;

/** A fast length F = 2^twos·3^b·5^c·7^d, with odd = b + c + d (its radix-3/5/7 stages). */
interface FastLength {
  F: number;
  twos: number;
  odd: number;
}

/** The fast lengths up to 2^31, ascending (5,912 of them; made once, on first use). */
let fastLengths: FastLength[] | undefined;
function fastLengthsList(): FastLength[] {
  if (fastLengths) return fastLengths;
  const out: FastLength[] = [];
  const max = 2 ** 31;
  for (let a = 0, p2 = 1; p2 <= max; a++, p2 *= 2) {
    for (let b = 0, p3 = p2; p3 <= max; b++, p3 *= 3) {
      for (let c = 0, p5 = p3; p5 <= max; c++, p5 *= 5) for (let d = 0, F = p5; F <= max; d++, F *= 7) out.push({ F, twos: a, odd: b + c + d });
    }
  }
  return (fastLengths = out.sort((x, y) => x.F - y.F));
}

/**
 * Relative time of the transforms along one dimension of F points (`rows`: the real dimension, whose
 * transforms run at length F/2 for even F and at full length, twice the points, for odd F). Measured on
 * llvmpipe, a batch of complex transforms costs about the same per element whatever its radices
 * (20–28 ns per element per pass for lengths 49…2048): each pass through global memory costs about
 * PASS_COST workgroup stages, each stage one more. A length past the workgroup capacity runs as a
 * four-step pair (two passes), whose radix-3/5/7 stages count twice (1M-sample conv1d with 16,385 or
 * 65,537 taps: 110 / 120 ms in one 1,071,630- or 1,119,744-point transform, 80 / 108 ms in tiles).
 * So 512² 'same' filters of 15×15…31×31 run one 560² transform (17 ms) rather than 540² (26 ms:
 * radix-2/3 stages) or 128² tiles (24 ms), and 2048² 31×31 / 63×63 run 25 tiles of 448² / 6 of
 * 1120×784 (250–264 / 289 ms) rather than 441 tiles of 128² / 121 of 256² (338 / 401 ms).
 */
function transformWork({ F, twos, odd }: FastLength, rows: boolean): number {
  if (F < 2) return 1;
  const half = rows && F % 2 === 0;
  const n = half ? F / 2 : F;
  const fourStep = n > WORKGROUP_LENGTH;
  // Odd real rows: expanded to complex and cropped back, one more pass.
  const passes = (fourStep ? 2 : 1) + (rows && F % 2 === 1 ? 1 : 0);
  return n * (PASS_COST * passes + stageCount(half ? twos - 1 : twos, odd) + (fourStep ? odd : 0));
}

/**
 * Transform size F and stride-1 outputs per tile T along one dimension (`out1` outputs, dilated
 * kernel `kd`; `rows`: the real dimension): the candidate of least total work
 * ⌈out1 / T⌉·transformWork(F), T = F − kd + 1, among the fast lengths of at most `maxF` points from
 * max(2, 2·kd − 1) (tiles of at least kd outputs) up to twice the whole span out1 + kd − 1.
 */
function chooseSpan(out1: number, kd: number, maxF: number, rows: boolean): { F: number; T: number } | null {
  const whole = out1 + kd - 1;
  // Tiles of one point (a 1×1 kernel) would cost nothing in the model and a workgroup each in fact.
  const lo = Math.min(Math.max(2, 2 * kd - 1), whole);
  let best: { F: number; T: number } | null = null;
  let bestCost = Infinity;
  const hi = Math.min(maxF, 2 * whole);
  for (const L of fastLengthsList()) {
    const F = L.F;
    if (F > hi) break;
    if (F < lo) continue;
    const T = Math.min(out1, F - kd + 1);
    const cost = Math.ceil(out1 / T) * transformWork(L, rows);
    if (cost < bestCost) [best, bestCost] = [{ F, T }, cost];
  }
  return best;
}

/** Bytes one (image, tile) pair needs: input planes and spectra, output spectra and planes. */
function pairBytes(g: ConvGeometry, FH: number, FW: number): number {
  return (g.C + g.K) * (FH * FW * 4 + bins(FH, FW) * 8);
}

function planFft(g: ConvGeometry, ctx: AlgorithmContext): { plan: FftConvPlan } | { reason: string } {
  // A kernel of one row (KH = 1, KW > 1) on single-channel planes: each output row is one tile row
  // of its own (FH = 1), filtered whole by wgRowFilter, when the rows fit workgroup memory (else,
  // and where workgroup memory is too small for any transform, 2-D tiles).
  if (g.KH === 1 && g.KW > 1 && g.H > 1 && g.C === g.groups && g.K === g.groups && workgroupCapacity(ctx.limits.maxComputeWorkgroupStorageSize) >= 8) {
    const rows = planTiles(g, ctx, true);
    if ('plan' in rows && filtersRows(g, ctx.limits, rows.plan)) return rows;
  }
  return planTiles(g, ctx, false);
}

function planTiles(g: ConvGeometry, ctx: AlgorithmContext, oneRowTiles: boolean): { plan: FftConvPlan } | { reason: string } {
  const limit = bindingLimit(ctx.limits);
  const KHd = (g.KH - 1) * g.dilationH + 1;
  const KWd = (g.KW - 1) * g.dilationW + 1;
  const OH1 = (g.OH - 1) * g.strideH + 1;
  const OW1 = (g.OW - 1) * g.strideW + 1;
  const weightPlanes = g.K * (g.C / g.groups);
  // Shrink the largest transforms allowed until the weight spectra and one pair fit.
  for (let maxF = 1 << 24; maxF >= 2; maxF = Math.floor(maxF / 2)) {
    const h = (g.OH === 1 && g.H === 1 && g.KH === 1) || (oneRowTiles && KHd === 1) ? { F: 1, T: 1 } : chooseSpan(OH1, KHd, maxF, false);
    const w = chooseSpan(OW1, KWd, maxF, true);
    if (!h || !w) continue;
    const { F: FH, T: TH } = h;
    const { F: FW, T: TW } = w;
    const weightBytes = weightPlanes * Math.max(FH * FW * 4, bins(FH, FW) * 8);
    const perPair = pairBytes(g, FH, FW);
    const maxPlane = Math.max(g.C, g.K) * bins(FH, FW) * 8;
    if (weightBytes > limit || maxPlane > limit || perPair > FFT_BUDGET_BYTES) continue;
    const tilesX = Math.ceil(OW1 / TW);
    const tiles = tilesX * Math.ceil(OH1 / TH);
    const pairs = g.N * tiles;
    const fitPairs = Math.max(1, Math.min(Math.floor(limit / maxPlane), Math.floor(FFT_BUDGET_BYTES / perPair)));
    const pairsPerChunk = Math.min(pairs, fitPairs);
    const variant = `${FH}x${FW}${tiles > 1 ? ` tiles${tiles}@${TH}x${TW}` : ''}`;
    return { plan: { variant, FH, FW, TH, TW, tilesX, tiles, pairsPerChunk, chunks: Math.ceil(pairs / pairsPerChunk) } };
  }
  return { reason: `the weight spectra (${weightPlanes} planes) do not fit one buffer binding (${limit} bytes) at any transform size` };
}

/** The fftconv kernels of a plan, as its encoding dispatches them. */
const spec = (entryPoint: string, constants: Record<string, number> = {}): KernelSpec<'fftconv'> => ({ family: 'fftconv', entryPoint, constants });
const specs = {
  padWeights: (g: ConvGeometry) => spec('padWeights', { FLIP: Number(g.flip) }),
  // The kernels that read the input take its boundary rule, NEAR_EDGES from the geometry's
  // coordinate range (a tile's reads past it feed only outputs that are cropped).
  padInput: (g: ConvGeometry) => spec('padInput', boundaryConstants(g)),
  mac: spec('mac'),
  crop: spec('crop'),
};

/**
 * Whether a chunk filters its spectra's columns in one kernel (forward, × conj(weight spectrum),
 * inverse: encodeColumnFilter) instead of a column transform each way around the multiply-accumulate:
 * one input and one output channel per group (single-channel filters, depthwise layers) and columns
 * that fit workgroup memory.
 */
const filtersColumns = (g: ConvGeometry, limits: AlgorithmContext['limits'], plan: FftConvPlan): boolean =>
  g.C === g.groups && g.K === g.groups && canFilterColumns(limits, { batch: 1, H: plan.FH, W: plan.FW });


/** The chunks of (image, tile) pairs of `plan`: first pair and pairs. */
function* chunksOf(g: ConvGeometry, plan: FftConvPlan): Generator<{ pair0: number; pairs: number }> {
  const total = g.N * plan.tiles;
  for (let pair0 = 0; pair0 < total; pair0 += plan.pairsPerChunk) yield { pair0, pairs: Math.min(plan.pairsPerChunk, total - pair0) };
}

/**
 * The rows' plan when the chunk's rows are read from the input and written to the output by the
 * transforms themselves (shaders/fft.wgsl's wgRfftConv / wgIrfftConv: no padded planes, no separate
 * pad and crop passes): even FW whose half fits one workgroup with room for the rows' descriptions.
 */
function convRows(limits: AlgorithmContext['limits'], plan: FftConvPlan, entry: 'wgRfftConv' | 'wgRowFilter' = 'wgRfftConv'): WorkgroupPlan | undefined {
  if (plan.FW % 2 !== 0) return undefined;
  const rows = planFor({ limits }, plan.FW / 2);
  return rows.kind === 'workgroup' && sharedValues(rows, entry) * 8 <= limits.maxComputeWorkgroupStorageSize ? rows : undefined;
}

/**
 * The rows' plan when each tile is filtered whole in one kernel (shaders/fft.conv.wgsl's
 * wgRowFilter: read, transform, product with the weight spectrum, transform back, write): one-row
 * planes (conv1d and the 1-D ops) with one input and one output channel per group.
 */
const filtersRows = (g: ConvGeometry, limits: AlgorithmContext['limits'], plan: FftConvPlan): WorkgroupPlan | undefined =>
  plan.FH === 1 && g.C === g.groups && g.K === g.groups ? convRows(limits, plan, 'wgRowFilter') : undefined;

/** Every kernel of `plan`: the weights' padding and transform (skipped for cached spectra), then per chunk the forward rows, columns (or the column filter) and inverse rows, as `encode` records them. */
function kernels(g: ConvGeometry, ctx: AlgorithmContext, plan: FftConvPlan): KernelSpec[] {
  const shape = { batch: 1, H: plan.FH, W: plan.FW };
  const whole = filtersRows(g, ctx.limits, plan);
  const weights = spectraOnHost(g, ctx.limits, plan, ctx.weightSource) ? [] : [specs.padWeights(g), ...realKernels(ctx.limits, shape, false)];
  if (whole) return [...weights, workgroupSpec(whole, 'wgRowFilter', false, false, rowFilterConstants(g, plan))];
  if (plan.transposed) throw new Error('fft: a transposed plan must filter its rows whole');
  const rows = convRows(ctx.limits, plan);
  const forward = rows ? [workgroupSpec(rows, 'wgRfftConv', false, false, boundaryConstants(g))] : [specs.padInput(g), ...rowKernels(ctx.limits, shape, false)];
  const inverse = rows ? [workgroupSpec(rows, 'wgIrfftConv', true, false)] : [...rowKernels(ctx.limits, shape, true), specs.crop];
  const cols = filtersColumns(g, ctx.limits, plan)
    ? [columnFilterKernel(ctx.limits, shape)]
    : [...columnKernels(ctx.limits, shape, false), specs.mac, ...columnKernels(ctx.limits, shape, true)];
  return [...weights, ...forward, ...cols, ...inverse];
}

/** What the weight spectra of a plan depend on besides the weights' values: the spectra cache's layout key. */
const spectraLayout = (g: ConvGeometry, plan: FftConvPlan): string =>
  `${plan.FH}x${plan.FW}:${g.K * (g.C / g.groups)}:${g.KH}x${g.KW}:${g.dilationH}x${g.dilationW}:${Number(g.flip)}`;

/**
 * Whether a plan's weight spectra are computed on the host (./fft/row-spectra.ts): a plan that filters
 * its rows whole, host weights, not too many points. What `kernels` lists and `encode` records.
 */
const spectraOnHost = (g: ConvGeometry, limits: AlgorithmContext['limits'], plan: FftConvPlan, source: AlgorithmContext['weightSource']): source is Float32Array =>
  source instanceof Float32Array && hostRowSpectra(g, plan.FW) && filtersRows(g, limits, plan) !== undefined;

/**
 * The weight spectra of `b.weight` for `plan`, from the spectra cache when the same weights (a
 * GpuTensor, or equal host values) were transformed for this layout before; those of host weights of
 * a plan that filters its rows whole computed on the host (spectraOnHost).
 */
function weightSpectra(rec: Recorder, g: ConvGeometry, b: ConvOperands, plan: FftConvPlan, state: FftConvState): Binding {
  const { FH, FW } = plan;
  const planes = g.K * (g.C / g.groups);
  const source = b.weightSource;
  const host = spectraOnHost(g, rec.limits, plan, source);
  return state.spectra.binding(rec, source, spectraLayout(g, plan), planes * bins(FH, FW) * 8, host ? BufferUsage.COPY_DST : 0, (spectra) => {
    if (host) {
      const data = rowSpectra(g, source, FW);
      rec.device.queue.writeBuffer(spectra.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
      return;
    }
    const real = rec.scratch(planes * FH * FW * 4, 'fft.weights.real');
    const total = planes * FH * runs(FW);
    rec.dispatch(specs.padWeights(g), { ...geometryParams(g), FH, FW, total }, [b.weight, real], Math.ceil(total / WG));
    encodeRfft2(rec, state.fft, { batch: planes, H: FH, W: FW }, real, spectra);
  });
}

function encode(rec: Recorder, g: ConvGeometry, b: ConvOperands, plan: FftConvPlan, state: FftConvState): void {
  const { FH, FW, TH, TW, tilesX, tiles, pairsPerChunk } = plan;
  const ws = weightSpectra(rec, g, b, plan, state);
  // The roots of the row kernels that read the input (even FW only): of FW / 2 and of FW.
  const rowTables = (): Binding[] => [rootsTable(state.fft, FW / 2), rootsTable(state.fft, FW)];
  const nb = bins(FH, FW);
  const whole = filtersRows(g, rec.limits, plan);
  if (whole) {
    encodeRowFilter(rec, g, b, plan, whole, ws, rowTables());
    return;
  }
  if (plan.transposed) throw new Error('fft: a transposed plan must filter its rows whole');
  const filter = filtersColumns(g, rec.limits, plan);
  const rows = convRows(rec.limits, plan);
  const inReal = rows ? undefined : rec.scratch(pairsPerChunk * g.C * FH * FW * 4, 'fft.input.real');
  const inSpec = rec.scratch(pairsPerChunk * g.C * nb * 8, 'fft.input.spectra');
  // Filtering columns in place leaves the output spectra (K = C planes) in inSpec.
  const outSpec = filter ? inSpec : rec.scratch(pairsPerChunk * g.K * nb * 8, 'fft.output.spectra');
  const outReal = rows ? undefined : rec.scratch(pairsPerChunk * g.K * FH * FW * 4, 'fft.output.real');
  const base = { ...geometryParams(g), FH, TH, TW, tilesX, tiles };
  const tables = rows ? rowTables() : [];
  for (const { pair0, pairs } of chunksOf(g, plan)) {
    const chunk = { ...base, pair0 };
    const inShape = { batch: pairs * g.C, H: FH, W: FW };
    const outShape = { batch: pairs * g.K, H: FH, W: FW };
    if (rows) {
      const layout = contiguousBatch(pairs * g.C * FH, FW / 2, FW / 2, nb / FH);
      dispatchWorkgroup(rec, rows, layout, 'wgRfftConv', false, { ...chunk, scale: 1 }, [null, inSpec, ...tables, b.input], boundaryConstants(g));
    } else {
      const padTotal = pairs * g.C * FH * runs(FW);
      rec.dispatch(specs.padInput(g), { ...chunk, FW, pairs, total: padTotal }, [b.input, inReal as Binding], Math.ceil(padTotal / WG));
      encodeRfft2(rec, state.fft, inShape, inReal as Binding, inSpec, false);
    }
    if (filter) {
      encodeColumnFilter(rec, state.fft, inShape, g.C, inSpec, ws);
    } else {
      encodeColumns(rec, state.fft, inShape, false, inSpec);
      const macTotal = pairs * g.K * runs(nb);
      rec.dispatch(specs.mac, { ...chunk, FW, pairs, total: macTotal }, [inSpec, ws, outSpec], Math.ceil(macTotal / WG));
      encodeColumns(rec, state.fft, outShape, true, outSpec);
    }
    if (rows) {
      const layout = contiguousBatch(pairs * g.K * FH, FW / 2, nb / FH, FW / 2);
      dispatchWorkgroup(rec, rows, layout, 'wgIrfftConv', true, { ...chunk, scale: 1 / (FH * FW) }, [outSpec, null, ...tables, null, b.output, b.bias]);
    } else {
      encodeIrfft2(rec, state.fft, outShape, outSpec, outReal as Binding, false);
      const cropTotal = pairs * g.K * TH * runs(TW);
      rec.dispatch(specs.crop, { ...chunk, FW, pairs, total: cropTotal }, [outReal as Binding, b.bias, b.output], Math.ceil(cropTotal / WG));
    }
  }
}

/** wgRowFilter's override constants: the input's boundary rule, and TRANSPOSED for a transposed plan. */
const rowFilterConstants = (g: ConvGeometry, plan: FftConvPlan): Record<string, number> => ({ ...boundaryConstants(g), ...(plan.transposed ? { TRANSPOSED: 1 } : {}) });

/** Records every chunk of a one-row plan as one wgRowFilter dispatch (filtersRows); `tables`: the roots of FW / 2 and FW. */
function encodeRowFilter(rec: Recorder, g: ConvGeometry, b: ConvOperands, plan: FftConvPlan, rows: WorkgroupPlan, ws: Binding, tables: Binding[]): void {
  const { FH, FW, TH, TW, tilesX, tiles } = plan;
  const base = { ...geometryParams(g), FH, TH, TW, tilesX, tiles, scale: 1 / FW, planes: g.C };
  const bindings = [ws, null, ...tables, b.input, b.output, b.bias];
  for (const { pair0, pairs } of chunksOf(g, plan)) {
    dispatchWorkgroup(rec, rows, contiguousBatch(pairs * g.C, FW / 2), 'wgRowFilter', false, { ...base, pair0 }, bindings, rowFilterConstants(g, plan));
  }
}

/** Whether the weight spectra `plan` needs are in the device's spectra cache already (the call then skips their transform). */
function spectraCached(g: ConvGeometry, ctx: AlgorithmContext, plan: FftConvPlan): boolean {
  const state = ctx.stateOf?.('fft') as FftConvState | undefined;
  return ctx.weightSource !== undefined && state?.spectra.has(ctx.weightSource, spectraLayout(g, plan)) === true;
}

/**
 * Estimated cost in direct multiply-adds: the transforms (src/fft's measured model; the weights'
 * only when their spectra are not cached), the spectral multiply-accumulate and the padding and
 * cropping passes. Infinite for strides > 1: FFT computes every stride-1 output, so 'auto' never
 * picks it there.
 */
function cost(g: ConvGeometry, ctx: AlgorithmContext, plan: FftConvPlan): number {
  if (g.strideH > 1 || g.strideW > 1) return Infinity;
  const { FH, FW } = plan;
  const pairs = g.N * plan.tiles;
  const shape = (batch: number) => ({ batch, H: FH, W: FW });
  const weights = spectraCached(g, ctx, plan) ? 0 : rfft2Cost(shape(g.K * (g.C / g.groups)), ctx.adapter);
  // Padding and cropping touch each element once (in passes of their own, or inside the rows' kernels).
  const passes = pairs * (g.C + g.K) * FH * FW;
  if (filtersRows(g, ctx.limits, plan)) return 2 * rfft2Cost(shape(pairs * g.C), ctx.adapter, false) + weights + passes;
  if (filtersColumns(g, ctx.limits, plan)) {
    const rows = rfft2Cost(shape(pairs * g.C), ctx.adapter, false);
    return 2 * rows + columnFilterCost(shape(pairs * g.C), ctx.adapter) + weights + passes;
  }
  const transforms = rfft2Cost(shape(pairs * g.C), ctx.adapter) + weights + rfft2Cost(shape(pairs * g.K), ctx.adapter);
  // A complex multiply-add is 4 real ones.
  const mac = 4 * pairs * g.K * (g.C / g.groups) * bins(FH, FW);
  return transforms + mac + passes;
}

export const fft: ConvAlgorithm<FftConvPlan, FftConvState> = {
  name: 'fft',
  summary: 'products of spectra in overlap-save tiles (rfft2 · conj · irfft2); error normwise; wins for large kernels',
  plan: planFft,
  cost,
  kernels,
  createState: (device) => ({ fft: createFftState(device), spectra: new WeightCache('fft.weight-spectra') }),
  releaseState(state) {
    state.spectra.destroy();
    releaseFftState(state.fft);
  },
  encode,
};
