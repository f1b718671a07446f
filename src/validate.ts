/** Argument checks shared by the GPU ops and the CPU reference. All throw typed errors. */
import { OptionError, ShapeError } from './errors.js';
import { GpuTensor } from './gpu/tensor.js';
import type { HostTensor } from './types.js';

/** Checks that `t` is a HostTensor (or live GpuTensor) of the given rank whose data length matches its shape. */
export function checkTensor(op: string, name: string, t: HostTensor | GpuTensor, ranks: readonly number[]): number[] {
  if (t instanceof GpuTensor) {
    if (t.destroyed) throw new ShapeError(`${op}: ${name} is a GpuTensor that has been destroyed`);
  } else if (t === null || typeof t !== 'object' || !(t.data instanceof Float32Array) || !Array.isArray(t.shape)) {
    throw new ShapeError(`${op}: ${name} must be { data: Float32Array, shape: number[] } or a GpuTensor`);
  }
  const shape = t.shape;
  if (!ranks.includes(shape.length)) {
    throw new ShapeError(
      `${op}: ${name} must have rank ${ranks.join(' or ')}, got rank ${shape.length} (shape [${shape.join(', ')}])`,
    );
  }
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 1) {
      throw new ShapeError(`${op}: ${name} shape [${shape.join(', ')}] must hold positive integers`);
    }
    n *= d;
  }
  const length = t instanceof GpuTensor ? t.size : t.data.length;
  if (n !== length) {
    throw new ShapeError(`${op}: ${name} data length ${length} does not match shape [${shape.join(', ')}] (product ${n})`);
  }
  return shape.slice();
}

/** Checks a tensor shape on its own: an array of 1 to 6 positive integers. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 6 || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ShapeError(`${op}: a shape must be 1 to 6 positive integers, got ${fmt(shape)}`);
  }
  return shape.slice() as number[];
}

/** A positive integer option. */
export function positiveInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new OptionError(`${op}: ${name} must be a positive integer, got ${fmt(v)}`);
  }
  return v;
}

/** A non-negative integer option. */
export function nonNegativeInt(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new OptionError(`${op}: ${name} must be a non-negative integer, got ${fmt(v)}`);
  }
  return v;
}

/** `v` or `[a, b]` → a pair of positive integers. */
export function positivePair(op: string, name: string, v: unknown): [number, number] {
  if (Array.isArray(v)) {
    if (v.length !== 2) throw new OptionError(`${op}: ${name} must be a number or a pair, got ${fmt(v)}`);
    return [positiveInt(op, name, v[0]), positiveInt(op, name, v[1])];
  }
  const x = positiveInt(op, name, v);
  return [x, x];
}

/** One of a fixed set of string values. */
export function oneOf<T extends string>(op: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new OptionError(`${op}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${fmt(v)}`);
  }
  return v as T;
}

/** Rejects option keys the op does not know (catches typos such as `padding_mode`). */
export function checkKeys(op: string, options: object | undefined, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') {
    throw new OptionError(`${op}: options must be an object, got ${fmt(options)}`);
  }
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new OptionError(`${op}: unknown option '${k}' (known: ${known.join(', ')})`);
  }
}

/** Compact rendering of a value for error messages. */
export function fmt(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof Float32Array) return `Float32Array(${v.length})`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
