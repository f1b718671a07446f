/**
 * `engine.warmup` on llvmpipe (and a few cases on SwiftShader): it compiles (and primes) every pipeline a call needs without running
 * it, so that the call afterwards compiles nothing (`stats().pipelinesCached` stays put) — for every
 * algorithm, from tensors or shapes only, for a split job, a GPU-resident input, and a list of calls —
 * and the calls' results still match the CPU reference. Bad input rejects with the typed errors the
 * call would throw. No timing assertions. Also, without a GPU: the WGSL binding analysis priming uses.
 */
import { describe, expect, it } from 'vitest';
import {
  ALGORITHM_NAMES,
  ConvError,
  EngineDestroyedError,
  OptionError,
  ShapeError,
  cpu,
  type ConvEngine,
  type FilterImageOptions,
  type HostTensor,
  type ImageDataLike,
  type RunInfo,
  type WarmupCall,
} from '../src/index.js';
import { isGpuTexture } from '../src/image/source.js';
import { entryBindings, moduleScope } from '../src/gpu/prime.js';
import { WGSL } from '../src/shaders.generated.js';
import { checkOp, expectMatchesReference, randomTensor, runWithInfo, type OpName } from './support/compare.js';
import { expectBlurClose } from './support/gaussian.js';
import { outer } from './support/separable.js';
import { useEngine } from './support/engines.js';

type Options = Record<string, unknown>;
/** A case: op, operand shapes, options, and whether the kernel is made rank 1 (a separable one). */
type Case = [name: string, op: OpName, a: number[], b: number[], options: Options, rank1?: boolean];

const CASES: Case[] = [
  ['conv2d 3→8 3×3', 'conv2d', [1, 3, 13, 16], [8, 3, 3, 3], { padding: 1 }],
  ['conv2d dense 16→16 3×3 (GEMM, Winograd)', 'conv2d', [2, 16, 12, 12], [16, 16, 3, 3], { padding: 1, bias: randomTensor([16], 3).data }],
  ['conv2d stride 2, dilation 2, reflect', 'conv2d', [1, 4, 15, 14], [6, 4, 3, 3], { stride: 2, dilation: 2, padding: 2, paddingMode: 'reflect' }],
  ['conv2d depthwise 5×5, rank 1', 'conv2d', [1, 6, 17, 11], [6, 1, 5, 5], { groups: 6, padding: 2 }, true],
  ['conv2d pointwise 1×1', 'conv2d', [1, 7, 9, 10], [12, 7, 1, 1], {}],
  ['conv1d 9 taps', 'conv1d', [2, 3, 50], [4, 3, 9], { padding: 4 }],
  ['convolve2d 7×7 reflect, rank 1', 'convolve2d', [3, 24, 21], [7, 7], { mode: 'same', boundary: 'reflect' }, true],
  ['correlate2d 5×5 wrap (reversal)', 'correlate2d', [2, 11, 13], [5, 5], { mode: 'full', boundary: 'wrap' }],
  ["correlate2d 'valid', kernel larger (swapped)", 'correlate2d', [4, 5], [7, 9], { mode: 'valid' }],
  ['convolve1d 33 taps', 'convolve1d', [2, 300], [33], { mode: 'same' }],
];

/** The operands of a case: random data, a kernel of rank 1 (outer products) when the case says so. */
function operands(c: Case): [HostTensor, HostTensor] {
  const [, op, as, bs, , rank1] = c;
  const a = randomTensor(as, 11 + as.length);
  const b = randomTensor(bs, 29 + bs.length);
  if (rank1) {
    const [KH, KW] = bs.slice(-2) as [number, number];
    const u = randomTensor([KH], 5).data;
    const v = randomTensor([KW], 6).data;
    for (let o = 0; o < b.data.length; o += KH * KW) for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) b.data[o + i * KW + j] = (u[i] as number) * (v[j] as number) * (1 + o);
  }
  expect(op).toBeTruthy();
  return [a, b];
}

/** Runs `call` and returns how many pipelines it added to the engine's cache. */
async function compiledBy(engine: ConvEngine, call: () => Promise<unknown>): Promise<number> {
  const before = engine.stats().pipelinesCached;
  await call();
  return engine.stats().pipelinesCached - before;
}

