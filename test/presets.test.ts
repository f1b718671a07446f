/**
 * Kernel presets and the pixel mapping shared by the CLI and the demo: pure functions, no GPU.
 * The CPU reference is used to pin what the kernels do to pictures (signs, alignment).
 */
import { describe, expect, it } from 'vitest';
import { cpu, OptionError, type HostTensor } from '../src/index.js';
import {
  PRESETS,
  applyMapping,
  boxKernel,
  combineResults,
  gaussianKernel,
  gaussianSize,
  isPresetSpec,
  kernelRows,
  maxAbsDiff,
  motionKernel,
  outputToInputOffset,
  parsePreset,
  quantize,
  quantizeAll,
  unsharpKernel,
} from '../src/presets/index.js';

const sum = (k: HostTensor) => k.data.reduce((a, b) => a + b, 0);

/** An image whose brightness rises to the right (x) and downwards (y). */
function ramp(H: number, W: number, dx: number, dy: number): HostTensor {
  const data = new Float32Array(H * W);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[y * W + x] = dx * x + dy * y;
  return { data, shape: [H, W] };
}

describe('parsePreset', () => {
  it('knows every preset the issue lists', () => {
    for (const name of ['box', 'gaussian', 'sharpen', 'laplacian', 'sobel-x', 'sobel-y', 'sobel', 'prewitt-x', 'prewitt-y', 'emboss', 'motion', 'unsharp']) {
      expect(PRESETS.map((d) => d.name)).toContain(name);
      expect(parsePreset(name).kernels.length).toBeGreaterThan(0);
    }
  });

  it('takes parameters by name or in order, and spells the result canonically', () => {
    expect(parsePreset('box:5').spec).toBe('box:size=5');
    expect(parsePreset('box:size=5').kernels[0]?.shape).toEqual([5, 5]);
    expect(parsePreset('gaussian:sigma=2').spec).toBe('gaussian:sigma=2,size=13');
    expect(parsePreset('gaussian:2').spec).toBe('gaussian:sigma=2,size=13');
    expect(parsePreset('gaussian:sigma=1,size=5').kernels[0]?.shape).toEqual([5, 5]);
    expect(parsePreset(' Motion:length=9, angle=30 ').spec).toBe('motion:length=9,angle=30');
    expect(parsePreset('motion:9,90').kernels[0]?.shape).toEqual([9, 1]);
    expect(parsePreset('unsharp:sigma=1.5,amount=1').spec).toBe('unsharp:sigma=1.5,amount=1,size=11');
    expect(parsePreset('sharpen').spec).toBe('sharpen');
  });

  it('names what is wrong', () => {
    const bad: Array<[string, RegExp]> = [
      ['blur', /unknown kernel preset 'blur'.*gaussian/],
      ['gaussian:sigma=abc', /gaussian.*sigma must be a number, got 'abc'/],
      ['gaussian:sigma=0', /sigma must be between 0.1 and 150, got 0/],
      ['gaussian:width=3', /unknown parameter 'width' \(parameters: sigma, size\)/],
      ['box:2.5', /size must be an integer, got 2.5/],
      ['box:3,4', /too many parameters/],
      ['sharpen:2', /too many parameters.*takes none/],
      ['box:size=3,size=5', /'size' given twice/],
      ['motion:length=', /length must be a number/],
    ];
    for (const [spec, message] of bad) {
      expect(() => parsePreset(spec), spec).toThrow(OptionError);
      expect(() => parsePreset(spec), spec).toThrow(message);
    }
  });

  it('tells presets from other specs', () => {
    expect(isPresetSpec('gaussian:sigma=2')).toBe(true);
    expect(isPresetSpec('sobel')).toBe(true);
    expect(isPresetSpec('kernels/edge.txt')).toBe(false);
  });
});

