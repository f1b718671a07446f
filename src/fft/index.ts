/**
 * The FFT core (shaders/fft.wgsl): planning, per-device tables, recording complex and real
 * transforms into a Recorder, the cost model, and the public ops' runner.
 */
export { createFftState, releaseFftState, fftStateFor, releaseFftStateFor, type FftState } from './state.js';
export { isFastLength, nextFastLength, planComplex, workgroupCapacity, type ComplexPlan } from './plan.js';
export { encodeRfft2, encodeIrfft2, recordRfft2, recordIrfft2, encodePad, realPlans, realVariant, type RealFft2Shape } from './real.js';
export { encodeComplex, planFor, contiguousBatch, columnBatch, checkBinding, type Batch, type Side } from './complex.js';
export { rfft2Cost } from './cost.js';
export { runFft } from './run.js';
