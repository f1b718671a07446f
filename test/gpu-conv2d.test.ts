/**
 * conv2d / conv1d on the GPU (llvmpipe, WebGPU compatibility mode) against the CPU reference, once
 * per algorithm. Shapes are chosen on purpose: 1×1 images, primes, odd and non-square sizes, channel
 * counts not divisible by 4, kernels 1×1…11×11 and non-square, sizes just above a tile (16, 32).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHM_NAMES, type Conv1dOptions, type Conv2dOptions, type ConvEngine, type RunInfo } from '../src/index.js';
import { checkOp, randomTensor, runWithInfo } from './support/compare.js';
import { useEngine } from './support/engines.js';

let engine: ConvEngine;
let gemmEngines: Record<'shared' | 'register' | 'uniform', Promise<ConvEngine>>;
let smallUniformEngine: Promise<ConvEngine>;
let storageWeightsEngine: Promise<ConvEngine>;
beforeAll(async () => {
  engine = await useEngine('llvmpipe');
  gemmEngines = {
    shared: useEngine('llvmpipe', { gemm: 'shared' }),
    register: useEngine('llvmpipe', { gemm: 'register' }),
    uniform: useEngine('llvmpipe', { gemm: 'uniform' }),
  };
  // Uniform bindings below the 64 KiB window: 'implicit' must fall back to 'register'.
  smallUniformEngine = useEngine('llvmpipe', { limits: { maxUniformBufferBindingSize: 16384 } });
  storageWeightsEngine = useEngine('llvmpipe', { uniformWeights: false, textureInput: false });
});

type Case2d = [name: string, input: number[], weight: number[], options: Conv2dOptions];
const CASES_2D: Case2d[] = [
  ['1x1 image, 1x1 kernel', [1, 1, 1, 1], [1, 1, 1, 1], {}],
  ['1x1 image padded 3x3', [1, 1, 1, 1], [2, 1, 3, 3], { padding: 1 }],
  ['prime sizes, C=3 K=5', [1, 3, 13, 7], [5, 3, 3, 3], { padding: 1 }],
  ['non-square kernel 2x5, even', [2, 5, 11, 17], [3, 5, 2, 5], { padding: [[0, 1], [2, 2]] }],
  ['11x11 kernel', [1, 2, 23, 19], [2, 2, 11, 11], { padding: 5 }],
  // direct: kernels past 16 taps a side are not specialised (loops over P.KH, P.KW); rows of 24 store
  // vec4s (mainVec4), rows of 7 scalars.
  ['2x17 kernel, rows of 24', [1, 2, 6, 24], [3, 2, 2, 17], { padding: [0, 8] }],
  ['17x3 kernel, rows of 7', [1, 1, 20, 7], [2, 1, 17, 3], { padding: [8, 1], paddingMode: 'reflect' }],
  ['1x1 pointwise C=7 K=33', [1, 7, 9, 10], [33, 7, 1, 1], {}],
  ['just above tiles: 33x17 output, K=18', [1, 5, 33, 17], [18, 5, 3, 3], { padding: 1 }],
  ['stride 2 with leftover', [1, 3, 16, 15], [4, 3, 3, 3], { stride: 2, padding: 1 }],
  ['stride (3,2) dilation (2,3)', [2, 2, 19, 20], [3, 2, 3, 2], { stride: [3, 2], dilation: [2, 3] }],
  ['groups=2', [1, 6, 10, 9], [4, 3, 3, 3], { groups: 2, padding: 1 }],
  ['depthwise', [1, 5, 12, 12], [5, 1, 3, 3], { groups: 5, padding: 1 }],
  ['depthwise multiplier 3', [2, 4, 9, 8], [12, 1, 5, 5], { groups: 4, padding: 2 }],
  // direct: 60 output channels of packed taps (18 vec4s each) need two uniform windows of 56.
  ['depthwise 60 channels', [1, 60, 6, 7], [60, 1, 3, 3], { groups: 60, padding: 1, bias: randomTensor([60], 5).data }],
  // direct: 64 input channels' taps for blocks of 4 rows exceed a window, for blocks of 2 they fit;
  // 100 channels' exceed it even so, and the weights are read one by one.
  ['C=64 3x3, K=3', [1, 64, 6, 5], [3, 64, 3, 3], { padding: 1 }],
  ['C=100 3x3, K=3', [1, 100, 6, 5], [3, 100, 3, 3], { padding: 1 }],
  ['same, even kernel 4x2, dilation 2', [1, 3, 12, 11], [2, 3, 4, 2], { padding: 'same', dilation: 2 }],
  ['valid', [1, 2, 9, 9], [3, 2, 4, 4], { padding: 'valid' }],
  ['reflect', [1, 2, 8, 9], [3, 2, 3, 5], { padding: [2, 3], paddingMode: 'reflect' }],
  ['replicate, padding larger than image', [1, 1, 3, 4], [2, 1, 5, 5], { padding: 6, paddingMode: 'replicate' }],
  ['circular', [1, 3, 7, 6], [2, 3, 3, 3], { padding: [3, 2], paddingMode: 'circular' }],
  ['circular same even kernel', [1, 2, 6, 7], [4, 2, 2, 4], { padding: 'same', paddingMode: 'circular' }],
  ['reflect same with 1-row image', [1, 2, 2, 9], [2, 2, 3, 3], { padding: 'same', paddingMode: 'reflect' }],
  ['flip (true convolution) + bias', [1, 3, 10, 8], [4, 3, 3, 2], { flip: true, padding: 1, bias: randomTensor([4], 7).data }],
  ['bias', [2, 4, 6, 6], [20, 4, 3, 3], { padding: 1, bias: randomTensor([20], 8).data }],
  ['dense 32->40 (GEMM tile edges)', [1, 32, 9, 13], [40, 32, 3, 3], { padding: 1 }],
  // Uniform GEMM: a reduction of 1080 steps spans several slices of a window (first stores, rest add).
  ['long reduction C=120 3x3, K=20', [1, 120, 5, 6], [20, 120, 3, 3], { padding: 1, bias: randomTensor([20], 9).data }],
  // Uniform GEMM: 8320 columns give each block of 16 output channels a window of its own.
  ['many columns, K=20', [1, 2, 64, 130], [20, 2, 3, 3], { padding: 1 }],
  ['batch 3, groups 3, flip, replicate', [3, 6, 7, 7], [9, 2, 3, 3], { groups: 3, flip: true, padding: 2, paddingMode: 'replicate' }],
];

describe.each(['auto', ...ALGORITHM_NAMES])('conv2d on llvmpipe, algorithm %s', (algorithm) => {
  it.each(CASES_2D)('%s', async (name, is, ws, options) => {
    const x = randomTensor(is, 1 + is.length * 7 + (is[3] ?? 0));
    const w = randomTensor(ws, 99 + (ws[0] ?? 0));
    await checkOp(engine, 'conv2d', x, w, { ...options, algorithm }, `${name} [${algorithm}]`);
  });
});

describe.each(['shared', 'register', 'uniform'] as const)('conv2d on llvmpipe, im2col with the %s GEMM', (variant) => {
  it.each(CASES_2D)('%s', async (name, is, ws, options) => {
    const gemm = await gemmEngines[variant];
    expect(gemm.preferences.gemm).toBe(variant);
    const x = randomTensor(is, 1 + is.length * 7 + (is[3] ?? 0));
    const w = randomTensor(ws, 99 + (ws[0] ?? 0));
    await checkOp(gemm, 'conv2d', x, w, { ...options, algorithm: 'im2col' }, `${name} [im2col, ${variant} GEMM]`, { variant });
  });
});

describe('conv2d on llvmpipe, im2col where uniform bindings are too small for the implicit GEMM', () => {
  it.each(CASES_2D)('%s', async (name, is, ws, options) => {
    const small = await smallUniformEngine;
    const x = randomTensor(is, 1 + is.length * 7 + (is[3] ?? 0));
    const w = randomTensor(ws, 99 + (ws[0] ?? 0));
    // The llvmpipe default, 'implicit', needs 64 KiB uniform bindings: im2col plans 'register'.
    await checkOp(small, 'conv2d', x, w, { ...options, algorithm: 'im2col' }, `${name} [im2col, 16 KiB uniform limit]`, { variant: 'register' });
  });
});

describe('conv2d on llvmpipe, direct reading weights and input from storage (uniformWeights, textureInput off)', () => {
  it.each(CASES_2D)('%s', async (name, is, ws, options) => {
    const storage = await storageWeightsEngine;
    const x = randomTensor(is, 1 + is.length * 7 + (is[3] ?? 0));
    const w = randomTensor(ws, 99 + (ws[0] ?? 0));
    await checkOp(storage, 'conv2d', x, w, { ...options, algorithm: 'direct' }, `${name} [direct, storage weights]`, {
      variant: expect.not.stringMatching(/texture|uniform-weights/) as unknown as string,
    });
  });
});

describe('direct on llvmpipe packs taps; with textureInput it reads host inputs from a texture', () => {
  it('packs taps for every kernel size by default, reading the input from storage', async () => {
    const x = randomTensor([1, 4, 12, 10], 34);
    expect(engine.preferences.textureInput).toBeUndefined(); // the default: off
    await checkOp(engine, 'conv2d', x, randomTensor([4, 1, 3, 3], 35), { padding: 1, groups: 4, algorithm: 'direct' }, 'depthwise 3×3', { variant: 'taps4' });
    await checkOp(engine, 'conv2d', x, randomTensor([4, 1, 9, 9], 36), { padding: 4, groups: 4, algorithm: 'direct' }, 'depthwise 9×9', { variant: 'taps4' });
  });
  it('host input of a unit-stride layer: texture; GpuTensor input, strided layer: storage', async () => {
    const engine = await useEngine('llvmpipe', { textureInput: true });
    const x = randomTensor([2, 3, 9, 11], 31);
    const w = randomTensor([4, 3, 3, 3], 32);
    await checkOp(engine, 'conv2d', x, w, { padding: 1, algorithm: 'direct' }, 'unit stride', { variant: 'taps4+texture' });
    // Strided: no packed taps, hence storage input (and, on llvmpipe, uniform weights).
    await checkOp(engine, 'conv2d', x, w, { padding: 1, stride: 2, algorithm: 'direct' }, 'stride 2', { variant: 'rows1+uniform-weights' });
    const gx = await engine.upload(x);
    try {
      const { result: out, info } = await runWithInfo(engine, 'conv2d', gx, w, { padding: 1, algorithm: 'direct' });
      expect(info.variant).toBe('taps4');
      const viaTexture = await engine.conv2d(x, w, { padding: 1, algorithm: 'direct' });
      expect(Array.from(out.data)).toEqual(Array.from(viaTexture.data));
    } finally {
      gx.destroy();
    }
  });
  it('keeps concurrent calls of the same size apart (one shared texture)', async () => {
    const engine = await useEngine('llvmpipe', { textureInput: true });
    const w = randomTensor([2, 2, 3, 3], 33);
    const xs = [0, 1, 2, 3, 4, 5].map((i) => randomTensor([1, 2, 16, 20], 40 + i));
    const variants: string[] = [];
    const onRun = (i: RunInfo) => variants.push(i.variant);
    const outs = await Promise.all(xs.map((x) => engine.conv2d(x, w, { padding: 1, algorithm: 'direct', onRun })));
    expect(variants).toEqual(xs.map(() => 'taps4+texture'));
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const one = await engine.conv2d(x, w, { padding: 1, algorithm: 'direct' });
      expect(Array.from(outs[i]!.data)).toEqual(Array.from(one.data));
    }
  });
});

type Case1d = [name: string, input: number[], weight: number[], options: Conv1dOptions];
const CASES_1D: Case1d[] = [
  ['length 1', [1, 1, 1], [1, 1, 1], {}],
  ['prime length, C=3', [2, 3, 31], [4, 3, 5], { padding: 2 }],
  ['stride 3, dilation 2', [1, 2, 40], [3, 2, 4], { stride: 3, dilation: 2, padding: [1, 4] }],
  ['same even kernel, reflect', [1, 2, 17], [2, 2, 6], { padding: 'same', paddingMode: 'reflect' }],
  ['circular', [1, 1, 9], [2, 1, 3], { padding: 4, paddingMode: 'circular' }],
  ['depthwise + bias', [1, 4, 25], [8, 1, 7], { groups: 4, padding: 3, bias: randomTensor([8], 3).data }],
  ['flip', [1, 2, 12], [2, 2, 4], { flip: true }],
];

describe.each(['auto', ...ALGORITHM_NAMES])('conv1d on llvmpipe, algorithm %s', (algorithm) => {
  it.each(CASES_1D)('%s', async (name, is, ws, options) => {
    const x = randomTensor(is, 11 + (is[2] ?? 0));
    const w = randomTensor(ws, 23 + (ws[2] ?? 0));
    await checkOp(engine, 'conv1d', x, w, { ...options, algorithm }, `${name} [${algorithm}]`);
  });
});
