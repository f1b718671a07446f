/**
 * `engine.filterImage` in Node (pixels in memory and GPUTextures in; pixels and textures out)
 * against `cpu.filterImage`, within 1 LSB for integer samples and a derived bound for float ones;
 * alpha and colour-space modes against hand-computed pixels; `engine.wrap`; typed errors.
 * Browser sources and canvas targets: test/browser-image.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cpu, OptionError, ShapeError, type FilterImageOptions, type ImageDataLike, type ImageFilter, type RunInfo } from '../src/index.js';
import { gamma, randomTensor } from './support/compare.js';
import { useEngine } from './support/engines.js';

const engine = await useEngine('llvmpipe');

type SampleArray = ImageDataLike['data'];
type Ctor = new (n: number) => SampleArray;

/** A deterministic image with edges, gradients and (for alpha channels) transparent regions. */
function makeImage(ctor: Ctor, width: number, height: number, channels: 1 | 2 | 3 | 4, seed: number): ImageDataLike {
  const full = ctor === Float32Array ? 1 : ctor === Uint16Array ? 65535 : 255;
  const noise = randomTensor([width * height * channels], seed).data;
  const data = new ctor(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const i = (y * width + x) * channels + c;
        const isAlpha = (channels === 2 || channels === 4) && c === channels - 1;
        let v = isAlpha ? (x < width / 3 ? 0 : x < (2 * width) / 3 ? 0.5 + 0.25 * Math.sin(y) : 1) : 0.5 + 0.35 * Math.sin(x * 0.7 + c) * Math.cos(y * 0.4) + 0.1 * (noise[i] as number);
        v = Math.min(1, Math.max(0, v));
        data[i] = ctor === Float32Array ? v : Math.round(v * full);
      }
    }
  }
  return { data, width, height, channels };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

async function filtered(src: ImageDataLike | GPUTexture, filter: ImageFilter, options: FilterImageOptions = {}): Promise<{ out: ImageDataLike; runs: RunInfo[] }> {
  const runs: RunInfo[] = [];
  const out = await engine.filterImage(src, filter, { ...options, onRun: (i) => runs.push(i) });
  return { out, runs };
}

const FILTERS: Array<[string, ImageFilter, FilterImageOptions]> = [
  ['a 5×4 kernel, convolution, symm', randomTensor([5, 4], 3), { boundary: 'symm', offset: 0.5, gain: 0.5 }],
  ['gaussian sigma 1.5, premultiplied, linear light', { gaussian: 1.5 }, { alpha: 'premultiplied', colorSpace: 'linear' }],
  ['sobel magnitude (preset, normalized), alpha filtered', 'sobel', { alpha: 'filter' }],
  ['sharpen, correlate, fill 0.25, abs', 'sharpen', { correlate: true, boundary: 'fill', fillValue: 0.25, abs: true }],
];

describe.each([
  ['8-bit RGBA (ImageData-like)', Uint8ClampedArray, 4],
  ['8-bit RGB', Uint8Array, 3],
  ['16-bit grey + alpha', Uint16Array, 2],
  ['16-bit RGBA', Uint16Array, 4],
  ['8-bit grey', Uint8Array, 1],
] as const)('filterImage: pixels in memory, %s', (_name, ctor, channels) => {
  it.each(FILTERS)('%s: within 1 LSB of cpu.filterImage, same channels and sample type', async (_f, filter, options) => {
    const img = makeImage(ctor, 23, 17, channels, 7 + channels);
    const { out, runs } = await filtered(img, filter, options);
    const ref = cpu.filterImage(img, filter, options);
    expect(out.data).toBeInstanceOf(ctor);
    expect(out.channels).toBe(channels);
    expect([out.width, out.height]).toEqual([23, 17]);
    expect(maxDiff(out.data, ref.data)).toBeLessThanOrEqual(1);
    expect(runs.length).toBe(filter === 'sobel' ? 2 : 1);
  });
});

