/**
 * End-to-end tests of the built `webgpu-conv` CLI (dist/cli/main.js) on small images in a temp
 * directory, on the llvmpipe software adapter: exit codes, one-line error messages, and output
 * pixels equal to the CPU reference within 1 LSB. The reference here is computed independently of
 * the CLI's pipeline: the test decodes the input itself (pngjs / jpeg-js) and runs the library's CPU
 * `convolve2d`/`correlate2d` from the built package.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode as decodeJpeg, encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findBench, runBench } from '../src/cli/commands/bench.js';
import { ALGORITHM_NAMES } from '../src/algorithms/registry.js';
import { parseKernelText } from '../src/cli/kernel.js';
import type { HostTensor } from '../src/index.js';
import { parsePreset } from '../src/presets/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** "algorithm/variant" as the CLI prints it; variant names may contain spaces ("tiled/8x16 KB1"). */
const RAN = `(?:${ALGORITHM_NAMES.join('|')})/[^:\n]+?`;
const CLI = join(ROOT, 'dist/cli/main.js');
const ADAPTER = ['--adapter', 'llvmpipe'];

/** The library as published (dist/), for the CPU reference. */
type Lib = typeof import('../src/index.js');
let lib: Lib;
let dir: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** stderr lines that are the CLI's own (Dawn may add driver warnings of its own). */
function errorLines(r: Run): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('webgpu-conv'));
}

/** Asserts a failure: exit code, exactly one error line, matching `message`. */
function expectError(r: Run, code: number, message: RegExp): void {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
  const lines = errorLines(r);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.stdout).toBe('');
}

// ---------------------------------------------------------------------------------------------
// Test images
// ---------------------------------------------------------------------------------------------

/** A smooth but non-trivial pattern in [0, 1) for channel c. */
function pattern(x: number, y: number, c: number): number {
  return (0.5 + 0.45 * Math.sin(0.7 * x + 1.3 * c) * Math.cos(0.5 * y - 0.4 * c) + 0.04 * ((x * 7 + y * 13 + c * 5) % 11) / 11) % 1;
}

interface TestImage {
  width: number;
  height: number;
  channels: 1 | 3;
  depth: 8 | 16;
  /** Interleaved samples, colour then optional alpha. */
  samples: Uint16Array;
  alpha: boolean;
}

function makeImage(width: number, height: number, channels: 1 | 3, depth: 8 | 16, alpha: boolean): TestImage {
  const max = 2 ** depth - 1;
  const ch = channels + (alpha ? 1 : 0);
  const samples = new Uint16Array(width * height * ch);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * ch;
      for (let c = 0; c < channels; c++) samples[i + c] = Math.round(pattern(x, y, c) * max);
      if (alpha) samples[i + channels] = Math.round(((x + y) / (width + height)) * max);
    }
  }
  return { width, height, channels, depth, samples, alpha };
}

function writePng(path: string, img: TestImage): void {
  const colorType = img.channels === 1 ? (img.alpha ? 4 : 0) : img.alpha ? 6 : 2;
  const data = img.depth === 16 ? Uint16Array.from(img.samples) : Uint8Array.from(img.samples);
  const buf = PNG.sync.write({ width: img.width, height: img.height, data: data as unknown as Buffer } as PNG, {
    colorType,
    inputColorType: colorType,
    inputHasAlpha: img.alpha,
    bitDepth: img.depth,
  });
  writeFileSync(path, buf);
}

interface Decoded {
  width: number;
  height: number;
  channels: number;
  colorType: number;
  depth: number;
  /** Planar colour planes (samples), and alpha samples if any. */
  planes: number[][];
  alpha: number[] | undefined;
}

/** Decodes a PNG written by the CLI (any colour type, 8/16 bits) into planes of samples. */
function readPng(path: string): Decoded {
  const png = PNG.sync.read(readFileSync(path), { skipRescale: true });
  const data = png.data as unknown as ArrayLike<number>;
  const n = png.width * png.height;
  const channels = png.color ? 3 : 1;
  const planes = Array.from({ length: channels }, (_, c) => Array.from({ length: n }, (_, i) => data[4 * i + c] as number));
  const alpha = png.alpha ? Array.from({ length: n }, (_, i) => data[4 * i + 3] as number) : undefined;
  return { width: png.width, height: png.height, channels, colorType: png.colorType, depth: png.depth, planes, alpha };
}

