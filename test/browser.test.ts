/**
 * The browser demo in a real headless browser: the system Chromium (/usr/bin/chromium, never a
 * downloaded one) with WebGPU on SwiftShader, driven by playwright-core. The demo is built to
 * dist-demo/ and served from 127.0.0.1; the test loads a small image through the file picker,
 * applies two presets through the UI, reads the result canvas and compares it with the CPU
 * reference computed here in Node, and saves screenshots under test-output/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serve } from './support/browser.js';
import { cpu, type HostTensor } from '../src/index.js';
import { applyMapping, combineResults, parsePreset, quantizeAll, type ResolvedFilter } from '../src/presets/index.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SITE = join(ROOT, 'dist-demo');
const OUTPUT = join(ROOT, 'test-output');
const W = 40;
const H = 28;

let server: Server;
let url: string;
let browser: Browser;
let work: string;
let imagePath: string;
/** The test image's colour planes [3, H, W] in [0, 1]. */
let planes: HostTensor;
let rgba: Uint8Array;

/** A colourful little test image with edges in several directions. */
function makeImage(): Uint8Array {
  const data = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = 4 * (y * W + x);
      const disc = (x - 14) ** 2 + (y - 13) ** 2 < 60 ? 1 : 0;
      data[i] = Math.round(255 * (0.15 + 0.7 * disc));
      data[i + 1] = Math.round(255 * (0.5 + 0.45 * Math.sin(x * 0.45) * Math.cos(y * 0.3)));
      data[i + 2] = x + y > 40 ? 220 : 30 + ((x * 5 + y * 3) % 40);
      data[i + 3] = 255;
    }
  }
  return data;
}

async function readCanvas(page: Page, id: string): Promise<{ width: number; height: number; data: number[] }> {
  return page.evaluate((canvasId) => {
    const c = document.getElementById(canvasId) as HTMLCanvasElement;
    const ctx = c.getContext('2d') as CanvasRenderingContext2D;
    return { width: c.width, height: c.height, data: Array.from(ctx.getImageData(0, 0, c.width, c.height).data) };
  }, id);
}

/** Waits until the run after `previous` has finished on the GPU and on the CPU. */
async function waitForRun(page: Page, previous: number): Promise<number> {
  const handle = await page.waitForFunction(
    (prev) => {
      const s = document.getElementById('status') as HTMLElement;
      const run = Number(s.dataset.run);
      if (s.dataset.state === 'error') return { error: document.getElementById('message')?.textContent ?? 'error' };
      return run > prev && s.dataset.state === 'done' ? { run } : false;
    },
    previous,
    { timeout: 120_000, polling: 100 },
  );
  const r = (await handle.jsonValue()) as { run?: number; error?: string };
  if (r.error) throw new Error(`the demo reported an error: ${r.error}`);
  return r.run as number;
}

async function currentRun(page: Page): Promise<number> {
  return Number(await page.getAttribute('#status', 'data-run'));
}

/** Colour planes [3, h, w] in [0, 1] of RGBA bytes. */
function toPlanes(data: ArrayLike<number>, w: number, h: number): HostTensor {
  const n = w * h;
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) out[c * n + i] = (data[4 * i + c] as number) / 255;
  return { data: out, shape: [3, h, w] };
}

/** What the demo should show for `filter` on `image` (default: the test image): RGBA bytes from the CPU reference. */
function expected(filter: ResolvedFilter, correlate: boolean, image: HostTensor = planes): Uint8Array {
  const op = correlate ? cpu.correlate2d : cpu.convolve2d;
  const values = combineResults(filter.kernels.map((k) => op(image, k, { mode: 'same', boundary: 'reflect' }).data), filter.combine);
  const q = quantizeAll(applyMapping(values, filter.display), 255);
  const n = (image.shape[1] as number) * (image.shape[2] as number);
  const out = new Uint8Array(4 * n);
  for (let i = 0; i < n; i++) {
    out[4 * i] = q[i] as number;
    out[4 * i + 1] = q[n + i] as number;
    out[4 * i + 2] = q[2 * n + i] as number;
    out[4 * i + 3] = 255;
  }
  return out;
}

