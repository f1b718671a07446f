/**
 * The browser demo. `npm run demo` serves it (Vite dev server), `npm run build:demo` writes the
 * static site to dist-demo/. It uses the library from src/ (aliased as the package name), so the
 * demo always runs the code in this checkout; scripts/embed-shaders.mjs must have run first.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  publicDir: false,
  resolve: {
    alias: [
      { find: /^webgpu-conv\/presets$/, replacement: here('../../src/presets/index.ts') },
      { find: /^webgpu-conv$/, replacement: here('../../src/index.ts') },
      { find: /^node:fs$/, replacement: here('./node-stub.ts') },
    ],
  },
  server: { host: '127.0.0.1', port: 5173, fs: { allow: [here('../..')] } },
  preview: { host: '127.0.0.1' },
  worker: { format: 'es' },
  build: {
    outDir: here('../../dist-demo'),
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
  },
});
