/**
 * The GPU FFT (engine.fft, ifft, rfft, irfft, rfft2, irfft2) against the float64 CPU reference.
 *
 * Tolerance (normwise, per transform): an FFT of length N in floating point with twiddles rounded
 * once from exact values satisfies ‖fl(X) − X‖₂ ≤ (μ + γ₄(√2 + μ))·log2 N / (1 − …) · ‖X‖₂ per
 * binary level (Higham, Accuracy and Stability, Thm 24.2; μ = u for our f32 tables), i.e. about
 * 6.7·u·log2 N. Our radix-8/4/3/5/7 butterflies do no worse per binary level. So each transform's
 * result must satisfy
 *   ‖X − X_ref‖₂ ≤ (C·log2(N) + C0)·u·‖X_ref‖₂,  C = 7, C0 = 4
 * with N the transform's length (H·W in 2-D), C0 covering the real-input pre/post-processing, the
 * scaling and the float32 rounding of the reference. Bluestein runs three transforms of length
 * M ≥ 2N − 1 plus two chirp products: its bound uses 3·C·log2(M) + C0. Observed errors are ~20×
 * below these bounds (README, "FFT"); u = 2⁻²⁴.
 */
import { describe, expect, it } from 'vitest';
import { cpu, GpuTensor, OptionError, ShapeError, type FftRunInfo, type HostTensor } from '../src/index.js';
import { nextFastLength, isFastLength } from '../src/fft/index.js';
import { randomTensor } from '../src/testing.js';
import { useEngine } from './support/engines.js';

const U = 2 ** -24;
const C = 7;
const C0 = 4;

/** The bound's factor (C·log2 N + C0, Bluestein 3·C·log2 M + C0) for a transform of length n (a product of axes). */
function factor(lengths: number[]): number {
  let f = C0;
  for (const n of lengths) {
    if (n <= 1) continue;
    // The length actually transformed (even real rows run at n/2, but the bound in n covers it).
    f += isFastLength(n) ? C * Math.log2(n) : 3 * C * Math.log2(nextFastLength(2 * n - 1));
  }
  return f;
}

/** Asserts shape and, per block of `block` values, the normwise bound; returns the largest ‖ΔX‖/(u·‖X‖). */
function expectNormwise(got: HostTensor, ref: HostTensor, block: number, lengths: number[], label: string): number {
  expect(got.shape, label).toEqual(ref.shape);
  const bound = factor(lengths);
  let worst = 0;
  for (let b = 0; b * block < ref.data.length; b++) {
    let d = 0, n = 0;
    for (let i = b * block; i < (b + 1) * block; i++) {
      d += ((got.data[i] as number) - (ref.data[i] as number)) ** 2;
      n += (ref.data[i] as number) ** 2;
    }
    const ratio = Math.sqrt(d) / (U * Math.sqrt(n) || 1);
    worst = Math.max(worst, ratio);
    if (!(ratio <= bound)) expect.fail(`${label} block ${b}: ‖ΔX‖ = ${ratio.toFixed(2)}·u·‖X‖ > ${bound.toFixed(1)}·u·‖X‖`);
  }
  return worst;
}

const engine = await useEngine('llvmpipe');
// Workgroup memory of 256 bytes holds 16 complex values: long lengths run four-step or multipass.
const small = await useEngine('llvmpipe', { limits: { maxComputeWorkgroupStorageSize: 256 } });

async function run(e: typeof engine, op: 'fft' | 'ifft' | 'rfft' | 'irfft' | 'rfft2' | 'irfft2', x: HostTensor | GpuTensor, o: object = {}): Promise<{ y: HostTensor; info: FftRunInfo }> {
  let info: FftRunInfo | undefined;
  const y = (await (e[op] as (x: unknown, o: unknown) => Promise<HostTensor>)(x, { ...o, onRun: (i: FftRunInfo) => (info = i) }));
  if (!info) return expect.fail(`${op}: onRun was not called`);
  expect(info.pieces).toBe(1);
  expect(info.dispatches).toBeGreaterThan(0);
  return { y, info };
}

