/**
 * The demo's WebGPU start-up: opens the engine and names its adapter in the header, or explains
 * plainly that the browser cannot run the filters and which browsers can.
 */
import { createEngine, type ConvEngine } from 'webgpu-conv';
import { ui } from './ui.js';

/** Replaces the adapter's name with 'No WebGPU' and shows why (`detail`) and what to use instead. */
export function explainNoWebGPU(detail: string): void {
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

/** The engine, with its adapter named in the header; undefined (and explained) without WebGPU. */
export async function openEngine(): Promise<ConvEngine | undefined> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    explainNoWebGPU('navigator.gpu is missing in this browser (or WebGPU is switched off).');
    return undefined;
  }
  try {
    const engine = await createEngine();
    const info = engine.adapterInfo;
    const name = info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
    ui.adapter.dataset.state = info.isSoftware ? 'software' : 'hardware';
    ui.adapter.textContent = info.isSoftware ? `${name} · software adapter: "GPU" times are CPU times` : `${name} · ${info.featureLevel}`;
    return engine;
  } catch (e) {
    explainNoWebGPU((e as Error).message);
    return undefined;
  }
}
