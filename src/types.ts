import type { GpuTensor } from './gpu/tensor.js';
/** A dense row-major float32 tensor on the host. `data.length` must equal the product of `shape`. */
export interface HostTensor {
  data: Float32Array;
  shape: number[];
}

import type { ConcreteAlgorithm } from './algorithms/registry.js';
export type { ConcreteAlgorithm };

/** Convolution algorithm: one of the registry's (`ALGORITHM_NAMES`), or `'auto'`, which picks per shape. */
export type Algorithm = 'auto' | ConcreteAlgorithm;

/** What one op call ran, reported to its `onRun` callback. */
export interface RunInfo {
  op: string;
  /** The algorithm that ran (the one requested, or what `'auto'` chose; the same for every piece). */
  algorithm: ConcreteAlgorithm;
  /** The algorithm's variant (GEMM kernel, tile shape, …), as its plan chose it: e.g. `'implicit'`, `'16x4 KB4'`. */
  variant: string;
  /** Why this algorithm: the requested one, or `'auto'`'s reason (the candidates' cost estimates). */
  reason: string;
  /** How many pieces the job was split into to fit the device's buffer limits (1 when none). */
  pieces: number;
  /** Compute dispatches recorded, over all pieces. */
  dispatches: number;
  /** GPU time of the compute passes in milliseconds (only with `profile` and `timestamp-query`). */
  kernelMs?: number;
}

/** PyTorch `padding_mode`. */
export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';
/** SciPy-style boundary (plus `'reflect'`, edge-excluding, and `'replicate'`, edge-clamping). */
export type Boundary = 'fill' | 'wrap' | 'symm' | 'reflect' | 'replicate';
/** SciPy / NumPy output mode. */
export type Mode = 'full' | 'same' | 'valid';

/** `padding` as PyTorch takes it, plus asymmetric `[[top, bottom], [left, right]]`. */
export type Padding2d =
  | number
  | readonly [number, number]
  | readonly [readonly [number, number], readonly [number, number]]
  | 'same'
  | 'valid';
/** One-dimensional `padding`: a number, `[left, right]`, `'same'` or `'valid'`. */
export type Padding1d = number | readonly [number, number] | 'same' | 'valid';

/** Where an op's result goes: `'host'` (a HostTensor, default) or `'gpu'` (a GpuTensor, no readback). */
export type OutputLocation = 'host' | 'gpu';

/** Options shared by every op. */
export interface OutputOptions {
  /** Default `'host'`. With `'gpu'` the op resolves to a `GpuTensor` for chaining. */
  output?: OutputLocation;
  /**
   * Where the result goes instead of a new array or buffer per call (in a loop that saves
   * allocating megabytes per call): a host result into this Float32Array (exactly the result's
   * element count, sharing no memory with the inputs), returned as the result's `data`; with
   * `output: 'gpu'`, into this GpuTensor of the engine (the result's element count, not an input),
   * which the op resolves to.
   */
  out?: Float32Array | GpuTensor;
  /**
   * Called once with what this call ran (`RunInfo`: algorithm, variant, pieces, dispatches, kernel
   * time when profiled), before the op's promise resolves. Per call, so concurrent calls never see
   * each other's. Default: none. (The CPU reference ignores it.)
   */
  onRun?: (info: RunInfo) => void;
}

/** Options shared by `conv2d` and `conv1d`. */
export interface ConvCommonOptions extends OutputOptions {
  /** Per-output-channel bias, length K. Default: none. */
  bias?: Float32Array;
  /** Number of channel groups; must divide C and K. Default 1. */
  groups?: number;
  /** How out-of-range input positions are filled. Default `'zeros'`. */
  paddingMode?: PaddingMode;
  /** `true` computes a true convolution (kernel rotated 180°). Default `false` (cross-correlation). */
  flip?: boolean;
  /**
   * Default `'auto'` (the applicable algorithm of least estimated cost). A named algorithm that
   * cannot run the call's shape on this device rejects with `OptionError` saying why.
   */
  algorithm?: Algorithm;
}

/** Options of `conv2d` (PyTorch `torch.nn.functional.conv2d`). */
export interface Conv2dOptions extends ConvCommonOptions {
  /** Default 1. */
  stride?: number | readonly [number, number];
  /** Default 0. `'same'` pads like PyTorch (extra row/column after), stride 1 only. */
  padding?: Padding2d;
  /** Default 1. */
  dilation?: number | readonly [number, number];
}

/** Options of `conv1d` (PyTorch `torch.nn.functional.conv1d`). */
export interface Conv1dOptions extends ConvCommonOptions {
  /** Default 1. */
  stride?: number;
  /** Default 0. */
  padding?: Padding1d;
  /** Default 1. */
  dilation?: number;
}