/** Whether an explicit algorithm can run the call (`explain` rejects with OptionError when not). */
function applies(engine: ConvEngine, op: OpName, a: HostTensor, b: HostTensor, options: Options): boolean {
  try {
    engine.explain(op, a, b, options as never);
    return true;
  } catch (e) {
    if (e instanceof OptionError) return false;
    throw e;
  }
}

describe('warmup compiles what a call needs', () => {
  it('on a new engine: pipelines compiled, counted, and the call afterwards compiles nothing', async () => {
    const engine = await useEngine('llvmpipe');
    const [x, w] = operands(CASES[0] as Case);
    expect(engine.stats().pipelinesCached).toBe(0);
    const summary = await engine.warmup('conv2d', x, w, { padding: 1 });
    expect(summary.pipelinesCompiled).toBeGreaterThan(0);
    expect(summary.pipelinesCached).toBe(0);
    expect(summary.ms).toBeGreaterThanOrEqual(0);
    expect(engine.stats().pipelinesCached).toBe(summary.pipelinesCompiled);
    expect(engine.stats().dispatches).toBe(0);
    expect(await compiledBy(engine, () => checkOp(engine, 'conv2d', x, w, { padding: 1 }))).toBe(0);
    // Again: everything is cached.
    const again = await engine.warmup('conv2d', { shape: x.shape }, w, { padding: 1 });
    expect(again).toMatchObject({ pipelinesCompiled: 0, pipelinesCached: summary.pipelinesCompiled });
  });

  describe.each(['auto', ...ALGORITHM_NAMES])('algorithm %s, operands given as shapes', async (algorithm) => {
    const engine = await useEngine('llvmpipe');
    it.each(CASES)('%s', async (...c) => {
      const [name, op, as, bs, options] = c;
      const [a, b] = operands(c);
      const o = { ...options, algorithm };
      if (!applies(engine, op, a, b, o)) {
        // The call would reject; so does its warmup given the same data, with the same error type.
        // (Given shapes only, a kernel's rank is unknown: separable may then warm up as for rank 1.)
        await expect(engine.warmup(op, a, b, o as never)).rejects.toBeInstanceOf(OptionError);
        return;
      }
      const before = engine.stats().pipelinesCached;
      const summary = await engine.warmup(op, { shape: as }, { shape: bs }, o as never);
      expect(engine.stats().pipelinesCached - before, name).toBe(summary.pipelinesCompiled);
      expect(await compiledBy(engine, () => checkOp(engine, op, a, b, o, `${name} [${algorithm}]`)), `${name} [${algorithm}]: compiled after warmup`).toBe(0);
    });
  });
});

