/**
 * End-to-end tests of the built `webgpu-conv filter` (and `tune`) command (dist/cli/main.js) on small
 * images in a temp directory, on the llvmpipe software adapter: output pixels equal to the CPU
 * reference within 1 LSB. The reference is computed independently of the CLI's pipeline: the test
 * decodes the input itself (pngjs / jpeg-js) and runs the library's CPU `convolve2d`/`correlate2d`
 * from the built package (test/support/cli-reference.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode as decodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { parseKernelText } from '../src/cli/kernel.js';
import type { HostTensor } from '../src/index.js';
import { parsePreset } from '../src/presets/index.js';
import { GREY_JPEG, images, inputPlanes, readPng, type TestImage } from './support/cli-images.js';
import { expectMatches, maxLsb, reference } from './support/cli-reference.js';
import { ADAPTER, cli, dir, errorLines, lib, RAN, useCliFixture } from './support/cli.js';

useCliFixture();

describe('webgpu-conv filter: pixels equal the CPU reference within 1 LSB', () => {
  it('RGB 8-bit, gaussian, with --check', () => {
    const r = cli('filter', 'rgb8.png', '-k', 'gaussian:sigma=1.5', '-o', 'out/rgb8-gauss.png', '--check', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/adapter: .*software adapter \(llvmpipe\)/);
    expect(r.stdout).toMatch(/rgb8\.png → out\/rgb8-gauss\.png {2}23×17 RGB 8-bit {2}gaussian:sigma=1\.5,size=11 \(11×11\) {2}GPU [\d.]+ ms {2}CPU [\d.]+ ms {2}max \|GPU − CPU\| [\de.+-]+ \([01] LSB at 8 bits\)/);
    const out = readPng(join(dir, 'out/rgb8-gauss.png'));
    expect(out.colorType).toBe(2);
    expect(out.depth).toBe(8);
    expectMatches(out, reference(inputPlanes(images.rgb8).planes, { kernels: parsePreset('gaussian:sigma=1.5').kernels, depth: 8 }));
  });

  it('grey 16-bit, sobel-x with --offset 0.5, stays 16-bit grey', () => {
    const r = cli('filter', 'grey16.png', '-k', 'sobel-x', '--offset', '0.5', '-o', 'g16.png', '--quiet', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const out = readPng(join(dir, 'g16.png'));
    expect(out.colorType).toBe(0);
    expect(out.depth).toBe(16);
    expectMatches(out, reference(inputPlanes(images.grey16).planes, { kernels: parsePreset('sobel-x').kernels, offset: 0.5, depth: 16 }));
  });

  it('RGB 16-bit to 8-bit with --depth 8, laplacian --abs --gain 4, boundary wrap, im2col', () => {
    const r = cli('filter', 'rgb16.png', '-k', 'laplacian', '--abs', '--gain', '4', '--depth', '8', '--boundary', 'wrap', '--algorithm', 'im2col', '-o', 'l.png', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    const out = readPng(join(dir, 'l.png'));
    expect(out.depth).toBe(8);
    expectMatches(out, reference(inputPlanes(images.rgb16).planes, { kernels: parsePreset('laplacian').kernels, abs: true, gain: 4, boundary: 'wrap', depth: 8 }));
  });

  it('RGBA: colour filtered, alpha copied unchanged (and filtered with --filter-alpha)', () => {
    const { planes, alpha } = inputPlanes(images.rgba8);
    let r = cli('filter', 'rgba8.png', '-k', 'box:3', '-o', 'a.png', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    let out = readPng(join(dir, 'a.png'));
    expect(out.colorType).toBe(6);
    expect(out.alpha).toEqual(alpha);
    expectMatches(out, reference(planes, { kernels: parsePreset('box:3').kernels, depth: 8 }));

    r = cli('filter', 'rgba8.png', '-k', 'box:3', '--filter-alpha', '-o', 'a2.png', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    out = readPng(join(dir, 'a2.png'));
    const alphaPlane: HostTensor = { data: Float32Array.from(alpha as number[], (v) => v / 255), shape: [1, 12, 16] };
    const refAlpha = reference(alphaPlane, { kernels: parsePreset('box:3').kernels, depth: 8 });
    expect(maxLsb(out.alpha as number[], refAlpha.planes[0] as number[])).toBeLessThanOrEqual(1);
    expect(out.alpha).not.toEqual(alpha);
  });

  it('--alpha premultiplied and --linear: the pixels of cpu.filterImage (hand-checked in test/gpu-image.test.ts), within 1 LSB', () => {
    const r = cli('filter', 'rgba8.png', '-k', 'gaussian:sigma=1', '--alpha', 'premultiplied', '--linear', '-o', 'pm.png', '--check', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    const out = readPng(join(dir, 'pm.png'));
    const img = images.rgba8;
    const ref = lib.cpu.filterImage({ data: Uint8Array.from(img.samples), width: img.width, height: img.height, channels: 4 }, 'gaussian:sigma=1', { alpha: 'premultiplied', colorSpace: 'linear' });
    const n = img.width * img.height;
    const planes = [0, 1, 2].map((c) => Array.from({ length: n }, (_, i) => ref.data[4 * i + c] as number));
    expect(Math.max(...planes.map((p, c) => maxLsb(out.planes[c] as number[], p)))).toBeLessThanOrEqual(1);
    expect(maxLsb(out.alpha as number[], Array.from({ length: n }, (_, i) => ref.data[4 * i + 3] as number))).toBeLessThanOrEqual(1);
    const bad = cli('filter', 'rgba8.png', '-k', 'sobel', '--alpha', 'premultiplied', '-o', 'x.png', ...ADAPTER);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--alpha premultiplied needs a single kernel/);
  });

  it('a kernel file, --correlate, --mode full, --boundary fill: size and pixels (alpha follows SciPy alignment)', () => {
    const r = cli('filter', 'rgba8.png', '-k', 'edge.txt', '--correlate', '--mode', 'full', '--boundary', 'fill', '--offset', '0.5', '-o', 'f.png', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/file edge\.txt \(2×3\)/);
    const out = readPng(join(dir, 'f.png'));
    const kernel = parseKernelText('1 2 0\n-1 0.5 -3', 'test');
    const ref = reference(inputPlanes(images.rgba8).planes, { kernels: [kernel], correlate: true, mode: 'full', boundary: 'fill', offset: 0.5, depth: 8 });
    expect([ref.OH, ref.OW]).toEqual([12 + 1, 16 + 2]);
    expectMatches(out, ref);
    // correlate2d 'same' crops full at ⌊k/2⌋ = (1, 1): full pixel (y, x) sits over input (y − 1, x − 1), edges clamped.
    const alpha = inputPlanes(images.rgba8).alpha as number[];
    const at = (y: number, x: number) => alpha[Math.min(Math.max(y - 1, 0), 11) * 16 + Math.min(Math.max(x - 1, 0), 15)];
    expect(out.alpha).toEqual(Array.from({ length: 13 * 18 }, (_, i) => at(Math.floor(i / 18), i % 18)));
  });

  it('colour JPEG in, RGB PNG out; --mode valid', () => {
    const r = cli('filter', 'photo.jpg', '-k', 'sharpen', '--mode', 'valid', '-o', 'p.png', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    const decoded = decodeJpeg(readFileSync(join(dir, 'photo.jpg')), { useTArray: true, formatAsRGBA: false });
    const img: TestImage = { width: decoded.width, height: decoded.height, channels: 3, depth: 8, samples: Uint16Array.from(decoded.data), alpha: false };
    const out = readPng(join(dir, 'p.png'));
    expect([out.width, out.height]).toEqual([21, 15]);
    expectMatches(out, reference(inputPlanes(img).planes, { kernels: parsePreset('sharpen').kernels, mode: 'valid', depth: 8 }));
  });

  it('greyscale JPEG in, grey PNG out', () => {
    const r = cli('filter', 'grey.jpg', '-k', 'emboss', '-o', 'gj.png', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    const decoded = decodeJpeg(Buffer.from(GREY_JPEG, 'base64'), { useTArray: true, formatAsRGBA: false });
    const grey = Uint16Array.from({ length: decoded.width * decoded.height }, (_, i) => decoded.data[3 * i] as number);
    const out = readPng(join(dir, 'gj.png'));
    expect(out.colorType).toBe(0);
    const img: TestImage = { width: 12, height: 10, channels: 1, depth: 8, samples: grey, alpha: false };
    expectMatches(out, reference(inputPlanes(img).planes, { kernels: parsePreset('emboss').kernels, depth: 8 }));
  });

  it('sobel gradient magnitude with --normalize; symm boundary; tiled', () => {
    const r = cli('filter', 'grey8.png', '-k', 'sobel', '--normalize', '--boundary', 'symm', '--algorithm', 'tiled', '-o', 's.png', '--check', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/sobel \(3×3 ×2\)/);
    expectMatches(readPng(join(dir, 's.png')), reference(inputPlanes(images.grey8).planes, { kernels: parsePreset('sobel').kernels, magnitude: true, normalize: true, boundary: 'symm', depth: 8 }));
  });

  it('a large Gaussian with --algorithm fft (within 1 LSB of the CPU reference, --check)', () => {
    const r = cli('filter', 'grey8.png', '-k', 'gaussian:sigma=3', '--algorithm', 'fft', '-o', 'fft.png', '--check', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expectMatches(readPng(join(dir, 'fft.png')), reference(inputPlanes(images.grey8).planes, { kernels: parsePreset('gaussian:sigma=3').kernels, depth: 8 }));
  });

  it('--explain says what ran and why; --tuning autotunes new shapes and keeps the table in a file', () => {
    const r = cli('filter', 'grey8.png', '-k', 'box:size=3', '--explain', '--tuning', 'tuning.json', '-o', 't.png', '--check', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\n {2}ran ${RAN}: autotuned: `));
    const table = JSON.parse(readFileSync(join(dir, 'tuning.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(table.entries)).toHaveLength(1);
    // Read back: the same shape is not tuned again, the file's winner runs.
    const again = cli('filter', 'grey8.png', '-k', 'box:size=3', '--explain', '--tuning', 'tuning.json', '-o', 't2.png', ...ADAPTER);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`\n {2}ran ${RAN}: autotuned: `));
    const bad = cli('filter', 'grey8.png', '-k', 'box:size=3', '--tuning', 'grey8.png', '-o', 't3.png', ...ADAPTER);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--tuning grey8.png: importTuning: not JSON/);
  });

  it('tune: times the given shapes, prints each winner and writes the table filter --tuning reads', () => {
    const r = cli('tune', '--tuning', 'tuned.json', '--shape', 'conv2d:1x4x10x10:8x4x3x3:padding=1', 'conv2d:1x1x16x16:1x1x5x5:padding=2', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`conv2d:1x4x10x10:8x4x3x3:padding=1 +${RAN} +[\\d.]+ ms +\\(\\d+ candidates timed, wall-clock\\)`));
    const table = JSON.parse(readFileSync(join(dir, 'tuned.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(table.entries)).toHaveLength(2);
    const bad = cli('tune', '--tuning', 'x.json', '--shape', 'conv2d:1x4x10:8x4x3x3', ...ADAPTER);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--shape conv2d:1x4x10:8x4x3x3: the input must be NxCxHxW/);
  });

  it('several inputs and a directory: one PNG each in the output directory', () => {
    const r = cli('filter', 'batch', 'grey16.png', '-k', 'motion:length=5,angle=45', '-o', 'many', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'many')).sort()).toEqual(['a.png', 'b.png', 'grey16.png']);
    expect(r.stdout).toMatch(/3 of 3 images written to many/);
    const k = parsePreset('motion:length=5,angle=45').kernels;
    expectMatches(readPng(join(dir, 'many/a.png')), reference(inputPlanes(images.rgb8).planes, { kernels: k, depth: 8 }));
    expectMatches(readPng(join(dir, 'many/b.png')), reference(inputPlanes(images.grey8).planes, { kernels: k, depth: 8 }));
    expectMatches(readPng(join(dir, 'many/grey16.png')), reference(inputPlanes(images.grey16).planes, { kernels: k, depth: 16 }));
  });

  it('a bad file among several: the others are written, exit 1', () => {
    const r = cli('filter', 'rgb8.png', 'not-an-image.png', '-k', 'box:2', '-o', 'mixed', ...ADAPTER);
    expect(r.code).toBe(1);
    expect(errorLines(r)).toEqual([expect.stringMatching(/cannot read image 'not-an-image.png'/)]);
    expect(readdirSync(join(dir, 'mixed'))).toEqual(['rgb8.png']);
  });
});
