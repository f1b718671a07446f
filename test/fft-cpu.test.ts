/**
 * The float64 CPU FFT reference (cpu.fft …) against a naive O(n²) DFT computed here in float64,
 * and its argument checks. The reference's outputs are float32, so they agree with the naive DFT
 * to the float32 rounding of each value plus float64 noise: |got − exact| ≤ u·|exact| + 1e-9·‖x‖₁.
 */
import { describe, expect, it } from 'vitest';
import { cpu, OptionError, ShapeError, type HostTensor } from '../src/index.js';
import { isFastLength, nextFastLength } from '../src/cpu/fft-core.js';
import { randomTensor } from '../src/testing.js';

const U = 2 ** -24;

/** Naive DFT along the last axis of `batch` complex rows (re, im interleaved): X[k] = Σ x[j]·e^{∓2πijk/n}. */
function naive(x: Float64Array, batch: number, n: number, inverse: boolean): Float64Array {
  const y = new Float64Array(batch * n * 2);
  const sign = inverse ? 1 : -1;
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < n; k++) {
      let sr = 0, si = 0;
      for (let j = 0; j < n; j++) {
        const a = (2 * Math.PI * ((j * k) % n)) / n;
        const c = Math.cos(a), s = sign * Math.sin(a);
        const xr = x[2 * (b * n + j)] as number, xi = x[2 * (b * n + j) + 1] as number;
        sr += xr * c - xi * s;
        si += xr * s + xi * c;
      }
      y[2 * (b * n + k)] = sr;
      y[2 * (b * n + k) + 1] = si;
    }
  }
  return y;
}

/** Elementwise check; `abs` is the absolute part of the tolerance (default 1e-9·‖x‖₁: float64 noise). */
function expectNear(got: Float32Array, exact: ArrayLike<number>, l1: number, label: string, abs = 1e-9 * l1): void {
  expect(got.length, label).toBe(exact.length);
  for (let i = 0; i < got.length; i++) {
    const e = exact[i] as number;
    const tol = U * Math.abs(e) + abs;
    if (!(Math.abs((got[i] as number) - e) <= tol)) expect.fail(`${label}[${i}]: got ${got[i]}, expected ${e} (tol ${tol})`);
  }
}

const l1 = (d: ArrayLike<number>): number => Array.from(d).reduce((s, v) => s + Math.abs(v), 1);
const SIZES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 16, 17, 30, 37, 60, 64, 97, 100, 127, 210];

