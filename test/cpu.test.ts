/**
 * Unit tests of the CPU reference (src/cpu). Golden values are worked out by hand from the
 * PyTorch / SciPy / NumPy definitions (working shown in the comments); the property tests compare
 * the loop reference with the explicit Toeplitz forms, which share no code with it.
 */
import { describe, expect, it } from 'vitest';
import {
  conv1d,
  conv2d,
  convolve1d,
  convolve2d,
  correlate1d,
  correlate2d,
  doublyBlockToeplitz,
  toeplitz1d,
  toeplitz2d,
  toeplitzMatrix1d,
} from '../src/cpu/index.js';
import { OptionError, ShapeError } from '../src/errors.js';
import { mulberry32 } from '../src/testing.js';
import type { HostTensor, Mode } from '../src/types.js';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const T = (data: readonly number[], shape: number[]): HostTensor => ({ data: Float32Array.from(data), shape });
const F = (data: readonly number[]): Float32Array => Float32Array.from(data);
const MODES: Mode[] = ['full', 'same', 'valid'];

/**
 * Tolerance for an output that sums `reduction` products of O(1) float32 values: the reference
 * accumulates in float64 (error ≈ reduction·2⁻⁵³ relative) and stores float32 (≤ 2⁻²⁴ ≈ 6e-8
 * relative), so 1e-6·(1+|expected|)·reduction is a safe upper bound with > 10× margin, yet far
 * below any indexing mistake (which moves a value by a whole input sample).
 */
function tol(expected: number, reduction: number): number {
  return 1e-6 * (1 + Math.abs(expected)) * reduction;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, reduction: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (Number.isNaN(e)) {
      expect(a, `index ${i}`).toBeNaN();
    } else if (!(Math.abs(a - e) <= tol(e, reduction))) {
      expect.fail(`index ${i}: got ${a}, expected ${e} (tolerance ${tol(e, reduction)})`);
    }
  }
}

function expectTensor(actual: HostTensor, shape: number[], expected: readonly number[], reduction: number): void {
  expect(actual.shape).toEqual(shape);
  expect(actual.data).toBeInstanceOf(Float32Array);
  expectClose(actual.data, expected, reduction);
}

/** Deterministic pseudo-random float32 values (the shared mulberry32 of src/testing.ts). */
function rng(seed: number): (n: number) => Float32Array {
  const next = mulberry32(seed);
  return (n) => Float32Array.from({ length: n }, next);
}

/** Rotates a row-major [H, W] array by 180°. */
const rot180 = (a: readonly number[]): number[] => [...a].reverse();

/** An OH×OW zero array with `block` ([BH, BW] row-major) placed with its top-left at (top, left). */
function placed(OH: number, OW: number, block: readonly number[], BH: number, BW: number, top: number, left: number): number[] {
  const out = new Array<number>(OH * OW).fill(0);
  for (let i = 0; i < BH; i++) for (let j = 0; j < BW; j++) out[(top + i) * OW + left + j] = block[i * BW + j] as number;
  return out;
}

const X33 = [1, 2, 3, 4, 5, 6, 7, 8, 9]; // [[1,2,3],[4,5,6],[7,8,9]]
const K22 = [1, 2, 3, 4]; // [[1,2],[3,4]]

// ---------------------------------------------------------------------------------------------
// conv2d (PyTorch)
// ---------------------------------------------------------------------------------------------

