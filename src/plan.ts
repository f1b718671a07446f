/**
 * Shape math and option normalisation: every public op is validated here and reduced to one
 * canonical description, a generalised 2-D cross-correlation (`ConvGeometry`), which all GPU
 * algorithms implement. Pure functions: no GPU, testable anywhere.
 *
 * The canonical operation, for output element (n, k, oy, ox):
 *
 *   out[n,k,oy,ox] = bias[k] + Σ_{c<Cg, ky<KH, kx<KW}
 *       x̃[n, g·Cg + c, oy·sh − padTop + ky·dh, ox·sw − padLeft + kx·dw] · w[k, c, ky', kx']
 *
 * with Cg = C/groups, g = ⌊k / (K/groups)⌋, (ky', kx') = (ky, kx) or, when `flip`, (KH−1−ky, KW−1−kx),
 * and x̃ the input extended beyond its edges by `boundary` (fill value, wrap, symm, reflect, replicate).
 */
import { OptionError, ShapeError } from './errors.js';
import type {
  Algorithm,
  Boundary,
  Conv1dOptions,
  Conv2dOptions,
  Filter1dOptions,
  Filter2dOptions,
  HostTensor,
  Mode,
  PaddingMode,
} from './types.js';
import type { GpuTensor } from './gpu/tensor.js';
import { checkKeys, checkTensor, fmt, nonNegativeInt, oneOf, positiveInt, positivePair } from './validate.js';

/** An op's operand: host data or a tensor resident on the GPU. */
export type TensorArg = HostTensor | GpuTensor;
/** An operand's data for the GPU job: a host array, or the GPU tensor itself. */
export type Operand = Float32Array | GpuTensor;
const operand = (t: TensorArg): Operand => ('data' in t ? t.data : t);

export const ALGORITHMS = ['auto', 'direct', 'im2col', 'tiled'] as const satisfies readonly Algorithm[];
export const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'] as const satisfies readonly PaddingMode[];
export const BOUNDARIES = ['fill', 'wrap', 'symm', 'reflect', 'replicate'] as const satisfies readonly Boundary[];
export const MODES = ['full', 'same', 'valid'] as const satisfies readonly Mode[];

/** Validated, normalised `conv2d`/`conv1d` arguments (conv1d has H = KH = 1). */
export interface ConvParams {
  N: number;
  C: number;
  H: number;
  W: number;
  K: number;
  KH: number;
  KW: number;
  groups: number;
  stride: [number, number];
  dilation: [number, number];
  /** Explicit padding: top, bottom, left, right. */
  pad: [number, number, number, number];
  paddingMode: PaddingMode;
  flip: boolean;
  bias: Float32Array | undefined;
  algorithm: Algorithm;
  OH: number;
  OW: number;
  /** The validated `out` option. */
  out: Float32Array | undefined;
}

/** The canonical operation every GPU kernel implements (see the file comment). */
export interface ConvGeometry {
  N: number;
  C: number;
  H: number;
  W: number;
  K: number;
  KH: number;
  KW: number;
  groups: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
  OH: number;
  OW: number;
  boundary: Boundary;
  fillValue: number;
  flip: boolean;
}

/** The reduction length of each output, C/groups·KH·KW (the GEMM's inner dimension J). */
export function reductionLength(g: ConvGeometry): number {
  return (g.C / g.groups) * g.KH * g.KW;
}

/** A planned GPU job: the geometry, which host arrays play input and weight, and the post-processing. */
export interface ConvJob {
  geometry: ConvGeometry;
  input: Operand;
  weight: Operand;
  bias: Float32Array | undefined;
  /** Shape of the returned tensor (same element count as N·K·OH·OW). */
  outShape: number[];
  /** Reverse every output plane along both axes (SciPy/NumPy correlate with swapped operands). */
  reverse: boolean;
  algorithm: Algorithm;
  /** Where the result goes: back to the host (default) or into a GpuTensor. */
  output: 'host' | 'gpu';
  /** The caller's array for a host result (`out` option), else a new one. */
  out: Float32Array | undefined;
}

