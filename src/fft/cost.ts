/**
 * The cost model of a real 2-D transform, in units of one multiply-add of the direct convolution
 * kernel on the same adapter (what `'auto'` compares algorithms in):
 *
 *   cost = SCALE·(V + F/4) + DISPATCH·dispatches
 *
 * with V the complex values read and written over every pass, F the real flops (5·n·log2 n per
 * complex transform of length n, ×ODD when n is not a power of two: the radix-3/5/7 butterflies
 * run about twice as slow per flop), and the fixed cost per dispatch.
 *
 * CALIBRATION (2-core x86 machine, same run): the direct kernel's time per multiply-add from
 * correlate2d 512² ⊛ 15×15 (mode 'same', GpuTensor in and out) — 0.32 ns on llvmpipe, 2.0 ns on
 * SwiftShader — against the median of 3 rfft2 calls (GpuTensor in, read back) on 512², 576²,
 * 1024², 8×128², 1×2^20 and 8×8: llvmpipe 30–124 ms for the large ones (SCALE ≈ 24–29, 576²
 * 1.8× more per value), SwiftShader 0.49–1.7 s (SCALE ≈ 45–98). The readback is included, so
 * the model slightly overstates a transform whose result stays on the GPU.
 */
import type { AdapterInfo } from '../gpu/device.js';
import { isMesaSoftware } from '../gpu/device.js';
import { FFT_CONSTS, planComplex, planDispatches, planTraffic, type ComplexPlan } from './plan.js';
import type { RealFft2Shape } from './real.js';

interface Weights {
  scale: number;
  odd: number;
  dispatch: number;
}

const CALIBRATION: { llvmpipe: Weights; other: Weights } = {
  llvmpipe: { scale: 26, odd: 2.5, dispatch: 5e5 },
  // SwiftShader (and, unmeasured, everything else).
  other: { scale: 60, odd: 2, dispatch: 1.5e6 },
};

function flops(p: ComplexPlan, odd: number): number {
  if (p.kind === 'bluestein') return 2 * flops(p.sub, odd) + 18 * p.m;
  if (p.n <= 1) return 0;
  return 5 * p.n * Math.log2(p.n) * ((p.n & (p.n - 1)) === 0 ? 1 : odd);
}

/**
 * Estimated time of one encodeRfft2 (or encodeIrfft2) of `shape`, in direct multiply-adds on
 * `adapter` (planned for the largest workgroup capacity, MAX_WG_N).
 */
export function rfft2Cost(shape: RealFft2Shape, adapter: AdapterInfo): number {
  const w = isMesaSoftware(adapter) ? CALIBRATION.llvmpipe : CALIBRATION.other;
  const { batch, H, W } = shape;
  const cap = FFT_CONSTS.MAX_WG_N;
  const Wc = Math.floor(W / 2) + 1;
  const L = W % 2 === 0 ? W / 2 : W;
  const rows = planComplex(L, cap);
  const cols = H > 1 ? planComplex(H, cap) : undefined;
  let values = batch * H * L * planTraffic(rows) + batch * H * Wc * (W % 2 === 0 ? 2 : 4);
  let fl = batch * H * flops(rows, w.odd);
  let dispatches = planDispatches(rows) + 1;
  if (cols) {
    values += batch * Wc * H * planTraffic(cols);
    fl += batch * Wc * flops(cols, w.odd);
    dispatches += planDispatches(cols);
  }
  return w.scale * (values + fl / 4) + w.dispatch * dispatches;
}