describe('cpu.conv2d', () => {
  it('plain cross-correlation with bias', () => {
    // out[oy,ox] = Σ x[oy+ky, ox+kx]·w[ky,kx] + 10
    // [0,0] = 1·1+2·2+4·3+5·4 = 37, [0,1] = 2+6+15+24 = 47, [1,0] = 4+10+21+32 = 67, [1,1] = 5+12+24+36 = 77
    const out = conv2d(T(X33, [1, 1, 3, 3]), T(K22, [1, 1, 2, 2]), { bias: F([10]) });
    expectTensor(out, [1, 1, 2, 2], [47, 57, 77, 87], 4);
  });

  it('non-square stride', () => {
    // x[r,c] = 4r + c (4×4), w = ones(2×2), stride [1,2] → OH = 3, OW = (4−2)/2+1 = 2
    // out[oy,ox] = Σ x[oy..oy+1, 2ox..2ox+1] = 16·oy + 8·ox + 10
    const x = Array.from({ length: 16 }, (_, i) => i);
    const out = conv2d(T(x, [1, 1, 4, 4]), T([1, 1, 1, 1], [1, 1, 2, 2]), { stride: [1, 2] });
    expectTensor(out, [1, 1, 3, 2], [10, 18, 26, 34, 42, 50], 4);
    // stride 2 in both: rows 0 and 2 of the above
    expectTensor(conv2d(T(x, [1, 1, 4, 4]), T([1, 1, 1, 1], [1, 1, 2, 2]), { stride: 2 }), [1, 1, 2, 2], [10, 18, 42, 50], 4);
  });

  it('dilation', () => {
    // x[r,c] = 4r + c, w = [[1,2],[3,4]], dilation 2: span 3, OH = OW = 2
    // out = 1·x[oy,ox] + 2·x[oy,ox+2] + 3·x[oy+2,ox] + 4·x[oy+2,ox+2] = 10v + 2·2 + 3·8 + 4·10 = 10v + 68, v = 4oy+ox
    const x = Array.from({ length: 16 }, (_, i) => i);
    const out = conv2d(T(x, [1, 1, 4, 4]), T(K22, [1, 1, 2, 2]), { dilation: 2 });
    expectTensor(out, [1, 1, 2, 2], [68, 78, 108, 118], 4);
  });

  it('groups: output channel k reads input channels g·Cg … g·Cg+Cg−1', () => {
    // C = 4, groups = 2, K = 2, Cg = 2: k0 = 1·x0 + 10·x1 = 21; k1 = 100·x2 + 1000·x3 = 4300
    const out = conv2d(T([1, 2, 3, 4], [1, 4, 1, 1]), T([1, 10, 100, 1000], [2, 2, 1, 1]), { groups: 2 });
    expectTensor(out, [1, 2, 1, 1], [21, 4300], 2);
  });

  it('depthwise with channel multiplier (K = 2C)', () => {
    // C = 2, groups = 2, K = 4 → K/groups = 2: k0,k1 read channel 0; k2,k3 read channel 1
    // ch0 = [1,-1], ch1 = [10,20]; weights 1,2,3,4 → [1,-1], [2,-2], [30,60], [40,80]
    const out = conv2d(T([1, -1, 10, 20], [1, 2, 1, 2]), T([1, 2, 3, 4], [4, 1, 1, 1]), { groups: 2 });
    expectTensor(out, [1, 4, 1, 2], [1, -1, 2, -2, 30, 60, 40, 80], 1);
  });

  it("padding 'same' with an even kernel puts the extra row/column after", () => {
    // total padding 1 per axis: 0 before, 1 after (zeros at the bottom/right).
    // [0,2] = 3·1 + 6·3 = 21; [1,2] = 6·1 + 9·3 = 33; [2,0] = 7·1 + 8·2 = 23; [2,1] = 8 + 18 = 26; [2,2] = 9
    const out = conv2d(T(X33, [1, 1, 3, 3]), T(K22, [1, 1, 2, 2]), { padding: 'same' });
    expectTensor(out, [1, 1, 3, 3], [37, 47, 21, 67, 77, 33, 23, 26, 9], 4);
  });

  it('flip rotates the kernel 180°', () => {
    // w' = [[4,3],[2,1]]: [0,0] = 1·4+2·3+4·2+5·1 = 23, [0,1] = 8+9+10+6 = 33, [1,0] = 16+15+14+8 = 53, [1,1] = 20+18+16+9 = 63
    const out = conv2d(T(X33, [1, 1, 3, 3]), T(K22, [1, 1, 2, 2]), { flip: true });
    expectTensor(out, [1, 1, 2, 2], [23, 33, 53, 63], 4);
  });

  describe('paddingMode on x = [1,2,3,4], w = [1,10,100], padding 2 (width only)', () => {
    // out[o] = p[o] + 10·p[o+1] + 100·p[o+2] over the padded row p (length 8, OW = 6)
    const cases: Array<[string, number[], number[]]> = [
      // p = [0,0,1,2,3,4,0,0]
      ['zeros', [0, 0, 1, 2, 3, 4, 0, 0], [100, 210, 321, 432, 43, 4]],
      // edge not repeated: x[-1] = x[1] = 2, x[-2] = x[2] = 3 → p = [3,2,1,2,3,4,3,2]
      ['reflect', [3, 2, 1, 2, 3, 4, 3, 2], [123, 212, 321, 432, 343, 234]],
      // clamp → p = [1,1,1,2,3,4,4,4]
      ['replicate', [1, 1, 1, 2, 3, 4, 4, 4], [111, 211, 321, 432, 443, 444]],
      // wrap: x[-1] = x[3] = 4, x[-2] = 3 → p = [3,4,1,2,3,4,1,2]
      ['circular', [3, 4, 1, 2, 3, 4, 1, 2], [143, 214, 321, 432, 143, 214]],
    ];
    for (const [mode, , expected] of cases) {
      it(mode, () => {
        const out = conv2d(T([1, 2, 3, 4], [1, 1, 1, 4]), T([1, 10, 100], [1, 1, 1, 3]), {
          padding: [[0, 0], [2, 2]],
          paddingMode: mode as 'zeros',
        });
        expectTensor(out, [1, 1, 1, 6], expected, 3);
      });
    }
  });

  it("2-D 'reflect' padding mirrors rows and columns without repeating the edge", () => {
    // x = [[1,2],[3,4]], pad 1 reflect → padded 4×4 rows: [4,3,4,3],[2,1,2,1],[4,3,4,3],[2,1,2,1]
    // w = [[1]] at the centre of a 1×1 kernel reproduces the padded image.
    const out = conv2d(T([1, 2, 3, 4], [1, 1, 2, 2]), T([1], [1, 1, 1, 1]), { padding: 1, paddingMode: 'reflect' });
    expectTensor(out, [1, 1, 4, 4], [4, 3, 4, 3, 2, 1, 2, 1, 4, 3, 4, 3, 2, 1, 2, 1], 1);
  });

  it('batch and channels are independent (N = 2 gives two copies of the single-image result)', () => {
    const r = rng(7);
    const x = r(2 * 3 * 4 * 5);
    const w = r(2 * 3 * 2 * 3);
    const both = conv2d({ data: x, shape: [2, 3, 4, 5] }, { data: w, shape: [2, 3, 2, 3] }, { padding: 1 });
    const first = conv2d({ data: x.slice(0, 60), shape: [1, 3, 4, 5] }, { data: w, shape: [2, 3, 2, 3] }, { padding: 1 });
    const second = conv2d({ data: x.slice(60), shape: [1, 3, 4, 5] }, { data: w, shape: [2, 3, 2, 3] }, { padding: 1 });
    expect(both.shape).toEqual([2, 2, 5, 5]); // OH = 4+2−2+1, OW = 5+2−3+1
    expectClose(both.data, [...first.data, ...second.data], 18);
  });
});

