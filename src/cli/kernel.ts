/**
 * The `-k/--kernel` argument: a preset (`gaussian:sigma=2`), an inline JSON matrix
 * (`'[[0,1,0],[1,-4,1],[0,1,0]]'`) or a kernel file: a JSON matrix (optionally
 * `{ "kernel": [[…]], "scale": 0.0625 }`) or whitespace/comma-separated rows of text, `#` comments.
 */
import { readFileSync, statSync } from 'node:fs';
import { OptionError, type HostTensor } from '../index.js';
import { customFilter, isPresetSpec, kernelFromRows, parsePreset, type ResolvedFilter } from '../presets/index.js';
import { RuntimeError, UsageError } from './errors.js';

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function looksLikePath(spec: string): boolean {
  return /[\\/]/.test(spec) || /\.(json|txt|csv|tsv|kernel|dat)$/i.test(spec);
}

/** Checks a parsed matrix: non-empty, rectangular, finite numbers. `where` names its source. */
export function matrixToKernel(value: unknown, where: string): HostTensor {
  let rows = value;
  let scale = 1;
  if (rows !== null && typeof rows === 'object' && !Array.isArray(rows)) {
    const o = rows as Record<string, unknown>;
    rows = o.kernel;
    if (o.scale !== undefined) {
      if (typeof o.scale !== 'number' || !Number.isFinite(o.scale)) throw new Error(`${where}: "scale" must be a finite number`);
      scale = o.scale;
    }
  }
  if (!Array.isArray(rows) || rows.length === 0) {
    throw new Error(`${where}: expected a non-empty matrix of numbers such as [[0, 1, 0], [1, -4, 1], [0, 1, 0]]`);
  }
  // A flat list is one row.
  const matrix: unknown[][] = rows.every((r) => !Array.isArray(r)) ? [rows] : (rows as unknown[][]);
  const width = Array.isArray(matrix[0]) ? matrix[0].length : 0;
  matrix.forEach((row, y) => {
    if (!Array.isArray(row) || row.length === 0 || row.length !== width) {
      throw new Error(`${where}: row ${y + 1} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${width || 'at least 1'} (the matrix must be rectangular)`);
    }
    row.forEach((v, x) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new Error(`${where}: the value at row ${y + 1}, column ${x + 1} is not a finite number (${JSON.stringify(v)})`);
      }
    });
  });
  return kernelFromRows((matrix as number[][]).map((row) => row.map((v) => v * scale)));
}

/** Parses a kernel text: JSON, or rows of numbers separated by whitespace or commas. */
export function parseKernelText(text: string, where: string): HostTensor {
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      throw new Error(`${where}: invalid JSON (${(e as Error).message})`);
    }
    return matrixToKernel(value, where);
  }
  const rows: number[][] = [];
  for (const [i, rawLine] of text.split(/\r?\n/).entries()) {
    const line = rawLine.replace(/#.*/, '').trim();
    if (!line) continue;
    const row = line.split(/[\s,;]+/).filter(Boolean).map((tok) => {
      const v = Number(tok);
      if (!Number.isFinite(v)) throw new Error(`${where}: line ${i + 1}: '${tok}' is not a number`);
      return v;
    });
    rows.push(row);
  }
  return matrixToKernel(rows, where);
}

/** Reads and parses a kernel file. */
export function readKernelFile(path: string): HostTensor {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new RuntimeError(`cannot read kernel file '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parseKernelText(text, `kernel file '${path}'`);
  } catch (e) {
    throw new RuntimeError((e as Error).message);
  }
}

function shapeLabel(k: HostTensor): string {
  return `${k.shape[0]}×${k.shape[1]}`;
}

/** Resolves `-k`: an existing file wins, then an inline matrix, then a preset. */
export function resolveKernel(spec: string): ResolvedFilter {
  const s = spec.trim();
  if (!s) throw new UsageError('the kernel (-k) is empty: give a preset such as gaussian:sigma=2 or a kernel file');
  if (isFile(s)) {
    const kernel = readKernelFile(s);
    const name = s.split(/[\\/]/).pop() ?? s;
    return customFilter(kernel, `file ${name} (${shapeLabel(kernel)})`);
  }
  if (s.startsWith('[') || s.startsWith('{')) {
    try {
      const kernel = parseKernelText(s, 'the inline kernel');
      return customFilter(kernel, `inline ${shapeLabel(kernel)}`);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  if (!isPresetSpec(s) && looksLikePath(s)) {
    throw new RuntimeError(`kernel file '${s}' not found`);
  }
  try {
    return parsePreset(s);
  } catch (e) {
    if (e instanceof OptionError) throw new UsageError(e.message);
    throw e;
  }
}
