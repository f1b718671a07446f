/**
 * The public FFT ops on a device (`engine.fft` …): crop / zero-pad the input on the GPU when `n` /
 * `s` ask for it, record the transform, submit and read back (or keep a GpuTensor), report
 * `FftRunInfo`. One command buffer per call, through execute.ts's `submitRecorded`.
 */
import { compileKernels, operandBinding, submitRecorded, type DeviceState, type Destination, type ExecutionHost } from '../execute.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import type { Binding, PlanLimits, Recorder } from '../gpu/recorder.js';
import { GpuTensor } from '../gpu/tensor.js';
import type { Operand } from '../ops/job.js';
import type { FftSpec } from '../ops/fft.js';
import type { FftRunInfo, HostTensor } from '../types.js';
import { checkBinding, complexKernels, contiguousBatch, encodeComplex, fftSpec, planFor } from './complex.js';
import { FFT_CONSTS, variantOf } from './plan.js';
import { encodePad, realKernels, recordIrfft2, recordRfft2 } from './real.js';
import { fftStateFor } from './state.js';

/**
 * How `spec` reads `x`: the columns of complex values the transform reads per row, the f32 per
 * value, and whether the input is first cropped / padded into scratch (also when an inverse real
 * transform, which clobbers its source, would read a GpuTensor: host data was uploaded to a pooled
 * buffer of this call and may be clobbered).
 */
function inputLayout(spec: FftSpec, x: Operand): { cols: number; per: number; pad: boolean } {
  const { op, H, W, inH, inC } = spec;
  const inverseReal = op === 'irfft' || op === 'irfft2';
  const cols = inverseReal ? Math.floor(W / 2) + 1 : W;
  const per = op !== 'rfft' && op !== 'rfft2' ? 2 : 1;
  return { cols, per, pad: inH !== H || inC !== cols || (inverseReal && !(x instanceof Float32Array)) };
}

/** Every kernel `record` dispatches for `spec` and `x`. */
export function fftOpKernels(limits: PlanLimits, spec: FftSpec, x: Operand): KernelSpec[] {
  const { op, batch, H, W } = spec;
  const pad = inputLayout(spec, x).pad ? [fftSpec('pad')] : [];
  switch (op) {
    case 'rfft':
    case 'rfft2':
    case 'irfft':
    case 'irfft2':
      return [...pad, ...realKernels(limits, { batch, H, W }, op === 'irfft' || op === 'irfft2')];
    default:
      return [...pad, ...complexKernels(planFor({ limits }, W), false, op === 'ifft', false)];
  }
}

/** Records `spec` reading `x` into `output`; returns the variant. */
function record(rec: Recorder, state: DeviceState, spec: FftSpec, x: Operand, output: Binding, held: GPUBuffer[]): string {
  const st = fftStateFor(state.device);
  const { op, batch, H, W, inH, inC } = spec;
  const xb = operandBinding(state, x, `${op}.input`, held);
  const { cols, per, pad } = inputLayout(spec, x);
  let src = xb;
  if (pad) {
    const bytes = batch * H * cols * per * 4;
    checkBinding(rec, bytes, 'the cropped / padded input');
    src = rec.scratch(bytes, 'fft.input');
    encodePad(rec, xb, src, { planes: batch, rows: H, srcRows: inH, srcCols: inC * per, dstCols: cols * per, mode: FFT_CONSTS.PAD_COPY });
  }
  switch (op) {
    case 'rfft':
    case 'rfft2':
      return recordRfft2(rec, st, { batch, H, W }, src, output);
    case 'irfft':
    case 'irfft2':
      return recordIrfft2(rec, st, { batch, H, W }, src, output);
    default: {
      const plan = planFor(rec, W);
      const inverse = op === 'ifft';
      encodeComplex(rec, st, plan, contiguousBatch(batch, W), inverse, inverse ? 1 / W : 1, src, output);
      return variantOf(plan);
    }
  }
}

/** Runs a validated FFT call on `state`'s device. */
export async function runFft(host: ExecutionHost, state: DeviceState, spec: FftSpec, x: Operand): Promise<HostTensor | GpuTensor> {
  const size = spec.outShape.reduce((a, b) => a * b, 1);
  const outBytes = size * 4;
  const shapeIn = x instanceof Float32Array ? `${x.length} values` : `[${x.shape.join(', ')}]`;
  const where = `${spec.op} (${shapeIn} → [${spec.outShape.join(', ')}])`;
  let variant = '';
  const gpuOut = spec.out instanceof GpuTensor ? spec.out : undefined;
  const target = spec.output === 'gpu' ? (gpuOut?.buffer ?? host.newTensorBuffer(state, outBytes)) : undefined;
  const dest: Destination = target ? { target } : { into: spec.out as Float32Array | undefined };
  let done;
  try {
    const { ready } = compileKernels(host, state, where, fftOpKernels(host.planLimits, spec, x));
    if (ready) await ready;
    done = await submitRecorded(host, state, where, `fft.${spec.op}`, outBytes, dest, (rec, output, held) => {
      variant = record(rec, state, spec, x, output, held);
    });
  } catch (e) {
    if (!gpuOut) target?.destroy();
    throw e;
  }
  const info: FftRunInfo = { op: spec.op, variant, pieces: 1, dispatches: done.dispatches };
  if (done.kernelMs !== undefined) info.kernelMs = done.kernelMs;
  const result = gpuOut ?? (target ? host.adoptTensor(state, target, spec.outShape) : { data: done.data, shape: spec.outShape });
  spec.onRun?.(info);
  return result;
}
