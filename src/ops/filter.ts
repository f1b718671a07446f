/**
 * SciPy `convolve2d` / `correlate2d` and NumPy `convolve` / `correlate`: option validation and
 * their jobs on the canonical operation (src/geometry.ts). Pure functions: no GPU.
 */
import { OptionError, ShapeError } from '../errors.js';
import type { Boundary, Filter1dOptions, Filter2dOptions, Mode } from '../types.js';
import { checkKeys, checkTensor, fmt, oneOf } from '../validate.js';
import { BOUNDARIES, commonOptions, MODES, operand, outOption, OUTPUT_KEYS, type CommonParams, type ConvJob, type TensorArg } from './job.js';
import type { GpuTensor } from '../gpu/tensor.js';

/** Validated `convolve2d`/`correlate2d` arguments (SciPy semantics). */
export interface Filter2dParams extends CommonParams {
  /** Leading batch size (1 for a 2-D image), and whether the image had that leading dimension. */
  B: number;
  batched: boolean;
  H: number;
  W: number;
  KH: number;
  KW: number;
  mode: Mode;
  boundary: Boundary;
  fillValue: number;
  /** SciPy 'valid' with the kernel larger than the image: the operands trade places. */
  swapped: boolean;
  OH: number;
  OW: number;
  out: Float32Array | GpuTensor | undefined;
}

/**
 * The output size of SciPy's `mode` for an H×W image and a KH×KW kernel, and whether 'valid' swaps
 * the operands (the kernel larger); ShapeError when neither contains the other for 'valid'.
 */
export function filter2dSize(op: string, mode: Mode, H: number, W: number, KH: number, KW: number): { OH: number; OW: number; swapped: boolean } {
  if (mode === 'full') return { OH: H + KH - 1, OW: W + KW - 1, swapped: false };
  if (mode === 'same') return { OH: H, OW: W, swapped: false };
  const imageContains = H >= KH && W >= KW;
  const kernelContains = KH >= H && KW >= W;
  if (!imageContains && !kernelContains) {
    throw new ShapeError(
      `${op}: for mode 'valid' one of image [${H}, ${W}] and kernel [${KH}, ${KW}] must be at least as large as the other in every dimension`,
    );
  }
  return { OH: Math.abs(H - KH) + 1, OW: Math.abs(W - KW) + 1, swapped: !imageContains };
}

/** Validates `convolve2d`/`correlate2d(image [H,W] | [B,H,W], kernel [KH,KW], options)`. */
export function normalizeFilter2d(image: TensorArg, kernel: TensorArg, options: Filter2dOptions = {}, op: string): Filter2dParams {
  checkKeys(op, options, ['mode', 'boundary', 'fillValue', ...OUTPUT_KEYS]);
  const ishape = checkTensor(op, 'image', image, [2, 3]);
  const [KH, KW] = checkTensor(op, 'kernel', kernel, [2]) as [number, number];
  const batched = ishape.length === 3;
  const B = batched ? (ishape[0] as number) : 1;
  const H = ishape[ishape.length - 2] as number;
  const W = ishape[ishape.length - 1] as number;
  const mode = oneOf(op, 'mode', options.mode ?? 'full', MODES);
  const boundary = oneOf(op, 'boundary', options.boundary ?? 'fill', BOUNDARIES);
  const fillValue = options.fillValue ?? 0;
  if (typeof fillValue !== 'number') throw new OptionError(`${op}: fillValue must be a number, got ${fmt(fillValue)}`);
  const { OH, OW, swapped } = filter2dSize(op, mode, H, W, KH, KW);
  const out = outOption(op, options, B * OH * OW, [image, kernel]);
  return { B, batched, H, W, KH, KW, mode, boundary, fillValue, swapped, OH, OW, out, ...commonOptions(op, options) };
}

/**
 * The leading padding of SciPy's `mode` along an axis of kernel size k, in the canonical correlation:
 * 'full' k − 1, 'valid' 0, 'same' 'full' cropped at ⌊(k−1)/2⌋ (convolve2d) or ⌊k/2⌋ (correlate2d).
 */
export function filter2dPadding(mode: Mode, k: number, convolve: boolean): number {
  if (mode === 'full') return k - 1;
  if (mode === 'valid') return 0;
  return k - 1 - (convolve ? Math.floor((k - 1) / 2) : Math.floor(k / 2));
}