const CONV_KEYS = ['bias', 'stride', 'padding', 'dilation', 'groups', 'paddingMode', 'flip', 'algorithm', 'output', 'out'];
const OUTPUTS = ['host', 'gpu'] as const;

/** The validated `output` option. */
export function outputOption(op: string, o: { output?: unknown } | undefined): 'host' | 'gpu' {
  return oneOf(op, 'output', o?.output ?? 'host', OUTPUTS);
}

/**
 * The validated `out` option: a Float32Array of exactly `size` elements for a host result, sharing
 * no memory with the host operands (a split job reads them while pieces of the result arrive).
 */
function outOption(op: string, o: { output?: unknown; out?: unknown }, size: number, operands: ReadonlyArray<TensorArg | Float32Array | undefined>): Float32Array | undefined {
  const out = o.out;
  if (out === undefined) return undefined;
  if (!(out instanceof Float32Array)) throw new OptionError(`${op}: out must be a Float32Array, got ${fmt(out)}`);
  if (o.output === 'gpu') throw new OptionError(`${op}: out is for host results; with output: 'gpu' the result stays on the GPU`);
  if (out.length !== size) throw new ShapeError(`${op}: out has ${out.length} elements, the result has ${size}`);
  for (const x of operands) {
    const data = x instanceof Float32Array ? x : x && 'data' in x ? x.data : undefined;
    if (data && data.buffer === out.buffer && data.byteOffset < out.byteOffset + out.byteLength && out.byteOffset < data.byteOffset + data.byteLength) {
      throw new OptionError(`${op}: out shares memory with an input; give it an array of its own`);
    }
  }
  return out;
}

function commonConvOptions(op: string, o: Conv2dOptions | Conv1dOptions, C: number, K: number, Cw: number) {
  const groups = positiveInt(op, 'groups', o.groups ?? 1);
  if (C % groups !== 0) throw new ShapeError(`${op}: groups=${groups} must divide input channels C=${C}`);
  if (K % groups !== 0) throw new ShapeError(`${op}: groups=${groups} must divide output channels K=${K}`);
  if (Cw !== C / groups) {
    throw new ShapeError(`${op}: weight has ${Cw} input channels per group, expected C/groups = ${C}/${groups} = ${C / groups}`);
  }
  const paddingMode = oneOf(op, 'paddingMode', o.paddingMode ?? 'zeros', PADDING_MODES);
  const flip = o.flip ?? false;
  if (typeof flip !== 'boolean') throw new OptionError(`${op}: flip must be a boolean, got ${fmt(flip)}`);
  const algorithm = oneOf(op, 'algorithm', o.algorithm ?? 'auto', ALGORITHMS);
  let bias: Float32Array | undefined;
  if (o.bias !== undefined) {
    if (!(o.bias instanceof Float32Array)) throw new OptionError(`${op}: bias must be a Float32Array, got ${fmt(o.bias)}`);
    if (o.bias.length !== K) throw new ShapeError(`${op}: bias has length ${o.bias.length}, expected K=${K}`);
    bias = o.bias;
  }
  return { groups, paddingMode, flip, algorithm, bias };
}