// ---------------------------------------------------------------------------------------------
// conv1d (PyTorch)
// ---------------------------------------------------------------------------------------------

describe('cpu.conv1d', () => {
  it('stride 2 with zero padding 1', () => {
    // p = [0,1,2,3,4,5,0], w = [1,0,-1], OL = (7−3)/2+1 = 3: out[o] = p[2o] − p[2o+2] = [-2, -2, 4]
    expectTensor(conv1d(T([1, 2, 3, 4, 5], [1, 1, 5]), T([1, 0, -1], [1, 1, 3]), { stride: 2, padding: 1 }), [1, 1, 3], [-2, -2, 4], 3);
  });

  it('dilation 2', () => {
    // span 5, OL = 2: out[o] = x[o] + 10·x[o+2] + 100·x[o+4] = [1+30+500, 2+40+600]
    expectTensor(conv1d(T([1, 2, 3, 4, 5, 6], [1, 1, 6]), T([1, 10, 100], [1, 1, 3]), { dilation: 2 }), [1, 1, 2], [531, 642], 3);
  });

  it("padding 'same' with an even kernel pads after", () => {
    // p = [1,2,3,0], w = [1,10] → [1+20, 2+30, 3+0]
    expectTensor(conv1d(T([1, 2, 3], [1, 1, 3]), T([1, 10], [1, 1, 2]), { padding: 'same' }), [1, 1, 3], [21, 32, 3], 2);
  });

  it("'reflect' padding: x[-1] = x[1]", () => {
    // p = [2,1,2,3,2] → [2+10+200, 1+20+300, 2+30+200]
    const out = conv1d(T([1, 2, 3], [1, 1, 3]), T([1, 10, 100], [1, 1, 3]), { padding: 'same', paddingMode: 'reflect' });
    expectTensor(out, [1, 1, 3], [212, 321, 232], 3);
  });

  it('groups, bias and flip together', () => {
    // ch0 = [1,2,3], ch1 = [4,5,6]; flipped weights k0 = [2,1], k1 = [-1,3]; bias [0.5, -0.5]
    // k0: [1·2+2·1, 2·2+3·1] + 0.5 = [4.5, 7.5]; k1: [−4+15, −5+18] − 0.5 = [10.5, 12.5]
    const out = conv1d(T([1, 2, 3, 4, 5, 6], [1, 2, 3]), T([1, 2, 3, -1], [2, 1, 2]), {
      groups: 2,
      bias: F([0.5, -0.5]),
      flip: true,
    });
    expectTensor(out, [1, 2, 2], [4.5, 7.5, 10.5, 12.5], 2);
  });

  it('equals conv2d with H = 1 on random inputs', () => {
    const r = rng(11);
    for (const paddingMode of ['zeros', 'reflect', 'replicate', 'circular'] as const) {
      const x = r(2 * 4 * 9);
      const w = r(6 * 2 * 3);
      const bias = r(6);
      const o1 = conv1d({ data: x, shape: [2, 4, 9] }, { data: w, shape: [6, 2, 3] }, {
        groups: 2, stride: 2, dilation: 2, padding: [2, 1], paddingMode, bias,
      });
      const o2 = conv2d({ data: x, shape: [2, 4, 1, 9] }, { data: w, shape: [6, 2, 1, 3] }, {
        groups: 2, stride: [1, 2], dilation: [1, 2], padding: [[0, 0], [2, 1]], paddingMode, bias,
      });
      expect(o1.shape).toEqual([2, 6, o2.shape[3]]);
      expectClose(o1.data, o2.data, 7);
    }
  });
});

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

