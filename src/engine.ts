/**
 * `ConvEngine`: owns (or borrows) a WebGPU device, pools its buffers, and runs every public op by
 * planning it (src/plan.ts), choosing an algorithm (src/algorithms/select.ts) and recording its
 * dispatches into one command buffer.
 */
import { encodeDirect, planTaps, UNIFORM_WEIGHT_BYTES } from './algorithms/direct.js';
import { encodeIm2col, GEMM_VARIANTS, type GemmVariant } from './algorithms/im2col.js';
import type { ConvOperands } from './algorithms/operands.js';
import { chooseAlgorithm } from './algorithms/select.js';
import { encodeTiled } from './algorithms/tiled.js';
import { ConvError, DeviceLostError, EngineDestroyedError, GPUOperationError, OptionError, ResourceError, ShapeError } from './errors.js';
import { GpuTensor, type GpuTensorOwner } from './gpu/tensor.js';
import { checkTensor } from './validate.js';
import { BufferUsage, MapMode, TextureUsage } from './gpu/constants.js';
import { acquireDevice, type AcquiredDevice, type AdapterInfo, type DeviceOptions } from './gpu/device.js';
import { cachedPipelineCount } from './gpu/pipelines.js';
import { BufferPool } from './gpu/pool.js';
import { Recorder, type Binding, type PlanLimits, type TextureBinding } from './gpu/recorder.js';
import {
  convJob,
  filter1dJob,
  filter2dJob,
  normalizeConv1d,
  normalizeConv2d,
  normalizeFilter1d,
  normalizeFilter2d,
  reversePlanes,
  outputOption,
  type ConvGeometry,
  type ConvJob,
  type Operand,
  type TensorArg,
} from './plan.js';
import { bindingLimit, fits, placePiece, splitJob, type Piece } from './split.js';
import type {
  Algorithm,
  ConcreteAlgorithm,
  Conv1dOptions,
  Conv2dOptions,
  Filter1dOptions,
  Filter2dOptions,
  HostTensor,
} from './types.js';

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
   * Let the direct kernel read weights of up to 16 KiB from a uniform-buffer copy instead of the
   * storage buffer, where it does not read packed taps from uniform windows anyway (those serve
   * unit-stride blocks of rows on every adapter). Default: true on Mesa's llvmpipe/lavapipe
   * (measured ~1.1× faster for image filters), false elsewhere (no gain on SwiftShader; GPUs unmeasured).
   */
  uniformWeights?: boolean;
  /**
   * Let the direct kernel read host inputs from an r32float array texture instead of a storage
   * buffer, where it computes blocks of rows with packed taps. Default: true on Mesa's
   * llvmpipe/lavapipe (measured 1.2–1.5× faster there), false elsewhere (no gain on SwiftShader).
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
   * `timestamp-query` feature) and report it in `engine.lastRun.kernelMs`. Default false.
   */
  profile?: boolean;
}

/** An op's result type: a GpuTensor when called with `output: 'gpu'`, else a HostTensor. */
export type OpResult<O> = O extends { output: 'gpu' } ? GpuTensor : HostTensor;

/** What the most recently finished operation did. */
export interface RunInfo {
  op: string;
  algorithm: ConcreteAlgorithm;
  dispatches: number;
  /** How many pieces the job was split into to fit the device's buffer limits (1 when none). */
  pieces: number;
  /** Whether the direct kernel read the input from a texture (`textureInput`). */
  inputTexture: boolean;
  /** GPU time of the compute passes in milliseconds (only with `profile` and `timestamp-query`). */
  kernelMs?: number;
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

/** Default `poolCapBytes`. */
export const DEFAULT_POOL_CAP = 256 * 1024 * 1024;

const LIMIT_NAMES = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxUniformBufferBindingSize',
] as const satisfies ReadonlyArray<keyof PlanLimits>;

function describeShape(g: ConvGeometry): string {
  return `input [${g.N}, ${g.C}, ${g.H}, ${g.W}], weight [${g.K}, ${g.C / g.groups}, ${g.KH}, ${g.KW}]`;
}

