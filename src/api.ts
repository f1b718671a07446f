// The library's public names. src/index.ts re-exports them with the reference to @webgpu/types
// that TypeScript 5 consumers need; TypeScript 7's DOM lib declares the WebGPU types itself (a
// second declaration would clash), so package.json's `types@>=7` condition points at this file's
// declarations instead.

declare global {
  // `GpuTensor` and `ConvEngine` have `[Symbol.dispose]()` (for `using`). Declared here as well, so
  // a consumer whose `lib` lacks esnext.disposable (TypeScript's default for targets below ESNext)
  // still compiles; it merges with the lib's identical declaration when that is present.
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

export { createEngine, ConvEngine } from './engine.js';
export { DEFAULT_POOL_CAP } from './engine-options.js';
export type { TuneCandidate, TuneResult, TuningEntry, TuningExport, TuningStorage } from './tune.js';
export type { EngineOptions, EngineStats, Explanation, OpResult } from './engine-types.js';
export { ALGORITHM_NAMES } from './algorithms/registry.js';
export type { Candidate } from './algorithms/select.js';
export type { GemmVariant } from './algorithms/im2col.js';
export type { OpName, OpOptions } from './ops/index.js';
export { GpuTensor } from './gpu/tensor.js';
export { isFastLength, nextFastLength } from './fft/plan.js';
export type { TensorArg } from './ops/job.js';
export type * from './image/types.js';
export { TEXTURE_SOURCE_FORMATS } from './image/source.js';
export type { AdapterChoice, AdapterInfo, DeviceOptions } from './gpu/device.js';
export type { PlanLimits } from './gpu/recorder.js';
export * from './errors.js';
export type * from './types.js';
export * as cpu from './cpu/index.js';
export type { TensorShapeArg, WarmupArg, WarmupCall, WarmupSummary } from './warmup.js';
export type { ImageShapeArg } from './image/warmup-image.js';
