/**
 * The demo's run controls besides the kernel: convolution or correlation, mode, boundary,
 * algorithm (the menu lists 'auto' and every registered algorithm) and how results are displayed.
 */
import { ALGORITHM_NAMES, type Algorithm, type Boundary, type Mode } from 'webgpu-conv';
import type { OutputMapping, ResolvedFilter } from 'webgpu-conv/presets';
import { ui } from './ui.js';

export interface RunSettings {
  op: 'convolve' | 'correlate';
  mode: Mode;
  boundary: Boundary;
  algorithm: Algorithm;
}

/** The algorithm menu: 'auto' (in the page) and every registered algorithm. */
export function fillAlgorithmMenu(): void {
  for (const name of ALGORITHM_NAMES) ui.algorithm.add(new Option(name, name));
}

/** The operation, mode, boundary and algorithm the controls select. */
export function runSettings(): RunSettings {
  const op = (document.querySelector<HTMLInputElement>('input[name="op"]:checked')?.value ?? 'convolve') as RunSettings['op'];
  return { op, mode: ui.mode.value as Mode, boundary: ui.boundary.value as Boundary, algorithm: ui.algorithm.value as Algorithm };
}

/** How results map to display levels: the display menu's choice, or the filter's own default. */
export function displayMapping(filter: ResolvedFilter): OutputMapping {
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

/** Wires these controls; `changed` re-runs the filter. */
export function wireRunControls(changed: () => void): void {
  for (const c of [ui.boundary, ui.mode, ui.algorithm, ui.display]) c.addEventListener('change', () => changed());
  for (const r of document.querySelectorAll<HTMLInputElement>('input[name="op"]')) r.addEventListener('change', () => changed());
}