/** One device with everything made on it; replaced as a whole when the device is lost. */
interface DeviceState {
  device: GPUDevice;
  pool: BufferPool;
  querySet: GPUQuerySet | undefined;
  /** Fills the direct kernel's uniform-weights binding when it reads weights from storage. */
  uniformDummy: GPUBuffer;
  /** Fills the direct kernel's input-texture binding when it reads the input from storage. */
  textureDummy: GPUTexture;
  textureDummyView: GPUTextureView;
  /** The direct kernel's input texture and its view, kept for the next call of the same size. */
  inputTexture: { texture: GPUTexture; view: GPUTextureView } | undefined;
  lost: GPUDeviceLostInfo | undefined;
}

/** Destroys what the engine created on a device (its buffers, query set and textures). */
function releaseState(state: DeviceState): void {
  state.pool.destroy();
  state.querySet?.destroy();
  state.uniformDummy.destroy();
  state.textureDummy.destroy();
  state.inputTexture?.texture.destroy();
}

export class ConvEngine implements GpuTensorOwner {
  readonly adapterInfo: AdapterInfo;
  /** The limits the planners obey (the device's, lowered by `options.limits`). */
  readonly planLimits: PlanLimits;
  private readonly options: EngineOptions;
  private readonly owned: boolean;
  private state: DeviceState;
  private reacquiring: Promise<void> | undefined;
  private destroyed = false;
  private dispatchCount = 0;
  private deviceGeneration = 0;
  private readonly algorithmCount: Record<ConcreteAlgorithm, number> = { direct: 0, im2col: 0, tiled: 0 };
  /** What the most recently finished operation did (see `RunInfo`). */
  lastRun: RunInfo | undefined;
  private readonly tensors = new Set<GpuTensor>();
  private tensorBytes = 0;
  /** The GEMM kernel im2col uses (see `EngineOptions.gemm`). */
  readonly gemmVariant: GemmVariant;
  /** Whether the direct kernel reads small weights from a uniform copy (see `EngineOptions.uniformWeights`). */
  readonly uniformWeights: boolean;
  /** Whether the direct kernel reads host inputs from a texture (see `EngineOptions.textureInput`). */
  readonly textureInput: boolean;
  /** What `'auto'` runs for shapes that are not dense layers: tiled on GPUs, direct on software adapters. */
  private readonly spatial: 'tiled' | 'direct';

  /** Use `createEngine()`. */
  constructor(acquired: AcquiredDevice, options: EngineOptions = {}) {
    this.adapterInfo = acquired.info;
    this.owned = acquired.owned;
    this.options = options;
    const limits = options.limits ?? {};
    const planLimits = {} as PlanLimits;
    for (const name of LIMIT_NAMES) {
      const given = limits[name];
      if (given !== undefined && (!Number.isInteger(given) || given < 1)) {
        throw new OptionError(`createEngine: limits.${name} must be a positive integer, got ${String(given)}`);
      }
      planLimits[name] = Math.min(acquired.device.limits[name], given ?? Infinity);
    }
    this.planLimits = planLimits;
    const cap = options.poolCapBytes ?? DEFAULT_POOL_CAP;
    if (!(cap >= 0)) throw new OptionError(`createEngine: poolCapBytes must be a non-negative number, got ${String(cap)}`);
    const isLlvmpipe = /llvmpipe|lavapipe/i.test(`${acquired.info.device} ${acquired.info.description}`);
    this.gemmVariant = options.gemm ?? (isLlvmpipe ? 'implicit' : acquired.info.isSoftware ? 'uniform' : 'shared');
    if (!GEMM_VARIANTS.includes(this.gemmVariant)) {
      throw new OptionError(`createEngine: gemm must be one of ${GEMM_VARIANTS.map((v) => `'${v}'`).join(', ')}, got ${String(this.gemmVariant)}`);
    }
    this.spatial = acquired.info.isSoftware ? 'direct' : 'tiled';
    this.uniformWeights = options.uniformWeights ?? isLlvmpipe;
    this.textureInput = options.textureInput ?? isLlvmpipe;
    this.state = this.adopt(acquired.device);
  }