/** The input as the reference sees it: planar colour in [0, 1], and the raw alpha samples. */
function inputPlanes(img: TestImage): { planes: HostTensor; alpha: number[] | undefined } {
  const n = img.width * img.height;
  const ch = img.channels + (img.alpha ? 1 : 0);
  const max = 2 ** img.depth - 1;
  const data = new Float32Array(img.channels * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < img.channels; c++) data[c * n + i] = (img.samples[i * ch + c] as number) / max;
  const alpha = img.alpha ? Array.from({ length: n }, (_, i) => img.samples[i * ch + img.channels] as number) : undefined;
  return { planes: { data, shape: [img.channels, img.height, img.width] }, alpha };
}

interface Expectation {
  kernels: HostTensor[];
  magnitude?: boolean;
  correlate?: boolean;
  mode?: 'same' | 'full' | 'valid';
  boundary?: 'fill' | 'wrap' | 'symm' | 'reflect' | 'replicate';
  abs?: boolean;
  gain?: number;
  offset?: number;
  normalize?: boolean;
  depth: 8 | 16;
}

/** The CPU reference of what the CLI should have written: planes of samples. */
function reference(planes: HostTensor, e: Expectation): { planes: number[][]; OH: number; OW: number } {
  const op = e.correlate ? lib.cpu.correlate2d : lib.cpu.convolve2d;
  const outs = e.kernels.map((k) => op(planes, k, { mode: e.mode ?? 'same', boundary: e.boundary ?? 'reflect' }));
  const [C, OH, OW] = (outs[0] as HostTensor).shape as [number, number, number];
  let v = Array.from((outs[0] as HostTensor).data);
  if (e.magnitude) v = v.map((_, i) => Math.hypot(...outs.map((o) => o.data[i] as number)));
  if (e.abs) v = v.map(Math.abs);
  if (e.gain !== undefined) v = v.map((x) => x * (e.gain as number));
  if (e.normalize) {
    const lo = Math.min(...v);
    const hi = Math.max(...v);
    v = v.map((x) => (x - lo) / (hi - lo));
  }
  if (e.offset !== undefined) v = v.map((x) => x + (e.offset as number));
  const max = 2 ** e.depth - 1;
  const q = v.map((x) => Math.round(Math.min(Math.max(x, 0), 1) * max));
  const n = OH * OW;
  return { planes: Array.from({ length: C }, (_, c) => q.slice(c * n, (c + 1) * n)), OH, OW };
}

