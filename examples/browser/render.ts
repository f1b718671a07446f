/**
 * The demo's result view: turns a run's values (the GPU's or the CPU reference's) into the result's
 * pixels with the chosen display mapping, and shows a GPU run's result with its stats.
 */
import type { HostTensor } from 'webgpu-conv';
import { applyMapping, outputToInputOffset, quantizeAll, type ResolvedFilter } from 'webgpu-conv/presets';
import type { SourceImage } from './images.js';
import { displayMapping, type RunSettings } from './settings.js';
import { canvas2d, formatMs, ui } from './ui.js';

/** A GPU run's output and what it was computed from. */
export interface RunOutput {
  /** The run's number (a newer run makes an older one's CPU check moot). */
  id: number;
  src: SourceImage;
  filter: ResolvedFilter;
  settings: RunSettings;
  /** Colour planes [3, height, width] as the GPU computed them (the kernels' results combined). */
  values: Float32Array;
  height: number;
  width: number;
}

/** Output pixels: mapped colour, and the source alpha carried along SciPy's alignment. */
export function renderPixels(values: Float32Array, OH: number, OW: number, filter: ResolvedFilter, s: RunSettings, src: SourceImage): Uint8ClampedArray<ArrayBuffer> {
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

/** Draws a GPU run's result and shows its label, GPU time (`ms`), kernel size and what ran. */
export function showGpuResult(out: RunOutput, ms: number, ran: Iterable<string>): void {
  const { values, height: OH, width: OW, filter, settings: s, src } = out;
  const rgba = renderPixels(values, OH, OW, filter, s, src);
  ui.result.width = OW;
  ui.result.height = OH;
  canvas2d(ui.result).putImageData(new ImageData(rgba, OW, OH), 0, 0);
  ui.resultSize.textContent = `${filter.spec} · ${s.op === 'convolve' ? 'convolution' : 'correlation'} · ${OW}×${OH}`;
  ui.gpuTime.textContent = formatMs(ms);
  const k = filter.kernels[0] as HostTensor;
  ui.kernelInfo.textContent = `${k.shape[0]}×${k.shape[1]}${filter.kernels.length > 1 ? ` ×${filter.kernels.length}` : ''}`;
  ui.algorithmUsed.textContent = [...ran].join(' + ') || '–';
}
