/**
 * What `filterImage` reads, classified (pixels in memory, a GPUTexture, or a browser image source
 * that `copyExternalImageToTexture` takes), and its unpacking into planar float32 on the GPU
 * (shaders/image.wgsl `unpack_buffer` / `unpack_texture`).
 */
import { OptionError, ShapeError } from '../errors.js';
import { TextureUsage } from '../gpu/constants.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import type { Binding, Recorder } from '../gpu/recorder.js';
import { uploadPooled } from '../execute.js';
import type { BufferPool } from '../gpu/pool.js';
import { WGSL_CONSTS } from '../shaders.generated.js';
import { fmt } from '../validate.js';
import { isImageDataLike, pixelLayout, type PixelLayout } from './spec.js';
import { viewOf } from './textures.js';
import type { ImageDataLike, ImageSource } from './types.js';

/** Texture formats `filterImage` reads, with their channels and whether they hold 8-bit values. */
export const TEXTURE_SOURCE_FORMATS = {
  rgba8unorm: { channels: 4, eightBit: true },
  bgra8unorm: { channels: 4, eightBit: true },
  rgba16float: { channels: 4, eightBit: false },
  rgba32float: { channels: 4, eightBit: false },
  r8unorm: { channels: 1, eightBit: true },
  r16float: { channels: 1, eightBit: false },
  r32float: { channels: 1, eightBit: false },
} as const satisfies Record<string, { channels: 1 | 4; eightBit: boolean }>;

/** A classified source. `channels`/`depth` describe the pixels a result in memory gets by default. */
export type Source =
  | { kind: 'pixels'; image: ImageDataLike; layout: PixelLayout }
  | { kind: 'texture'; texture: GPUTexture; layout: PixelLayout }
  | { kind: 'external'; source: GPUCopyExternalImageSource; layout: PixelLayout }
  | { kind: 'video'; source: HTMLVideoElement | VideoFrame; layout: PixelLayout };

const BROWSER_SOURCES = ['ImageBitmap', 'HTMLCanvasElement', 'OffscreenCanvas', 'HTMLImageElement', 'HTMLVideoElement', 'VideoFrame'] as const;

function isInstance(x: object, name: (typeof BROWSER_SOURCES)[number]): boolean {
  const ctor = (globalThis as Record<string, unknown>)[name];
  return typeof ctor === 'function' && x instanceof ctor;
}

/** Whether `x` is a GPUTexture (duck-typed: Node's bindings install no `GPUTexture` global). */
export function isGpuTexture(x: unknown): x is GPUTexture {
  return x !== null && typeof x === 'object' && typeof (x as GPUTexture).createView === 'function' && 'format' in x && 'usage' in x;
}

/** The size of a browser image source, checking that it has pixels to read. */
function externalSize(op: string, x: object): [number, number] | undefined {
  if (isInstance(x, 'HTMLImageElement')) {
    const img = x as HTMLImageElement;
    if (!img.complete || img.naturalWidth === 0) throw new ShapeError(`${op}: the <img> has not loaded (await img.decode() first)`);
    return [img.naturalWidth, img.naturalHeight];
  }
  if (isInstance(x, 'HTMLVideoElement')) {
    const v = x as HTMLVideoElement;
    if (v.readyState < 2) throw new ShapeError(`${op}: the <video> has no current frame yet (readyState ${v.readyState}; wait for 'loadeddata')`);
    return [v.videoWidth, v.videoHeight];
  }
  if (isInstance(x, 'VideoFrame')) {
    const f = x as VideoFrame;
    return [f.displayWidth, f.displayHeight];
  }
  for (const name of ['ImageBitmap', 'HTMLCanvasElement', 'OffscreenCanvas'] as const) {
    if (isInstance(x, name)) return [(x as ImageBitmap).width, (x as ImageBitmap).height];
  }
  return undefined;
}

