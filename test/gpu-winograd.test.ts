/**
 * Winograd F(2×2,3×3) and F(4×4,3×3) (src/algorithms/winograd.ts) on llvmpipe against the CPU
 * reference, within the bound of test/support/winograd-bound.ts: conv2d shapes of every kind the
 * algorithm runs (channels not multiples of 4, odd sizes, 1×1 images, padding modes, groups,
 * depthwise, bias, flip, batch), the GEMM's register fallback, the rejection of geometries it
 * cannot run, the weight cache of GpuTensor weights, and SciPy's correlate2d / convolve2d.
 */
import { describe, expect, it } from 'vitest';
import { WINOGRAD_MATRICES } from '../src/algorithms/winograd.js';
import { cpu, OptionError, type Conv2dOptions, type HostTensor } from '../src/index.js';
import { abs, checkOp, expectMatchesReference, gamma, randomTensor, runWithInfo, U } from './support/compare.js';
import { expectWinogradClose } from './support/winograd-bound.js';
import { useEngine } from './support/engines.js';

type Case = [string, number[], number[], Conv2dOptions];
const CASES: Case[] = [
  ['1→1 odd 7×9, padding 1', [1, 1, 7, 9], [1, 1, 3, 3], { padding: 1 }],
  ['3→5 valid 11×6', [1, 3, 11, 6], [5, 3, 3, 3], {}],
  ['1×1 image, padding 1', [2, 3, 1, 1], [2, 3, 3, 3], { padding: 1 }],
  ['2×3 image, padding 1, bias', [1, 2, 2, 3], [3, 2, 3, 3], { padding: 1, bias: randomTensor([3], 7).data }],
  ['7→13 same, zeros, batch 3', [3, 7, 10, 13], [13, 7, 3, 3], { padding: 'same' }],
  ['reflect padding, asymmetric', [1, 5, 9, 8], [6, 5, 3, 3], { padding: [[2, 0], [1, 2]], paddingMode: 'reflect' }],
  ['replicate padding 3, flip', [2, 4, 6, 7], [3, 4, 3, 3], { padding: 3, paddingMode: 'replicate', flip: true }],
  ['circular padding 2, bias', [1, 6, 5, 9], [4, 6, 3, 3], { padding: 2, paddingMode: 'circular', bias: randomTensor([4], 8).data }],
  ['groups 3, 9→6, flip', [2, 9, 8, 8], [6, 3, 3, 3], { groups: 3, padding: 1, flip: true }],
  ['depthwise 5, bias', [1, 5, 12, 11], [5, 1, 3, 3], { groups: 5, padding: 1, bias: randomTensor([5], 9).data }],
  ['depthwise ×2 (K = 2C)', [1, 4, 9, 9], [8, 1, 3, 3], { groups: 4, padding: 1 }],
  ['dense 37→21, slices of the reduction', [1, 37, 13, 14], [21, 37, 3, 3], { padding: 1 }],
  ['many columns 2→20', [2, 2, 41, 43], [20, 2, 3, 3], { padding: 1, bias: randomTensor([20], 10).data }],
  // Rows of whole vec4s with zero padding: spans read as aligned vec4s (VEC4_IN), every offset of a
  // span's start within its vec4 (padding 0–3), spans past both ends of rows and rows past the image.
  ['vec4 rows, valid', [1, 2, 9, 20], [3, 2, 3, 3], {}],
  ['vec4 rows, padding 2, batch 2', [2, 3, 10, 16], [4, 3, 3, 3], { padding: 2 }],
  ['vec4 rows, padding 3 / 1, asymmetric', [1, 4, 7, 12], [5, 4, 3, 3], { padding: [[3, 1], [3, 1]] }],
];

const seed = (s: number[]) => s.reduce((a, b) => a * 31 + b, 7) % 1000;

