/**
 * The CPU reference of `engine.filterImage` for pixels in memory: the same steps as
 * shaders/image.wgsl (see its header), in float64 where the GPU uses float32, with the reference
 * `convolve2d`/`correlate2d` doing the filtering. The result has the source's channels and sample type.
 */
import { OptionError } from '../errors.js';
import { channelRoles, imageJob, pixelLayout, resultGeometry, type ImageJob, type PixelLayout } from '../image/spec.js';
import type { FilterImageOptions, ImageDataLike, ImageFilter } from '../image/types.js';
import { applyMapping } from '../presets/mapping.js';
import { convolve2d, correlate2d } from './reference.js';

export const srgbToLinear = (c: number): number => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
export const linearToSrgb = (l: number): number => (l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055);
/** [0, 1], NaN → 0. */
const unit = (v: number): number => (v > 0 ? Math.min(v, 1) : 0);

/** Planar [colours (+ alpha), H, W] working values of the source's samples. */
function unpack(img: ImageDataLike, L: PixelLayout, job: ImageJob): Float32Array {
  const { colors, hasAlpha } = channelRoles(L.channels);
  const n = L.width * L.height;
  const full = L.depth === 32 ? 1 : 2 ** L.depth - 1;
  const planes = new Float32Array((colors + (hasAlpha ? 1 : 0)) * n);
  const d = img.data;
  for (let p = 0; p < n; p++) {
    const a = hasAlpha ? (d[p * L.channels + L.channels - 1] as number) / full : 1;
    for (let c = 0; c < colors; c++) {
      let v = (d[p * L.channels + c] as number) / full;
      if (job.linear) v = srgbToLinear(v);
      if (job.alpha === 'premultiplied') v *= a;
      planes[c * n + p] = v;
    }
    if (hasAlpha) planes[colors * n + p] = a;
  }
  return planes;
}

/** `engine.filterImage` for an `ImageDataLike`, on the CPU. Only pixel results (no `output`/`target`). */
export function filterImage(source: ImageDataLike, filter: ImageFilter, options?: FilterImageOptions): ImageDataLike {
  const op = 'cpu.filterImage';
  const job = imageJob(op, filter, options);
  if ((options?.output ?? 'image') !== 'image' || options?.target !== undefined) throw new OptionError(`${op}: the CPU reference returns pixels only (no output: '${options?.output}', no target)`);
  const L = pixelLayout(op, source);
  const { colors, hasAlpha } = channelRoles(L.channels);
  const n = L.width * L.height;
  const planes = unpack(source, L, job);
  const filtered = colors + (hasAlpha && job.alpha !== 'copy' ? 1 : 0);
  const input = { data: planes.subarray(0, filtered * n), shape: [filtered, L.height, L.width] };
  const run = job.correlate ? correlate2d : convolve2d;
  const results = job.kernels.map((k) => run(input, k, { mode: job.mode, boundary: job.boundary, fillValue: job.fillValue }).data);
  const { OH, OW, dy, dx } = resultGeometry(op, job, L.width, L.height);
  const m = OH * OW;
  const joined = (c: number, p: number): number => {
    const i = c * m + p;
    if (!job.magnitude) return results[0]?.[i] as number;
    return Math.fround(Math.hypot(results[0]?.[i] as number, results[1]?.[i] as number));
  };
  const clampTo = (v: number, size: number): number => Math.min(Math.max(v, 0), size - 1);
  const alphaAt = (p: number): number => {
    if (!hasAlpha) return 1;
    if (job.alpha !== 'copy') return joined(colors, p);
    const sy = clampTo(Math.floor(p / OW) + dy, L.height);
    const sx = clampTo((p % OW) + dx, L.width);
    return planes[colors * n + sy * L.width + sx] as number;
  };
  // Un-premultiplied colour, then the CLI's output mapping (abs, gain, normalize or offset).
  const values = new Float32Array(colors * m);
  for (let p = 0; p < m; p++) {
    const a = alphaAt(p);
    for (let c = 0; c < colors; c++) {
      const v = joined(c, p);
      values[c * m + p] = job.alpha === 'premultiplied' ? (a > 0 ? v / a : 0) : v;
    }
  }
  const mapped = applyMapping(values, job.mapping);
  const full = L.depth === 32 ? 1 : 2 ** L.depth - 1;
  const out = new (source.data.constructor as new (n: number) => ImageDataLike['data'])(m * L.channels);
  const write = (p: number, ch: number, v: number): void => {
    out[p * L.channels + ch] = L.depth === 32 ? v : Math.floor(v * full + 0.5);
  };
  for (let p = 0; p < m; p++) {
    for (let c = 0; c < colors; c++) {
      let v = mapped[c * m + p] as number;
      if (job.linear) v = linearToSrgb(unit(v));
      write(p, c, unit(v));
    }
    if (hasAlpha) write(p, L.channels - 1, unit(alphaAt(p)));
  }
  return { data: out, width: OW, height: OH, channels: L.channels };
}
