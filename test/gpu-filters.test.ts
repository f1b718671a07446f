/**
 * SciPy convolve2d/correlate2d and NumPy convolve/correlate on the GPU (llvmpipe) against the CPU
 * reference: every mode × boundary × algorithm, even kernels, kernels larger than the image,
 * batched planes, the 'valid' operand swap, and impulse responses that pin the flip.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALGORITHM_NAMES, type Boundary, type ConvEngine, type HostTensor, type Mode } from '../src/index.js';
import { checkOp, randomTensor } from './support/compare.js';
import { useEngine } from './support/engines.js';

let engine: ConvEngine;
beforeAll(async () => {
  engine = await useEngine('llvmpipe');
});

const MODES: Mode[] = ['full', 'same', 'valid'];
const BOUNDARIES: Boundary[] = ['fill', 'wrap', 'symm', 'reflect', 'replicate'];
const ALGORITHMS = ['auto', ...ALGORITHM_NAMES] as const;

describe.each(ALGORITHMS)('convolve2d / correlate2d, algorithm %s', (algorithm) => {
  const image = randomTensor([9, 12], 3);
  const batch = randomTensor([3, 7, 5], 4);
  const kernels: Array<[string, HostTensor]> = [
    ['odd 3x3', randomTensor([3, 3], 5)],
    ['even 2x4', randomTensor([2, 4], 6)],
    ['1x1', randomTensor([1, 1], 7)],
  ];
  it('a 1×1 image under a 2×6 kernel, full, reflect: every tap reads the image (the tolerance counts KH·KW products)', async () => {
    // The case behind FC_SEED=-931687514 of the property test, whose tolerance once counted 1 product.
    await checkOp(engine, 'convolve2d', randomTensor([2, 1, 1], 30), randomTensor([2, 6], 31), { mode: 'full', boundary: 'reflect', algorithm });
  });
  for (const op of ['convolve2d', 'correlate2d'] as const) {
    for (const [kname, kernel] of kernels) {
      it(`${op} ${kname}: every mode and boundary, fillValue 0.25`, async () => {
        for (const mode of MODES) {
          for (const boundary of BOUNDARIES) {
            await checkOp(engine, op, image, kernel, { mode, boundary, fillValue: 0.25, algorithm }, `${op} ${kname} ${mode} ${boundary}`);
          }
        }
      });
    }
    it(`${op}: batched [3,7,5] planes, even kernel, every mode`, async () => {
      for (const mode of MODES) {
        await checkOp(engine, op, batch, randomTensor([4, 2], 8), { mode, boundary: 'symm', algorithm }, `${op} batch ${mode}`);
      }
    });
    it(`${op}: kernel larger than the image, wrap/symm/reflect extend beyond one period`, async () => {
      const small = randomTensor([3, 2], 9);
      const big = randomTensor([7, 6], 10);
      for (const mode of ['full', 'same'] as const) {
        for (const boundary of ['wrap', 'symm', 'reflect', 'replicate', 'fill'] as const) {
          await checkOp(engine, op, small, big, { mode, boundary, fillValue: -1.5, algorithm }, `${op} big kernel ${mode} ${boundary}`);
        }
      }
    });
    it(`${op}: 'valid' with the kernel larger than the image swaps operands (batched too)`, async () => {
      await checkOp(engine, op, randomTensor([3, 4], 11), randomTensor([6, 7], 12), { mode: 'valid', algorithm });
      await checkOp(engine, op, randomTensor([2, 3, 4], 13), randomTensor([5, 4], 14), { mode: 'valid', algorithm });
      await checkOp(engine, op, randomTensor([4, 4], 15), randomTensor([4, 4], 16), { mode: 'valid', algorithm });
    });
  }

  for (const op of ['convolve1d', 'correlate1d'] as const) {
    it(`${op}: every mode, kernel shorter, longer and equal, batched`, async () => {
      const signal = randomTensor([23], 17);
      const rows = randomTensor([3, 10], 18);
      for (const mode of MODES) {
        for (const M of [1, 4, 5, 23, 30]) {
          await checkOp(engine, op, signal, randomTensor([M], 19 + M), { mode, algorithm }, `${op} L=23 M=${M} ${mode}`);
        }
        await checkOp(engine, op, rows, randomTensor([6], 20), { mode, algorithm }, `${op} rows ${mode}`);
        await checkOp(engine, op, rows, randomTensor([13], 21), { mode, algorithm }, `${op} rows long kernel ${mode}`);
      }
    });
  }
});

describe('impulse responses pin the flip (GPU)', () => {
  const kernel: HostTensor = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
  const impulse = (h: number, w: number, y: number, x: number): HostTensor => {
    const data = new Float32Array(h * w);
    data[y * w + x] = 1;
    return { data, shape: [h, w] };
  };
  it('convolve2d of a single 1 reproduces the kernel; correlate2d reproduces it rotated 180°', async () => {
    const conv = await engine.convolve2d(impulse(1, 1, 0, 0), kernel);
    expect(conv.shape).toEqual([2, 3]);
    expect([...conv.data]).toEqual([1, 2, 3, 4, 5, 6]);
    const corr = await engine.correlate2d(impulse(1, 1, 0, 0), kernel);
    expect([...corr.data]).toEqual([6, 5, 4, 3, 2, 1]);
  });
  it('conv2d with flip reproduces the kernel around an impulse, without flip the mirror', async () => {
    const x = { data: impulse(5, 5, 2, 2).data, shape: [1, 1, 5, 5] };
    const w = { data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), shape: [1, 1, 3, 3] };
    const flipped = await engine.conv2d(x, w, { padding: 1, flip: true });
    const plain = await engine.conv2d(x, w, { padding: 1 });
    const centre = (t: HostTensor) => [1, 2, 3].flatMap((y) => [1, 2, 3].map((xx) => t.data[y * 5 + xx]));
    expect(centre(flipped)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(centre(plain)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1]);
  });
  it("'full' convolution is commutative on the GPU", async () => {
    const a = randomTensor([5, 7], 30);
    const b = randomTensor([3, 4], 31);
    const ab = await engine.convolve2d(a, b);
    const ba = await engine.convolve2d(b, a);
    expect(ab.shape).toEqual(ba.shape);
    const tol = 8 * 2 ** -24 * 12;
    ab.data.forEach((v, i) => expect(Math.abs(v - (ba.data[i] as number))).toBeLessThanOrEqual(tol * (1 + Math.abs(v))));
    const s = await engine.convolve1d(randomTensor([9], 32), randomTensor([4], 33));
    const t = await engine.convolve1d(randomTensor([4], 33), randomTensor([9], 32));
    expect([...s.data]).toEqual([...t.data]);
  });
  it('NaN and Inf propagate as IEEE arithmetic does', async () => {
    const x = randomTensor([6, 6], 40);
    x.data[14] = Number.NaN;
    x.data[3] = Number.POSITIVE_INFINITY;
    const k: HostTensor = { data: new Float32Array(9).fill(0.5), shape: [3, 3] };
    const got = await checkOp(engine, 'correlate2d', x, k, { mode: 'same' });
    // Outputs whose 3×3 window covers neither special value stay finite.
    expect(Number.isFinite(got.data[5 * 6 + 5] as number)).toBe(true);
    expect(got.data[2 * 6 + 2]).toBeNaN();
  });
});
