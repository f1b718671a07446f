/**
 * `ConvEngine`: owns (or borrows) a WebGPU device and keeps its lifecycle — device loss and
 * re-acquisition, GpuTensors, counters, `destroy()`. Running an op is src/execute.ts's job: the
 * engine turns the call into a job (src/ops/) and hands it over.
 */
import type { AlgorithmPreferences } from './algorithms/algorithm.js';
import { ALGORITHM_NAMES, type ConcreteAlgorithm } from './algorithms/registry.js';
import { DeviceLostError, EngineDestroyedError, OptionError, ResourceError, ShapeError } from './errors.js';
import { execute, releaseDeviceState, translateError, type DeviceState, type ExecutionHost } from './execute.js';
import { BufferUsage, MapMode } from './gpu/constants.js';
import { acquireDevice, type AcquiredDevice, type AdapterInfo } from './gpu/device.js';
import type { EngineOptions, EngineStats, Explanation, OpResult } from './engine-types.js';
import { cachedPipelineCount } from './gpu/pipelines.js';
import { BufferPool } from './gpu/pool.js';
import { bindingLimit, type PlanLimits } from './gpu/recorder.js';
import { GpuTensor, type GpuTensorOwner } from './gpu/tensor.js';
import { TensorRegistry } from './gpu/tensor-registry.js';
import { makeJob, type OpName, type OpOptions } from './ops/index.js';
import { gaussianBlurCall, sepConvolve2dCall } from './ops/gaussian.js';
import { Tuner } from './autotune.js';
import { warmup, warmupJobs, type WarmupArg, type WarmupArgs, type WarmupCall, type WarmupSummary } from './warmup.js';
import { checkEngineOptions, DEFAULT_POOL_CAP } from './engine-options.js';
import type { TuneResult, TuningExport } from './tune.js';
import { operand, type TensorArg } from './ops/job.js';
import type { Conv1dOptions, Conv2dOptions, Fft2Options, FftOpName, FftOptions, Filter1dOptions, Filter2dOptions, GaussianBlurOptions, HostTensor } from './types.js';
import { runFft } from './fft/run.js';
import { normalizeFft } from './ops/fft.js';
import { checkShape, checkTensor } from './validate.js';
import { filterImage } from './image/filter-image.js';
import type { FilterImageOptions, FilterImageResult, ImageFilter, ImageSource } from './image/types.js';
import type { ImageShapeArg } from './image/warmup-image.js';


export class ConvEngine implements GpuTensorOwner {
  readonly adapterInfo: AdapterInfo;
  /** The limits the planners obey (the device's, lowered by `options.limits`). */
  readonly planLimits: PlanLimits;
  /** The algorithm preferences given to `createEngine` (unset: each algorithm's default for the adapter). */
  readonly preferences: AlgorithmPreferences;
  private readonly options: EngineOptions;
  private readonly owned: boolean;
  private state: DeviceState;
  private reacquiring: Promise<void> | undefined;
  private destroyed = false;
  private dispatchCount = 0;
  private deviceGeneration = 0;
  private readonly algorithmCount = Object.fromEntries(ALGORITHM_NAMES.map((n) => [n, 0])) as Record<ConcreteAlgorithm, number>;
  private readonly registry = new TensorRegistry(() => ({ device: this.state.device, pool: this.state.pool, gone: this.destroyed || this.state.lost !== undefined }));
  private readonly host: ExecutionHost;
  /** Tuned winners per shape key ('auto' runs them); see `tune()`. */
  private readonly tuner: Tuner;

  /** Use `createEngine()`. */
  constructor(acquired: AcquiredDevice, options: EngineOptions = {}) {
    this.adapterInfo = acquired.info;
    this.owned = acquired.owned;
    this.options = options;
    const checked = checkEngineOptions(options, acquired.device.limits);
    this.planLimits = checked.planLimits;
    this.preferences = checked.preferences;
    this.state = this.adopt(acquired.device);
    this.tuner = new Tuner(acquired.info, options.tuningStorage);
    this.host = {
      tuning: this.tuner.table,
      planLimits: this.planLimits,
      adapterInfo: this.adapterInfo,
      preferences: this.preferences,
      newTensorBuffer: (state, bytes) => this.registry.newBuffer(state.device, state.pool, bytes),
      adoptTensor: (state, buffer, shape) => this.registry.track(new GpuTensor(this, buffer, state.device, shape)),
      residentTensor: (state, data, shape) => this.residentTensor(state, data, shape),
      translate: (state, where, cause) => translateError(state, this.state, this.destroyed, where, cause),
      count: (algorithm, dispatches) => {
        this.algorithmCount[algorithm]++;
        this.dispatchCount += dispatches;
      },
    };
  }