/** Classifies `source` (ShapeError / OptionError for what cannot be read). */
export function classifySource(op: string, source: ImageSource): Source {
  if (isImageDataLike(source)) return { kind: 'pixels', image: source, layout: pixelLayout(op, source) };
  if (isGpuTexture(source)) {
    const t = source;
    const info = (TEXTURE_SOURCE_FORMATS as Record<string, { channels: 1 | 4; eightBit: boolean }>)[t.format];
    if (!info) throw new OptionError(`${op}: a source texture of format ${t.format} cannot be read; formats: ${Object.keys(TEXTURE_SOURCE_FORMATS).join(', ')}`);
    if (!(t.usage & TextureUsage.TEXTURE_BINDING)) throw new OptionError(`${op}: the source texture needs usage TEXTURE_BINDING`);
    if (t.dimension !== '2d' || t.sampleCount !== 1) throw new OptionError(`${op}: the source texture must be 2-D with one sample per pixel`);
    return { kind: 'texture', texture: t, layout: { width: t.width, height: t.height, channels: info.channels, depth: info.eightBit ? 8 : 32 } };
  }
  const size = source !== null && typeof source === 'object' ? externalSize(op, source) : undefined;
  if (!size) {
    throw new ShapeError(`${op}: the source must be ImageData, { data, width, height }, an ImageBitmap, canvas, <img>, <video>, VideoFrame or GPUTexture; got ${fmt(source)}`);
  }
  const [width, height] = size;
  if (!(width >= 1 && height >= 1)) throw new ShapeError(`${op}: the source is ${width}×${height}; it has no pixels`);
  const layout: PixelLayout = { width, height, channels: 4, depth: 8 };
  if (isInstance(source, 'HTMLVideoElement') || isInstance(source, 'VideoFrame')) return { kind: 'video', source: source as HTMLVideoElement | VideoFrame, layout };
  return { kind: 'external', source: source as GPUCopyExternalImageSource, layout };
}

/** The override constants every image.wgsl entry point shares. */
export interface ImageConstants {
  CHANNELS: number;
  DEPTH: number;
  COLORS: number;
  ALPHA: number;
  LINEAR: number;
}

const ALPHA_CODE = {
  none: WGSL_CONSTS.image.ALPHA_NONE,
  copy: WGSL_CONSTS.image.ALPHA_COPY,
  filter: WGSL_CONSTS.image.ALPHA_FILTER,
  premultiplied: WGSL_CONSTS.image.ALPHA_PREMULTIPLIED,
} as const;

export function alphaCode(mode: keyof typeof ALPHA_CODE): number {
  return ALPHA_CODE[mode];
}

/** The unpacking kernel of a source kind (with the constants that entry point uses). */
export function unpackSpec(kind: Source['kind'], constants: ImageConstants): KernelSpec<'image'> {
  const { DEPTH, ...rest } = constants;
  if (kind === 'pixels') return { family: 'image', entryPoint: 'unpack_buffer', constants: { ...rest, DEPTH } };
  return { family: 'image', entryPoint: kind === 'video' ? 'unpack_video' : 'unpack_texture', constants: rest };
}

/**
 * Records the unpacking of the band's source rows of `src` into `planes` ([colours (+ alpha), rows, W]
 * float32). `texture` is the texture to read for texture and external sources (the caller copies an
 * external source into it).
 */
export function encodeUnpack(
  rec: Recorder, pool: BufferPool, src: Source, texture: GPUTexture | undefined, constants: ImageConstants,
  band: { srcRow0: number; srcRows: number }, planes: Binding, held: GPUBuffer[],
): void {
  const { width: W, height: H } = src.layout;
  const total = W * band.srcRows;
  const workgroups = Math.ceil(total / WGSL_CONSTS.image.WG);
  const params = { H, W, total, srcRow0: band.srcRow0, srcRows: band.srcRows };
  const spec = unpackSpec(src.kind, constants);
  if (src.kind === 'pixels') {
    const perRow = W * src.layout.channels;
    const raw = uploadPooled({ device: rec.device, pool }, src.image.data.subarray(band.srcRow0 * perRow, (band.srcRow0 + band.srcRows) * perRow), 'image.samples', held);
    rec.dispatch(spec, params, [raw, planes], workgroups);
  } else if (src.kind === 'video') {
    // An external texture is valid until the frame changes: imported here, used in this submission.
    const external = rec.device.importExternalTexture({ label: 'webgpu-conv.image.video', source: src.source });
    const bindings: Array<Binding | { view: GPUExternalTexture } | null> = [null, planes];
    bindings[12] = { view: external };
    rec.dispatch(spec, params, bindings, workgroups);
  } else {
    rec.dispatch(spec, params, [null, planes, { view: viewOf(texture as GPUTexture) }], workgroups);
  }
}
