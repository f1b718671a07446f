/**
 * `sepConvolve2d` and `gaussianBlur`: validation and their reduction to a 2-D filter call whose kernel
 * is an outer product (which the separable algorithm then runs as two 1-D passes). Pure functions.
 *
 * gaussianBlur is `scipy.ndimage.gaussian_filter(image, sigma, mode, cval, truncate)` over the last
 * two axes: per axis the weights of `_gaussian_kernel1d` — exp(−x²/(2σ²)) for |x| ≤ r,
 * r = int(truncate·σ + 0.5), normalised to sum 1, in float64 — and the boundary names mapped as
 * our 'symm' → ndimage 'reflect', 'reflect' → 'mirror', 'replicate' → 'nearest', 'wrap' → 'wrap',
 * 'fill' → 'constant' (cval = fillValue). ndimage filters one axis after the other; the 2-D
 * correlation with the outer product equals that exactly for every mode but 'constant', where it
 * equals it because the weights sum to 1 (a fill row contributes fill·Σw = fill either way).
 */
import { recordOuterProduct } from '../algorithms/rank1.js';
import { OptionError } from '../errors.js';
import { GpuTensor } from '../gpu/tensor.js';
import type { Filter2dOptions, GaussianBlurOptions, HostTensor } from '../types.js';
import { checkKeys, checkTensor, fmt, oneOf } from '../validate.js';
import { normalizeFilter2d } from './filter.js';
import { BOUNDARIES, OUTPUT_KEYS, type TensorArg } from './job.js';

/** scipy.ndimage's `_gaussian_kernel1d(sigma, 0, radius)` with radius int(truncate·σ + 0.5); σ = 0: [1]. */
export function gaussianKernel1d(sigma: number, truncate: number): Float64Array {
  if (sigma === 0) return Float64Array.of(1);
  const r = Math.floor(truncate * sigma + 0.5);
  const w = Float64Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp((-0.5 / (sigma * sigma)) * (i - r) ** 2));
  const sum = w.reduce((s, x) => s + x, 0);
  return w.map((x) => x / sum);
}

/** The float32 kernel outer(ky, kx) [KY, KX]. */
export function outerKernel(ky: ArrayLike<number>, kx: ArrayLike<number>): HostTensor {
  const data = new Float32Array(ky.length * kx.length);
  for (let i = 0; i < ky.length; i++) for (let j = 0; j < kx.length; j++) data[i * kx.length + j] = (ky[i] as number) * (kx[j] as number);
  recordOuterProduct(data, ky, kx);
  return { data, shape: [ky.length, kx.length] };
}

/** sepConvolve2d's kernel outer(kernelY, kernelX), from host vectors [KH] and [KW]. */
export function separableKernel(op: string, kernelY: TensorArg, kernelX: TensorArg): HostTensor {
  for (const [name, k] of [['kernelY', kernelY], ['kernelX', kernelX]] as const) {
    checkTensor(op, name, k, [1]);
    if (k instanceof GpuTensor) throw new OptionError(`${op}: ${name} must be host data ({ data, shape }), not a GpuTensor`);
  }
  return outerKernel((kernelY as HostTensor).data, (kernelX as HostTensor).data);
}

const GAUSSIAN_KEYS = ['sigma', 'truncate', 'boundary', 'fillValue', 'algorithm', ...OUTPUT_KEYS];

function sigmaValue(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new OptionError(`${op}: ${name} must be a finite number ≥ 0, got ${fmt(v)}`);
  return v;
}

/**
 * The Gaussian of `sigma` (σ or [σY, σX], the option called `name`) and `truncate` (default 4):
 * its 1-D factors and the float32 kernel outer(gy, gx). OptionError for bad values or a kernel too large.
 */
export function gaussian2d(op: string, sigma: unknown, truncate: unknown = 4, name = 'sigma'): { kernel: HostTensor; gy: Float64Array; gx: Float64Array } {
  let sy: number;
  let sx: number;
  if (Array.isArray(sigma)) {
    if (sigma.length !== 2) throw new OptionError(`${op}: ${name} must be a number or [sigmaY, sigmaX], got ${fmt(sigma)}`);
    [sy, sx] = [sigmaValue(op, name, sigma[0]), sigmaValue(op, name, sigma[1])];
  } else {
    sy = sx = sigmaValue(op, name, sigma);
  }
  if (typeof truncate !== 'number' || !Number.isFinite(truncate) || truncate < 0) throw new OptionError(`${op}: truncate must be a finite number ≥ 0, got ${fmt(truncate)}`);
  const gy = gaussianKernel1d(sy, truncate);
  const gx = gaussianKernel1d(sx, truncate);
  if (gy.length * gx.length > 2 ** 28) throw new OptionError(`${op}: the kernel (${gy.length}×${gx.length}) is too large; lower sigma or truncate`);
  return { kernel: outerKernel(gy, gx), gy, gx };
}

/** gaussianBlur's correlate2d call: the kernel outer(gy, gx) and the filter options (mode 'same'). */
export function gaussianFilter(op: string, image: TensorArg, options: GaussianBlurOptions): { kernel: HostTensor; options: Filter2dOptions; gy: Float64Array; gx: Float64Array } {
  if (options === null || typeof options !== 'object') throw new OptionError(`${op}: options with sigma are required, got ${fmt(options)}`);
  checkKeys(op, options, GAUSSIAN_KEYS);
  checkTensor(op, 'image', image, [2, 3]);
  const { kernel, gy, gx } = gaussian2d(op, options.sigma, options.truncate ?? 4);
  const boundary = oneOf(op, 'boundary', options.boundary ?? 'reflect', BOUNDARIES);
  const { sigma: _s, truncate: _t, ...rest } = options;
  return { kernel, options: { ...rest, mode: 'same', boundary }, gy, gx };
}

/** What a sepConvolve2d or gaussianBlur call runs: a convolve2d / correlate2d of its image with this kernel and these options. */
export interface FilterCall {
  op: 'convolve2d' | 'correlate2d';
  kernel: HostTensor;
  options: Filter2dOptions | undefined;
}

/** sepConvolve2d's call, validated as the op validates it (errors named after sepConvolve2d). */
export function sepConvolve2dCall(image: TensorArg, kernelY: TensorArg, kernelX: TensorArg, options: Filter2dOptions | undefined): FilterCall {
  const kernel = separableKernel('sepConvolve2d', kernelY, kernelX);
  normalizeFilter2d(image, kernel, options, 'sepConvolve2d');
  return { op: 'convolve2d', kernel, options };
}

/** gaussianBlur's call, validated as the op validates it (errors named after gaussianBlur). */
export function gaussianBlurCall(image: TensorArg, options: GaussianBlurOptions): FilterCall {
  const blur = gaussianFilter('gaussianBlur', image, options);
  normalizeFilter2d(image, blur.kernel, blur.options, 'gaussianBlur');
  return { op: 'correlate2d', kernel: blur.kernel, options: blur.options };
}
