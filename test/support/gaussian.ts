/** The check of a GPU gaussianBlur result, shared by the separable and warmup tests. */
import { expect } from 'vitest';
import { cpu, type Boundary, type HostTensor, type RunInfo } from '../../src/index.js';
import { abs, expectMatchesReference, U } from './compare.js';
import { outer } from './separable.js';

/**
 * A GPU gaussianBlur result against the float64 ndimage-style reference. The GPU correlates with the
 * float32 kernel w = fl(gy·gxᵀ): it must match cpu.correlate2d with w within the derived bound of
 * what ran (separable, FFT, direct …); and cpu.gaussianBlur differs from that reference by at most
 * u·M (w's rounding, |w − gy·gxᵀ| ≤ u·gy·gxᵀ) + u·|ref| (rounding of each reference), M the
 * magnitude sum, plus float64 noise (Σg = 1 only to float64 precision for 'fill').
 */
export function expectBlurClose(image: HostTensor, options: { sigma: number | readonly [number, number]; truncate?: number; boundary?: Boundary; fillValue?: number }, got: HostTensor, info: RunInfo): void {
  const blur = cpu.gaussianBlur(image, options);
  const { sigma, truncate = 4, ...filter } = options;
  const r = (s: number) => Math.floor(truncate * s + 0.5);
  const [sy, sx] = typeof sigma === 'number' ? [sigma, sigma] : sigma;
  const gauss = (s: number) => {
    if (s === 0) return [1];
    const w = Array.from({ length: 2 * r(s) + 1 }, (_, i) => Math.exp((-0.5 / (s * s)) * (i - r(s)) ** 2));
    const sum = w.reduce((a, b) => a + b, 0);
    return w.map((x) => x / sum);
  };
  const w = outer(gauss(sy), gauss(sx));
  const fopts = { mode: 'same' as const, boundary: filter.boundary ?? 'reflect', fillValue: filter.fillValue ?? 0 };
  expectMatchesReference('correlate2d', image, w, fopts, info, got, 'gaussianBlur (GPU vs correlate2d with the float32 kernel)');
  const ref = cpu.correlate2d(image, w, fopts);
  const mag = cpu.correlate2d(abs(image), w, { ...fopts, fillValue: Math.abs(fopts.fillValue) });
  for (let i = 0; i < ref.data.length; i++) {
    const tol = U * (mag.data[i] as number) * (1 + 2 ** -22) + U * (Math.abs(ref.data[i] as number) + Math.abs(blur.data[i] as number)) + 1e-15 * (mag.data[i] as number);
    if (!(Math.abs((blur.data[i] as number) - (ref.data[i] as number)) <= tol)) expect.fail(`cpu.gaussianBlur [${i}]: ${blur.data[i]} vs correlate2d ${ref.data[i]} (tol ${tol})`);
  }
}
