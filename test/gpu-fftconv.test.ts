/**
 * FFT convolution (`algorithm: 'fft'`) on llvmpipe against the CPU reference, with the normwise
 * bound of test/support/fft-bound.ts: large kernels (to 127×127 and 65,537 taps), overlap-save
 * tiles, impulses, large and mixed magnitudes, NaN/Inf, the weight-spectra cache, strides, and
 * what 'auto' picks. The shared suites (gpu-conv2d, gpu-filters, property) run FFT on every
 * other shape.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cpu, type ConvEngine, type HostTensor, type RunInfo } from '../src/index.js';
import { checkOp, randomTensor, runWithInfo } from './support/compare.js';
import { useEngine } from './support/engines.js';
import { expectFftClose, fftVariant } from './support/fft-bound.js';

let engine: ConvEngine;
beforeAll(async () => {
  engine = await useEngine('llvmpipe');
});

const fft = { algorithm: 'fft' } as const;

describe('FFT convolution, large kernels', () => {
  it.each([3, 15, 31, 63, 127])('correlate2d and convolve2d, square kernel of side %i, same and full, reflect and fill', async (k) => {
    const image = randomTensor([k === 127 ? 140 : 96, 90], k);
    const kernel = randomTensor([k, k], k + 1);
    await checkOp(engine, 'correlate2d', image, kernel, { mode: 'same', boundary: 'reflect', ...fft }, `correlate2d ${k}`);
    await checkOp(engine, 'convolve2d', image, kernel, { mode: 'full', boundary: 'fill', fillValue: 0.5, ...fft }, `convolve2d ${k}`);
  });

  it('conv1d with 65,537 taps (valid) and NumPy convolve with 4,097 taps (full)', async () => {
    const x = randomTensor([1, 1, 70_000], 5);
    const w = randomTensor([1, 1, 65_537], 6);
    await checkOp(engine, 'conv1d', x, w, fft, 'conv1d 65,537 taps');
    await checkOp(engine, 'convolve1d', randomTensor([20_000], 7), randomTensor([4_097], 8), { mode: 'full', ...fft }, 'convolve1d 4,097 taps');
  });

  it('tiles are at least 2 points and hold at least a kernel span of outputs (a 1×1 kernel gets no one-point tiles)', async () => {
    for (const [k, size] of [[1, 64], [3, 100], [15, 300]] as const) {
      const x = randomTensor([1, 1, size, size], 60 + k);
      const w = randomTensor([1, 1, k, k], 61 + k);
      const v = fftVariant(engine.explain('conv2d', x, w, { padding: 'same', ...fft }));
      expect(Math.min(v.FH, v.FW), `${k}×${k}: ${JSON.stringify(v)}`).toBeGreaterThanOrEqual(Math.max(2, 2 * k - 1));
      await checkOp(engine, 'conv2d', x, w, { padding: 'same', ...fft }, `${k}×${k} on ${size}²`);
    }
  });

  it('a kernel of one row on single-channel planes filters each row whole (one-row tiles, FH = 1); many channels keep 2-D tiles', async () => {
    const x = randomTensor([2, 3, 37, 90], 70);
    for (const boundary of ['fill', 'symm', 'wrap'] as const) {
      const options = { mode: 'same', boundary, fillValue: 0.25, ...fft } as const;
      const { info } = await runWithInfo(engine, 'correlate2d', randomTensor([3, 37, 90], 71), randomTensor([1, 21], 72), options);
      expect(fftVariant(info)).toMatchObject({ FH: 1, tiles: 37 });
      await checkOp(engine, 'correlate2d', randomTensor([3, 37, 90], 71), randomTensor([1, 21], 72), options, `1×21 ${boundary}`);
    }
    // Depthwise with padding, stride and dilation along the rows.
    const depthwise = { groups: 3, padding: [2, 5] as const, stride: [1, 2] as const, dilation: [1, 2] as const, bias: randomTensor([3], 73).data, ...fft };
    expect(fftVariant(engine.explain('conv2d', x, randomTensor([3, 1, 1, 6], 74), depthwise)).FH).toBe(1);
    await checkOp(engine, 'conv2d', x, randomTensor([3, 1, 1, 6], 74), depthwise, 'depthwise 1×6');
    // Three input channels per output: the rows' transforms around a channel sum, in 2-D tiles.
    expect(fftVariant(engine.explain('conv2d', x, randomTensor([2, 3, 1, 6], 75), { ...fft })).FH).toBeGreaterThan(1);
  });

  it('long signals run in overlap-save tiles (batched signals, one kernel), each chunk of tiles filtered whole in one dispatch', async () => {
    const signals = randomTensor([3, 200_000], 9);
    const kernel = randomTensor([257], 10);
    const { info } = await runWithInfo(engine, 'correlate1d', signals, kernel, { mode: 'same', ...fft });
    expect(fftVariant(info).tiles).toBeGreaterThan(1);
    await checkOp(engine, 'correlate1d', signals, kernel, { mode: 'same', ...fft }, 'tiled 1-D');
    // Equal weights a third time: their spectra are cached, and the one chunk is one dispatch.
    const cached = await runWithInfo(engine, 'correlate1d', signals, kernel, { mode: 'same', ...fft });
    expect(cached.info.dispatches).toBe(1);
    // Depthwise conv1d with bias, several signals and a fill boundary on the row filter.
    const x = randomTensor([2, 3, 5000], 11);
    const w = randomTensor([3, 1, 129], 12);
    await checkOp(engine, 'conv1d', x, w, { groups: 3, padding: 64, paddingMode: 'reflect', bias: randomTensor([3], 13).data, ...fft }, 'depthwise conv1d');
    await checkOp(engine, 'convolve1d', randomTensor([3000], 14), randomTensor([301], 15), { mode: 'full', ...fft }, 'convolve1d full');
  });
});

describe('FFT convolution, observed error against the bound', () => {
  it('2-D kernels 3…127 and 1-D kernels to 65,537 taps: the error stays a small fraction of the bound', async () => {
    const rows: string[] = [];
    const cases: Array<[string, 'correlate2d' | 'correlate1d', HostTensor, HostTensor]> = [
      ...[3, 15, 31, 63, 127].map((k) => [`2-D ${k}×${k}, 160² image`, 'correlate2d', randomTensor([160, 160], 40 + k), randomTensor([k, k], 41 + k)] as [string, 'correlate2d', HostTensor, HostTensor]),
      ...[513, 4097, 65537].map((m) => [`1-D ${m} taps, 100k samples`, 'correlate1d', randomTensor([100_000], 50 + m), randomTensor([m], 51 + m)] as [string, 'correlate1d', HostTensor, HostTensor]),
    ];
    for (const [label, op, a, b] of cases) {
      const options = { mode: 'valid' as const, ...fft };
      const { result, info } = await runWithInfo(engine, op, a, b, options);
      const { worst, relative } = expectFftClose(op, a, b, options, info, result, cpu[op](a, b, options), label);
      rows.push(`${label.padEnd(28)} ${info.variant.padEnd(18)} ‖Δy‖₂/‖y‖₂ ${relative.toExponential(2)}  error/bound ${worst.toExponential(2)}`);
      expect(worst).toBeLessThan(1);
    }
    console.log(`FFT convolution error (llvmpipe):\n${rows.join('\n')}`);
  });
});

describe('FFT convolution, conv2d layers', () => {
  it('channels summed in the frequency domain: groups, depthwise, bias, flip, dilation, padding modes', async () => {
    const x = randomTensor([2, 6, 20, 17], 11);
    await checkOp(engine, 'conv2d', x, randomTensor([8, 6, 5, 5], 12), { padding: 2, bias: randomTensor([8], 13).data, ...fft });
    await checkOp(engine, 'conv2d', x, randomTensor([4, 3, 3, 4], 14), { groups: 2, padding: [1, 2], dilation: [2, 1], paddingMode: 'circular', ...fft });
    await checkOp(engine, 'conv2d', x, randomTensor([12, 1, 7, 7], 15), { groups: 6, padding: 'same', paddingMode: 'reflect', flip: true, ...fft });
    await checkOp(engine, 'conv2d', x, randomTensor([3, 6, 3, 3], 16), { padding: 1, paddingMode: 'replicate', ...fft });
  });

  it('one channel per group (single-channel filters, depthwise layers): columns filtered in one kernel, rows read from the input and written to the output, batches and tiles included', async () => {
    const x = randomTensor([2, 3, 300, 37], 41);
    const w = randomTensor([3, 1, 5, 5], 42);
    const options = { groups: 3, padding: 'same', paddingMode: 'reflect', bias: randomTensor([3], 43).data, ...fft } as const;
    const runs = [];
    for (let i = 0; i < 3; i++) {
      const { result, info } = await runWithInfo(engine, 'conv2d', x, w, options);
      expectFftClose('conv2d', x, w, options, info, result, cpu.conv2d(x, w, options), `depthwise, run ${i + 1}`);
      runs.push(info);
    }
    const last = runs[2] as RunInfo;
    // Several tiles (the weight plane of each data plane is its channel's), one chunk, cached spectra:
    // the rows forward (read from the input), the column filter, the rows inverse (written to the output).
    expect(last.variant).toMatch(/tiles/);
    expect(last.dispatches).toBe(3);
  });

  it('rows too long for workgroup memory: the input padded and the output cropped in passes of their own', async () => {
    const small = await useEngine('llvmpipe', { limits: { maxComputeWorkgroupStorageSize: 1024 } });
    // A kernel row of 151 taps: transforms of at least 301 points per row, past 64 complex values.
    const x = randomTensor([1, 2, 12, 200], 45);
    const w = randomTensor([2, 1, 3, 151], 46);
    const options = { groups: 2, padding: 'same', bias: randomTensor([2], 47).data, ...fft } as const;
    const { result, info } = await runWithInfo(small, 'conv2d', x, w, options);
    expectFftClose('conv2d', x, w, options, info, result, cpu.conv2d(x, w, options), 'four-step rows');
    // Pad, the rows (two four-step passes and the untangling), the column filter, the rows back, crop
    // (and the weights' transform).
    expect(info.dispatches).toBeGreaterThan(7);
  });

  it('stride > 1: computes every stride-1 output and subsamples; auto never picks FFT there', async () => {
    const x = randomTensor([1, 2, 40, 40], 17);
    const w = randomTensor([2, 2, 15, 15], 18);
    await checkOp(engine, 'conv2d', x, w, { stride: 2, padding: 7, ...fft }, 'stride 2');
    const e = engine.explain('conv2d', x, w, { stride: 2, padding: 7 });
    expect(e.candidates.find((c) => c.algorithm === 'fft')?.cost).toBe(Infinity);
    expect(e.algorithm).not.toBe('fft');
  });
});

describe('FFT convolution, numerics', () => {
  it('an impulse kernel returns the image (within the bound)', async () => {
    const image = randomTensor([33, 47], 19);
    const impulse = new Float32Array(9 * 9);
    impulse[4 * 9 + 4] = 1;
    const got = await checkOp(engine, 'correlate2d', image, { data: impulse, shape: [9, 9] }, { mode: 'same', ...fft }, 'impulse');
    let worst = 0;
    for (let i = 0; i < image.data.length; i++) worst = Math.max(worst, Math.abs((got.data[i] as number) - (image.data[i] as number)));
    expect(worst).toBeLessThan(1e-5);
  });

  it('large values (1e4) and mixed magnitudes stay within the normwise bound', async () => {
    const big = randomTensor([64, 64], 20);
    big.data.forEach((v, i) => (big.data[i] = v * 1e4));
    const mixed = randomTensor([64, 64], 21);
    mixed.data.forEach((v, i) => (mixed.data[i] = v * 10 ** ((i % 9) - 4)));
    await checkOp(engine, 'correlate2d', big, randomTensor([31, 31], 22), { mode: 'same', ...fft }, '1e4');
    await checkOp(engine, 'correlate2d', mixed, randomTensor([31, 31], 23), { mode: 'same', boundary: 'symm', ...fft }, 'mixed');
  });

  it('one NaN spreads over its tile (documented); Inf becomes non-finite; other planes stay finite', async () => {
    const batch = randomTensor([2, 24, 24], 24);
    batch.data[5 * 24 + 5] = Number.NaN;
    batch.data[24 * 24 + 3] = Number.POSITIVE_INFINITY;
    const kernel = randomTensor([5, 5], 25);
    const options = { mode: 'same' as const, ...fft };
    const { result, info } = await runWithInfo(engine, 'correlate2d', batch, kernel, options);
    const ref = cpu.correlate2d(batch, kernel, options);
    expectFftClose('correlate2d', batch, kernel, options, info, result, ref);
    // The reference has NaN only where the kernel reaches it (5×5 outputs); FFT spreads it over every
    // output of the tiles whose input span holds it (at least those, at most the whole plane).
    const refNaN = ref.data.slice(0, 24 * 24).filter(Number.isNaN).length;
    const gpuNaN = result.data.slice(0, 24 * 24).filter(Number.isNaN).length;
    expect(refNaN).toBe(25);
    expect(gpuNaN).toBeGreaterThan(refNaN);
    console.log(`one NaN: ${refNaN} NaN outputs in the reference, ${gpuNaN} by FFT (${info.variant})`);
  });
});

describe('FFT convolution, weight spectra cache and limits', () => {
  it('reuses the spectra of a GpuTensor weight (fewer dispatches) and forgets them when it is destroyed', async () => {
    const x = randomTensor([1, 3, 30, 30], 26);
    const w = await engine.upload(randomTensor([4, 3, 9, 9], 27));
    const host: HostTensor = await w.read();
    const first = await runWithInfo(engine, 'conv2d', x, w, { padding: 4, ...fft });
    const second = await runWithInfo(engine, 'conv2d', x, w, { padding: 4, ...fft });
    expect(second.info.dispatches).toBeLessThan(first.info.dispatches);
    expect(Array.from(second.result.data)).toEqual(Array.from(first.result.data));
    await checkOp(engine, 'conv2d', x, host, { padding: 4, ...fft }, 'host weights');
    w.destroy();
    const w2 = await engine.upload(host);
    const third = await runWithInfo(engine, 'conv2d', x, w2, { padding: 4, ...fft });
    expect(third.info.dispatches).toBe(first.info.dispatches);
    w2.destroy();
  });

  it('one-row plans transform host weights on the host (float64, no weight dispatches); a GpuTensor weight on the GPU; both within the bound', async () => {
    const x = randomTensor([2, 3000], 47);
    const w = randomTensor([301], 48);
    const options = { mode: 'same', ...fft } as const;
    const ref = cpu.convolve1d(x, w, options);
    const host = await runWithInfo(engine, 'convolve1d', x, w, options);
    expectFftClose('convolve1d', x, w, options, host.info, host.result, ref, 'host spectra');
    expect(fftVariant(host.info).FH).toBe(1);
    // One wgRowFilter dispatch per chunk, nothing for the weights.
    expect(host.info.dispatches).toBe(1);
    const gw = await engine.upload(w);
    const gpu = await runWithInfo(engine, 'convolve1d', x, gw, options);
    expectFftClose('convolve1d', x, w, options, gpu.info, gpu.result, ref, 'GPU spectra');
    // Pad, transform (and untangle) the GpuTensor's taps first.
    expect(gpu.info.dispatches).toBeGreaterThan(host.info.dispatches);
    gw.destroy();
  });

  it('reuses the spectra of host weights from their second use with equal values; a weight changed in place is transformed again', async () => {
    const x = randomTensor([1, 2, 40, 40], 43);
    const w = randomTensor([2, 2, 11, 11], 44);
    const options = { padding: 'same', ...fft } as const;
    const run = async (weight: HostTensor, label: string) => {
      const { result, info } = await runWithInfo(engine, 'conv2d', x, weight, options);
      expectFftClose('conv2d', x, weight, options, info, result, cpu.conv2d(x, weight, options), label);
      return info.dispatches;
    };
    const fftCost = () => engine.explain('conv2d', x, w, { padding: 'same' }).candidates.find((c) => c.algorithm === 'fft')?.cost as number;
    const cold = fftCost();
    // Cached from the second use with equal values (the first only records them).
    const full = await run(w, 'first');
    expect(fftCost()).toBe(cold);
    expect(await run({ data: w.data.slice(), shape: w.shape }, 'equal values')).toBe(full);
    // 'auto' counts the weights' transform only while their spectra are not cached.
    expect(fftCost()).toBeLessThan(cold);
    const cached = await run(w, 'third');
    expect(cached).toBeLessThan(full);
    w.data[300] = (w.data[300] as number) - 2;
    expect(fftCost()).toBe(cold);
    expect(await run(w, 'changed in place')).toBe(full);
    expect(await run(w, 'changed, again')).toBe(full);
    expect(await run(w, 'changed, third')).toBe(cached);
  });

  it('explicit fft whose weight spectra cannot fit one binding rejects with OptionError before any GPU work', async () => {
    // Input, weights (2,160 bytes) and output (3,840) fit 4 KiB; 60 weight spectra of even 6×4 bins do not.
    const tiny = await useEngine('llvmpipe', { limits: { maxStorageBufferBindingSize: 4096, maxBufferSize: 4096 } });
    const x = randomTensor([1, 1, 4, 4], 28);
    const w = randomTensor([60, 1, 3, 3], 29);
    const before = tiny.stats().dispatches;
    await expect(tiny.conv2d(x, w, { padding: 1, ...fft })).rejects.toThrow(/algorithm 'fft' cannot run .*weight spectra/);
    expect(tiny.stats().dispatches).toBe(before);
    await checkOp(tiny, 'conv2d', x, w, { padding: 1 }, 'auto runs another algorithm');
  });
});
