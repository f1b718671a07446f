/**
 * CPU reference implementations of every public op, written with plain loops straight from the
 * PyTorch / SciPy / NumPy definitions. Arguments are validated by the same `normalize*` functions
 * the GPU ops use (so errors match), but none of plan.ts's index arithmetic (padTop, jobs, swaps)
 * is reused: this file is the independent check on it. Accumulation is float64, storage float32.
 */
import { normalizeConv1d, normalizeConv2d } from '../ops/conv.js';
import { normalizeFilter1d, normalizeFilter2d } from '../ops/filter.js';
import { hostOut } from '../ops/job.js';
import type {
  Boundary,
  Conv1dOptions,
  Conv2dOptions,
  Filter1dOptions,
  Filter2dOptions,
  HostTensor,
  Mode,
  PaddingMode,
} from '../types.js';

// ---------------------------------------------------------------------------------------------
// Extension of a finite axis to all integers
// ---------------------------------------------------------------------------------------------

/** Non-negative remainder. */
function mod(a: number, n: number): number {
  return ((a % n) + n) % n;
}

/**
 * Maps an arbitrary integer coordinate `i` on an axis of length `n` to an in-range index, or -1
 * when the rule says "use the fill value".
 *   fill:      -1 outside [0, n)
 *   wrap:      i mod n                                   (… a b c | a b c | a b c …)
 *   symm:      period 2n, mirror including the edge      (… c b a | a b c | c b a …)
 *   reflect:   period 2(n−1), mirror excluding the edge  (… c b | a b c | b a …); n = 1 → 0
 *   replicate: clamp to [0, n−1]
 */
export function extendIndex(i: number, n: number, rule: Boundary): number {
  if (i >= 0 && i < n) return i;
  switch (rule) {
    case 'fill':
      return -1;
    case 'wrap':
      return mod(i, n);
    case 'symm': {
      const j = mod(i, 2 * n);
      return j < n ? j : 2 * n - 1 - j;
    }
    case 'reflect': {
      if (n === 1) return 0;
      const j = mod(i, 2 * (n - 1));
      return j < n ? j : 2 * (n - 1) - j;
    }
    case 'replicate':
      return Math.min(Math.max(i, 0), n - 1);
  }
}

/** PyTorch padding modes expressed as extension rules. */
const PADDING_RULE: Record<PaddingMode, Boundary> = {
  zeros: 'fill',
  reflect: 'reflect',
  replicate: 'replicate',
  circular: 'wrap',
};

// ---------------------------------------------------------------------------------------------
// PyTorch conv2d / conv1d
// ---------------------------------------------------------------------------------------------

/**
 * Explicitly pads every [H, W] plane of `data` (`planes` of them) by [top, bottom, left, right]
 * using `mode`. Returns the padded planes (float64) and their size.
 */
function padPlanes(
  data: Float32Array,
  planes: number,
  H: number,
  W: number,
  pad: readonly [number, number, number, number],
  mode: PaddingMode,
): { padded: Float64Array; PH: number; PW: number } {
  const [top, bottom, left, right] = pad;
  const PH = H + top + bottom;
  const PW = W + left + right;
  const rule = PADDING_RULE[mode];
  const padded = new Float64Array(planes * PH * PW);
  for (let p = 0; p < planes; p++) {
    for (let y = 0; y < PH; y++) {
      // Padded row y is original row y − top (possibly outside [0, H)).
      const sy = extendIndex(y - top, H, rule);
      for (let x = 0; x < PW; x++) {
        const sx = extendIndex(x - left, W, rule);
        padded[(p * PH + y) * PW + x] = sy < 0 || sx < 0 ? 0 : (data[(p * H + sy) * W + sx] as number);
      }
    }
  }
  return { padded, PH, PW };
}

/** The result, copied into the caller's array when the options gave one (`out`). */
function result(into: Float32Array | undefined, data: Float32Array, shape: number[]): HostTensor {
  if (!into) return { data, shape };
  into.set(data);
  return { data: into, shape };
}

/** PyTorch `torch.nn.functional.conv2d` (cross-correlation; `flip` rotates the kernel 180°). */
export function conv2d(input: HostTensor, weight: HostTensor, options?: Conv2dOptions): HostTensor {
  const p = normalizeConv2d(input, weight, options);
  const into = hostOut('conv2d', p.out);
  const { N, C, H, W, K, KH, KW, OH, OW, groups, flip, bias } = p;
  const [sh, sw] = p.stride;
  const [dh, dw] = p.dilation;
  const Cg = C / groups;
  const Kg = K / groups;
  const { padded, PH, PW } = padPlanes(input.data, N * C, H, W, p.pad, p.paddingMode);
  const w = weight.data;
  const out = new Float32Array(N * K * OH * OW);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const g = Math.floor(k / Kg);
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          let acc = bias ? (bias[k] as number) : 0;
          for (let c = 0; c < Cg; c++) {
            const plane = (n * C + g * Cg + c) * PH;
            for (let ky = 0; ky < KH; ky++) {
              for (let kx = 0; kx < KW; kx++) {
                // Padded input at (oy·sh + ky·dh, ox·sw + kx·dw); weight tap (ky', kx'), rotated when flip.
                const xv = padded[(plane + oy * sh + ky * dh) * PW + ox * sw + kx * dw] as number;
                const wy = flip ? KH - 1 - ky : ky;
                const wx = flip ? KW - 1 - kx : kx;
                acc += xv * (w[((k * Cg + c) * KH + wy) * KW + wx] as number);
              }
            }
          }
          out[((n * K + k) * OH + oy) * OW + ox] = acc;
        }
      }
    }
  }
  return result(into, out, [N, K, OH, OW]);
}

