/**
 * The separable algorithm with FFT passes (separablePasses: 'fft') on llvmpipe: every op, mode and
 * boundary against the CPU reference, overlap-save tiles, depthwise conv2d, the choice 'auto' makes
 * between FFT and direct passes, and the observed error against the bound derived in
 * test/support/separable-fft-bound.ts (the README's table of it comes from here).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { gaussian2d } from '../src/ops/gaussian.js';
import { cpu, type Boundary, type ConvEngine, type HostTensor, type Mode, type RunInfo } from '../src/index.js';
import { checkOp, expectMatchesReference, randomTensor } from './support/compare.js';
import { expectSeparableFftClose } from './support/separable-fft-bound.js';
import { useEngine } from './support/engines.js';
import { BOUNDARIES, depthwiseRank1, MODES, outer, rank1 } from './support/separable.js';

let engine: ConvEngine;
beforeAll(async () => {
  engine = await useEngine('llvmpipe');
});

/** The tiles of an FFT-passes variant's row and column passes (`fft rows…@FHxFW tilesT@… cols…@…`). */
const fftVariantTiles = (variant: string): { rows: number; cols: number } => {
  const t = [...variant.matchAll(/tiles(\d+)@/g)].map((m) => Number(m[1]));
  return { rows: t[0] ?? 1, cols: t[1] ?? 1 };
};

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
    const x = randomTensor([2, 3, 21, 17], 320);
    const bias = randomTensor([3], 321).data;
    for (const paddingMode of ['zeros', 'reflect', 'replicate', 'circular'] as const) {
      for (const flip of [false, true]) {
        const options = { groups: 3, bias, stride: [2, 3], dilation: [2, 1], padding: [3, 4], paddingMode, flip, algorithm: 'separable' } as const;
        await checkOp(fftEngine, 'conv2d', x, depthwiseRank1(3, 4, 5, 330), options, `depthwise ${paddingMode} flip=${flip}`, { variant: expect.stringMatching(/^fft rows5@.* cols4@/) as unknown as string });
      }
    }
    // K/groups = 2: not one output channel per group.
    await expect(fftEngine.conv2d(x, depthwiseRank1(6, 3, 3, 340), { groups: 3, algorithm: 'separable' })).rejects.toThrow(/FFT passes \(separablePasses: 'fft'\): FFT passes need one output channel per group/);
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
