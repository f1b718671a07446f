/**
 * Kernel builders for the presets: kernels from nested arrays and back, the mean, Gaussian, unsharp
 * and motion-blur kernels, and the fixed Sobel and Prewitt derivative kernels. Pure functions, no
 * GPU and no Node APIs.
 *
 * Kernels are written in *convolution* form, the way `convolve2d` (the CLI's default) applies them:
 * with `SOBEL_X` a picture that gets brighter to the right gives positive values.
 */
import type { HostTensor } from '../types.js';

/** A kernel from a row-major nested array. */
export function kernelFromRows(rows: readonly (readonly number[])[]): HostTensor {
  const KH = rows.length;
  const KW = rows[0]?.length ?? 0;
  const data = new Float32Array(KH * KW);
  rows.forEach((row, y) => row.forEach((v, x) => (data[y * KW + x] = v)));
  return { data, shape: [KH, KW] };
}

/** The kernel's rows as nested arrays (for display and JSON). */
export function kernelRows(kernel: HostTensor): number[][] {
  const [KH = 0, KW = 0] = kernel.shape;
  return Array.from({ length: KH }, (_, y) => Array.from(kernel.data.subarray(y * KW, (y + 1) * KW)));
}

function scaled(kernel: HostTensor, factor: number): HostTensor {
  return { data: kernel.data.map((v) => v * factor), shape: [...kernel.shape] };
}

function normalizedToSum1(values: Float64Array, shape: [number, number]): HostTensor {
  let sum = 0;
  for (const v of values) sum += v;
  return { data: Float32Array.from(values, (v) => v / sum), shape };
}

/** `n × m` mean filter. */
export function boxKernel(n: number, m = n): HostTensor {
  return { data: new Float32Array(n * m).fill(1 / (n * m)), shape: [n, m] };
}

/** The odd size covering ±3σ: 2⌈3σ⌉ + 1. */
export function gaussianSize(sigma: number): number {
  return 2 * Math.ceil(3 * sigma) + 1;
}

/** Sampled isotropic Gaussian, normalised to sum 1. Size defaults to `gaussianSize(sigma)`. */
export function gaussianKernel(sigma: number, size = gaussianSize(sigma)): HostTensor {
  const c = (size - 1) / 2;
  const values = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      values[y * size + x] = Math.exp(-((x - c) ** 2 + (y - c) ** 2) / (2 * sigma * sigma));
    }
  }
  return normalizedToSum1(values, [size, size]);
}

/** Unsharp mask in one kernel: (1 + amount)·δ − amount·G(σ). Sums to 1. */
export function unsharpKernel(sigma: number, amount: number, size = gaussianSize(sigma)): HostTensor {
  const g = gaussianKernel(sigma, size);
  const k = scaled(g, -amount);
  const centre = Math.floor(size / 2) * size + Math.floor(size / 2);
  k.data[centre] = (k.data[centre] as number) + 1 + amount;
  return k;
}

/**
 * Motion blur along a line `length` pixels long at `angle` degrees (counter-clockwise from the
 * +x axis, y pointing up on screen). Each tap weighs max(0, 1 − distance from the tap's centre to the
 * segment), so angle 0 with an odd length is an exact 1 × length box; normalised to sum 1.
 */
export function motionKernel(length: number, angle: number): HostTensor {
  const t = (angle * Math.PI) / 180;
  const dx = Math.cos(t);
  const dy = -Math.sin(t); // rows grow downwards
  const half = (length - 1) / 2;
  const eps = 1e-9;
  const rx = Math.ceil(Math.abs(dx) * half - eps);
  const ry = Math.ceil(Math.abs(dy) * half - eps);
  const KH = 2 * ry + 1;
  const KW = 2 * rx + 1;
  const values = new Float64Array(KH * KW);
  for (let y = -ry; y <= ry; y++) {
    for (let x = -rx; x <= rx; x++) {
      // Distance from (x, y) to the segment {s·(dx, dy) : |s| ≤ half}.
      const s = Math.max(-half, Math.min(half, x * dx + y * dy));
      const d = Math.hypot(x - s * dx, y - s * dy);
      values[(y + ry) * KW + (x + rx)] = Math.max(0, 1 - d);
    }
  }
  return normalizedToSum1(values, [KH, KW]);
}

// Fixed derivative kernels, shared by the `sobel*` and `prewitt*` presets (./table.ts). Not part of
// the public surface: ./index.ts does not re-export them.

export const SOBEL_X = kernelFromRows([
  [1, 0, -1],
  [2, 0, -2],
  [1, 0, -1],
]);
export const SOBEL_Y = kernelFromRows([
  [1, 2, 1],
  [0, 0, 0],
  [-1, -2, -1],
]);
export const PREWITT_X = kernelFromRows([
  [1, 0, -1],
  [1, 0, -1],
  [1, 0, -1],
]);
export const PREWITT_Y = kernelFromRows([
  [1, 1, 1],
  [0, 0, 0],
  [-1, -1, -1],
]);