describe('cpu FFT reference', () => {
  it.each(SIZES)('fft / ifft of length %i match the naive DFT', (n) => {
    const x = randomTensor([3, n, 2], n);
    const ref = naive(Float64Array.from(x.data), 3, n, false);
    expectNear(cpu.fft(x).data, ref, l1(x.data), `fft ${n}`);
    const inv = naive(Float64Array.from(x.data), 3, n, true).map((v) => v / n);
    expectNear(cpu.ifft(x).data, inv, l1(x.data) / n, `ifft ${n}`);
  });

  it.each(SIZES)('rfft / irfft of length %i', (n) => {
    const x = randomTensor([2, n], 100 + n);
    const cx = new Float64Array(2 * n * 2);
    x.data.forEach((v, i) => (cx[2 * i] = v));
    const full = naive(cx, 2, n, false);
    const half = Math.floor(n / 2) + 1;
    const want: number[] = [];
    for (let b = 0; b < 2; b++) for (let k = 0; k < half; k++) want.push(full[2 * (b * n + k)] as number, full[2 * (b * n + k) + 1] as number);
    const X = cpu.rfft(x);
    expect(X.shape).toEqual([2, half, 2]);
    expectNear(X.data, want, l1(x.data), `rfft ${n}`);
    // irfft(rfft(x), n) = x (odd n included: n must be given). X was rounded to float32
    // (|ΔX_k| ≤ u·|X_k| ≤ u·‖x‖₁), which moves each x_j by at most 2u·‖x‖₁.
    const back = cpu.irfft(X, { n });
    expect(back.shape).toEqual([2, n]);
    expectNear(back.data, x.data, l1(x.data), `irfft ${n}`, 2 * U * l1(x.data));
  });

  it('irfft ignores the imaginary parts of X[0] and X[n/2] and crops / pads like NumPy', () => {
    const X: HostTensor = { data: Float32Array.from([1, 5, 2, 3, 4, 7]), shape: [3, 2] };
    // n = 4: Hermitian extension [1, 2+3i, 4, 2−3i] → x[j] = (1 + 2·Re((2+3i)·i^j) + 4·(−1)^j) / 4.
    const x = cpu.irfft(X).data;
    expect(Array.from(x)).toEqual([(1 + 4 + 4) / 4, (1 - 6 - 4) / 4, (1 - 4 + 4) / 4, (1 + 6 - 4) / 4]);
    // n = 3 uses X[0], X[1]; n = 6 pads with X[3] = 0.
    expect(cpu.irfft(X, { n: 3 }).shape).toEqual([3]);
    expect(cpu.irfft(X, { n: 6 }).shape).toEqual([6]);
    expect(cpu.rfft({ data: Float32Array.from([1, 2, 3]), shape: [3] }, { n: 5 }).data.slice(0, 2)).toEqual(Float32Array.from([6, 0]));
  });

  it.each([[1, 1], [3, 5], [4, 6], [7, 9], [16, 12]])('rfft2 / irfft2 of %i×%i', (H, W) => {
    const x = randomTensor([2, H, W], H * 31 + W);
    const X = cpu.rfft2(x);
    const half = Math.floor(W / 2) + 1;
    expect(X.shape).toEqual([2, H, half, 2]);
    // Naive 2-D DFT of each plane.
    for (let b = 0; b < 2; b++) {
      for (let ky = 0; ky < H; ky++) {
        for (let kx = 0; kx < half; kx++) {
          let sr = 0, si = 0;
          for (let y = 0; y < H; y++) {
            for (let xx = 0; xx < W; xx++) {
              const a = -2 * Math.PI * (((ky * y) % H) / H + ((kx * xx) % W) / W);
              const v = x.data[(b * H + y) * W + xx] as number;
              sr += v * Math.cos(a);
              si += v * Math.sin(a);
            }
          }
          const at = 2 * ((b * H + ky) * half + kx);
          expectNear(X.data.subarray(at, at + 2), [sr, si], l1(x.data), `rfft2 ${H}×${W} (${ky}, ${kx})`);
        }
      }
    }
    expectNear(cpu.irfft2(X, { s: [H, W] }).data, x.data, l1(x.data), `irfft2 ${H}×${W}`, 2 * U * l1(x.data));
  });

  it('fast lengths', () => {
    expect([1, 2, 7, 8, 9, 10, 49, 576, 1000, 4096].every(isFastLength)).toBe(true);
    expect([11, 13, 97, 4099, 0, -4, 2.5].some(isFastLength)).toBe(false);
    expect([1, 11, 13, 97, 574, 4097].map(nextFastLength)).toEqual([1, 12, 14, 98, 576, 4116]);
  });

  it('rejects bad arguments with typed errors', () => {
    const x = randomTensor([4, 2], 1);
    expect(() => cpu.fft({ data: new Float32Array(12), shape: [4, 3] })).toThrow(ShapeError);
    expect(() => cpu.fft(x, { n: 0 })).toThrow(OptionError);
    expect(() => cpu.fft(x, { n: 2.5 })).toThrow(OptionError);
    expect(() => cpu.rfft(x, { s: [2, 2] } as never)).toThrow(/unknown option 's'/);
    expect(() => cpu.rfft2(x, { s: [0, 2] })).toThrow(OptionError);
    expect(() => cpu.rfft2(x, { s: [2] as never })).toThrow(OptionError);
    expect(() => cpu.irfft({ data: new Float32Array(2), shape: [1, 2] })).toThrow(/pass n/);
    expect(() => cpu.irfft2(x)).toThrow(ShapeError);
    expect(() => cpu.rfft2({ data: new Float32Array(4), shape: [4] })).toThrow(ShapeError);
    expect(() => cpu.fft(x, { out: new Float32Array(3) })).toThrow(ShapeError);
  });
});