  private adopt(device: GPUDevice): DeviceState {
    const textureDummy = device.createTexture({
      label: 'webgpu-conv.input-texture.unused', size: [1, 1, 1], format: 'r32float', usage: TextureUsage.TEXTURE_BINDING,
      textureBindingViewDimension: '2d-array',
    });
    const state: DeviceState = {
      device,
      pool: new BufferPool(device, this.planLimits.maxBufferSize, this.options.poolCapBytes ?? DEFAULT_POOL_CAP),
      querySet: this.options.profile && device.features.has('timestamp-query')
        ? device.createQuerySet({ label: 'webgpu-conv.timestamps', type: 'timestamp', count: 2 })
        : undefined,
      uniformDummy: device.createBuffer({ label: 'webgpu-conv.uniform-weights.unused', size: UNIFORM_WEIGHT_BYTES, usage: BufferUsage.UNIFORM }),
      textureDummy,
      textureDummyView: textureDummy.createView({ dimension: '2d-array' }),
      inputTexture: undefined,
      lost: undefined,
    };
    void device.lost.then((info) => {
      state.lost = info;
    });
    return state;
  }

  /** The device the engine currently runs on (a new one after a device loss, for owned devices). */
  get device(): GPUDevice {
    return this.state.device;
  }

  /** The device's limits. */
  get limits(): GPUSupportedLimits {
    return this.state.device.limits;
  }

  /** The device's features. */
  get features(): GPUSupportedFeatures {
    return this.state.device.features;
  }

  /** PyTorch `conv2d`: cross-correlation of input [N,C,H,W] with weight [K,C/groups,KH,KW] → [N,K,OH,OW]. */
  async conv2d<O extends Conv2dOptions>(input: TensorArg, weight: TensorArg, options?: O): Promise<OpResult<O>> {
    const p = normalizeConv2d(input, weight, options);
    return this.run('conv2d', convJob(p, input, weight, [p.N, p.K, p.OH, p.OW], outputOption('conv2d', options))) as Promise<OpResult<O>>;
  }

  /** PyTorch `conv1d`: input [N,C,L], weight [K,C/groups,KL] → [N,K,OL]. */
  async conv1d<O extends Conv1dOptions>(input: TensorArg, weight: TensorArg, options?: O): Promise<OpResult<O>> {
    const p = normalizeConv1d(input, weight, options);
    return this.run('conv1d', convJob(p, input, weight, [p.N, p.K, p.OW], outputOption('conv1d', options))) as Promise<OpResult<O>>;
  }

  /** SciPy `convolve2d` on [H,W] or [B,H,W] images with a [KH,KW] kernel. */
  async convolve2d<O extends Filter2dOptions>(image: TensorArg, kernel: TensorArg, options?: O): Promise<OpResult<O>> {
    const p = normalizeFilter2d(image, kernel, options, 'convolve2d');
    return this.run('convolve2d', filter2dJob(p, image, kernel, true, outputOption('convolve2d', options))) as Promise<OpResult<O>>;
  }

  /** SciPy `correlate2d` on [H,W] or [B,H,W] images with a [KH,KW] kernel. */
  async correlate2d<O extends Filter2dOptions>(image: TensorArg, kernel: TensorArg, options?: O): Promise<OpResult<O>> {
    const p = normalizeFilter2d(image, kernel, options, 'correlate2d');
    return this.run('correlate2d', filter2dJob(p, image, kernel, false, outputOption('correlate2d', options))) as Promise<OpResult<O>>;
  }

  /** NumPy `convolve` on [L] or [B,L] signals with an [M] kernel (default mode 'full'). */
  async convolve1d<O extends Filter1dOptions>(signal: TensorArg, kernel: TensorArg, options?: O): Promise<OpResult<O>> {
    const p = normalizeFilter1d(signal, kernel, options, 'convolve1d', 'full');
    return this.run('convolve1d', filter1dJob(p, signal, kernel, true, outputOption('convolve1d', options))) as Promise<OpResult<O>>;
  }

  /** NumPy `correlate` on [L] or [B,L] signals with an [M] kernel (default mode 'valid'). */
  async correlate1d<O extends Filter1dOptions>(signal: TensorArg, kernel: TensorArg, options?: O): Promise<OpResult<O>> {
    const p = normalizeFilter1d(signal, kernel, options, 'correlate1d', 'valid');
    return this.run('correlate1d', filter1dJob(p, signal, kernel, false, outputOption('correlate1d', options))) as Promise<OpResult<O>>;
  }