describe('warmup for other kinds of calls', async () => {
  const engine = await useEngine('llvmpipe');

  it('a list of calls, with tensors and shapes mixed', async () => {
    const calls = CASES.slice(0, 8).map((c) => ({ c, ops: operands(c) }));
    const list = calls.map(({ c: [, op, as, , options], ops: [, b] }) => ({ op, a: { shape: as }, b, options }) as WarmupCall);
    const summary = await engine.warmup(list);
    expect(summary.pipelinesCompiled + summary.pipelinesCached).toBeGreaterThan(0);
    for (const { c, ops: [a, b] } of calls) {
      expect(await compiledBy(engine, () => checkOp(engine, c[1], a, b, c[4], c[0])), c[0]).toBe(0);
    }
  });

  it('a GPU-resident input (location: gpu)', async () => {
    const x = randomTensor([1, 3, 20, 24], 1);
    const w = randomTensor([4, 3, 3, 3], 2);
    const o = { padding: 1 };
    await engine.warmup('conv2d', { shape: x.shape, location: 'gpu' }, { shape: w.shape }, o);
    const gx = await engine.upload(x);
    let ran: Awaited<ReturnType<typeof runWithInfo>> | undefined;
    expect(await compiledBy(engine, async () => (ran = await runWithInfo(engine, 'conv2d', gx, w, o)))).toBe(0);
    gx.destroy();
    if (!ran) return expect.fail('conv2d did not run');
    expectMatchesReference('conv2d', x, w, o, ran.info, ran.result, 'GPU-resident input');
  });

  it('a job split into pieces to fit the device: each piece planned, nothing compiled by the call', async () => {
    const small = await useEngine('llvmpipe', { limits: { maxStorageBufferBindingSize: 4096 } });
    const x = randomTensor([2, 3, 24, 20], 3);
    const w = randomTensor([20, 3, 3, 3], 4);
    const o = { padding: 1 };
    const summary = await small.warmup('conv2d', { shape: x.shape }, { shape: w.shape }, o);
    expect(summary.pipelinesCompiled).toBeGreaterThan(0);
    let ran: Awaited<ReturnType<typeof runWithInfo>> | undefined;
    expect(await compiledBy(small, async () => (ran = await runWithInfo(small, 'conv2d', x, w, o)))).toBe(0);
    if (!ran) return expect.fail('conv2d did not run');
    expect(ran.info.pieces).toBeGreaterThan(1);
    expectMatchesReference('conv2d', x, w, o, ran.info, ran.result, 'split job');
  });

  it.each([
    ['pixels in memory → pixels, a dense 5×5 kernel, from the size only', { width: 37, height: 21 }, {}],
    ['16-bit grey + alpha, sobel, alpha filtered, linear light', { width: 30, height: 17, channels: 2, depth: 16 }, { alpha: 'filter', colorSpace: 'linear' }],
    ['→ a texture (rgba32float), a Gaussian, premultiplied', { width: 25, height: 19 }, { output: 'texture', textureFormat: 'rgba32float', alpha: 'premultiplied' }],
  ] as const)('filterImage, %s: the call afterwards compiles nothing and matches cpu.filterImage', async (name, shape, options) => {
    const filter = name.includes('sobel') ? 'sobel' : name.includes('Gaussian') ? { gaussian: 1.5 } : randomTensor([5, 5], 8);
    const summary = await engine.warmup('filterImage', shape, filter, options as FilterImageOptions);
    expect(summary.pipelinesCompiled + summary.pipelinesCached).toBeGreaterThanOrEqual(3);
    const channels = 'channels' in shape ? shape.channels : 4;
    const depth = 'depth' in shape ? shape.depth : 8;
    const n = shape.width * shape.height * channels;
    const noise = randomTensor([n], 5).data;
    const data = depth === 16 ? Uint16Array.from(noise, (v) => Math.round((v + 1) * 30000)) : Uint8ClampedArray.from(noise, (v) => Math.round((v + 1) * 120));
    const image: ImageDataLike = { data, width: shape.width, height: shape.height, channels: channels as 1 | 2 | 3 | 4 };
    let out: unknown;
    expect(await compiledBy(engine, async () => (out = await engine.filterImage(image, filter, options as FilterImageOptions)))).toBe(0);
    if (isGpuTexture(out)) {
      out.destroy();
      return;
    }
    const ref = cpu.filterImage(image, filter, options as FilterImageOptions).data;
    const got = (out as ImageDataLike).data;
    expect(Math.max(...Array.from(ref, (v, i) => Math.abs(v - (got[i] as number))))).toBeLessThanOrEqual(1);
  });

  it('filterImage: bad input rejects as the call would', async () => {
    await expect(engine.warmup('filterImage', { width: 0, height: 4 }, 'box')).rejects.toThrow(ShapeError);
    await expect(engine.warmup('filterImage', { width: 4, height: 4, depth: 12 as 8 }, 'box')).rejects.toThrow(ShapeError);
    await expect(engine.warmup('filterImage', { width: 4, height: 4 }, 'blurry')).rejects.toThrow(OptionError);
    await expect(engine.warmup([{ op: 'filterImage', source: { width: 4, height: 4 }, filter: 'sobel', options: { alpha: 'premultiplied' } }])).rejects.toThrow(OptionError);
  });

  it('public FFT ops compile their pipelines before recording (a repeated call compiles nothing)', async () => {
    const x = randomTensor([3, 12, 30], 9);
    await engine.rfft2(x);
    expect(await compiledBy(engine, () => engine.rfft2(x))).toBe(0);
  });
});

