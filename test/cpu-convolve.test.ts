/**
 * Unit tests of the SciPy / NumPy-style CPU reference ops cpu.convolve2d / cpu.correlate2d and
 * cpu.convolve1d / cpu.correlate1d (src/cpu): golden values worked out by hand from the SciPy and
 * NumPy definitions (working shown in the comments) for every mode and boundary, the swapped
 * 'valid' case, impulses, commutativity and batching.
 */
import { describe, expect, it } from 'vitest';
import { convolve1d, convolve2d, correlate1d, correlate2d } from '../src/cpu/index.js';
import { ShapeError } from '../src/errors.js';
import type { HostTensor } from '../src/types.js';
import { expectClose, expectTensor, K22, MODES, placed, rng, rot180, T, X33 } from './support/cpu.js';

// ---------------------------------------------------------------------------------------------
// convolve2d / correlate2d (SciPy)
// ---------------------------------------------------------------------------------------------

describe('cpu.convolve2d / cpu.correlate2d', () => {
  // Full convolution of X33 with K22: full[i,j] = x[i,j] + 2x[i,j−1] + 3x[i−1,j] + 4x[i−1,j−1]
  //   row 0: [1, 2+2, 3+4, 6]                 = [1, 4, 7, 6]
  //   row 1: [4+3, 5+8+6+4, 6+10+9+8, 12+12]  = [7, 23, 33, 24]
  //   row 2: [7+12, 8+14+15+16, 9+16+18+20, 18+24] = [19, 53, 63, 42]
  //   row 3: [21, 24+28, 27+32, 36]           = [21, 52, 59, 36]
  const FULL_CONV = [1, 4, 7, 6, 7, 23, 33, 24, 19, 53, 63, 42, 21, 52, 59, 36];
  // Full correlation: fullc[i,j] = x[i−1,j−1] + 2x[i−1,j] + 3x[i,j−1] + 4x[i,j]
  //   row 0: [4, 3+8, 6+12, 9]                = [4, 11, 18, 9]
  //   row 1: [2+16, 1+4+12+20, 2+6+15+24, 3+18] = [18, 37, 47, 21]
  //   row 2: [8+28, 4+10+21+32, 5+12+24+36, 6+27] = [36, 67, 77, 33]
  //   row 3: [14, 7+16, 8+18, 9]              = [14, 23, 26, 9]
  const FULL_CORR = [4, 11, 18, 9, 18, 37, 47, 21, 36, 67, 77, 33, 14, 23, 26, 9];

  it("'full' mode", () => {
    expectTensor(convolve2d(T(X33, [3, 3]), T(K22, [2, 2])), [4, 4], FULL_CONV, 4);
    expectTensor(correlate2d(T(X33, [3, 3]), T(K22, [2, 2])), [4, 4], FULL_CORR, 4);
  });

  it("'same' with an even kernel: convolve2d crops at ⌊(k−1)/2⌋ = 0, correlate2d at ⌊k/2⌋ = 1", () => {
    // convolve2d: full[0:3, 0:3]
    expectTensor(convolve2d(T(X33, [3, 3]), T(K22, [2, 2]), { mode: 'same' }), [3, 3], [1, 4, 7, 7, 23, 33, 19, 53, 63], 4);
    // correlate2d: fullc[1:4, 1:4] (= PyTorch padding='same' above)
    expectTensor(correlate2d(T(X33, [3, 3]), T(K22, [2, 2]), { mode: 'same' }), [3, 3], [37, 47, 21, 67, 77, 33, 23, 26, 9], 4);
    // correlating with the rotated kernel gives the full *convolution* cropped at 1, i.e. full[1:4, 1:4],
    // which is NOT convolve2d's 'same' output: the two ops centre even kernels differently.
    const viaCorr = correlate2d(T(X33, [3, 3]), T(rot180(K22), [2, 2]), { mode: 'same' });
    expectTensor(viaCorr, [3, 3], [23, 33, 24, 53, 63, 42, 52, 59, 36], 4);
  });

  it("'valid' keeps full[k−1 …] and ignores the boundary", () => {
    for (const boundary of ['fill', 'wrap', 'symm'] as const) {
      expectTensor(convolve2d(T(X33, [3, 3]), T(K22, [2, 2]), { mode: 'valid', boundary, fillValue: 5 }), [2, 2], [23, 33, 53, 63], 4);
      expectTensor(correlate2d(T(X33, [3, 3]), T(K22, [2, 2]), { mode: 'valid', boundary, fillValue: 5 }), [2, 2], [37, 47, 67, 77], 4);
    }
  });

  it("fillValue fills the 'full' border", () => {
    // x = [[1,2],[3,4]], k = ones(2×2), fill 10: full[i,j] = Σ x̃ over rows i−1..i, cols j−1..j
    // [0,0] = 10+10+10+1 = 31, [0,1] = 10+10+1+2 = 23, [0,2] = 10+10+2+10 = 32,
    // [1,0] = 10+1+10+3 = 24,  [1,1] = 10,            [1,2] = 2+10+4+10 = 26,
    // [2,0] = 10+3+10+10 = 33, [2,1] = 3+4+10+10 = 27, [2,2] = 4+10+10+10 = 34
    const out = convolve2d(T([1, 2, 3, 4], [2, 2]), T([1, 1, 1, 1], [2, 2]), { fillValue: 10 });
    expectTensor(out, [3, 3], [31, 23, 32, 24, 10, 26, 33, 27, 34], 4);
  });

  describe('boundaries with a kernel longer than the image (extension beyond one period)', () => {
    // x = [1,2,3], kernel = 9-tap delta at index 8: full[j] = x̃(j − 8) for j = 0 … 10
    const cases: Array<[string, number[]]> = [
      // period 3: x̃(−8) = x[1], x̃(−7) = x[2], x̃(−6) = x[0], …
      ['wrap', [2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]],
      // period 6 mirror with edge: …, x̃(−3..−1) = 3,2,1 ; x̃(−6..−4) = 1,2,3 ; x̃(−8..−7) = 2,1
      ['symm', [2, 1, 1, 2, 3, 3, 2, 1, 1, 2, 3]],
      // period 4 mirror without edge: x̃(−1) = 2, x̃(−2) = 3, x̃(−3) = 2, x̃(−4) = 1, …
      ['reflect', [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3]],
      ['replicate', [1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3]],
    ];
    const delta = [0, 0, 0, 0, 0, 0, 0, 0, 1];
    for (const [boundary, expected] of cases) {
      it(boundary, () => {
        const b = boundary as 'wrap';
        expectTensor(convolve2d(T([1, 2, 3], [1, 3]), T(delta, [1, 9]), { boundary: b }), [1, 11], expected, 9);
        // the same along the row axis (column image, column kernel)
        expectTensor(convolve2d(T([1, 2, 3], [3, 1]), T(delta, [9, 1]), { boundary: b }), [11, 1], expected, 9);
      });
    }
  });

  it("'same' with 'symm' vs 'reflect' (x[−1] = x[0] vs x[−1] = x[1])", () => {
    // correlate2d same, k = [1,10,100]: out[j] = x̃(j−1) + 10x̃(j) + 100x̃(j+1) on x = [1,2,3,4]
    // symm: x̃(−1) = 1, x̃(4) = 4 → [1+10+200, 321, 432, 3+40+400]
    expectTensor(correlate2d(T([1, 2, 3, 4], [1, 4]), T([1, 10, 100], [1, 3]), { mode: 'same', boundary: 'symm' }), [1, 4], [211, 321, 432, 443], 3);
    // reflect: x̃(−1) = 2, x̃(4) = 3 → [2+10+200, 321, 432, 3+40+300] (= conv1d reflect padding 1)
    expectTensor(correlate2d(T([1, 2, 3, 4], [1, 4]), T([1, 10, 100], [1, 3]), { mode: 'same', boundary: 'reflect' }), [1, 4], [212, 321, 432, 343], 3);
  });

  it("'valid' with the kernel containing the image swaps operands (correlate2d also reverses)", () => {
    const x = [1, 2, 3, 4]; // [[1,2],[3,4]]
    // convolve2d: convolve(k, x, 'valid')[i,j] = Σ_{m,n} k[i+1−m, j+1−n]·x[m,n]
    //   [0,0] = 5·1+4·2+2·3+1·4 = 23, [0,1] = 6+10+9+8 = 33, [1,0] = 8+14+15+16 = 53, [1,1] = 9+16+18+20 = 63
    expectTensor(convolve2d(T(x, [2, 2]), T(X33, [3, 3]), { mode: 'valid' }), [2, 2], [23, 33, 53, 63], 4);
    // correlate2d: c[i,j] = Σ k[i+m, j+n]·x[m,n] = [[37,47],[67,77]], then out = c[::-1, ::-1]
    expectTensor(correlate2d(T(x, [2, 2]), T(X33, [3, 3]), { mode: 'valid' }), [2, 2], [77, 67, 47, 37], 4);
    // batched: per plane (second plane is −x)
    const batched = correlate2d(T([...x, ...x.map((v) => -v)], [2, 2, 2]), T(X33, [3, 3]), { mode: 'valid' });
    expectTensor(batched, [2, 2, 2], [77, 67, 47, 37, -77, -67, -47, -37], 4);
  });

  it("'valid' with equal shapes does not swap", () => {
    // correlate: Σ x·k = 1·1+2·2+3·3+4·4 = 30 ; convolve: Σ x·rot180(k) = 1·4+2·3+3·2+4·1 = 20
    expectTensor(correlate2d(T(K22, [2, 2]), T(K22, [2, 2]), { mode: 'valid' }), [1, 1], [30], 4);
    expectTensor(convolve2d(T(K22, [2, 2]), T(K22, [2, 2]), { mode: 'valid' }), [1, 1], [20], 4);
  });

  it("'valid' where neither operand contains the other is a ShapeError", () => {
    expect(() => convolve2d(T([1, 2, 3, 4, 5, 6], [2, 3]), T([1, 2, 3, 4, 5, 6], [3, 2]), { mode: 'valid' })).toThrow(ShapeError);
    expect(() => correlate2d(T([1, 2, 3, 4, 5, 6], [2, 3]), T([1, 2, 3, 4, 5, 6], [3, 2]), { mode: 'valid' })).toThrow(ShapeError);
  });

  it('impulse: convolution reproduces the kernel, correlation its 180° rotation', () => {
    const img = new Array<number>(25).fill(0);
    img[2 * 5 + 2] = 1; // centre of a 5×5 image
    const k = [1, 2, 3, 4, 5, 6]; // 3×2
    // full conv: full[i,j] = k[i−2, j−2] → kernel at (2,2) of 7×6
    expectTensor(convolve2d(T(img, [5, 5]), T(k, [3, 2])), [7, 6], placed(7, 6, k, 3, 2, 2, 2), 6);
    // same conv: offset (⌊2/2⌋, ⌊1/2⌋) = (1, 0) → kernel at (1,2)
    expectTensor(convolve2d(T(img, [5, 5]), T(k, [3, 2]), { mode: 'same' }), [5, 5], placed(5, 5, k, 3, 2, 1, 2), 6);
    // full corr: fullc[i,j] = k[4−i, 3−j] → rotated kernel at (2,2)
    expectTensor(correlate2d(T(img, [5, 5]), T(k, [3, 2])), [7, 6], placed(7, 6, rot180(k), 3, 2, 2, 2), 6);
    // same corr: offset (⌊3/2⌋, ⌊2/2⌋) = (1, 1) → rotated kernel at (1,1)
    expectTensor(correlate2d(T(img, [5, 5]), T(k, [3, 2]), { mode: 'same' }), [5, 5], placed(5, 5, rot180(k), 3, 2, 1, 1), 6);
  });

  it("full convolution is commutative ('fill', 0)", () => {
    const r = rng(3);
    const a: HostTensor = { data: r(12), shape: [3, 4] };
    const b: HostTensor = { data: r(10), shape: [2, 5] };
    const ab = convolve2d(a, b);
    const ba = convolve2d(b, a);
    expect(ab.shape).toEqual([4, 8]);
    expect(ba.shape).toEqual([4, 8]);
    expectClose(ab.data, ba.data, 10);
  });

  it('a batched image is filtered plane by plane', () => {
    const r = rng(5);
    const x = r(3 * 4 * 5);
    const k: HostTensor = { data: r(6), shape: [2, 3] };
    for (const mode of MODES) {
      for (const f of [convolve2d, correlate2d]) {
        const all = f({ data: x, shape: [3, 4, 5] }, k, { mode, boundary: 'wrap' });
        const planes = [0, 1, 2].map((b) => f({ data: x.slice(b * 20, (b + 1) * 20), shape: [4, 5] }, k, { mode, boundary: 'wrap' }));
        expect(all.shape).toEqual([3, ...(planes[0] as HostTensor).shape]);
        expectClose(all.data, planes.flatMap((p) => [...p.data]), 6);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------
// convolve1d / correlate1d (NumPy)
// ---------------------------------------------------------------------------------------------

describe('cpu.convolve1d / cpu.correlate1d', () => {
  const a = T([1, 2, 3], [3]);
  const v = T([0, 1, 0.5], [3]);

  it('np.convolve([1,2,3], [0,1,0.5]) in each mode (default full)', () => {
    expectTensor(convolve1d(a, v), [5], [0, 1, 2.5, 4, 1.5], 3);
    expectTensor(convolve1d(a, v, { mode: 'same' }), [3], [1, 2.5, 4], 3);
    expectTensor(convolve1d(a, v, { mode: 'valid' }), [1], [2.5], 3);
  });

  it("np.correlate([1,2,3], [0,1,0.5]) defaults to 'valid'", () => {
    expectTensor(correlate1d(a, v), [1], [3.5], 3);
    expectTensor(correlate1d(a, v, { mode: 'full' }), [5], [0.5, 2, 3.5, 3, 0], 3);
  });

  it('np.correlate with a longer kernel reverses core(kernel, signal)', () => {
    // core([1,2,3], [1,2], full): n_left = 1, r[i] = a[i−1]·1 + a[i]·2 = [2, 5, 8, 3] → reversed
    expectTensor(correlate1d(T([1, 2], [2]), T([1, 2, 3], [3]), { mode: 'full' }), [4], [3, 8, 5, 2], 2);
    // same: n_left = 1, length 3 → [2, 5, 8] reversed
    expectTensor(correlate1d(T([1, 2], [2]), T([1, 2, 3], [3]), { mode: 'same' }), [3], [8, 5, 2], 2);
    // valid: core([1,2,3],[1,2]) valid = [1+4, 2+6] = [5, 8] → reversed
    expectTensor(correlate1d(T([1, 2], [2]), T([1, 2, 3], [3])), [2], [8, 5], 2);
  });

  it("np.convolve 'same' has length max(M, N)", () => {
    // swap: a = [1,2,3,4], v[::-1] = [2,1], n_left = 1: r[i] = 2a[i−1] + a[i] = [1, 4, 7, 10]
    expectTensor(convolve1d(T([1, 2], [2]), T([1, 2, 3, 4], [4]), { mode: 'same' }), [4], [1, 4, 7, 10], 2);
  });

  it('impulse: convolution reproduces the kernel, correlation reverses it', () => {
    const imp = T([0, 0, 1, 0, 0], [5]);
    const k = T([1, 2, 3], [3]);
    expectTensor(convolve1d(imp, k), [7], [0, 0, 1, 2, 3, 0, 0], 3);
    expectTensor(correlate1d(imp, k, { mode: 'full' }), [7], [0, 0, 3, 2, 1, 0, 0], 3);
    expectTensor(convolve1d(imp, k, { mode: 'same' }), [5], [0, 1, 2, 3, 0], 3);
    expectTensor(correlate1d(imp, k, { mode: 'same' }), [5], [0, 3, 2, 1, 0], 3);
  });

  it('full convolution is commutative', () => {
    const r = rng(9);
    const x: HostTensor = { data: r(7), shape: [7] };
    const y: HostTensor = { data: r(4), shape: [4] };
    expectClose(convolve1d(x, y).data, convolve1d(y, x).data, 4);
  });

  it('a batched signal is filtered row by row (also with a kernel longer than the rows)', () => {
    const r = rng(13);
    const s = r(3 * 4);
    for (const M of [3, 6]) {
      const k: HostTensor = { data: r(M), shape: [M] };
      for (const mode of MODES) {
        for (const f of [convolve1d, correlate1d]) {
          const all = f({ data: s, shape: [3, 4] }, k, { mode });
          const rows = [0, 1, 2].map((b) => f({ data: s.slice(b * 4, (b + 1) * 4), shape: [4] }, k, { mode }));
          expect(all.shape).toEqual([3, ...(rows[0] as HostTensor).shape]);
          expectClose(all.data, rows.flatMap((p) => [...p.data]), M);
        }
      }
    }
  });
});
