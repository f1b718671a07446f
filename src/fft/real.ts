/**
 * Real-input transforms: `batch` real planes H×W ↔ half spectra H×(⌊W/2⌋+1), rows then columns,
 * no transposes and no host round trip.
 *
 * Forward, even W = 2h: the real rows are read as h complex values (z[j] = x[2j] + i·x[2j+1], no
 * copy), transformed at length h and untangled into the output rows: in one workgroup kernel
 * (`wgRfft`) when h fits workgroup memory, else transformed straight into the output rows and
 * untangled in place (`rpost`); then the columns in place. Odd W: the rows are expanded to complex
 * (imaginary 0) in scratch, transformed at length W in place, cropped into the output; then the columns.
 * Inverse: the columns in place (clobbering src), then even W: each row folded into h complex
 * values and transformed at length h — `wgIrfft` in workgroup memory, else `rpre` into dst and the
 * transform in place; dst's real values are then the interleaved z. Odd W: each row's Hermitian
 * extension in scratch, transformed at length W, real parts into dst.
 * FFT convolution records rows and columns apart (`columns: false`, `encodeColumns`), or filters the
 * columns in one kernel (`encodeColumnFilter`).
 */
import type { KernelSpec } from '../gpu/pipelines.js';
import type { Binding, PlanLimits, Recorder } from '../gpu/recorder.js';
import { checkBinding, columnBatch, complexKernels, contiguousBatch, dispatchWorkgroup, encodeComplex, fftSpec, isStrided, planFor, workgroupSpec } from './complex.js';
import { FFT_CONSTS, variantOf, type ComplexPlan, type WorkgroupPlan } from './plan.js';
import { rootsTable, type FftState } from './state.js';

/** `batch` real planes of H×W (dense f32, row-major) ↔ half spectra H×(⌊W/2⌋+1) complex. 1-D: H = 1. */
export interface RealFft2Shape {
  batch: number;
  H: number;
  W: number;
}

const groups = (threads: number): number => Math.ceil(threads / FFT_CONSTS.WG);

/** The plans of a real 2-D transform: its rows (length W/2 for even W, else W) and columns (H > 1). */
export function realPlans(rec: { limits: PlanLimits }, shape: RealFft2Shape): { rows: ComplexPlan; cols: ComplexPlan | undefined } {
  const { H, W } = shape;
  return { rows: planFor(rec, W % 2 === 0 ? W / 2 : W), cols: H > 1 ? planFor(rec, H) : undefined };
}

/** The variant a real transform of `shape` reports: its rows' plan, and its columns' when different. */
export function realVariant(plans: { rows: ComplexPlan; cols: ComplexPlan | undefined }): string {
  const r = variantOf(plans.rows);
  const c = plans.cols ? variantOf(plans.cols) : r;
  return r === c ? r : `${r}+${c}`;
}

function checkShape(shape: RealFft2Shape): void {
  for (const k of ['batch', 'H', 'W'] as const) {
    if (!Number.isInteger(shape[k]) || shape[k] < 1) throw new Error(`fft: shape.${k} must be a positive integer, got ${shape[k]}`);
  }
}

/** Cropping / padding [planes, srcRows, srcCols] f32 into [planes, rows, dstCols] (modes: fft.wgsl). */
export function encodePad(
  rec: Recorder, src: Binding, dst: Binding,
  d: { planes: number; rows: number; srcRows: number; srcCols: number; dstCols: number; mode: number; scale?: number },
): void {
  const total = d.planes * d.rows * d.dstCols;
  rec.dispatch(
    fftSpec('pad'),
    { total, rows: d.rows, srcRows: d.srcRows, srcCols: d.srcCols, dstCols: d.dstCols, mode: d.mode, scale: d.scale ?? 1 },
    [null, null, null, null, src, dst],
    groups(total),
  );
}

/**
 * Records src f32 [batch,H,W] → dst complex [batch,H,⌊W/2⌋+1] (unnormalised, numpy.fft.rfft2);
 * src is not modified. src and dst are bindings of different buffers (any offsets WebGPU allows).
 * Returns the variant (FftRunInfo.variant).
 */
