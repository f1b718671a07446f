/**
 * What a `filterImage` call computes, validated and resolved once (pure functions, no GPU): the
 * kernels (a kernel, a Gaussian or a preset), how their results are joined, the alpha and colour
 * handling and the output mapping. The GPU path (src/image/filter-image.ts) and the CPU reference
 * (src/cpu/image.ts) both run from an `ImageJob`.
 */
import { OptionError, ShapeError } from '../errors.js';
import { algorithmChoices, BOUNDARIES, MODES } from '../ops/job.js';
import { filter2dSize } from '../ops/filter.js';
import { gaussian2d } from '../ops/gaussian.js';
import { checkMapping, outputToInputOffset, type OutputMapping } from '../presets/mapping.js';
import { parsePreset } from '../presets/parse.js';
import type { Algorithm, Boundary, HostTensor, Mode, RunInfo } from '../types.js';
import { checkKeys, checkTensor, fmt, oneOf } from '../validate.js';
import type { AlphaMode, FilterImageOptions, ImageDataLike, ImageFilter } from './types.js';

/** A resolved `filterImage` call. */
export interface ImageJob {
  /** One kernel, or two joined as √(r₀² + r₁²). */
  kernels: HostTensor[];
  magnitude: boolean;
  correlate: boolean;
  /** SciPy's output size: 'same' (default), 'full' or 'valid'. */
  mode: Mode;
  boundary: Boundary;
  fillValue: number;
  alpha: AlphaMode;
  linear: boolean;
  mapping: { abs: boolean; gain: number; normalize: boolean; offset: number };
  algorithm: Algorithm;
  onRun: ((info: RunInfo) => void) | undefined;
}

const OPTION_KEYS = [
  'correlate', 'mode', 'boundary', 'fillValue', 'alpha', 'colorSpace', 'output', 'textureFormat', 'target', 'algorithm', 'onRun',
  'abs', 'gain', 'normalize', 'offset',
] as const;
const ALPHA_MODES = ['copy', 'filter', 'premultiplied'] as const satisfies readonly AlphaMode[];
const COLOR_SPACES = ['srgb', 'linear'] as const;

function flag(op: string, name: string, v: unknown): boolean {
  if (v !== undefined && typeof v !== 'boolean') throw new OptionError(`${op}: ${name} must be a boolean, got ${fmt(v)}`);
  return v ?? false;
}

/** The kernels of `filter`, their join and the mapping a preset asks for by default. */
function resolveFilter(op: string, filter: ImageFilter): { kernels: HostTensor[]; magnitude: boolean; display: OutputMapping } {
  if (typeof filter === 'string') {
    const f = parsePreset(filter);
    if (f.kernels.length > 2 || (f.kernels.length === 2 && f.combine !== 'magnitude')) {
      throw new OptionError(`${op}: preset '${f.spec}' joins ${f.kernels.length} kernels; filterImage joins at most two (magnitude)`);
    }
    return { kernels: f.kernels, magnitude: f.kernels.length === 2, display: f.display };
  }
  if (filter !== null && typeof filter === 'object' && 'gaussian' in filter) {
    checkKeys(op, filter, ['gaussian', 'truncate']);
    return { kernels: [gaussian2d(op, filter.gaussian, filter.truncate ?? 4, 'gaussian').kernel], magnitude: false, display: {} };
  }
  if (filter === null || typeof filter !== 'object' || !('data' in filter)) {
    throw new OptionError(`${op}: the filter must be a kernel { data, shape: [KH, KW] }, { gaussian: sigma } or a preset name, got ${fmt(filter)}`);
  }
  checkTensor(op, 'kernel', filter, [2]);
  return { kernels: [filter], magnitude: false, display: {} };
}