describe("filterImage: SciPy's modes", () => {
  it.each([
    ['full', 'convolution', false, [27, 19]],
    ['full', 'correlation', true, [27, 19]],
    ['valid', 'convolution', false, [19, 15]],
    ['valid', 'correlation', true, [19, 15]],
  ] as const)("mode '%s', %s, a 3×5 kernel: the result's size, copied alpha aligned as colour is, within 1 LSB", async (mode, _op, correlate, size) => {
    const img = makeImage(Uint8ClampedArray, 23, 17, 4, 12);
    const k = randomTensor([3, 5], 13);
    const options: FilterImageOptions = { mode, correlate, offset: 0.5, boundary: 'symm' };
    const { out } = await filtered(img, k, options);
    const ref = cpu.filterImage(img, k, options);
    expect([out.width, out.height]).toEqual(size);
    expect([ref.width, ref.height]).toEqual(size);
    expect(maxDiff(out.data, ref.data)).toBeLessThanOrEqual(1);
  });

  it("mode 'valid' with the kernel larger than the image in one axis only: ShapeError before any GPU work", async () => {
    await expect(engine.filterImage(makeImage(Uint8Array, 9, 9, 3, 1), randomTensor([11, 3], 2), { mode: 'valid' })).rejects.toThrow(ShapeError);
  });
});

describe('filterImage: an image larger than one buffer binding runs in bands of rows', async () => {
  // 8 KiB bindings: a 37×53 RGBA image's float planes (31 KiB) need 4–8 bands.
  const small = await useEngine('llvmpipe', { limits: { maxStorageBufferBindingSize: 8192 } });
  const img = makeImage(Uint8ClampedArray, 37, 53, 4, 21);
  it.each([
    ['same', 'reflect', { offset: 0.5 }],
    ['same', 'symm', { alpha: 'premultiplied', colorSpace: 'linear' }],
    ['full', 'fill', { correlate: true, fillValue: 0.3, alpha: 'filter' }],
    ['valid', 'replicate', { normalize: true }],
  ] as const)("mode '%s', boundary '%s' %j: every band's pixels within 1 LSB of cpu.filterImage", async (mode, boundary, extra) => {
    const k = randomTensor([5, 3], 17);
    const options: FilterImageOptions = { mode, boundary, ...extra };
    const runs: RunInfo[] = [];
    const out = await small.filterImage(img, k, { ...options, onRun: (i) => runs.push(i) });
    expect(runs.length).toBeGreaterThan(3);
    const ref = cpu.filterImage(img, k, options);
    expect([out.width, out.height]).toEqual([ref.width, ref.height]);
    expect(maxDiff(out.data, ref.data)).toBeLessThanOrEqual(1);
  });

  it('a texture result is written band by band too', async () => {
    const t = await small.filterImage(img, 'sobel', { output: 'texture' });
    const ref = cpu.filterImage(img, 'sobel');
    const read = await readTexture(t, 4, Uint8ClampedArray, small.device);
    expect(maxDiff(read, ref.data)).toBeLessThanOrEqual(1);
    t.destroy();
  });

  it("boundary 'wrap' needs the whole image: ResourceError naming the limit", async () => {
    await expect(small.filterImage(img, 'box', { boundary: 'wrap' })).rejects.toThrow(/does not fit one buffer binding \(8192 bytes\), and boundary 'wrap'/);
  });
});

describe('filterImage: float samples', () => {
  it('float32 grey, explicit algorithms ran: within γ(L+1)·Σ|k|·max|x| of cpu.filterImage', async () => {
    const img = makeImage(Float32Array, 31, 19, 1, 5);
    const k = randomTensor([3, 3], 11);
    const bound = gamma(9 + 1) * k.data.reduce((s, v) => s + Math.abs(v), 0) * 1;
    const ref = cpu.filterImage(img, k, { offset: 0.5 });
    for (const algorithm of ['direct', 'im2col', 'fft'] as const) {
      const { out, runs } = await filtered(img, k, { offset: 0.5, algorithm });
      expect(runs.map((r) => r.algorithm)).toEqual([algorithm]);
      expect(out.data).toBeInstanceOf(Float32Array);
      // FFT's error is normwise: the same bound scaled by the transform's log2 n (n = 32 × 32 here).
      expect(maxDiff(out.data, ref.data)).toBeLessThanOrEqual(algorithm === 'fft' ? bound * 10 * 4 : bound);
    }
  });

  it('a Gaussian runs separably', async () => {
    const img = makeImage(Uint8Array, 40, 30, 3, 2);
    const { out, runs } = await filtered(img, { gaussian: [2, 1] }, { algorithm: 'separable' });
    expect(runs[0]?.algorithm).toBe('separable');
    expect(maxDiff(out.data, cpu.filterImage(img, { gaussian: [2, 1] }).data)).toBeLessThanOrEqual(1);
  });
});