// ---------------------------------------------------------------------------------------------
// NaN propagation
// ---------------------------------------------------------------------------------------------

describe('NaN propagation', () => {
  it('conv2d: exactly the outputs whose window covers the NaN are NaN', () => {
    const x = Array.from({ length: 16 }, (_, i) => i + 1);
    x[1 * 4 + 2] = NaN; // (1, 2)
    const out = conv2d(T(x, [1, 1, 4, 4]), T(K22, [1, 1, 2, 2]));
    // window of (oy, ox) is rows oy..oy+1, cols ox..ox+1 → NaN iff oy ∈ {0,1} and ox ∈ {1,2}
    for (let oy = 0; oy < 3; oy++) {
      for (let ox = 0; ox < 3; ox++) {
        expect(Number.isNaN(out.data[oy * 3 + ox]), `(${oy},${ox})`).toBe(oy <= 1 && ox >= 1);
      }
    }
  });

  it("convolve2d 'full': NaN at (0,0) reaches full[0..1, 0..1] only", () => {
    const x = [NaN, 2, 3, 4, 5, 6, 7, 8, 9];
    const out = convolve2d(T(x, [3, 3]), T(K22, [2, 2]));
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) expect(Number.isNaN(out.data[i * 4 + j]), `(${i},${j})`).toBe(i <= 1 && j <= 1);
    }
  });

  it("correlate1d 'valid': NaN at index 2 reaches outputs 0..2 only", () => {
    const out = correlate1d(T([1, 2, NaN, 4, 5, 6], [6]), T([1, 2, 3], [3]));
    expect(out.shape).toEqual([4]);
    expect([...out.data].map(Number.isNaN)).toEqual([true, true, true, false]);
    expect(out.data[3]).toBe(4 + 10 + 18);
  });
});

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

