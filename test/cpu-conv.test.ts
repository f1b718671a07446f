/**
 * Unit tests of the PyTorch-style CPU reference ops cpu.conv2d and cpu.conv1d (src/cpu): golden
 * values worked out by hand from the PyTorch definitions (working shown in the comments) for stride,
 * dilation, groups, padding and padding modes, bias and flip, and conv1d against conv2d with H = 1.
 */
import { describe, expect, it } from 'vitest';
import { conv1d, conv2d } from '../src/cpu/index.js';
import { expectClose, expectTensor, F, K22, rng, T, X33 } from './support/cpu.js';

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
