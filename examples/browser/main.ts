/**
 * The webgpu-conv browser demo: pick an image and a kernel, see the GPU result beside the original,
 * with the GPU time, the CPU reference's time (in a worker) and the largest GPU-vs-CPU difference.
 * Every change re-runs the filter at the image's full resolution.
 */
import {
  ALGORITHM_NAMES,
  createEngine,
  type Algorithm,
  type Boundary,
  type ConvEngine,
  type HostTensor,
  type Mode,
  type RunInfo,
} from 'webgpu-conv';
import {
  applyMapping,
  combineResults,
  maxAbsDiff,
  outputToInputOffset,
  quantizeAll,
  type OutputMapping,
  type ResolvedFilter,
} from 'webgpu-conv/presets';
import sampleUrl from '../../assets/chelsea.png';
import type { CpuRequest, CpuResponse } from './cpu-worker.js';
import { buildParams, buildPresetControls, currentFilter, refreshKernelView, wireKernelControls } from './kernel-editor.js';
import { LiveWebcam, type LiveFilter } from './live.js';
import { formatMs, setMessage, ui } from './ui.js';

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

interface SourceImage {
  name: string;
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  /** Colour planes [3, H, W] in [0, 1]. */
  planes: HostTensor;
  /** Alpha plane in [0, 1] (all ones for opaque images). */
  alpha: Float32Array;
}

let engine: ConvEngine | undefined;
let source: SourceImage | undefined;
let runId = 0;
let busy = false;
let pending = false;
let live: LiveWebcam | undefined;
let worker: Worker | undefined;
let workerBusy = false;


// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

function toSource(name: string, image: ImageData): SourceImage {
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

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('this browser has no 2-D canvas');
  return ctx;
}

function showSource(s: SourceImage): void {
  source = s;
  ui.original.width = s.width;
  ui.original.height = s.height;
  context(ui.original).putImageData(new ImageData(new Uint8ClampedArray(s.rgba), s.width, s.height), 0, 0);
  ui.originalSize.textContent = `${s.name} · ${s.width}×${s.height}`;
}

/** Decodes a blob to raw RGBA, without colour-space conversion (pixels as stored in the file). */
async function decodeBlob(blob: Blob, name: string): Promise<SourceImage> {
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = context(canvas);
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return toSource(name, ctx.getImageData(0, 0, canvas.width, canvas.height));
}

async function loadBlob(blob: Blob, name: string): Promise<void> {
  stopWebcam(false);
  try {
    showSource(await decodeBlob(blob, name));
    schedule();
  } catch (e) {
    setMessage(`Could not read '${name}' as an image: ${(e as Error).message}`, true);
  }
}

async function loadSample(): Promise<void> {
  const response = await fetch(sampleUrl);
  await loadBlob(await response.blob(), 'chelsea.png (CC0)');
}

// ---------------------------------------------------------------------------------------------
// Running the filter
// ---------------------------------------------------------------------------------------------

function displayMapping(filter: ResolvedFilter): OutputMapping {
  switch (ui.display.value) {
    case 'clamp':
      return {};
    case 'offset':
      return { offset: 0.5 };
    case 'abs':
      return { abs: true };
    case 'abs4':
      return { abs: true, gain: 4 };
    case 'normalize':
      return { normalize: true };
    default:
      return filter.display;
  }
}


let timer: ReturnType<typeof setTimeout> | undefined;

/** Re-runs soon (coalescing bursts of changes). */
function schedule(delay = 30): void {
  clearTimeout(timer);
  timer = setTimeout(() => void run(), delay);
}

interface RunSettings {
  op: 'convolve' | 'correlate';
  mode: Mode;
  boundary: Boundary;
  algorithm: Algorithm;
}

function runSettings(): RunSettings {
  const op = (document.querySelector<HTMLInputElement>('input[name="op"]:checked')?.value ?? 'convolve') as RunSettings['op'];
  return { op, mode: ui.mode.value as Mode, boundary: ui.boundary.value as Boundary, algorithm: ui.algorithm.value as Algorithm };
}

