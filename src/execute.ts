/**
 * Running one job on a device: choose the algorithm (before any GPU work), split the job into
 * pieces that fit the device's buffer limits, and per piece upload the operands, record the
 * algorithm's dispatches into one command buffer, submit, and read the result back (or leave it in a
 * GpuTensor). GPU errors become typed errors; what ran is reported to the call's `onRun`.
 *
 *   op ─► ConvJob ─► choose(requested, geometry) ─► pieces ─► per piece: plan ─► encode ─► submit ─► read back
 */
import type { AlgorithmContext, AlgorithmPreferences, AnyAlgorithm, ConvOperands } from './algorithms/algorithm.js';
import { REGISTRY, type ConcreteAlgorithm } from './algorithms/registry.js';
import { choose, type Choice } from './algorithms/select.js';
import { ConvError, DeviceLostError, EngineDestroyedError, GPUOperationError, OptionError, ResourceError } from './errors.js';
import { describeShape, outputSize, type ConvGeometry } from './geometry.js';
import { BufferUsage, MapMode } from './gpu/constants.js';
import { releaseFftStateFor } from './fft/state.js';
import { releaseImageTextures } from './image/textures.js';
import type { AdapterInfo } from './gpu/device.js';
import { forgetBindGroups, preparePipelines, type KernelSpec, type PreparedPipelines } from './gpu/pipelines.js';
import type { BufferPool } from './gpu/pool.js';
import { bindingLimit, Recorder, type Binding, type PlanLimits } from './gpu/recorder.js';
import { GpuTensor } from './gpu/tensor.js';
import type { ConvJob, Operand } from './ops/job.js';
import { encodeReverse, REVERSE_SPEC, reversePlanes } from './ops/reverse.js';
import { fits, placePiece, splitJob, type Piece } from './split.js';
import { tunedChoice, tuneKey, type TuningTable } from './tune.js';
import type { HostTensor, RunInfo } from './types.js';

/** One device with everything made on it; replaced as a whole when the device is lost. */
export interface DeviceState {
  device: GPUDevice;
  pool: BufferPool;
  querySet: GPUQuerySet | undefined;
  /** Each algorithm's per-device state, created on first use. */
  algorithmStates: Map<ConcreteAlgorithm, unknown>;
  lost: GPUDeviceLostInfo | undefined;
}

/** Destroys what was created on a device (buffers, query set, algorithms' state). */
export function releaseDeviceState(state: DeviceState): void {
  state.pool.destroy();
  state.querySet?.destroy();
  for (const [name, s] of state.algorithmStates) (REGISTRY[name] as AnyAlgorithm).releaseState?.(s);
  state.algorithmStates.clear();
  releaseFftStateFor(state.device);
  releaseImageTextures(state.device);
}

/** What execution needs from the engine. */
export interface ExecutionHost {
  readonly planLimits: PlanLimits;
  readonly adapterInfo: AdapterInfo;
  readonly preferences: AlgorithmPreferences;
  /** A new buffer for a GpuTensor of `bytes` bytes. */
  newTensorBuffer(state: DeviceState, bytes: number): GPUBuffer;
  /** Wraps (and tracks) a buffer from `newTensorBuffer` as a GpuTensor. */
  adoptTensor(state: DeviceState, buffer: GPUBuffer, shape: readonly number[]): GpuTensor;
  /** A GpuTensor holding `data`. */
  residentTensor(state: DeviceState, data: Float32Array, shape: readonly number[]): GpuTensor;
  /** The typed error for a failure on `state`. */
  translate(state: DeviceState, where: string, cause: unknown): Error;
  /** The tuned winners ('auto' runs the winner of a call's shape key). */
  readonly tuning?: TuningTable;
  /** Counts a piece run by `algorithm` and its dispatches. */
  count(algorithm: ConcreteAlgorithm, dispatches: number): void;
}

/** The context algorithms plan in. */
export function algorithmContext(host: ExecutionHost, state: DeviceState, hostInput: boolean, weight?: Operand): AlgorithmContext {
  const weights = weight instanceof GpuTensor ? undefined : weight;
  return {
    limits: host.planLimits, deviceLimits: state.device.limits, adapter: host.adapterInfo, preferences: host.preferences, hostInput, weights,
    weightSource: weight, stateOf: (name) => state.algorithmStates.get(name),
  };
}

/**
 * The choice for one geometry: `forced` (tuning), else for 'auto' the tuned winner of its shape key
 * when there is one and it still applies, else `choose()`.
 */
function chooseFor(host: ExecutionHost, op: string, job: ConvJob, g: ConvGeometry, ctx: AlgorithmContext, forced?: Choice): Choice {
  if (forced) return forced;
  if (job.algorithm === 'auto' && host.tuning?.size) {
    const entry = host.tuning.get(tuneKey(op, g, ctx.hostInput));
    const tuned = entry && tunedChoice(entry, g, ctx);
    if (tuned) return tuned;
  }
  return choose(op, job.algorithm, g, ctx);
}

