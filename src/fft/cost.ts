/**
 * The cost model of a real 2-D transform, in units of one multiply-add of the direct convolution
 * kernel on the same adapter (what `'auto'` compares algorithms in):
 *
 *   cost = SCALE·(V + ODD·F/16) + DISPATCH·dispatches
 *
 * with V the complex values read and written over every pass through global memory, F the real
 * flops (5·n·log2 n per complex transform of length n; ×ODD when n is not a power of two), and a
 * fixed cost per dispatch. On the CPU adapters the specialised workgroup kernels (shaders/fft.wgsl)
 * are bound by memory traffic, so V weighs about as much as 16 flops.
 *
 * CALIBRATION (2-core x86 machine, 2026-11-28, same run; GpuTensor in, `output: 'gpu'`, median of
 * 5; the mean of one forward and one inverse transform): llvmpipe 4.0–6.2 ns per unit of
 * (V + F/16) over rfft2 of 64²×100, 128²×25, 256²×81, 512², 1024², 2048², 64²×1681 and rfft of
 * 2^20, 4096×293 and 512×2341; 560², 576², 768², 384²×9 fit ODD ≈ 1.3. SwiftShader 74–113 ns
 * (128²×25, 512², 576², 4096×293, 2^18, 64²×100). The direct kernel's unit from correlate2d /
 * conv2d 512² and 2048² ⊛ 15×15…31×31 (packed taps): 0.12–0.15 ns on llvmpipe; 1.8 ns on
 * SwiftShader (256² ⊛ 15×15). Hence SCALE ≈ 37 on llvmpipe; on SwiftShader the units give 55, and
 * FFT convolution against direct's measured times (256² ⊛ 15×15…47×47, 64k-sample conv1d with 65…1,025
 * taps: the model's fft ÷ direct was 0.7–1.7× the measured one, median 1.4) gives 40.
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
  llvmpipe: { scale: 37, odd: 1.3, dispatch: 5e5 },
  // SwiftShader (and, unmeasured, everything else).
  other: { scale: 40, odd: 1.3, dispatch: 1.5e6 },
};

const weightsFor = (adapter: AdapterInfo): Weights => (isMesaSoftware(adapter) ? CALIBRATION.llvmpipe : CALIBRATION.other);

function flops(p: ComplexPlan, odd: number): number {
  if (p.kind === 'bluestein') return 2 * flops(p.sub, odd) + 18 * p.m;
  if (p.n <= 1) return 0;
  return 5 * p.n * Math.log2(p.n) * ((p.n & (p.n - 1)) === 0 ? 1 : odd);
}

/**
 * Estimated time of one encodeRfft2 (or encodeIrfft2) of `shape`, in direct multiply-adds on
 * `adapter` (planned for the largest workgroup capacity, MAX_WG_N); `columns` false: the rows alone.
 */
export function rfft2Cost(shape: RealFft2Shape, adapter: AdapterInfo, columns = true): number {
  const w = weightsFor(adapter);
  const { batch, H, W } = shape;
  const cap = FFT_CONSTS.MAX_WG_N;
  const Wc = Math.floor(W / 2) + 1;
  const even = W % 2 === 0;
  const L = even ? W / 2 : W;
  const rows = planComplex(L, cap);
  // Even rows in workgroup memory untangle (fold) in their own kernel: no separate pass.
  const fused = even && rows.kind === 'workgroup';
  let values = batch * H * L * planTraffic(rows) + (fused ? 0 : batch * H * Wc * (even ? 2 : 4));
  let fl = batch * H * flops(rows, w.odd);
  let dispatches = planDispatches(rows) + (fused ? 0 : 1);
  if (H > 1 && columns) {
    const cols = planComplex(H, cap);
    values += batch * Wc * H * planTraffic(cols);
    fl += batch * Wc * flops(cols, w.odd);
    dispatches += planDispatches(cols);
  }
  return w.scale * (values + fl / 16) + w.dispatch * dispatches;
}

/**
 * Estimated time of one encodeColumnFilter of `shape` (the columns forward, a product with the
 * weight spectra, and back, in one kernel: three values moved per bin), in direct multiply-adds.
 */
export function columnFilterCost(shape: RealFft2Shape, adapter: AdapterInfo): number {
  const w = weightsFor(adapter);
  const { batch, H, W } = shape;
  const bins = batch * H * (Math.floor(W / 2) + 1);
  const cols = planComplex(H, FFT_CONSTS.MAX_WG_N);
  return w.scale * (3 * bins + (2 * (bins / H) * flops(cols, w.odd)) / 16) + w.dispatch;
}
