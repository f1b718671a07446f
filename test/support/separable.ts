/**
 * Kernels and option lists shared by the separable tests (test/gpu-separable*.test.ts): float32
 * outer products as rank-1 kernels, seeded random vectors, and every mode and boundary.
 */
import type { Boundary, HostTensor, Mode } from '../../src/index.js';
import { randomTensor } from './compare.js';

export const MODES: Mode[] = ['full', 'same', 'valid'];
export const BOUNDARIES: Boundary[] = ['fill', 'wrap', 'symm', 'reflect', 'replicate'];

/** The float32 outer product of two vectors, as a [KH, KW] kernel. */
export function outer(a: ArrayLike<number>, b: ArrayLike<number>): HostTensor {
  const data = new Float32Array(a.length * b.length);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) data[i * b.length + j] = (a[i] as number) * (b[j] as number);
  return { data, shape: [a.length, b.length] };
}
/** `n` seeded random float32 values. */
export const vec = (n: number, seed: number): Float32Array => randomTensor([n], seed).data;
/** A seeded random rank-1 [KH, KW] kernel: the outer product of two random vectors. */
export const rank1 = (KH: number, KW: number, seed: number): HostTensor => outer(vec(KH, seed), vec(KW, seed + 1));
/** K seeded random rank-1 [KH, KW] kernels (channel k: rank1 with seed + 2k), as a depthwise weight [K, 1, KH, KW]. */
export function depthwiseRank1(K: number, KH: number, KW: number, seed: number): HostTensor {
  const data = new Float32Array(K * KH * KW);
  for (let k = 0; k < K; k++) data.set(rank1(KH, KW, seed + 2 * k).data, k * KH * KW);
  return { data, shape: [K, 1, KH, KW] };
}
