/**
 * The demo's images: the image inputs (the bundled sample, the file picker, drag and drop anywhere
 * on the page), decoding a picked image to raw RGBA and colour planes, and drawing it as the
 * original.
 */
import type { HostTensor } from 'webgpu-conv';
import sampleUrl from '../../assets/chelsea.png';
import { canvas2d, ui } from './ui.js';

export interface SourceImage {
  name: string;
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  /** Colour planes [3, H, W] in [0, 1]. */
  planes: HostTensor;
  /** Alpha plane in [0, 1] (all ones for opaque images). */
  alpha: Float32Array;
}

/** Makes `blob` the page's image (`name` labels it). */
export type ImageLoader = (blob: Blob, name: string) => Promise<void>;

export function toSource(name: string, image: ImageData): SourceImage {
  const { width, height, data } = image;
  const n = width * height;
  const planes = new Float32Array(3 * n);
  const alpha = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    planes[i] = (data[4 * i] as number) / 255;
    planes[n + i] = (data[4 * i + 1] as number) / 255;
    planes[2 * n + i] = (data[4 * i + 2] as number) / 255;
    alpha[i] = (data[4 * i + 3] as number) / 255;
  }
  return { name, width, height, rgba: data, planes: { data: planes, shape: [3, height, width] }, alpha };
}

/** Draws the image into the original's canvas and labels it with its name and size. */
export function drawOriginal(s: SourceImage): void {
  ui.original.width = s.width;
  ui.original.height = s.height;
  canvas2d(ui.original).putImageData(new ImageData(new Uint8ClampedArray(s.rgba), s.width, s.height), 0, 0);
  ui.originalSize.textContent = `${s.name} · ${s.width}×${s.height}`;
}

/** Decodes a blob to raw RGBA, without colour-space conversion (pixels as stored in the file). */
export async function decodeBlob(blob: Blob, name: string): Promise<SourceImage> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas2d(canvas);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return toSource(name, ctx.getImageData(0, 0, canvas.width, canvas.height));
}

/** Loads the bundled sample photograph. */
export async function loadSample(load: ImageLoader): Promise<void> {
  const response = await fetch(sampleUrl);
  await load(await response.blob(), 'chelsea.png (CC0)');
}

/** Wires the sample button, the file picker and drag and drop anywhere on the page to `load`. */
export function wireImageInputs(load: ImageLoader): void {
  ui.useSample.addEventListener('click', () => void loadSample(load));
  ui.file.addEventListener('change', () => {
    const f = ui.file.files?.[0];
    if (f) void load(f, f.name);
    ui.file.value = '';
  });

  let depth = 0;
  document.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    ui.dropOverlay.hidden = false;
  });
  document.addEventListener('dragover', (e) => e.preventDefault());
  document.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) ui.dropOverlay.hidden = true;
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    ui.dropOverlay.hidden = true;
    const f = e.dataTransfer?.files[0];
    if (f) void load(f, f.name);
  });
}
