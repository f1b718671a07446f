/**
 * The page test/browser-image.test.ts drives: one engine, and `window.imageCase(name)` filtering
 * the test picture given as each kind of browser image source (and drawn into each kind of
 * target), returning the largest distance from `cpu.filterImage` in LSB and what came back.
 */
import { createEngine, type ConvEngine, type ImageSource } from '../../src/index.js';
import { H, lsbFromReference, picture, pixelsOf, W } from './shared.js';

interface CaseResult {
  lsb: number;
  kind: string;
  size: [number, number];
}

let engine: ConvEngine;
const rgba = picture();
const imageData = new ImageData(new Uint8ClampedArray(rgba), W, H);

function canvasWithPicture(): HTMLCanvasElement {
  const c = document.createElement('canvas');
  [c.width, c.height] = [W, H];
  (c.getContext('2d') as CanvasRenderingContext2D).putImageData(imageData, 0, 0);
  return c;
}

/** Filters `source` with a 3×3 box to pixels and compares them with the CPU on `reference` pixels. */
async function toPixels(source: ImageSource, reference: Uint8ClampedArray = rgba): Promise<CaseResult> {
  const out = await engine.filterImage(source, 'box:size=3');
  const lsb = lsbFromReference(out.data, { data: reference, width: W, height: H }, 'box:size=3');
  return { lsb, kind: out.constructor.name, size: [out.width, out.height] };
}

async function videoOfPicture(): Promise<HTMLVideoElement> {
  const c = canvasWithPicture();
  const video = document.createElement('video');
  video.muted = true;
  video.srcObject = c.captureStream(30);
  await video.play();
  while (video.readyState < 2 || video.videoWidth === 0) await new Promise((r) => setTimeout(r, 20));
  return video;
}

const CASES: Record<string, () => Promise<CaseResult>> = {
  imagedata: () => toPixels(imageData),
  imagebitmap: async () => toPixels(await createImageBitmap(imageData, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' })),
  canvas: () => toPixels(canvasWithPicture()),
  offscreencanvas: async () => {
    const c = new OffscreenCanvas(W, H);
    (c.getContext('2d') as OffscreenCanvasRenderingContext2D).putImageData(imageData, 0, 0);
    return toPixels(c);
  },
  img: async () => {
    const img = new Image();
    img.src = canvasWithPicture().toDataURL('image/png');
    await img.decode();
    return toPixels(img);
  },
  videoframe: async () => {
    const frame = new VideoFrame(canvasWithPicture(), { timestamp: 0 });
    try {
      return await toPixels(frame);
    } finally {
      frame.close();
    }
  },
  video: async () => {
    // A video frame's colours went through the video pipeline: the reference is the frame as a
    // 2-D canvas draws it.
    const video = await videoOfPicture();
    const seen = pixelsOf(video, W, H);
    const r = await toPixels(video, seen);
    (video.srcObject as MediaStream).getTracks().forEach((t) => t.stop());
    return r;
  },
  'canvas-target': async () => {
    const target = document.createElement('canvas');
    await engine.filterImage(imageData, 'sobel', { target });
    await engine.device.queue.onSubmittedWorkDone();
    const lsb = lsbFromReference(pixelsOf(target, W, H), imageData, 'sobel');
    return { lsb, kind: 'HTMLCanvasElement', size: [target.width, target.height] };
  },
  'context-target': async () => {
    const target = new OffscreenCanvas(5, 5);
    const ctx = target.getContext('webgpu') as GPUCanvasContext;
    await engine.filterImage(imageData, 'sharpen', { target: ctx, colorSpace: 'linear' });
    await engine.device.queue.onSubmittedWorkDone();
    const lsb = lsbFromReference(pixelsOf(target, W, H), imageData, 'sharpen', { colorSpace: 'linear' });
    return { lsb, kind: 'GPUCanvasContext', size: [target.width, target.height] };
  },
  bitmap: async () => {
    const bmp = await engine.filterImage(canvasWithPicture(), 'emboss', { output: 'bitmap' });
    const lsb = lsbFromReference(pixelsOf(bmp, W, H), imageData, 'emboss');
    return { lsb, kind: bmp.constructor.name, size: [bmp.width, bmp.height] };
  },
  worker: async () => {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    const bitmap = await createImageBitmap(imageData, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
    const reply = await new Promise<{ lsb?: number; size?: [number, number]; error?: string }>((resolve) => {
      worker.onmessage = (e) => resolve(e.data);
      worker.onerror = (e) => resolve({ error: e.message });
      worker.postMessage({ bitmap, pixels: rgba, w: W, h: H }, [bitmap]);
    });
    worker.terminate();
    if (reply.error) throw new Error(reply.error);
    return { lsb: reply.lsb as number, kind: 'Worker OffscreenCanvas', size: reply.size as [number, number] };
  },
};

declare global {
  interface Window {
    imageCase(name: string): Promise<CaseResult>;
    caseNames: string[];
  }
}

window.caseNames = Object.keys(CASES);
window.imageCase = (name) => (CASES[name] as () => Promise<CaseResult>)();
engine = await createEngine();
(document.getElementById('state') as HTMLElement).textContent = 'ready';
