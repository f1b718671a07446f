/**
 * PyTorch `conv2d` / `conv1d`: option validation and normalisation, and their job (src/geometry.ts
 * describes the canonical operation). Pure functions: no GPU, testable anywhere.
 */
import { OptionError, ShapeError } from '../errors.js';
import type { ConvGeometry } from '../geometry.js';
import type { Boundary, Conv1dOptions, Conv2dOptions, PaddingMode } from '../types.js';
import { checkKeys, checkTensor, fmt, nonNegativeInt, oneOf, positiveInt, positivePair } from '../validate.js';
import { commonOptions, operand, outOption, OUTPUT_KEYS, PADDING_MODES, type CommonParams, type ConvJob, type TensorArg } from './job.js';
import type { GpuTensor } from '../gpu/tensor.js';

/** Validated, normalised `conv2d`/`conv1d` arguments (conv1d has H = KH = 1); sizes as in ConvGeometry. */
export interface ConvParams extends CommonParams, Pick<ConvGeometry, 'N' | 'C' | 'H' | 'W' | 'K' | 'KH' | 'KW' | 'groups' | 'OH' | 'OW' | 'flip'> {
  stride: [number, number];
  dilation: [number, number];
  /** Explicit padding: top, bottom, left, right. */
  pad: [number, number, number, number];
  paddingMode: PaddingMode;
  bias: Float32Array | undefined;
  /** The validated `out` option. */
  out: Float32Array | GpuTensor | undefined;
}

const CONV_KEYS = ['bias', 'stride', 'padding', 'dilation', 'groups', 'paddingMode', 'flip', ...OUTPUT_KEYS];

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
  let bias: Float32Array | undefined;
  if (o.bias !== undefined) {
    if (!(o.bias instanceof Float32Array)) throw new OptionError(`${op}: bias must be a Float32Array, got ${fmt(o.bias)}`);
    if (o.bias.length !== K) throw new ShapeError(`${op}: bias has length ${o.bias.length}, expected K=${K}`);
    bias = o.bias;
  }
  return { groups, paddingMode, flip, bias, ...commonOptions(op, o) };
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
export function convJob(p: ConvParams, input: TensorArg, weight: TensorArg, outShape: number[]): ConvJob {
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
    output: p.output,
    out: p.out,
    onRun: p.onRun,
  };
}
