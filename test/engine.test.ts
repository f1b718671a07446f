/**
 * The engine's contract around the kernels: bad input rejects with typed errors before any GPU work,
 * lifecycle (destroy, external devices, disposal), adapter info, caching and pooling.
 */
import { describe, expect, it } from 'vitest';
import {
  ConvError,
  createEngine,
  EngineDestroyedError,
  OptionError,
  ShapeError,
  type ConvEngine,
  type HostTensor,
  type RunInfo,
} from '../src/index.js';
import { expectMatchesReference, GENERAL_ALGORITHMS, randomTensor } from './support/compare.js';
import { useEngine } from './support/engines.js';

const t = (shape: number[]): HostTensor => randomTensor(shape, 1);
const bad = (data: number, shape: number[]): HostTensor => ({ data: new Float32Array(data), shape });

type Call = (e: ConvEngine) => Promise<unknown>;
const INVALID: Array<[string, typeof ShapeError | typeof OptionError, RegExp, Call]> = [
  ['data length ≠ shape product', ShapeError, /data length 5 does not match shape \[1, 1, 2, 2\]/, (e) => e.conv2d(bad(5, [1, 1, 2, 2]), t([1, 1, 1, 1]))],
  ['wrong rank', ShapeError, /input must have rank 4/, (e) => e.conv2d(t([1, 2, 2]), t([1, 1, 1, 1]))],
  ['channels ≠ C/groups', ShapeError, /weight has 3 input channels per group, expected C\/groups = 4\/2 = 2/, (e) => e.conv2d(t([1, 4, 3, 3]), t([2, 3, 1, 1]), { groups: 2 })],
  ['groups not dividing C', ShapeError, /groups=3 must divide input channels C=4/, (e) => e.conv2d(t([1, 4, 3, 3]), t([3, 1, 1, 1]), { groups: 3 })],
  ['groups not dividing K', ShapeError, /groups=2 must divide output channels K=3/, (e) => e.conv2d(t([1, 4, 3, 3]), t([3, 2, 1, 1]), { groups: 2 })],
  ['zero stride', OptionError, /stride must be a positive integer, got 0/, (e) => e.conv2d(t([1, 1, 3, 3]), t([1, 1, 1, 1]), { stride: 0 })],
  ['negative dilation', OptionError, /dilation must be a positive integer, got -1/, (e) => e.conv1d(t([1, 1, 3]), t([1, 1, 1]), { dilation: -1 })],
  ['non-integer padding', OptionError, /padding must be a non-negative integer, got 1.5/, (e) => e.conv2d(t([1, 1, 3, 3]), t([1, 1, 1, 1]), { padding: 1.5 })],
  ['non-integer shape', ShapeError, /must hold positive integers/, (e) => e.conv2d(bad(3, [1, 1, 1.5, 2]), t([1, 1, 1, 1]))],
  ['output size ≤ 0', ShapeError, /smaller than the dilated kernel size 5/, (e) => e.conv2d(t([1, 1, 4, 4]), t([1, 1, 3, 3]), { dilation: 2 })],
  ['bias length', ShapeError, /bias has length 3, expected K=2/, (e) => e.conv2d(t([1, 1, 3, 3]), t([2, 1, 1, 1]), { bias: new Float32Array(3) })],
  ['unknown paddingMode', OptionError, /paddingMode must be one of 'zeros', 'reflect', 'replicate', 'circular', got 'mirror'/, (e) => e.conv2d(t([1, 1, 3, 3]), t([1, 1, 1, 1]), { paddingMode: 'mirror' as never })],
  ['unknown algorithm', OptionError, /algorithm must be one of/, (e) => e.conv2d(t([1, 1, 3, 3]), t([1, 1, 1, 1]), { algorithm: 'no-such-algorithm' as never })],
  ['unknown option key', OptionError, /unknown option 'padding_mode'/, (e) => e.conv2d(t([1, 1, 3, 3]), t([1, 1, 1, 1]), { padding_mode: 'zeros' } as never)],
  ["'same' with stride 2", OptionError, /padding='same' is not supported for strided convolutions/, (e) => e.conv2d(t([1, 1, 5, 5]), t([1, 1, 3, 3]), { padding: 'same', stride: 2 })],
  ['reflect padding ≥ size', OptionError, /'reflect' needs padding < input size, got padding 3 for size 3/, (e) => e.conv2d(t([1, 1, 3, 3]), t([1, 1, 3, 3]), { padding: 3, paddingMode: 'reflect' })],
  ['unknown mode', OptionError, /mode must be one of 'full', 'same', 'valid', got 'half'/, (e) => e.convolve2d(t([3, 3]), t([2, 2]), { mode: 'half' as never })],
  ['unknown boundary', OptionError, /boundary must be one of/, (e) => e.correlate2d(t([3, 3]), t([2, 2]), { boundary: 'mirror' as never })],
  ['fillValue not a number', OptionError, /fillValue must be a number/, (e) => e.convolve2d(t([3, 3]), t([2, 2]), { fillValue: '0' as never })],
  ['valid, neither contains the other', ShapeError, /one of image \[3, 5\] and kernel \[4, 2\] must be at least as large/, (e) => e.convolve2d(t([3, 5]), t([4, 2]), { mode: 'valid' })],
  ['kernel of rank 3 for convolve2d', ShapeError, /kernel must have rank 2/, (e) => e.convolve2d(t([3, 3]), t([1, 2, 2]))],
  ['1-D signal of rank 3', ShapeError, /signal must have rank 1 or 2/, (e) => e.convolve1d(t([1, 1, 3]), t([2]))],
  ['not a tensor', ShapeError, /input must be \{ data: Float32Array, shape: number\[\] \}/, (e) => e.conv2d([1, 2, 3] as never, t([1, 1, 1, 1]))],
  ['Float64Array data', ShapeError, /weight must be \{ data: Float32Array/, (e) => e.conv2d(t([1, 1, 2, 2]), { data: new Float64Array(1), shape: [1, 1, 1, 1] } as never)],
  ['flip not boolean', OptionError, /flip must be a boolean/, (e) => e.conv2d(t([1, 1, 2, 2]), t([1, 1, 1, 1]), { flip: 1 as never })],
];

describe('bad input rejects with typed errors before any GPU work', async () => {
  const engine = await useEngine('llvmpipe');
  it.each(INVALID)('%s', async (_name, type, message, call) => {
    const before = engine.stats().dispatches;
    const err = await call(engine).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(type);
    expect(err).toBeInstanceOf(ConvError);
    expect((err as Error).message).toMatch(message);
    expect(engine.stats().dispatches).toBe(before);
  });
});

describe('lifecycle', () => {
  it('reports the adapter, limits and features', async () => {
    const engine = await useEngine('llvmpipe');
    expect(engine.adapterInfo).toMatchObject({ source: 'llvmpipe', isSoftware: true, featureLevel: 'compatibility' });
    expect(engine.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 << 20);
    // limits and features are the live device's, not copies.
    expect(engine.limits).toBe(engine.device.limits);
    expect(engine.features).toBe(engine.device.features);
    // The engine raises these limits to the adapter's maximum and asks for 'timestamp-query' when the
    // adapter has it: compare with the adapter itself, found the way the engine finds it.
    const { create } = await import('webgpu');
    const adapter = await create(['backend=opengles']).requestAdapter({ featureLevel: 'compatibility' });
    if (!adapter) throw new Error('no llvmpipe adapter from a second Dawn instance');
    expect(adapter.info.description).toBe(engine.adapterInfo.description);
    for (const name of ['maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup'] as const) {
      expect(engine.limits[name], name).toBe(adapter.limits[name]);
    }
    expect(engine.features.has('timestamp-query')).toBe(adapter.features.has('timestamp-query'));
    // A set of feature names, every one of which the adapter offers.
    for (const f of engine.features) {
      expect(typeof f).toBe('string');
      expect(adapter.features.has(f), f).toBe(true);
    }
  });

  it('caches pipelines and reuses pooled buffers across calls', async () => {
    const engine = await createEngine({ adapter: 'llvmpipe', quiet: true });
    try {
      const x = t([1, 2, 9, 9]);
      const w = t([3, 2, 3, 3]);
      await engine.conv2d(x, w, { padding: 1, algorithm: 'tiled' });
      const first = engine.stats();
      for (let i = 0; i < 5; i++) await engine.conv2d(x, w, { padding: 1, algorithm: 'tiled' });
      const after = engine.stats();
      expect(after.pipelinesCached).toBe(first.pipelinesCached);
      expect(after.bytesAllocated).toBe(first.bytesAllocated);
      expect(after.bytesPooled).toBe(after.bytesAllocated);
      expect(after.algorithms.tiled).toBe(6);
    } finally {
      engine.destroy();
    }
  });

  it('rejects calls after destroy(), and destroy() frees everything', async () => {
    const engine = await createEngine({ adapter: 'llvmpipe', quiet: true });
    await engine.conv2d(t([1, 1, 4, 4]), t([1, 1, 3, 3]));
    engine.destroy();
    expect(engine.stats().bytesAllocated).toBe(0);
    await expect(engine.conv2d(t([1, 1, 4, 4]), t([1, 1, 3, 3]))).rejects.toBeInstanceOf(EngineDestroyedError);
    engine.destroy(); // idempotent
  });

  it('does not destroy a device it was given, and supports `using`-style disposal', async () => {
    const owner = await createEngine({ adapter: 'llvmpipe', quiet: true });
    try {
      const borrowed = await createEngine({ device: owner.device });
      expect(borrowed.adapterInfo.source).toBe('external');
      await borrowed.conv2d(t([1, 1, 4, 4]), t([1, 1, 3, 3]));
      borrowed[Symbol.dispose]();
      await expect(borrowed.conv1d(t([1, 1, 4]), t([1, 1, 2]))).rejects.toBeInstanceOf(EngineDestroyedError);
      // The owner's device still works.
      const r = await owner.conv2d(t([1, 1, 4, 4]), t([1, 1, 3, 3]));
      expect(r.shape).toEqual([1, 1, 2, 2]);
    } finally {
      owner.destroy();
    }
  });

  it('rejects an unknown adapter choice and bad limits with OptionError', async () => {
    await expect(createEngine({ adapter: 'metal' as never })).rejects.toBeInstanceOf(OptionError);
    await expect(createEngine({ adapter: 'llvmpipe', quiet: true, limits: { maxBufferSize: 0 } })).rejects.toBeInstanceOf(OptionError);
    await expect(createEngine({ adapter: 'llvmpipe', quiet: true, separablePasses: 'winograd' as never })).rejects.toThrow(/separablePasses must be 'direct' or 'fft', got winograd/);
  });

  it('runs many concurrent calls of mixed ops without mixing their data', async () => {
    const engine = await useEngine('llvmpipe');
    const jobs = Array.from({ length: 24 }, (_, i) => {
      const x = randomTensor([1, 1, 5 + (i % 4), 6], 100 + i);
      const w = randomTensor([1, 1, 3, 3], 200 + i);
      const options = { padding: 1, algorithm: GENERAL_ALGORITHMS[i % GENERAL_ALGORITHMS.length] };
      let info: RunInfo | undefined;
      return { x, w, options, info: () => info, p: engine.conv2d(x, w, { ...options, onRun: (r) => (info = r) }) };
    });
    for (const [i, { x, w, options, info, p }] of jobs.entries()) {
      const result = await p;
      expect(info()?.algorithm, `job ${i}`).toBe(options.algorithm);
      expectMatchesReference('conv2d', x, w, options, info() as RunInfo, result, `job ${i}`);
    }
  });
});
