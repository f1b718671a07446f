/**
 * `engine.filterImage` (the CLI's and the demo's image path): an image in (pixels in memory, a
 * texture, a browser image source), its colour planes filtered (mode 'same' by default, boundary
 * 'reflect', convolution unless `correlate`), the result out as pixels, a texture, an ImageBitmap
 * or drawn into a canvas.
 *
 *   per band of rows (src/image/bands.ts; one band unless the image exceeds a buffer binding):
 *   source rows ─► unpack (GPU) ─► planes [colours (+ alpha), rows, W] ─► convolve2d / correlate2d
 *   per kernel ─► [range, normalize] ─► pack (GPU: join, alpha, mapping, colour space) ─► pixels |
 *   texture | canvas
 *
 * Only the samples of a source in memory are uploaded, and only pixels asked for are read back.
 */
import { OptionError, ShapeError } from '../errors.js';
import { compileKernels, submitRecorded, type DeviceState, type ExecutionHost } from '../execute.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import { BufferUsage, TextureUsage } from '../gpu/constants.js';
import { bindingLimit, type Binding, type Recorder } from '../gpu/recorder.js';
import type { GpuTensor } from '../gpu/tensor.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { ConvEngine } from '../engine.js';
import type { Filter2dOptions } from '../types.js';
import { fmt, oneOf } from '../validate.js';
import { canvasContext, drawToCanvas, isCanvasTarget, textureToBitmap } from './present.js';
import { alphaCode, classifySource, encodeUnpack, isGpuTexture, unpackSpec, type ImageConstants, type Source } from './source.js';
import { planBands, type Band } from './bands.js';
import { channelRoles, imageJob, resultGeometry, type ImageJob, type PixelLayout, type ResultGeometry } from './spec.js';
import { returnTexture, takeTexture, viewOf } from './textures.js';
import type { FilterImageOptions, ImageDataLike, ImageFilter, ImageSource, ImageTextureFormat } from './types.js';

/** What filterImage needs from the engine. */
export interface ImageHost {
  host: ExecutionHost;
  state: DeviceState;
  /** The engine's public ops: `wrap` (a borrowed view of a buffer) and the filtering calls. */
  engine: Pick<ConvEngine, 'wrap' | 'convolve2d' | 'correlate2d'>;
}

const TEXTURE_FORMATS = ['rgba8unorm', 'rgba16float', 'rgba32float'] as const satisfies readonly ImageTextureFormat[];
const OUTPUTS = ['image', 'texture', 'bitmap'] as const;

/** Where the result goes. */
export type Output =
  | { kind: 'pixels' }
  | { kind: 'texture'; format: ImageTextureFormat; into: GPUTexture | undefined }
  | { kind: 'canvas'; context: GPUCanvasContext }
  | { kind: 'bitmap' };

/** Where a call's result goes (OptionError / ShapeError for bad `output`, `textureFormat` or `target`). */
export function resolveOutput(op: string, o: FilterImageOptions | undefined, layout: PixelLayout, size: ResultGeometry): Output {
  const output = oneOf(op, 'output', o?.output ?? 'image', OUTPUTS);
  const target = o?.target;
  const format = oneOf(op, 'textureFormat', o?.textureFormat ?? (layout.depth === 8 ? 'rgba8unorm' : 'rgba32float'), TEXTURE_FORMATS);
  if (target === undefined) {
    if (output === 'texture') return { kind: 'texture', format, into: undefined };
    if (output === 'bitmap' && !(globalThis as { OffscreenCanvas?: unknown }).OffscreenCanvas) {
      throw new OptionError(`${op}: output 'bitmap' needs OffscreenCanvas (browsers and workers); use output 'image' or 'texture'`);
    }
    return output === 'bitmap' ? { kind: 'bitmap' } : { kind: 'pixels' };
  }
  if (o?.output !== undefined) throw new OptionError(`${op}: give output or target, not both`);
  if (isGpuTexture(target)) {
    const f = oneOf(op, 'target texture format', target.format, TEXTURE_FORMATS);
    if (!(target.usage & TextureUsage.STORAGE_BINDING)) throw new OptionError(`${op}: the target texture needs usage STORAGE_BINDING`);
    if (target.width !== size.OW || target.height !== size.OH) {
      throw new ShapeError(`${op}: the target texture is ${target.width}×${target.height}, the result ${size.OW}×${size.OH}`);
    }
    return { kind: 'texture', format: f, into: target };
  }
  if (!isCanvasTarget(target)) throw new OptionError(`${op}: target must be a canvas, an OffscreenCanvas, a GPUCanvasContext or a GPUTexture, got ${fmt(target)}`);
  return { kind: 'canvas', context: canvasContext(op, target) };
}

