/**
 * The demo's kernel controls: the preset menu, the preset's parameter sliders and the editable
 * grid of taps (1×1 to 63×63; editing a preset's taps turns them into a custom kernel).
 */
import type { HostTensor } from 'webgpu-conv';
import {
  PRESETS,
  customFilter,
  findPreset,
  kernelFromRows,
  kernelRows,
  parsePreset,
  type PresetDefinition,
  type ResolvedFilter,
} from 'webgpu-conv/presets';
import { MAX_GRID, setMessage, ui } from './ui.js';

/** The custom kernel the grid edits (rows of numbers). */
let custom: number[][] = [
  [0, 0, 0],
  [0, 1, 0],
  [0, 0, 0],
];

/** Called when the kernel changes (with a delay in ms for typing). */
let changed: (delay?: number) => void = () => undefined;

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

export function buildPresetControls(): void {
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
export function buildParams(): void {
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
      changed();
    });
    label.append(p.name, input, out);
    ui.params.append(label);
  }
}

/** The filter the controls describe. */
export function currentFilter(): ResolvedFilter {
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
export function refreshKernelView(): void {
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
  changed(250);
}

/** Resizes the custom kernel, keeping its taps centred. */
export function resizeCustom(rows: number, cols: number): void {
  const base = ui.preset.value === 'custom' ? custom : kernelRows(currentFilter().kernels[0] as HostTensor);
  const oy = Math.floor((rows - base.length) / 2);
  const ox = Math.floor((cols - (base[0]?.length ?? 0)) / 2);
  custom = Array.from({ length: rows }, (_, y) => Array.from({ length: cols }, (_, x) => base[y - oy]?.[x - ox] ?? 0));
  ui.preset.value = 'custom';
  buildParams();
  refreshKernelView();
  changed();
}

/** Wires the kernel controls; `onChange` re-runs the filter. */
export function wireKernelControls(onChange: (delay?: number) => void): void {
  changed = onChange;
  ui.preset.addEventListener('change', () => {
    buildParams();
    refreshKernelView();
    changed();
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
    changed();
  });
}
