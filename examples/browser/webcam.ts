/**
 * The demo's webcam button: starts and stops the live view (live.ts) with the current kernel,
 * operation, boundary and display, swaps the image canvases for the video and the WebGPU canvas,
 * and shows each frame's stats. Stopping hands the last frame back to the page.
 */
import type { ConvEngine, HostTensor } from 'webgpu-conv';
import { currentFilter } from './kernel-editor.js';
import { LiveWebcam, type LiveFilter } from './live.js';
import { displayMapping, runSettings } from './settings.js';
import { formatMs, setMessage, ui } from './ui.js';

export interface WebcamHooks {
  /** The engine to filter with (undefined without WebGPU). */
  engine(): ConvEngine | undefined;
  /** The camera stopped: its last `frame` (if any) becomes the image, re-filtered when `rerun`. */
  stopped(frame: ImageData | undefined, rerun: boolean): void;
}

let live: LiveWebcam | undefined;
let hooks: WebcamHooks = { engine: () => undefined, stopped: () => undefined };

/** Whether the live view is running (the page's own runs pause meanwhile). */
export function webcamOn(): boolean {
  return live !== undefined;
}

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
  const engine = hooks.engine();
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
export function stopWebcam(rerun = true): void {
  if (!live) return;
  const frame = live.stop();
  live = undefined;
  showLive(false);
  ui.fps.textContent = '–';
  hooks.stopped(frame, rerun);
}

/** Shows the webcam button where the browser has a camera API, and wires it. */
export function wireWebcam(h: WebcamHooks): void {
  hooks = h;
  if (navigator.mediaDevices && typeof navigator.mediaDevices.getUserMedia === 'function') {
    ui.webcam.hidden = false;
    ui.webcam.addEventListener('click', () => (live ? stopWebcam() : void startWebcam()));
  }
}
