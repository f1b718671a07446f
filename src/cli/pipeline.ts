/**
 * Filtering one decoded image with `engine.filterImage` — the library's one implementation of the
 * image path, shared with the browser demo: the colour planes (and alpha when it is filtered) go to
 * the GPU as float samples, are filtered (one batched call per kernel), joined (Sobel magnitude),
 * mapped (abs / gain / offset / normalize), alpha handled and colour space converted there; the
 * result comes back as float samples and is rounded to the output depth here. With `check`,
 * `cpu.filterImage` does the same and the two are compared.
 */
import { cpu, type AlphaMode, type Algorithm, type Boundary, type ConvEngine, type FilterImageOptions, type ImageDataLike, type ImageFilter, type Mode, type RunInfo } from '../index.js';
import { quantize, type OutputMapping, type ResolvedFilter } from '../presets/index.js';
import { defaultOutputDepth, type OutputRaster, type RasterImage } from './image.js';

/** Everything that decides what a filter run computes. */
export interface FilterSettings {
  filter: ResolvedFilter;
  mode: Mode;
  boundary: Boundary;
  /** Value outside the image for boundary 'fill' (full scale = 1). */
  fillValue: number;
  /** Cross-correlate instead of convolving (no kernel flip). */
  correlate: boolean;
  algorithm: Algorithm;
  mapping: OutputMapping;
  /** Filter the alpha plane too (clamped, not mapped). Default: alpha is copied unchanged. */
  filterAlpha: boolean;
  /** Alpha handling (filterImage's `alpha`); default from `filterAlpha`: 'filter' or 'copy'. */
  alpha?: AlphaMode;
  /** Filter in linear light (sRGB decoded and encoded again). Default false. */
  linear?: boolean;
  /** Output bits per sample; default 16 for 16-bit sources, else 8. */
  depth: 8 | 16 | undefined;
  /** Also run the CPU reference and compare. */
  check: boolean;
}

/** What a filter run produced. */
export interface FilterOutcome {
  output: OutputRaster;
  /** Wall time of the GPU calls (upload, dispatch, readback), ms. */
  gpuMs: number;
  /** Wall time of the CPU reference, ms (with `check`). */
  cpuMs: number | undefined;
  /** Largest |GPU − CPU| of the output values (before rounding when the samples are float), full scale = 1 (with `check`). */
  maxAbsDiff: number | undefined;
  /** Largest difference of the written samples, in units of the last bit (with `check`). */
  maxLsbDiff: number | undefined;
  /** "13×13", or "3×3 ×2" for a two-kernel magnitude. */
  kernelLabel: string;
  /** Per GPU call: the algorithm and variant that ran, and why ("fft/64x64: auto: least estimated cost …"). */
  ran: string[];
}

/**
 * The image as interleaved samples (colour, then alpha): what filterImage takes. Integers of the
 * output depth when the file has that depth (the GPU then rounds, and 8-bit images move a quarter of
 * the bytes), else float32 in full-scale units (rounded here).
 */
function samplesOf(img: RasterImage, depth: 8 | 16): ImageDataLike {
  const n = img.width * img.height;
  const channels = (img.colorChannels + (img.alpha ? 1 : 0)) as 1 | 2 | 3 | 4;
  const integer = (img.bitDepth > 8 ? 16 : 8) === depth && img.bitDepth >= 8;
  const full = integer ? 2 ** depth - 1 : 1;
  const data = !integer ? new Float32Array(n * channels) : depth === 8 ? new Uint8Array(n * channels) : new Uint16Array(n * channels);
  const put = (plane: Float32Array, c: number): void => {
    for (let i = 0; i < n; i++) data[i * channels + c] = integer ? Math.round((plane[i] as number) * full) : (plane[i] as number);
  };
  for (let c = 0; c < img.colorChannels; c++) put(img.color.subarray(c * n, (c + 1) * n), c);
  if (img.alpha) put(img.alpha, channels - 1);
  return { data, width: img.width, height: img.height, channels };
}

/** A result's samples as planar `depth`-bit integers (float samples rounded). */
function toRaster(out: ImageDataLike, img: RasterImage, depth: 8 | 16): OutputRaster {
  const channels = out.channels ?? 4;
  const n = out.width * out.height;
  const maxValue = 2 ** depth - 1;
  const float = out.data instanceof Float32Array;
  const sample = (i: number): number => (float ? quantize(out.data[i] as number, maxValue) : (out.data[i] as number));
  const color = new Uint16Array(img.colorChannels * n);
  for (let c = 0; c < img.colorChannels; c++) for (let i = 0; i < n; i++) color[c * n + i] = sample(i * channels + c);
  let alpha: Uint16Array | undefined;
  if (img.alpha) {
    alpha = new Uint16Array(n);
    for (let i = 0; i < n; i++) alpha[i] = sample(i * channels + channels - 1);
  }
  return { width: out.width, height: out.height, colorChannels: img.colorChannels, color, alpha, depth };
}

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** filterImage's filter and options for the settings (the mapping given in full: it overrides a preset's). */
function imageCall(s: FilterSettings): { filter: ImageFilter; options: FilterImageOptions } {
  const m = s.mapping;
  return {
    filter: s.filter.kernels.length === 1 ? (s.filter.kernels[0] as ImageFilter) : s.filter.spec,
    options: {
      mode: s.mode, boundary: s.boundary, fillValue: s.fillValue, correlate: s.correlate, algorithm: s.algorithm,
      alpha: s.alpha ?? (s.filterAlpha ? 'filter' : 'copy'), colorSpace: s.linear ? 'linear' : 'srgb',
      abs: m.abs ?? false, gain: m.gain ?? 1, normalize: m.normalize ?? false, offset: m.offset ?? 0,
    },
  };
}

/** Filters `img` on the GPU (and on the CPU with `check`). */
export async function filterRaster(engine: ConvEngine, img: RasterImage, s: FilterSettings): Promise<FilterOutcome> {
  const depth = s.depth ?? defaultOutputDepth(img);
  const source = samplesOf(img, depth);
  const { filter, options } = imageCall(s);
  const ran: string[] = [];
  const t0 = performance.now();
  const gpu = await engine.filterImage(source, filter, { ...options, onRun: (i: RunInfo) => ran.push(`${i.algorithm}/${i.variant}: ${i.reason}`) });
  const gpuMs = performance.now() - t0;
  const output = toRaster(gpu, img, depth);
  const k = s.filter.kernels[0] as { shape: number[] };
  const kernelLabel = `${k.shape[0]}×${k.shape[1]}${s.filter.kernels.length > 1 ? ` ×${s.filter.kernels.length}` : ''}`;
  const outcome: FilterOutcome = { output, gpuMs, cpuMs: undefined, maxAbsDiff: undefined, maxLsbDiff: undefined, kernelLabel, ran };
  if (s.check) {
    const t1 = performance.now();
    const ref = cpu.filterImage(source, filter, options);
    outcome.cpuMs = performance.now() - t1;
    outcome.maxAbsDiff = largestDifference(gpu.data, ref.data) / (source.data instanceof Float32Array ? 1 : 2 ** depth - 1);
    const refRaster = toRaster(ref, img, depth);
    outcome.maxLsbDiff = Math.max(
      largestDifference(output.color, refRaster.color),
      output.alpha && refRaster.alpha ? largestDifference(output.alpha, refRaster.alpha) : 0,
    );
  }
  return outcome;
}