/** How planning sees a job's operands: whether the input is host data, and the weight's host values (undefined: a GpuTensor's). */
export interface OperandView {
  hostInput: boolean;
  weights: Float32Array | undefined;
}

/** A job's pieces, what runs each (its choice) and the context each was planned in. */
export interface JobPlan {
  pieces: Piece[];
  choices: Choice[];
  contexts: AlgorithmContext[];
}

/**
 * Plans `job` before any GPU work: the pieces that fit the device and a choice for each (`forced`:
 * that one, for tuning). An explicit algorithm that cannot run the shape, or a piece, rejects here.
 * `view` replaces what planning reads from the operands of a job of one piece (`engine.warmup`
 * plans calls whose operands are only shapes); a split job's pieces are host data either way.
 */
export async function planJob(host: ExecutionHost, state: DeviceState, op: string, job: ConvJob, forced?: Choice, view?: OperandView): Promise<JobPlan> {
  const g = job.geometry;
  const limit = bindingLimit(host.planLimits);
  if (fits(g, limit)) {
    const ctx = view ? algorithmContext(host, state, view.hostInput, view.weights) : algorithmContext(host, state, !(job.input instanceof GpuTensor), job.weight);
    const piece: Piece = { geometry: g, input: job.input, weight: job.weight, bias: job.bias, n0: 0, k0: 0, oy0: 0 };
    return { pieces: [piece], choices: [chooseFor(host, op, job, g, ctx, forced)], contexts: [ctx] };
  }
  // Splitting is not a fallback: every piece is planned with the requested algorithm (an explicit
  // one that cannot run a piece rejects before any piece runs; 'auto' chooses per piece).
  const pieces = splitJob({ ...job, input: await hostData(job.input), weight: await hostData(job.weight) }, limit);
  if (forced) throw new OptionError(`${op}: a job split into ${pieces.length} pieces to fit the device cannot be tuned`);
  const contexts = pieces.map((p) => algorithmContext(host, state, true, p.weight));
  return { pieces, choices: pieces.map((p, i) => chooseFor(host, op, job, p.geometry, contexts[i] as AlgorithmContext)), contexts };
}

/** Every kernel a planned job dispatches: each piece's algorithm's, and the plane reversal of a one-piece job that reverses. */
export function jobKernels(job: ConvJob, plan: JobPlan): KernelSpec[] {
  const specs: KernelSpec[] = [];
  plan.pieces.forEach((p, i) => {
    const c = plan.choices[i] as Choice;
    specs.push(...(c.algorithm.kernels?.(p.geometry, plan.contexts[i] as AlgorithmContext, c.plan) ?? []));
  });
  if (job.reverse && plan.pieces.length === 1) specs.push(REVERSE_SPEC);
  return specs;
}

/**
 * Starts compiling the pipelines of `specs` that the device lacks, asynchronously
 * (`preparePipelines`): the counts, and `ready` (undefined when there is nothing to wait for), which
 * rejects with the typed error naming `where` when a compile fails.
 */
export function compileKernels(host: ExecutionHost, state: DeviceState, where: string, specs: Iterable<KernelSpec>): PreparedPipelines {
  const translate = (cause: unknown): never => {
    throw host.translate(state, `${where}: compiling its pipelines`, cause);
  };
  let prepared: PreparedPipelines;
  try {
    prepared = preparePipelines(state.device, specs);
  } catch (cause) {
    return translate(cause);
  }
  return { ...prepared, ready: prepared.ready?.catch(translate) };
}

