/** Seeded pseudo-random data (`webgpu-conv/testing`): deterministic tensors for tests and benchmarks. */
import type { HostTensor } from './types.js';

/**
 * The mulberry32 generator: each call returns the next float in [-1, 1) of the sequence for `seed`
 * (any number; taken as its low 32 bits).
 */
export function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 31 - 1;
  };
}

/**
 * A tensor of `shape` filled, row-major, with the first values of `mulberry32(seed)` rounded to
 * float32 (so in [-1, 1]: the largest, 1 − 2⁻³¹, rounds to 1).
 */
export function randomTensor(shape: number[], seed: number): HostTensor {
  const next = mulberry32(seed);
  const n = shape.reduce((x, y) => x * y, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = next();
  return { data, shape };
}
