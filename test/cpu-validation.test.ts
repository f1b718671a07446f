/**
 * Validation in the CPU reference ops (src/cpu): the same typed errors (ShapeError, OptionError) as
 * the GPU ops, via plan.ts's normalize*.
 */
import { describe, expect, it } from 'vitest';
import { conv1d, conv2d, convolve1d, convolve2d, correlate1d, correlate2d } from '../src/cpu/index.js';
import { OptionError, ShapeError } from '../src/errors.js';
import type { Mode } from '../src/types.js';
import { F, K22, T, X33 } from './support/cpu.js';

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
