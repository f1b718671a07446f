/**
 * The webgpu-conv browser demo: pick an image and a kernel, see the GPU result beside the original,
 * with the GPU time, the CPU reference's time (in a worker) and the largest GPU-vs-CPU difference.
 * Every change re-runs the filter at the image's full resolution.
 *
 * This module holds the page's state (engine, image, runs) and the run loop, and wires the parts
 * together: images.ts (image inputs and decoding), kernel-editor.ts (presets and the tap grid),
 * settings.ts (operation, mode, boundary, algorithm, display), render.ts (the result and its
 * stats), cpu-check.ts (the CPU reference in a worker), webcam.ts (the live view) and adapter.ts
 * (WebGPU start-up).
 */
import type { ConvEngine, HostTensor, RunInfo } from 'webgpu-conv';
import { combineResults } from 'webgpu-conv/presets';
import { explainNoWebGPU, openEngine } from './adapter.js';
import { startCpu } from './cpu-check.js';
import { decodeBlob, drawOriginal, loadSample, toSource, wireImageInputs, type SourceImage } from './images.js';
import { buildParams, buildPresetControls, currentFilter, refreshKernelView, wireKernelControls } from './kernel-editor.js';
import { showGpuResult } from './render.js';
import { fillAlgorithmMenu, runSettings, wireRunControls } from './settings.js';
import { setMessage, ui } from './ui.js';
import { stopWebcam, webcamOn, wireWebcam } from './webcam.js';

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

let engine: ConvEngine | undefined;
let source: SourceImage | undefined;
let runId = 0;
let busy = false;
let pending = false;
let timer: ReturnType<typeof setTimeout> | undefined;

function showSource(s: SourceImage): void {
  source = s;
  drawOriginal(s);
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

// ---------------------------------------------------------------------------------------------
// Running the filter
// ---------------------------------------------------------------------------------------------

/** Re-runs soon (coalescing bursts of changes). */
function schedule(delay = 30): void {
  clearTimeout(timer);
  timer = setTimeout(() => void run(), delay);
}

async function run(): Promise<void> {
  if (!source || webcamOn()) return;
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
    const out = { id, src, filter, settings: s, values, height: shape[1] as number, width: shape[2] as number };
    showGpuResult(out, gpuMs, ran);
    ui.status.dataset.state = 'gpu-done';
    setMessage('');
    if (webcamOn()) {
      ui.cpuTime.textContent = 'paused (webcam)';
      ui.maxDiff.textContent = '–';
    } else {
      startCpu(out, (n) => n === runId);
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

// ---------------------------------------------------------------------------------------------
// Start-up
// ---------------------------------------------------------------------------------------------

function wireControls(): void {
  wireImageInputs(loadBlob);
  wireWebcam({
    engine: () => engine,
    stopped: (frame, rerun) => {
      if (frame) showSource(toSource('webcam', frame));
      if (rerun) schedule();
    },
  });
  wireKernelControls((delay) => schedule(delay));
  wireRunControls(() => schedule());
}

async function main(): Promise<void> {
  fillAlgorithmMenu();
  buildPresetControls();
  buildParams();
  refreshKernelView();
  wireControls();
  engine = await openEngine();
  void engine?.device.lost.then((lost) => {
    if (lost.reason !== 'destroyed') explainNoWebGPU(`The GPU device was lost (${lost.message}). Reload the page.`);
    engine = undefined;
  });
  await loadSample(loadBlob);
}

void main();