/** PyTorch 'same' padding for one dimension: total d·(k−1), the odd extra goes after. */
function samePad(k: number, d: number): [number, number] {
  const total = d * (k - 1);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

function outSize(op: string, axis: string, size: number, before: number, after: number, k: number, s: number, d: number): number {
  const span = d * (k - 1) + 1;
  const padded = size + before + after;
  if (padded < span) {
    throw new ShapeError(
      `${op}: ${axis}: padded input size ${padded} is smaller than the dilated kernel size ${span}; the output would be empty`,
    );
  }
  return Math.floor((padded - span) / s) + 1;
}

function checkPaddingMode(op: string, mode: PaddingMode, pad: readonly number[], dims: readonly number[]): void {
  for (let i = 0; i < pad.length; i++) {
    const p = pad[i] ?? 0;
    const n = dims[i >> 1] ?? 0;
    if (mode === 'reflect' && p >= n && p > 0) {
      throw new OptionError(`${op}: paddingMode 'reflect' needs padding < input size, got padding ${p} for size ${n}`);
    }
    if (mode === 'circular' && p > n) {
      throw new OptionError(`${op}: paddingMode 'circular' needs padding <= input size, got padding ${p} for size ${n}`);
    }
  }
}

/** Validates and normalises `conv2d(input [N,C,H,W], weight [K,C/groups,KH,KW], options)`. */
export function normalizeConv2d(input: TensorArg, weight: TensorArg, options: Conv2dOptions = {}, op = 'conv2d'): ConvParams {
  checkKeys(op, options, CONV_KEYS);
  outputOption(op, options);
  const [N, C, H, W] = checkTensor(op, 'input', input, [4]) as [number, number, number, number];
  const [K, Cw, KH, KW] = checkTensor(op, 'weight', weight, [4]) as [number, number, number, number];
  const common = commonConvOptions(op, options, C, K, Cw);
  const stride = positivePair(op, 'stride', options.stride ?? 1);
  const dilation = positivePair(op, 'dilation', options.dilation ?? 1);
  const p = options.padding ?? 0;
  let pad: [number, number, number, number];
  if (p === 'valid') pad = [0, 0, 0, 0];
  else if (p === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) {
      throw new OptionError(`${op}: padding='same' is not supported for strided convolutions (stride ${fmt(stride)})`);
    }
    pad = [...samePad(KH, dilation[0]), ...samePad(KW, dilation[1])];
  } else if (typeof p === 'number') {
    const v = nonNegativeInt(op, 'padding', p);
    pad = [v, v, v, v];
  } else if (Array.isArray(p) && p.length === 2 && Array.isArray(p[0]) && Array.isArray(p[1])) {
    const [[t, b], [l, r]] = p as readonly [readonly number[], readonly number[]];
    if (p[0].length !== 2 || p[1].length !== 2) throw new OptionError(`${op}: padding must be [[top, bottom], [left, right]], got ${fmt(p)}`);
    pad = [t, b, l, r].map((v) => nonNegativeInt(op, 'padding', v)) as [number, number, number, number];
  } else if (Array.isArray(p) && p.length === 2) {
    const ph = nonNegativeInt(op, 'padding', p[0]);
    const pw = nonNegativeInt(op, 'padding', p[1]);
    pad = [ph, ph, pw, pw];
  } else {
    throw new OptionError(`${op}: padding must be a number, [ph, pw], [[top, bottom], [left, right]], 'same' or 'valid', got ${fmt(p)}`);
  }
  checkPaddingMode(op, common.paddingMode, pad, [H, W]);
  const OH = outSize(op, 'height', H, pad[0], pad[1], KH, stride[0], dilation[0]);
  const OW = outSize(op, 'width', W, pad[2], pad[3], KW, stride[1], dilation[1]);
  const out = outOption(op, options, N * K * OH * OW, [input, weight, common.bias]);
  return { N, C, H, W, K, KH, KW, stride, dilation, pad, OH, OW, ...common, out };
}

/** Validates and normalises `conv1d(input [N,C,L], weight [K,C/groups,KL], options)` as a conv2d with H = 1. */
export function normalizeConv1d(input: TensorArg, weight: TensorArg, options: Conv1dOptions = {}, op = 'conv1d'): ConvParams {
  checkKeys(op, options, CONV_KEYS);
  outputOption(op, options);
  const [N, C, L] = checkTensor(op, 'input', input, [3]) as [number, number, number];
  const [K, Cw, KL] = checkTensor(op, 'weight', weight, [3]) as [number, number, number];
  const common = commonConvOptions(op, options, C, K, Cw);
  const stride = positiveInt(op, 'stride', options.stride ?? 1);
  const dilation = positiveInt(op, 'dilation', options.dilation ?? 1);
  const p = options.padding ?? 0;
  let lr: [number, number];
  if (p === 'valid') lr = [0, 0];
  else if (p === 'same') {
    if (stride !== 1) throw new OptionError(`${op}: padding='same' is not supported for strided convolutions (stride ${stride})`);
    lr = samePad(KL, dilation);
  } else if (typeof p === 'number') {
    const v = nonNegativeInt(op, 'padding', p);
    lr = [v, v];
  } else if (Array.isArray(p) && p.length === 2) {
    lr = [nonNegativeInt(op, 'padding', p[0]), nonNegativeInt(op, 'padding', p[1])];
  } else {
    throw new OptionError(`${op}: padding must be a number, [left, right], 'same' or 'valid', got ${fmt(p)}`);
  }
  checkPaddingMode(op, common.paddingMode, [0, 0, ...lr], [1, L]);
  const OW = outSize(op, 'length', L, lr[0], lr[1], KL, stride, dilation);
  return {
    N, C, H: 1, W: L, K, KH: 1, KW: KL,
    stride: [1, stride], dilation: [1, dilation], pad: [0, 0, lr[0], lr[1]],
    OH: 1, OW, ...common, out: outOption(op, options, N * K * OW, [input, weight, common.bias]),
  };
}