  private adopt(device: GPUDevice): DeviceState {
    const state: DeviceState = {
      device,
      pool: new BufferPool(device, this.planLimits.maxBufferSize, this.options.poolCapBytes ?? DEFAULT_POOL_CAP),
      querySet: this.options.profile && device.features.has('timestamp-query')
        ? device.createQuerySet({ label: 'webgpu-conv.timestamps', type: 'timestamp', count: 2 })
        : undefined,
      algorithmStates: new Map(),
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
    return this.run('conv2d', input, weight, options) as Promise<OpResult<O>>;
  }

  /** PyTorch `conv1d`: input [N,C,L], weight [K,C/groups,KL] → [N,K,OL]. */
  async conv1d<O extends Conv1dOptions>(input: TensorArg, weight: TensorArg, options?: O): Promise<OpResult<O>> {
    return this.run('conv1d', input, weight, options) as Promise<OpResult<O>>;
  }

  /** SciPy `convolve2d` on [H,W] or [B,H,W] images with a [KH,KW] kernel. */
  async convolve2d<O extends Filter2dOptions>(image: TensorArg, kernel: TensorArg, options?: O): Promise<OpResult<O>> {
    return this.run('convolve2d', image, kernel, options) as Promise<OpResult<O>>;
  }

  /** SciPy `correlate2d` on [H,W] or [B,H,W] images with a [KH,KW] kernel. */
  async correlate2d<O extends Filter2dOptions>(image: TensorArg, kernel: TensorArg, options?: O): Promise<OpResult<O>> {
    return this.run('correlate2d', image, kernel, options) as Promise<OpResult<O>>;
  }

  /** NumPy `convolve` on [L] or [B,L] signals with an [M] kernel (default mode 'full'). */
  async convolve1d<O extends Filter1dOptions>(signal: TensorArg, kernel: TensorArg, options?: O): Promise<OpResult<O>> {
    return this.run('convolve1d', signal, kernel, options) as Promise<OpResult<O>>;
  }

  /** NumPy `correlate` on [L] or [B,L] signals with an [M] kernel (default mode 'valid'). */
  async correlate1d<O extends Filter1dOptions>(signal: TensorArg, kernel: TensorArg, options?: O): Promise<OpResult<O>> {
    return this.run('correlate1d', signal, kernel, options) as Promise<OpResult<O>>;
  }

  /**
   * `convolve2d(image, outer(kernelY, kernelX), options)` for a kernel given by its factors [KH] and
   * [KW] (host data); runs as a convolve2d call (what `onRun` reports), separably where that is cheapest.
   */
  async sepConvolve2d<O extends Filter2dOptions>(image: TensorArg, kernelY: TensorArg, kernelX: TensorArg, options?: O): Promise<OpResult<O>> {
    const call = sepConvolve2dCall(image, kernelY, kernelX, options);
    return this.run(call.op, image, call.kernel, call.options) as Promise<OpResult<O>>;
  }

  /** `scipy.ndimage.gaussian_filter` over the last two axes of [H,W] or [B,H,W]; runs as a correlate2d call. */
  async gaussianBlur<O extends GaussianBlurOptions>(image: TensorArg, options: O): Promise<OpResult<O>> {
    const call = gaussianBlurCall(image, options);
    return this.run(call.op, image, call.kernel, call.options) as Promise<OpResult<O>>;
  }

  /** numpy.fft.fft over the last complex axis: x [..., L, 2] → [..., n, 2] (default n = L). */
  fft<O extends FftOptions>(x: TensorArg, options?: O): Promise<OpResult<O>> { return this.runFft('fft', x, options) as Promise<OpResult<O>>; }
  /** numpy.fft.ifft (scaled by 1/n): x [..., L, 2] → [..., n, 2]. */
  ifft<O extends FftOptions>(x: TensorArg, options?: O): Promise<OpResult<O>> { return this.runFft('ifft', x, options) as Promise<OpResult<O>>; }
  /** numpy.fft.rfft: x [..., L] → [..., ⌊n/2⌋+1, 2]. */
  rfft<O extends FftOptions>(x: TensorArg, options?: O): Promise<OpResult<O>> { return this.runFft('rfft', x, options) as Promise<OpResult<O>>; }
  /** numpy.fft.irfft: X [..., M, 2] → [..., n] (default n = 2(M − 1)). */
  irfft<O extends FftOptions>(x: TensorArg, options?: O): Promise<OpResult<O>> { return this.runFft('irfft', x, options) as Promise<OpResult<O>>; }
  /** numpy.fft.rfft2: x [..., H, W] → [..., H, ⌊W/2⌋+1, 2]. */
  rfft2<O extends Fft2Options>(x: TensorArg, options?: O): Promise<OpResult<O>> { return this.runFft('rfft2', x, options) as Promise<OpResult<O>>; }
  /** numpy.fft.irfft2: X [..., H, M, 2] → [..., H, W] (default W = 2(M − 1)). */
  irfft2<O extends Fft2Options>(x: TensorArg, options?: O): Promise<OpResult<O>> { return this.runFft('irfft2', x, options) as Promise<OpResult<O>>; }

  private async runFft(op: FftOpName, x: TensorArg, options: FftOptions | Fft2Options | undefined): Promise<HostTensor | GpuTensor> {
    const spec = normalizeFft(op, x, options);
    const state = await this.ready(op);
    return this.withOperands(op, state, [x, spec.out], () => runFft(this.host, state, spec, operand(x)));
  }

  /**
   * What a call would run, without running it: the algorithm `'auto'` (or the requested one) picks,
   * its variant and why, and every registered algorithm's verdict. Throws what the call would throw
   * before any GPU work (ShapeError, OptionError — an explicit algorithm that cannot run the shape).
   * The verdict is for the whole job; a job split to fit the device plans each piece again.
   */
  explain<O extends OpName>(op: O, a: TensorArg, b: TensorArg, options?: OpOptions[O]): Explanation {
    if (this.destroyed) throw new EngineDestroyedError('explain');
    return this.tuner.explain(this.host, this.state, op, makeJob(op, a, b, options));
  }

  /**
   * Times every applicable algorithm and variant on this call (its own data, results discarded) and
   * records the fastest for its shape key: later `'auto'` calls of the key run it. Kernel time with
   * `profile` on an adapter with timestamp queries, else end-to-end wall clock. The job must fit one
   * buffer binding (OptionError otherwise).
   */
  async tune<O extends OpName>(op: O, a: TensorArg, b: TensorArg, options?: OpOptions[O]): Promise<TuneResult> {
    const job = makeJob(op, a, b, options);
    const state = await this.ready('tune');
    return this.withOperands('tune', state, [job.input, job.weight], () => this.tuner.tune(this.host, state, op, job));
  }

  /**
   * Compiles every pipeline a call (or a list of calls; operands may be shapes: `{ shape }`) would
   * need, without running it. Rejects as the call would (ShapeError, OptionError). See src/warmup.ts.
   */
  warmup<O extends OpName>(op: O, a: WarmupArg, b: WarmupArg, options?: OpOptions[O]): Promise<WarmupSummary>;
  warmup(op: 'filterImage', source: ImageSource | ImageShapeArg, filter: ImageFilter, options?: FilterImageOptions): Promise<WarmupSummary>;
  warmup(op: 'gaussianBlur', image: WarmupArg, options: GaussianBlurOptions): Promise<WarmupSummary>;
  warmup(op: 'sepConvolve2d', image: WarmupArg, kernelY: TensorArg, kernelX: TensorArg, options?: Filter2dOptions): Promise<WarmupSummary>;
  warmup(calls: readonly WarmupCall[]): Promise<WarmupSummary>;
  async warmup(...args: WarmupArgs): Promise<WarmupSummary> {
    const jobs = warmupJobs(args);
    const state = await this.ready('warmup');
    for (const t of jobs.tensors) this.checkOwned('warmup', t, state);
    return warmup(this.host, state, jobs);
  }

  /** The tuned winners, to save and `importTuning` later (on the same adapter and library version). */
  exportTuning(): TuningExport {
    return this.tuner.table.export();
  }

  /** Adds an export's winners; returns how many (0 when it was made on another adapter or candidate set). */
  importTuning(data: TuningExport | string): number {
    return this.tuner.table.import(data);
  }

  private async run(op: OpName, a: TensorArg, b: TensorArg, options: OpOptions[OpName] | undefined): Promise<HostTensor | GpuTensor> {
    const job = makeJob(op, a, b, options);
    const state = await this.ready(op);
    return this.withOperands(op, state, [job.input, job.weight, job.out], async () => {
      if (this.options.autotune && job.algorithm === 'auto') await this.tuner.ensure(this.host, state, op, job);
      return execute(this.host, state, op, job);
    });
  }

  /** Checks the GpuTensors among a call's `operands` (checkOwned), then runs `f` holding them (TensorRegistry). */
  private withOperands<T>(op: string, state: DeviceState, operands: readonly unknown[], f: () => Promise<T>): Promise<T> {
    const tensors = operands.filter((x): x is GpuTensor => x instanceof GpuTensor);
    for (const t of tensors) this.checkOwned(op, t, state);
    return this.registry.holding(tensors, f);
  }

  /**
   * Filters an image's colour planes on the GPU (mode 'same', boundary 'reflect', convolution unless
   * `correlate`; see FilterImageOptions): pixels in memory, a browser image source or a GPUTexture
   * in; pixels, a texture, an ImageBitmap or a canvas drawn (`target`) out.
   */
  async filterImage<O extends FilterImageOptions>(source: ImageSource, filter: ImageFilter, options?: O): Promise<FilterImageResult<O>> {
    const state = await this.ready('filterImage');
    return filterImage({ host: this.host, state, engine: this }, source, filter, options) as Promise<FilterImageResult<O>>;
  }

  /**
   * A GpuTensor over an existing GPUBuffer of this engine's device (usage STORAGE; COPY_SRC to
   * `read()` it), at least shape-product × 4 bytes: ops read it without a copy. The buffer stays the
   * caller's: `destroy()` on the tensor (or the engine) leaves it alone.
   */
  wrap(buffer: GPUBuffer, shape: readonly number[]): GpuTensor {
    if (this.destroyed) throw new EngineDestroyedError('wrap');
    if (buffer === null || typeof buffer !== 'object' || typeof buffer.size !== 'number' || typeof buffer.usage !== 'number') throw new OptionError('wrap: buffer must be a GPUBuffer');
    if (!(buffer.usage & BufferUsage.STORAGE)) throw new OptionError('wrap: the buffer needs usage STORAGE');
    const dims = checkShape('wrap', shape);
    const bytes = dims.reduce((a, b) => a * b, 1) * 4;
    if (bytes > buffer.size) throw new ShapeError(`wrap: shape [${dims.join(', ')}] needs ${bytes} bytes, the buffer has ${buffer.size}`);
    return this.registry.track(new GpuTensor(this, buffer, this.state.device, dims, true));
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
    const buffer = this.registry.newBuffer(state.device, state.pool, data.byteLength);
    state.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return this.registry.track(new GpuTensor(this, buffer, state.device, shape));
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
      throw this.host.translate(state, 'read', cause);
    } finally {
      state.pool.release(staging);
    }
  }

  /** @internal GpuTensorOwner: frees a tensor's buffer. */
  releaseTensor(t: GpuTensor): void {
    this.registry.release(t);
  }


  private checkOwned(op: string, t: GpuTensor, state: DeviceState): void {
    if (t.destroyed) throw new ShapeError(`${op}: the GpuTensor has been destroyed`);
    if (!this.registry.tensors.has(t)) throw new OptionError(`${op}: the GpuTensor belongs to another engine`);
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

  /** Memory and work counters. */
  stats(): EngineStats {
    return {
      ...this.state.pool.stats(),
      tensors: this.registry.tensors.size,
      tensorBytes: this.registry.bytes,
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
    for (const t of [...this.registry.tensors]) t.destroy();
    releaseDeviceState(this.state);
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
      releaseDeviceState(this.state);
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