function maxLsb(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'scripts/embed-shaders.mjs')], { cwd: ROOT });
  // The demo's TypeScript is checked like the library's (Vite only strips types).
  execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'examples/browser/tsconfig.json')], { cwd: ROOT, stdio: 'pipe' });
  await build({ configFile: join(ROOT, 'examples/browser/vite.config.ts'), logLevel: 'error' });
  expect(existsSync(join(SITE, 'index.html'))).toBe(true);
  server = await serve(SITE);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await launchChromium();

  work = mkdtempSync(join(tmpdir(), 'webgpu-conv-browser-'));
  rgba = makeImage();
  imagePath = join(work, 'small.png');
  writeFileSync(imagePath, PNG.sync.write({ width: W, height: H, data: Buffer.from(rgba) } as PNG, { colorType: 6 }));
  planes = toPlanes(rgba, W, H);
  mkdirSync(OUTPUT, { recursive: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('browser demo (Chromium, WebGPU on SwiftShader)', () => {
  it('filters an image picked with the file picker through two presets, matching the CPU reference', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(url);

    // The bundled sample loads and is filtered with the default preset.
    await waitForRun(page, 0);
    await expect.poll(() => page.getAttribute('#adapter', 'data-state')).toBe('software');
    expect(await page.textContent('#adapter')).toMatch(/swiftshader/i);
    expect(await page.textContent('#original-size')).toMatch(/chelsea\.png.*451×300/);
    await page.screenshot({ path: join(OUTPUT, 'browser-demo-sample.png'), fullPage: true });

    // A small image through the file picker.
    let run = await currentRun(page);
    await page.setInputFiles('#file', imagePath);
    run = await waitForRun(page, run);
    expect(await page.textContent('#original-size')).toContain(`small.png · ${W}×${H}`);
    const original = await readCanvas(page, 'original');
    expect([original.width, original.height]).toEqual([W, H]);
    expect(maxLsb(original.data, rgba)).toBe(0);

    // Preset 1: Gaussian blur, sigma set on its slider.
    await page.selectOption('#preset', 'gaussian');
    run = await waitForRun(page, run);
    await page.locator('#param-sigma').fill('1.5');
    run = await waitForRun(page, run);
    expect(await page.textContent('#result-size')).toContain('gaussian:sigma=1.5,size=11 · convolution');
    let result = await readCanvas(page, 'result');
    expect([result.width, result.height]).toEqual([W, H]);
    expect(maxLsb(result.data, expected(parsePreset('gaussian:sigma=1.5'), false))).toBeLessThanOrEqual(1);
    expect(Number(await page.getAttribute('#status', 'data-lsb'))).toBeLessThanOrEqual(1);

    // Preset 2: emboss, as a correlation (the kernel is not symmetric, so the flip shows).
    await page.selectOption('#preset', 'emboss');
    run = await waitForRun(page, run);
    await page.check('input[name="op"][value="correlate"]');
    run = await waitForRun(page, run);
    expect(await page.textContent('#result-size')).toContain('emboss · correlation');
    result = await readCanvas(page, 'result');
    const emboss = parsePreset('emboss');
    expect(maxLsb(result.data, expected(emboss, true))).toBeLessThanOrEqual(1);
    expect(maxLsb(result.data, expected(emboss, false))).toBeGreaterThan(8);
    expect(await page.textContent('#kernel-info')).toBe('3×3');
    expect(await page.textContent('#gpu-time')).toMatch(/^[\d.]+ ms$/);
    expect(await page.textContent('#cpu-time')).toMatch(/^[\d.]+ ms$/);
    expect(await page.textContent('#max-diff')).toMatch(/^(0|[\d.]+e[+-]\d+) · [01] LSB$/);

    await page.screenshot({ path: join(OUTPUT, 'browser-demo.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('filters the webcam live, then checks the last frame against the CPU when stopped', async () => {
    // A second Chromium with Chromium's fake camera (a synthetic 640×480 video) and no permission prompt.
    const camBrowser = await launchChromium(['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
    try {
      const page = await camBrowser.newPage({ viewport: { width: 1280, height: 860 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(url);
      let run = await waitForRun(page, 0);
      await page.selectOption('#preset', 'sobel-x');
      run = await waitForRun(page, run);
      await page.click('#webcam');
      // Live frames are filtered back to back; the CPU check waits until the webcam stops.
      await page.waitForFunction(
        () => document.getElementById('original-size')?.textContent?.startsWith('webcam') && document.getElementById('cpu-time')?.textContent === 'paused (webcam)',
        null,
        { timeout: 60_000, polling: 100 },
      );
      expect(await page.textContent('#webcam')).toBe('Stop webcam');
      // Live frames go video → GPU → the WebGPU canvas (filterImage), counted in frames per second.
      await expect.poll(async () => Number(await page.textContent('#fps')), { timeout: 30_000 }).toBeGreaterThan(0);
      expect(await page.isVisible('#live-result')).toBe(true);
      expect(await page.isVisible('#result')).toBe(false);
      const live = await page.evaluate(() => {
        const c = document.getElementById('live-result') as HTMLCanvasElement;
        return [c.width, c.height];
      });
      expect(live).toEqual([640, 480]);
      const before = await currentRun(page);
      await page.click('#webcam');
      run = await waitForRun(page, before);
      expect(await page.textContent('#fps')).toBe('–');
      const frame = await readCanvas(page, 'original');
      expect([frame.width, frame.height]).toEqual([640, 480]);
      const result = await readCanvas(page, 'result');
      expect(maxLsb(result.data, expected(parsePreset('sobel-x'), false, toPlanes(frame.data, 640, 480)))).toBeLessThanOrEqual(1);
      expect(errors).toEqual([]);
    } finally {
      await camBrowser.close();
    }
  }, 180_000);

  it('says plainly what is needed when the browser has no WebGPU', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      // Pretend to be a browser without WebGPU.
      delete (Navigator.prototype as unknown as Record<string, unknown>).gpu;
    });
    const page = await context.newPage();
    await page.goto(url);
    const banner = page.locator('#no-webgpu');
    await banner.waitFor({ state: 'visible', timeout: 60_000 });
    expect(await banner.textContent()).toMatch(/WebGPU is not available.*Chrome or Edge 113/s);
    expect(await page.textContent('#adapter')).toBe('No WebGPU');
    // The original is still shown.
    await expect.poll(async () => (await readCanvas(page, 'original')).width, { timeout: 30_000 }).toBe(451);
    await page.screenshot({ path: join(OUTPUT, 'browser-demo-no-webgpu.png') });
    await context.close();
  }, 120_000);
});