/** Output pixels: mapped colour, and the source alpha carried along SciPy's alignment. */
function renderPixels(values: Float32Array, OH: number, OW: number, filter: ResolvedFilter, s: RunSettings, src: SourceImage): Uint8ClampedArray<ArrayBuffer> {
  const n = OH * OW;
  const samples = quantizeAll(applyMapping(values, displayMapping(filter)), 255);
  const kernel = filter.kernels[0] as HostTensor;
  const dy = outputToInputOffset(s.mode, kernel.shape[0] as number, s.op === 'convolve');
  const dx = outputToInputOffset(s.mode, kernel.shape[1] as number, s.op === 'convolve');
  const rgba = new Uint8ClampedArray(4 * n);
  for (let y = 0; y < OH; y++) {
    const sy = Math.min(Math.max(y + dy, 0), src.height - 1);
    for (let x = 0; x < OW; x++) {
      const i = y * OW + x;
      const sx = Math.min(Math.max(x + dx, 0), src.width - 1);
      rgba[4 * i] = samples[i] as number;
      rgba[4 * i + 1] = samples[n + i] as number;
      rgba[4 * i + 2] = samples[2 * n + i] as number;
      rgba[4 * i + 3] = src.rgba[4 * (sy * src.width + sx) + 3] as number;
    }
  }
  return rgba;
}

/** The algorithm menu: 'auto' (in the page) and every registered algorithm. */
function fillAlgorithmMenu(): void {
  for (const name of ALGORITHM_NAMES) ui.algorithm.add(new Option(name, name));
}

async function run(): Promise<void> {
  if (!source || live) return;
  if (!engine) {
    ui.status.dataset.state = 'error';
    ui.resultSize.textContent = '· needs WebGPU (see the note above)';
    return;
  }
  if (busy) {
    pending = true;
    return;
  }
  busy = true;
  const id = ++runId;
  const src = source;
  ui.status.dataset.state = 'running';
  ui.status.dataset.run = String(id);
  try {
    const filter = currentFilter();
    const s = runSettings();
    const ran = new Set<string>();
    const t0 = performance.now();
    const results: HostTensor[] = [];
    for (const kernel of filter.kernels) {
      const options = { mode: s.mode, boundary: s.boundary, algorithm: s.algorithm, onRun: (i: RunInfo) => ran.add(`${i.algorithm} (${i.variant})`) };
      results.push(s.op === 'convolve' ? await engine.convolve2d(src.planes, kernel, options) : await engine.correlate2d(src.planes, kernel, options));
    }
    const values = combineResults(results.map((r) => r.data), filter.combine);
    const gpuMs = performance.now() - t0;
    const shape = (results[0] as HostTensor).shape;
    const OH = shape[1] as number;
    const OW = shape[2] as number;
    const rgba = renderPixels(values, OH, OW, filter, s, src);
    ui.result.width = OW;
    ui.result.height = OH;
    context(ui.result).putImageData(new ImageData(rgba, OW, OH), 0, 0);
    ui.resultSize.textContent = `${filter.spec} · ${s.op === 'convolve' ? 'convolution' : 'correlation'} · ${OW}×${OH}`;
    ui.gpuTime.textContent = formatMs(gpuMs);
    const k = filter.kernels[0] as HostTensor;
    ui.kernelInfo.textContent = `${k.shape[0]}×${k.shape[1]}${filter.kernels.length > 1 ? ` ×${filter.kernels.length}` : ''}`;
    ui.algorithmUsed.textContent = [...ran].join(' + ') || '–';
    ui.status.dataset.state = 'gpu-done';
    setMessage('');
    if (live) {
      ui.cpuTime.textContent = 'paused (webcam)';
      ui.maxDiff.textContent = '–';
    } else {
      startCpu(id, src, filter, s, values, OH, OW);
    }
  } catch (e) {
    ui.status.dataset.state = 'error';
    setMessage((e as Error).message, true);
  } finally {
    busy = false;
    if (pending) {
      pending = false;
      void run();
    }
  }
}

