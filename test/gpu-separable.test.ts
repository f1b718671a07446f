/**
 * The separable algorithm (rank-1 kernels as a row pass and a column pass), sepConvolve2d and
 * gaussianBlur on llvmpipe, against the CPU reference (test/support/separable-bound.ts derives the
 * tolerance), against values computed by hand in float64, and the rank-1 test itself.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { jacobiSvd, rankOneFactors } from '../src/algorithms/rank1.js';
import { gaussian2d } from '../src/ops/gaussian.js';
import { cpu, OptionError, ShapeError, type Boundary, type ConvEngine, type HostTensor, type Mode, type RunInfo } from '../src/index.js';
import { abs, checkOp, expectMatchesReference, randomTensor, U } from './support/compare.js';
import { expectSeparableFftClose } from './support/separable-fft-bound.js';
import { useEngine } from './support/engines.js';

let engine: ConvEngine;
beforeAll(async () => {
  engine = await useEngine('llvmpipe');
});

const MODES: Mode[] = ['full', 'same', 'valid'];
const BOUNDARIES: Boundary[] = ['fill', 'wrap', 'symm', 'reflect', 'replicate'];

/** The float32 outer product of two vectors, as a [KH, KW] kernel. */
function outer(a: ArrayLike<number>, b: ArrayLike<number>): HostTensor {
  const data = new Float32Array(a.length * b.length);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) data[i * b.length + j] = (a[i] as number) * (b[j] as number);
  return { data, shape: [a.length, b.length] };
}
const vec = (n: number, seed: number): Float32Array => randomTensor([n], seed).data;
/** The tiles of an FFT-passes variant's row and column passes (`fft rows…@FHxFW tilesT@… cols…@…`). */
const fftVariantTiles = (variant: string): { rows: number; cols: number } => {
  const t = [...variant.matchAll(/tiles(\d+)@/g)].map((m) => Number(m[1]));
  return { rows: t[0] ?? 1, cols: t[1] ?? 1 };
};
/** Output width of a W-wide image filtered by a KW-wide kernel in `mode`. */
const outWidth = (W: number, KW: number, mode: Mode): number => (mode === 'full' ? W + KW - 1 : mode === 'same' ? W : W - KW + 1);
const rank1 = (KH: number, KW: number, seed: number): HostTensor => outer(vec(KH, seed), vec(KW, seed + 1));

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
    const w = (K: number, KH: number, KW: number, seed: number): HostTensor => {
      const data = new Float32Array(K * KH * KW);
      for (let k = 0; k < K; k++) data.set(rank1(KH, KW, seed + 2 * k).data, k * KH * KW);
      return { data, shape: [K, 1, KH, KW] };
    };
    const x = randomTensor([2, 3, 11, 12], 20);
    const bias = randomTensor([6], 21).data;
    for (const paddingMode of ['zeros', 'reflect', 'replicate', 'circular'] as const) {
      for (const flip of [false, true]) {
        await checkOp(engine, 'conv2d', x, w(6, 3, 4, 30), { groups: 3, bias, stride: [2, 1], dilation: [1, 2], padding: [2, 3], paddingMode, flip, algorithm: 'separable' }, `depthwise ${paddingMode} flip=${flip}`);
      }
    }
    await checkOp(engine, 'conv2d', x, w(3, 5, 5, 40), { groups: 3, padding: 'same', algorithm: 'separable' }, 'depthwise same');
    await checkOp(engine, 'conv2d', randomTensor([3, 1, 10, 9], 22), w(4, 2, 3, 50), { stride: 3, bias: randomTensor([4], 23).data, algorithm: 'separable' }, 'one channel, 4 outputs');
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

