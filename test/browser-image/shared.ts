/** What the page and its worker share: the test picture and the comparison with the CPU reference. */
import { cpu, type FilterImageOptions, type ImageDataLike, type ImageFilter } from '../../src/index.js';

export const W = 37;
export const H = 23;

/** An opaque, colourful RGBA picture with edges (opaque: canvases may premultiply). */
export function picture(): Uint8ClampedArray {
  const d = new Uint8ClampedArray(W * H * 4);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = 4 * (y * W + x);
      d[i] = (x - 12) ** 2 + (y - 11) ** 2 < 50 ? 230 : 30;
      d[i + 1] = Math.round(127 + 110 * Math.sin(x * 0.5) * Math.cos(y * 0.35));
      d[i + 2] = x + y > 30 ? 210 : (x * 7 + y * 3) % 90;
      d[i + 3] = 255;
    }
  }
  return d;
}

/** Largest difference (in LSB) between `gpu` RGBA bytes and the CPU reference of `source` pixels. */
export function lsbFromReference(gpu: ArrayLike<number>, source: ImageDataLike, filter: ImageFilter, options: FilterImageOptions = {}): number {
  const ref = cpu.filterImage(source, filter, options).data;
  if (ref.length !== gpu.length) return Infinity;
  let m = 0;
  for (let i = 0; i < ref.length; i++) m = Math.max(m, Math.abs((ref[i] as number) - (gpu[i] as number)));
  return m;
}

/** The RGBA bytes of any drawable (a WebGPU canvas, a bitmap, a video), through a 2-D canvas. */
export function pixelsOf(drawable: CanvasImageSource, w: number, h: number): Uint8ClampedArray {
  const c = new OffscreenCanvas(w, h);
  const ctx = c.getContext('2d', { willReadFrequently: true }) as OffscreenCanvasRenderingContext2D;
  ctx.drawImage(drawable, 0, 0);
  return ctx.getImageData(0, 0, w, h).data;
}