  /** Which algorithm `'auto'` (or a requested one, after fallbacks) would run for a conv2d call. */
  algorithmFor(input: TensorArg, weight: TensorArg, options?: Conv2dOptions): ConcreteAlgorithm {
    const p = normalizeConv2d(input, weight, options);
    const job = convJob(p, input, weight, []);
    return chooseAlgorithm(job.algorithm, job.geometry, this.planLimits, this.spatial).algorithm;
  }

  /** Copies a host tensor to the GPU, for chaining ops without round trips (`output: 'gpu'`). */
  async upload(tensor: HostTensor): Promise<GpuTensor> {
    const shape = checkTensor('upload', 'tensor', tensor, [1, 2, 3, 4, 5, 6]);
    const state = await this.ready('upload');
    return this.residentTensor(state, tensor.data, shape);
  }

  /** A GpuTensor holding `data` on the current device. */
  private residentTensor(state: DeviceState, data: Float32Array, shape: readonly number[]): GpuTensor {
    this.checkBinding('upload', data.byteLength);
    const buffer = this.newTensorBuffer(state, data.byteLength);
    state.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return this.trackTensor(new GpuTensor(this, buffer, state.device, shape));
  }

  private newTensorBuffer(state: DeviceState, bytes: number): GPUBuffer {
    return state.device.createBuffer({
      label: 'webgpu-conv.tensor',
      size: Math.max(4, Math.ceil(bytes / 4) * 4),
      usage: BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST,
    });
  }

  private trackTensor(t: GpuTensor): GpuTensor {
    this.tensors.add(t);
    this.tensorBytes += t.buffer.size;
    return t;
  }

  /** @internal GpuTensorOwner: reads a tensor back to the host. */
  async readTensor(t: GpuTensor): Promise<HostTensor> {
    const state = await this.ready('read');
    this.checkOwned('read', t, state);
    const bytes = t.size * 4;
    const staging = state.pool.acquire(bytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'tensor.readback');
    try {
      const encoder = state.device.createCommandEncoder({ label: 'webgpu-conv.read.encoder' });
      encoder.copyBufferToBuffer(t.buffer, 0, staging, 0, bytes);
      state.device.queue.submit([encoder.finish()]);
      await staging.mapAsync(MapMode.READ, 0, bytes);
      const data = new Float32Array(staging.getMappedRange(0, bytes).slice(0));
      staging.unmap();
      return { data, shape: [...t.shape] };
    } catch (cause) {
      throw this.translate(state, 'read', cause);
    } finally {
      state.pool.release(staging);
    }
  }

  /** @internal GpuTensorOwner: frees a tensor's buffer. */
  releaseTensor(t: GpuTensor): void {
    if (!this.tensors.delete(t)) return;
    this.tensorBytes -= t.buffer.size;
    t.buffer.destroy();
  }

  private checkOwned(op: string, t: GpuTensor, state: DeviceState): void {
    if (t.destroyed) throw new ShapeError(`${op}: the GpuTensor has been destroyed`);
    if (!this.tensors.has(t)) throw new OptionError(`${op}: the GpuTensor belongs to another engine`);
    if (t.device !== state.device) {
      throw new DeviceLostError(`${op}: the GpuTensor lived on a GPU device that was lost; upload its data again`);
    }
  }

  private checkBinding(op: string, bytes: number): void {
    const limit = bindingLimit(this.planLimits);
    if (bytes > limit) {
      throw new ResourceError(`${op}: ${bytes} bytes exceed what one buffer binding allows (${limit} bytes, maxStorageBufferBindingSize/maxBufferSize)`);
    }
  }

  /** Host data of an operand (reading a GpuTensor back when a job must be split on the host). */
  private async hostData(x: Operand): Promise<Float32Array> {
    return x instanceof GpuTensor ? (await x.read()).data : x;
  }

  /** Memory and work counters. */
  stats(): EngineStats {
    return {
      ...this.state.pool.stats(),
      tensors: this.tensors.size,
      tensorBytes: this.tensorBytes,
      pipelinesCached: this.destroyed ? 0 : cachedPipelineCount(this.state.device),
      dispatches: this.dispatchCount,
      algorithms: { ...this.algorithmCount },
      deviceGeneration: this.deviceGeneration,
    };
  }