describe('separable FFT passes (separablePasses)', () => {
  it.each([[5, 7], [9, 4], [1, 1], [6, 11]] as const)('rank-1 %ix%i kernels with FFT passes: every op × mode × boundary, batch, fill values', async (KH, KW) => {
    const fftEngine = await useEngine('llvmpipe', { separablePasses: 'fft' });
    const kernel = rank1(KH, KW, 300 + KH * KW);
    const image = randomTensor([2, 19, 24], 310 + KH);
    for (const op of ['convolve2d', 'correlate2d'] as const) {
      for (const mode of MODES) {
        for (const boundary of BOUNDARIES) {
          for (const fillValue of boundary === 'fill' ? [0, -1.5] : [0]) {
            const out = await checkOp(fftEngine, op, image, kernel, { mode, boundary, fillValue, algorithm: 'separable' }, `${op} ${KH}x${KW} ${mode} ${boundary} ${fillValue}`, { variant: expect.stringMatching(new RegExp(`^fft rows${KW}@1x\\d+.* cols${KH}@1x\\d+`)) as unknown as string });
            expect(out.data.some((v) => v !== 0)).toBe(true);
          }
        }
      }
    }
  });

  it('long rows and columns in several overlap-save tiles (the column pass reading transposed across tiles)', async () => {
    const fftEngine = await useEngine('llvmpipe', { separablePasses: 'fft' });
    for (const [shape, KH, KW] of [[[300, 12], 7, 3], [[12, 300], 3, 7], [[2, 130, 40], 9, 5]] as const) {
      const image = randomTensor([...shape], 360 + KH);
      const kernel = rank1(KH, KW, 361 + KW);
      for (const [op, mode, boundary] of [['correlate2d', 'same', 'symm'], ['correlate2d', 'same', 'wrap'], ['convolve2d', 'full', 'fill'], ['convolve2d', 'valid', 'reflect']] as const) {
        await checkOp(fftEngine, op, image, kernel, { mode, boundary, fillValue: 0.5, algorithm: 'separable' }, `${shape.join('×')} ${KH}x${KW} ${op} ${mode} ${boundary}`, { variant: expect.stringMatching(/^fft /) as unknown as string });
      }
    }
    // 300-long columns of a 300×12 image: 6 tiles each (72 for 12 columns); 300-long rows of a
    // 12×300 image likewise (72 for 12 rows), the columns one tile each.
    const tilesOf = (shape: number[], KH: number, KW: number) => fftVariantTiles(fftEngine.explain('correlate2d', randomTensor(shape, 1), rank1(KH, KW, 2), { mode: 'same', algorithm: 'separable' }).variant);
    expect(tilesOf([300, 12], 7, 3)).toEqual({ rows: 300, cols: 72 });
    expect(tilesOf([12, 300], 3, 7)).toEqual({ rows: 72, cols: 300 });
  });

  it('conv2d depthwise with stride, dilation, padding modes, flip and bias; what it cannot run it rejects', async () => {
    const fftEngine = await useEngine('llvmpipe', { separablePasses: 'fft' });
    const w = (K: number, KH: number, KW: number, seed: number): HostTensor => {
      const data = new Float32Array(K * KH * KW);
      for (let k = 0; k < K; k++) data.set(rank1(KH, KW, seed + 2 * k).data, k * KH * KW);
      return { data, shape: [K, 1, KH, KW] };
    };
    const x = randomTensor([2, 3, 21, 17], 320);
    const bias = randomTensor([3], 321).data;
    for (const paddingMode of ['zeros', 'reflect', 'replicate', 'circular'] as const) {
      for (const flip of [false, true]) {
        const options = { groups: 3, bias, stride: [2, 3], dilation: [2, 1], padding: [3, 4], paddingMode, flip, algorithm: 'separable' } as const;
        await checkOp(fftEngine, 'conv2d', x, w(3, 4, 5, 330), options, `depthwise ${paddingMode} flip=${flip}`, { variant: expect.stringMatching(/^fft rows5@.* cols4@/) as unknown as string });
      }
    }
    // K/groups = 2: not one output channel per group.
    await expect(fftEngine.conv2d(x, w(6, 3, 3, 340), { groups: 3, algorithm: 'separable' })).rejects.toThrow(/FFT passes \(separablePasses: 'fft'\): FFT passes need one output channel per group/);
    // The column pass's fill value is fill·Σb: one channel with a nonzero fill, and channels whose row
    // factors sum differently with conv2d's zero padding (the one case a per-pass fill value could
    // not serve, a nonzero fill with such channels, no op can ask for).
    const two = { data: Float32Array.from([...outer([1, 2], [1, 1, 1]).data, ...outer([1, 2], [1, 2, 3]).data]), shape: [2, 1, 2, 3] };
    await checkOp(fftEngine, 'correlate2d', randomTensor([2, 9, 9], 341), { data: two.data.subarray(0, 6), shape: [2, 3] }, { mode: 'full', boundary: 'fill', fillValue: 1, algorithm: 'separable' }, 'fill 1, one channel', { variant: expect.stringMatching(/^fft /) as unknown as string });
    await checkOp(fftEngine, 'conv2d', randomTensor([1, 2, 9, 9], 342), two, { groups: 2, padding: 1, algorithm: 'separable' }, 'zero padding, unequal sums', { variant: expect.stringMatching(/^fft /) as unknown as string });
    const direct = await useEngine('llvmpipe', { separablePasses: 'direct' });
    let info: RunInfo | undefined;
    await direct.correlate2d(randomTensor([64, 64], 343), rank1(41, 41, 344), { mode: 'same', onRun: (i) => (info = i) });
    expect(info).toMatchObject({ algorithm: 'separable', variant: 'rows41(vec4)+cols41(vec4)' });
  });

  it("'auto' takes the FFT passes for long factors and the direct passes for short ones", async () => {
    const image = randomTensor([512, 512], 350);
    // gaussianBlur's own kernel, its factors recorded (no SVD of a 321 × 321 kernel).
    const gauss = (sigma: number): HostTensor => gaussian2d('test', sigma).kernel;
    const big = engine.explain('correlate2d', image, gauss(40), { mode: 'same', boundary: 'symm' });
    expect(big).toMatchObject({ algorithm: 'separable', variant: expect.stringMatching(/^fft rows321@/) as unknown as string });
    // The FFT passes against 2-D FFT convolution: each row and column transformed once.
    const cost = (e: typeof big, name: string) => e.candidates.find((c) => c.algorithm === name)?.cost as number;
    expect(cost(big, 'separable')).toBeLessThan(cost(big, 'fft') / 2);
    expect(engine.explain('correlate2d', image, gauss(8), { mode: 'same', boundary: 'symm' })).toMatchObject({ algorithm: 'separable', variant: 'rows65(vec4)+cols65(vec4)' });
    // gaussianBlur by FFT passes (forced here: 'auto' takes them only where the CPU reference would
    // take minutes), a batch, every boundary.
    const fftEngine = await useEngine('llvmpipe', { separablePasses: 'fft' });
    const small = randomTensor([2, 40, 52], 351);
    for (const boundary of BOUNDARIES) {
      let info: RunInfo | undefined;
      const got = await fftEngine.gaussianBlur(small, { sigma: [3, 2.5], boundary, fillValue: 0.5, algorithm: 'separable', onRun: (i) => (info = i) });
      expect(info).toMatchObject({ algorithm: 'separable', variant: expect.stringMatching(/^fft rows21@.* cols25@/) as unknown as string });
      expectMatchesReference('correlate2d', small, gaussian2d('test', [3, 2.5]).kernel, { mode: 'same', boundary, fillValue: 0.5 }, info as RunInfo, got, `gaussianBlur ${boundary} by FFT passes`);
    }
  });
});