/** The override constants of an image.wgsl entry point (only those it uses: they key the pipeline cache). */
function constantsFor(entry: 'pack_buffer' | 'pack_texture' | 'find_range', base: ImageConstants, job: ImageJob): Record<string, number> {
  const m = { MAGNITUDE: Number(job.magnitude), ABS: Number(job.mapping.abs) };
  const { COLORS, ALPHA, LINEAR, CHANNELS, DEPTH } = base;
  if (entry === 'find_range') return { COLORS, ALPHA, ...m };
  const shared = { COLORS, ALPHA, LINEAR, NORMALIZE: Number(job.mapping.normalize), ...m };
  return entry === 'pack_buffer' ? { ...shared, CHANNELS, DEPTH } : shared;
}

const rangeSpec = (base: ImageConstants, job: ImageJob): KernelSpec<'image'> =>
  ({ family: 'image', entryPoint: 'find_range', constants: constantsFor('find_range', base, job) });

const packSpec = (base: ImageConstants, job: ImageJob, format: ImageTextureFormat | undefined): KernelSpec<'image'> => (format
  ? { family: 'image', entryPoint: `pack_${format}`, constants: constantsFor('pack_texture', base, job) }
  : { family: 'image', entryPoint: 'pack_buffer', constants: constantsFor('pack_buffer', base, job) });

/** The override constants of a call: the source's layout, alpha handling and colour space. */
function imageConstants(job: ImageJob, layout: PixelLayout): ImageConstants {
  const { colors, hasAlpha } = channelRoles(layout.channels);
  return { CHANNELS: layout.channels, DEPTH: layout.depth, COLORS: colors, ALPHA: alphaCode(hasAlpha ? job.alpha : 'none'), LINEAR: Number(job.linear) };
}

/** The format a result is packed in: undefined for pixels in memory. */
const packFormat = (output: Output): ImageTextureFormat | undefined =>
  output.kind === 'pixels' ? undefined : output.kind === 'texture' ? output.format : 'rgba8unorm';

/** Every image.wgsl kernel a call runs (its filtering calls' kernels aside). */
export function imageKernels(job: ImageJob, src: Pick<Source, 'kind' | 'layout'>, output: Output): KernelSpec[] {
  const base = imageConstants(job, src.layout);
  const specs: KernelSpec[] = [unpackSpec(src.kind, base)];
  if (job.mapping.normalize) specs.push(rangeSpec(base, job));
  specs.push(packSpec(base, job, packFormat(output)));
  return specs;
}

/** The uniform values of a band's range and pack dispatches. */
function bandParams(job: ImageJob, layout: PixelLayout, size: ResultGeometry, band: Band) {
  return {
    H: layout.height, W: layout.width, OH: band.rows, OW: size.OW, dy: size.dy, dx: size.dx,
    gain: job.mapping.gain, offset: job.mapping.offset,
    srcRow0: band.srcRow0, srcRows: band.srcRows, outRow0: band.outRow0,
    resH: band.resH, resW: band.resW, resY: band.resY,
  };
}

const tensorBinding = (t: GpuTensor): Binding => ({ buffer: t.buffer, size: t.size * 4 });

/** A band's filtered planes and what they came from, until packed. */
interface BandWork {
  band: Band;
  planes: Binding;
  results: GpuTensor[];
}

/**
 * Records a band's range pass (normalize: min/max into `range`) or its packing into `out` (the band's
 * words) or `texture`.
 */