/** Runs `job` (with `forced`, that algorithm and plan: what tuning times); resolves to its result as the job asks. */
export async function execute(host: ExecutionHost, state: DeviceState, op: string, job: ConvJob, forced?: Choice): Promise<HostTensor | GpuTensor> {
  const g = job.geometry;
  const plan = await planJob(host, state, op, job, forced);
  const { pieces, choices } = plan;
  // Pipelines compile asynchronously before the recording (a warm call has nothing to wait for).
  const { ready } = compileKernels(host, state, op, jobKernels(job, plan));
  if (ready) await ready;
  const first = choices[0] as Choice;
  const ran = [...new Set(choices.map((c) => c.name))];
  const info: RunInfo = {
    op, algorithm: first.name, variant: first.plan.variant, pieces: pieces.length, dispatches: 0,
    reason: ran.length > 1 ? `${first.reason}; pieces ran ${ran.join(', ')}` : first.reason,
  };
  let result: HostTensor | GpuTensor;
  const only = pieces.length === 1 ? (pieces[0] as Piece) : undefined;
  const gpuOut = job.out instanceof GpuTensor ? job.out : undefined;
  const hostOut = job.out instanceof Float32Array ? job.out : undefined;
  if (only && job.output === 'gpu') {
    // Into the caller's GpuTensor (`out`), or a new one.
    const out = gpuOut?.buffer ?? host.newTensorBuffer(state, outputSize(g) * 4);
    try {
      await runPiece(host, state, op, only, first, info, { target: out, reverse: job.reverse });
    } catch (e) {
      if (!gpuOut) out.destroy();
      throw e;
    }
    result = gpuOut ?? host.adoptTensor(state, out, job.outShape);
  } else if (only) {
    result = { data: await runPiece(host, state, op, only, first, info, { into: hostOut, reverse: job.reverse }), shape: job.outShape };
  } else {
    const data = hostOut ?? new Float32Array(outputSize(g));
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i] as Piece;
      placePiece(data, g, piece, await runPiece(host, state, op, piece, choices[i] as Choice, info, { reverse: false }));
    }
    if (job.reverse) reversePlanes(data, g.N * g.K);
    if (gpuOut) state.device.queue.writeBuffer(gpuOut.buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    result = gpuOut ?? (job.output === 'gpu' ? host.residentTensor(state, data, job.outShape) : { data, shape: job.outShape });
  }
  job.onRun?.(info);
  return result;
}

async function hostData(x: Operand): Promise<Float32Array> {
  return x instanceof GpuTensor ? (await x.read()).data : x;
}

/**
 * Host data in a pooled storage buffer (pushed on `held`); a byte length that is not a multiple of 4
 * (8- or 16-bit image samples) gets a zero-padded last word.
 */
export function uploadPooled(state: Pick<DeviceState, 'device' | 'pool'>, data: ArrayBufferView, label: string, held: GPUBuffer[]): Binding {
  const bytes = data.byteLength;
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  // COPY_SRC: the direct kernel may copy small weights into a uniform binding.
  const buffer = state.pool.acquire(size, BufferUsage.STORAGE | BufferUsage.COPY_DST | BufferUsage.COPY_SRC, label);
  held.push(buffer);
  const whole = bytes - (bytes % 4);
  if (whole > 0) state.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, whole);
  if (whole < bytes) {
    const tail = new Uint8Array(4);
    tail.set(new Uint8Array(data.buffer, data.byteOffset + whole, bytes - whole));
    state.device.queue.writeBuffer(buffer, whole, tail);
  }
  return { buffer, size };
}

/** The binding of an operand: a GpuTensor's own buffer, or host data uploaded to a pooled one. */
export function operandBinding(state: DeviceState, x: Operand, label: string, held: GPUBuffer[]): Binding {
  return x instanceof GpuTensor ? { buffer: x.buffer, size: Math.max(4, x.size * 4) } : uploadPooled(state, x, label, held);
}

function algorithmState(state: DeviceState, choice: Choice): unknown {
  if (!choice.algorithm.createState) return undefined;
  let s = state.algorithmStates.get(choice.name);
  if (s === undefined) state.algorithmStates.set(choice.name, (s = choice.algorithm.createState(state.device)));
  return s;
}

/** Where a result goes: a GPU buffer (`target`, nothing read back), the caller's array, or a new one. */
export interface Destination {
  target?: GPUBuffer;
  into?: Float32Array | undefined;
  /** The work writes only textures: no output buffer is read back (`output` is a small scratch). */
  none?: boolean;
}

/** What one submission reports back. */
export interface Submitted {
  /** The result read back (empty with `dest.target`). */
  data: Float32Array;
  dispatches: number;
  /** GPU time of the compute pass (with `profile` and `timestamp-query`). */
  kernelMs?: number;
}

/**
 * Records one command buffer on `state`: `record` uploads what it needs (into pooled buffers it
 * pushes on `held`) and records its work with `rec` into `output` (`outBytes` bytes: `dest.target`, or
 * a pooled buffer that is then read back); then submit, error scopes, readback. WebGPU errors become
 * typed errors naming `where`. The pooled and scratch buffers go back to the pool once submitted.
 */