const LENGTHS: Array<[number, string]> = [
  [1, 'workgroup'], [2, 'workgroup'], [3, 'workgroup'], [5, 'workgroup'], [7, 'workgroup'], [8, 'workgroup'],
  [12, 'workgroup'], [16, 'workgroup'], [60, 'workgroup'], [97, 'bluestein'], [128, 'workgroup'], [1000, 'workgroup'],
  [4096, 'fourstep'], [4099, 'bluestein'], [2 ** 15, 'fourstep'],
];

describe('GPU FFT vs the float64 reference', () => {
  it.each(LENGTHS)('fft / ifft of length %i (%s)', async (n, variant) => {
    const x = randomTensor([3, n, 2], n);
    const f = await run(engine, 'fft', x);
    expect(f.info).toMatchObject({ op: 'fft', variant });
    expectNormwise(f.y, cpu.fft(x), 2 * n, [n], `fft ${n}`);
    const i = await run(engine, 'ifft', x);
    expect(i.info.variant).toBe(variant);
    expectNormwise(i.y, cpu.ifft(x), 2 * n, [n], `ifft ${n}`);
  });

  it.each(LENGTHS)('rfft / irfft of length %i', async (n) => {
    const x = randomTensor([2, n], 7 * n);
    const X = await run(engine, 'rfft', x);
    const ref = cpu.rfft(x);
    expectNormwise(X.y, ref, ref.data.length / 2, [n], `rfft ${n}`);
    // irfft of the reference spectrum (any Hermitian-or-not input) against cpu.irfft.
    const back = await run(engine, 'irfft', ref, { n });
    expectNormwise(back.y, cpu.irfft(ref, { n }), n, [n], `irfft ${n}`);
  });

  it.each([[64, 'fourstep'], [97, 'bluestein'], [4096, 'multipass'], [1000, 'multipass']] as Array<[number, string]>)(
    'small workgroup memory: length %i runs %s', async (n, variant) => {
      const x = randomTensor([2, n, 2], n + 5);
      const f = await run(small, 'fft', x);
      expect(f.info.variant).toBe(variant);
      expectNormwise(f.y, cpu.fft(x), 2 * n, [n], `fft ${n} (${variant})`);
      const r = randomTensor([3, 2 * n], n + 6);
      expectNormwise((await run(small, 'rfft', r)).y, cpu.rfft(r), 2 * (n + 1), [2 * n], `rfft ${2 * n}`);
    });

  it.each([[1, 1, 'workgroup'], [3, 5, 'workgroup'], [64, 48, 'workgroup'], [127, 90, 'workgroup+bluestein']] as Array<[number, number, string]>)(
    'rfft2 / irfft2 of %i×%i', async (H, W, variant) => {
      const x = randomTensor([2, H, W], H * 1000 + W);
      const X = await run(engine, 'rfft2', x);
      expect(X.info.variant).toBe(variant);
      const ref = cpu.rfft2(x);
      expectNormwise(X.y, ref, ref.data.length / 2, [H, W], `rfft2 ${H}×${W}`);
      const back = await run(engine, 'irfft2', ref, { s: [H, W] });
      expectNormwise(back.y, cpu.irfft2(ref, { s: [H, W] }), H * W, [H, W], `irfft2 ${H}×${W}`);
      // Round trip.
      expectNormwise((await run(engine, 'irfft2', X.y, { s: [H, W] })).y, x, H * W, [H, W, H, W], `round trip ${H}×${W}`);
    });

  it('crops and zero-pads with n and s like NumPy', async () => {
    const x = randomTensor([2, 3, 10], 11);
    for (const o of [{ s: [2, 7] }, { s: [5, 16] }, { s: [3, 1] }] as const) {
      const ref = cpu.rfft2(x, o);
      expectNormwise((await run(engine, 'rfft2', x, o)).y, ref, ref.data.length / 2, [...o.s], `rfft2 s=${o.s}`);
      const back = cpu.irfft2(ref, o);
      expectNormwise((await run(engine, 'irfft2', ref, o)).y, back, back.data.length / 2, [...o.s], `irfft2 s=${o.s}`);
    }
    const c = randomTensor([4, 9, 2], 12);
    for (const n of [1, 5, 9, 20]) {
      expectNormwise((await run(engine, 'fft', c, { n })).y, cpu.fft(c, { n }), 2 * n, [n], `fft n=${n}`);
      expectNormwise((await run(engine, 'irfft', c, { n })).y, cpu.irfft(c, { n }), n, [n], `irfft n=${n}`);
      expectNormwise((await run(engine, 'rfft', x, { n })).y, cpu.rfft(x, { n }), 2 * (Math.floor(n / 2) + 1), [n], `rfft n=${n}`);
    }
    // irfft's default n = 2(M − 1).
    expect((await engine.irfft(c)).shape).toEqual([4, 16]);
  });

  it('GpuTensor in and out, out arrays; GpuTensor inputs are never modified', async () => {
    const x = randomTensor([2, 6, 8], 21);
    const gx = await engine.upload(x);
    const X = await engine.rfft2(gx, { output: 'gpu' });
    expect(X).toBeInstanceOf(GpuTensor);
    expect(X.shape).toEqual([2, 6, 5, 2]);
    const spectrum = await X.read();
    const back = await engine.irfft2(X, { s: [6, 8] });
    expectNormwise(back, x, 48, [6, 8, 6, 8], 'gpu round trip');
    expect(Array.from((await X.read()).data)).toEqual(Array.from(spectrum.data));
    const out = new Float32Array(2 * 6 * 5 * 2);
    const r = await engine.rfft2(x, { out });
    expect(r.data).toBe(out);
    expectNormwise(r, cpu.rfft2(x), 60, [6, 8], 'out');
    X.destroy();
    gx.destroy();
  });

  it('NaN and ±Inf spread over their own transform only', async () => {
    const x = randomTensor([3, 16], 31);
    x.data[5] = NaN;
    x.data[16 + 3] = Infinity;
    const y = (await engine.rfft(x)).data;
    // Row 0: every value NaN, but for the imaginary parts of X[0] and X[n/2], exactly 0 by
    // construction (as in NumPy). Row 1: those two 0 too, every other value NaN or ±Inf (Inf·w and
    // Inf − Inf). Row 2: finite and right.
    const fixed = (i: number): boolean => i === 1 || i === 17;
    expect(Array.from(y.subarray(0, 18)).every((v, i) => (fixed(i) ? v === 0 : Number.isNaN(v)))).toBe(true);
    expect(Array.from(y.subarray(18, 36)).every((v, i) => (fixed(i) ? v === 0 : !Number.isFinite(v)))).toBe(true);
    const ref = cpu.rfft({ data: x.data.slice(32), shape: [1, 16] });
    expectNormwise({ data: y.slice(36), shape: [1, 9, 2] }, ref, 18, [16], 'clean row');
  });

  it('rejects bad input with typed errors before any GPU work', async () => {
    const c = randomTensor([4, 2], 1);
    await expect(engine.fft({ data: new Float32Array(12), shape: [4, 3] })).rejects.toThrow(ShapeError);
    await expect(engine.fft(c, { n: 0 })).rejects.toThrow(OptionError);
    await expect(engine.ifft(c, { n: 1.5 })).rejects.toThrow(OptionError);
    await expect(engine.rfft2(c, { s: [2, -1] })).rejects.toThrow(OptionError);
    await expect(engine.rfft(c, { nn: 3 } as never)).rejects.toThrow(/unknown option 'nn'/);
    await expect(engine.irfft({ data: new Float32Array(2), shape: [1, 2] })).rejects.toThrow(ShapeError);
    await expect(engine.irfft2(randomTensor([3, 2], 2))).rejects.toThrow(ShapeError);
    await expect(engine.rfft({ data: new Float32Array(3), shape: [4] })).rejects.toThrow(ShapeError);
    await expect(engine.fft(c, { output: 'gpu', out: new Float32Array(8) })).rejects.toThrow(OptionError);
    // One sample, 1×1.
    expect(Array.from((await engine.rfft({ data: Float32Array.from([3]), shape: [1] })).data)).toEqual([3, 0]);
    expect(Array.from((await engine.irfft2({ data: Float32Array.from([4, 9]), shape: [1, 1, 2] }, { s: [1, 1] })).data)).toEqual([4]);
  });
});