function startCpu(id: number, src: SourceImage, filter: ResolvedFilter, s: RunSettings, gpuValues: Float32Array, OH: number, OW: number): void {
  if (worker && workerBusy) {
    worker.terminate(); // a newer run supersedes the one in progress
    worker = undefined;
  }
  worker ??= new Worker(new URL('./cpu-worker.ts', import.meta.url), { type: 'module' });
  workerBusy = true;
  ui.cpuTime.textContent = 'computing…';
  ui.maxDiff.textContent = '…';
  ui.maxDiff.className = 'value';
  worker.onmessage = (ev: MessageEvent<CpuResponse>) => {
    workerBusy = false;
    const r = ev.data;
    if (r.id !== runId) return;
    if (!r.values) {
      ui.cpuTime.textContent = 'failed';
      setMessage(`CPU reference: ${r.error ?? 'failed'}`, true);
      ui.status.dataset.state = 'error';
      return;
    }
    const diff = maxAbsDiff(gpuValues, r.values);
    const gpuPixels = renderPixels(gpuValues, OH, OW, filter, s, src);
    const cpuPixels = renderPixels(r.values, OH, OW, filter, s, src);
    let lsb = 0;
    for (let i = 0; i < gpuPixels.length; i++) lsb = Math.max(lsb, Math.abs((gpuPixels[i] as number) - (cpuPixels[i] as number)));
    ui.cpuTime.textContent = formatMs(r.ms);
    ui.maxDiff.textContent = `${diff === 0 ? '0' : diff.toExponential(2)} · ${lsb} LSB`;
    ui.maxDiff.className = `value ${lsb <= 1 ? 'good' : 'bad'}`;
    ui.status.dataset.state = 'done';
    ui.status.dataset.lsb = String(lsb);
  };
  const request: CpuRequest = {
    id,
    planes: src.planes,
    kernels: filter.kernels,
    combine: filter.combine,
    correlate: s.op === 'correlate',
    options: { mode: s.mode, boundary: s.boundary },
  };
  worker.postMessage(request);
}

// ---------------------------------------------------------------------------------------------
// Webcam
// ---------------------------------------------------------------------------------------------

/** What the live view filters each frame with: the current kernel, operation, boundary and display. */
function liveFilter(): LiveFilter {
  const filter = currentFilter();
  const s = runSettings();
  const m = displayMapping(filter);
  return {
    filter: filter.name === 'custom' ? (filter.kernels[0] as HostTensor) : filter.spec,
    options: {
      correlate: s.op === 'correlate', boundary: s.boundary, algorithm: s.algorithm,
      abs: m.abs ?? false, gain: m.gain ?? 1, normalize: m.normalize ?? false, offset: m.offset ?? 0,
    },
  };
}

function showLive(on: boolean): void {
  ui.video.hidden = !on;
  ui.original.hidden = on;
  ui.liveResult.hidden = !on;
  ui.result.hidden = on;
  ui.webcam.textContent = on ? 'Stop webcam' : 'Webcam';
  ui.webcam.classList.toggle('active', on);
}