const PADDING_TO_BOUNDARY: Record<PaddingMode, Boundary> = {
  zeros: 'fill',
  reflect: 'reflect',
  replicate: 'replicate',
  circular: 'wrap',
};

/** The GPU job for conv2d / conv1d. */
export function convJob(p: ConvParams, input: TensorArg, weight: TensorArg, outShape: number[], output: 'host' | 'gpu' = 'host'): ConvJob {
  return {
    geometry: {
      N: p.N, C: p.C, H: p.H, W: p.W, K: p.K, KH: p.KH, KW: p.KW, groups: p.groups,
      strideH: p.stride[0], strideW: p.stride[1], dilationH: p.dilation[0], dilationW: p.dilation[1],
      padTop: p.pad[0], padLeft: p.pad[2], OH: p.OH, OW: p.OW,
      boundary: PADDING_TO_BOUNDARY[p.paddingMode], fillValue: 0, flip: p.flip,
    },
    input: operand(input),
    weight: operand(weight),
    bias: p.bias,
    outShape,
    reverse: false,
    algorithm: p.algorithm,
    output,
    out: p.out,
  };
}

/** Validated `convolve2d`/`correlate2d` arguments (SciPy semantics). */
export interface Filter2dParams {
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
  algorithm: Algorithm;
  /** SciPy 'valid' with the kernel larger than the image: the operands trade places. */
  swapped: boolean;
  OH: number;
  OW: number;
  out: Float32Array | undefined;
}

/** Validates `convolve2d`/`correlate2d(image [H,W] | [B,H,W], kernel [KH,KW], options)`. */
export function normalizeFilter2d(image: TensorArg, kernel: TensorArg, options: Filter2dOptions = {}, op: string): Filter2dParams {
  checkKeys(op, options, ['mode', 'boundary', 'fillValue', 'algorithm', 'output', 'out']);
  outputOption(op, options);
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
  const algorithm = oneOf(op, 'algorithm', options.algorithm ?? 'auto', ALGORITHMS);
  let swapped = false;
  let OH: number;
  let OW: number;
  if (mode === 'full') {
    OH = H + KH - 1;
    OW = W + KW - 1;
  } else if (mode === 'same') {
    OH = H;
    OW = W;
  } else {
    const imageContains = H >= KH && W >= KW;
    const kernelContains = KH >= H && KW >= W;
    if (!imageContains && !kernelContains) {
      throw new ShapeError(
        `${op}: for mode 'valid' one of image [${H}, ${W}] and kernel [${KH}, ${KW}] must be at least as large as the other in every dimension`,
      );
    }
    swapped = !imageContains;
    OH = Math.abs(H - KH) + 1;
    OW = Math.abs(W - KW) + 1;
  }
  const out = outOption(op, options, B * OH * OW, [image, kernel]);
  return { B, batched, H, W, KH, KW, mode, boundary, fillValue, algorithm, swapped, OH, OW, out };
}

/**
 * The GPU job for SciPy `convolve2d` (`flip`) / `correlate2d`. SciPy's 'full' output is the
 * correlation with (KH−1, KW−1) of padding; 'same' crops it at offset ⌊(k−1)/2⌋ for convolve2d
 * and ⌊k/2⌋ for correlate2d, so the top padding is (k−1) − offset.
 */
