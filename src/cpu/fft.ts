/**
 * CPU reference of the FFT ops, NumPy semantics (`numpy.fft`, norm 'backward'): the same argument
 * checks as the GPU ops (src/ops/fft.ts), float64 arithmetic (src/cpu/fft-core.ts), float32 results.
 * Synchronous; `output`, `out` and `onRun` are validated, `out` is honoured, `onRun` ignored.
 */
import { normalizeFft, type FftSpec } from '../ops/fft.js';
import { hostOut } from '../ops/job.js';
import type { Fft2Options, FftOpName, FftOptions, HostTensor } from '../types.js';
import { fft64 } from './fft-core.js';

/** Complex transforms of length n along every row of a rows×n complex plane (re, im), in place. */
function rows(re: Float64Array, im: Float64Array, nRows: number, n: number, inverse: boolean): void {
  const r = new Float64Array(n), i = new Float64Array(n);
  for (let y = 0; y < nRows; y++) {
    r.set(re.subarray(y * n, (y + 1) * n));
    i.set(im.subarray(y * n, (y + 1) * n));
    fft64(r, i, inverse);
    re.set(r, y * n);
    im.set(i, y * n);
  }
}

/** Complex transforms of length nRows along every column of a nRows×n plane, in place. */
function columns(re: Float64Array, im: Float64Array, nRows: number, n: number, inverse: boolean): void {
  if (nRows === 1) return;
  const r = new Float64Array(nRows), i = new Float64Array(nRows);
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < nRows; y++) {
      r[y] = re[y * n + x] as number;
      i[y] = im[y * n + x] as number;
    }
    fft64(r, i, inverse);
    for (let y = 0; y < nRows; y++) {
      re[y * n + x] = r[y] as number;
      im[y * n + x] = i[y] as number;
    }
  }
}

function run(op: FftOpName, x: HostTensor, options: FftOptions | Fft2Options | undefined): HostTensor {
  const s: FftSpec = normalizeFft(op, x, options);
  const { batch, H, W, inH, inC } = s;
  const cplxIn = op === 'fft' || op === 'ifft' || op === 'irfft' || op === 'irfft2';
  const half = Math.floor(W / 2) + 1;
  const size = s.outShape.reduce((a, b) => a * b, 1);
  const out = hostOut(op, s.out) ?? new Float32Array(size);
  // The plane each transform works on: H rows of C complex values.
  const C = op === 'irfft' || op === 'irfft2' ? half : W;
  const re = new Float64Array(H * C), im = new Float64Array(H * C);
  const planeIn = inH * inC * (cplxIn ? 2 : 1);
  for (let b = 0; b < batch; b++) {
    re.fill(0);
    im.fill(0);
    for (let y = 0; y < Math.min(H, inH); y++) {
      for (let c = 0; c < Math.min(C, inC); c++) {
        const at = b * planeIn + (y * inC + c) * (cplxIn ? 2 : 1);
        re[y * C + c] = x.data[at] as number;
        if (cplxIn) im[y * C + c] = x.data[at + 1] as number;
      }
    }
    if (op === 'fft' || op === 'ifft' || op === 'rfft' || op === 'rfft2') {
      const inverse = op === 'ifft';
      rows(re, im, H, W, inverse);
      columns(re, im, H, W, inverse);
      const keep = op === 'rfft' || op === 'rfft2' ? half : W;
      const scale = inverse ? 1 / W : 1;
      for (let y = 0; y < H; y++) {
        for (let c = 0; c < keep; c++) {
          const at = 2 * ((b * H + y) * keep + c);
          out[at] = (re[y * W + c] as number) * scale;
          out[at + 1] = (im[y * W + c] as number) * scale;
        }
      }
      continue;
    }
    // irfft / irfft2: inverse over the columns, then each row's Hermitian extension (the imaginary
    // parts of X[0] and, for even W, X[W/2] ignored, as NumPy), inverse, real part.
    columns(re, im, H, half, true);
    const fr = new Float64Array(W), fi = new Float64Array(W);
    const scale = 1 / (H * W);
    for (let y = 0; y < H; y++) {
      fr.fill(0);
      fi.fill(0);
      for (let k = 0; k < half && k < W; k++) {
        fr[k] = re[y * half + k] as number;
        fi[k] = k === 0 || 2 * k === W ? 0 : (im[y * half + k] as number);
      }
      for (let k = 1; k < half; k++) {
        if (W - k > k) {
          fr[W - k] = fr[k] as number;
          fi[W - k] = -(fi[k] as number);
        }
      }
      fft64(fr, fi, true);
      for (let j = 0; j < W; j++) out[(b * H + y) * W + j] = (fr[j] as number) * scale;
    }
  }
  return { data: out, shape: s.outShape };
}

/** numpy.fft.fft over the last complex axis: x [..., L, 2] → [..., n, 2]. */
export const fft = (x: HostTensor, options?: FftOptions): HostTensor => run('fft', x, options);
/** numpy.fft.ifft (scaled by 1/n): x [..., L, 2] → [..., n, 2]. */
export const ifft = (x: HostTensor, options?: FftOptions): HostTensor => run('ifft', x, options);
/** numpy.fft.rfft: x [..., L] → [..., ⌊n/2⌋+1, 2]. */
export const rfft = (x: HostTensor, options?: FftOptions): HostTensor => run('rfft', x, options);
/** numpy.fft.irfft: X [..., M, 2] → [..., n] (default n = 2(M − 1)). */
export const irfft = (x: HostTensor, options?: FftOptions): HostTensor => run('irfft', x, options);
/** numpy.fft.rfft2: x [..., H, W] → [..., H, ⌊W/2⌋+1, 2]. */
export const rfft2 = (x: HostTensor, options?: Fft2Options): HostTensor => run('rfft2', x, options);
/** numpy.fft.irfft2: X [..., H, M, 2] → [..., H, W] (default W = 2(M − 1)). */
export const irfft2 = (x: HostTensor, options?: Fft2Options): HostTensor => run('irfft2', x, options);
