/**
 * The image `webgpu-conv gallery` uses when none is given: the sample photograph in a checkout of
 * the repository (assets/chelsea.png, which the npm package leaves out to stay small), else a test
 * pattern drawn here (edges, gradients, fine stripes and a ring: something for every preset to show).
 */
import { existsSync } from 'node:fs';
import type { RasterImage } from './image.js';
import { SAMPLE_IMAGE } from './paths.js';

/** The photograph's path when it is there (a clone of the repository), else undefined. */
export function samplePhoto(): string | undefined {
  return existsSync(SAMPLE_IMAGE) ? SAMPLE_IMAGE : undefined;
}

/** A 480×320 RGB 8-bit test pattern (values on the 8-bit grid, as if read from a PNG). */
export function testPattern(width = 480, height = 320): RasterImage {
  const n = width * height;
  const color = new Float32Array(3 * n);
  const q = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255) / 255;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = x / (width - 1);
      const v = y / (height - 1);
      // Background: a colour gradient.
      let r = 0.15 + 0.7 * u;
      let g = 0.2 + 0.6 * v;
      let b = 0.8 - 0.5 * u;
      // Left: a checkerboard of 16-pixel squares (hard edges for the derivative kernels).
      if (x < width / 3 && ((x >> 4) + (y >> 4)) % 2 === 0) r = g = b = 0.92;
      // Middle: a ring, dark inside a light disc.
      const dx = x - width / 2;
      const dy = y - height / 2;
      const d = Math.hypot(dx, dy);
      if (d < height * 0.3) r = g = b = 0.95;
      if (d < height * 0.2) (r = 0.1), (g = 0.1), (b = 0.35);
      // Right: stripes 2, 4 and 8 pixels wide (what the blurs remove first).
      if (x >= (2 * width) / 3) {
        const w = y < height / 3 ? 2 : y < (2 * height) / 3 ? 4 : 8;
        const on = Math.floor(x / w) % 2 === 0;
        r = g = b = on ? 0.05 : 0.85;
      }
      const i = y * width + x;
      color[i] = q(r);
      color[n + i] = q(g);
      color[2 * n + i] = q(b);
    }
  }
  return { width, height, colorChannels: 3, color, alpha: undefined, bitDepth: 8, format: 'png' };
}
