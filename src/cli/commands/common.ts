/** What `filter` and `gallery` share: the filter options, opening an engine, describing it. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { UsageError } from '../errors.js';
import { createEngine, type AdapterChoice, type AdapterInfo, type Algorithm, type Boundary, type ConvEngine, type Mode } from '../../index.js';

/** Options every filtering command takes (commander's parsed values). */
export interface CommonFilterOptions {
  mode: Mode;
  boundary: Boundary;
  fillValue: number;
  correlate?: boolean;
  algorithm: Algorithm;
  adapter: AdapterChoice;
  /** A tuning cache file: read if it exists, 'auto' autotunes new shapes, the table is written back. */
  tuning?: string;
  /** Print, per GPU call, the algorithm and variant that ran and why. */
  explain?: boolean;
}

/**
 * Opens a WebGPU engine on the chosen adapter (quietly: the CLI describes the adapter itself). With a
 * tuning file, 'auto' autotunes shapes it has not seen, starting from the file's table (made on the
 * same adapter and library version; another one's is ignored).
 */
export async function openEngine(adapter: AdapterChoice, tuningFile?: string): Promise<ConvEngine> {
  // Mesa's EGL and Dawn's Vulkan loader warn on stderr without a runtime directory.
  process.env.XDG_RUNTIME_DIR ??= tmpdir();
  const engine = await createEngine({ adapter, quiet: true, autotune: tuningFile !== undefined });
  if (tuningFile && existsSync(tuningFile)) {
    try {
      engine.importTuning(readFileSync(tuningFile, 'utf8'));
    } catch (e) {
      engine.destroy();
      throw new UsageError(`--tuning ${tuningFile}: ${(e as Error).message}`);
    }
  }
  return engine;
}

/** Writes the engine's tuning table to `file`. */
export function saveTuning(engine: ConvEngine, file: string): void {
  writeFileSync(file, `${JSON.stringify(engine.exportTuning(), null, 2)}\n`);
}

/** "llvmpipe (LLVM 15.0.6, 256 bits): software adapter, times are CPU times; compatibility mode". */
export function describeAdapter(info: AdapterInfo): string {
  let name = info.description || [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unknown adapter';
  if (info.device && !name.includes(info.device)) name += ` [${info.device.replace(/-+$/, '')}]`;
  const soft = info.isSoftware ? `software adapter (${info.source}): GPU times are CPU times` : `hardware adapter (${info.source})`;
  return `${name}: ${soft}; ${info.featureLevel} feature level`;
}

/** "12.3 ms" with sensible precision. */
export function ms(value: number | undefined): string {
  if (value === undefined) return '–';
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}

/** A difference in scientific notation ("0" when exact). */
export function diff(value: number | undefined): string {
  if (value === undefined) return '–';
  return value === 0 ? '0' : value.toExponential(2);
}
