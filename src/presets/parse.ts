/**
 * Preset specs: parsing `name`, `name:v1,v2` or `name:key=value,…` into a resolved filter (kernels,
 * canonical spelling, display mapping), and filters made of one explicit kernel.
 */
import { OptionError } from '../errors.js';
import type { HostTensor } from '../types.js';
import type { Combine, OutputMapping } from './mapping.js';
import { PRESET_NAMES, findPreset, type PresetDefinition, type PresetParam } from './table.js';

/** A preset with its parameters resolved: what to run. */
export interface ResolvedFilter {
  /** Canonical spelling, e.g. `gaussian:sigma=2,size=13`. */
  spec: string;
  name: string;
  params: Record<string, number>;
  /** One kernel, or several whose results are joined by `combine`. */
  kernels: HostTensor[];
  combine: Combine | undefined;
  signed: boolean;
  display: OutputMapping;
}

/** Whether `spec` names a preset (its part before `:`), without validating the parameters. */
export function isPresetSpec(spec: string): boolean {
  const name = spec.split(':', 1)[0] ?? '';
  return findPreset(name.trim().toLowerCase()) !== undefined;
}

/** One-line usage of a preset, e.g. `gaussian:sigma=1,size=…`. */
export function presetUsage(def: PresetDefinition): string {
  if (!def.params.length) return def.name;
  return `${def.name}:${def.params.map((q) => `${q.name}=${q.default ?? '…'}`).join(',')}`;
}

function formatNumber(v: number): string {
  return String(Number(v.toPrecision(6)));
}

/**
 * Parses a preset spec: `name`, `name:v1,v2` (positional, in the order of `params`) or
 * `name:key=value,key=value`. Throws `OptionError` naming what is wrong.
 */
export function parsePreset(spec: string): ResolvedFilter {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(':');
  const name = (colon < 0 ? trimmed : trimmed.slice(0, colon)).trim().toLowerCase();
  const def = findPreset(name);
  if (!def) {
    throw new OptionError(`unknown kernel preset '${name || spec}' (presets: ${PRESET_NAMES.join(', ')}; or give a kernel file)`);
  }
  const given: Record<string, number> = {};
  const rest = colon < 0 ? '' : trimmed.slice(colon + 1).trim();
  if (rest) {
    const parts = rest.split(',').map((s) => s.trim());
    parts.forEach((part, i) => {
      const eq = part.indexOf('=');
      let param: PresetParam | undefined;
      let text: string;
      if (eq >= 0) {
        const key = part.slice(0, eq).trim().toLowerCase();
        param = def.params.find((q) => q.name === key);
        if (!param) {
          const known = def.params.length ? `parameters: ${def.params.map((q) => q.name).join(', ')}` : 'it takes no parameters';
          throw new OptionError(`preset '${def.name}': unknown parameter '${key}' (${known})`);
        }
        text = part.slice(eq + 1).trim();
      } else {
        param = def.params[i];
        if (!param) {
          throw new OptionError(`preset '${def.name}': too many parameters in '${spec}' (${def.params.length ? `it takes ${def.params.map((q) => q.name).join(', ')}` : 'it takes none'})`);
        }
        text = part;
      }
      if (param.name in given) throw new OptionError(`preset '${def.name}': parameter '${param.name}' given twice`);
      const value = text === '' ? NaN : Number(text);
      if (!Number.isFinite(value)) {
        throw new OptionError(`preset '${def.name}': ${param.name} must be a number, got '${text}'`);
      }
      if (param.integer && !Number.isInteger(value)) {
        throw new OptionError(`preset '${def.name}': ${param.name} must be an integer, got ${text}`);
      }
      if (value < param.min || value > param.max) {
        throw new OptionError(`preset '${def.name}': ${param.name} must be between ${param.min} and ${param.max}, got ${text}`);
      }
      given[param.name] = value;
    });
  }
  const params: Record<string, number> = {};
  for (const q of def.params) {
    const v = given[q.name] ?? q.default;
    if (v !== undefined) params[q.name] = v;
  }
  const kernels = def.build(params);
  // Derived parameters (a Gaussian's size) become explicit in the canonical spelling.
  if (def.params.some((q) => q.name === 'size') && params.size === undefined) {
    params.size = kernels[0]?.shape[0] as number;
  }
  const spelled = def.params.filter((q) => params[q.name] !== undefined).map((q) => `${q.name}=${formatNumber(params[q.name] as number)}`);
  return {
    spec: spelled.length ? `${def.name}:${spelled.join(',')}` : def.name,
    name: def.name,
    params,
    kernels,
    combine: def.combine,
    signed: def.signed,
    display: { ...def.display },
  };
}

/** A filter made of one explicit kernel (from a file or the demo's grid). */
export function customFilter(kernel: HostTensor, label = 'custom'): ResolvedFilter {
  return { spec: label, name: 'custom', params: {}, kernels: [kernel], combine: undefined, signed: false, display: {} };
}
