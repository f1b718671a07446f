/**
 * Property tests (fast-check): random valid shapes and options for every op and algorithm on the
 * GPU (llvmpipe) agree with the CPU reference. fast-check prints the seed and the shrunk case on
 * failure; re-run one with FC_SEED=<seed>.
 */
import fc from 'fast-check';
import { beforeAll, describe, it } from 'vitest';
import { ALGORITHM_NAMES, type Algorithm, type ConvEngine, type PaddingMode } from '../src/index.js';
import { checkOp, randomTensor } from './support/compare.js';
import { useEngine } from './support/engines.js';

let engine: ConvEngine;
beforeAll(async () => {
  engine = await useEngine('llvmpipe');
});

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
const params = (numRuns: number) => ({ numRuns, ...(seed === undefined ? {} : { seed }) });
const algorithm = fc.constantFrom<Algorithm>('auto', ...ALGORITHM_NAMES);

const conv2dCase = fc
  .record({
    N: fc.integer({ min: 1, max: 2 }),
    groups: fc.integer({ min: 1, max: 3 }),
    cg: fc.integer({ min: 1, max: 3 }),
    kg: fc.integer({ min: 1, max: 5 }),
    H: fc.integer({ min: 1, max: 14 }),
    W: fc.integer({ min: 1, max: 14 }),
    KH: fc.integer({ min: 1, max: 5 }),
    KW: fc.integer({ min: 1, max: 5 }),
    sh: fc.integer({ min: 1, max: 3 }),
    sw: fc.integer({ min: 1, max: 3 }),
    dh: fc.integer({ min: 1, max: 2 }),
    dw: fc.integer({ min: 1, max: 2 }),
    pads: fc.tuple(fc.nat(4), fc.nat(4), fc.nat(4), fc.nat(4)),
    paddingMode: fc.constantFrom<PaddingMode>('zeros', 'reflect', 'replicate', 'circular'),
    same: fc.boolean(),
    flip: fc.boolean(),
    bias: fc.boolean(),
    algorithm,
    seed: fc.nat(),
  })
  .map((c) => {
    // Clamp padding to what the padding mode allows (reflect < size, circular ≤ size), keep outputs non-empty.
    const limit = (p: number, n: number) => (c.paddingMode === 'reflect' ? Math.min(p, n - 1) : c.paddingMode === 'circular' ? Math.min(p, n) : p);
    const [t, b, l, r] = c.pads;
    const padding = c.same && c.sh === 1 && c.sw === 1 ? ('same' as const) : ([[limit(t, c.H), limit(b, c.H)], [limit(l, c.W), limit(r, c.W)]] as [[number, number], [number, number]]);
    return { ...c, padding };
  })
  .filter((c) => {
    if (c.padding === 'same') {
      const th = c.dh * (c.KH - 1), tw = c.dw * (c.KW - 1);
      if (c.paddingMode === 'reflect' && (Math.ceil(th / 2) >= c.H || Math.ceil(tw / 2) >= c.W) && (th > 0 || tw > 0)) return false;
      if (c.paddingMode === 'circular' && (Math.ceil(th / 2) > c.H || Math.ceil(tw / 2) > c.W)) return false;
      return true;
    }
    const [[t, b], [l, r]] = c.padding;
    return c.H + t + b >= c.dh * (c.KH - 1) + 1 && c.W + l + r >= c.dw * (c.KW - 1) + 1;
  });

describe('property: GPU = CPU reference', () => {
  it('conv2d, random shapes and options (120 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(conv2dCase, async (c) => {
        const C = c.cg * c.groups;
        const K = c.kg * c.groups;
        const x = randomTensor([c.N, C, c.H, c.W], c.seed);
        const w = randomTensor([K, c.cg, c.KH, c.KW], c.seed + 1);
        await checkOp(engine, 'conv2d', x, w, {
          groups: c.groups, stride: [c.sh, c.sw], dilation: [c.dh, c.dw], padding: c.padding,
          paddingMode: c.paddingMode, flip: c.flip, algorithm: c.algorithm,
          ...(c.bias ? { bias: randomTensor([K], c.seed + 2).data } : {}),
        });
      }),
      params(120),
    );
  });

  it('convolve2d / correlate2d, random shapes, modes and boundaries (100 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          op: fc.constantFrom('convolve2d', 'correlate2d' as const),
          B: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
          H: fc.integer({ min: 1, max: 12 }),
          W: fc.integer({ min: 1, max: 12 }),
          KH: fc.integer({ min: 1, max: 7 }),
          KW: fc.integer({ min: 1, max: 7 }),
          mode: fc.constantFrom('full', 'same', 'valid' as const),
          boundary: fc.constantFrom('fill', 'wrap', 'symm', 'reflect', 'replicate' as const),
          fillValue: fc.double({ min: -2, max: 2, noNaN: true }),
          algorithm,
          seed: fc.nat(),
        }).filter((c) => c.mode !== 'valid' || (c.H >= c.KH && c.W >= c.KW) || (c.KH >= c.H && c.KW >= c.W)),
        async (c) => {
          const image = randomTensor(c.B === undefined ? [c.H, c.W] : [c.B, c.H, c.W], c.seed);
          const kernel = randomTensor([c.KH, c.KW], c.seed + 1);
          await checkOp(engine, c.op, image, kernel, { mode: c.mode, boundary: c.boundary, fillValue: Math.fround(c.fillValue), algorithm: c.algorithm });
        },
      ),
      params(100),
    );
  });

  it('conv1d, convolve1d and correlate1d, random shapes (100 cases)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          op: fc.constantFrom('convolve1d', 'correlate1d', 'conv1d' as const),
          B: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
          L: fc.integer({ min: 1, max: 40 }),
          M: fc.integer({ min: 1, max: 45 }),
          mode: fc.constantFrom('full', 'same', 'valid' as const),
          stride: fc.integer({ min: 1, max: 3 }),
          algorithm,
          seed: fc.nat(),
        }),
        async (c) => {
          const signal = randomTensor(c.B === undefined ? [c.L] : [c.B, c.L], c.seed);
          if (c.op === 'conv1d') {
            const M = Math.min(c.M, c.L);
            await checkOp(engine, 'conv1d', { data: signal.data, shape: [1, c.B ?? 1, c.L] }, randomTensor([2, c.B ?? 1, M], c.seed + 1), { stride: c.stride, algorithm: c.algorithm });
          } else {
            await checkOp(engine, c.op, signal, randomTensor([c.M], c.seed + 1), { mode: c.mode, algorithm: c.algorithm });
          }
        },
      ),
      params(100),
    );
  });
});
