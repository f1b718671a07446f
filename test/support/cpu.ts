/**
 * Helpers for the CPU reference tests (test/cpu-*.test.ts): tensor literals, the float64-reference
 * tolerance, deterministic random inputs and the small hand-worked operands the goldens use.
 */
import { expect } from 'vitest';
import { mulberry32 } from '../../src/testing.js';
import type { HostTensor, Mode } from '../../src/types.js';

export const T = (data: readonly number[], shape: number[]): HostTensor => ({ data: Float32Array.from(data), shape });
export const F = (data: readonly number[]): Float32Array => Float32Array.from(data);
export const MODES: Mode[] = ['full', 'same', 'valid'];

/**
 * Tolerance for an output that sums `reduction` products of O(1) float32 values: the reference
 * accumulates in float64 (error ≈ reduction·2⁻⁵³ relative) and stores float32 (≤ 2⁻²⁴ ≈ 6e-8
 * relative), so 1e-6·(1+|expected|)·reduction is a safe upper bound with > 10× margin, yet far
 * below any indexing mistake (which moves a value by a whole input sample).
 */
function tol(expected: number, reduction: number): number {
  return 1e-6 * (1 + Math.abs(expected)) * reduction;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, reduction: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e)) {
      expect(a, `index ${i}`).toBeNaN();
    } else if (!(Math.abs(a - e) <= tol(e, reduction))) {
      expect.fail(`index ${i}: got ${a}, expected ${e} (tolerance ${tol(e, reduction)})`);
    }
  }
}

export function expectTensor(actual: HostTensor, shape: number[], expected: readonly number[], reduction: number): void {
  expect(actual.shape).toEqual(shape);
  expect(actual.data).toBeInstanceOf(Float32Array);
  expectClose(actual.data, expected, reduction);
}

/** Deterministic pseudo-random float32 values (the shared mulberry32 of src/testing.ts). */
export function rng(seed: number): (n: number) => Float32Array {
  const next = mulberry32(seed);
  return (n) => Float32Array.from({ length: n }, next);
}

/** Rotates a row-major [H, W] array by 180°. */
export const rot180 = (a: readonly number[]): number[] => [...a].reverse();

/** An OH×OW zero array with `block` ([BH, BW] row-major) placed with its top-left at (top, left). */
export function placed(OH: number, OW: number, block: readonly number[], BH: number, BW: number, top: number, left: number): number[] {
  const out = new Array<number>(OH * OW).fill(0);
  for (let i = 0; i < BH; i++) for (let j = 0; j < BW; j++) out[(top + i) * OW + left + j] = block[i * BW + j] as number;
  return out;
}

export const X33 = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // [[1,2,3],[4,5,6],[7,8,9]]
export const K22 = [1, 2, 3, 4]; // [[1,2],[3,4]]
