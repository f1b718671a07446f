/**
 * The separable algorithm (rank-1 kernels as a row pass and a column pass) on llvmpipe and on
 * SwiftShader, against the CPU reference (test/support/separable-bound.ts derives the tolerance) and
 * against values computed by hand in float64, and the rank-1 test itself. The FFT passes on llvmpipe
 * are in test/gpu-separable-fft.test.ts; sepConvolve2d and gaussianBlur in
 * test/gpu-separable-gaussian.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jacobiSvd, rankOneFactors } from '../src/algorithms/rank1.js';
import { OptionError, type ConvEngine, type Mode, type RunInfo } from '../src/index.js';
import { checkOp, randomTensor, U } from './support/compare.js';
import { useEngine } from './support/engines.js';
import { BOUNDARIES, depthwiseRank1, MODES, outer, rank1, vec } from './support/separable.js';

let engine: ConvEngine;
beforeAll(async () => {
  engine = await useEngine('llvmpipe');
});

/** Output width of a W-wide image filtered by a KW-wide kernel in `mode`. */
const outWidth = (W: number, KW: number, mode: Mode): number => (mode === 'full' ? W + KW - 1 : mode === 'same' ? W : W - KW + 1);

describe('the rank-1 test (float64, MATLAB imfilter rule with the float32 eps)', () => {
  it('accepts float32-rounded outer products and finds their factors', () => {
    for (const [KH, KW] of [[1, 1], [1, 7], [6, 1], [3, 3], [4, 9], [15, 15], [31, 2]] as const) {
      const w = rank1(KH, KW, KH * 31 + KW);
      const f = rankOneFactors(w.data, KH, KW);
      if ('reason' in f) return expect.fail(`${KH}x${KW}: ${f.reason}`);
      for (let i = 0; i < KH; i++) for (let j = 0; j < KW; j++) {
        const x = w.data[i * KW + j] as number;
        expect(Math.abs((f.a[i] as number) * (f.b[j] as number) - x), `${KH}x${KW} [${i},${j}]`).toBeLessThanOrEqual(8 * U * Math.max(...w.data.map(Math.abs)));
      }
    }
    expect(rankOneFactors(new Float32Array(6), 2, 3)).toEqual({ a: new Float64Array(2), b: new Float64Array(3) });
    // A 1-D kernel of 240,000 taps (a reverb's impulse response): rank 1, no argument-spreading
    // of its values (which overflowed the call stack), factors a = [±1]·√σ, b ∝ the taps.
    const long = new Float32Array(240_000).map((_, i) => Math.cos(i / 7) + 2);
    const f = rankOneFactors(long, 1, long.length);
    if ('reason' in f) throw new Error(f.reason);
    expect(f.b.length).toBe(long.length);
    expect(Math.abs((f.a[0] as number) * (f.b[1000] as number) - (long[1000] as number))).toBeLessThan(1e-9);
    expect(rankOneFactors(Float32Array.of(1, NaN, 2), 3, 1)).toMatchObject({ reason: expect.stringMatching(/non-finite value at \[1, 0\]/) as unknown });
    expect(rankOneFactors(new Float32Array(4), 1, 4)).toEqual({ a: new Float64Array(1), b: new Float64Array(4) });
  });

  it('rejects rank 2 with the reason, near the tolerance through the full SVD', () => {
    expect(rankOneFactors(randomTensor([5, 5], 1).data, 5, 5)).toMatchObject({ reason: expect.stringMatching(/is not rank 1 \(second singular value at least/) as unknown });
    expect(rankOneFactors(Float32Array.of(1, 0, 0, Infinity), 2, 2)).toMatchObject({ reason: expect.stringMatching(/non-finite/) as unknown });
    // w = e·fᵀ + δ·g·hᵀ with g ⟂ e, h ⟂ f: σ₂ = δ exactly, the tolerance max(KH, KW)·σ₁·2⁻²³ = 4·2⁻²³ (σ₁ = 1).
    const make = (delta: number) => {
      const w = new Float64Array(16);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) w[i * 4 + j] = 0.25 + delta * (i % 2 ? -0.25 : 0.25) * (j % 2 ? -1 : 1);
      return w;
    };
    expect(jacobiSvd(make(1e-3), 4, 4).s2).toBeCloseTo(1e-3, 15);
    expect('a' in rankOneFactors(make(3 * 2 ** -23), 4, 4)).toBe(true);
    expect(rankOneFactors(make(5 * 2 ** -23), 4, 4)).toMatchObject({ reason: expect.stringMatching(/second singular value 5\.96e-7 > tolerance/) as unknown });
  });
});