async function startWebcam(): Promise<void> {
  if (!engine) {
    setMessage('The webcam view needs WebGPU.', true);
    return;
  }
  try {
    showLive(true);
    ui.status.dataset.state = 'live';
    live = await LiveWebcam.start(engine, ui.video, ui.liveResult, {
      current: liveFilter,
      frame: (f) => {
        ui.originalSize.textContent = `webcam · ${f.width}×${f.height}`;
        ui.resultSize.textContent = `${currentFilter().spec} · ${runSettings().op === 'convolve' ? 'convolution' : 'correlation'} · live, mode same · ${f.width}×${f.height}`;
        ui.gpuTime.textContent = formatMs(f.ms);
        ui.fps.textContent = String(f.fps);
        ui.algorithmUsed.textContent = [...new Set(f.ran)].join(' + ') || '–';
        ui.cpuTime.textContent = 'paused (webcam)';
        ui.maxDiff.textContent = '–';
      },
      error: (e) => {
        setMessage(`Webcam: ${e.message}`, true);
        stopWebcam();
      },
    });
    setMessage('Webcam: each frame goes video → GPU → canvas (filterImage); the CPU check runs on the last frame when you stop.');
  } catch (e) {
    showLive(false);
    setMessage(`Webcam unavailable: ${(e as Error).message}`, true);
  }
}

/** Stops the camera; the last frame becomes the image (re-filtered and checked on the CPU) unless `rerun` is false. */
function stopWebcam(rerun = true): void {
  if (!live) return;
  const frame = live.stop();
  live = undefined;
  showLive(false);
  ui.fps.textContent = '–';
  if (frame) showSource(toSource('webcam', frame));
  if (rerun) schedule();
}

// ---------------------------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------------------------

function explainNoWebGPU(detail: string): void {
  ui.adapter.dataset.state = 'none';
  ui.adapter.textContent = 'No WebGPU';
  ui.noWebgpu.hidden = false;
  const strong = document.createElement('strong');
  strong.textContent = 'This browser cannot run the filters: WebGPU is not available.';
  const p1 = document.createElement('p');
  p1.textContent = detail;
  const p2 = document.createElement('p');
  p2.textContent =
    'Use Chrome or Edge 113 or newer (on Linux start Chrome with --enable-unsafe-webgpu --enable-features=Vulkan), ' +
    'Safari 26 or newer, or Firefox 141 or newer on Windows (Firefox Nightly elsewhere). ' +
    'WebGPU also needs a secure page: https:// or http://localhost.';
  ui.noWebgpu.replaceChildren(strong, p1, p2);
  ui.status.dataset.state = 'error';
}

function wireControls(): void {
  ui.useSample.addEventListener('click', () => void loadSample());
  ui.file.addEventListener('change', () => {
    const f = ui.file.files?.[0];
    if (f) void loadBlob(f, f.name);
    ui.file.value = '';
  });
  if (navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === 'function') {
    ui.webcam.hidden = false;
    ui.webcam.addEventListener('click', () => (live ? stopWebcam() : void startWebcam()));
  }
  wireKernelControls((delay) => schedule(delay));
  for (const c of [ui.boundary, ui.mode, ui.algorithm, ui.display]) c.addEventListener('change', () => schedule());
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="op"]')) r.addEventListener('change', () => schedule());

  // Drag and drop anywhere on the page.
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
    if (f) void loadBlob(f, f.name);
  });
}

async function main(): Promise<void> {
  fillAlgorithmMenu();
  buildPresetControls();
  buildParams();
  refreshKernelView();
  wireControls();
  if (!('gpu' in navigator) || !navigator.gpu) {
    explainNoWebGPU('navigator.gpu is missing in this browser (or WebGPU is switched off).');
  } else {
    try {
      engine = await createEngine();
      const info = engine.adapterInfo;
      const name = info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
      ui.adapter.dataset.state = info.isSoftware ? 'software' : 'hardware';
      ui.adapter.textContent = info.isSoftware ? `${name} · software adapter: "GPU" times are CPU times` : `${name} · ${info.featureLevel}`;
      void engine.device.lost.then((lost) => {
        if (lost.reason !== 'destroyed') explainNoWebGPU(`The GPU device was lost (${lost.message}). Reload the page.`);
        engine = undefined;
      });
    } catch (e) {
      explainNoWebGPU((e as Error).message);
    }
  }
  await loadSample();
}

void main();