export async function submitRecorded(
  host: ExecutionHost, state: DeviceState, where: string, label: string, outBytes: number, dest: Destination,
  record: (rec: Recorder, output: Binding, held: GPUBuffer[]) => void,
): Promise<Submitted> {
  const { device, pool } = state;
  const held: GPUBuffer[] = [];
  const staging = dest.target || dest.none ? undefined : pool.acquire(outBytes, BufferUsage.MAP_READ | BufferUsage.COPY_DST, `${label}.readback`);
  let timestamps: GPUBuffer | undefined;
  let rec: Recorder | undefined;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  try {
    const output = { buffer: dest.target ?? pool.acquire(Math.max(4, outBytes), BufferUsage.STORAGE | BufferUsage.COPY_SRC, `${label}.output`), size: outBytes };
    if (!dest.target) held.push(output.buffer);
    const encoder = device.createCommandEncoder({ label: `webgpu-conv.${label}.encoder` });
    const qs = state.querySet;
    const writes = qs ? { querySet: qs, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined;
    rec = new Recorder(device, pool, host.planLimits, encoder, label, writes);
    record(rec, output, held);
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
  } catch (cause) {
    // A synchronous throw while encoding (a bug or a lost device): nothing was submitted.
    device.popErrorScope().catch(() => undefined);
    device.popErrorScope().catch(() => undefined);
    if (staging) pool.release(staging);
    if (timestamps) pool.release(timestamps);
    throw host.translate(state, where, cause);
  } finally {
    // Submitted (or abandoned) work no longer needs exclusive use of these buffers.
    rec?.release();
    for (const b of held) pool.release(b);
  }
  try {
    const [vErr, oErr] = await Promise.all([device.popErrorScope(), device.popErrorScope()]);
    if (oErr) throw new ResourceError(`${where}: the GPU ran out of memory: ${oErr.message}`);
    if (vErr) {
      forgetBindGroups(device);
      throw new GPUOperationError(`${where}: WebGPU validation error: ${vErr.message}`);
    }
    const result: Submitted = { data: new Float32Array(0), dispatches: rec.dispatches };
    if (staging) {
      await staging.mapAsync(MapMode.READ, 0, outBytes);
      const mapped = staging.getMappedRange(0, outBytes);
      if (dest.into) dest.into.set(new Float32Array(mapped));
      result.data = dest.into ?? new Float32Array(mapped.slice(0));
      staging.unmap();
    }
    if (timestamps) {
      await timestamps.mapAsync(MapMode.READ, 0, 16);
      const [t0, t1] = new BigInt64Array(timestamps.getMappedRange(0, 16));
      timestamps.unmap();
      if (t0 !== undefined && t1 !== undefined && t1 >= t0) result.kernelMs = Number(t1 - t0) / 1e6;
    }
    return result;
  } catch (cause) {
    throw host.translate(state, where, cause);
  } finally {
    if (staging) pool.release(staging);
    if (timestamps) pool.release(timestamps);
  }
}

/**
 * Runs one piece that fits the device: upload, the algorithm's dispatches (and the plane reversal
 * on the GPU when `reverse`), readback unless `dest.target`. Returns the piece's output.
 */
async function runPiece(
  host: ExecutionHost, state: DeviceState, op: string, piece: Piece, choice: Choice, info: RunInfo, dest: Destination & { reverse: boolean },
): Promise<Float32Array> {
  const g = piece.geometry;
  const outBytes = outputSize(g) * 4;
  const where = `${op} (${choice.name}; ${describeShape(g)})`;
  const done = await submitRecorded(host, state, where, `${op}.${choice.name}`, outBytes, dest, (rec, final, held) => {
    const biasBytes = g.K * 4;
    const bias = piece.bias ? uploadPooled(state, piece.bias, `${op}.bias`, held) : rec.zeros(biasBytes, `${op}.bias`);
    // An algorithm that uploads the host input itself gets a stand-in binding (never read) and the data.
    const ownsInput = choice.plan.ownsInputUpload === true && !(piece.input instanceof GpuTensor);
    const operands: ConvOperands = {
      input: ownsInput ? bias : operandBinding(state, piece.input, `${op}.input`, held),
      weight: operandBinding(state, piece.weight, `${op}.weight`, held),
      bias,
      output: dest.reverse ? rec.scratch(outBytes, `${op}.unreversed`) : final,
      hostInput: ownsInput ? (piece.input as Float32Array) : undefined,
      weightSource: piece.weight,
    };
    choice.algorithm.encode(rec, g, operands, choice.plan, algorithmState(state, choice));
    if (dest.reverse) encodeReverse(rec, g, operands.output, final);
  });
  info.dispatches += done.dispatches;
  if (done.kernelMs !== undefined) info.kernelMs = (info.kernelMs ?? 0) + done.kernelMs;
  host.count(choice.name, done.dispatches);
  return done.data;
}

/** Maps a failure to the typed error that explains it: destroyed engine, lost device, or as is. */
export function translateError(state: DeviceState, current: DeviceState, destroyed: boolean, where: string, cause: unknown): Error {
  if (cause instanceof ConvError) return cause;
  if (destroyed) return new EngineDestroyedError(where);
  if (state.lost || state !== current) {
    return new DeviceLostError(`${where}: the GPU device was lost while the operation ran (${state.lost?.reason ?? 'lost'}: ${state.lost?.message ?? ''}); retry the call`, { cause });
  }
  return new GPUOperationError(`${where}: ${(cause as Error)?.message ?? String(cause)}`, { cause });
}
