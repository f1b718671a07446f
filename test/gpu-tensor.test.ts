/** GPU-resident tensors: upload/read, chaining ops without readback, and their lifecycle. */
import { describe, expect, it } from 'vitest';
import { cpu, createEngine, DeviceLostError, GpuTensor, OptionError, ShapeError } from '../src/index.js';
import { abs, checkOp, expectClose, GENERAL_ALGORITHMS, randomTensor, runWithInfo } from './support/compare.js';
import { useEngine } from './support/engines.js';

describe('GpuTensor', () => {
  it('upload then read returns the same data and shape', async () => {
    const engine = await useEngine('llvmpipe');
    const x = randomTensor([2, 3, 5], 1);
    const g = await engine.upload(x);
    expect(g).toBeInstanceOf(GpuTensor);
    expect(g.shape).toEqual([2, 3, 5]);
    const back = await g.read();
    expect(back.shape).toEqual([2, 3, 5]);
    expect([...back.data]).toEqual([...x.data]);
    g.destroy();
  });

  // Every general algorithm ('separable' runs only rank-1 kernels of one channel per group).
  it.each(GENERAL_ALGORITHMS)('chains two conv2d layers on the GPU (%s) and matches the host path', async (algorithm) => {
    const engine = await useEngine('llvmpipe');
    const x = randomTensor([1, 3, 12, 11], 2);
    const w1 = randomTensor([8, 3, 3, 3], 3);
    const w2 = randomTensor([4, 8, 3, 3], 4);
    const hidden = await engine.conv2d(x, w1, { padding: 1, algorithm, output: 'gpu' });
    expect(hidden).toBeInstanceOf(GpuTensor);
    expect(hidden.shape).toEqual([1, 8, 12, 11]);
    const gw2 = await engine.upload(w2);
    const y = await engine.conv2d(hidden, gw2, { padding: 1, algorithm });
    // Stage two checked against the reference on stage one's GPU output.
    const h = await hidden.read();
    expectClose(y, cpu.conv2d(h, w2, { padding: 1 }), cpu.conv2d(abs(h), abs(w2), { padding: 1 }), 72, 'chained');
    // And stage one itself against the reference.
    expectClose(h, cpu.conv2d(x, w1, { padding: 1 }), cpu.conv2d(abs(x), abs(w1), { padding: 1 }), 27, 'stage one');
    hidden.destroy();
    gw2.destroy();
  });

  it("a destroyed tensor's buffer serves the next tensor of its size, whole-written (no stale values)", async () => {
    const engine = await useEngine('llvmpipe');
    const x = randomTensor([1, 2, 16, 20], 30);
    const w = randomTensor([3, 2, 3, 3], 31);
    const first = await engine.conv2d(x, w, { padding: 1, output: 'gpu' });
    const buffer = first.buffer;
    const pooled = engine.stats().bytesPooled;
    first.destroy();
    expect(engine.stats().bytesPooled).toBe(pooled + buffer.size);
    // Another op's output of the same size lands in it and holds exactly that op's result.
    const w2 = randomTensor([3, 2, 5, 5], 32);
    const second = await engine.conv2d(x, w2, { padding: 2, output: 'gpu' });
    expect(second.buffer).toBe(buffer);
    await checkOp(engine, 'conv2d', x, w2, { padding: 2 }, 'host path');
    const got = await second.read();
    expectClose(got, cpu.conv2d(x, w2, { padding: 2 }), cpu.conv2d(abs(x), abs(w2), { padding: 2 }), 50, 'into a reused buffer');
    // An upload of the same size reuses it too, and reads back exactly.
    second.destroy();
    const data = randomTensor([1, 3, 16, 20], 33);
    const up = await engine.upload(data);
    expect(up.buffer).toBe(buffer);
    expect([...(await up.read()).data]).toEqual([...data.data]);
    up.destroy();
  });

  it('a tensor destroyed while a call uses it keeps its buffer until the call is done', async () => {
    const engine = await useEngine('llvmpipe');
    const xh = randomTensor([1, 2, 24, 24], 34);
    const w = randomTensor([2, 2, 3, 3], 35);
    const ref = cpu.conv2d(xh, w, { padding: 1 });
    const mag = cpu.conv2d(abs(xh), abs(w), { padding: 1 });
    // Destroyed before the call checks its operands: the call rejects (it never reads a buffer that
    // another tensor may have taken).
    const early = await engine.upload(xh);
    const rejected = engine.conv2d(early, w, { padding: 1 });
    early.destroy();
    await expect(rejected).rejects.toBeInstanceOf(ShapeError);
    // Destroyed once the call holds it (here from its onRun, after its work is submitted): the call
    // completes on the buffer, which goes to the pool only then.
    const x = await engine.upload(xh);
    const buffer = x.buffer;
    const y = await engine.conv2d(x, w, { padding: 1, output: 'gpu', onRun: () => x.destroy() });
    expect(x.destroyed).toBe(true);
    expectClose(await y.read(), ref, mag, 18, 'x destroyed while held');
    const next = await engine.upload(randomTensor([1, 2, 24, 24], 36));
    expect(next.buffer).toBe(buffer);
    next.destroy();
    y.destroy();
  });

  it('every op accepts GpuTensors and can return them (including the swapped, reversed correlate)', async () => {
    const engine = await useEngine('llvmpipe');
    const img = await engine.upload(randomTensor([7, 6], 5));
    const k = await engine.upload(randomTensor([3, 2], 6));
    const big = await engine.upload(randomTensor([9, 8], 7));
    for (const op of ['convolve2d', 'correlate2d'] as const) {
      const r = await engine[op](img, k, { mode: 'same', boundary: 'symm', output: 'gpu' });
      const ref = cpu[op](await img.read(), await k.read(), { mode: 'same', boundary: 'symm' });
      expectClose(await r.read(), ref, cpu[op](abs(await img.read()), abs(await k.read()), { mode: 'same', boundary: 'symm' }), 6, op);
      const swapped = await engine[op](img, big, { mode: 'valid', output: 'gpu' });
      const sref = cpu[op](await img.read(), await big.read(), { mode: 'valid' });
      expectClose(await swapped.read(), sref, cpu[op](abs(await img.read()), abs(await big.read()), { mode: 'valid' }), 42, `${op} swapped`);
    }
    const s = await engine.upload(randomTensor([30], 8));
    const taps = await engine.upload(randomTensor([5], 9));
    const c1 = await engine.convolve1d(s, taps, { mode: 'same' });
    expectClose(c1, cpu.convolve1d(await s.read(), await taps.read(), { mode: 'same' }), cpu.convolve1d(abs(await s.read()), abs(await taps.read()), { mode: 'same' }), 5);
  });

  it('a GpuTensor input of a job that must be split is read back and split on the host', async () => {
    const engine = await useEngine('llvmpipe', { limits: { maxStorageBufferBindingSize: 4096, maxBufferSize: 4096 } });
    const x = randomTensor([1, 2, 20, 20], 10); // 3,200 bytes: fits one binding
    const w = randomTensor([3, 2, 3, 3], 11);
    const gx = await engine.upload(x);
    // The output (4,800 bytes) does not fit: the job splits over output channels.
    const { result: y, info } = await runWithInfo(engine, 'conv2d', gx, w, { padding: 1 });
    expect(info.pieces).toBeGreaterThan(1);
    expectClose(y, cpu.conv2d(x, w, { padding: 1 }), cpu.conv2d(abs(x), abs(w), { padding: 1 }), 18);
    // A tensor larger than one binding cannot be uploaded.
    await expect(engine.upload(randomTensor([2000], 12))).rejects.toThrow(/exceed what one buffer binding allows/);
  });

  it('rejects destroyed tensors, tensors of another engine, and tensors from a lost device', async () => {
    const engine = await useEngine('llvmpipe');
    const other = await createEngine({ adapter: 'llvmpipe', quiet: true });
    const w = randomTensor([1, 1, 3, 3], 12);
    const dead = await engine.upload(randomTensor([1, 1, 5, 5], 13));
    dead.destroy();
    await expect(engine.conv2d(dead, w)).rejects.toBeInstanceOf(ShapeError);
    const foreign = await other.upload(randomTensor([1, 1, 5, 5], 14));
    await expect(engine.conv2d(foreign, w)).rejects.toBeInstanceOf(OptionError);
    other.destroy();
    expect(foreign.destroyed).toBe(true);
    expect(other.stats().tensors).toBe(0);
    const before = await engine.upload(randomTensor([1, 1, 5, 5], 15));
    engine.device.destroy();
    await new Promise((r) => setTimeout(r, 10));
    await expect(engine.conv2d(before, w)).rejects.toBeInstanceOf(DeviceLostError);
    await checkOp(engine, 'conv2d', randomTensor([1, 1, 5, 5], 16), w);
  });
});
