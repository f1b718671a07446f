/** The demo page's elements and small helpers every module of the demo uses. */

// ---------------------------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------------------------

export function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from index.html`);
  return e as T;
}

export const ui = {
  adapter: el<HTMLDivElement>('adapter'),
  noWebgpu: el<HTMLDivElement>('no-webgpu'),
  useSample: el<HTMLButtonElement>('use-sample'),
  file: el<HTMLInputElement>('file'),
  webcam: el<HTMLButtonElement>('webcam'),
  preset: el<HTMLSelectElement>('preset'),
  presetDescription: el<HTMLParagraphElement>('preset-description'),
  params: el<HTMLDivElement>('params'),
  rows: el<HTMLSelectElement>('rows'),
  cols: el<HTMLSelectElement>('cols'),
  normalizeKernel: el<HTMLButtonElement>('normalize-kernel'),
  kernelNote: el<HTMLDivElement>('kernel-note'),
  grid: el<HTMLDivElement>('kernel-grid'),
  boundary: el<HTMLSelectElement>('boundary'),
  mode: el<HTMLSelectElement>('mode'),
  algorithm: el<HTMLSelectElement>('algorithm'),
  display: el<HTMLSelectElement>('display'),
  original: el<HTMLCanvasElement>('original'),
  originalSize: el<HTMLSpanElement>('original-size'),
  video: el<HTMLVideoElement>('video'),
  result: el<HTMLCanvasElement>('result'),
  liveResult: el<HTMLCanvasElement>('live-result'),
  fps: el<HTMLSpanElement>('fps'),
  resultSize: el<HTMLSpanElement>('result-size'),
  status: el<HTMLDivElement>('status'),
  gpuTime: el<HTMLSpanElement>('gpu-time'),
  cpuTime: el<HTMLSpanElement>('cpu-time'),
  maxDiff: el<HTMLSpanElement>('max-diff'),
  kernelInfo: el<HTMLSpanElement>('kernel-info'),
  algorithmUsed: el<HTMLSpanElement>('algorithm-used'),
  message: el<HTMLParagraphElement>('message'),
  dropOverlay: el<HTMLDivElement>('drop-overlay'),
};

/** The kernel editor's largest grid (large kernels are where algorithm: 'fft' pays). */
export const MAX_GRID = 63;

export function setMessage(text: string, error = false): void {
  ui.message.textContent = text;
  ui.message.classList.toggle('error', error);
}

/** A canvas's 2-D context, set up for reading pixels back. */
export function canvas2d(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser has no 2-D canvas');
  return ctx;
}

export function formatMs(v: number): string {
  return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
}
