/**
 * A module Web Worker: its own engine filters a transferred ImageBitmap straight into an
 * OffscreenCanvas (target), reads that canvas back through a 2-D canvas, and posts the pixels and
 * their distance from the CPU reference.
 */
import { createEngine } from '../../src/index.js';
import { lsbFromReference, pixelsOf } from './shared.js';

self.onmessage = async (ev: MessageEvent<{ bitmap: ImageBitmap; pixels: Uint8ClampedArray; w: number; h: number }>) => {
  try {
    const { bitmap, pixels, w, h } = ev.data;
    const engine = await createEngine();
    const canvas = new OffscreenCanvas(1, 1);
    await engine.filterImage(bitmap, { gaussian: 1.2 }, { target: canvas });
    await engine.device.queue.onSubmittedWorkDone();
    const out = pixelsOf(canvas, w, h);
    const lsb = lsbFromReference(out, { data: pixels, width: w, height: h }, { gaussian: 1.2 });
    engine.destroy();
    self.postMessage({ lsb, size: [canvas.width, canvas.height] });
  } catch (e) {
    self.postMessage({ error: `${(e as Error).name}: ${(e as Error).message}` });
  }
};