describe('kernels', () => {
  it('box: n×n of 1/n²', () => {
    const k = boxKernel(3);
    expect(k.shape).toEqual([3, 3]);
    for (const v of k.data) expect(v).toBeCloseTo(1 / 9, 7);
  });

  it('gaussian: size 2⌈3σ⌉+1, sums to 1, symmetric, peaked at the centre', () => {
    expect(gaussianSize(2)).toBe(13);
    expect(gaussianSize(0.5)).toBe(5);
    const k = gaussianKernel(1.3);
    const n = k.shape[0] as number;
    expect(k.shape).toEqual([9, 9]);
    expect(sum(k)).toBeCloseTo(1, 6);
    const rows = kernelRows(k);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
      expect(rows[y]?.[x]).toBeCloseTo(rows[n - 1 - y]?.[x] as number, 7);
      expect(rows[y]?.[x]).toBeCloseTo(rows[x]?.[y] as number, 7);
    }
    expect(Math.max(...k.data)).toBe(k.data[(n * n - 1) / 2]);
  });

  it('unsharp: sums to 1, centre 1 + amount − amount·g(0)', () => {
    const k = unsharpKernel(1, 2);
    const g = gaussianKernel(1);
    const c = (k.data.length - 1) / 2;
    expect(sum(k)).toBeCloseTo(1, 5);
    expect(k.data[c]).toBeCloseTo(3 - 2 * (g.data[c] as number), 6);
  });

  it('motion: angle 0 is a 1×L box, 90 an L×1 box, any angle sums to 1 and is point-symmetric', () => {
    const h = motionKernel(9, 0);
    expect(h.shape).toEqual([1, 9]);
    for (const v of h.data) expect(v).toBeCloseTo(1 / 9, 6);
    expect(motionKernel(7, 90).shape).toEqual([7, 1]);
    const k = motionKernel(9, 30);
    expect(k.shape).toEqual([5, 9]);
    expect(sum(k)).toBeCloseTo(1, 6);
    const rev = Array.from(k.data).reverse();
    k.data.forEach((v, i) => expect(v).toBeCloseTo(rev[i] as number, 7));
    // Angle 30°: counter-clockwise from +x with y up, so the top-right corner is on the line, the top-left is not.
    const rows = kernelRows(k);
    expect(rows[0]?.[8]).toBeGreaterThan(0);
    expect(rows[0]?.[0]).toBe(0);
  });

  it('sobel-x is positive where brightness rises to the right, sobel-y where it rises downwards (convolution)', () => {
    const opts = { mode: 'valid' as const };
    const gx = cpu.convolve2d(ramp(6, 7, 0.1, 0), parsePreset('sobel-x').kernels[0] as HostTensor, opts);
    for (const v of gx.data) expect(v).toBeCloseTo(8 * 0.1, 5);
    const gy = cpu.convolve2d(ramp(6, 7, 0, 0.1), parsePreset('sobel-y').kernels[0] as HostTensor, opts);
    for (const v of gy.data) expect(v).toBeCloseTo(8 * 0.1, 5);
    const px = cpu.convolve2d(ramp(6, 7, 0.1, 0), parsePreset('prewitt-x').kernels[0] as HostTensor, opts);
    for (const v of px.data) expect(v).toBeCloseTo(6 * 0.1, 5);
    // Correlation mirrors the antisymmetric kernel: the sign flips.
    const cx = cpu.correlate2d(ramp(6, 7, 0.1, 0), parsePreset('sobel-x').kernels[0] as HostTensor, opts);
    for (const v of cx.data) expect(v).toBeCloseTo(-0.8, 5);
  });

  it('smoothing and sharpening kernels keep a flat image flat; edge kernels send it to 0', () => {
    const flat: HostTensor = { data: new Float32Array(15 * 16).fill(0.4), shape: [15, 16] };
    for (const spec of ['box:4', 'gaussian:1.2', 'sharpen', 'unsharp', 'emboss', 'motion:length=7,angle=45', 'identity']) {
      for (const k of parsePreset(spec).kernels) {
        const out = cpu.convolve2d(flat, k, { mode: 'same', boundary: 'reflect' });
        for (const v of out.data) expect(v, spec).toBeCloseTo(0.4, 5);
      }
    }
    for (const spec of ['laplacian', 'sobel-x', 'sobel-y', 'prewitt-x', 'prewitt-y']) {
      const out = cpu.convolve2d(flat, parsePreset(spec).kernels[0] as HostTensor, { mode: 'same', boundary: 'reflect' });
      for (const v of out.data) expect(Math.abs(v), spec).toBeLessThan(1e-6);
    }
  });

  it('sobel and prewitt are magnitudes of two kernels, transposes of each other', () => {
    const f = parsePreset('sobel');
    expect(f.combine).toBe('magnitude');
    expect(f.kernels).toHaveLength(2);
    const [gx, gy] = f.kernels.map(kernelRows) as [number[][], number[][]];
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) expect(gx[y]?.[x]).toBe(gy[x]?.[y]);
    expect(Array.from(combineResults([Float32Array.of(3, -1), Float32Array.of(4, 0)], 'magnitude'))).toEqual([5, 1]);
  });
});

