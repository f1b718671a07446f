/**
 * Argument checks of the FFT ops (`engine.fft` … and `cpu.fft` …), NumPy semantics: complex values
 * are a trailing axis of size 2; `n` / `s` crop or zero-pad the input. Pure: no GPU.
 */
import { OptionError, ShapeError } from '../errors.js';
import type { GpuTensor } from '../gpu/tensor.js';
import type { Fft2Options, FftOpName, FftOptions, FftRunInfo, HostTensor } from '../types.js';
import { checkKeys, checkTensor, fmt } from '../validate.js';
import { outOption, outputOption } from './job.js';

const RANKS = [1, 2, 3, 4, 5, 6, 7, 8];

/**
 * A validated FFT call: `batch` transforms of the logical shape H×W (H = 1 for the 1-D ops; W is
 * the complex length for fft/ifft, the real length otherwise), read from an input whose last axes
 * hold inH rows of inC values (complex values for complex inputs), cropped or zero-padded to what
 * the transform needs.
 */
export interface FftSpec {
  op: FftOpName;
  batch: number;
  H: number;
  W: number;
  inH: number;
  inC: number;
  outShape: number[];
  output: 'host' | 'gpu';
  out: Float32Array | GpuTensor | undefined;
  onRun: ((info: FftRunInfo) => void) | undefined;
}

/** Whether the op's input is complex (a trailing axis of 2). */
export const complexInput = (op: FftOpName): boolean => op === 'fft' || op === 'ifft' || op === 'irfft' || op === 'irfft2';

function length(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new OptionError(`${op}: ${name} must be a positive integer, got ${fmt(v)}`);
  }
  return v;
}

/** Validates an FFT call (throws ShapeError / OptionError naming the argument). */
export function normalizeFft(op: FftOpName, x: HostTensor | GpuTensor, options: FftOptions | Fft2Options | undefined): FftSpec {
  const twoD = op === 'rfft2' || op === 'irfft2';
  checkKeys(op, options, [twoD ? 's' : 'n', 'output', 'out', 'onRun']);
  const o = (options ?? {}) as FftOptions & Fft2Options;
  const cplx = complexInput(op);
  const minRank = (twoD ? 2 : 1) + (cplx ? 1 : 0);
  const shape = checkTensor(op, 'x', x, RANKS.filter((r) => r >= minRank));
  if (cplx && shape[shape.length - 1] !== 2) {
    throw new ShapeError(`${op}: x must be complex, with a last dimension of 2 (re, im), got shape [${shape.join(', ')}]`);
  }
  const axes = cplx ? shape.slice(0, -1) : shape;
  const lead = axes.slice(0, axes.length - (twoD ? 2 : 1));
  const batch = lead.reduce((a, b) => a * b, 1);
  const inC = axes[axes.length - 1] as number;
  const inH = twoD ? (axes[axes.length - 2] as number) : 1;
  let H = inH;
  let W: number;
  if (twoD) {
    if (o.s !== undefined) {
      if (!Array.isArray(o.s) || o.s.length !== 2) throw new OptionError(`${op}: s must be a pair [H, W] of positive integers, got ${fmt(o.s)}`);
      H = length(op, 's[0]', o.s[0]);
      W = length(op, 's[1]', o.s[1]);
    } else {
      W = op === 'irfft2' ? 2 * (inC - 1) : inC;
    }
  } else {
    W = o.n !== undefined ? length(op, 'n', o.n) : op === 'irfft' ? 2 * (inC - 1) : inC;
  }
  if (W < 1) {
    throw new ShapeError(`${op}: a spectrum of ${inC} value(s) gives an output length of 2·(${inC} − 1) = 0; pass ${twoD ? 's' : 'n'} explicitly`);
  }
  const half = Math.floor(W / 2) + 1;
  let outShape: number[];
  switch (op) {
    case 'fft':
    case 'ifft':
      outShape = [...lead, W, 2];
      break;
    case 'rfft':
      outShape = [...lead, half, 2];
      break;
    case 'irfft':
      outShape = [...lead, W];
      break;
    case 'rfft2':
      outShape = [...lead, H, half, 2];
      break;
    case 'irfft2':
      outShape = [...lead, H, W];
      break;
    default:
      throw new OptionError(`unknown FFT op ${String(op)}`);
  }
  const onRun = o.onRun;
  if (onRun !== undefined && typeof onRun !== 'function') throw new OptionError(`${op}: onRun must be a function, got ${fmt(onRun)}`);
  const output = outputOption(op, o);
  const size = outShape.reduce((a, b) => a * b, 1);
  const out = outOption(op, o, size, 'data' in x ? [x] : []);
  return { op, batch, H, W, inH, inC, outShape, output, out, onRun };
}