export function recordRfft2(rec: Recorder, st: FftState, shape: RealFft2Shape, src: Binding, dst: Binding, columns = true): string {
  checkShape(shape);
  const { batch, H, W } = shape;
  const Wc = Math.floor(W / 2) + 1;
  const rows = batch * H;
  checkBinding(rec, rows * Wc * 8, 'the spectrum');
  const plans = realPlans(rec, shape);
  if (W % 2 === 0) {
    const h = W / 2;
    const layout = contiguousBatch(rows, h, h, Wc);
    if (plans.rows.kind === 'workgroup') {
      dispatchWorkgroup(rec, plans.rows, layout, 'wgRfft', false, { scale: 1 }, [src, dst, rootsTable(st, h), rootsTable(st, W)]);
    } else {
      encodeComplex(rec, st, plans.rows, layout, false, 1, src, dst);
      const total = rows * (Math.floor(h / 2) + 1);
      rec.dispatch(fftSpec('rpost'), { total, half: h, os1: Wc }, [null, dst, null, rootsTable(st, W)], groups(total));
    }
  } else {
    checkBinding(rec, rows * W * 8, 'the complex rows');
    const S = rec.scratch(rows * W * 8, 'fft.rows');
    encodePad(rec, src, S, { planes: rows, rows: 1, srcRows: 1, srcCols: W, dstCols: 2 * W, mode: FFT_CONSTS.PAD_EXPAND });
    encodeComplex(rec, st, plans.rows, contiguousBatch(rows, W), false, 1, S, S);
    encodePad(rec, S, dst, { planes: rows, rows: 1, srcRows: 1, srcCols: 2 * W, dstCols: 2 * Wc, mode: FFT_CONSTS.PAD_COPY });
  }
  if (columns) encodeColumns(rec, st, shape, false, dst);
  return realVariant(plans);
}

/**
 * Records src complex [batch,H,⌊W/2⌋+1] → dst f32 [batch,H,W], scaled by 1/(H·W) (numpy.fft.irfft2
 * with s = (H, W); the imaginary parts of the columns 0 and, for even W, W/2 are ignored after the
 * column transforms, as NumPy). Clobbers src. src and dst are bindings of different buffers.
 * Returns the variant.
 */
export function recordIrfft2(rec: Recorder, st: FftState, shape: RealFft2Shape, src: Binding, dst: Binding, columns = true): string {
  checkShape(shape);
  const { batch, H, W } = shape;
  const Wc = Math.floor(W / 2) + 1;
  const rows = batch * H;
  checkBinding(rec, rows * Wc * 8, 'the spectrum');
  const plans = realPlans(rec, shape);
  const scale = 1 / (H * W);
  if (columns) encodeColumns(rec, st, shape, true, src);
  if (W % 2 === 0) {
    const h = W / 2;
    if (plans.rows.kind === 'workgroup') {
      dispatchWorkgroup(rec, plans.rows, contiguousBatch(rows, h, Wc, h), 'wgIrfft', true, { scale }, [src, dst, rootsTable(st, h), rootsTable(st, W)]);
    } else {
      const total = rows * (Math.floor(h / 2) + 1);
      rec.dispatch(fftSpec('rpre'), { total, half: h, is1: Wc, os1: h, scale }, [src, dst, null, rootsTable(st, W)], groups(total));
      encodeComplex(rec, st, plans.rows, contiguousBatch(rows, h), true, 1, dst, dst);
    }
  } else {
    checkBinding(rec, rows * W * 8, 'the complex rows');
    const S = rec.scratch(rows * W * 8, 'fft.rows');
    rec.dispatch(fftSpec('hermitian'), { total: rows * W, n: W, is1: Wc }, [src, S], groups(rows * W));
    encodeComplex(rec, st, plans.rows, contiguousBatch(rows, W), true, 1, S, S);
    encodePad(rec, S, dst, { planes: rows, rows: 1, srcRows: 1, srcCols: 2 * W, dstCols: W, mode: FFT_CONSTS.PAD_TAKE, scale });
  }
  return realVariant(plans);
}

/** The columns' plan of `encodeColumnFilter` for planes of `shape`: more than one row, and columns short enough for one workgroup; else undefined. */
function columnFilterPlan(limits: PlanLimits, shape: RealFft2Shape): WorkgroupPlan | undefined {
  if (shape.H < 2) return undefined;
  const cols = planFor({ limits }, shape.H);
  return cols.kind === 'workgroup' ? cols : undefined;
}

/** columnFilterPlan, or a bug: the caller checked canFilterColumns. */
function requireColumnFilterPlan(limits: PlanLimits, shape: RealFft2Shape): WorkgroupPlan {
  const cols = columnFilterPlan(limits, shape);
  if (!cols) throw new Error(`fft: columns of ${shape.H} values cannot be filtered in workgroup memory`);
  return cols;
}

/** Whether `encodeColumnFilter` can run for planes of `shape` (see columnFilterPlan). */
export const canFilterColumns = (limits: PlanLimits, shape: RealFft2Shape): boolean => columnFilterPlan(limits, shape) !== undefined;