describe.each(['F2x2', 'F4x4'] as const)('winograd %s on llvmpipe', (variant) => {
  it.each(CASES)('%s', async (name, is, ws, options) => {
    const engine = await useEngine('llvmpipe', { winograd: variant });
    const x = randomTensor(is, seed(is));
    const w = randomTensor(ws, seed(ws) + 1);
    await checkOp(engine, 'conv2d', x, w, { ...options, algorithm: 'winograd' }, `${name} [${variant}]`, { algorithm: 'winograd', variant });
  });

  it('runs the register GEMM where uniform bindings are too small (16 KiB), and where there would be too many windows', async () => {
    const small = await useEngine('llvmpipe', { winograd: variant, limits: { maxUniformBufferBindingSize: 16384 } });
    await checkOp(small, 'conv2d', randomTensor([2, 6, 9, 10], 11), randomTensor([10, 6, 3, 3], 12), { padding: 1, bias: randomTensor([10], 13).data, algorithm: 'winograd' }, 'small uniforms', { variant: `${variant}+register` });
    const engine = await useEngine('llvmpipe', { winograd: variant });
    // Depthwise with 80 groups: a window per group is more than 64 dispatches.
    await checkOp(engine, 'conv2d', randomTensor([1, 80, 6, 6], 14), randomTensor([80, 1, 3, 3], 15), { groups: 80, padding: 1, algorithm: 'winograd' }, 'depthwise 80', { variant: `${variant}+register` });
  });

  it('chunks over images when the transformed tiles exceed a binding', async () => {
    const tiny = await useEngine('llvmpipe', { winograd: variant, limits: { maxStorageBufferBindingSize: 1 << 16 } });
    const { info } = await runWithInfo(tiny, 'conv2d', randomTensor([5, 8, 12, 12], 16), randomTensor([8, 8, 3, 3], 17), { padding: 1, algorithm: 'winograd' });
    expect(info.pieces).toBe(1);
    await checkOp(tiny, 'conv2d', randomTensor([5, 8, 12, 12], 16), randomTensor([8, 8, 3, 3], 17), { padding: 1, algorithm: 'winograd' }, 'chunks', { variant });
  });
});