describe('warmup of gaussianBlur and sepConvolve2d: the correlate2d / convolve2d calls they run', async () => {
  const engine = await useEngine('llvmpipe');
  const fftPasses = await useEngine('llvmpipe', { separablePasses: 'fft' });

  it.each([
    ['direct passes', () => engine, { sigma: 2, boundary: 'symm' }, /^rows/],
    ['FFT passes', () => fftPasses, { sigma: [3, 5], boundary: 'reflect', algorithm: 'separable' }, /^fft rows/],
  ] as const)('gaussianBlur (%s), image as a shape: the call afterwards compiles nothing', async (_name, which, options, variant) => {
    const e = which();
    const image = randomTensor([2, 40, 52], 91);
    const summary = await e.warmup('gaussianBlur', { shape: image.shape }, options);
    expect(summary.pipelinesCompiled).toBeGreaterThan(0);
    let info: RunInfo | undefined;
    const before = e.stats().pipelinesCached;
    const got = await e.gaussianBlur(image, { ...options, onRun: (i) => (info = i) });
    expect(e.stats().pipelinesCached - before).toBe(0);
    expect(info?.algorithm).toBe('separable');
    expect(info?.variant).toMatch(variant);
    expectBlurClose(image, options, got, info as RunInfo);
  });

  it('sepConvolve2d in a list, with the image given as data: the call afterwards compiles nothing', async () => {
    const image = randomTensor([30, 33], 92);
    const ky = randomTensor([7], 93);
    const kx = randomTensor([5], 94);
    const options = { mode: 'full', boundary: 'fill', fillValue: 0.25, algorithm: 'separable' } as const;
    await engine.warmup([{ op: 'sepConvolve2d', image, kernelY: ky, kernelX: kx, options }]);
    let info: RunInfo | undefined;
    const before = engine.stats().pipelinesCached;
    const got = await engine.sepConvolve2d(image, ky, kx, { ...options, onRun: (i) => (info = i) });
    expect(engine.stats().pipelinesCached - before).toBe(0);
    expect(info?.algorithm).toBe('separable');
    expectMatchesReference('convolve2d', image, outer(ky.data, kx.data), options, info as RunInfo, got, 'sepConvolve2d after warmup');
  });

  it('bad input rejects as the call would, compiling nothing', async () => {
    const before = engine.stats().pipelinesCached;
    await expect(engine.warmup('gaussianBlur', { shape: [6] }, { sigma: 1 })).rejects.toThrow(/gaussianBlur: image must have rank 2 or 3/);
    await expect(engine.warmup('gaussianBlur', { shape: [6, 0] }, { sigma: 1 })).rejects.toThrow(ShapeError);
    await expect(engine.warmup('gaussianBlur', { shape: [6, 6] }, { sigma: -1 })).rejects.toThrow(OptionError);
    await expect(engine.warmup('gaussianBlur', { shape: [6, 6] }, { sigma: 1, mode: 'full' } as never)).rejects.toThrow(/unknown option 'mode'/);
    await expect(engine.warmup('sepConvolve2d', { shape: [6, 6] }, randomTensor([2, 2], 95), randomTensor([3], 96))).rejects.toThrow(/sepConvolve2d: kernelY must have rank 1/);
    const gpuFactor = await engine.upload(randomTensor([3], 97));
    await expect(engine.warmup('sepConvolve2d', { shape: [6, 6] }, gpuFactor, randomTensor([3], 96))).rejects.toThrow(OptionError);
    gpuFactor.destroy();
    await expect(engine.warmup([{ op: 'gaussianBlur', image: { shape: [6, 6] } } as never])).rejects.toThrow(OptionError);
    expect(engine.stats().pipelinesCached).toBe(before);
  });
});

describe('warmup on SwiftShader (Vulkan, core feature level)', async () => {
  const engine = await useEngine('swiftshader');
  it.each([CASES[0], CASES[3], CASES[6], CASES[7]] as Case[])('%s: the call afterwards compiles nothing', async (...c) => {
    const [name, op, as, bs, options] = c;
    const [a, b] = operands(c);
    await engine.warmup(op, { shape: as }, { shape: bs }, options as never);
    expect(await compiledBy(engine, () => checkOp(engine, op, a, b, options, `${name} [swiftshader]`))).toBe(0);
  });
});

