/**
 * The `out` option: host results written into the caller's array (every op, one piece or split,
 * reversed correlations, the CPU reference too), and its validation.
 */
import { describe, expect, it } from 'vitest';
import { cpu, OptionError, ShapeError, type ConvEngine, type RunInfo } from '../src/index.js';
import { abs, absOptions, expectClose, randomTensor, reductionLength, type OpName } from './support/compare.js';
import { useEngine } from './support/engines.js';

type Case = [op: OpName, a: number[], b: number[], options: Record<string, unknown>];
const CASES: Case[] = [
  ['conv2d', [2, 3, 9, 10], [4, 3, 3, 3], { padding: 1, bias: randomTensor([4], 3).data }],
  ['conv1d', [2, 2, 40], [3, 2, 5], { padding: 'same' }],
  ['convolve2d', [11, 13], [3, 4], { mode: 'same', boundary: 'symm' }],
  // 'valid' with the kernel larger than the image: the operands swap and the planes are reversed.
  ['correlate2d', [2, 3], [5, 6], { mode: 'valid' }],
  ['convolve1d', [3, 30], [7], { mode: 'full' }],
  ['correlate1d', [4], [9], { mode: 'same' }],
];

/** Runs `op` with a NaN-filled `out` and checks the result landed in it, matching the CPU reference. */
/** Runs the case into a NaN-filled `out` and checks it; returns the call's RunInfo. */
async function checkInto(engine: ConvEngine, [op, as, bs, options]: Case, label: string): Promise<RunInfo> {
  const a = randomTensor(as, 10 + as.length);
  const b = randomTensor(bs, 20 + bs.length);
  const ref = cpu[op](a, b, options as never);
  const mag = cpu[op](abs(a), abs(b), absOptions(options) as never);
  const out = new Float32Array(ref.data.length).fill(Number.NaN);
  let info: RunInfo | undefined;
  const onRun = (i: RunInfo) => (info = i);
  const got = await (engine[op] as (a: unknown, b: unknown, o: unknown) => Promise<{ data: Float32Array; shape: number[] }>).call(engine, a, b, { ...options, out, onRun });
  expect(got.data).toBe(out);
  expect(got.shape).toEqual(ref.shape);
  expectClose(got, ref, mag, reductionLength(op, a, b, options as never), label);
  return info ?? expect.fail(`${label}: onRun was not called`);
}

describe('out: host results in the caller\'s array', () => {
  it.each(CASES)('%s on llvmpipe', async (...c) => {
    const engine = await useEngine('llvmpipe');
    await checkInto(engine, c, `${c[0]} into out`);
    // The same array again: overwritten, not accumulated.
    await checkInto(engine, c, `${c[0]} into out, second call`);
  });

  it('a job split into pieces assembles them in out', async () => {
    const engine = await useEngine('llvmpipe', { limits: { maxStorageBufferBindingSize: 4096, maxBufferSize: 4096 } });
    expect((await checkInto(engine, ['conv2d', [3, 2, 12, 12], [5, 2, 3, 3], { padding: 1 }], 'split conv2d into out')).pieces).toBeGreaterThan(1);
    expect((await checkInto(engine, ['correlate2d', [40, 30], [5, 4], { mode: 'same', boundary: 'reflect' }], 'split correlate2d into out')).pieces).toBeGreaterThan(1);
  });

  it('the CPU reference writes into out as well', () => {
    const x = randomTensor([1, 2, 6, 5], 1);
    const w = randomTensor([3, 2, 3, 3], 2);
    const out = new Float32Array(3 * 6 * 5);
    const r = cpu.conv2d(x, w, { padding: 1, out });
    expect(r.data).toBe(out);
    expect([...out]).toEqual([...cpu.conv2d(x, w, { padding: 1 }).data]);
  });

  it('a part of a larger array that does not overlap the inputs is accepted', async () => {
    const engine = await useEngine('llvmpipe');
    const backing = new Float32Array(2 * 36 + 8 * 8);
    const x = { data: backing.subarray(0, 64), shape: [8, 8] };
    x.data.set(randomTensor([8, 8], 5).data);
    const k = randomTensor([3, 3], 6);
    const out = backing.subarray(64, 64 + 36);
    const r = await engine.correlate2d(x, k, { mode: 'valid', out });
    expect(r.data).toBe(out);
    expectClose(r, cpu.correlate2d(x, k, { mode: 'valid' }), cpu.correlate2d(abs(x), abs(k), { mode: 'valid' }), 9, 'subarray out');
  });
});

