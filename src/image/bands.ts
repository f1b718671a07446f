/**
 * Bands of rows for images larger than one buffer binding (a 12-megapixel RGBA photo's float planes
 * are 192 MB; WebGPU guarantees bindings of 128 MiB). Each band of output rows is computed from the
 * source rows it reads — plus, at an image edge, every row the boundary rule may reflect to — in the
 * call's own mode: output row j of a band's rows starting at source row s is output row s + j of the
 * whole image (the mode's padding depends on the kernel only), and the rows the band keeps never
 * read past a band edge inside the image, where the boundary rule would wrongly apply. The packing
 * kernel crops the kept rows. Pure functions.
 */
import { ResourceError } from '../errors.js';
import { filter2dPadding, filter2dSize } from '../ops/filter.js';
import type { HostTensor } from '../types.js';
import { channelRoles, type ImageJob, type PixelLayout, type ResultGeometry } from './spec.js';

/** One band: output rows [outRow0, outRow0 + rows), from source rows [srcRow0, srcRow0 + srcRows). */
export interface Band {
  outRow0: number;
  rows: number;
  srcRow0: number;
  srcRows: number;
  /** The filtered planes' size (resW = the output's width) and the row of the band's first output row in them. */
  resH: number;
  resW: number;
  resY: number;
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
    return [{ outRow0: 0, rows: OH, srcRow0: 0, srcRows: H, resH: OH, resW: OW, resY: 0 }];
  }
  const [KH, KW] = (job.kernels[0] as HostTensor).shape as [number, number];
  const why = `the image (${W}×${H}, ${layout.channels} channels) does not fit one buffer binding (${limit} bytes)`;
  if (job.boundary === 'wrap') throw new ResourceError(`${op}: ${why}, and boundary 'wrap' needs the whole image in one band; use another boundary or a smaller image`);
  if (job.mode === 'valid' && (KH > H || KW > W)) throw new ResourceError(`${op}: ${why}, and mode 'valid' with a kernel larger than the image cannot be split`);
  const padTop = filter2dPadding(job.mode, KH, !job.correlate);
  const band = (outRow0: number, rows: number): Band => {
    // Source rows the outputs read, then at an image edge every row the boundary rule may reflect to.
    let first = Math.max(0, outRow0 - padTop);
    let end = Math.min(H, outRow0 + rows - padTop + KH - 1);
    if (outRow0 - padTop < 0) end = Math.max(end, Math.min(H, KH));
    if (outRow0 + rows - padTop + KH - 1 > H) first = Math.min(first, Math.max(0, H - KH));
    const srcRows = end - first;
    const resH = filter2dSize(op, job.mode, srcRows, W, KH, KW).OH;
    return { outRow0, rows, srcRow0: first, srcRows, resH, resW: OW, resY: outRow0 - first };
  };
  const fits = (b: Band) => bandBytes(job, layout, OW, b.rows, b.srcRows, b.resH, b.resW, pixels) <= limit;
  const split = (rows: number) => Array.from({ length: Math.ceil(OH / rows) }, (_, i) => band(i * rows, Math.min(rows, OH - i * rows)));
  const allFit = (rows: number) => split(rows).every(fits);
  // The most rows per band (a multiple of 4: whole 32-bit words of 8-bit samples) whose bands all
  // fit (a band's bytes grow with its rows), then as many bands of equal rows: bands of one size
  // plan alike, so they share their pipelines (a band of 2,248 rows and one of 752 compiled two
  // FFT column filters; two of 1,500 compile one).
  let lo = 0;
  for (let hi = Math.floor(OH / 4); lo < hi; ) {
    const mid = Math.ceil((lo + hi) / 2);
    if (allFit(4 * mid)) lo = mid;
    else hi = mid - 1;
  }
  if (lo > 0) {
    const even = 4 * Math.ceil(OH / Math.ceil(OH / (4 * lo)) / 4);
    return split(allFit(even) ? even : 4 * lo);
  }
  throw new ResourceError(`${op}: ${why}, and a band of 4 rows with the ${KH}×${KW} kernel does not either`);
}