/** Validates `options` and resolves `filter` (OptionError / ShapeError before any GPU work). */
export function imageJob(op: string, filter: ImageFilter, options: FilterImageOptions | undefined): ImageJob {
  const o = options ?? {};
  if (o === null || typeof o !== 'object') throw new OptionError(`${op}: options must be an object, got ${fmt(o)}`);
  checkKeys(op, o, OPTION_KEYS);
  const { kernels, magnitude, display } = resolveFilter(op, filter);
  const alpha = oneOf(op, 'alpha', o.alpha ?? 'copy', ALPHA_MODES);
  if (alpha === 'premultiplied' && magnitude) {
    throw new OptionError(`${op}: alpha 'premultiplied' needs a single kernel; a filter joining two (magnitude) has no premultiplied meaning`);
  }
  const fillValue = o.fillValue ?? 0;
  if (typeof fillValue !== 'number' || !Number.isFinite(fillValue)) throw new OptionError(`${op}: fillValue must be a finite number, got ${fmt(fillValue)}`);
  const given = { abs: o.abs, gain: o.gain, normalize: o.normalize, offset: o.offset };
  const m: OutputMapping = { ...display, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
  checkMapping(m);
  if (o.onRun !== undefined && typeof o.onRun !== 'function') throw new OptionError(`${op}: onRun must be a function, got ${fmt(o.onRun)}`);
  return {
    kernels,
    magnitude,
    correlate: flag(op, 'correlate', o.correlate),
    mode: oneOf(op, 'mode', o.mode ?? 'same', MODES),
    boundary: oneOf(op, 'boundary', o.boundary ?? 'reflect', BOUNDARIES),
    fillValue,
    alpha,
    linear: oneOf(op, 'colorSpace', o.colorSpace ?? 'srgb', COLOR_SPACES) === 'linear',
    mapping: { abs: flag(op, 'abs', m.abs), gain: m.gain ?? 1, normalize: flag(op, 'normalize', m.normalize), offset: m.offset ?? 0 },
    algorithm: oneOf(op, 'algorithm', o.algorithm ?? 'auto', algorithmChoices()),
    onRun: o.onRun,
  };
}

/** Samples in memory, described. */
export interface PixelLayout {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  /** Bits per sample: 8 and 16 unsigned integers, 32 float. */
  depth: 8 | 16 | 32;
}

/** Whether `x` looks like pixels in memory (`ImageData` or `{ data, width, height }`). */
export function isImageDataLike(x: unknown): x is ImageDataLike {
  return x !== null && typeof x === 'object' && 'data' in x && 'width' in x && 'height' in x && ArrayBuffer.isView((x as { data: unknown }).data);
}

/** Checks an image's width and height (integers ≥ 1) and samples per pixel (1 to 4). */
export function checkImageSize(op: string, width: unknown, height: unknown, channels: unknown): void {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || (v as number) < 1) throw new ShapeError(`${op}: the image's ${name} must be an integer ≥ 1, got ${fmt(v)}`);
  }
  if (![1, 2, 3, 4].includes(channels as number)) throw new ShapeError(`${op}: channels must be 1, 2, 3 or 4, got ${fmt(channels)}`);
}

/** Validates an `ImageDataLike` and describes its samples. */
export function pixelLayout(op: string, img: ImageDataLike): PixelLayout {
  const { data, width, height } = img;
  const channels = img.channels ?? 4;
  checkImageSize(op, width, height, channels);
  const depth = data instanceof Uint8ClampedArray || data instanceof Uint8Array ? 8 : data instanceof Uint16Array ? 16 : data instanceof Float32Array ? 32 : undefined;
  if (!depth) throw new ShapeError(`${op}: the image's data must be a Uint8ClampedArray, Uint8Array, Uint16Array or Float32Array`);
  if (data.length !== width * height * channels) {
    throw new ShapeError(`${op}: the image's data has ${data.length} samples; ${width}×${height} with ${channels} channels needs ${width * height * channels}`);
  }
  return { width, height, channels, depth };
}

/** Colour planes (1 or 3) and whether there is an alpha channel, for `channels` samples per pixel. */
export function channelRoles(channels: 1 | 2 | 3 | 4): { colors: 1 | 3; hasAlpha: boolean } {
  return { colors: channels <= 2 ? 1 : 3, hasAlpha: channels === 2 || channels === 4 };
}

/** The result's size for `job.mode`, and where its pixel (0, 0) sits in the source (an unfiltered alpha is read there, clamped to the edge). */
export interface ResultGeometry {
  OH: number;
  OW: number;
  dy: number;
  dx: number;
}

export function resultGeometry(op: string, job: ImageJob, width: number, height: number): ResultGeometry {
  const [KH, KW] = (job.kernels[0] as HostTensor).shape as [number, number];
  const { OH, OW } = filter2dSize(op, job.mode, height, width, KH, KW);
  const convolve = !job.correlate;
  return { OH, OW, dy: outputToInputOffset(job.mode, KH, convolve), dx: outputToInputOffset(job.mode, KW, convolve) };
}
