/**
 * The weight spectra of FFT convolution's one-row plans (wgRowFilter: conv1d, the 1-D ops, the
 * separable algorithm's FFT passes) computed on the host, in float64, when the weights are host data
 * and small enough: each of the K rows of KW taps (flipped when the geometry flips, dilated) at the
 * start of FW zeros, transformed (X[j] = Σ x[i]·e^{−2πi·ij/FW}), its half spectrum (FW/2 + 1 bins)
 * rounded to float32 once. What the GPU would compute with a pad pass and a real transform — whose
 * two pipelines a call then does not compile (on llvmpipe 0.5–1.5 s for a first call) — and a
 * little more accurately.
 */
import { fft64 } from '../cpu/fft-core.js';
import type { ConvGeometry } from '../geometry.js';

/**
 * Most points (rows × FW) transformed on the host: at about 140 ns a point (Node 20, this project's
 * 2-core machine), at most ~5 ms, paid on the first two calls with a weight (then its spectra are
 * cached) or on every call with weights that change. Past it (many channels of a depthwise layer)
 * the GPU transforms them.
 */
export const HOST_SPECTRA_MAX_POINTS = 1 << 15;

/** Whether the spectra of K rows of FW points are computed on the host (within HOST_SPECTRA_MAX_POINTS). */
export const hostRowSpectra = (g: ConvGeometry, FW: number): boolean => g.K * FW <= HOST_SPECTRA_MAX_POINTS;

/**
 * Half spectra [K, FW/2 + 1] (interleaved re, im) of the one-row weights `w` [K, 1, 1, KW] of `g`
 * (one input channel per output channel) padded to FW (even) points.
 */
export function rowSpectra(g: ConvGeometry, w: Float32Array, FW: number): Float32Array {
  const bins = FW / 2 + 1;
  const out = new Float32Array(g.K * bins * 2);
  const re = new Float64Array(FW);
  const im = new Float64Array(FW);
  for (let k = 0; k < g.K; k++) {
    re.fill(0);
    im.fill(0);
    for (let kx = 0; kx < g.KW; kx++) re[kx * g.dilationW] = w[k * g.KW + (g.flip ? g.KW - 1 - kx : kx)] as number;
    fft64(re, im, false);
    for (let j = 0; j < bins; j++) {
      out[2 * (k * bins + j)] = re[j] as number;
      out[2 * (k * bins + j) + 1] = im[j] as number;
    }
  }
  return out;
}
