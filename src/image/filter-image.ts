/**
 * `engine.filterImage`: an image in (pixels in memory, a texture, a browser image source), its
 * colour planes filtered like the CLI does (mode 'same', boundary 'reflect', convolution unless
 * `correlate`), the result out as pixels, a texture, an ImageBitmap or drawn into a canvas.
 *
 *   source ─► unpack (GPU) ─► planes [colours (+ alpha), H, W] ─► convolve2d / correlate2d per kernel
 *          ─► pack (GPU: join, alpha, mapping, colour space) ─► pixels | texture | canvas
 *
 * Only the samples of a source in memory are uploaded, and only pixels asked for are read back.
 */
import { OptionError, ShapeError } from '../errors.js';
import { compileKernels, submitRecorded, type DeviceState, type ExecutionHost } from '../execute.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import { BufferUsage, TextureUsage } from '../gpu/constants.js';
import type { Binding, Recorder } from '../gpu/recorder.js';
import type { GpuTensor } from '../gpu/tensor.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import type { Filter2dOptions, HostTensor } from '../types.js';
import { fmt, oneOf } from '../validate.js';
import { canvasContext, drawToCanvas, isCanvasTarget, textureToBitmap } from './present.js';
import { alphaCode, classifySource, encodeUnpack, isGpuTexture, unpackSpec, type ImageConstants, type Source } from './source.js';
import { channelRoles, imageJob, type ImageJob, type PixelLayout } from './spec.js';
import { returnTexture, takeTexture, viewOf } from './textures.js';
import type { FilterImageOptions, ImageDataLike, ImageFilter, ImageSource, ImageTextureFormat } from './types.js';

/** What filterImage needs from the engine. */
export interface ImageHost {
  host: ExecutionHost;
  state: DeviceState;
  /** A borrowed GpuTensor view of `buffer` (not destroyed with the tensor). */
  wrap(buffer: GPUBuffer, shape: readonly number[]): GpuTensor;
  /** convolve2d / correlate2d with `output: 'gpu'`. */
  filter(correlate: boolean, image: GpuTensor, kernel: HostTensor, options: Filter2dOptions): Promise<GpuTensor>;
}

const TEXTURE_FORMATS = ['rgba8unorm', 'rgba16float', 'rgba32float'] as const satisfies readonly ImageTextureFormat[];
const OUTPUTS = ['image', 'texture', 'bitmap'] as const;

/** Where the result goes. */
export type Output =
  | { kind: 'pixels' }
  | { kind: 'texture'; format: ImageTextureFormat; into: GPUTexture | undefined }
  | { kind: 'canvas'; context: GPUCanvasContext }
  | { kind: 'bitmap' };