/**
 * FFT convolution's column pass (`wgFilter`), in place on `spectra`: `batch` planes of H×(⌊W/2⌋+1)
 * after recordRfft2(…, columns: false); each column transformed, multiplied by the conjugate of the
 * full 2-D spectrum `weights` (`planes` planes; data plane p uses weight plane p mod planes) and
 * transformed back, ready for recordIrfft2(…, columns: false). Needs canFilterColumns.
 */
export function encodeColumnFilter(rec: Recorder, st: FftState, shape: RealFft2Shape, planes: number, spectra: Binding, weights: Binding): void {
  const cols = requireColumnFilterPlan(rec.limits, shape);
  dispatchWorkgroup(rec, cols, columnBatch(shape.batch, shape.H, Math.floor(shape.W / 2) + 1), 'wgFilter', false, { scale: 1, planes }, [weights, spectra, rootsTable(st, shape.H)]);
}

/** The kernels of the rows of recordRfft2 (`inverse`: recordIrfft2) for `shape`. */
export function rowKernels(limits: PlanLimits, shape: RealFft2Shape, inverse: boolean): KernelSpec<'fft'>[] {
  const { rows } = realPlans({ limits }, shape);
  const even = shape.W % 2 === 0;
  if (even && rows.kind === 'workgroup') return [workgroupSpec(rows, inverse ? 'wgIrfft' : 'wgRfft', inverse, false)];
  if (!inverse) return even ? [...complexKernels(rows, false, false, false), fftSpec('rpost')] : [fftSpec('pad'), ...complexKernels(rows, true, false, false)];
  return even ? [fftSpec('rpre'), ...complexKernels(rows, true, true, false)] : [fftSpec('hermitian'), ...complexKernels(rows, true, true, false), fftSpec('pad')];
}

/** The kernels of the columns (in place) of recordRfft2 (`inverse`: recordIrfft2) for `shape`; none for one row. */
export function columnKernels(limits: PlanLimits, shape: RealFft2Shape, inverse: boolean): KernelSpec<'fft'>[] {
  const { cols } = realPlans({ limits }, shape);
  return cols ? complexKernels(cols, true, inverse, isStrided(columnBatch(shape.batch, shape.H, Math.floor(shape.W / 2) + 1))) : [];
}

/**
 * Every kernel `recordRfft2` (or, `inverse`, `recordIrfft2`) dispatches for `shape` (src and dst
 * different buffers, as both require): rows then columns forward, columns then rows inverse.
 */
export function realKernels(limits: PlanLimits, shape: RealFft2Shape, inverse: boolean): KernelSpec<'fft'>[] {
  const rows = rowKernels(limits, shape, inverse);
  const cols = columnKernels(limits, shape, inverse);
  return inverse ? [...cols, ...rows] : [...rows, ...cols];
}

/** Records the column transforms of recordRfft2 (`inverse`: of recordIrfft2, unnormalised) for `shape`, in place on `spectra`; nothing for one row. */
export function encodeColumns(rec: Recorder, st: FftState, shape: RealFft2Shape, inverse: boolean, spectra: Binding): void {
  const { cols } = realPlans(rec, shape);
  if (cols) encodeComplex(rec, st, cols, columnBatch(shape.batch, shape.H, Math.floor(shape.W / 2) + 1), inverse, 1, spectra, spectra);
}

/** The kernel `encodeColumnFilter` dispatches for planes of `shape` (canFilterColumns). */
export const columnFilterKernel = (limits: PlanLimits, shape: RealFft2Shape): KernelSpec<'fft'> =>
  workgroupSpec(requireColumnFilterPlan(limits, shape), 'wgFilter', false, true);

/** Records src f32 [batch,H,W] → dst complex [batch,H,⌊W/2⌋+1] (unnormalised, numpy.fft.rfft2). src is not modified. */
export function encodeRfft2(rec: Recorder, state: FftState, shape: RealFft2Shape, src: Binding, dst: Binding, columns = true): void {
  recordRfft2(rec, state, shape, src, dst, columns);
}

/** Records src complex [batch,H,⌊W/2⌋+1] → dst f32 [batch,H,W], scaled by 1/(H·W) (numpy.fft.irfft2 with s=(H,W)). Clobbers src. */
export function encodeIrfft2(rec: Recorder, state: FftState, shape: RealFft2Shape, src: Binding, dst: Binding, columns = true): void {
  recordIrfft2(rec, state, shape, src, dst, columns);
}