  /** Frees every GPU resource the engine owns; destroys the device only if the engine created it. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const t of [...this.tensors]) t.destroy();
    releaseState(this.state);
    if (this.owned) this.state.device.destroy();
  }

  [Symbol.dispose](): void {
    this.destroy();
  }

  /**
   * The device state to run on: rejects after `destroy()`; after a device loss acquires a new
   * device (engines that own theirs) or rejects (engines given a device).
   */
  private async ready(op: string): Promise<DeviceState> {
    if (this.destroyed) throw new EngineDestroyedError(op);
    const lost = this.state.lost;
    if (!lost) return this.state;
    if (!this.owned) {
      throw new DeviceLostError(
        `${op}: the GPU device given to createEngine was lost (${lost.reason}: ${lost.message}); create a new device and engine`,
      );
    }
    this.reacquiring ??= (async () => {
      releaseState(this.state);
      const { device } = await acquireDevice({ ...this.options, quiet: true });
      this.state = this.adopt(device);
      this.deviceGeneration++;
    })().finally(() => {
      this.reacquiring = undefined;
    });
    try {
      await this.reacquiring;
    } catch (cause) {
      throw new DeviceLostError(`${op}: the GPU device was lost and a new one could not be acquired: ${(cause as Error).message}`, { cause });
    }
    if (this.destroyed) throw new EngineDestroyedError(op);
    return this.state;
  }

  /** The binding of an operand: a GpuTensor's own buffer, or host data uploaded to a pooled one. */
  private operand(state: DeviceState, x: Operand, label: string, held: GPUBuffer[]): Binding {
    return x instanceof GpuTensor ? { buffer: x.buffer, size: Math.max(4, x.size * 4) } : this.uploadPooled(state, x, label, held);
  }

  private uploadPooled(state: DeviceState, data: Float32Array, label: string, held: GPUBuffer[]): Binding {
    const size = Math.max(4, data.byteLength);
    // COPY_SRC: the direct kernel may copy small weights into its uniform binding.
    const buffer = state.pool.acquire(size, BufferUsage.STORAGE | BufferUsage.COPY_DST | BufferUsage.COPY_SRC, label);
    held.push(buffer);
    state.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return { buffer, size };
  }

  private async run(op: string, job: ConvJob): Promise<HostTensor | GpuTensor> {
    const state = await this.ready(op);
    for (const x of [job.input, job.weight]) if (x instanceof GpuTensor) this.checkOwned(op, x, state);
    const g = job.geometry;
    const limit = bindingLimit(this.planLimits);
    const pieces: Piece[] = fits(g, limit)
      ? [{ geometry: g, input: job.input, weight: job.weight, bias: job.bias, n0: 0, k0: 0, oy0: 0 }]
      : splitJob({ ...job, input: await this.hostData(job.input), weight: await this.hostData(job.weight) }, limit);
    const info: RunInfo = { op, algorithm: 'direct', dispatches: 0, pieces: pieces.length, inputTexture: false };
    const only = pieces.length === 1 ? pieces[0] : undefined;
    if (only && job.output === 'gpu' && !job.reverse) {
      const out = this.newTensorBuffer(state, g.N * g.K * g.OH * g.OW * 4);
      try {
        await this.runPiece(state, op, only, job.algorithm, info, out);
      } catch (e) {
        out.destroy();
        throw e;
      }
      this.lastRun = info;
      return this.trackTensor(new GpuTensor(this, out, state.device, job.outShape));
    }
    let data: Float32Array;
    if (only) {
      data = await this.runPiece(state, op, only, job.algorithm, info, undefined, job.out);
    } else {
      data = job.out ?? new Float32Array(g.N * g.K * g.OH * g.OW);
      for (const piece of pieces) placePiece(data, g, piece, await this.runPiece(state, op, piece, job.algorithm, info));
    }
    this.lastRun = info;
    if (job.reverse) reversePlanes(data, g.N * g.K);
    return job.output === 'gpu' ? this.residentTensor(state, data, job.outShape) : { data, shape: job.outShape };
  }