function maxLsb(a: readonly number[], b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function expectMatches(out: Decoded, ref: { planes: number[][]; OH: number; OW: number }): void {
  expect([out.height, out.width]).toEqual([ref.OH, ref.OW]);
  expect(out.channels).toBe(ref.planes.length);
  ref.planes.forEach((plane, c) => expect(maxLsb(out.planes[c] as number[], plane), `channel ${c}`).toBeLessThanOrEqual(1));
}

// ---------------------------------------------------------------------------------------------

const images = {
  rgb8: makeImage(23, 17, 3, 8, false),
  grey8: makeImage(19, 13, 1, 8, false),
  grey16: makeImage(17, 11, 1, 16, false),
  rgba8: makeImage(16, 12, 3, 8, true),
  rgb16: makeImage(13, 9, 3, 16, false),
};

/** A 12×10 greyscale (one-component) JPEG made with libjpeg's cjpeg -grayscale. */
const GREY_JPEG =
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAIBAQEBAQIBAQECAgICAgQDAgICAgUEBAMEBgUGBgYFBgYGBwkIBgcJBwYGCAsICQoKCgoKBggLDAsKDAkKCgr/wAALCAAKAAwBAREA/8QAFQABAQAAAAAAAAAAAAAAAAAACAn/xAApEAAAAwQJBQEAAAAAAAAAAAABAwQCBQlCAAYHCBESExYkGSU1RlJW/9oACAEBAAA/ADzCSu/+M4XxLSvlokRuGvDsJcFil8a8Hs+s70q+U+0Ls2a+XhqoDDjiGDtRCjOLZxNTHs5RaBoMmIgACyIhqEklTds45ckgUDUf5Km6wFsfHL9ZkD8u6Kf/2Q==';

/** Rebuilds dist/ when it is missing or older than the sources (npm test builds first anyway). */
function ensureBuilt(): void {
  const newest = (d: string): number =>
    Math.max(0, ...readdirSync(d, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs)));
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newest(join(ROOT, 'src'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
}

beforeAll(async () => {
  ensureBuilt();
  lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;
  dir = mkdtempSync(join(tmpdir(), 'webgpu-conv-cli-'));
  for (const [name, img] of Object.entries(images)) writePng(join(dir, `${name}.png`), img);
  const rgb = images.rgb8;
  const rgba = new Uint8Array(rgb.width * rgb.height * 4);
  for (let i = 0; i < rgb.width * rgb.height; i++) {
    rgba.set(rgb.samples.subarray(3 * i, 3 * i + 3), 4 * i);
    rgba[4 * i + 3] = 255;
  }
  writeFileSync(join(dir, 'photo.jpg'), encodeJpeg({ width: rgb.width, height: rgb.height, data: rgba }, 90).data);
  writeFileSync(join(dir, 'grey.jpg'), Buffer.from(GREY_JPEG, 'base64'));
  writeFileSync(join(dir, 'not-an-image.png'), 'hello, I am text\n');
  writeFileSync(join(dir, 'edge.txt'), '# a 2×3 asymmetric kernel\n1 2 0\n-1, 0.5, -3\n');
  writeFileSync(join(dir, 'ragged.json'), '[[1, 2], [3]]');
  mkdirSync(join(dir, 'batch'));
  writePng(join(dir, 'batch', 'a.png'), images.rgb8);
  writePng(join(dir, 'batch', 'b.png'), images.grey8);
  writeFileSync(join(dir, 'batch', 'notes.txt'), 'not an image, and not .png: skipped');
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('webgpu-conv: conventions', () => {
  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help works on every command', () => {
    for (const args of [['--help'], ['filter', '--help'], ['gallery', '--help'], ['info', '--help'], ['help', 'filter']]) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/Usage: webgpu-conv/);
    }
    expect(cli('filter', '--help').stdout).toMatch(/gaussian:sigma=1,size=…/);
    // bench passes --help on to the suite when it is there, else explains itself.
    const bench = cli('bench', '--help');
    expect(bench.code, bench.stderr).toBe(0);
    expect(bench.stdout).toMatch(findBench() ? /\S/ : /Usage: webgpu-conv bench/);
  });

  it('no command: usage on stderr, exit 2', () => {
    const r = cli();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: webgpu-conv/);
  });

  it('bad usage exits 2 with one line naming the problem', () => {
    expectError(cli('filter', 'rgb8.png', '-k', 'box:3', '-o', 'x.png', '--bogus'), 2, /unknown option '--bogus'/);
    expectError(cli('filter', 'rgb8.png', '-o', 'x.png'), 2, /required option '-k, --kernel <spec>' not specified/);
    expectError(cli('filter', 'rgb8.png', '-k', 'blurry', '-o', 'x.png'), 2, /unknown kernel preset 'blurry'/);
    expectError(cli('filter', 'rgb8.png', '-k', 'gaussian:sigma=abc', '-o', 'x.png'), 2, /preset 'gaussian': sigma must be a number, got 'abc'/);
    expectError(cli('filter', 'rgb8.png', '-k', 'box:3', '-o', 'x.png', '--mode', 'diagonal'), 2, /'diagonal' is invalid.*same, full, valid/);
    expectError(cli('filter', 'rgb8.png', '-k', 'box:3', '-o', 'x.png', '--offset', 'lots'), 2, /--offset must be a number/);
    expectError(cli('filter', 'rgb8.png', '-k', 'sobel', '-o', 'x.png', '--normalize', '--offset', '0.5'), 2, /--normalize and --offset cannot be combined/);
    expectError(cli('filter', 'rgb8.png', '-k', '[[1, 2], [3]]', '-o', 'x.png'), 2, /inline kernel: row 2 has 1 values, expected 2/);
    expectError(cli('frobnicate'), 2, /unknown command 'frobnicate'/);
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });

  it('runtime errors exit 1 with one line naming the file', () => {
    expectError(cli('filter', 'missing.png', '-k', 'box:3', '-o', 'x.png', ...ADAPTER), 1, /input 'missing.png' not found/);
    expectError(cli('filter', 'not-an-image.png', '-k', 'box:3', '-o', 'x.png', ...ADAPTER), 1, /cannot read image 'not-an-image.png': not a PNG or JPEG file/);
    expectError(cli('filter', 'rgb8.png', '-k', 'kernels/nothere.txt', '-o', 'x.png', ...ADAPTER), 1, /kernel file 'kernels\/nothere.txt' not found/);
    expectError(cli('filter', 'rgb8.png', '-k', 'ragged.json', '-o', 'x.png', ...ADAPTER), 1, /kernel file 'ragged.json': row 2 has 1 values, expected 2/);
    expectError(cli('filter', 'empty-dir-does-not-exist/', '-k', 'box:3', '-o', 'out/', ...ADAPTER), 1, /input 'empty-dir-does-not-exist\/' not found/);
    // A kernel larger than the image in one dimension only cannot be 'valid' (SciPy raises too).
    expectError(cli('filter', 'grey8.png', '-k', 'motion:length=25,angle=0', '--mode', 'valid', '-o', 'x.png', ...ADAPTER), 1, /mode 'valid'/);
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });
});

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

