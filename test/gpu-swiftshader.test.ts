/**
 * The core subset on SwiftShader (Vulkan, WebGPU core mode), so both feature levels are proven:
 * every op and algorithm once, with the boundary rules, stride, dilation and groups.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHM_NAMES, type ConvEngine } from '../src/index.js';
import { checkOp, randomTensor } from './support/compare.js';
import { useEngine } from './support/engines.js';

let engine: ConvEngine;
let registerEngine: Promise<ConvEngine>;
let uniformWeightsEngine: Promise<ConvEngine>;
beforeAll(async () => {
  engine = await useEngine('swiftshader');
  registerEngine = useEngine('swiftshader', { gemm: 'register' });
  uniformWeightsEngine = useEngine('swiftshader', { uniformWeights: true, textureInput: true });
});

it('runs on SwiftShader in core mode', () => {
  expect(engine.adapterInfo.source).toBe('swiftshader');
  expect(engine.adapterInfo.isSoftware).toBe(true);
  expect(engine.adapterInfo.featureLevel).toBe('core');
});

describe.each(['auto', ...ALGORITHM_NAMES])('SwiftShader, algorithm %s', (algorithm) => {
  it('conv2d: groups, stride, dilation, reflect, bias, flip', async () => {
    await checkOp(engine, 'conv2d', randomTensor([2, 4, 11, 9], 1), randomTensor([6, 2, 3, 3], 2), {
      groups: 2, stride: [2, 1], dilation: [1, 2], padding: 2, paddingMode: 'reflect', bias: randomTensor([6], 3).data, algorithm,
    });
    await checkOp(engine, 'conv2d', randomTensor([1, 17, 8, 8], 4), randomTensor([20, 17, 3, 3], 5), { padding: 'same', flip: true, algorithm });
    // A reduction of 1080 steps: several slices of the uniform GEMM's window (the SwiftShader default).
    await checkOp(engine, 'conv2d', randomTensor([1, 120, 5, 4], 22), randomTensor([20, 120, 3, 3], 23), { padding: 1, stride: [1, 2], algorithm });
  });
  it('conv1d: circular same', async () => {
    await checkOp(engine, 'conv1d', randomTensor([1, 3, 19], 6), randomTensor([2, 3, 4], 7), { padding: 'same', paddingMode: 'circular', algorithm });
  });
  it('convolve2d / correlate2d: same with an even kernel, symm and wrap; valid swap', async () => {
    for (const op of ['convolve2d', 'correlate2d'] as const) {
      await checkOp(engine, op, randomTensor([2, 9, 7], 8), randomTensor([4, 2], 9), { mode: 'same', boundary: 'symm', algorithm });
      await checkOp(engine, op, randomTensor([5, 6], 10), randomTensor([3, 3], 11), { mode: 'full', boundary: 'wrap', algorithm });
      await checkOp(engine, op, randomTensor([3, 3], 12), randomTensor([5, 4], 13), { mode: 'valid', algorithm });
    }
  });
  it('direct with weights in a uniform buffer and the input in a texture (the llvmpipe defaults)', async () => {
    const uniform = await uniformWeightsEngine;
    await checkOp(uniform, 'conv2d', randomTensor([2, 3, 9, 10], 24), randomTensor([5, 3, 3, 3], 25), { padding: 1, paddingMode: 'reflect', algorithm: 'direct' }, 'texture input', { variant: 'taps4+texture' });
    await checkOp(uniform, 'conv2d', randomTensor([1, 4, 10, 9], 18), randomTensor([6, 2, 3, 4], 19), { groups: 2, padding: 1, dilation: [1, 2], flip: true, algorithm: 'direct' }, 'uniform weights', { variant: 'rows1+uniform-weights' });
    await checkOp(uniform, 'correlate2d', randomTensor([12, 13], 20), randomTensor([5, 4], 21), { mode: 'same', boundary: 'reflect', algorithm: 'direct' });
  });
  it('conv2d with the register GEMM', async () => {
    const register = await registerEngine;
    await checkOp(register, 'conv2d', randomTensor([2, 6, 9, 7], 16), randomTensor([18, 3, 3, 2], 17), { groups: 2, padding: 1, algorithm: 'im2col' }, 'register GEMM', { variant: 'register' });
  });
  it('convolve1d / correlate1d: every mode with a longer kernel', async () => {
    for (const op of ['convolve1d', 'correlate1d'] as const) {
      for (const mode of ['full', 'same', 'valid'] as const) {
        await checkOp(engine, op, randomTensor([8], 14), randomTensor([11], 15), { mode, algorithm });
      }
    }
  });
});

describe('filterImage on SwiftShader (core mode)', () => {
  it('16-bit RGBA pixels, premultiplied, linear light, mode full; an rgba16float texture result', async () => {
    const { cpu } = await import('../src/index.js');
    const noise = randomTensor([29 * 17 * 4], 22).data;
    const image = { data: Uint16Array.from(noise, (v) => Math.round((v + 1) * 32767)), width: 29, height: 17, channels: 4 as const };
    const k = randomTensor([3, 4], 23);
    const options = { alpha: 'premultiplied', colorSpace: 'linear', mode: 'full', offset: 0.25 } as const;
    const out = await engine.filterImage(image, k, options);
    const ref = cpu.filterImage(image, k, options);
    expect([out.width, out.height]).toEqual([32, 19]);
    expect(Math.max(...Array.from(ref.data, (v, i) => Math.abs(v - (out.data[i] as number))))).toBeLessThanOrEqual(1);
    const t = await engine.filterImage(image, 'sobel', { output: 'texture', textureFormat: 'rgba16float' });
    expect([t.width, t.height, t.format]).toEqual([29, 17, 'rgba16float']);
    t.destroy();
  });
});
