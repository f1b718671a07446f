/**
 * The CPU reference of what the CLI should have written (test/cli-*.test.ts): the library's CPU
 * `convolve2d`/`correlate2d` from the built package (`lib`, loaded by the fixture) on the
 * independently decoded input, the CLI's output mapping applied, and the within-1-LSB comparison.
 */
import { expect } from 'vitest';
import type { HostTensor } from '../../src/index.js';
import type { Decoded } from './cli-images.js';
import { lib } from './cli.js';

export interface Expectation {
  kernels: HostTensor[];
  magnitude?: boolean;
  correlate?: boolean;
  mode?: 'same' | 'full' | 'valid';
  boundary?: 'fill' | 'wrap' | 'symm' | 'reflect' | 'replicate';
  abs?: boolean;
  gain?: number;
  offset?: number;
  normalize?: boolean;
  depth: 8 | 16;
}

/** The CPU reference of what the CLI should have written: planes of samples. */
export function reference(planes: HostTensor, e: Expectation): { planes: number[][]; OH: number; OW: number } {
  const op = e.correlate ? lib.cpu.correlate2d : lib.cpu.convolve2d;
  const outs = e.kernels.map((k) => op(planes, k, { mode: e.mode ?? 'same', boundary: e.boundary ?? 'reflect' }));
  const [C, OH, OW] = (outs[0] as HostTensor).shape as [number, number, number];
  let v = Array.from((outs[0] as HostTensor).data);
  if (e.magnitude) v = v.map((_, i) => Math.hypot(...outs.map((o) => o.data[i] as number)));
  if (e.abs) v = v.map(Math.abs);
  if (e.gain !== undefined) v = v.map((x) => x * (e.gain as number));
  if (e.normalize) {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    v = v.map((x) => (x - lo) / (hi - lo));
  }
  if (e.offset !== undefined) v = v.map((x) => x + (e.offset as number));
  const max = 2 ** e.depth - 1;
  const q = v.map((x) => Math.round(Math.min(Math.max(x, 0), 1) * max));
  const n = OH * OW;
  return { planes: Array.from({ length: C }, (_, c) => q.slice(c * n, (c + 1) * n)), OH, OW };
}

export function maxLsb(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

export function expectMatches(out: Decoded, ref: { planes: number[][]; OH: number; OW: number }): void {
  expect([out.height, out.width]).toEqual([ref.OH, ref.OW]);
  expect(out.channels).toBe(ref.planes.length);
  ref.planes.forEach((plane, c) => expect(maxLsb(out.planes[c] as number[], plane), `channel ${c}`).toBeLessThanOrEqual(1));
}