function encodeBand(
  rec: Recorder, entry: 'range' | 'pack', job: ImageJob, base: ImageConstants, layout: PixelLayout, size: ResultGeometry, work: BandWork,
  range: Binding | undefined, out: Binding, texture: { view: GPUTextureView; format: ImageTextureFormat } | undefined,
): void {
  const WG = WGSL_CONSTS.image.WG;
  const pixels = work.band.rows * size.OW;
  const res0 = tensorBinding(work.results[0] as GpuTensor);
  const res1 = work.results[1] ? tensorBinding(work.results[1]) : res0;
  const params = bandParams(job, layout, size, work.band);
  if (entry === 'range') {
    rec.dispatch(rangeSpec(base, job), { ...params, total: pixels }, [null, null, null, res0, res1, work.planes, range as Binding], Math.ceil(pixels / WG));
    return;
  }
  const inputs = [null, null, null, res0, res1, work.planes, null, range ?? res0] as const;
  if (texture) {
    const slot = { rgba8unorm: 10, rgba16float: 11, rgba32float: 12 }[texture.format];
    const bindings: Array<Binding | { view: GPUTextureView } | null> = [...inputs, null, null, null, null];
    bindings[slot - 1] = { view: texture.view };
    rec.dispatch(packSpec(base, job, texture.format), { ...params, total: pixels }, bindings, Math.ceil(pixels / WG));
  } else {
    const words = out.size / 4;
    rec.dispatch(packSpec(base, job, undefined), { ...params, total: words }, [...inputs, out], Math.ceil(words / WG));
  }
}

/** Pixels in memory of the packed bytes: the source's sample type (an `ImageData` for 8-bit RGBA in browsers). */
function pixelsOf(bytes: ArrayBuffer, src: Source, size: ResultGeometry): ImageDataLike {
  const { channels, depth } = src.layout;
  const { OW: width, OH: height } = size;
  const n = width * height * channels;
  const ctor = src.kind === 'pixels' ? src.image.data.constructor : depth === 8 ? Uint8ClampedArray : Float32Array;
  const data = ctor === Uint8Array ? new Uint8Array(bytes, 0, n) : ctor === Uint16Array ? new Uint16Array(bytes, 0, n)
    : ctor === Float32Array ? new Float32Array(bytes, 0, n) : new Uint8ClampedArray(bytes, 0, n);
  const ImageDataCtor = (globalThis as { ImageData?: typeof ImageData }).ImageData;
  if (ImageDataCtor && data instanceof Uint8ClampedArray && channels === 4) return new ImageDataCtor(data as Uint8ClampedArray<ArrayBuffer>, width, height);
  return { data, width, height, channels };
}

