/**
 * Autotuning (engine.tune, autotune: true, export/import) on llvmpipe: every applicable algorithm
 * and variant is timed, the winner is recorded per shape key and run by 'auto' (checked against the
 * CPU reference with that algorithm's tolerance), and the table moves between engines of the same
 * adapter only. No timing is asserted: which candidate wins is the machine's business.
 */
import { describe, expect, it } from 'vitest';
import { ALGORITHM_NAMES, OptionError } from '../src/index.js';
import { checkOp, randomTensor, runWithInfo } from './support/compare.js';
import { useEngine } from './support/engines.js';

const x = randomTensor([1, 8, 12, 12], 1);
const w = randomTensor([16, 8, 3, 3], 2);
const options = { padding: 1 };

describe('engine.tune', () => {
  it('times every applicable algorithm and variant, records the winner, and auto then runs it', async () => {
    const engine = await useEngine('llvmpipe');
    const result = await engine.tune('conv2d', x, w, options);
    expect(result.method).toBe('wall-clock'); // llvmpipe has no timestamp queries
    const timed = result.candidates.filter((c) => c.ms !== undefined);
    // Every registered algorithm appears; im2col with each of its GEMM kernels.
    expect(new Set(result.candidates.map((c) => c.algorithm))).toEqual(new Set(ALGORITHM_NAMES));
    expect(timed.filter((c) => c.algorithm === 'im2col').map((c) => c.variant).sort()).toEqual(['implicit', 'register', 'shared', 'uniform']);
    const fastest = Math.min(...timed.map((c) => c.ms as number));
    expect(result.ms).toBe(fastest);
    expect(timed.find((c) => c.ms === fastest)).toMatchObject({ algorithm: result.algorithm, variant: result.variant });
    // 'auto' now runs the winner, and says so.
    await checkOp(engine, 'conv2d', x, w, options, 'after tuning', {
      algorithm: result.algorithm,
      variant: result.variant,
      reason: expect.stringMatching(/^autotuned: /) as unknown as string,
    });
    const e = engine.explain('conv2d', x, w, options);
    expect(e).toMatchObject({ algorithm: result.algorithm, variant: result.variant, tuned: { algorithm: result.algorithm, variant: result.variant, ms: result.ms } });
  });

  it('times both ways of running a long rank-1 kernel separably (direct passes and FFT passes) and replays the winner', async () => {
    const engine = await useEngine('llvmpipe');
    const col = Float32Array.from({ length: 70 }, (_, i) => Math.exp(-((i - 34.5) ** 2) / 300));
    const kernel = { data: Float32Array.from({ length: 70 * 70 }, (_, i) => (col[Math.floor(i / 70)] as number) * (col[i % 70] as number)), shape: [70, 70] };
    const image = randomTensor([48, 52], 9);
    const filter = { mode: 'same', boundary: 'symm' } as const;
    const result = await engine.tune('correlate2d', image, kernel, filter);
    const separable = result.candidates.filter((c) => c.algorithm === 'separable' && c.ms !== undefined).map((c) => c.variant);
    expect(separable).toEqual([expect.stringMatching(/^rows70\+cols70/), expect.stringMatching(/^fft rows70@.* cols70@/)]);
    await checkOp(engine, 'correlate2d', image, kernel, filter, 'after tuning', { algorithm: result.algorithm, variant: result.variant });
  });

  it('shape keys round batch and channels up to powers of two; other sizes are other keys', async () => {
    const engine = await useEngine('llvmpipe');
    const t = await engine.tune('conv2d', x, w, options);
    const { info: same } = await runWithInfo(engine, 'conv2d', randomTensor([1, 7, 12, 12], 3), randomTensor([13, 7, 3, 3], 4), options);
    expect(same.reason).toMatch(/^autotuned: /);
    expect(same).toMatchObject({ algorithm: t.algorithm, variant: t.variant });
    const { info: other } = await runWithInfo(engine, 'conv2d', randomTensor([1, 8, 13, 12], 5), w, options);
    expect(other.reason).toMatch(/^auto: least estimated cost/);
  });

  it('exportTuning / importTuning: the same adapter takes the table; another adapter or candidate set does not', async () => {
    const a = await useEngine('llvmpipe');
    const t = await a.tune('conv2d', x, w, options);
    const exported = a.exportTuning();
    const b = await useEngine('llvmpipe');
    expect(b.importTuning(JSON.stringify(exported))).toBe(1);
    const { info } = await runWithInfo(b, 'conv2d', x, w, options);
    expect(info).toMatchObject({ algorithm: t.algorithm, variant: t.variant });
    expect(b.importTuning({ ...exported, adapter: 'another GPU' })).toBe(0);
    expect(b.importTuning({ ...exported, algorithms: '0:direct' })).toBe(0);
    expect(() => b.importTuning('{not json')).toThrow(OptionError);
    expect(() => b.importTuning({ ...exported, entries: { k: { algorithm: 'nope', variant: 'x', ms: 1 } } } as never)).toThrow(OptionError);
  });

  it('tuningStorage (localStorage-like, opt-in): the table is saved after tuning and read by the next engine', async () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    const a = await useEngine('llvmpipe', { tuningStorage: storage });
    const t = await a.tune('conv2d', x, w, options);
    expect(JSON.parse(store.get('webgpu-conv.tuning') ?? '{}')).toMatchObject({ entries: { [t.key]: { algorithm: t.algorithm, variant: t.variant } } });
    const b = await useEngine('llvmpipe', { tuningStorage: storage });
    expect(b.explain('conv2d', x, w, options).tuned).toMatchObject({ algorithm: t.algorithm, variant: t.variant });
    // A table that does not parse is dropped, not fatal.
    store.set('webgpu-conv.tuning', '{broken');
    const c = await useEngine('llvmpipe', { tuningStorage: storage });
    expect(c.explain('conv2d', x, w, options).tuned).toBeUndefined();
  });

  it('autotune: true tunes the first call of a key once, even when calls of it run concurrently', async () => {
    const engine = await useEngine('llvmpipe', { autotune: true });
    const reasons: string[] = [];
    await Promise.all([0, 1, 2].map(() => engine.conv2d(x, w, { ...options, onRun: (i) => reasons.push(i.reason) })));
    // Each call runs the tuned winner (tuning's own timed runs report 'tuning: …' to nobody).
    expect(reasons).toHaveLength(3);
    for (const r of reasons) expect(r).toMatch(/^autotuned: /);
    expect(Object.keys(engine.exportTuning().entries)).toHaveLength(1);
    await checkOp(engine, 'conv2d', x, w, options, 'autotuned');
  });

  it('a job split to fit the device cannot be tuned (OptionError); autotune then leaves it to the cost model', async () => {
    const engine = await useEngine('llvmpipe', { autotune: true, limits: { maxStorageBufferBindingSize: 4096, maxBufferSize: 4096 } });
    const big = randomTensor([3, 2, 12, 12], 6);
    const k = randomTensor([5, 2, 3, 3], 7);
    await expect(engine.tune('conv2d', big, k, options)).rejects.toThrow(/must fit one buffer binding/);
    await checkOp(engine, 'conv2d', big, k, options, 'split, not tuned', { reason: expect.stringMatching(/^auto: /) as unknown as string });
    expect(Object.keys(engine.exportTuning().entries)).toHaveLength(0);
  });
});