describe('warmup rejects bad input with typed errors, compiling nothing', async () => {
  const engine = await useEngine('llvmpipe');
  const x = { shape: [1, 3, 8, 8] };
  const w = { shape: [4, 3, 3, 3] };
  const BAD: Array<[string, typeof ShapeError | typeof OptionError, () => Promise<unknown>]> = [
    ['a shape with a zero', ShapeError, () => engine.warmup('conv2d', { shape: [1, 0, 8, 8] }, w)],
    ['a shape that is not an array', ShapeError, () => engine.warmup('conv2d', { shape: 5 as never }, w)],
    ['the wrong rank', ShapeError, () => engine.warmup('conv2d', { shape: [3, 8, 8] }, w)],
    ['channels that do not match', ShapeError, () => engine.warmup('conv2d', x, { shape: [4, 2, 3, 3] })],
    ['an unknown option', OptionError, () => engine.warmup('conv2d', x, w, { padding_mode: 'zeros' } as never)],
    ['a bad location', OptionError, () => engine.warmup('conv2d', { shape: [1, 3, 8, 8], location: 'disk' as never }, w)],
    ['an unknown op', OptionError, () => engine.warmup('conv3d' as never, x, w)],
    ['an algorithm that cannot run the call', OptionError, () => engine.warmup('conv2d', x, { shape: [4, 3, 5, 5] }, { algorithm: 'winograd' })],
    ['a list item that is not a call', OptionError, () => engine.warmup([null as never])],
    ['a list with more arguments', OptionError, () => (engine.warmup as (...a: unknown[]) => Promise<unknown>)([], x)],
  ];
  it.each(BAD)('%s', async (_name, type, call) => {
    const before = engine.stats().pipelinesCached;
    const err = await call().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(type);
    expect(err).toBeInstanceOf(ConvError);
    expect(engine.stats().pipelinesCached).toBe(before);
  });

  it('a GpuTensor of another engine', async () => {
    const other = await useEngine('llvmpipe');
    const t = await other.upload(randomTensor([1, 3, 8, 8], 1));
    await expect(engine.warmup('conv2d', t, w)).rejects.toBeInstanceOf(OptionError);
  });

  it('after destroy(): EngineDestroyedError', async () => {
    const doomed = await useEngine('llvmpipe');
    doomed.destroy();
    await expect(doomed.warmup('conv2d', x, w)).rejects.toBeInstanceOf(EngineDestroyedError);
    await expect(doomed.warmup([{ op: 'conv1d', a: { shape: [1, 1, 9] }, b: { shape: [1, 1, 3] } }])).rejects.toBeInstanceOf(EngineDestroyedError);
  });
});

describe('the bindings priming derives from the WGSL (no GPU)', () => {
  const bindings = (family: keyof typeof WGSL, entry: string) => {
    const b = entryBindings(moduleScope(`${WGSL.common}\n${WGSL[family]}`), entry);
    return b && Object.fromEntries([...b].map(([n, k]) => [n, k.kind === 'texture' ? `texture ${k.dimension}` : k.kind]));
  };

  it('direct main: params, four storage bindings, uniform weights and the input texture', () => {
    expect(bindings('direct', 'main')).toEqual({ 0: 'uniform', 1: 'storage', 2: 'storage', 3: 'storage', 4: 'storage', 5: 'uniform', 6: 'texture 2d-array' });
  });

  it('direct packTaps: only what it reads and writes', () => {
    expect(bindings('direct', 'packTaps')).toEqual({ 0: 'uniform', 1: 'storage', 2: 'storage' });
  });

  it('an entry point of every family has its params uniform at binding 0', () => {
    for (const [family, entry] of [['im2col', 'main'], ['gemm', 'mainUniform'], ['tiled', 'main'], ['separable', 'cols'], ['winograd', 'gemm'], ['fftconv', 'mac'], ['fft', 'wg'], ['reverse', 'main']] as const) {
      expect(bindings(family, entry)?.[0], `${family}.${entry}`).toBe('uniform');
    }
  });

  it('locals and parameters that shadow a module-scope name are not bindings', () => {
    const scope = moduleScope(`
      @group(0) @binding(0) var<uniform> P: u32;
      @group(0) @binding(1) var<storage, read> src: array<f32>;
      @group(0) @binding(2) var<storage, read_write> dst: array<f32>;
      fn helper(src: u32) -> u32 { return src + P; } // dst in a comment
      @compute @workgroup_size(1) fn main() { let dst = helper(1u); }
    `);
    expect([...(entryBindings(scope, 'main') ?? new Map()).keys()]).toEqual([0]);
  });
});
