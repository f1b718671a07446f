/** The engine's public option, result and report types (src/engine.ts implements them). */
import type { Candidate } from './algorithms/select.js';
import type { GemmVariant } from './algorithms/im2col.js';
import type { ConcreteAlgorithm } from './algorithms/registry.js';
import type { DeviceOptions } from './gpu/device.js';
import type { PlanLimits } from './gpu/recorder.js';
import type { GpuTensor } from './gpu/tensor.js';
import type { OpName } from './ops/index.js';
import type { TuningEntry, TuningStorage } from './tune.js';
import type { HostTensor } from './types.js';

/** Options of `createEngine`. */
export interface EngineOptions extends DeviceOptions {
  /**
   * Limits for the planners, below the device's own (useful to exercise chunking and grid folding on
   * small tensors, or to keep memory use down). Each defaults to the device's limit.
   */
  limits?: Partial<PlanLimits>;
  /**
   * The GEMM kernel of the im2col algorithm (see `GemmVariant`): `'shared'` (workgroup-memory tiles),
   * `'register'` (register blocks without barriers), `'uniform'` (weights in uniform windows) or
   * `'implicit'` (`'uniform'` reading patches from the input, no patch matrix). Default: `'implicit'`
   * on Mesa's llvmpipe/lavapipe, `'uniform'` on other software adapters (SwiftShader), `'shared'` on
   * GPUs (unmeasured there). `'uniform'` and `'implicit'` need 64 KiB uniform bindings and fall back
   * to `'register'` without them.
   */
  gemm?: GemmVariant;
  /**
   * The tile of the `'winograd'` algorithm: `'F2x2'` (F(2×2,3×3), 4×4 input tiles) or `'F4x4'`
   * (F(4×4,3×3), 6×6 tiles: fewer multiplies, larger error). Default: chosen per layer by cost and
   * by the measured error rule (see the README's Winograd section).
   */
  winograd?: 'F2x2' | 'F4x4';
  /**
   * How the `'separable'` algorithm runs its two 1-D passes: `'direct'` (sliding sums, KH + KW
   * multiply-adds per output) or `'fft'` (each pass an FFT filtering of rows, the columns made rows
   * by transposes; error normwise, like FFT convolution; needs one output channel per group).
   * Default: the cheaper by estimate — on llvmpipe `'fft'` from factors of about 190 taps (Gaussian
   * σ ≈ 24 at truncate 4). Set, it is the only way the algorithm runs: where `'fft'` cannot, an
   * explicit `'separable'` rejects with `OptionError` saying why and `'auto'` runs another algorithm.
   */
  separablePasses?: 'direct' | 'fft';
  /**
   * Let the direct kernel read weights of up to 16 KiB from a uniform-buffer copy instead of the
   * storage buffer, where it does not read packed taps from uniform windows anyway (those serve
   * unit-stride blocks of rows on every adapter). Default: true on Mesa's llvmpipe/lavapipe
   * (measured ~1.1× faster for image filters), false elsewhere (no gain on SwiftShader; GPUs unmeasured).
   */
  uniformWeights?: boolean;
  /**
   * Let the direct kernel read host inputs from an r32float array texture instead of a storage
   * buffer, where it computes blocks of rows with packed taps. Default: false (on Mesa's llvmpipe
   * it measured 0.98–1.84× the storage path's time in 2026-11-28's re-measurement; no gain on
   * SwiftShader).
   * The engine keeps one such texture, the size of the last input, until a call of another size
   * or `destroy()`; it is not counted in `stats().bytesAllocated`.
   */
  textureInput?: boolean;
  /**
   * Cap on the bytes of free buffers kept for reuse; beyond it the least recently used free buffers
   * are destroyed. Default 256 MiB.
   */
  poolCapBytes?: number;
  /**
   * Measure each operation's kernel time with timestamp queries (when the device has the
   * `timestamp-query` feature) and report it in the call's `RunInfo.kernelMs` (`onRun`). Default false.
   */
  profile?: boolean;
  /**
   * Tune on the first `'auto'` call of each new shape key (see `engine.tune`): that call times every
   * applicable algorithm and variant, later calls of the key run the winner. Default false.
   */
  autotune?: boolean;
  /**
   * Where the tuning table persists between sessions (opt-in): a `Storage`-like object, e.g. the
   * browser's `localStorage`. Read when the engine is created (a table of another adapter or library
   * version is ignored), written after every tuning, under the key `'webgpu-conv.tuning'`.
   * Default: none (the table lives as long as the engine; see exportTuning/importTuning).
   */
  tuningStorage?: TuningStorage;
}

/** An op's result type: a GpuTensor when called with `output: 'gpu'`, else a HostTensor. */
export type OpResult<O> = O extends { output: 'gpu' } ? GpuTensor : HostTensor;

/** What `engine.explain()` says about a call: what would run, and every algorithm's verdict. */
export interface Explanation {
  op: OpName;
  algorithm: ConcreteAlgorithm;
  variant: string;
  reason: string;
  /** Every registered algorithm: its variant and cost estimate, or why it cannot run the call. */
  candidates: Candidate[];
  /** The tuned winner of the call's shape key, with its measured time, when it has been tuned. */
  tuned?: TuningEntry;
}

/** Counters of an engine, for monitoring memory and work. */
export interface EngineStats {
  /** Bytes of GPU buffers the engine has allocated and not destroyed (pooled or in use). */
  bytesAllocated: number;
  /** Bytes of free buffers held in the pool for reuse. */
  bytesPooled: number;
  buffersAllocated: number;
  pipelinesCached: number;
  dispatches: number;
  /** How many operations (pieces) ran with each algorithm. */
  algorithms: Record<ConcreteAlgorithm, number>;
  /** How many times the engine replaced a lost device. */
  deviceGeneration: number;
  /** Live GpuTensors of this engine and their bytes (not counted in bytesAllocated). */
  tensors: number;
  tensorBytes: number;
}
