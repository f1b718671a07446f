/**
 * `engine.filterImage` in real headless Chromium (WebGPU on SwiftShader): the test picture as every
 * browser image source kind (ImageData, ImageBitmap, canvas, OffscreenCanvas, <img>, VideoFrame,
 * <video> from a canvas stream), drawn into a canvas, a GPUCanvasContext and an ImageBitmap, and
 * the same call in a module Web Worker into an OffscreenCanvas — each within 1 LSB of
 * `cpu.filterImage` (run in the page on the pixels the source holds). The page is
 * test/browser-image/, built here with Vite.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, serve } from './support/browser.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGE = join(ROOT, 'test/browser-image');
const SITE = join(ROOT, 'test-output/browser-image-site');

let server: Server;
let browser: Browser;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  await build({
    root: PAGE,
    base: './',
    publicDir: false,
    logLevel: 'error',
    resolve: { alias: [{ find: /^node:fs$/, replacement: join(ROOT, 'examples/browser/node-stub.ts') }] },
    worker: { format: 'es' },
    build: { outDir: SITE, emptyOutDir: true, target: 'es2022' },
  });
  server = await serve(SITE);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => document.getElementById('state')?.textContent === 'ready', null, { timeout: 60_000 });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

const run = (name: string) => page.evaluate((n) => window.imageCase(n), name);

describe('filterImage in Chromium (WebGPU on SwiftShader)', () => {
  it('the page offers every case', async () => {
    expect(await page.evaluate(() => window.caseNames)).toEqual([
      'imagedata', 'imagebitmap', 'canvas', 'offscreencanvas', 'img', 'videoframe', 'video', 'canvas-target', 'context-target', 'bitmap', 'worker',
    ]);
  });

  it.each([
    ['imagedata', 'ImageData'],
    ['imagebitmap', 'ImageData'],
    ['canvas', 'ImageData'],
    ['offscreencanvas', 'ImageData'],
    ['img', 'ImageData'],
    ['videoframe', 'ImageData'],
    ['video', 'ImageData'],
    ['canvas-target', 'HTMLCanvasElement'],
    ['context-target', 'GPUCanvasContext'],
    ['bitmap', 'ImageBitmap'],
    ['worker', 'Worker OffscreenCanvas'],
  ])('%s: within 1 LSB of cpu.filterImage, %s back, the picture\'s size', async (name, kind) => {
    const r = await run(name);
    expect(r.kind).toBe(kind);
    expect(r.size).toEqual([37, 23]);
    expect(r.lsb).toBeLessThanOrEqual(1);
    expect(errors).toEqual([]);
  }, 60_000);
});