/**
 * The GPU job for SciPy `convolve2d` (`flip`) / `correlate2d`. SciPy's 'full' output is the
 * correlation with (KH−1, KW−1) of padding; 'same' crops it at offset ⌊(k−1)/2⌋ for convolve2d
 * and ⌊k/2⌋ for correlate2d, so the top padding is (k−1) − offset.
 */
export function filter2dJob(p: Filter2dParams, image: TensorArg, kernel: TensorArg, convolve: boolean): ConvJob {
  const outShape = p.batched ? [p.B, p.OH, p.OW] : [p.OH, p.OW];
  const base = { boundary: p.boundary, fillValue: p.fillValue, flip: convolve, groups: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, OH: p.OH, OW: p.OW };
  if (p.swapped) {
    // The kernel plane is the image; the B image planes are B output channels' weights.
    return {
      geometry: { ...base, N: 1, C: 1, H: p.KH, W: p.KW, K: p.B, KH: p.H, KW: p.W, padTop: 0, padLeft: 0 },
      input: operand(kernel), weight: operand(image), bias: undefined, outShape, reverse: !convolve, algorithm: p.algorithm, output: p.output, out: p.out, onRun: p.onRun,
    };
  }
  return {
    geometry: { ...base, N: p.B, C: 1, H: p.H, W: p.W, K: 1, KH: p.KH, KW: p.KW, padTop: filter2dPadding(p.mode, p.KH, convolve), padLeft: filter2dPadding(p.mode, p.KW, convolve) },
    input: operand(image), weight: operand(kernel), bias: undefined, outShape, reverse: false, algorithm: p.algorithm, output: p.output, out: p.out, onRun: p.onRun,
  };
}

/** Validated `convolve1d`/`correlate1d` arguments (NumPy semantics). */
export interface Filter1dParams extends CommonParams {
  B: number;
  batched: boolean;
  L: number;
  M: number;
  mode: Mode;
  /** NumPy swaps the operands when the kernel is longer than the signal (any mode). */
  swapped: boolean;
  OL: number;
  out: Float32Array | GpuTensor | undefined;
}

/** Validates `convolve1d`/`correlate1d(signal [L] | [B,L], kernel [M], options)`. */
export function normalizeFilter1d(signal: TensorArg, kernel: TensorArg, options: Filter1dOptions = {}, op: string, defaultMode: Mode): Filter1dParams {
  checkKeys(op, options, ['mode', ...OUTPUT_KEYS]);
  const sshape = checkTensor(op, 'signal', signal, [1, 2]);
  const [M] = checkTensor(op, 'kernel', kernel, [1]) as [number];
  const batched = sshape.length === 2;
  const B = batched ? (sshape[0] as number) : 1;
  const L = sshape[sshape.length - 1] as number;
  const mode = oneOf(op, 'mode', options.mode ?? defaultMode, MODES);
  const long = Math.max(L, M);
  const short = Math.min(L, M);
  const OL = mode === 'full' ? long + short - 1 : mode === 'same' ? long : long - short + 1;
  return { B, batched, L, M, mode, swapped: M > L, OL, out: outOption(op, options, B * OL, [signal, kernel]), ...commonOptions(op, options) };
}

/**
 * The GPU job for NumPy `convolve` (`flip`) / `correlate`. NumPy works on (long, short) after a
 * swap and left-pads by ⌊short/2⌋ in 'same', short−1 in 'full'; `correlate` reverses its result
 * when it swapped.
 */
export function filter1dJob(p: Filter1dParams, signal: TensorArg, kernel: TensorArg, convolve: boolean): ConvJob {
  const short = Math.min(p.L, p.M);
  const padLeft = p.mode === 'full' ? short - 1 : p.mode === 'same' ? Math.floor(short / 2) : 0;
  const outShape = p.batched ? [p.B, p.OL] : [p.OL];
  const base = {
    C: 1, H: 1, KH: 1, groups: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft,
    OH: 1, OW: p.OL, boundary: 'fill' as const, fillValue: 0, flip: convolve,
  };
  if (p.swapped) {
    return {
      geometry: { ...base, N: 1, W: p.M, K: p.B, KW: p.L },
      input: operand(kernel), weight: operand(signal), bias: undefined, outShape, reverse: !convolve, algorithm: p.algorithm, output: p.output, out: p.out, onRun: p.onRun,
    };
  }
  return {
    geometry: { ...base, N: p.B, W: p.L, K: 1, KW: p.M },
    input: operand(signal), weight: operand(kernel), bias: undefined, outShape, reverse: false, algorithm: p.algorithm, output: p.output, out: p.out, onRun: p.onRun,
  };
}
