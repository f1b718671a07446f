/** The public types of image filtering (`engine.filterImage`, `cpu.filterImage`). */
import type { Algorithm, Boundary, HostTensor, Mode, RunInfo } from '../types.js';
import type { OutputMapping } from '../presets/mapping.js';

/**
 * Interleaved samples in memory, row-major from the top-left pixel: the browser's `ImageData`, or
 * any object of this shape (Node has no `ImageData`). `Uint8ClampedArray`/`Uint8Array` are 8-bit
 * samples (full scale 255), `Uint16Array` 16-bit (65535), `Float32Array` float (1.0).
 */
export interface ImageDataLike {
  data: Uint8ClampedArray | Uint8Array | Uint16Array | Float32Array;
  width: number;
  height: number;
  /** Samples per pixel: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. Default 4 (as `ImageData`). */
  channels?: 1 | 2 | 3 | 4;
}

/**
 * What `filterImage` reads: pixels in memory, anything `copyExternalImageToTexture` takes (browser
 * image, bitmap, canvas, video and VideoFrame sources), or a `GPUTexture` of the engine's device
 * (usage TEXTURE_BINDING; formats in `TEXTURE_SOURCE_FORMATS`).
 */
export type ImageSource =
  | ImageDataLike
  | ImageData
  | ImageBitmap
  | HTMLCanvasElement
  | OffscreenCanvas
  | HTMLImageElement
  | HTMLVideoElement
  | VideoFrame
  | GPUTexture;

/** A Gaussian blur (as `gaussianBlur`: `scipy.ndimage.gaussian_filter`'s radius and normalisation). */
export interface GaussianFilterSpec {
  gaussian: number | readonly [number, number];
  /** Radius in standard deviations. Default 4. */
  truncate?: number;
}

/** A kernel [KH, KW], a Gaussian, or a preset spec as the CLI takes it (`'sobel'`, `'gaussian:sigma=3'`). */
export type ImageFilter = HostTensor | GaussianFilterSpec | string;

/** What happens to the alpha channel. */
export type AlphaMode = 'copy' | 'filter' | 'premultiplied';

/** Storage formats `filterImage` writes textures in. */
export type ImageTextureFormat = 'rgba8unorm' | 'rgba16float' | 'rgba32float';

/** Where the result goes when it is not returned as pixels. */
export type ImageTarget = HTMLCanvasElement | OffscreenCanvas | GPUCanvasContext | GPUTexture;

export interface FilterImageOptions extends OutputMapping {
  /** Cross-correlate (no kernel flip) instead of convolving. Default false. */
  correlate?: boolean;
  /**
   * SciPy's output size: 'same' (default: the source's size), 'full' (every overlap) or 'valid'
   * (only where the kernel fits). An alpha channel that is copied is aligned with the result as the
   * colour is (clamped at the edges).
   */
  mode?: Mode;
  /** Boundary rule for the image edges. Default 'reflect'. */
  boundary?: Boundary;
  /** Value outside the image for boundary 'fill', in the filtered (working) values, full scale 1. Default 0. */
  fillValue?: number;
  /**
   * `'copy'` (default): alpha unchanged, colour filtered. `'filter'`: alpha filtered like colour.
   * `'premultiplied'`: colour multiplied by alpha before filtering and divided by the filtered alpha
   * after, so transparent pixels do not bleed dark halos. Ignored for sources without alpha.
   */
  alpha?: AlphaMode;
  /**
   * `'srgb'` (default): filter the stored (sRGB-encoded) values. `'linear'`: decode to linear light
   * on the GPU, filter, encode again (averages light correctly). The mapping applies in the working space.
   */
  colorSpace?: 'srgb' | 'linear';
  /**
   * The result: `'image'` (default) pixels in memory — an `ImageData` in a browser for 8-bit RGBA,
   * else an `ImageDataLike` with the source's channels and sample type (GPU sources: 8-bit RGBA for
   * 8-bit formats, float RGBA otherwise); `'texture'` a new `GPUTexture` (usage STORAGE_BINDING,
   * TEXTURE_BINDING, COPY_SRC); `'bitmap'` an `ImageBitmap` (browsers). Not with `target`.
   */
  output?: 'image' | 'texture' | 'bitmap';
  /** Format of a texture result (`output: 'texture'`). Default 'rgba8unorm' for 8-bit sources, else 'rgba32float'. */
  textureFormat?: ImageTextureFormat;
  /**
   * Draw into a canvas (configured for the engine's device, resized to the image) or write into an
   * existing `GPUTexture` of the image's size (usage STORAGE_BINDING, a format of `ImageTextureFormat`):
   * nothing goes through the host, and the call resolves to undefined.
   */
  target?: ImageTarget;
  /** Algorithm of the filtering calls. Default 'auto'. */
  algorithm?: Algorithm;
  /** Called with what ran, once per filtering call (two for a two-kernel filter such as 'sobel'). */
  onRun?: (info: RunInfo) => void;
}

/** What `filterImage` resolves to for options `O`. */
export type FilterImageResult<O extends FilterImageOptions | undefined> =
  O extends { target: ImageTarget } ? undefined
    : O extends { output: 'texture' } ? GPUTexture
      : O extends { output: 'bitmap' } ? ImageBitmap
        : ImageDataLike;
