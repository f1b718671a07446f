/**
 * Bands of rows for images larger than one buffer binding (a 12-megapixel RGBA photo's float planes
 * are 192 MB; WebGPU guarantees bindings of 128 MiB). Each band of output rows is computed from the
 * source rows it needs — plus, at an image edge, the rows the boundary rule reflects — filtered in
 * mode 'full' (so no band edge inside the image is ever treated as a boundary) and cropped by the
 * packing kernel. One band is the whole image, filtered in the call's own mode. Pure functions.
 */
import { ResourceError } from '../errors.js';
import { outputToInputOffset } from '../presets/mapping.js';
import type { HostTensor } from '../types.js';
import { channelRoles, type ImageJob, type PixelLayout, type ResultGeometry } from './spec.js';

/** One band: output rows [outRow0, outRow0 + rows), from source rows [srcRow0, srcRow0 + srcRows). */
export interface Band {
  outRow0: number;
  rows: number;
  srcRow0: number;
  srcRows: number;
  /** The filtering calls' mode: the call's own for a single band, else 'full'. */
  mode: ImageJob['mode'];
  /** The filtered planes' size and where the band's output pixel (0, 0) lies in them. */
  resH: number;
  resW: number;
  resY: number;
  resX: number;
}

/** Rows of top padding of SciPy's `mode` in the canonical correlation (src/ops/filter.ts). */
function padding(mode: ImageJob['mode'], k: number, convolve: boolean): number {
  if (mode === 'full') return k - 1;
  if (mode === 'valid') return 0;
  // 'same' crops 'full' at ⌊(k−1)/2⌋ (convolution) or ⌊k/2⌋ (correlation): −outputToInputOffset('full').
  return k - 1 + outputToInputOffset('full', k, convolve);
}

/** Bytes each buffer of a band needs: what must fit one binding. */
function bandBytes(job: ImageJob, layout: PixelLayout, OW: number, rows: number, srcRows: number, resH: number, resW: number, pixels: boolean): number {
  const { colors, hasAlpha } = channelRoles(layout.channels);
  const stored = colors + (hasAlpha ? 1 : 0);
  const filtered = colors + (hasAlpha && job.alpha !== 'copy' ? 1 : 0);
  return Math.max(
    stored * srcRows * layout.width * 4,
    filtered * resH * resW * 4,
    pixels ? srcRows * layout.width * layout.channels * (layout.depth / 8) : 0,
    rows * OW * layout.channels * (layout.depth / 8),
  );
}

/** The bands of a call whose buffers must each fit `limit` bytes (one band when the whole image does). */
export function planBands(op: string, job: ImageJob, layout: PixelLayout, size: ResultGeometry, limit: number, pixels: boolean): Band[] {
  const { width: W, height: H } = layout;
  const { OH, OW } = size;
  if (bandBytes(job, layout, OW, OH, H, OH, OW, pixels) <= limit) {
    return [{ outRow0: 0, rows: OH, srcRow0: 0, srcRows: H, mode: job.mode, resH: OH, resW: OW, resY: 0, resX: 0 }];
  }
  const [KH, KW] = (job.kernels[0] as HostTensor).shape as [number, number];
  const why = `the image (${W}×${H}, ${layout.channels} channels) does not fit one buffer binding (${limit} bytes)`;
  if (job.boundary === 'wrap') throw new ResourceError(`${op}: ${why}, and boundary 'wrap' needs the whole image in one band; use another boundary or a smaller image`);
  if (job.mode === 'valid' && (KH > H || KW > W)) throw new ResourceError(`${op}: ${why}, and mode 'valid' with a kernel larger than the image cannot be split`);
  const convolve = !job.correlate;
  const padTop = padding(job.mode, KH, convolve);
  const padLeft = padding(job.mode, KW, convolve);
  const band = (outRow0: number, rows: number): Band => {
    // Source rows the outputs read, then at an image edge every row the boundary rule may reflect to.
    let first = Math.max(0, outRow0 - padTop);
    let end = Math.min(H, outRow0 + rows - padTop + KH - 1);
    if (outRow0 - padTop < 0) end = Math.max(end, Math.min(H, KH));
    if (outRow0 + rows - padTop + KH - 1 > H) first = Math.min(first, Math.max(0, H - KH));
    const srcRows = end - first;
    return {
      outRow0, rows, srcRow0: first, srcRows, mode: 'full',
      resH: srcRows + KH - 1, resW: W + KW - 1, resY: outRow0 - padTop - first + KH - 1, resX: KW - 1 - padLeft,
    };
  };
  const fits = (b: Band) => bandBytes(job, layout, OW, b.rows, b.srcRows, b.resH, b.resW, pixels) <= limit;
  const split = (rows: number) => Array.from({ length: Math.ceil(OH / rows) }, (_, i) => band(i * rows, Math.min(rows, OH - i * rows)));
  // The most rows per band (a multiple of 4: whole 32-bit words of 8-bit samples) whose bands all fit.
  for (let rows = OH - (OH % 4); rows >= 4; rows = rows > 64 ? Math.floor((rows * 3) / 16) * 4 : rows - 4) {
    const bands = split(rows);
    if (bands.every(fits)) return bands;
  }
  throw new ResourceError(`${op}: ${why}, and a band of 4 rows with the ${KH}×${KW} kernel does not either`);
}