/** The GPU path of `engine.filterImage`. */
export async function filterImage(ih: ImageHost, source: ImageSource, filter: ImageFilter, options: FilterImageOptions | undefined): Promise<ImageDataLike | GPUTexture | ImageBitmap | undefined> {
  const op = 'filterImage';
  const job = imageJob(op, filter, options);
  const src = classifySource(op, source);
  const size = resultGeometry(op, job, src.layout.width, src.layout.height);
  const output = resolveOutput(op, options, src.layout, size);
  const { host, state } = ih;
  const { device, pool } = state;
  const { width: W, height: H, channels } = src.layout;
  const bands = planBands(op, job, src.layout, size, bindingLimit(host.planLimits), src.kind === 'pixels');
  const base = imageConstants(job, src.layout);
  const { ready } = compileKernels(host, state, op, imageKernels(job, src, output));
  if (ready) await ready;
  const { colors, hasAlpha } = channelRoles(channels);
  const stored = colors + (hasAlpha ? 1 : 0);
  const filtered = colors + (hasAlpha && job.alpha !== 'copy' ? 1 : 0);
  const callOptions = {
    mode: job.mode, boundary: job.boundary, fillValue: job.fillValue, algorithm: job.algorithm, output: 'gpu', ...(job.onRun ? { onRun: job.onRun } : {}),
  } as const satisfies Filter2dOptions;
  const taken: GPUTexture[] = [];
  const held: GPUBuffer[] = [];
  /** A band's pooled buffers back to the pool (its result tensors are borrowed views of them). */
  const release = (w: BandWork): void => {
    for (const r of w.results) {
      r.destroy();
      pool.release(r.buffer);
    }
    pool.release(w.planes.buffer);
  };
  const work: BandWork[] = [];
  let made: GPUTexture | undefined;
  try {
    // A browser source is first copied into a texture of ours.
    let sourceTexture = src.kind === 'texture' ? src.texture : undefined;
    if (src.kind === 'external') {
      sourceTexture = takeTexture(device, W, H, 'rgba8unorm', TextureUsage.COPY_DST | TextureUsage.TEXTURE_BINDING | TextureUsage.RENDER_ATTACHMENT, 'image.source');
      taken.push(sourceTexture);
      try {
        device.queue.copyExternalImageToTexture({ source: src.source }, { texture: sourceTexture }, [W, H]);
      } catch (cause) {
        throw host.translate(state, op, cause);
      }
    }
    const format = output.kind === 'texture' ? output.format : 'rgba8unorm';
    let texture: GPUTexture | undefined;
    if (output.kind === 'texture') {
      texture = output.into ?? (made = device.createTexture({
        label: 'webgpu-conv.image.result', size: [size.OW, size.OH], format,
        usage: TextureUsage.STORAGE_BINDING | TextureUsage.TEXTURE_BINDING | TextureUsage.COPY_SRC | TextureUsage.COPY_DST,
      }));
    } else if (output.kind !== 'pixels') {
      texture = takeTexture(device, size.OW, size.OH, format, TextureUsage.STORAGE_BINDING | TextureUsage.TEXTURE_BINDING, 'image.display');
      taken.push(texture);
    }
    const target = texture ? { view: viewOf(texture), format } : undefined;
    const range = job.mapping.normalize ? { buffer: pool.acquire(8, BufferUsage.STORAGE | BufferUsage.COPY_DST, 'image.range'), size: 8 } : undefined;
    if (range) {
      held.push(range.buffer);
      device.queue.writeBuffer(range.buffer, 0, new Uint32Array(2));
    }
    const bytesPerRow = size.OW * channels * (src.layout.depth / 8);
    let pixels: ArrayBuffer | undefined;
    const pack = async (w: BandWork): Promise<void> => {
      const words = target ? 0 : Math.ceil((w.band.rows * bytesPerRow) / 4);
      const done = await submitRecorded(host, state, op, 'image.pack', words * 4, target ? { none: true } : {}, (rec, out) => {
        encodeBand(rec, 'pack', job, base, src.layout, size, w, range, out, target);
      });
      if (target) return;
      if (bands.length === 1) pixels = done.data.buffer as ArrayBuffer;
      else new Uint8Array((pixels ??= new ArrayBuffer(Math.ceil((size.OH * bytesPerRow) / 4) * 4))).set(new Uint8Array(done.data.buffer, 0, w.band.rows * bytesPerRow), w.band.outRow0 * bytesPerRow);
    };
    for (const band of bands) {
      // Unpack the band's source rows, filter them (one call per kernel: results stay on the GPU).
      const bytes = stored * band.srcRows * W * 4;
      const w: BandWork = { band, planes: { buffer: pool.acquire(bytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, 'image.planes'), size: bytes }, results: [] };
      work.push(w);
      await submitRecorded(host, state, op, 'image.unpack', bytes, { target: w.planes.buffer }, (rec, out, h) => {
        encodeUnpack(rec, pool, src, sourceTexture, base, band, out, h);
      });
      const input = ih.engine.wrap(w.planes.buffer, [filtered, band.srcRows, W]);
      try {
        for (const k of job.kernels) {
          // Into a pooled buffer (a borrowed tensor): no new GPU buffer per call.
          const bytes = filtered * band.resH * band.resW * 4;
          const out = ih.engine.wrap(pool.acquire(bytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, 'image.filtered'), [filtered, band.resH, band.resW]);
          w.results.push(out);
          await (job.correlate ? ih.engine.correlate2d(input, k, { ...callOptions, out }) : ih.engine.convolve2d(input, k, { ...callOptions, out }));
        }
      } finally {
        input.destroy();
      }
      // Normalize needs the range of every band before any is packed.
      if (range) {
        await submitRecorded(host, state, op, 'image.range', 0, { none: true }, (rec, out) => encodeBand(rec, 'range', job, base, src.layout, size, w, range, out, undefined));
      } else {
        await pack(w);
        release(work.pop() as BandWork);
      }
    }
    for (const w of work) await pack(w);
    if (output.kind === 'pixels') return pixelsOf(pixels as ArrayBuffer, src, size);
    if (output.kind === 'texture') {
      made = undefined;
      return output.into ? undefined : texture;
    }
    try {
      if (output.kind === 'canvas') {
        drawToCanvas(device, output.context, texture as GPUTexture);
        return undefined;
      }
      return textureToBitmap(op, device, texture as GPUTexture);
    } catch (cause) {
      throw cause instanceof OptionError ? cause : host.translate(state, op, cause);
    }
  } finally {
    for (const w of work) release(w);
    for (const b of held) pool.release(b);
    for (const t of taken) returnTexture(device, t);
    made?.destroy();
  }
}