describe("out: a GpuTensor with output: 'gpu' (the result written into it, no new buffer)", () => {
  it.each(CASES)('%s %j → %j: resolves to the given tensor, which holds the result', async (op, as, bs, options) => {
    const engine = await useEngine('llvmpipe');
    const a = randomTensor(as, 30 + as.length);
    const b = randomTensor(bs, 40 + bs.length);
    const ref = cpu[op](a, b, options as never);
    const mag = cpu[op](abs(a), abs(b), absOptions(options) as never);
    const out = await engine.upload({ data: new Float32Array(ref.data.length).fill(Number.NaN), shape: [ref.data.length] });
    const bytes = engine.stats().tensorBytes;
    const r = await (engine[op] as (a: unknown, b: unknown, o: unknown) => Promise<unknown>).call(engine, a, b, { ...options, output: 'gpu', out });
    expect(r).toBe(out);
    expect(engine.stats().tensorBytes).toBe(bytes);
    expectClose({ data: (await out.read()).data, shape: ref.shape }, ref, mag, reductionLength(op, a, b, options), `${op} into a GpuTensor`);
    out.destroy();
  });

  it('a job split into pieces writes its assembled result into the tensor too', async () => {
    const small = await useEngine('llvmpipe', { limits: { maxStorageBufferBindingSize: 4096 } });
    // The input (11.5 KiB) exceeds the 4 KiB binding; the stride-2 result (960 B) fits one tensor.
    const x = randomTensor([2, 3, 24, 20], 3);
    const w = randomTensor([1, 3, 3, 3], 4);
    const o = { padding: 1, stride: 2 };
    const ref = cpu.conv2d(x, w, o);
    const out = await small.upload({ data: new Float32Array(ref.data.length), shape: ref.shape });
    let pieces = 0;
    const r = await small.conv2d(x, w, { ...o, output: 'gpu', out, onRun: (i) => (pieces = i.pieces) });
    expect(pieces).toBeGreaterThan(1);
    expect(r).toBe(out);
    expectClose({ data: (await out.read()).data, shape: ref.shape }, ref, cpu.conv2d(abs(x), abs(w), o), 27, 'split into a GpuTensor');
  });

  it('rfft into a GpuTensor', async () => {
    const engine = await useEngine('llvmpipe');
    const x = randomTensor([4, 64], 8);
    const out = await engine.upload({ data: new Float32Array(4 * 33 * 2), shape: [4, 33, 2] });
    expect(await engine.rfft(x, { output: 'gpu', out })).toBe(out);
    const ref = cpu.rfft(x).data;
    const got = (await out.read()).data;
    const scale = Math.max(...ref.map(Math.abs));
    for (let i = 0; i < ref.length; i++) expect(Math.abs((got[i] as number) - (ref[i] as number))).toBeLessThanOrEqual(64 * 2 ** -24 * 6 * scale);
  });

  it('bad GPU outs: wrong size, an input, destroyed, without output gpu, another engine, the CPU reference', async () => {
    const engine = await useEngine('llvmpipe');
    const other = await useEngine('llvmpipe');
    const x = randomTensor([1, 1, 5, 5], 1);
    const w = randomTensor([2, 1, 3, 3], 2);
    const gx = await engine.upload(x);
    const wrong = await engine.upload({ data: new Float32Array(17), shape: [17] });
    await expect(engine.conv2d(x, w, { output: 'gpu', out: wrong })).rejects.toThrow(ShapeError);
    const same = await engine.upload({ data: new Float32Array(25), shape: [1, 1, 5, 5] });
    await expect(engine.conv2d(same, randomTensor([1, 1, 3, 3], 4), { output: 'gpu', out: same, padding: 1 })).rejects.toThrow(/out is also an input/);
    const gone = await engine.upload({ data: new Float32Array(18), shape: [18] });
    gone.destroy();
    await expect(engine.conv2d(x, w, { output: 'gpu', out: gone })).rejects.toThrow(ShapeError);
    const ok = await engine.upload({ data: new Float32Array(18), shape: [18] });
    await expect(engine.conv2d(x, w, { out: ok })).rejects.toThrow(/a GpuTensor out needs output: 'gpu'/);
    const foreign = await other.upload({ data: new Float32Array(18), shape: [18] });
    await expect(engine.conv2d(gx, w, { output: 'gpu', out: foreign })).rejects.toThrow(/another engine/);
    expect(() => cpu.conv2d(x, w, { output: 'gpu', out: ok } as never)).toThrow(/the CPU reference returns host tensors/);
  });
});

describe('out: bad values reject with typed errors', () => {
  const x = randomTensor([1, 1, 5, 5], 1);
  const w = randomTensor([2, 1, 3, 3], 2);
  it.each([
    ['not a Float32Array', { out: new Float64Array(18) }, OptionError, /out must be a Float32Array/],
    ['too short', { out: new Float32Array(17) }, ShapeError, /out has 17 elements, the result has 18/],
    ['too long', { out: new Float32Array(19) }, ShapeError, /out has 19 elements/],
    ['a Float32Array with output gpu', { out: new Float32Array(18), output: 'gpu' }, OptionError, /with output: 'gpu', out must be a GpuTensor/],
    ['sharing memory with the input', { out: x.data.subarray(0, 18) }, OptionError, /shares memory with an input/],
  ] as const)('%s', async (_name, options, type, message) => {
    const engine = await useEngine('llvmpipe');
    await expect(engine.conv2d(x, w, options as never)).rejects.toSatisfy((e: unknown) => e instanceof type && message.test((e as Error).message));
    expect(() => cpu.conv2d(x, w, options as never)).toThrow(type);
  });

  it('sharing memory with the bias or the kernel', async () => {
    const engine = await useEngine('llvmpipe');
    const bias = new Float32Array(20);
    await expect(engine.conv2d(x, w, { bias: bias.subarray(0, 2), out: bias.subarray(1, 19) })).rejects.toBeInstanceOf(OptionError);
    const k = randomTensor([3, 3], 3);
    await expect(engine.convolve2d({ data: x.data, shape: [5, 5] }, k, { mode: 'valid', out: k.data })).rejects.toBeInstanceOf(OptionError);
  });
});
