/**
 * What every op reduces to before the GPU runs it (`ConvJob`: a geometry, its operands and the
 * post-processing), and the option checks all ops share. Pure functions: no GPU.
 */
import { ALGORITHM_NAMES } from '../algorithms/registry.js';
import type { ConvGeometry } from '../geometry.js';
import { OptionError, ShapeError } from '../errors.js';
import { GpuTensor } from '../gpu/tensor.js';
import type { Algorithm, Boundary, HostTensor, Mode, PaddingMode, RunInfo } from '../types.js';
import { fmt, oneOf } from '../validate.js';

/** An op's operand: host data or a tensor resident on the GPU. */
export type TensorArg = HostTensor | GpuTensor;
/** An operand's data for the GPU job: a host array, or the GPU tensor itself. */
export type Operand = Float32Array | GpuTensor;
export const operand = (t: TensorArg): Operand => ('data' in t ? t.data : t);

/** `'auto'` and every registered algorithm (a function: the registry's modules may import this one). */
export const algorithmChoices = (): readonly Algorithm[] => ['auto', ...ALGORITHM_NAMES];
export const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'] as const satisfies readonly PaddingMode[];
export const BOUNDARIES = ['fill', 'wrap', 'symm', 'reflect', 'replicate'] as const satisfies readonly Boundary[];
export const MODES = ['full', 'same', 'valid'] as const satisfies readonly Mode[];
/** Option keys every op takes. */
export const OUTPUT_KEYS = ['algorithm', 'output', 'out', 'onRun'] as const;

const OUTPUTS = ['host', 'gpu'] as const;

/** A planned GPU job: the geometry, which host arrays play input and weight, and the post-processing. */
export interface ConvJob {
  geometry: ConvGeometry;
  input: Operand;
  weight: Operand;
  bias: Float32Array | undefined;
  /** Shape of the returned tensor (same element count as N·K·OH·OW). */
  outShape: number[];
  /** Reverse every output plane along both axes (SciPy/NumPy correlate with swapped operands). */
  reverse: boolean;
  algorithm: Algorithm;
  /** Where the result goes: back to the host (default) or into a GpuTensor. */
  output: 'host' | 'gpu';
  /** The caller's array for a host result, or GpuTensor for a GPU one (`out` option), else a new one. */
  out: Float32Array | GpuTensor | undefined;
  /** Called with what ran (`onRun` option). */
  onRun: ((info: RunInfo) => void) | undefined;
}

/** The options every op shares, validated. */
export interface CommonParams {
  algorithm: Algorithm;
  output: 'host' | 'gpu';
  onRun: ((info: RunInfo) => void) | undefined;
}

/** Validates the options every op takes (`algorithm`, `output`, `onRun`; `out` needs the result size: `outOption`). */
export function commonOptions(op: string, o: { algorithm?: unknown; output?: unknown; onRun?: unknown }): CommonParams {
  const onRun = o.onRun;
  if (onRun !== undefined && typeof onRun !== 'function') throw new OptionError(`${op}: onRun must be a function, got ${fmt(onRun)}`);
  return {
    algorithm: oneOf(op, 'algorithm', o.algorithm ?? 'auto', algorithmChoices()),
    output: outputOption(op, o),
    onRun: onRun as CommonParams['onRun'],
  };
}

/** The validated `output` option. */
export function outputOption(op: string, o: { output?: unknown } | undefined): 'host' | 'gpu' {
  return oneOf(op, 'output', o?.output ?? 'host', OUTPUTS);
}

/** The CPU reference's `out`: host results only (a GpuTensor `out` is an OptionError). */
export function hostOut(op: string, out: Float32Array | GpuTensor | undefined): Float32Array | undefined {
  if (out instanceof GpuTensor) throw new OptionError(`cpu.${op}: the CPU reference returns host tensors; out must be a Float32Array`);
  return out;
}

/**
 * The validated `out` option: a Float32Array of exactly `size` elements for a host result, sharing
 * no memory with the host operands (a split job reads them while pieces of the result arrive); with
 * `output: 'gpu'`, a live GpuTensor of `size` elements that is none of the operands.
 */
export function outOption(op: string, o: { output?: unknown; out?: unknown }, size: number, operands: ReadonlyArray<TensorArg | Float32Array | undefined>): Float32Array | GpuTensor | undefined {
  const out = o.out;
  if (out === undefined) return undefined;
  if (o.output === 'gpu') {
    if (!(out instanceof GpuTensor)) throw new OptionError(`${op}: with output: 'gpu', out must be a GpuTensor, got ${fmt(out)}`);
    if (out.destroyed) throw new ShapeError(`${op}: out is a GpuTensor that has been destroyed`);
    if (out.size !== size) throw new ShapeError(`${op}: out has ${out.size} elements, the result has ${size}`);
    if (operands.some((x) => x === out || (x instanceof GpuTensor && x.buffer === out.buffer))) {
      throw new OptionError(`${op}: out is also an input; give it a tensor of its own`);
    }
    return out;
  }
  if (out instanceof GpuTensor) throw new OptionError(`${op}: a GpuTensor out needs output: 'gpu'`);
  if (!(out instanceof Float32Array)) throw new OptionError(`${op}: out must be a Float32Array, got ${fmt(out)}`);
  if (out.length !== size) throw new ShapeError(`${op}: out has ${out.length} elements, the result has ${size}`);
  for (const x of operands) {
    const data = x instanceof Float32Array ? x : x && 'data' in x ? x.data : undefined;
    if (data && data.buffer === out.buffer && data.byteOffset < out.byteOffset + out.byteLength && out.byteOffset < data.byteOffset + data.byteLength) {
      throw new OptionError(`${op}: out shares memory with an input; give it an array of its own`);
    }
  }
  return out;
}
