/**
 * Reliability: device loss and recovery, GPU errors inside an operation, 200 concurrent calls,
 * bounded memory over 2,000 calls, fuzzing with invalid input, and numerics at large magnitudes and
 * long reductions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ConvError,
  cpu,
  createEngine,
  DeviceLostError,
  GPUOperationError,
  type ConvEngine,
  type HostTensor,
  type RunInfo,
} from '../src/index.js';
import { abs, absOptions, checkOp, expectClose, expectMatchesReference, gamma, GENERAL_ALGORITHMS, randomTensor } from './support/compare.js';
import { useEngine } from './support/engines.js';

const t = (shape: number[], seed = 1): HostTensor => randomTensor(shape, seed);

describe('device loss', () => {
  it('in-flight calls reject with DeviceLostError; the next call gets a new device and succeeds', async () => {
    const engine = await useEngine('llvmpipe');
    await checkOp(engine, 'conv2d', t([1, 2, 8, 8]), t([2, 2, 3, 3], 2), { padding: 1 });
    const first = engine.device;
    const inflight = engine.conv2d(t([1, 4, 64, 64]), t([8, 4, 3, 3], 3), { padding: 1 });
    first.destroy();
    await expect(inflight).rejects.toBeInstanceOf(DeviceLostError);
    await checkOp(engine, 'convolve2d', t([9, 9], 4), t([3, 3], 5), { mode: 'same' });
    expect(engine.device).not.toBe(first);
    expect(engine.stats().deviceGeneration).toBe(1);
  });

  it('an engine given a device rejects clearly once that device is lost', async () => {
    const owner = await createEngine({ adapter: 'llvmpipe', quiet: true });
    const borrowed = await createEngine({ device: owner.device });
    owner.device.destroy();
    await new Promise((r) => setTimeout(r, 10));
    await expect(borrowed.conv2d(t([1, 1, 4, 4]), t([1, 1, 3, 3]))).rejects.toSatisfy(
      (e: unknown) => e instanceof DeviceLostError && /given to createEngine was lost/.test((e as Error).message),
    );
    borrowed.destroy();
    owner.destroy();
  });
});

describe('GPU errors inside an operation', () => {
  it('a validation error surfaces as GPUOperationError with op and shape; buffers go back; the engine stays usable', async () => {
    const engine = await useEngine('llvmpipe');
    await engine.conv2d(t([1, 1, 6, 6]), t([1, 1, 3, 3]));
    const device = engine.device;
    const original = device.createBindGroup.bind(device);
    // Sabotage one call of a new shape (a repeated one would reuse its cached bind groups): bind
    // groups lose their last entry, which WebGPU rejects as a validation error.
    device.createBindGroup = (d: GPUBindGroupDescriptor) => original({ ...d, entries: [...d.entries].slice(0, -1) });
    const err = await engine.conv2d(t([1, 1, 7, 7]), t([1, 1, 3, 3]), { algorithm: 'direct' }).catch((e: unknown) => e);
    device.createBindGroup = original;
    expect(err).toBeInstanceOf(GPUOperationError);
    expect((err as Error).message).toMatch(/conv2d \(direct; input \[1, 1, 7, 7\], weight \[1, 1, 3, 3\]\)/);
    const s = engine.stats();
    expect(s.bytesPooled).toBe(s.bytesAllocated);
    // The same call again works: the invalid bind group was not kept in the cache.
    await checkOp(engine, 'conv2d', t([1, 1, 7, 7]), t([1, 1, 3, 3]), { algorithm: 'direct' });
  });
});

describe('load and memory', () => {
  it('200 concurrent calls of mixed ops and shapes all equal the CPU reference', async () => {
    const engine = await useEngine('llvmpipe');
    const algorithms = ['auto', ...GENERAL_ALGORITHMS] as const;
    const calls = Array.from({ length: 200 }, (_, i) => {
      const algorithm = algorithms[i % algorithms.length];
      const kind = i % 5;
      if (kind === 0) return { op: 'conv2d' as const, a: t([1 + (i % 2), 3, 6 + (i % 7), 5 + (i % 3)], i), b: t([4, 3, 3, 3], 1000 + i), o: { padding: 1, algorithm } };
      if (kind === 1) return { op: 'conv1d' as const, a: t([1, 2, 10 + (i % 11)], i), b: t([3, 2, 4], 1000 + i), o: { padding: 'same' as const, algorithm } };
      if (kind === 2) return { op: 'convolve2d' as const, a: t([5 + (i % 4), 7], i), b: t([3, 2], 1000 + i), o: { mode: 'same' as const, boundary: 'symm' as const, algorithm } };
      if (kind === 3) return { op: 'correlate2d' as const, a: t([2, 6, 6 + (i % 5)], i), b: t([2, 3], 1000 + i), o: { mode: 'full' as const, boundary: 'wrap' as const, algorithm } };
      return { op: 'correlate1d' as const, a: t([20 + (i % 9)], i), b: t([5], 1000 + i), o: { mode: 'full' as const, algorithm } };
    });
    // Each call's own RunInfo says what ran (FFT results are compared normwise).
    const infos: Array<RunInfo | undefined> = [];
    const results = await Promise.all(
      calls.map((c, i) => (engine[c.op] as (a: HostTensor, b: HostTensor, o: object) => Promise<HostTensor>).call(engine, c.a, c.b, { ...c.o, onRun: (r: RunInfo) => (infos[i] = r) })),
    );
    results.forEach((got, i) => {
      const c = calls[i];
      if (!c) return;
      const info = infos[i] ?? expect.fail(`call ${i}: onRun was not called`);
      if (c.o.algorithm !== 'auto') expect(info.algorithm).toBe(c.o.algorithm);
      expectMatchesReference(c.op, c.a, c.b, c.o, info, got, `call ${i} ${c.op}`);
    });
  });

  it('2,000 mixed calls keep pooled memory under the cap; destroy() leaves nothing', async () => {
    const cap = 2 * 1024 * 1024;
    const engine = await createEngine({ adapter: 'llvmpipe', quiet: true, poolCapBytes: cap });
    try {
      let peakPooled = 0;
      for (let i = 0; i < 2000; i++) {
        const size = 4 + (i % 29);
        const x = t([1, 2, size, size + (i % 3)], i);
        const w = t([2 + (i % 3), 2, 3, 3], i + 1);
        await engine.conv2d(x, w, { padding: 1, algorithm: GENERAL_ALGORITHMS[i % GENERAL_ALGORITHMS.length] });
        peakPooled = Math.max(peakPooled, engine.stats().bytesPooled);
      }
      const s = engine.stats();
      expect(peakPooled).toBeLessThanOrEqual(cap);
      expect(s.bytesAllocated).toBeLessThan(2 * cap);
      expect(s.dispatches).toBeGreaterThanOrEqual(2000);
    } finally {
      engine.destroy();
    }
    expect(engine.stats().bytesAllocated).toBe(0);
    expect(engine.stats().buffersAllocated).toBe(0);
  });
});

describe('fuzzing with invalid input', () => {
  const anything = fc.oneof(
    fc.integer({ min: -3, max: 6 }),
    fc.double({ noNaN: false }),
    fc.constantFrom('same', 'valid', 'full', 'zeros', 'reflect', 'wrap', 'nope', '', null, undefined, true, [], [1], [1, 2], [[1, 1], [0, 0]], [[1], [2]], [1, 2, 3]),
  );
  const shapeArb = fc.array(fc.oneof(fc.integer({ min: -1, max: 5 }), fc.constant(1.5)), { minLength: 0, maxLength: 5 });
  const tensorArb = fc.record({ shape: shapeArb, extra: fc.integer({ min: -1, max: 1 }) }).map(({ shape, extra }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const len = Number.isInteger(n) && n > 0 ? n + extra : 3;
    return { data: new Float32Array(Math.max(0, len)), shape };
  });
  const ops = ['conv2d', 'conv1d', 'convolve2d', 'correlate2d', 'convolve1d', 'correlate1d'] as const;

  it('random invalid shapes and options (300 cases): a typed error, or a correct result — never a crash', async () => {
    const engine: ConvEngine = await useEngine('llvmpipe');
    type Op = (a: unknown, b: unknown, o: unknown) => Promise<HostTensor>;
    type Ref = (a: unknown, b: unknown, o: unknown) => HostTensor;
    let typed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ops),
        tensorArb,
        tensorArb,
        fc.dictionary(fc.constantFrom('stride', 'padding', 'dilation', 'groups', 'paddingMode', 'flip', 'mode', 'boundary', 'fillValue', 'algorithm', 'bias', 'typo'), anything, { maxKeys: 4 }),
        async (op, a, b, options) => {
          let expected: HostTensor | undefined;
          let refError: unknown;
          try {
            expected = (cpu[op] as Ref)(a, b, options);
          } catch (e) {
            refError = e;
          }
          const got = await (engine[op] as Op).call(engine, a, b, options).then(
            (r) => r,
            (e: unknown) => e,
          );
          if (refError !== undefined) {
            expect(refError).toBeInstanceOf(ConvError);
            expect(got).toBeInstanceOf(ConvError);
            expect((got as Error).message).toBe((refError as Error).message);
            typed++;
          } else if (expected) {
            expect(got).not.toBeInstanceOf(Error);
            const mag = (cpu[op] as Ref)(abs(a as HostTensor), abs(b as HostTensor), absOptions(options as Record<string, unknown>));
            expectClose(got as HostTensor, expected, mag, (b as HostTensor).data.length + 1, op);
          }
        },
      ),
      { numRuns: 300 },
    );
    expect(typed).toBeGreaterThan(150);
  });
});

describe('numerics', () => {
  it.each(GENERAL_ALGORITHMS)('large magnitudes (1e3–1e4) and a 4,608-long reduction stay within the float32 bound (%s)', async (algorithm) => {
    const engine = await useEngine('llvmpipe');
    const x = t([1, 512, 6, 6], 50);
    const w = t([4, 512, 3, 3], 51);
    x.data.forEach((v, i) => (x.data[i] = v * (1e3 + 9e3 * ((i * 7919) % 101) / 100)));
    w.data.forEach((v, i) => (w.data[i] = v * 1e3));
    const got = await checkOp(engine, 'conv2d', x, w, { padding: 1, algorithm });
    // Record the observed error relative to the bound's scale Σ|x·w| (the README quotes these).
    const ref = cpu.conv2d(x, w, { padding: 1 });
    const mag = cpu.conv2d(abs(x), abs(w), { padding: 1 });
    let worst = 0;
    got.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (ref.data[i] as number)) / (mag.data[i] as number))));
    expect(worst).toBeLessThanOrEqual(gamma(4608));
    console.log(`numerics ${algorithm}: max |gpu − ref| / Σ|x·w| = ${worst.toExponential(2)} (bound γ_4608 = ${gamma(4608).toExponential(2)})`);
  });
});