  /**
   * The direct kernel's input-texture binding: the input written into an r32float array texture
   * (one layer per (n, c) plane) when `textureInput` is on, the direct kernel runs and reads packed
   * taps and the input is host data within the texture limits; otherwise the dummy. The texture is shared by
   * the engine's calls: runPiece writes it and submits its commands with no await in between, so
   * queue order keeps each call's data apart.
   */
  private directTexture(state: DeviceState, g: ConvGeometry, input: Operand, packedTaps: boolean): { input?: TextureBinding; dummy: TextureBinding } {
    const dummy = { view: state.textureDummyView };
    const layers = g.N * g.C;
    const { limits } = state.device;
    const usable = this.textureInput && packedTaps && !(input instanceof GpuTensor) &&
      g.W <= limits.maxTextureDimension2D && g.H <= limits.maxTextureDimension2D && layers <= limits.maxTextureArrayLayers;
    if (!usable) return { dummy };
    let cached = state.inputTexture;
    if (!cached || cached.texture.width !== g.W || cached.texture.height !== g.H || cached.texture.depthOrArrayLayers !== layers) {
      cached?.texture.destroy();
      const texture = state.device.createTexture({
        label: 'webgpu-conv.direct.input-texture', size: [g.W, g.H, layers], format: 'r32float',
        usage: TextureUsage.TEXTURE_BINDING | TextureUsage.COPY_DST, textureBindingViewDimension: '2d-array',
      });
      cached = state.inputTexture = { texture, view: texture.createView({ dimension: '2d-array' }) };
    }
    const layout = { offset: input.byteOffset, bytesPerRow: g.W * 4, rowsPerImage: g.H };
    state.device.queue.writeTexture({ texture: cached.texture }, input.buffer, layout, [g.W, g.H, layers]);
    return { input: { view: cached.view }, dummy };
  }