describe('filterImage: alpha and colour space, hand-computed pixels', () => {
  // One row: opaque red, transparent black, opaque red; kernel [1 2 1]/4; boundary 'reflect'
  // (x[−1] = x[1]): every output sums 2·red + 2·transparent or 2·red·2 … by hand below.
  const row: ImageDataLike = { data: Uint8ClampedArray.from([255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255]), width: 3, height: 1 };
  const k = { data: Float32Array.from([0.25, 0.5, 0.25]), shape: [1, 3] };

  it("'copy': red averages with the transparent pixel's black (dark halo), alpha unchanged", async () => {
    // R: p0 = (x[1] + 2·x[0] + x[1])/4 = (0 + 2 + 0)/4 = 0.5 → 128; p1 = (1 + 0 + 1)/4 = 0.5 → 128.
    const { out } = await filtered(row, k);
    expect([...out.data]).toEqual([128, 0, 0, 255, 128, 0, 0, 0, 128, 0, 0, 255]);
  });

  it("'premultiplied': no halo — colour stays pure red, alpha is filtered", async () => {
    // Premultiplied R = A = [1, 0, 1] → both filter to 0.5 everywhere; R/A = 1 → 255, A = 0.5 → 128.
    const { out } = await filtered(row, k, { alpha: 'premultiplied' });
    expect([...out.data]).toEqual([255, 0, 0, 128, 255, 0, 0, 128, 255, 0, 0, 128]);
  });

  it("'filter': colour and alpha filtered alike", async () => {
    const { out } = await filtered(row, k, { alpha: 'filter' });
    expect([...out.data]).toEqual([128, 0, 0, 128, 128, 0, 0, 128, 128, 0, 0, 128]);
  });

  it("colorSpace 'linear': black | white | black averages to half the light, sRGB 188 (not 128)", async () => {
    // Linear 0.5 → sRGB 1.055·0.5^(1/2.4) − 0.055 = 0.73536 → 0.73536·255 = 187.5 → 188.
    const grey: ImageDataLike = { data: Uint8Array.from([0, 255, 0]), width: 3, height: 1, channels: 1 };
    expect([...(await filtered(grey, k, { colorSpace: 'linear' })).out.data]).toEqual([188, 188, 188]);
    expect([...(await filtered(grey, k)).out.data]).toEqual([128, 128, 128]);
  });
});

/** An rgba8unorm / rgba32float / r8unorm texture holding `img`'s samples. */
function textureOf(img: ImageDataLike, format: GPUTextureFormat, usage = 0x04 | 0x02 | 0x01): GPUTexture {
  const t = engine.device.createTexture({ size: [img.width, img.height], format, usage });
  const bytesPerSample = img.data.BYTES_PER_ELEMENT;
  const channels = img.channels ?? 4;
  engine.device.queue.writeTexture({ texture: t }, img.data as Uint8Array<ArrayBuffer>, { bytesPerRow: img.width * channels * bytesPerSample }, [img.width, img.height]);
  return t;
}

