/**
 * sepConvolve2d and gaussianBlur on llvmpipe, whatever algorithm runs them (separable where forced):
 * against the CPU reference (within the bound of what ran), against values computed by hand in
 * float64 and against SciPy's ndimage.gaussian_filter, and their typed errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu, OptionError, ShapeError, type ConvEngine, type RunInfo } from '../src/index.js';
import { expectMatchesReference, randomTensor, U } from './support/compare.js';
import { expectBlurClose } from './support/gaussian.js';
import { useEngine } from './support/engines.js';
import { BOUNDARIES, MODES, outer, vec } from './support/separable.js';

let engine: ConvEngine;
beforeAll(async () => {
  engine = await useEngine('llvmpipe');
});

describe('sepConvolve2d and gaussianBlur', () => {
  it('sepConvolve2d is convolve2d with outer(kernelY, kernelX), on every mode and boundary, batched', async () => {
    const ky = { data: vec(5, 80), shape: [5] };
    const kx = { data: vec(4, 81), shape: [4] };
    const image = randomTensor([3, 10, 9], 82);
    for (const mode of MODES) {
      for (const boundary of BOUNDARIES) {
        const options = { mode, boundary, fillValue: 0.5 };
        let info: RunInfo | undefined;
        const got = await engine.sepConvolve2d(image, ky, kx, { ...options, onRun: (i) => (info = i) });
        expect(cpu.sepConvolve2d(image, ky, kx, options)).toEqual(cpu.convolve2d(image, outer(ky.data, kx.data), options));
        expectMatchesReference('convolve2d', image, outer(ky.data, kx.data), options, info as RunInfo, got, `sepConvolve2d ${mode} ${boundary}`);
      }
    }
  });

  // scipy.ndimage.gaussian_filter of a 9×9 impulse at (4, 4), sigma 1, truncate 4: radius 4, the 1-D
  // weights g(x) = exp(−x²/2)/S, S = Σ_{|x|≤4} exp(−x²/2) = 2.506620804230782 (float64, by hand):
  // g(0) = 0.39894346935609776, g(4) = 0.00013383062461474175. Centre g(0)² for every mode; at
  // (4, 0) the tap 4 left of the column reaches the impulse only by 'mirror' (our 'reflect'):
  // 2·g(0)·g(4), else g(0)·g(4); at (0, 0) (2·g(4))² or g(4)².
  const G0 = 0.39894346935609776;
  const G4 = 0.00013383062461474175;
  it.each([['reflect', 2], ['symm', 1], ['replicate', 1], ['wrap', 1], ['fill', 1]] as const)('an impulse through sigma 1, boundary %s, equals the hand-computed values', async (boundary, m) => {
    const data = new Float32Array(81);
    data[40] = 1;
    const image = { data, shape: [9, 9] };
    const want = [[40, G0 * G0], [36, m * G0 * G4], [0, (m * G4) ** 2]] as const;
    const ref = cpu.gaussianBlur(image, { sigma: 1, boundary });
    for (const [i, v] of want) expect(Math.abs((ref.data[i] as number) - v), `cpu [${i}]`).toBeLessThanOrEqual(U * v);
    let info: RunInfo | undefined;
    const got = await engine.gaussianBlur(image, { sigma: 1, boundary, onRun: (r) => (info = r) });
    expect(info).toMatchObject({ op: 'correlate2d' });
    expectBlurClose(image, { sigma: 1, boundary }, got, info as RunInfo);
  });

  it('anisotropic sigma, truncate, fill (ndimage constant, cval 2) and mirror against scipy values; batches', async () => {
    // scipy 1.17.1: gaussian_filter(np.arange(20).reshape(4, 5) / 8, [0.5, 1.5], truncate=3, mode=…)
    const image = { data: Float32Array.from({ length: 20 }, (_, i) => i / 8), shape: [4, 5] };
    const cases = [
      [{ sigma: [0.5, 1.5], truncate: 3, boundary: 'fill', fillValue: 2 }, [0.9768429910955936, 2.1057856275330793, 0.9759835430553688]],
      [{ sigma: [0.5, 1.5], truncate: 3 }, [0.27702547915141784, 2.0979745208485823, 0.8753298313534217]],
    ] as const;
    for (const [options, values] of cases) {
      const ref = cpu.gaussianBlur(image, options);
      [0, 19, 7].forEach((i, n) => expect(Math.abs((ref.data[i] as number) - (values[n] as number))).toBeLessThanOrEqual(4 * U * (values[n] as number)));
      let info: RunInfo | undefined;
      const got = await engine.gaussianBlur(image, { ...options, algorithm: 'separable', onRun: (r) => (info = r) });
      expectBlurClose(image, options, got, info as RunInfo);
    }
    const batch = randomTensor([3, 20, 17], 90);
    for (const boundary of BOUNDARIES) {
      const options = { sigma: [2, 0.8] as const, boundary, fillValue: -0.5 };
      let info: RunInfo | undefined;
      const got = await engine.gaussianBlur(batch, { ...options, onRun: (r) => (info = r) });
      expect(got.shape).toEqual([3, 20, 17]);
      expectBlurClose(batch, options, got, info as RunInfo);
    }
    // sigma 0 leaves the image as it is.
    expect((await engine.gaussianBlur(batch, { sigma: 0 })).data).toEqual(batch.data);
  });

  it('rejects bad input with typed errors', async () => {
    const image = randomTensor([6, 6], 95);
    await expect(engine.gaussianBlur(image, { sigma: -1 })).rejects.toThrow(OptionError);
    await expect(engine.gaussianBlur(image, { sigma: [1, 2, 3] as never })).rejects.toThrow(/sigma must be a number or \[sigmaY, sigmaX\]/);
    await expect(engine.gaussianBlur(image, { sigma: 1, truncate: NaN })).rejects.toThrow(OptionError);
    await expect(engine.gaussianBlur(image, { sigma: 1, boundary: 'mirror' as never })).rejects.toThrow(/boundary must be one of/);
    await expect(engine.gaussianBlur(image, { sigma: 1, mode: 'full' } as never)).rejects.toThrow(/unknown option 'mode'/);
    await expect(engine.gaussianBlur(randomTensor([6], 96), { sigma: 1 })).rejects.toThrow(ShapeError);
    await expect(engine.gaussianBlur(image, undefined as never)).rejects.toThrow(OptionError);
    await expect(engine.sepConvolve2d(image, randomTensor([2, 2], 97), { data: vec(3, 98), shape: [3] })).rejects.toThrow(/sepConvolve2d: kernelY must have rank 1/);
    await expect(engine.sepConvolve2d(image, { data: vec(3, 98), shape: [4] }, { data: vec(3, 98), shape: [3] })).rejects.toThrow(ShapeError);
    await expect(engine.sepConvolve2d(randomTensor([2, 2, 2, 2], 99), { data: vec(3, 98), shape: [3] }, { data: vec(3, 98), shape: [3] })).rejects.toThrow(/sepConvolve2d: image must have rank 2 or 3/);
    expect(() => cpu.gaussianBlur(image, { sigma: Infinity })).toThrow(OptionError);
  });
});