describe('winograd', () => {
  it('the transforms are exact: Aᵀ[(G g) ⊙ (Bᵀ d)] is the 1-D correlation, in float64', () => {
    for (const m of [2, 4] as const) {
      const { BT, G, AT } = WINOGRAD_MATRICES[m];
      const d = Array.from({ length: m + 2 }, (_, i) => Math.sin(i + 1));
      const g = [0.3, -1.7, 2.2];
      const Gg = G.map((r) => r.reduce((s, v, j) => s + v * (g[j] as number), 0));
      const Bd = BT.map((r) => r.reduce((s, v, j) => s + v * (d[j] as number), 0));
      const y = AT.map((r) => r.reduce((s, v, j) => s + v * (Gg[j] as number) * (Bd[j] as number), 0));
      y.forEach((v, i) => expect(v).toBeCloseTo((d[i] as number) * 0.3 - (d[i + 1] as number) * 1.7 + (d[i + 2] as number) * 2.2, 12));
    }
  });

  it('auto picks F(4×4) for a ResNet layer, F(2×2) for short reductions (the error rule); the plan says so', async () => {
    const engine = await useEngine('llvmpipe');
    const wide = engine.explain('conv2d', randomTensor([1, 64, 56, 56], 1), randomTensor([64, 64, 3, 3], 2), { padding: 1, algorithm: 'winograd' });
    expect(wide.variant).toBe('F4x4');
    const narrow = engine.explain('conv2d', randomTensor([1, 4, 56, 56], 1), randomTensor([64, 4, 3, 3], 2), { padding: 1, algorithm: 'winograd' });
    expect(narrow.variant).toBe('F2x2');
  });

  it('rejects geometries it cannot run with OptionError before any GPU work (and auto runs another)', async () => {
    const engine = await useEngine('llvmpipe');
    const x = randomTensor([1, 4, 12, 12], 3);
    const before = engine.stats();
    for (const [w, options, why] of [
      [randomTensor([4, 4, 5, 5], 4), { padding: 2 }, /3×3 kernels only, not 5×5/],
      [randomTensor([4, 4, 1, 1], 4), {}, /3×3 kernels only, not 1×1/],
      [randomTensor([4, 4, 3, 3], 4), { stride: 2, padding: 1 }, /stride 1 only/],
      [randomTensor([4, 4, 3, 3], 4), { dilation: 2, padding: 2 }, /dilation 1 only/],
    ] as const) {
      const err = await engine.conv2d(x, w, { ...options, algorithm: 'winograd' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OptionError);
      expect((err as Error).message).toMatch(why);
      const auto = await runWithInfo(engine, 'conv2d', x, w, options);
      expect(auto.info.reason).toMatch(/winograd n\/a/);
    }
    expect(engine.stats().dispatches - before.dispatches).toBeGreaterThan(0); // only auto's
    await expect(engine.correlate2d(randomTensor([9, 9], 5), randomTensor([2, 4], 6), { algorithm: 'winograd' })).rejects.toBeInstanceOf(OptionError);
  });

  it('transforms a GpuTensor weight once: the second call has one dispatch fewer; destroy() frees the cache', async () => {
    const engine = await useEngine('llvmpipe', { winograd: 'F4x4' });
    const x = randomTensor([2, 8, 10, 10], 18);
    const wHost = randomTensor([12, 8, 3, 3], 19);
    const w = await engine.upload(wHost);
    const first = await runWithInfo(engine, 'conv2d', x, w, { padding: 1, algorithm: 'winograd' });
    const second = await runWithInfo(engine, 'conv2d', x, w, { padding: 1, algorithm: 'winograd' });
    expect(second.info.dispatches).toBe(first.info.dispatches - 1);
    expect(second.result.data).toEqual(first.result.data);
    await checkOp(engine, 'conv2d', x, wHost, { padding: 1, algorithm: 'winograd' }, 'host weights', { variant: 'F4x4' });
    // Host values are cached from their second use with equal values (checkOp's call was the first).
    const equal = { data: wHost.data.slice(), shape: wHost.shape };
    const host1 = await runWithInfo(engine, 'conv2d', x, equal, { padding: 1, algorithm: 'winograd' });
    expect(host1.info.dispatches).toBe(first.info.dispatches);
    const host2 = await runWithInfo(engine, 'conv2d', x, equal, { padding: 1, algorithm: 'winograd' });
    expect(host2.info.dispatches).toBe(first.info.dispatches - 1);
    expect(host2.result.data).toEqual(first.result.data);
    // Flipped: another entry.
    const flipped = await runWithInfo(engine, 'conv2d', x, w, { padding: 1, flip: true, algorithm: 'winograd' });
    expect(flipped.info.dispatches).toBe(first.info.dispatches);
    w.destroy();
  });

  it('a host weight changed in place is transformed again; the same values read as another shape or groups get their own entry', async () => {
    const engine = await useEngine('llvmpipe', { winograd: 'F2x2' });
    const x = randomTensor([1, 8, 9, 9], 40);
    const w = randomTensor([8, 8, 3, 3], 41);
    const options = { padding: 1, algorithm: 'winograd' } as const;
    // A call that transforms w (checked), then one that finds it in the cache (checked).
    const run = async (weight: HostTensor, label: string, o: typeof options & { groups?: number } = options, input = x) => {
      const { result, info } = await runWithInfo(engine, 'conv2d', input, weight, o);
      expectMatchesReference('conv2d', input, weight, o, info, result, label);
      return info.dispatches;
    };
    // Cached from the second use with equal values.
    const full = await run(w, 'first');
    expect(await run(w, 'second')).toBe(full);
    expect(await run(w, 'third')).toBe(full - 1);
    // One value changed, far from the values the cache's hash samples: a miss, and the new answer.
    w.data[w.data.length - 2] = (w.data[w.data.length - 2] as number) + 0.75;
    expect(await run(w, 'changed in place')).toBe(full);
    expect(await run(w, 'changed, again')).toBe(full);
    expect(await run(w, 'changed, third')).toBe(full - 1);
    // −0 and 0 are different bits: a miss.
    const zeros = { data: new Float32Array(w.data.length), shape: w.shape };
    await run(zeros, 'zeros');
    expect(await run(zeros, 'zeros, again')).toBe(full);
    expect(await run(zeros, 'zeros, third')).toBe(full - 1);
    zeros.data[0] = -0;
    expect(await run(zeros, 'one −0')).toBe(full);
    // The same 576 values as [16, 4, 3, 3] with 2 groups: another layout, so another entry.
    const regrouped = { data: w.data, shape: [16, 4, 3, 3] };
    const grouped = { ...options, groups: 2 };
    const missed = await run(regrouped, 'regrouped', grouped);
    expect(await run(regrouped, 'regrouped, again', grouped)).toBe(missed);
    expect(await run(regrouped, 'regrouped, third', grouped)).toBe(missed - 1);
  });

  it.each(['F2x2', 'F4x4'] as const)('correlate2d and convolve2d with a 3×3 kernel, every mode and boundary (%s)', async (variant) => {
    const engine = await useEngine('llvmpipe', { winograd: variant });
    const image = randomTensor([2, 9, 12], 20);
    const kernel = randomTensor([3, 3], 21);
    for (const op of ['correlate2d', 'convolve2d'] as const) {
      for (const mode of ['full', 'same', 'valid'] as const) {
        for (const boundary of ['fill', 'wrap', 'symm', 'reflect', 'replicate'] as const) {
          await checkOp(engine, op, image, kernel, { mode, boundary, fillValue: 0.5, algorithm: 'winograd' }, `${op} ${mode} ${boundary}`, { variant });
        }
      }
    }
  });
});

/**
 * The README's error table: the largest error of each variant against the float64 reference as C
 * grows, over the float32 bound of a direct sum (γ_{9C}·Σ|x||w| + u|ref|) and over Winograd's own
 * bound. WINOGRAD_ERROR_TABLE=1 prints it.
 */
describe('winograd error as C grows', () => {
  it.each([1, 16, 64, 256])('C = %i', async (C) => {
    const rows: string[] = [];
    const x = randomTensor([1, C, 16, 16], 30 + C);
    const w = randomTensor([8, C, 3, 3], 31 + C);
    const options = { padding: 1 };
    const ref = cpu.conv2d(x, w, options);
    const mag = cpu.conv2d(abs(x), abs(w), options);
    const gL = gamma(9 * C);
    for (const variant of ['direct', 'F2x2', 'F4x4'] as const) {
      const engine = await useEngine('llvmpipe', variant === 'direct' ? {} : { winograd: variant });
      const { result, info } = await runWithInfo(engine, 'conv2d', x, w, { ...options, algorithm: variant === 'direct' ? 'direct' : 'winograd' });
      let maxErr = 0;
      let overDirect = 0;
      for (let i = 0; i < ref.data.length; i++) {
        const err = Math.abs((result.data[i] as number) - (ref.data[i] as number));
        maxErr = Math.max(maxErr, err);
        overDirect = Math.max(overDirect, err / (gL * (mag.data[i] as number) + U * Math.abs(ref.data[i] as number)));
      }
      const own = variant === 'direct' ? NaN : expectWinogradClose('conv2d', x, w, options, info, result, ref);
      rows.push(`| ${C} | ${variant} | ${maxErr.toExponential(2)} | ${overDirect.toFixed(3)} | ${Number.isNaN(own) ? '—' : own.toFixed(4)} |`);
    }
    if (process.env.WINOGRAD_ERROR_TABLE) console.log(rows.join('\n'));
  });
});