describe('separable convolve2d / correlate2d on llvmpipe', () => {
  it.each([[1, 1], [1, 6], [5, 1], [2, 2], [3, 4], [7, 7], [8, 3], [12, 10]] as const)('rank-1 %ix%i kernels: every mode × boundary', async (KH, KW) => {
    const kernel = rank1(KH, KW, 10 * KH + KW);
    const image = randomTensor([2, 13, 11], KH + KW);
    for (const op of ['convolve2d', 'correlate2d'] as const) {
      for (const mode of MODES) {
        for (const boundary of BOUNDARIES) {
          for (const fillValue of boundary === 'fill' ? [0, 0.75, -3] : [0]) {
            // W = 11: the row pass never reads aligned vec4s; the column pass does when OW % 4 = 0.
            const variant = `rows${KW}+cols${KH}${outWidth(11, KW, mode) % 4 === 0 ? '(vec4)' : ''}`;
            await checkOp(engine, op, image, kernel, { mode, boundary, fillValue, algorithm: 'separable' }, `${op} ${KH}x${KW} ${mode} ${boundary} ${fillValue}`, { variant });
          }
        }
      }
    }
  });

  it.each([3, 5, 7, 9, 13])('vec4 rows: 3x%i kernels on 40-wide rows, every mode × boundary (SHIFT 0–3, edge and interior blocks)', async (KW) => {
    // W = 40: the row pass splits into edge blocks (boundary rule) and an aligned interior (vec4
    // reads from x0 − SHIFT) wherever OW % 4 = 0: 'same' always (padLeft 1…6: SHIFT 3, 2, 1, 0, 2),
    // 'full' and 'valid' for KW ≡ 1 mod 4 (padLeft KW − 1 and 0: SHIFT 0). Fill rows ('fill', 'full')
    // reach the aligned kernel too.
    const kernel = rank1(3, KW, 200 + KW);
    const image = randomTensor([2, 9, 40], 210 + KW);
    for (const op of ['convolve2d', 'correlate2d'] as const) {
      for (const mode of MODES) {
        for (const boundary of BOUNDARIES) {
          for (const fillValue of boundary === 'fill' ? [0, -2.5] : [0]) {
            const v4 = outWidth(40, KW, mode) % 4 === 0 ? '(vec4)' : '';
            await checkOp(engine, op, image, kernel, { mode, boundary, fillValue, algorithm: 'separable' }, `${op} 3x${KW} ${mode} ${boundary} ${fillValue}`, { variant: `rows${KW}${v4}+cols3${v4}` });
          }
        }
      }
    }
    // Rows that fit no aligned block run the boundary path only.
    await checkOp(engine, 'correlate2d', randomTensor([5, 8], 220), rank1(2, 13, 221), { mode: 'same', boundary: 'symm', algorithm: 'separable' }, 'narrow', { variant: 'rows13+cols2(vec4)' });
  });

  it('a nonzero fillValue is the 2-D extended image: a fill row contributes fillValue·Σ(kernel row)', async () => {
    // A zero image, kernel outer([1, 2, 3], [1, 10]) (convolve2d flips it), fill 2, 'full': output (0, 0)
    // reads only extended pixels except image pixel (0, 0); all 6 taps but that one see the fill.
    const kernel = outer([1, 2, 3], [1, 10]);
    const image = { data: new Float32Array(12), shape: [3, 4] };
    const { data } = await engine.convolve2d(image, kernel, { mode: 'full', boundary: 'fill', fillValue: 2, algorithm: 'separable' });
    // (0,0): the flipped kernel's tap on image (0,0) is w[0][0] = 1, so 2·(66 − 1) = 130.
    expect(data[0]).toBe(130);
    // (2, 2): rows −0…2 and columns 1…2 of the image, all inside: 0.
    expect(data[2 * 5 + 2]).toBe(0);
    // (4, 4), the last of the 5×5 'full': tap (i, j) reads (4 − i, 4 − j), inside only for i = 2, j = 1
    // (image pixel (2, 3)) under w[2][1] = 30, so 2·(66 − 30) = 72.
    expect(data[4 * 5 + 4]).toBe(72);
    await checkOp(engine, 'correlate2d', randomTensor([9, 8], 3), kernel, { mode: 'full', boundary: 'fill', fillValue: -1.25, algorithm: 'separable' });
  });

  it("SciPy's swapped 'valid' (the image plays the weight) with a rank-1 image", async () => {
    const image = { data: outer(vec(3, 5), vec(4, 6)).data, shape: [3, 4] };
    const batch = { data: Float32Array.from([...image.data, ...outer(vec(3, 7), vec(4, 8)).data]), shape: [2, 3, 4] };
    for (const op of ['convolve2d', 'correlate2d'] as const) {
      await checkOp(engine, op, image, randomTensor([6, 7], 9), { mode: 'valid', algorithm: 'separable' }, `${op} swapped`);
      await checkOp(engine, op, batch, randomTensor([5, 9], 10), { mode: 'valid', algorithm: 'separable' }, `${op} swapped batch`);
    }
  });

  it('conv2d depthwise and image-filter layers: bias, stride, dilation, flip, padding modes, K/groups > 1', async () => {
    const x = randomTensor([2, 3, 11, 12], 20);
    const bias = randomTensor([6], 21).data;
    for (const paddingMode of ['zeros', 'reflect', 'replicate', 'circular'] as const) {
      for (const flip of [false, true]) {
        await checkOp(engine, 'conv2d', x, depthwiseRank1(6, 3, 4, 30), { groups: 3, bias, stride: [2, 1], dilation: [1, 2], padding: [2, 3], paddingMode, flip, algorithm: 'separable' }, `depthwise ${paddingMode} flip=${flip}`);
      }
    }
    await checkOp(engine, 'conv2d', x, depthwiseRank1(3, 5, 5, 40), { groups: 3, padding: 'same', algorithm: 'separable' }, 'depthwise same');
    await checkOp(engine, 'conv2d', randomTensor([3, 1, 10, 9], 22), depthwiseRank1(4, 2, 3, 50), { stride: 3, bias: randomTensor([4], 23).data, algorithm: 'separable' }, 'one channel, 4 outputs');
    await checkOp(engine, 'conv1d', randomTensor([2, 4, 30], 24), randomTensor([4, 1, 7], 25), { groups: 4, padding: 3, dilation: 2, algorithm: 'separable' }, 'conv1d depthwise');
  });

  it('rejects what it cannot run with OptionError naming the reason; explain() says the same', async () => {
    const image = randomTensor([12, 12], 60);
    const err = await engine.correlate2d(image, randomTensor([3, 3], 61), { algorithm: 'separable' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionError);
    expect((err as Error).message).toMatch(/correlate2d: algorithm 'separable' cannot run .*: the kernel is not rank 1 \(second singular value/);
    const depthwise = { data: Float32Array.from([...rank1(3, 3, 62).data, ...randomTensor([9], 63).data]), shape: [2, 1, 3, 3] };
    await expect(engine.conv2d(randomTensor([1, 2, 8, 8], 64), depthwise, { groups: 2, algorithm: 'separable' })).rejects.toThrow(/the kernel of output channel 1 is not rank 1/);
    await expect(engine.conv2d(randomTensor([1, 2, 8, 8], 64), randomTensor([1, 2, 3, 3], 65), { algorithm: 'separable' })).rejects.toThrow(/one input channel per group .* this layer has 2/);
    const gpuKernel = await engine.upload(rank1(3, 3, 66));
    await expect(engine.correlate2d(image, gpuKernel, { algorithm: 'separable' })).rejects.toThrow(/the weight is a GpuTensor/);
    gpuKernel.destroy();
    const e = engine.explain('correlate2d', image, randomTensor([5, 5], 67), {});
    expect(e.candidates.find((c) => c.algorithm === 'separable')?.reason).toMatch(/not rank 1/);
  });

  it("'auto' runs separable where it is cheaper and says why", async () => {
    const image = randomTensor([256, 256], 70);
    let info: RunInfo | undefined;
    await engine.correlate2d(image, rank1(15, 15, 71), { mode: 'same', boundary: 'symm', onRun: (i) => (info = i) });
    expect(info).toMatchObject({ algorithm: 'separable', reason: expect.stringMatching(/^auto: least estimated cost \(.*separable/) as unknown });
    const e = engine.explain('correlate2d', image, rank1(15, 15, 71), { mode: 'same' });
    const cost = (name: string) => e.candidates.find((c) => c.algorithm === name)?.cost as number;
    // 2·(15 + 2) pass costs at 2.5 direct multiply-adds each on llvmpipe against 225: 2.6× less.
    expect(cost('separable')).toBeLessThan(cost('direct') / 2);
    // A 3×3 kernel saves too little to pay for the second pass.
    expect(engine.explain('correlate2d', image, rank1(3, 3, 72), { mode: 'same' }).algorithm).not.toBe('separable');
  });
});

describe('separable on SwiftShader', () => {
  it('every mode and boundary, and a depthwise conv2d with stride, dilation, flip and bias', async () => {
    const swift = await useEngine('swiftshader');
    const image = randomTensor([2, 9, 10], 100);
    for (const mode of MODES) {
      for (const boundary of BOUNDARIES) {
        await checkOp(swift, 'correlate2d', image, rank1(4, 3, 101), { mode, boundary, fillValue: 0.5, algorithm: 'separable' }, `swiftshader ${mode} ${boundary}`);
      }
    }
    const w = { data: Float32Array.from([...rank1(3, 3, 102).data, ...rank1(3, 3, 103).data]), shape: [2, 1, 3, 3] };
    await checkOp(swift, 'conv2d', randomTensor([1, 2, 12, 11], 104), w, { groups: 2, stride: 2, dilation: [2, 1], padding: 2, paddingMode: 'reflect', flip: true, bias: Float32Array.of(0.5, -1), algorithm: 'separable' });
  });

  it('vec4 passes on 40-wide rows and the FFT passes', async () => {
    const swift = await useEngine('swiftshader');
    const swiftFft = await useEngine('swiftshader', { separablePasses: 'fft' });
    const image = randomTensor([2, 7, 40], 105);
    for (const boundary of ['fill', 'symm'] as const) {
      for (const mode of ['same', 'full'] as const) {
        const options = { mode, boundary, fillValue: -0.5, algorithm: 'separable' } as const;
        await checkOp(swift, 'correlate2d', image, rank1(3, 5, 106), options, `swiftshader vec4 ${mode} ${boundary}`, { variant: 'rows5(vec4)+cols3(vec4)' });
        await checkOp(swiftFft, 'convolve2d', image, rank1(4, 9, 107), options, `swiftshader fft ${mode} ${boundary}`, { variant: expect.stringMatching(/^fft rows9@.* cols4@/) as unknown as string });
      }
    }
  });
});