/** Options of `convolve2d` / `correlate2d` (SciPy `scipy.signal`). */
export interface Filter2dOptions extends OutputOptions {
  /** Default `'full'`. */
  mode?: Mode;
  /** Default `'fill'`. */
  boundary?: Boundary;
  /** Value outside the image when `boundary` is `'fill'`. Default 0. */
  fillValue?: number;
  /**
   * Default `'auto'` (the applicable algorithm of least estimated cost). A named algorithm that
   * cannot run the call's shape on this device rejects with `OptionError` saying why.
   */
  algorithm?: Algorithm;
}

/** Options of `convolve1d` / `correlate1d` (NumPy `numpy.convolve` / `numpy.correlate`). */
export interface Filter1dOptions extends OutputOptions {
  /** Default `'full'` for convolve1d, `'valid'` for correlate1d (as NumPy). */
  mode?: Mode;
  /**
   * Default `'auto'` (the applicable algorithm of least estimated cost). A named algorithm that
   * cannot run the call's shape on this device rejects with `OptionError` saying why.
   */
  algorithm?: Algorithm;
}

/** The FFT ops (`engine.fft` …, `cpu.fft` …). */
export type FftOpName = 'fft' | 'ifft' | 'rfft' | 'irfft' | 'rfft2' | 'irfft2';

/** What one FFT call ran, reported to its `onRun` callback. */
export interface FftRunInfo {
  op: FftOpName;
  /**
   * How the transforms ran: `'workgroup'` (each transform inside workgroup memory, one dispatch),
   * `'fourstep'` (two workgroup passes with a twiddle between), `'multipass'` (one global Stockham
   * stage per radix) or `'bluestein'` (chirp-z through a fast length). Two-dimensional calls whose
   * row and column transforms ran differently report `'rows+columns'`, e.g. `'workgroup+bluestein'`.
   */
  variant: string;
  /** Always 1: an FFT call is never split. */
  pieces: 1;
  /** Compute dispatches recorded. */
  dispatches: number;
  /** GPU time of the compute pass in milliseconds (only with `profile` and `timestamp-query`). */
  kernelMs?: number;
}

/** Options shared by the FFT ops. */
export interface FftCommonOptions {
  /** Default `'host'`. With `'gpu'` the op resolves to a `GpuTensor`. */
  output?: OutputLocation;
  /** The result written into this array (host) or GpuTensor (`output: 'gpu'`), of exactly the result's element count. */
  out?: Float32Array | GpuTensor;
  /** Called once with what the call ran. Default: none. (The CPU reference ignores it.) */
  onRun?: (info: FftRunInfo) => void;
}

/** Options of `fft`, `ifft`, `rfft`, `irfft` (NumPy `numpy.fft`, norm `'backward'`). */
export interface FftOptions extends FftCommonOptions {
  /**
   * Length of the transform along the last axis: the input is cropped or zero-padded to it (for
   * `irfft`: the spectrum to ⌊n/2⌋+1 values). Default: the input's length (`irfft`: 2·(M − 1)).
   */
  n?: number;
}

/** Options of `rfft2`, `irfft2`. */
export interface Fft2Options extends FftCommonOptions {
  /**
   * `[H, W]`, the transform's shape over the last two (real) axes: the input is cropped or
   * zero-padded to it. Default: the input's (`irfft2`: `[H, 2·(M − 1)]`).
   */
  s?: readonly [number, number];
}

/**
 * Options of `gaussianBlur`: `scipy.ndimage.gaussian_filter` over an image's last two axes (the
 * boundary names map to ndimage's modes as in the README's Gaussian section).
 */
export interface GaussianBlurOptions extends OutputOptions {
  /** σ of both axes, or `[σY, σX]`; ≥ 0 (0 leaves that axis unfiltered, as ndimage). Required. */
  sigma: number | readonly [number, number];
  /** The radius per axis is int(truncate·σ + 0.5). Default 4 (ndimage's). */
  truncate?: number;
  /**
   * Default `'reflect'` (ndimage `'mirror'`); `'symm'` is ndimage's `'reflect'`, `'replicate'` its
   * `'nearest'`, `'wrap'` `'wrap'`, `'fill'` `'constant'` with `fillValue` as cval.
   */
  boundary?: Boundary;
  /** The value outside the image with `boundary: 'fill'`. Default 0. */
  fillValue?: number;
  /** Default `'auto'` (separable passes where they are cheapest). */
  algorithm?: Algorithm;
}