// ---------------------------------------------------------------------------------------------
// Validation (same typed errors as the GPU ops, via plan.ts's normalize*)
// ---------------------------------------------------------------------------------------------

describe('CPU op validation', () => {
  const x4 = T(new Array(16).fill(1), [1, 1, 4, 4]);
  const w3 = T(new Array(9).fill(1), [1, 1, 3, 3]);
  const x1 = T(new Array(8).fill(1), [1, 1, 8]);
  const w1 = T([1, 1, 1], [1, 1, 3]);
  const img = T(X33, [3, 3]);
  const ker = T(K22, [2, 2]);
  const sig = T([1, 2, 3], [3]);
  const k1 = T([1, 2], [2]);

  it('ShapeError: data length does not match shape', () => {
    expect(() => conv2d({ data: new Float32Array(5), shape: [1, 1, 2, 2] }, w3)).toThrow(ShapeError);
    expect(() => conv1d(x1, { data: new Float32Array(2), shape: [1, 1, 3] })).toThrow(ShapeError);
    expect(() => convolve2d({ data: new Float32Array(8), shape: [3, 3] }, ker)).toThrow(ShapeError);
    expect(() => correlate1d(sig, { data: new Float32Array(3), shape: [2] })).toThrow(ShapeError);
  });

  it('ShapeError: wrong rank', () => {
    expect(() => conv2d(T([1, 2, 3, 4], [1, 2, 2]), w3)).toThrow(ShapeError);
    expect(() => conv1d(T([1, 2, 3, 4], [1, 1, 2, 2]), w1)).toThrow(ShapeError);
    expect(() => correlate2d(T([1, 2], [1, 1, 1, 2]), ker)).toThrow(ShapeError);
    expect(() => convolve2d(img, T([1, 2], [2]))).toThrow(ShapeError);
    expect(() => convolve1d(sig, T([1, 2], [1, 2]))).toThrow(ShapeError);
    expect(() => correlate1d(T([1, 2], [1, 1, 2]), k1)).toThrow(ShapeError);
  });

  it('ShapeError: channels vs groups', () => {
    const x = T(new Array(4 * 9).fill(1), [1, 4, 3, 3]);
    // C/groups = 2 but weight has 4 input channels per group
    expect(() => conv2d(x, T(new Array(2 * 4).fill(1), [2, 4, 1, 1]), { groups: 2 })).toThrow(ShapeError);
    // groups 3 does not divide C = 4
    expect(() => conv2d(x, T(new Array(3).fill(1), [3, 1, 1, 1]), { groups: 3 })).toThrow(ShapeError);
    // groups 2 divides C = 4 but not K = 3
    expect(() => conv2d(x, T(new Array(6).fill(1), [3, 2, 1, 1]), { groups: 2 })).toThrow(ShapeError);
    expect(() => conv1d(T(new Array(6).fill(1), [1, 3, 2]), T([1, 1], [2, 1, 1]), { groups: 2 })).toThrow(ShapeError);
  });

  it('OptionError: stride 0, dilation −1, non-integer padding', () => {
    expect(() => conv2d(x4, w3, { stride: 0 })).toThrow(OptionError);
    expect(() => conv2d(x4, w3, { stride: [1, 0] })).toThrow(OptionError);
    expect(() => conv1d(x1, w1, { stride: 0 })).toThrow(OptionError);
    expect(() => conv2d(x4, w3, { dilation: -1 })).toThrow(OptionError);
    expect(() => conv1d(x1, w1, { dilation: -1 })).toThrow(OptionError);
    expect(() => conv2d(x4, w3, { padding: 1.5 })).toThrow(OptionError);
    expect(() => conv1d(x1, w1, { padding: [0, 0.5] })).toThrow(OptionError);
  });

  it('ShapeError: empty output', () => {
    // 2×2 input, 3×3 kernel, no padding; 1-D: length 2, kernel 3 dilated to 5
    expect(() => conv2d(T([1, 2, 3, 4], [1, 1, 2, 2]), w3)).toThrow(ShapeError);
    expect(() => conv1d(T([1, 2, 3, 4], [1, 1, 4]), w1, { dilation: 2 })).toThrow(ShapeError);
  });

  it('bias: wrong length is a ShapeError, wrong type an OptionError', () => {
    expect(() => conv2d(x4, w3, { bias: F([1, 2]) })).toThrow(ShapeError);
    expect(() => conv1d(x1, w1, { bias: [1] as unknown as Float32Array })).toThrow(OptionError);
  });

  it('OptionError: unknown enum values', () => {
    expect(() => conv2d(x4, w3, { paddingMode: 'mirror' as 'zeros' })).toThrow(OptionError);
    expect(() => conv1d(x1, w1, { algorithm: 'no-such-algorithm' as 'auto' })).toThrow(OptionError);
    expect(() => conv2d(x4, w3, { algorithm: 'no-such-algorithm' as 'auto' })).toThrow(OptionError);
    expect(() => convolve2d(img, ker, { mode: 'middle' as Mode })).toThrow(OptionError);
    expect(() => correlate2d(img, ker, { boundary: 'circular' as 'fill' })).toThrow(OptionError);
    expect(() => correlate2d(img, ker, { algorithm: 'no-such-algorithm' as 'auto' })).toThrow(OptionError);
    expect(() => convolve1d(sig, k1, { mode: 'middle' as Mode })).toThrow(OptionError);
    expect(() => correlate1d(sig, k1, { algorithm: 'no-such-algorithm' as 'auto' })).toThrow(OptionError);
  });

  it('OptionError: unknown option keys', () => {
    expect(() => conv2d(x4, w3, { padding_mode: 'reflect' } as never)).toThrow(OptionError);
    expect(() => conv1d(x1, w1, { boundary: 'fill' } as never)).toThrow(OptionError);
    expect(() => convolve2d(img, ker, { fill_value: 1 } as never)).toThrow(OptionError);
    expect(() => convolve1d(sig, k1, { boundary: 'fill' } as never)).toThrow(OptionError);
  });

  it("OptionError: padding 'same' with stride 2", () => {
    expect(() => conv2d(x4, w3, { padding: 'same', stride: 2 })).toThrow(OptionError);
    expect(() => conv2d(x4, w3, { padding: 'same', stride: [1, 2] })).toThrow(OptionError);
    expect(() => conv1d(x1, w1, { padding: 'same', stride: 2 })).toThrow(OptionError);
  });

  it("OptionError: 'reflect' padding not smaller than the input", () => {
    expect(() => conv2d(x4, w3, { padding: 4, paddingMode: 'reflect' })).toThrow(OptionError);
    expect(() => conv1d(T([1, 2, 3], [1, 1, 3]), w1, { padding: 3, paddingMode: 'reflect' })).toThrow(OptionError);
    // padding 3 < 4 is fine
    expect(conv2d(x4, w3, { padding: 3, paddingMode: 'reflect' }).shape).toEqual([1, 1, 8, 8]);
  });
});
