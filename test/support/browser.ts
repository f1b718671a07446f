/**
 * Real headless Chromium for the browser tests: the system Chromium (/usr/bin/chromium, never a
 * downloaded one) with WebGPU on SwiftShader, driven by playwright-core, and a static file server
 * on 127.0.0.1 for the built pages.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  // ANGLE on SwiftShader for the compositor: without it presenting a WebGPU canvas (and importing
  // video frames) destroys the device ("Device was destroyed") in headless Chromium.
  '--use-angle=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** A static file server for `root` on 127.0.0.1 (port chosen by the OS). */
export function serve(root: string): Promise<Server> {
  const s = createServer((req, res) => {
    const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname)));
    let file = path.startsWith(root + sep) || path === root ? path : join(root, 'index.html');
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.statusCode = 404;
      res.end('not found');
      return;
    }
    res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve(s)));
}

/** Launches the system Chromium (the suite fails, never skips, when it is missing). */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (npm run setup:software-gpu, or apt-get install chromium)`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...extraArgs] });
}