/** Pads every length-L row of `data` by [left, right] using `mode` (float64). */
function padRows(data: Float32Array, rows: number, L: number, left: number, right: number, mode: PaddingMode): Float64Array {
  const PL = L + left + right;
  const rule = PADDING_RULE[mode];
  const padded = new Float64Array(rows * PL);
  for (let r = 0; r < rows; r++) {
    for (let x = 0; x < PL; x++) {
      const sx = extendIndex(x - left, L, rule);
      padded[r * PL + x] = sx < 0 ? 0 : (data[r * L + sx] as number);
    }
  }
  return padded;
}

/** PyTorch `torch.nn.functional.conv1d`. */
export function conv1d(input: HostTensor, weight: HostTensor, options?: Conv1dOptions): HostTensor {
  const p = normalizeConv1d(input, weight, options);
  const into = hostOut('conv1d', p.out);
  const { N, C, K, groups, flip, bias } = p;
  const L = p.W;
  const KL = p.KW;
  const OL = p.OW;
  const s = p.stride[1];
  const d = p.dilation[1];
  const left = p.pad[2];
  const right = p.pad[3];
  const PL = L + left + right;
  const Cg = C / groups;
  const Kg = K / groups;
  const padded = padRows(input.data, N * C, L, left, right, p.paddingMode);
  const w = weight.data;
  const out = new Float32Array(N * K * OL);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const g = Math.floor(k / Kg);
      for (let o = 0; o < OL; o++) {
        let acc = bias ? (bias[k] as number) : 0;
        for (let c = 0; c < Cg; c++) {
          const row = (n * C + g * Cg + c) * PL;
          for (let t = 0; t < KL; t++) {
            // Padded input at o·s + t·d; weight tap t (KL−1−t when flip).
            const wt = flip ? KL - 1 - t : t;
            acc += (padded[row + o * s + t * d] as number) * (w[(k * Cg + c) * KL + wt] as number);
          }
        }
        out[(n * K + k) * OL + o] = acc;
      }
    }
  }
  return result(into, out, [N, K, OL]);
}

// ---------------------------------------------------------------------------------------------
// SciPy convolve2d / correlate2d
// ---------------------------------------------------------------------------------------------

interface Plane {
  data: Float32Array;
  H: number;
  W: number;
}

/**
 * SciPy's 2-D filter of `in1` by `in2` (no swapping here), for one plane:
 *   full convolution  full[i,j]  = Σ_{m,n} x̃(i−m, j−n)·k[m,n]
 *   full correlation  fullc[i,j] = Σ_{m,n} x̃(i+m−(KH−1), j+n−(KW−1))·k[m,n]
 * and the mode crops that full array at an offset (see `cropOffset`).
 */
function filterPlane(
  in1: Plane,
  in2: Plane,
  mode: Mode,
  boundary: Boundary,
  fillValue: number,
  convolve: boolean,
  OH: number,
  OW: number,
): Float32Array {
  const { H, W } = in1;
  const KH = in2.H;
  const KW = in2.W;
  const offY = cropOffset(KH, mode, convolve);
  const offX = cropOffset(KW, mode, convolve);
  const x = in1.data;
  const k = in2.data;
  const out = new Float32Array(OH * OW);
  for (let oy = 0; oy < OH; oy++) {
    for (let ox = 0; ox < OW; ox++) {
      const i = oy + offY;
      const j = ox + offX;
      let acc = 0;
      for (let m = 0; m < KH; m++) {
        for (let n = 0; n < KW; n++) {
          // Image coordinate for tap (m, n) of full[i, j] (convolution) or fullc[i, j] (correlation).
          const yi = convolve ? i - m : i + m - (KH - 1);
          const xj = convolve ? j - n : j + n - (KW - 1);
          const sy = extendIndex(yi, H, boundary);
          const sx = extendIndex(xj, W, boundary);
          const xv = sy < 0 || sx < 0 ? fillValue : (x[sy * W + sx] as number);
          acc += xv * (k[m * KW + n] as number);
        }
      }
      out[oy * OW + ox] = acc;
    }
  }
  return out;
}

/**
 * Where the output starts inside the full array along an axis whose kernel length is `k`:
 * full → 0; same → ⌊(k−1)/2⌋ for convolve2d, ⌊k/2⌋ for correlate2d (SciPy's even-kernel centring);
 * valid → k−1.
 */
function cropOffset(k: number, mode: Mode, convolve: boolean): number {
  if (mode === 'full') return 0;
  if (mode === 'valid') return k - 1;
  return convolve ? Math.floor((k - 1) / 2) : Math.floor(k / 2);
}

