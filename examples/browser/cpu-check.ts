/**
 * The demo's CPU check: computes a GPU run's filter with the library's CPU reference in a worker
 * (cpu-worker.ts; a newer run terminates one still computing), then shows the CPU time and the
 * largest GPU-vs-CPU difference, in values and in display levels (LSB).
 */
import { maxAbsDiff } from 'webgpu-conv/presets';
import type { CpuRequest, CpuResponse } from './cpu-worker.js';
import { renderPixels, type RunOutput } from './render.js';
import { formatMs, setMessage, ui } from './ui.js';

let worker: Worker | undefined;
let workerBusy = false;

/** Checks `out` on the CPU; the answer is shown only while `isLatest(out.id)` (no newer run began). */
export function startCpu(out: RunOutput, isLatest: (id: number) => boolean): void {
  const { id, src, filter, settings: s, values: gpuValues, height: OH, width: OW } = out;
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
    if (!isLatest(r.id)) return;
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
