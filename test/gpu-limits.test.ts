/**
 * Device limits: grids folded under maxComputeWorkgroupsPerDimension, im2col chunked under
 * maxStorageBufferBindingSize, tiles shrunk under maxComputeWorkgroupStorageSize — exercised on small
 * tensors through engines created with artificially low limits — plus one real 65,535-overflow.
 */
import { describe, expect, it } from 'vitest';
import { ALGORITHM_NAMES, OptionError, ResourceError } from '../src/index.js';
import { checkOp, randomTensor, runWithInfo } from './support/compare.js';
import { useEngine } from './support/engines.js';

describe('limits', () => {
  it('folds grids when workgroups exceed maxComputeWorkgroupsPerDimension (x, y and z)', async () => {
    const engine = await useEngine('llvmpipe', { limits: { maxComputeWorkgroupsPerDimension: 8 } });
    for (const algorithm of ALGORITHM_NAMES) {
      // direct: 16 workgroups → 8×2; tiled: 40 → 8×5; im2col: 2·27·400/64 → 338 → 8×8×6.
      await checkOp(engine, 'conv2d', randomTensor([2, 3, 20, 20], 1), randomTensor([5, 3, 3, 3], 2), { padding: 1, algorithm });
    }
  });

  it('chunks the im2col patch matrix over (n, group) pairs and over columns', async () => {
    // 64 KiB = 16,384 floats. First: J = 4·3·3 = 36 rows × 120 columns per (n, group) pair → 3 of the 6
    // pairs per chunk. Second: 36 × 2,500 does not fit one chunk → 455 columns at a time. (The
    // register GEMM: the llvmpipe default, 'implicit', has no patch matrix to chunk.)
    const tiny = await useEngine('llvmpipe', { gemm: 'register', limits: { maxStorageBufferBindingSize: 65536, maxBufferSize: 65536 } });
    // 2 chunks × (im2col + GEMM)
    await checkOp(tiny, 'conv2d', randomTensor([3, 8, 12, 10], 3), randomTensor([6, 4, 3, 3], 4), { groups: 2, padding: 1, algorithm: 'im2col' }, 'chunked pairs', { variant: 'register', dispatches: 4 });
    // ⌈2500 / 455⌉ = 6 chunks
    await checkOp(tiny, 'conv2d', randomTensor([1, 4, 50, 50], 5), randomTensor([3, 4, 3, 3], 6), { padding: 1, algorithm: 'im2col' }, 'chunked columns', { variant: 'register', dispatches: 12 });
  });

  it('an explicit algorithm that cannot run the shape rejects with OptionError before any GPU work; auto runs another', async () => {
    // With stride 3 even a 1×1 tile of 4 rows needs 10 input rows: 44 bytes, more than 16.
    const tiny = await useEngine('llvmpipe', { limits: { maxComputeWorkgroupStorageSize: 16 } });
    const x = randomTensor([1, 2, 20, 20], 40);
    const w = randomTensor([3, 2, 3, 3], 41);
    const before = tiny.stats();
    const err = await tiny.conv2d(x, w, { stride: 3, algorithm: 'tiled' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionError);
    expect((err as Error).message).toMatch(/conv2d: algorithm 'tiled' cannot run input \[1, 2, 20, 20\], weight \[3, 2, 3, 3\] on this device: not even a 1×1 tile fits workgroup memory/);
    expect(tiny.stats()).toMatchObject({ dispatches: before.dispatches, buffersAllocated: before.buffersAllocated });
    expect(() => tiny.explain('conv2d', x, w, { stride: 3, algorithm: 'tiled' })).toThrow(OptionError);
    const explained = tiny.explain('conv2d', x, w, { stride: 3 });
    expect(explained.candidates.find((c) => c.algorithm === 'tiled')?.reason).toMatch(/1×1 tile/);
    const { info } = await runWithInfo(tiny, 'conv2d', x, w, { stride: 3 });
    expect(info).toMatchObject({ algorithm: explained.algorithm, variant: explained.variant });
    expect(info.algorithm).not.toBe('tiled');
    expect(info.reason).toMatch(/tiled n\/a/);
  });

  it('im2col rejects (OptionError, no crash) a patch matrix that would need more than 4,096 chunks', async () => {
    // 8,193 taps: 32,768 floats per binding hold 3 output columns' patches; 12,308 outputs → 4,103 chunks.
    const tiny = await useEngine('llvmpipe', { limits: { maxStorageBufferBindingSize: 131072, maxBufferSize: 131072 } });
    const signal = randomTensor([1, 1, 20_500], 42);
    const taps = randomTensor([1, 1, 8_193], 43);
    await expect(tiny.conv1d(signal, taps, { algorithm: 'im2col' })).rejects.toThrow(/algorithm 'im2col' cannot run .*patch matrix/);
    const e = tiny.explain('conv1d', signal, taps);
    expect(e.candidates.find((c) => c.algorithm === 'im2col')?.reason).toMatch(/4096 chunks/);
  });

  it('shrinks the tile and chunks the kernel to fit workgroup storage', async () => {
    const small = await useEngine('llvmpipe', { limits: { maxComputeWorkgroupStorageSize: 1024 } });
    await checkOp(small, 'conv2d', randomTensor([1, 2, 30, 28], 7), randomTensor([2, 2, 9, 7], 8), { padding: 3, dilation: 2, algorithm: 'tiled' }, 'chunked kernel', {
      variant: expect.stringContaining('chunk') as unknown as string,
    });
    await checkOp(small, 'convolve2d', randomTensor([20, 20], 9), randomTensor([15, 15], 10), { mode: 'same', boundary: 'reflect', algorithm: 'tiled' });
  });

  it('folds a real grid above 65,535 workgroups (shared GEMM of a 2048 × 1024 image)', async () => {
    const engine = await useEngine('llvmpipe', { gemm: 'shared' });
    expect(engine.planLimits.maxComputeWorkgroupsPerDimension).toBe(65535);
    // The shared GEMM takes a workgroup per 32 × 32 output tile: 2048 · 1024 / 32 = 65,536 of them.
    await checkOp(engine, 'conv2d', randomTensor([1, 1, 2048, 1024], 11), randomTensor([1, 1, 3, 3], 12), { padding: 1, algorithm: 'im2col' }, 'folded grid', { variant: 'shared', dispatches: 2 });
  });

  describe('splits tensors larger than one binding, same result as the CPU reference', () => {
    // 4 KiB per binding: 1,024 floats.
    const LOW = { maxStorageBufferBindingSize: 4096, maxBufferSize: 4096 };
    it('over the batch', async () => {
      const engine = await useEngine('llvmpipe', { limits: LOW });
      await checkOp(engine, 'conv2d', randomTensor([5, 2, 12, 12], 20), randomTensor([3, 2, 3, 3], 21), { padding: 1, bias: randomTensor([3], 22).data }, 'batch', { pieces: expect.toSatisfy((n: number) => n > 1) as unknown as number });
    });
    it('over output channels (groups 1, whole groups, and within a group)', async () => {
      const engine = await useEngine('llvmpipe', { limits: LOW });
      await checkOp(engine, 'conv2d', randomTensor([1, 2, 9, 9], 23), randomTensor([20, 2, 3, 3], 24), { padding: 1 }, 'channels', { pieces: expect.toSatisfy((n: number) => n > 1) as unknown as number });
      await checkOp(engine, 'conv2d', randomTensor([1, 8, 8, 8], 25), randomTensor([16, 2, 3, 3], 26), { groups: 4, padding: 1, bias: randomTensor([16], 27).data });
      // 40 input channels per group: 25 of a group's 30 output channels fit one piece → 2 groups × 2 pieces.
      await checkOp(engine, 'conv2d', randomTensor([1, 80, 4, 4], 28), randomTensor([60, 40, 1, 1], 29), { groups: 2 }, 'within a group', { pieces: 4 });
    });
    it.each(['fill', 'wrap', 'symm', 'reflect', 'replicate'] as const)('over output rows, boundary %s', async (boundary) => {
      const engine = await useEngine('llvmpipe', { limits: LOW });
      for (const algorithm of ALGORITHM_NAMES) {
        await checkOp(engine, 'correlate2d', randomTensor([45, 30], 30), randomTensor([5, 4], 31), { mode: 'same', boundary, fillValue: 0.5, algorithm }, `rows ${algorithm}`, {
          pieces: expect.toSatisfy((n: number) => n > 1) as unknown as number,
        });
      }
      await checkOp(engine, 'conv2d', randomTensor([1, 2, 37, 20], 32), randomTensor([2, 2, 3, 3], 33), { stride: 2, dilation: 2, padding: 3, paddingMode: 'reflect' });
    });
  });

  it('rejects with a ResourceError naming the limit when one row cannot fit a binding', async () => {
    const engine = await useEngine('llvmpipe', { limits: { maxStorageBufferBindingSize: 4096 } });
    await expect(engine.conv2d(randomTensor([1, 1, 3, 2000], 13), randomTensor([1, 1, 3, 3], 14))).rejects.toSatisfy(
      (e: unknown) => e instanceof ResourceError && /maxStorageBufferBindingSize/.test((e as Error).message),
    );
    await expect(engine.conv2d(randomTensor([1, 2000, 1, 1], 15), randomTensor([1, 2000, 1, 1], 16))).rejects.toBeInstanceOf(ResourceError);
    // The engine stays usable.
    await checkOp(engine, 'conv2d', randomTensor([1, 1, 5, 5], 17), randomTensor([1, 1, 3, 3], 18));
  });
});