  /**
   * Runs one piece that fits the device: upload, dispatches, readback into `into` or a new array (or,
   * given `target`, the result stays in that buffer and the returned array is empty); GPU errors
   * become typed errors.
   */
  private async runPiece(
    state: DeviceState, op: string, piece: Piece, requested: Algorithm, info: RunInfo, target?: GPUBuffer, into?: Float32Array,
  ): Promise<Float32Array> {
    const g = piece.geometry;
    const outBytes = g.N * g.K * g.OH * g.OW * 4;
    const chosen = chooseAlgorithm(requested, g, this.planLimits, this.spatial);
    const where = `${op} (${chosen.algorithm}; ${describeShape(g)})`;
    const { device, pool } = state;
    const held: GPUBuffer[] = [];
    const staging = target ? undefined : pool.acquire(outBytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST, `${op}.readback`);
    let timestamps: GPUBuffer | undefined;
    let rec: Recorder | undefined;
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    try {
      const biasBytes = g.K * 4;
      const bias = piece.bias
        ? this.uploadPooled(state, piece.bias, `${op}.bias`, held)
        : { buffer: pool.acquire(biasBytes, BufferUsage.STORAGE | BufferUsage.COPY_DST, `${op}.bias`), size: biasBytes };
      if (!piece.bias) held.push(bias.buffer);
      const output = { buffer: target ?? pool.acquire(outBytes, BufferUsage.STORAGE | BufferUsage.COPY_SRC, `${op}.output`), size: outBytes };
      if (!target) held.push(output.buffer);
      // The direct kernel may read the input from a texture instead; its storage binding then holds
      // a stand-in (the bias buffer), never read.
      const taps = chosen.algorithm === 'direct' ? planTaps(g) : null;
      const packedTaps = taps !== null;
      const texture = this.directTexture(state, g, piece.input, packedTaps);
      if (texture.input) info.inputTexture = true;
      const operands: ConvOperands = {
        input: texture.input ? bias : this.operand(state, piece.input, `${op}.input`, held),
        weight: this.operand(state, piece.weight, `${op}.weight`, held),
        bias,
        output,
      };
      const encoder = device.createCommandEncoder({ label: `webgpu-conv.${op}.encoder` });
      if (!piece.bias) encoder.clearBuffer(bias.buffer, 0, biasBytes);
      // The direct kernel's uniform binding: a copy of the weights when enabled and small enough.
      const uniformWeights: { weights?: Binding; dummy: Binding } = { dummy: { buffer: state.uniformDummy, size: UNIFORM_WEIGHT_BYTES } };
      const weightBytes = operands.weight.size;
      if (chosen.algorithm === 'direct' && this.uniformWeights && weightBytes <= UNIFORM_WEIGHT_BYTES && !packedTaps) {
        const ub = pool.acquire(UNIFORM_WEIGHT_BYTES, BufferUsage.UNIFORM | BufferUsage.COPY_DST, `${op}.weights.uniform`);
        held.push(ub);
        encoder.copyBufferToBuffer(operands.weight.buffer, 0, ub, 0, weightBytes);
        uniformWeights.weights = { buffer: ub, size: UNIFORM_WEIGHT_BYTES };
      }
      const qs = state.querySet;
      const writes = qs ? { querySet: qs, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined;
      rec = new Recorder(device, pool, this.planLimits, encoder, `${op}.${chosen.algorithm}`, writes);
      if (chosen.algorithm === 'im2col') encodeIm2col(rec, g, operands, chosen.plan, this.gemmVariant);
      else if (chosen.algorithm === 'tiled') encodeTiled(rec, g, operands, chosen.plan);
      else encodeDirect(rec, g, operands, taps, uniformWeights, texture);
      rec.end();
      if (staging) encoder.copyBufferToBuffer(output.buffer, 0, staging, 0, outBytes);
      if (qs) {
        const resolved = pool.acquire(16, BufferUsage.QUERY_RESOLVE | BufferUsage.COPY_SRC, 'timestamps.resolve');
        held.push(resolved);
        timestamps = pool.acquire(16, BufferUsage.MAP_READ | BufferUsage.COPY_DST, 'timestamps.readback');
        encoder.resolveQuerySet(qs, 0, 2, resolved, 0);
        encoder.copyBufferToBuffer(resolved, 0, timestamps, 0, 16);
      }
      device.queue.submit([encoder.finish()]);
      this.dispatchCount += rec.dispatches;
      info.dispatches += rec.dispatches;
      info.algorithm = chosen.algorithm;
      this.algorithmCount[chosen.algorithm]++;
    } catch (cause) {
      // A synchronous throw while encoding (a bug or a lost device): nothing was submitted.
      device.popErrorScope().catch(() => undefined);
      device.popErrorScope().catch(() => undefined);
      if (staging) pool.release(staging);
      if (timestamps) pool.release(timestamps);
      throw this.translate(state, where, cause);
    } finally {
      // Submitted (or abandoned) work no longer needs exclusive use of these buffers.
      rec?.release();
      for (const b of held) pool.release(b);
    }
    try {
      const [vErr, oErr] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
      if (oErr) throw new ResourceError(`${where}: the GPU ran out of memory: ${oErr.message}`);
      if (vErr) throw new GPUOperationError(`${where}: WebGPU validation error: ${vErr.message}`);
      let data: Float32Array = new Float32Array(0);
      if (staging) {
        await staging.mapAsync(MapMode.READ, 0, outBytes);
        const mapped = staging.getMappedRange(0, outBytes);
        if (into) into.set(new Float32Array(mapped));
        data = into ?? new Float32Array(mapped.slice(0));
        staging.unmap();
      }
      if (timestamps) {
        await timestamps.mapAsync(MapMode.READ, 0, 16);
        const [t0, t1] = new BigInt64Array(timestamps.getMappedRange(0, 16));
        timestamps.unmap();
        if (t0 !== undefined && t1 !== undefined && t1 >= t0) info.kernelMs = (info.kernelMs ?? 0) + Number(t1 - t0) / 1e6;
      }
      return data;
    } catch (cause) {
      throw this.translate(state, where, cause);
    } finally {
      if (staging) pool.release(staging);
      if (timestamps) pool.release(timestamps);
    }
  }

  /** Maps a failure to the typed error that explains it: destroyed engine, lost device, or as is. */
  private translate(state: DeviceState, where: string, cause: unknown): Error {
    if (cause instanceof ConvError) return cause;
    if (this.destroyed) return new EngineDestroyedError(where);
    if (state.lost || state !== this.state) {
      return new DeviceLostError(`${where}: the GPU device was lost while the operation ran (${state.lost?.reason ?? 'lost'}: ${state.lost?.message ?? ''}); retry the call`, { cause });
    }
    return new GPUOperationError(`${where}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

/** Creates an engine on a new device (or on `options.device`). */
export async function createEngine(options: EngineOptions = {}): Promise<ConvEngine> {
  const acquired = await acquireDevice(options);
  try {
    return new ConvEngine(acquired, options);
  } catch (e) {
    if (acquired.owned) acquired.device.destroy();
    throw e;
  }
}
