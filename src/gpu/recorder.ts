/**
 * Records the work of one piece of an operation: buffer copies first, then one compute pass of
 * dispatches. Each dispatch's uniform is a 256-byte slot of a pooled arena written once when the
 * recording ends; pipelines and bind groups come from their caches, so a repeated call allocates
 * nothing on the GPU.
 */
import { BufferUsage } from './constants.js';
import { fitGrid } from './dispatch.js';
import { encodeParams, paramsBytes, type KernelFamily, type ParamValues } from './params.js';
import { getBindGroup, getPipeline, type BindResource, type KernelSpec } from './pipelines.js';
import type { BufferPool } from './pool.js';

/** The limits the planners obey: the device's, or lower ones given to `createEngine`. */
export interface PlanLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupsPerDimension: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxUniformBufferBindingSize: number;
}

/** The limit one buffer binding must stay within. */
export function bindingLimit(limits: { maxStorageBufferBindingSize: number; maxBufferSize: number }): number {
  return Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
}

/** A buffer binding: a (pooled, possibly larger) buffer and the bytes of it in use, from `offset` (default 0). */
export interface Binding {
  buffer: GPUBuffer;
  size: number;
  offset?: number;
}

/** A texture binding: a view, or a video frame's external texture. */
export interface TextureBinding {
  view: GPUTextureView | GPUExternalTexture;
}

/** Uniform slots per arena buffer (each slot 256 bytes, the largest offset alignment WebGPU allows). */
const ARENA_SLOTS = 64;
const SLOT_BYTES = 256;

export class Recorder {
  private pass: GPUComputePassEncoder | undefined;
  private readonly held: GPUBuffer[] = [];
  /** Uniform arenas of this recording and their host copies. */
  private readonly arenas: Array<{ buffer: GPUBuffer; data: ArrayBuffer }> = [];
  private slots = 0;
  dispatches = 0;

  constructor(
    readonly device: GPUDevice,
    private readonly pool: BufferPool,
    readonly limits: PlanLimits,
    private readonly encoder: GPUCommandEncoder,
    private readonly label: string,
    private readonly timestampWrites?: GPUComputePassTimestampWrites,
  ) {}

  /** A scratch storage buffer (plus `extraUsage`) for this operation, returned to the pool by `release()`. */
  scratch(bytes: number, label: string, extraUsage = 0): Binding {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const buffer = this.pool.acquire(size, BufferUsage.STORAGE | extraUsage, label);
    this.held.push(buffer);
    return { buffer, size };
  }

  /** A scratch storage buffer of `bytes` zeros (cleared before the first dispatch). */
  zeros(bytes: number, label: string): Binding {
    if (this.pass) throw new Error('Recorder.zeros: clears must be recorded before the first dispatch');
    const b = this.scratch(bytes, label, BufferUsage.COPY_DST);
    this.encoder.clearBuffer(b.buffer, 0, b.size);
    return b;
  }

  /** Copies `bytes` bytes from `src` to `dst` (both from offset 0). Only before the first dispatch. */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number): void {
    if (this.pass) throw new Error('Recorder.copy: copies must be recorded before the first dispatch');
    this.encoder.copyBufferToBuffer(src, 0, dst, 0, bytes);
  }

  /** A uniform slot for `params`, in the current arena (a new one when it is full). */
  private uniformSlot(params: ArrayBuffer): { buffer: GPUBuffer; offset: number } {
    const slot = this.slots++ % ARENA_SLOTS;
    if (slot === 0) {
      const buffer = this.pool.acquire(ARENA_SLOTS * SLOT_BYTES, BufferUsage.UNIFORM | BufferUsage.COPY_DST, 'params');
      this.held.push(buffer);
      this.arenas.push({ buffer, data: new ArrayBuffer(ARENA_SLOTS * SLOT_BYTES) });
    }
    const arena = this.arenas[this.arenas.length - 1] as { buffer: GPUBuffer; data: ArrayBuffer };
    new Uint8Array(arena.data, slot * SLOT_BYTES, params.byteLength).set(new Uint8Array(params));
    return { buffer: arena.buffer, offset: slot * SLOT_BYTES };
  }

  /**
   * Dispatches `workgroups` workgroups of `spec` with `params` and `bindings` 1, 2, … (null: a binding
   * number the entry point does not use).
   */
  dispatch<F extends KernelFamily>(
    spec: KernelSpec<F>, params: ParamValues<F>, bindings: ReadonlyArray<Binding | TextureBinding | null>, workgroups: number,
  ): void {
    const bytes = paramsBytes(spec.family);
    const uniform = this.uniformSlot(encodeParams(spec.family, { ...params, wgTotal: workgroups } as ParamValues<F>));
    const pipeline = getPipeline(this.device, spec);
    const entries: Array<[number, BindResource]> = [[0, { buffer: uniform.buffer, offset: uniform.offset, size: bytes }]];
    bindings.forEach((b, i) => {
      if (b) entries.push([i + 1, 'view' in b ? b.view : { buffer: b.buffer, offset: b.offset ?? 0, size: b.size }]);
    });
    const bindGroup = getBindGroup(this.device, pipeline, entries, `webgpu-conv.${spec.family}.bindgroup`);
    this.pass ??= this.encoder.beginComputePass({
      label: `webgpu-conv.${this.label}.pass`,
      ...(this.timestampWrites ? { timestampWrites: this.timestampWrites } : {}),
    });
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    const [x, y, z] = fitGrid(workgroups, this.limits.maxComputeWorkgroupsPerDimension);
    this.pass.dispatchWorkgroups(x, y, z);
    this.dispatches++;
  }

  /** Ends the pass and writes the uniforms (queued before the commands that read them). */
  end(): void {
    this.pass?.end();
    this.arenas.forEach((a, i) => {
      const used = Math.min(ARENA_SLOTS, this.slots - i * ARENA_SLOTS) * SLOT_BYTES;
      this.device.queue.writeBuffer(a.buffer, 0, a.data, 0, used);
    });
  }

  /** Returns the scratch and uniform buffers to the pool; call after the commands are submitted. */
  release(): void {
    for (const b of this.held) this.pool.release(b);
    this.held.length = 0;
  }
}
