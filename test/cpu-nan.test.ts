/**
 * NaN propagation through the CPU reference ops (src/cpu): exactly the outputs whose window covers a
 * NaN input are NaN, in conv2d, convolve2d 'full' and correlate1d 'valid'.
 */
import { describe, expect, it } from 'vitest';
import { conv2d, convolve2d, correlate1d } from '../src/cpu/index.js';
import { K22, T } from './support/cpu.js';

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
