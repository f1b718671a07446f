/**
 * The one interface every convolution algorithm implements. An algorithm is a module (plus its
 * `.wgsl` family) exporting a `ConvAlgorithm`, listed once in `registry.ts`; the engine, `'auto'`,
 * `stats()`, the CLI, the demo, the bench and the tests all read the registry.
 *
 * The life of one call (src/execute.ts): for each piece of the job, `plan(geometry, context)`
 * decides everything the algorithm needs (tile shapes, GEMM variant, chunks, input path) or says
 * why it cannot run; `'auto'` compares the `cost` of the applicable plans; then `encode` records
 * the plan's dispatches with the per-device `state` (created lazily by `createState`, released by
 * `releaseState` on `destroy()` and on device loss). Before encoding, the executor compiles the
 * pipelines the plan's `kernels` lists with `createComputePipelineAsync` (and `engine.warmup` does
 * just that, without running anything).
 */
import type { ConvGeometry } from '../geometry.js';
import type { AdapterInfo } from '../gpu/device.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import type { Binding, PlanLimits, Recorder } from '../gpu/recorder.js';
import type { ConcreteAlgorithm } from './registry.js';
import type { WeightSource } from './weight-cache.js';

/**
 * Engine-wide preferences an algorithm may consult in its plan (`createEngine` options; undefined:
 * the algorithm's own default for the adapter).
 */
export interface AlgorithmPreferences {
  /** The im2col GEMM kernel (`EngineOptions.gemm`). */
  gemm?: string | undefined;
  /** Direct: read small weights from a uniform copy (`EngineOptions.uniformWeights`). */
  uniformWeights?: boolean | undefined;
  /** Direct: read host inputs from a texture (`EngineOptions.textureInput`). */
  textureInput?: boolean | undefined;
  /** Winograd: the tile variant (`EngineOptions.winograd`). */
  winograd?: 'F2x2' | 'F4x4' | undefined;
  /** Separable: the passes (`EngineOptions.separablePasses`). */
  separablePasses?: 'direct' | 'fft' | undefined;
}

/** What a plan may depend on besides the geometry. */
export interface AlgorithmContext {
  limits: PlanLimits;
  /** The device's own limits (textures and the like, which `PlanLimits` does not lower). */
  deviceLimits: GPUSupportedLimits;
  adapter: AdapterInfo;
  preferences: AlgorithmPreferences;
  /** Whether the input is host data (not a GpuTensor): an algorithm may then upload it its own way. */
  hostInput: boolean;
  /**
   * The weight [K, C/groups, KH, KW] when it is host data (undefined for a GpuTensor), for plans
   * that depend on its values (separable: the rank-1 test). Read only; plans must not keep it.
   */
  weights?: Float32Array | undefined;
  /**
   * The weight as the call gives it (a GpuTensor or host values; undefined when planning from shapes
   * alone, as `engine.warmup` does) and the per-device state of an algorithm by name, when it exists:
   * a cost may depend on what that state caches for the weight (FFT: its spectra). Read only.
   */
  weightSource?: WeightSource | undefined;
  stateOf?: ((name: ConcreteAlgorithm) => unknown) | undefined;
}

/** What every plan says about itself. */
export interface PlanBase {
  /** The variant the plan chose (GEMM kernel, tile shape, …), reported in `RunInfo.variant`. */
  variant: string;
  /**
   * The algorithm uploads the (host) input itself, from `operands.hostInput` (e.g. into a texture):
   * the executor then binds a stand-in to `operands.input` instead of uploading it.
   */
  ownsInputUpload?: boolean;
}

/** A plan, or why the algorithm cannot run the geometry on this device. */
export type PlanOutcome<P extends PlanBase> = { plan: P } | { reason: string };

/** The GPU buffers of one piece: input [N,C,H,W], weight [K,Cg,KH,KW], bias [K], output [N,K,OH,OW]. */
export interface ConvOperands {
  input: Binding;
  weight: Binding;
  bias: Binding;
  output: Binding;
  /** The input's host data, when the plan `ownsInputUpload`. */
  hostInput?: Float32Array | undefined;
  /**
   * The weight as given: its GpuTensor (whose contents never change) or its host values. Algorithms
   * may cache what they derive from it (FFT: the weight spectra; Winograd: the transformed weights)
   * through a WeightCache, which compares host values bit for bit.
   */
  weightSource?: WeightSource | undefined;
}

export interface ConvAlgorithm<P extends PlanBase = PlanBase, S = undefined> {
  /** The registry name (`algorithm` option value). */
  readonly name: string;
  /** One line for `explain()` and documentation. */
  readonly summary: string;
  /** Plans `g` on this device, or says why it cannot. Pure: no GPU work. */
  plan(g: ConvGeometry, ctx: AlgorithmContext): PlanOutcome<P>;
  /**
   * Estimated time of `plan`, in the units of a direct-kernel multiply-add on the adapter; `'auto'`
   * runs the applicable plan of least cost (ties: registry order). Without it the algorithm runs
   * only when asked for by name.
   */
  cost?(g: ConvGeometry, ctx: AlgorithmContext, plan: P): number;
  /** Every plan worth timing for `g` (tile shapes, GEMM kernels): what an autotuner compares. */
  variants?(g: ConvGeometry, ctx: AlgorithmContext): P[];
  /** Per-device state (textures, stand-in buffers), created on first use on a device. */
  createState?(device: GPUDevice): S;
  /** Frees `state` (engine destroyed, or its device lost). */
  releaseState?(state: S): void;
  /**
   * Every kernel `encode` may dispatch for `plan` (duplicates allowed), so that their pipelines are
   * compiled asynchronously before the call and by `engine.warmup`. Pure: no GPU work. Each module
   * builds these specs with the functions its `encode` uses, so the two cannot disagree; a kernel
   * left out is still compiled, synchronously, when it is dispatched.
   */
  kernels?(g: ConvGeometry, ctx: AlgorithmContext, plan: P): KernelSpec[];
  /** Records the plan's dispatches (and copies) for one piece. */
  encode(rec: Recorder, g: ConvGeometry, operands: ConvOperands, plan: P, state: S): void;
}

/** A registry entry of any plan and state type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAlgorithm = ConvAlgorithm<any, any>;

/** `plan` when it applies, else undefined. */
export function planOf<P extends PlanBase>(outcome: PlanOutcome<P>): P | undefined {
  return 'plan' in outcome ? outcome.plan : undefined;
}