/** Reads a texture back (rows padded to 256 bytes on the GPU). */
async function readTexture(t: GPUTexture, bytesPerPixel: number, ctor: Ctor, device: GPUDevice = engine.device): Promise<SampleArray> {
  const row = Math.ceil((t.width * bytesPerPixel) / 256) * 256;
  const buf = device.createBuffer({ size: row * t.height, usage: 0x0001 | 0x0008 });
  const enc = device.createCommandEncoder();
  enc.copyTextureToBuffer({ texture: t }, { buffer: buf, bytesPerRow: row }, [t.width, t.height]);
  device.queue.submit([enc.finish()]);
  await buf.mapAsync(0x0001);
  const bytes = new Uint8Array(buf.getMappedRange());
  const out = new ctor(t.width * t.height * 4);
  for (let y = 0; y < t.height; y++) {
    const rowData = new (ctor as unknown as { new (b: ArrayBuffer, o: number, n: number): SampleArray })(bytes.slice(y * row, y * row + t.width * bytesPerPixel).buffer, 0, t.width * 4);
    out.set(rowData as never, y * t.width * 4);
  }
  buf.unmap();
  buf.destroy();
  return out;
}

describe('filterImage: GPU textures in and out, no host round trip', () => {
  const img = makeImage(Uint8ClampedArray, 21, 13, 4, 9);
  const ref = cpu.filterImage(img, 'box:size=3', { alpha: 'premultiplied' });

  it('rgba8unorm texture in → pixels out (8-bit RGBA)', async () => {
    const t = textureOf(img, 'rgba8unorm');
    const { out } = await filtered(t, 'box:size=3', { alpha: 'premultiplied' });
    expect(out.data).toBeInstanceOf(Uint8ClampedArray);
    expect(maxDiff(out.data, ref.data)).toBeLessThanOrEqual(1);
    t.destroy();
  });

  it('pixels in → a new rgba8unorm texture out; then into an existing texture (target)', async () => {
    const t = await engine.filterImage(img, 'box:size=3', { alpha: 'premultiplied', output: 'texture' });
    expect([t.width, t.height, t.format]).toEqual([21, 13, 'rgba8unorm']);
    expect(maxDiff(await readTexture(t, 4, Uint8ClampedArray), ref.data)).toBeLessThanOrEqual(1);
    const target = engine.device.createTexture({ size: [21, 13], format: 'rgba32float', usage: 0x08 | 0x01 });
    expect(await engine.filterImage(img, 'box:size=3', { alpha: 'premultiplied', target })).toBeUndefined();
    const f = await readTexture(target, 16, Float32Array);
    expect(maxDiff(Uint8ClampedArray.from(f, (v) => Math.round(v * 255)), ref.data)).toBeLessThanOrEqual(1);
    t.destroy();
    target.destroy();
  });

  it('rgba32float texture in keeps float precision; r8unorm in is grey', async () => {
    const fimg = makeImage(Float32Array, 21, 13, 4, 4);
    const ft = textureOf(fimg, 'rgba32float');
    const { out } = await filtered(ft, 'box:size=3');
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(maxDiff(out.data, cpu.filterImage(fimg, 'box:size=3').data)).toBeLessThanOrEqual(gamma(10));
    const gimg = makeImage(Uint8Array, 21, 13, 1, 6);
    const gt = textureOf(gimg, 'r8unorm');
    const grey = await filtered(gt, 'box:size=3');
    expect(grey.out.channels).toBe(1);
    expect(maxDiff(grey.out.data, cpu.filterImage(gimg, 'box:size=3').data)).toBeLessThanOrEqual(1);
    ft.destroy();
    gt.destroy();
  });

  it('repeated calls reuse pooled buffers (no new pooled GPU buffers after the first)', async () => {
    await engine.filterImage(img, 'box:size=3');
    const before = engine.stats();
    await engine.filterImage(img, 'box:size=3');
    const after = engine.stats();
    expect(before.buffersAllocated).toBeGreaterThan(0);
    expect(after.buffersAllocated).toBe(before.buffersAllocated);
    expect(after.bytesAllocated).toBe(before.bytesAllocated);
    expect(after.tensors).toBe(before.tensors);
  });
});