/** Reverses a row-major [H, W] plane along both axes (out[::-1, ::-1]), in place. */
function reverse2d(a: Float32Array): Float32Array {
  return a.reverse();
}

function filter2d(image: HostTensor, kernel: HostTensor, options: Filter2dOptions | undefined, convolve: boolean): HostTensor {
  const op = convolve ? 'convolve2d' : 'correlate2d';
  const p = normalizeFilter2d(image, kernel, options, op);
  const into = hostOut(op, p.out);
  const { B, H, W, KH, KW, OH, OW } = p;
  const kplane: Plane = { data: kernel.data, H: KH, W: KW };
  const out = new Float32Array(B * OH * OW);
  for (let b = 0; b < B; b++) {
    const iplane: Plane = { data: image.data.subarray(b * H * W, (b + 1) * H * W), H, W };
    let res: Float32Array;
    if (p.swapped) {
      // SciPy 'valid' with the kernel containing the image: in1 and in2 trade places, and
      // correlate2d reverses the result along both axes.
      res = filterPlane(kplane, iplane, p.mode, p.boundary, p.fillValue, convolve, OH, OW);
      if (!convolve) reverse2d(res);
    } else {
      res = filterPlane(iplane, kplane, p.mode, p.boundary, p.fillValue, convolve, OH, OW);
    }
    out.set(res, b * OH * OW);
  }
  return result(into, out, p.batched ? [B, OH, OW] : [OH, OW]);
}

/** SciPy `scipy.signal.convolve2d`; a leading batch dimension filters each plane independently. */
export function convolve2d(image: HostTensor, kernel: HostTensor, options?: Filter2dOptions): HostTensor {
  return filter2d(image, kernel, options, true);
}

/** SciPy `scipy.signal.correlate2d`; a leading batch dimension filters each plane independently. */
export function correlate2d(image: HostTensor, kernel: HostTensor, options?: Filter2dOptions): HostTensor {
  return filter2d(image, kernel, options, false);
}

// ---------------------------------------------------------------------------------------------
// NumPy convolve / correlate
// ---------------------------------------------------------------------------------------------

/**
 * NumPy's correlation core (multiarray.correlate), for len(a) ≥ len(v) = n:
 *   r[i] = Σ_m a[i − n_left + m]·v[m]  (zero outside a)
 * valid: length len(a)−n+1, n_left = 0; same: length len(a), n_left = ⌊n/2⌋;
 * full: length len(a)+n−1, n_left = n−1.
 */
function numpyCore(a: ArrayLike<number>, v: ArrayLike<number>, mode: Mode): Float32Array {
  const La = a.length;
  const n = v.length;
  const length = mode === 'valid' ? La - n + 1 : mode === 'same' ? La : La + n - 1;
  const nLeft = mode === 'valid' ? 0 : mode === 'same' ? Math.floor(n / 2) : n - 1;
  const r = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    let acc = 0;
    for (let m = 0; m < n; m++) {
      const ai = i - nLeft + m;
      if (ai >= 0 && ai < La) acc += (a[ai] as number) * (v[m] as number);
    }
    r[i] = acc;
  }
  return r;
}

/** numpy.convolve(a, v, mode): swap when v is longer, then correlate with the reversed short one. */
function numpyConvolve(a: Float32Array, v: Float32Array, mode: Mode): Float32Array {
  if (v.length > a.length) [a, v] = [v, a];
  return numpyCore(a, v.slice().reverse(), mode);
}

/** numpy.correlate(a, v, mode): when v is longer, correlate v with a and reverse the result. */
function numpyCorrelate(a: Float32Array, v: Float32Array, mode: Mode): Float32Array {
  if (v.length > a.length) return numpyCore(v, a, mode).reverse();
  return numpyCore(a, v, mode);
}

function filter1d(
  signal: HostTensor,
  kernel: HostTensor,
  options: Filter1dOptions | undefined,
  convolve: boolean,
): HostTensor {
  const op = convolve ? 'convolve1d' : 'correlate1d';
  const p = normalizeFilter1d(signal, kernel, options, op, convolve ? 'full' : 'valid');
  const into = hostOut(op, p.out);
  const { B, L, OL } = p;
  const out = new Float32Array(B * OL);
  for (let b = 0; b < B; b++) {
    const row = signal.data.subarray(b * L, (b + 1) * L);
    const res = convolve ? numpyConvolve(row, kernel.data, p.mode) : numpyCorrelate(row, kernel.data, p.mode);
    out.set(res, b * OL);
  }
  return result(into, out, p.batched ? [B, OL] : [OL]);
}

/** NumPy `numpy.convolve` (default mode 'full'); a leading batch dimension filters each row. */
export function convolve1d(signal: HostTensor, kernel: HostTensor, options?: Filter1dOptions): HostTensor {
  return filter1d(signal, kernel, options, true);
}

/** NumPy `numpy.correlate` (default mode 'valid'); a leading batch dimension filters each row. */
export function correlate1d(signal: HostTensor, kernel: HostTensor, options?: Filter1dOptions): HostTensor {
  return filter1d(signal, kernel, options, false);
}