describe('webgpu-conv info, gallery, bench', () => {
  it('info --json describes the software adapter, its limits and features', () => {
    const r = cli('info', '--json', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { adapter: { isSoftware: boolean; source: string; featureLevel: string }; limits: Record<string, number>; features: string[] };
    expect(info.adapter).toMatchObject({ isSoftware: true, source: 'llvmpipe', featureLevel: 'compatibility' });
    expect(info.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
    expect(Array.isArray(info.features)).toBe(true);
    const text = cli('info', ...ADAPTER);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/software +yes/);
    expect(text.stdout).toMatch(/maxStorageBufferBindingSize +\d+/);
  });

  it('gallery: a PNG per preset, a contact sheet and a table', () => {
    const r = cli('gallery', 'rgb8.png', '-o', 'sheet', '-p', 'box:3;sobel-x;sobel', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'sheet')).sort()).toEqual(['01-box-size3.png', '02-sobel-x.png', '03-sobel.png', 'index.html', 'input.png']);
    expect(r.stdout).toMatch(/preset +kernel +output +GPU +CPU +max \|GPU−CPU\| +LSB +file/);
    expect(r.stdout).toMatch(/sobel-x +3×3 +offset 0\.5 +[\d.]+ ms +[\d.]+ ms +[\de.+-]+ +[01] +sheet\/02-sobel-x\.png/);
    const html = readFileSync(join(dir, 'sheet/index.html'), 'utf8');
    for (const s of ['input.png', '01-box-size3.png', '02-sobel-x.png', '03-sobel.png', 'GPU', 'CPU', 'max diff', 'software adapter']) expect(html).toContain(s);
    expectMatches(readPng(join(dir, 'sheet/02-sobel-x.png')), reference(inputPlanes(images.rgb8).planes, { kernels: parsePreset('sobel-x').kernels, offset: 0.5, depth: 8 }));
  });

  it('gallery with a bad preset list is a usage error', () => {
    expectError(cli('gallery', 'rgb8.png', '-o', 'sheet2', '-p', 'box:3;nope'), 2, /unknown kernel preset 'nope'/);
  });

  it('bench hands over to bench/ when it is there (arguments and exit code), else says it is missing', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'webgpu-conv-bench-'));
    try {
      expect(findBench(tmp)).toBeUndefined();
      await expect(runBench(['--quick'], tmp)).rejects.toThrow(/the benchmark suite is not installed \(looked for bench\/run\.mjs/);
      mkdirSync(join(tmp, 'bench'));
      writeFileSync(join(tmp, 'bench', 'run.mjs'), 'process.exit(process.argv.slice(2).join(" ") === "--quick --filter k3" ? 7 : 3);');
      expect(findBench(tmp)).toBe(join(tmp, 'bench', 'run.mjs'));
      expect(await runBench(['--quick', '--filter', 'k3'], tmp)).toBe(7);
    } finally {
      rmSync(tmp, { recursive: true });
    }
    if (!findBench()) expectError(cli('bench'), 1, /the benchmark suite is not installed/);
  });
});
