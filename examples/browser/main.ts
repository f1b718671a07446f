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
  PRESETS,
  applyMapping,
  combineResults,
  customFilter,
  findPreset,
  kernelFromRows,
  kernelRows,
  maxAbsDiff,
  outputToInputOffset,
  parsePreset,
  quantizeAll,
  type OutputMapping,
  type PresetDefinition,
  type ResolvedFilter,
} from 'webgpu-conv/presets';
import sampleUrl from '../../assets/chelsea.png';
import type { CpuRequest, CpuResponse } from './cpu-worker.js';
import { LiveWebcam, type LiveFilter } from './live.js';

// ---------------------------------------------------------------------------------------------
// Elements
// ---------------------------------------------------------------------------------------------

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} is missing from index.html`);
  return e as T;
}

const ui = {
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
const MAX_GRID = 63;

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
/** The custom kernel the grid edits (rows of numbers). */
let custom: number[][] = [
  [0, 0, 0],
  [0, 1, 0],
  [0, 0, 0],
];
let runId = 0;
let busy = false;
let pending = false;
let live: LiveWebcam | undefined;
let worker: Worker | undefined;
let workerBusy = false;

function setMessage(text: string, error = false): void {
  ui.message.textContent = text;
  ui.message.classList.toggle('error', error);
}

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
// Kernel controls
// ---------------------------------------------------------------------------------------------

/** UI ranges for preset parameters (the presets allow more; these keep the sliders useful). */
const SLIDER: Record<string, { min: number; max: number; step: number }> = {
  'box.size': { min: 1, max: 31, step: 1 },
  'gaussian.sigma': { min: 0.3, max: 12, step: 0.1 },
  'unsharp.sigma': { min: 0.3, max: 8, step: 0.1 },
  'unsharp.amount': { min: 0, max: 5, step: 0.1 },
  'motion.length': { min: 1, max: 61, step: 1 },
  'motion.angle': { min: -180, max: 180, step: 1 },
};

function fillSelect(select: HTMLSelectElement, values: Array<[string, string]>): void {
  select.replaceChildren(...values.map(([value, label]) => new Option(label, value)));
}

function buildPresetControls(): void {
  fillSelect(ui.preset, [...PRESETS.map((d): [string, string] => [d.name, d.name]), ['custom', 'custom (edit the grid)']]);
  ui.preset.value = 'sobel';
  const sizes = Array.from({ length: MAX_GRID }, (_, i): [string, string] => [String(i + 1), String(i + 1)]);
  fillSelect(ui.rows, sizes);
  fillSelect(ui.cols, sizes);
}

function presetDef(): PresetDefinition | undefined {
  return findPreset(ui.preset.value);
}

/** Parameter sliders of the selected preset (derived ones, such as a Gaussian's size, are left out). */
function buildParams(): void {
  const def = presetDef();
  ui.presetDescription.textContent = def ? def.description : 'Type the taps into the grid; rows and columns from 1 to 15.';
  ui.params.replaceChildren();
  for (const p of def?.params ?? []) {
    if (p.default === undefined) continue;
    const range = SLIDER[`${def?.name}.${p.name}`] ?? { min: p.min, max: p.max, step: p.integer ? 1 : 0.1 };
    const label = document.createElement('label');
    label.title = p.description;
    const input = document.createElement('input');
    input.type = 'range';
    input.id = `param-${p.name}`;
    input.name = p.name;
    Object.assign(input, { min: String(range.min), max: String(range.max), step: String(range.step), value: String(p.default) });
    const out = document.createElement('output');
    out.textContent = String(p.default);
    input.addEventListener('input', () => {
      out.textContent = input.value;
      refreshKernelView();
      schedule();
    });
    label.append(p.name, input, out);
    ui.params.append(label);
  }
}

/** The filter the controls describe. */
function currentFilter(): ResolvedFilter {
  const def = presetDef();
  if (!def) return customFilter(kernelFromRows(custom), `custom ${custom.length}×${custom[0]?.length ?? 0}`);
  const values = [...ui.params.querySelectorAll<HTMLInputElement>('input[type="range"]')].map((i) => `${i.name}=${i.value}`);
  return parsePreset(values.length ? `${def.name}:${values.join(',')}` : def.name);
}

function formatTap(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

/** Shows the current kernel in the grid (editable: editing switches to 'custom'). */
function refreshKernelView(): void {
  let filter: ResolvedFilter;
  try {
    filter = currentFilter();
  } catch (e) {
    ui.kernelNote.textContent = (e as Error).message;
    return;
  }
  const kernel = filter.kernels[0] as HostTensor;
  const [KH = 1, KW = 1] = kernel.shape;
  ui.rows.value = String(Math.min(KH, MAX_GRID));
  ui.cols.value = String(Math.min(KW, MAX_GRID));
  const notes: string[] = [];
  if (filter.combine === 'magnitude') notes.push('Magnitude √(gx² + gy²) of this kernel (gx) and its transpose (gy).');
  if (KH > MAX_GRID || KW > MAX_GRID) {
    notes.push(`This kernel is ${KH}×${KW}, larger than the ${MAX_GRID}×${MAX_GRID} editor.`);
    ui.grid.replaceChildren();
    ui.kernelNote.textContent = notes.join(' ');
    return;
  }
  ui.kernelNote.textContent = notes.join(' ');
  const rows = kernelRows(kernel);
  // Large grids get narrow cells (the grid scrolls sideways).
  ui.grid.style.gridTemplateColumns = `repeat(${KW}, minmax(${KW > 15 ? 30 : 46}px, 1fr))`;
  ui.grid.classList.toggle('large', KW > 15);
  const cells: HTMLInputElement[] = [];
  rows.forEach((row, y) =>
    row.forEach((v, x) => {
      const input = document.createElement('input');
      input.type = 'text';
      input.inputMode = 'decimal';
      input.value = formatTap(v);
      input.className = v > 0 ? 'pos' : v < 0 ? 'neg' : '';
      input.setAttribute('aria-label', `tap row ${y + 1} column ${x + 1}`);
      input.dataset.y = String(y);
      input.dataset.x = String(x);
      input.addEventListener('input', () => onTapEdited(input));
      cells.push(input);
    }),
  );
  ui.grid.replaceChildren(...cells);
}

function onTapEdited(input: HTMLInputElement): void {
  if (ui.preset.value !== 'custom') {
    // Start the custom kernel from what the grid shows.
    custom = kernelRows(currentFilter().kernels[0] as HostTensor);
    ui.preset.value = 'custom';
    buildParams();
  }
  const v = Number(input.value);
  const y = Number(input.dataset.y);
  const x = Number(input.dataset.x);
  const ok = input.value.trim() !== '' && Number.isFinite(v);
  input.setCustomValidity(ok ? '' : 'not a number');
  if (!ok) return;
  (custom[y] as number[])[x] = v;
  input.className = v > 0 ? 'pos' : v < 0 ? 'neg' : '';
  schedule(250);
}

/** Resizes the custom kernel, keeping its taps centred. */
function resizeCustom(rows: number, cols: number): void {
  const base = ui.preset.value === 'custom' ? custom : kernelRows(currentFilter().kernels[0] as HostTensor);
  const oy = Math.floor((rows - base.length) / 2);
  const ox = Math.floor((cols - (base[0]?.length ?? 0)) / 2);
  custom = Array.from({ length: rows }, (_, y) => Array.from({ length: cols }, (_, x) => base[y - oy]?.[x - ox] ?? 0));
  ui.preset.value = 'custom';
  buildParams();
  refreshKernelView();
  schedule();
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

function formatMs(v: number): string {
  return v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`;
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
  ui.preset.addEventListener('change', () => {
    buildParams();
    refreshKernelView();
    schedule();
  });
  ui.rows.addEventListener('change', () => resizeCustom(Number(ui.rows.value), Number(ui.cols.value)));
  ui.cols.addEventListener('change', () => resizeCustom(Number(ui.rows.value), Number(ui.cols.value)));
  ui.normalizeKernel.addEventListener('click', () => {
    const rows = ui.preset.value === 'custom' ? custom : kernelRows(currentFilter().kernels[0] as HostTensor);
    const sum = rows.flat().reduce((a, b) => a + b, 0);
    if (sum === 0) {
      setMessage('The taps sum to 0 (an edge kernel): nothing to normalise.');
      return;
    }
    custom = rows.map((r) => r.map((v) => v / sum));
    ui.preset.value = 'custom';
    buildParams();
    refreshKernelView();
    schedule();
  });
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