export function filter2dJob(p: Filter2dParams, image: TensorArg, kernel: TensorArg, convolve: boolean, output: 'host' | 'gpu' = 'host'): ConvJob {
  const outShape = p.batched ? [p.B, p.OH, p.OW] : [p.OH, p.OW];
  const base = { boundary: p.boundary, fillValue: p.fillValue, flip: convolve, groups: 1, strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, OH: p.OH, OW: p.OW };
  if (p.swapped) {
    // The kernel plane is the image; the B image planes are B output channels' weights.
    return {
      geometry: { ...base, N: 1, C: 1, H: p.KH, W: p.KW, K: p.B, KH: p.H, KW: p.W, padTop: 0, padLeft: 0 },
      input: operand(kernel), weight: operand(image), bias: undefined, outShape, reverse: !convolve, algorithm: p.algorithm, output, out: p.out,
    };
  }
  const lead = (k: number) => {
    if (p.mode === 'full') return k - 1;
    if (p.mode === 'valid') return 0;
    return k - 1 - (convolve ? Math.floor((k - 1) / 2) : Math.floor(k / 2));
  };
  return {
    geometry: { ...base, N: p.B, C: 1, H: p.H, W: p.W, K: 1, KH: p.KH, KW: p.KW, padTop: lead(p.KH), padLeft: lead(p.KW) },
    input: operand(image), weight: operand(kernel), bias: undefined, outShape, reverse: false, algorithm: p.algorithm, output, out: p.out,
  };
}

/** Validated `convolve1d`/`correlate1d` arguments (NumPy semantics). */
export interface Filter1dParams {
  B: number;
  batched: boolean;
  L: number;
  M: number;
  mode: Mode;
  algorithm: Algorithm;
  /** NumPy swaps the operands when the kernel is longer than the signal (any mode). */
  swapped: boolean;
  OL: number;
  out: Float32Array | undefined;
}

/** Validates `convolve1d`/`correlate1d(signal [L] | [B,L], kernel [M], options)`. */
export function normalizeFilter1d(signal: TensorArg, kernel: TensorArg, options: Filter1dOptions = {}, op: string, defaultMode: Mode): Filter1dParams {
  checkKeys(op, options, ['mode', 'algorithm', 'output', 'out']);
  outputOption(op, options);
  const sshape = checkTensor(op, 'signal', signal, [1, 2]);
  const [M] = checkTensor(op, 'kernel', kernel, [1]) as [number];
  const batched = sshape.length === 2;
  const B = batched ? (sshape[0] as number) : 1;
  const L = sshape[sshape.length - 1] as number;
  const mode = oneOf(op, 'mode', options.mode ?? defaultMode, MODES);
  const algorithm = oneOf(op, 'algorithm', options.algorithm ?? 'auto', ALGORITHMS);
  const long = Math.max(L, M);
  const short = Math.min(L, M);
  const OL = mode === 'full' ? long + short - 1 : mode === 'same' ? long : long - short + 1;
  return { B, batched, L, M, mode, algorithm, swapped: M > L, OL, out: outOption(op, options, B * OL, [signal, kernel]) };
}

/**
 * The GPU job for NumPy `convolve` (`flip`) / `correlate`. NumPy works on (long, short) after a
 * swap and left-pads by ⌊short/2⌋ in 'same', short−1 in 'full'; `correlate` reverses its result
 * when it swapped.
 */
export function filter1dJob(p: Filter1dParams, signal: TensorArg, kernel: TensorArg, convolve: boolean, output: 'host' | 'gpu' = 'host'): ConvJob {
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
      input: operand(kernel), weight: operand(signal), bias: undefined, outShape, reverse: !convolve, algorithm: p.algorithm, output, out: p.out,
    };
  }
  return {
    geometry: { ...base, N: p.B, W: p.L, K: 1, KW: p.M },
    input: operand(signal), weight: operand(kernel), bias: undefined, outShape, reverse: false, algorithm: p.algorithm, output, out: p.out,
  };
}

/** Reverses each of the `planes` consecutive planes of `data` along both axes, in place. */
export function reversePlanes(data: Float32Array, planes: number): Float32Array {
  const size = data.length / planes;
  for (let p = 0; p < planes; p++) data.subarray(p * size, (p + 1) * size).reverse();
  return data;
}