describe('engine.wrap: an existing GPUBuffer as a GpuTensor, not owned', () => {
  it('ops read it without a copy; destroying the tensor leaves the buffer to its owner', async () => {
    const x = randomTensor([1, 2, 9, 8], 1);
    const w = randomTensor([3, 2, 3, 3], 2);
    const buffer = engine.device.createBuffer({ size: x.data.byteLength + 64, usage: 0x80 | 0x08 | 0x04 });
    engine.device.queue.writeBuffer(buffer, 0, x.data as Float32Array<ArrayBuffer>);
    const t = engine.wrap(buffer, [1, 2, 9, 8]);
    const bytes = engine.stats().tensorBytes;
    const r = await engine.conv2d(t, w, { padding: 1 });
    const ref = cpu.conv2d(x, w, { padding: 1 });
    const mag = cpu.conv2d({ data: x.data.map(Math.abs), shape: x.shape }, { data: w.data.map(Math.abs), shape: w.shape }, { padding: 1 });
    for (let i = 0; i < ref.data.length; i++) expect(Math.abs((r.data[i] as number) - (ref.data[i] as number))).toBeLessThanOrEqual(gamma(18) * (mag.data[i] as number));
    expect(engine.stats().tensorBytes).toBe(bytes);
    t.destroy();
    expect((await engine.wrap(buffer, [x.data.length]).read()).data).toEqual(x.data);
    buffer.destroy();
  });

  it('typed errors: too small, no STORAGE usage, bad shape', () => {
    const small = engine.device.createBuffer({ size: 16, usage: 0x80 });
    expect(() => engine.wrap(small, [5])).toThrow(ShapeError);
    expect(() => engine.wrap(small, [0])).toThrow(ShapeError);
    const notStorage = engine.device.createBuffer({ size: 16, usage: 0x08 });
    expect(() => engine.wrap(notStorage, [4])).toThrow(OptionError);
    small.destroy();
    notStorage.destroy();
  });
});

describe('filterImage: bad input gets typed errors before any GPU work', () => {
  const img = makeImage(Uint8Array, 5, 4, 3, 1);
  it.each([
    ['data length', () => engine.filterImage({ data: new Uint8Array(10), width: 5, height: 4, channels: 3 }, 'box'), ShapeError, /needs 60/],
    ['sample type', () => engine.filterImage({ data: new Int16Array(60) as never, width: 5, height: 4, channels: 3 }, 'box'), ShapeError, /Uint8ClampedArray/],
    ['not an image', () => engine.filterImage({} as never, 'box'), ShapeError, /the source must be/],
    ['unknown preset', () => engine.filterImage(img, 'blurry'), OptionError, /unknown kernel preset/],
    ['kernel rank', () => engine.filterImage(img, { data: new Float32Array(3), shape: [3] }), ShapeError, /rank 2/],
    ['unknown option', () => engine.filterImage(img, 'box', { padding: 1 } as never), OptionError, /padding/],
    ['alpha mode', () => engine.filterImage(img, 'box', { alpha: 'keep' as never }), OptionError, /alpha/],
    ['premultiplied magnitude', () => engine.filterImage(img, 'sobel', { alpha: 'premultiplied' }), OptionError, /single kernel/],
    ['bitmap in Node', () => engine.filterImage(img, 'box', { output: 'bitmap' }), OptionError, /OffscreenCanvas/],
    ['output and target', () => engine.filterImage(img, 'box', { output: 'texture', target: engine.device.createTexture({ size: [5, 4], format: 'rgba8unorm', usage: 0x08 }) }), OptionError, /not both/],
    ['target size', () => engine.filterImage(img, 'box', { target: engine.device.createTexture({ size: [4, 4], format: 'rgba8unorm', usage: 0x08 }) }), ShapeError, /4×4/],
    ['texture usage', () => engine.filterImage(engine.device.createTexture({ size: [4, 4], format: 'rgba8unorm', usage: 0x02 }), 'box'), OptionError, /TEXTURE_BINDING/],
    ['texture format', () => engine.filterImage(engine.device.createTexture({ size: [4, 4], format: 'rg8uint', usage: 0x04 }), 'box'), OptionError, /rg8uint/],
    ['normalize with offset', () => engine.filterImage(img, 'box', { normalize: true, offset: 0.5 }), OptionError, /normalize and offset/],
  ] as const)('%s', async (_name, call, type, message) => {
    await expect(call()).rejects.toThrow(type);
    await expect(call()).rejects.toThrow(message);
  });
});
