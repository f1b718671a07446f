/**
 * gaussianBlur against scipy.ndimage.gaussian_filter: goldens made by scripts/goldens/gaussian.py
 * (SciPy, float64) on small float32 images, every boundary mode, isotropic and anisotropic sigmas, a
 * radius larger than the image, and sigma 0 on one axis.
 *
 * Tolerance, per element: the reference sums in float64 and rounds once (u·|golden| + 2⁻⁴⁰·m, m the
 * same blur of |x| and |fillValue|: the weights are positive). The GPU rounds the KH·KW float32
 * weights (u each) and sums at most KH·KW + 1 products in some order, or, separably, the KH + KW
 * factors (u each, products 2u) in two sums: both within (γ_{KH·KW+1} + 4u)·m + u·|golden|.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu, type Boundary, type ConvEngine, type HostTensor } from '../src/index.js';
import { gamma, U } from './support/compare.js';
import { useEngine } from './support/engines.js';

interface Golden {
  shape: [number, number];
  sigma: [number, number];
  truncate: number;
  boundary: Boundary;
  fillValue: number;
  input: number[];
  output: number[];
}

const goldens = (JSON.parse(readFileSync(new URL('./goldens/gaussian.json', import.meta.url), 'utf8')) as { scipy: string; cases: Golden[] }).cases;

const label = (c: Golden) => `${c.shape.join('×')} σ=(${c.sigma.join(', ')}) truncate ${c.truncate} ${c.boundary}`;
const taps = (c: Golden) => c.sigma.map((s) => 2 * Math.floor(c.truncate * s + 0.5) + 1) as [number, number];

function check(got: Float32Array, c: Golden, mag: Float32Array, relTerm: number, what: string): void {
  for (let i = 0; i < c.output.length; i++) {
    const e = c.output[i] as number;
    const tol = relTerm * (mag[i] as number) + U * Math.abs(e);
    if (!(Math.abs((got[i] as number) - e) <= tol)) expect.fail(`${what} ${label(c)} [${i}]: got ${got[i]}, SciPy ${e} (tolerance ${tol})`);
  }
}

let engine: ConvEngine;
beforeAll(async () => {
  engine = await useEngine('llvmpipe');
});

describe(`gaussianBlur = scipy.ndimage.gaussian_filter (${goldens.length} goldens)`, () => {
  it('has goldens for every boundary', () => {
    expect(new Set(goldens.map((c) => c.boundary))).toEqual(new Set(['fill', 'wrap', 'symm', 'reflect', 'replicate']));
  });

  it.each(goldens.map((c) => [label(c), c] as const))('%s: CPU reference and GPU (auto, direct, separable)', async (_, c) => {
    const x: HostTensor = { data: Float32Array.from(c.input), shape: [...c.shape] };
    const options = { sigma: c.sigma, truncate: c.truncate, boundary: c.boundary, fillValue: c.fillValue };
    const mag = cpu.gaussianBlur({ data: x.data.map(Math.abs), shape: x.shape }, { ...options, fillValue: Math.abs(c.fillValue) }).data;
    check(cpu.gaussianBlur(x, options).data, c, mag, 2 ** -40, 'cpu');
    const [KH, KW] = taps(c);
    const rel = gamma(KH * KW + 1) + 4 * U;
    for (const algorithm of ['auto', 'direct', 'separable'] as const) {
      let ran = '';
      const got = await engine.gaussianBlur(x, { ...options, algorithm, onRun: (i) => (ran = i.algorithm) });
      if (algorithm !== 'auto') expect(ran).toBe(algorithm);
      check(got.data, c, mag, rel, `gpu ${ran}`);
    }
  });
});