describe('output mapping', () => {
  const v = Float32Array.of(-0.5, -0.1, 0, 0.25, 1.5);

  it('abs, gain, offset and normalize in that order', () => {
    expect(Array.from(applyMapping(v, {}))).toEqual(Array.from(v));
    expect(Array.from(applyMapping(v, { abs: true }))).toEqual(Array.from(v.map(Math.abs)));
    expect(Array.from(applyMapping(v, { offset: 0.5 }))).toEqual(Array.from(v.map((x) => Math.fround(x + 0.5))));
    expect(Array.from(applyMapping(v, { abs: true, gain: 2 }))).toEqual([1, Math.fround(0.2), 0, 0.5, 3]);
    const n = applyMapping(v, { normalize: true });
    expect(n[0]).toBe(0);
    expect(n[4]).toBe(1);
    expect(n[2]).toBeCloseTo(0.25, 6);
    expect(Array.from(applyMapping(Float32Array.of(0.3, 0.3), { normalize: true }))).toEqual([0, 0]);
  });

  it('rejects normalize with offset, and non-finite numbers', () => {
    expect(() => applyMapping(v, { normalize: true, offset: 0.5 })).toThrow(/normalize and offset/);
    expect(() => applyMapping(v, { offset: NaN })).toThrow(/offset must be a finite number/);
    expect(() => applyMapping(v, { gain: Infinity })).toThrow(/gain must be a finite number/);
  });

  it('quantize clamps to [0, 1] and rounds to the nearest sample; NaN is 0', () => {
    expect(quantize(-0.2, 255)).toBe(0);
    expect(quantize(1.7, 255)).toBe(255);
    expect(quantize(0.5, 255)).toBe(128);
    expect(quantize(0.5, 65535)).toBe(32768);
    expect(quantize(NaN, 255)).toBe(0);
    expect(quantize(Infinity, 255)).toBe(255);
    expect(Array.from(quantizeAll(Float32Array.of(0, 1 / 255, 2 / 255, 1), 255))).toEqual([0, 1, 2, 255]);
  });

  it('maxAbsDiff: NaN matches only NaN, equal infinities match', () => {
    expect(maxAbsDiff([1, 2], [1, 2.5])).toBe(0.5);
    expect(maxAbsDiff([NaN, Infinity], [NaN, Infinity])).toBe(0);
    expect(maxAbsDiff([NaN], [0])).toBe(Infinity);
    expect(maxAbsDiff([1], [1, 2])).toBe(Infinity);
  });
});

describe('outputToInputOffset (alignment of full/valid outputs with the input)', () => {
  const image: HostTensor = { data: Float32Array.from({ length: 9 * 11 }, (_, i) => Math.sin(i * 1.7) + 0.1 * i), shape: [9, 11] };
  for (const convolve of [true, false]) {
    for (const [KH, KW] of [[3, 3], [4, 2], [5, 6], [1, 4]] as const) {
      it(`${convolve ? 'convolve2d' : 'correlate2d'} with a ${KH}×${KW} kernel`, () => {
        const kernel: HostTensor = { data: Float32Array.from({ length: KH * KW }, (_, i) => Math.cos(i * 0.9) + 0.3), shape: [KH, KW] };
        const op = convolve ? cpu.convolve2d : cpu.correlate2d;
        const same = op(image, kernel, { mode: 'same' });
        const W = 11;
        for (const mode of ['full', 'valid'] as const) {
          const out = op(image, kernel, { mode });
          const [OH, OW] = out.shape as [number, number];
          const dy = outputToInputOffset(mode, KH, convolve);
          const dx = outputToInputOffset(mode, KW, convolve);
          for (let y = 0; y < OH; y++) {
            for (let x = 0; x < OW; x++) {
              const sy = y + dy;
              const sx = x + dx;
              if (sy < 0 || sy >= 9 || sx < 0 || sx >= W) continue;
              // Inside the image, the full/valid output over input pixel (sy, sx) is the 'same' output there.
              expect(out.data[y * OW + x]).toBeCloseTo(same.data[sy * W + sx] as number, 5);
            }
          }
        }
      });
    }
  }
});