describe('separable FFT passes, observed error against the bound', () => {
  it('rank-1 kernels 15…127 on a 160² image: the error stays a small fraction of the bound', async () => {
    const fftEngine = await useEngine('llvmpipe', { separablePasses: 'fft' });
    const rows: string[] = [];
    const cases: Array<[number, Mode, Boundary]> = [[15, 'valid', 'fill'], [31, 'same', 'symm'], [63, 'valid', 'fill'], [127, 'valid', 'fill']];
    for (const [k, mode, boundary] of cases) {
      const image = randomTensor([160, 160], 400 + k);
      const kernel = rank1(k, k, 401 + k);
      const options = { mode, boundary, algorithm: 'separable' } as const;
      let info: RunInfo | undefined;
      const got = await fftEngine.correlate2d(image, kernel, { ...options, onRun: (i) => (info = i) });
      const { worst, relative } = expectSeparableFftClose('correlate2d', image, kernel, options, info as RunInfo, got, cpu.correlate2d(image, kernel, options), `${k}×${k}`);
      rows.push(`${`${k}×${k} ${mode} ${boundary}`.padEnd(20)} ‖Δy‖₂/‖y‖₂ ${relative.toExponential(2)}  error/bound ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1);
    }
    console.log(`separable FFT passes error (llvmpipe, 160² image):\n${rows.join('\n')}`);
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

/**
 * A GPU gaussianBlur result against the float64 ndimage-style reference. The GPU correlates with the
 * float32 kernel w = fl(gy·gxᵀ): it must match cpu.correlate2d with w within the derived bound of
 * what ran (separable, FFT, direct …); and cpu.gaussianBlur differs from that reference by at most
 * u·M (w's rounding, |w − gy·gxᵀ| ≤ u·gy·gxᵀ) + u·|ref| (rounding of each reference), M the
 * magnitude sum, plus float64 noise (Σg = 1 only to float64 precision for 'fill').
 */
function expectBlurClose(image: HostTensor, options: { sigma: number | readonly [number, number]; truncate?: number; boundary?: Boundary; fillValue?: number }, got: HostTensor, info: RunInfo): void {
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
