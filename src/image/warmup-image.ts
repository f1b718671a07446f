/**
 * `engine.warmup('filterImage', source, filter, options)`: what a filterImage call compiles — its
 * unpacking, range and packing kernels, and the filtering calls it makes (planned by src/warmup.ts
 * like any convolve2d / correlate2d call on a GPU-resident [planes, H, W] input). The source may be
 * given by its size only (`ImageShapeArg`: pixels in memory).
 */
import { ShapeError } from '../errors.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import type { Filter2dOptions } from '../types.js';
import { fmt } from '../validate.js';
import { imageKernels, resolveOutput } from './filter-image.js';
import { classifySource, type Source } from './source.js';
import { channelRoles, checkImageSize, imageJob, resultGeometry, type PixelLayout } from './spec.js';
import type { FilterImageOptions, ImageFilter, ImageSource } from './types.js';

/** An image given by its size and sample layout only (pixels in memory), for `engine.warmup`. */
export interface ImageShapeArg {
  width: number;
  height: number;
  /** Samples per pixel. Default 4. */
  channels?: 1 | 2 | 3 | 4;
  /** Bits per sample: 8, 16 (unsigned integers) or 32 (float). Default 8. */
  depth?: 8 | 16 | 32;
}

/** The filtering calls of a filterImage call, as warmup plans them. */
export interface ImageFilterCall {
  op: 'convolve2d' | 'correlate2d';
  shape: number[];
  kernel: { data: Float32Array; shape: number[] };
  options: Filter2dOptions;
}

const isShape = (x: unknown): x is ImageShapeArg =>
  x !== null && typeof x === 'object' && 'width' in x && 'height' in x && !('data' in x) && typeof (x as { createView?: unknown }).createView !== 'function';

function shapeLayout(x: ImageShapeArg): PixelLayout {
  const { width, height, channels = 4, depth = 8 } = x;
  checkImageSize('warmup', width, height, channels);
  if (![8, 16, 32].includes(depth)) throw new ShapeError(`warmup: depth must be 8, 16 or 32, got ${fmt(depth)}`);
  return { width, height, channels, depth };
}

/** Validates a filterImage call for warmup (what the call would throw) and lists its kernels and filtering calls. */
export function imageWarmup(source: ImageSource | ImageShapeArg, filter: ImageFilter, options: FilterImageOptions | undefined): { specs: KernelSpec[]; calls: ImageFilterCall[] } {
  const job = imageJob('warmup', filter, options);
  const src: Pick<Source, 'kind' | 'layout'> = isShape(source) ? { kind: 'pixels', layout: shapeLayout(source) } : classifySource('warmup', source);
  const specs = imageKernels(job, src, resolveOutput('warmup', options, src.layout, resultGeometry('warmup', job, src.layout.width, src.layout.height)));
  const { colors, hasAlpha } = channelRoles(src.layout.channels);
  const planes = colors + (hasAlpha && job.alpha !== 'copy' ? 1 : 0);
  const calls = job.kernels.map((k): ImageFilterCall => ({
    op: job.correlate ? 'correlate2d' : 'convolve2d',
    shape: [planes, src.layout.height, src.layout.width],
    kernel: { data: k.data, shape: [...k.shape] },
    options: { mode: job.mode, boundary: job.boundary, fillValue: job.fillValue, algorithm: job.algorithm },
  }));
  return { specs, calls };
}