export function resolveOutput(op: string, o: FilterImageOptions | undefined, layout: PixelLayout): Output {
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
    if (target.width !== layout.width || target.height !== layout.height) {
      throw new ShapeError(`${op}: the target texture is ${target.width}×${target.height}, the image ${layout.width}×${layout.height}`);
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

/** Records the result: the range (normalize), then packing into `out` (a buffer) or `texture`. */
function encodePack(
  rec: Recorder, job: ImageJob, base: ImageConstants, layout: PixelLayout, results: GpuTensor[], planes: Binding,
  out: Binding, texture: { view: GPUTextureView; format: ImageTextureFormat } | undefined,
): void {
  const { width: W, height: H } = layout;
  const WG = WGSL_CONSTS.image.WG;
  const res0 = { buffer: (results[0] as GpuTensor).buffer, size: (results[0] as GpuTensor).size * 4 };
  const res1 = results[1] ? { buffer: results[1].buffer, size: results[1].size * 4 } : res0;
  const params = { H, W, gain: job.mapping.gain, offset: job.mapping.offset };
  const range = job.mapping.normalize ? rec.zeros(8, 'image.range') : res0;
  if (job.mapping.normalize) {
    rec.dispatch(rangeSpec(base, job), { ...params, total: W * H }, [null, null, null, res0, res1, planes, range], Math.ceil((W * H) / WG));
  }
  const inputs = [null, null, null, res0, res1, planes, null, range] as const;
  if (texture) {
    const slot = { rgba8unorm: 10, rgba16float: 11, rgba32float: 12 }[texture.format];
    const bindings: Array<Binding | { view: GPUTextureView } | null> = [...inputs, null, null, null, null];
    bindings[slot - 1] = { view: texture.view };
    rec.dispatch(packSpec(base, job, texture.format), { ...params, total: W * H }, bindings, Math.ceil((W * H) / WG));
  } else {
    const words = out.size / 4;
    rec.dispatch(packSpec(base, job, undefined), { ...params, total: words }, [...inputs, out], Math.ceil(words / WG));
  }
}

/** Pixels in memory of the packed words: the source's sample type (an `ImageData` for 8-bit RGBA in browsers). */
function pixelsOf(words: Float32Array, src: Source): ImageDataLike {
  const { width, height, channels, depth } = src.layout;
  const n = width * height * channels;
  const buf = words.buffer;
  const ctor = src.kind === 'pixels' ? src.image.data.constructor : depth === 8 ? Uint8ClampedArray : Float32Array;
  const data = ctor === Uint8Array ? new Uint8Array(buf, 0, n) : ctor === Uint16Array ? new Uint16Array(buf, 0, n)
    : ctor === Float32Array ? new Float32Array(buf, 0, n) : new Uint8ClampedArray(buf, 0, n);
  const ImageDataCtor = (globalThis as { ImageData?: typeof ImageData }).ImageData;
  if (ImageDataCtor && data instanceof Uint8ClampedArray && channels === 4) return new ImageDataCtor(data as Uint8ClampedArray<ArrayBuffer>, width, height);
  return { data, width, height, channels };
}

/** The GPU path of `engine.filterImage`. */
export async function filterImage(ih: ImageHost, source: ImageSource, filter: ImageFilter, options: FilterImageOptions | undefined): Promise<ImageDataLike | GPUTexture | ImageBitmap | undefined> {
  const op = 'filterImage';
  const job = imageJob(op, filter, options);
  const src = classifySource(op, source);
  const output = resolveOutput(op, options, src.layout);
  const { host, state } = ih;
  const { device, pool } = state;
  const { width: W, height: H, channels } = src.layout;
  const { colors, hasAlpha } = channelRoles(channels);
  const alpha = hasAlpha ? job.alpha : 'none';
  const base = imageConstants(job, src.layout);
  const { ready } = compileKernels(host, state, op, imageKernels(job, src, output));
  if (ready) await ready;
  const n = W * H;
  const stored = colors + (hasAlpha ? 1 : 0);
  const filtered = colors + (hasAlpha && alpha !== 'copy' ? 1 : 0);

  const planesBuffer = pool.acquire(stored * n * 4, BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST, 'image.planes');
  const planes: Binding = { buffer: planesBuffer, size: stored * n * 4 };
  const taken: GPUTexture[] = [];
  const results: GpuTensor[] = [];
  let input: GpuTensor | undefined;
  try {
    // 1. Unpack (a browser source is first copied into a texture of ours).
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
    await submitRecorded(host, state, op, 'image.unpack', planes.size, { target: planesBuffer }, (rec, out, held) => {
      encodeUnpack(rec, pool, src, sourceTexture, base, out, held);
    });

    // 2. Filter the colour planes (and alpha unless copied): one call per kernel, results stay on the GPU.
    input = ih.wrap(planesBuffer, [filtered, H, W]);
    const callOptions: Filter2dOptions = {
      mode: 'same', boundary: job.boundary, fillValue: job.fillValue, algorithm: job.algorithm, output: 'gpu',
      ...(job.onRun ? { onRun: job.onRun } : {}),
    };
    for (const k of job.kernels) results.push(await ih.filter(job.correlate, input, k, callOptions));

    // 3. Pack into pixels or a texture; draw a canvas or make a bitmap from the texture.
    if (output.kind === 'pixels') {
      const words = Math.ceil((n * channels * src.layout.depth) / 32);
      const done = await submitRecorded(host, state, op, 'image.pack', words * 4, {}, (rec, out) => {
        encodePack(rec, job, base, src.layout, results, planes, out, undefined);
      });
      return pixelsOf(done.data, src);
    }
    const format = output.kind === 'texture' ? output.format : 'rgba8unorm';
    let texture: GPUTexture;
    if (output.kind === 'texture') {
      texture = output.into ?? device.createTexture({
        label: 'webgpu-conv.image.result', size: [W, H], format,
        usage: TextureUsage.STORAGE_BINDING | TextureUsage.TEXTURE_BINDING | TextureUsage.COPY_SRC | TextureUsage.COPY_DST,
      });
    } else {
      texture = takeTexture(device, W, H, format, TextureUsage.STORAGE_BINDING | TextureUsage.TEXTURE_BINDING, 'image.display');
      taken.push(texture);
    }
    const view = viewOf(texture);
    try {
      await submitRecorded(host, state, op, 'image.pack', 0, { none: true }, (rec, out) => {
        encodePack(rec, job, base, src.layout, results, planes, out, { view, format });
      });
    } catch (e) {
      if (output.kind === 'texture' && !output.into) texture.destroy();
      throw e;
    }
    if (output.kind === 'texture') return output.into ? undefined : texture;
    try {
      if (output.kind === 'canvas') {
        drawToCanvas(device, output.context, texture);
        return undefined;
      }
      return textureToBitmap(op, device, texture);
    } catch (cause) {
      throw cause instanceof OptionError ? cause : host.translate(state, op, cause);
    }
  } finally {
    for (const r of results) r.destroy();
    input?.destroy();
    pool.release(planesBuffer);
    for (const t of taken) returnTexture(device, t);
  }
}
