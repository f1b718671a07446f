/**
 * Filtering one decoded image: every colour plane (and alpha, if asked) goes to the GPU in one
 * batched `convolve2d`/`correlate2d` call per kernel; the results are joined (Sobel magnitude),
 * mapped (abs / offset / normalize), clamped and rounded to the output depth. With `check`, the
 * CPU reference does the same and the two are compared.
 */
import { cpu, type Algorithm, type Boundary, type ConvEngine, type Filter2dOptions, type HostTensor, type Mode, type RunInfo } from '../index.js';
import {
  applyMapping,
  combineResults,
  maxAbsDiff,
  outputToInputOffset,
  quantize,
  quantizeAll,
  type OutputMapping,
  type ResolvedFilter,
} from '../presets/index.js';
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
  /** Largest |GPU − CPU| of the filtered values before mapping, full scale = 1 (with `check`). */
  maxAbsDiff: number | undefined;
  /** Largest difference of the written samples, in units of the last bit (with `check`). */
  maxLsbDiff: number | undefined;
  /** "13×13", or "3×3 ×2" for a two-kernel magnitude. */
  kernelLabel: string;
  /** Per GPU call: the algorithm and variant that ran, and why ("fft/64x64: auto: least estimated cost …"). */
  ran: string[];
}

type Filter2d = (image: HostTensor, kernel: HostTensor, options?: Filter2dOptions) => HostTensor | Promise<HostTensor>;

interface Computed {
  values: Float32Array;
  OH: number;
  OW: number;
  ms: number;
  ran: string[];
}

async function compute(op: Filter2d, planes: HostTensor, s: FilterSettings): Promise<Computed> {
  const ran: string[] = [];
  const onRun = (i: RunInfo) => ran.push(`${i.algorithm}/${i.variant}: ${i.reason}`);
  const options: Filter2dOptions = { mode: s.mode, boundary: s.boundary, fillValue: s.fillValue, algorithm: s.algorithm, onRun };
  const results: Float32Array[] = [];
  let OH = 0;
  let OW = 0;
  let ms = 0;
  for (const kernel of s.filter.kernels) {
    const t0 = performance.now();
    const r = await op(planes, kernel, options);
    ms += performance.now() - t0;
    results.push(r.data);
    OH = r.shape[r.shape.length - 2] as number;
    OW = r.shape[r.shape.length - 1] as number;
  }
  const t0 = performance.now();
  const values = combineResults(results, s.filter.combine);
  ms += performance.now() - t0;
  return { values, OH, OW, ms, ran };
}

/** Copies the alpha plane to the output grid, following SciPy's alignment of `mode` (edges clamp). */
function alignAlpha(alpha: Float32Array, img: RasterImage, OH: number, OW: number, s: FilterSettings, maxValue: number): Uint16Array {
  const k = s.filter.kernels[0] as HostTensor;
  const dy = outputToInputOffset(s.mode, k.shape[0] as number, !s.correlate);
  const dx = outputToInputOffset(s.mode, k.shape[1] as number, !s.correlate);
  const out = new Uint16Array(OH * OW);
  for (let y = 0; y < OH; y++) {
    const sy = Math.min(Math.max(y + dy, 0), img.height - 1);
    for (let x = 0; x < OW; x++) {
      const sx = Math.min(Math.max(x + dx, 0), img.width - 1);
      out[y * OW + x] = quantize(alpha[sy * img.width + sx] as number, maxValue);
    }
  }
  return out;
}

/** Turns computed values into output samples. */
function toSamples(c: Computed, img: RasterImage, s: FilterSettings, maxValue: number): { color: Uint16Array; alpha: Uint16Array | undefined } {
  const colorCount = img.colorChannels * c.OH * c.OW;
  const color = quantizeAll(applyMapping(c.values.subarray(0, colorCount), s.mapping), maxValue);
  let alpha: Uint16Array | undefined;
  if (img.alpha && s.filterAlpha) alpha = quantizeAll(c.values.subarray(colorCount), maxValue);
  else if (img.alpha) alpha = alignAlpha(img.alpha, img, c.OH, c.OW, s, maxValue);
  return { color, alpha };
}

function largestDifference(a: Uint16Array, b: Uint16Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** The planes that go to the GPU: colour, then alpha when it is filtered too. */
export function inputPlanes(img: RasterImage, filterAlpha: boolean): HostTensor {
  const n = img.width * img.height;
  if (!(filterAlpha && img.alpha)) return { data: img.color, shape: [img.colorChannels, img.height, img.width] };
  const data = new Float32Array((img.colorChannels + 1) * n);
  data.set(img.color);
  data.set(img.alpha, img.colorChannels * n);
  return { data, shape: [img.colorChannels + 1, img.height, img.width] };
}

/** Filters `img` on the GPU (and on the CPU with `check`). */
export async function filterRaster(engine: ConvEngine, img: RasterImage, s: FilterSettings): Promise<FilterOutcome> {
  const depth = s.depth ?? defaultOutputDepth(img);
  const maxValue = 2 ** depth - 1;
  const planes = inputPlanes(img, s.filterAlpha);
  const gpuOp: Filter2d = s.correlate ? engine.correlate2d.bind(engine) : engine.convolve2d.bind(engine);
  const gpu = await compute(gpuOp, planes, s);
  const samples = toSamples(gpu, img, s, maxValue);
  const output: OutputRaster = {
    width: gpu.OW,
    height: gpu.OH,
    colorChannels: img.colorChannels,
    color: samples.color,
    alpha: samples.alpha,
    depth,
  };
  const k = s.filter.kernels[0] as HostTensor;
  const kernelLabel = `${k.shape[0]}×${k.shape[1]}${s.filter.kernels.length > 1 ? ` ×${s.filter.kernels.length}` : ''}`;
  const outcome: FilterOutcome = { output, gpuMs: gpu.ms, cpuMs: undefined, maxAbsDiff: undefined, maxLsbDiff: undefined, kernelLabel, ran: gpu.ran };
  if (s.check) {
    const cpuOp: Filter2d = s.correlate ? cpu.correlate2d : cpu.convolve2d;
    const ref = await compute(cpuOp, planes, s);
    const refSamples = toSamples(ref, img, s, maxValue);
    outcome.cpuMs = ref.ms;
    outcome.maxAbsDiff = maxAbsDiff(gpu.values, ref.values);
    outcome.maxLsbDiff = Math.max(
      largestDifference(samples.color, refSamples.color),
      samples.alpha && refSamples.alpha ? largestDifference(samples.alpha, refSamples.alpha) : 0,
    );
  }
  return outcome;
}
