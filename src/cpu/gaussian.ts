/**
 * CPU references of `sepConvolve2d` and `gaussianBlur`. gaussianBlur follows scipy.ndimage's own
 * formulation rather than the GPU's 2-D one: 1-D correlations along axis 0 then axis 1, each
 * extending its input by the boundary rule ('fill': the fill value on each pass, as ndimage's
 * cval), in float64, rounded to float32 once at the end.
 */
import { gaussianFilter, separableKernel } from '../ops/gaussian.js';
import { normalizeFilter2d } from '../ops/filter.js';
import { hostOut } from '../ops/job.js';
import type { Filter2dOptions, GaussianBlurOptions, HostTensor } from '../types.js';
import { convolve2d, extendIndex } from './reference.js';

/** convolve2d(image, outer(kernelY, kernelX), options). */
export function sepConvolve2d(image: HostTensor, kernelY: HostTensor, kernelX: HostTensor, options?: Filter2dOptions): HostTensor {
  return convolve2d(image, separableKernel('sepConvolve2d', kernelY, kernelX), options);
}

/** scipy.ndimage.gaussian_filter over the last two axes of an [H, W] or [B, H, W] image. */
export function gaussianBlur(image: HostTensor, options: GaussianBlurOptions): HostTensor {
  const { kernel, options: o, gy, gx } = gaussianFilter('gaussianBlur', image, options);
  const p = normalizeFilter2d(image, kernel, o, 'gaussianBlur');
  const { B, H, W, boundary } = p;
  const fill = p.fillValue;
  const ry = (gy.length - 1) / 2;
  const rx = (gx.length - 1) / 2;
  const out = hostOut('gaussianBlur', p.out) ?? new Float32Array(B * H * W);
  const tmp = new Float64Array(H * W);
  for (let b = 0; b < B; b++) {
    const x = image.data.subarray(b * H * W, (b + 1) * H * W);
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        let s = 0;
        for (let t = 0; t < gy.length; t++) {
          const si = extendIndex(i + t - ry, H, boundary);
          s += (gy[t] as number) * (si < 0 ? fill : (x[si * W + j] as number));
        }
        tmp[i * W + j] = s;
      }
    }
    for (let i = 0; i < H; i++) {
      for (let j = 0; j < W; j++) {
        let s = 0;
        for (let t = 0; t < gx.length; t++) {
          const sj = extendIndex(j + t - rx, W, boundary);
          s += (gx[t] as number) * (sj < 0 ? fill : (tmp[i * W + sj] as number));
        }
        out[b * H * W + i * W + j] = s;
      }
    }
  }
  return { data: out, shape: [...image.shape] };
}
