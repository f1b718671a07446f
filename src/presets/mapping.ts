/**
 * From filtered values to pixels: joining several kernels' results, the output mapping (`--abs`,
 * `--gain`, `--offset`, `--normalize`), clamping and rounding to a bit depth, comparing two results,
 * and the alignment of 'full'/'valid' outputs with the input. Pure arithmetic, no GPU.
 */
import { OptionError } from '../errors.js';

/** How a result is mapped to pixel values before clamping to [0, 1]. */
export interface OutputMapping {
  /** Take |v| first (edge strength of a signed filter). Default false. */
  abs?: boolean;
  /** Multiplies the result after `abs` (faint edge responses become visible). Default 1. */
  gain?: number;
  /** Stretch [min, max] of the result (over all colour planes together) to [0, 1]. Default false. */
  normalize?: boolean;
  /** Added after `abs` and `gain` (fraction of full scale, 0.5 = mid-grey). Not with `normalize`. Default 0. */
  offset?: number;
}

/** How several kernels' results are joined into one. */
export type Combine = 'magnitude';

/** Joins the per-kernel results of a filter: the one result, or √(Σ rᵢ²) for 'magnitude'. */
export function combineResults(results: readonly Float32Array[], combine: Combine | undefined): Float32Array {
  const first = results[0];
  if (!first) throw new OptionError('combineResults: no results');
  if (results.length === 1 || combine === undefined) return first;
  const out = new Float32Array(first.length);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (const r of results) s += (r[i] as number) ** 2;
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** Checks an `OutputMapping` (finite offset and gain; not both normalize and offset). */
export function checkMapping(m: OutputMapping): void {
  if (m.offset !== undefined && !Number.isFinite(m.offset)) throw new OptionError(`offset must be a finite number, got ${m.offset}`);
  if (m.gain !== undefined && !Number.isFinite(m.gain)) throw new OptionError(`gain must be a finite number, got ${m.gain}`);
  if (m.normalize && m.offset) throw new OptionError('normalize and offset cannot be combined (normalize already maps the result to [0, 1])');
}

/**
 * Applies `mapping` to filtered values (in units of full scale, 0 … 1 for an unchanged image) and
 * returns the mapped values, not yet clamped: abs, then gain, then normalize or offset.
 * `normalize` stretches the finite [min, max] of the whole array to [0, 1] (a constant result maps
 * to 0). Arithmetic is float32, as stored.
 */
export function applyMapping(values: Float32Array, mapping: OutputMapping): Float32Array {
  checkMapping(mapping);
  const out = mapping.abs ? values.map(Math.abs) : Float32Array.from(values);
  const gain = mapping.gain ?? 1;
  if (gain !== 1) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * gain;
  if (mapping.normalize) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of out) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const span = hi - lo;
    for (let i = 0; i < out.length; i++) out[i] = span > 0 && Number.isFinite(span) ? ((out[i] as number) - lo) / span : 0;
  } else if (mapping.offset) {
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + mapping.offset;
  }
  return out;
}

/** Clamps `v` (full scale = 1) to [0, 1] and rounds it to an integer sample in [0, maxValue]. NaN → 0. */
export function quantize(v: number, maxValue: number): number {
  if (!(v > 0)) return 0;
  if (v >= 1) return maxValue;
  return Math.round(v * maxValue);
}

/** `quantize` over an array. */
export function quantizeAll(values: Float32Array, maxValue: number): Uint16Array {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = quantize(values[i] as number, maxValue);
  return out;
}

/** The largest |a[i] − b[i]| (NaN where only one side is NaN counts as Infinity). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    if (x === y) continue; // equal infinities
    const d = Math.abs(x - y);
    if (d > m) m = d;
  }
  return m;
}

/**
 * For an output of `mode`, the input index each output index sits over (SciPy's alignment): 'same'
 * is the identity; 'full' starts c before the image, 'valid' (k − 1) − c into it, where c is the
 * 'same' crop of the full result (⌊(k−1)/2⌋ for convolution, ⌊k/2⌋ for correlation): output index
 * o sits over input index o + offset. Used to carry an untouched alpha channel along with the
 * filtered colour planes.
 */
export function outputToInputOffset(mode: 'full' | 'same' | 'valid', k: number, convolve: boolean): number {
  const c = convolve ? Math.floor((k - 1) / 2) : Math.floor(k / 2);
  if (mode === 'same') return 0;
  if (mode === 'full') return -c;
  return k - 1 - c;
}
