/**
 * The explicit Toeplitz forms of the CPU reference (src/cpu): their construction, and property tests
 * comparing them with the loop reference (convolve1d / convolve2d), which shares no code with them.
 */
import { describe, expect, it } from 'vitest';
import {
  convolve1d,
  convolve2d,
  doublyBlockToeplitz,
  toeplitz1d,
  toeplitz2d,
  toeplitzMatrix1d,
} from '../src/cpu/index.js';
import { OptionError, ShapeError } from '../src/errors.js';
import type { HostTensor, Mode } from '../src/types.js';
import { expectClose, F, K22, MODES, rng, T, X33 } from './support/cpu.js';

// ---------------------------------------------------------------------------------------------
// Toeplitz forms
// ---------------------------------------------------------------------------------------------

describe('cpu Toeplitz forms', () => {
  it('toeplitzMatrix1d builds T[i,j] = k[i−j]', () => {
    const T1 = toeplitzMatrix1d(3, F([1, 2]), 'full');
    expect([T1.rows, T1.cols]).toEqual([4, 3]);
    expect([...T1.data]).toEqual([1, 0, 0, 2, 1, 0, 0, 2, 1, 0, 0, 2]);
    // 'valid' keeps full rows 1..2
    expect([...toeplitzMatrix1d(3, F([1, 2]), 'valid').data]).toEqual([2, 1, 0, 0, 2, 1]);
  });

  it('doublyBlockToeplitz rows are the flipped kernel placed over the image', () => {
    // 2×2 image, kernel [[1,2],[3,4]], full (3×3 outputs, 9 rows × 4 cols)
    const D = doublyBlockToeplitz(2, 2, T(K22, [2, 2]), 'full');
    expect([D.rows, D.cols, D.OH, D.OW]).toEqual([9, 4, 3, 3]);
    const row = (r: number) => [...D.data.subarray(r * 4, r * 4 + 4)];
    expect(row(0)).toEqual([1, 0, 0, 0]); // full[0,0] = x00·k00
    expect(row(4)).toEqual([4, 3, 2, 1]); // full[1,1] = x00·k11 + x01·k10 + x10·k01 + x11·k00
    expect(row(8)).toEqual([0, 0, 0, 4]); // full[2,2] = x11·k11
  });

  it('toeplitz1d agrees with convolve1d in every mode (odd, even, longer kernels)', () => {
    const r = rng(21);
    for (const [n, m] of [[7, 1], [7, 2], [7, 3], [8, 4], [5, 5], [3, 6], [4, 9]] as const) {
      const s = r(n);
      const k = r(m);
      for (const mode of MODES) {
        const ref = convolve1d({ data: s, shape: [n] }, { data: k, shape: [m] }, { mode });
        expectClose(toeplitz1d(s, k, mode), ref.data, Math.min(n, m));
      }
    }
  });

  it('toeplitz2d agrees with convolve2d in every mode (non-square, even and odd kernels)', () => {
    const r = rng(23);
    const shapes: Array<[number, number, number, number]> = [
      [5, 6, 1, 1], [5, 6, 2, 3], [5, 6, 3, 3], [6, 5, 4, 2], [4, 7, 3, 4], [4, 4, 4, 4],
    ];
    for (const [H, W, KH, KW] of shapes) {
      const img: HostTensor = { data: r(H * W), shape: [H, W] };
      const ker: HostTensor = { data: r(KH * KW), shape: [KH, KW] };
      for (const mode of MODES) {
        const ref = convolve2d(img, ker, { mode });
        const out = toeplitz2d(img, ker, mode);
        expect(out.shape).toEqual(ref.shape);
        expectClose(out.data, ref.data, KH * KW);
      }
    }
    // 'same' with a kernel larger than the image (fill 0) also agrees
    const img: HostTensor = { data: r(6), shape: [2, 3] };
    const big: HostTensor = { data: r(20), shape: [4, 5] };
    expectClose(toeplitz2d(img, big, 'same').data, convolve2d(img, big, { mode: 'same' }).data, 20);
  });

  it('Toeplitz errors: too large, valid with a smaller image, bad mode', () => {
    expect(() => toeplitz1d(new Float32Array(10000), new Float32Array(5000))).toThrow(ShapeError);
    expect(() => toeplitz2d(T(new Array(10000).fill(0), [100, 100]), T(new Array(100).fill(0), [10, 10]))).toThrow(ShapeError);
    expect(() => toeplitz2d(T([1, 2, 3, 4], [2, 2]), T(X33, [3, 3]), 'valid')).toThrow(ShapeError);
    expect(() => toeplitz1d(F([1, 2]), F([1]), 'middle' as Mode)).toThrow(OptionError);
  });
});
