/**
 * Records the dispatches of one operation into one compute pass: per dispatch a pooled uniform
 * buffer, the cached pipeline, a bind group, and a grid fitted to the device limits.
 */
import { BufferUsage } from './constants.js';
import { fitGrid } from './dispatch.js';
import { encodeParams, PARAMS_BYTES, type ParamValues } from './params.js';
import { getPipeline, type KernelSpec } from './pipelines.js';
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

/** A buffer binding: a (pooled, possibly larger) buffer and the bytes of it in use, from `offset` (default 0). */
export interface Binding {
  buffer: GPUBuffer;
  size: number;
  offset?: number;
}

/** A texture binding. */
export interface TextureBinding {
  view: GPUTextureView;
}

export class Recorder {
  private readonly pass: GPUComputePassEncoder;
  private readonly held: GPUBuffer[] = [];
  dispatches = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
    readonly limits: PlanLimits,
    encoder: GPUCommandEncoder,
    label: string,
    timestampWrites?: GPUComputePassTimestampWrites,
  ) {
    this.pass = encoder.beginComputePass({ label: `webgpu-conv.${label}.pass`, ...(timestampWrites ? { timestampWrites } : {}) });
  }

  /** A scratch storage buffer (plus `extraUsage`) for this operation, returned to the pool by `release()`. */
  scratch(bytes: number, label: string, extraUsage = 0): Binding {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const buffer = this.pool.acquire(size, BufferUsage.STORAGE | extraUsage, label);
    this.held.push(buffer);
    return { buffer, size };
  }

  /**
   * Dispatches `workgroups` workgroups of `spec` with `params` and `bindings` 1, 2, … (null: a binding
   * number the entry point does not use).
   */
  dispatch(spec: KernelSpec, params: ParamValues, bindings: Array<Binding | TextureBinding | null>, workgroups: number): void {
    const uniform = this.pool.acquire(PARAMS_BYTES, BufferUsage.UNIFORM | BufferUsage.COPY_DST, 'params');
    this.held.push(uniform);
    this.device.queue.writeBuffer(uniform, 0, encodeParams({ ...params, wgTotal: workgroups }));
    const pipeline = getPipeline(this.device, spec);
    const bindGroup = this.device.createBindGroup({
      label: `webgpu-conv.${spec.family}.bindgroup`,
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniform, size: PARAMS_BYTES } },
        ...bindings.flatMap((b, i) => {
          if (!b) return [];
          const resource = 'view' in b ? b.view : { buffer: b.buffer, offset: b.offset ?? 0, size: b.size };
          return [{ binding: i + 1, resource }];
        }),
      ],
    });
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    const [x, y, z] = fitGrid(workgroups, this.limits.maxComputeWorkgroupsPerDimension);
    this.pass.dispatchWorkgroups(x, y, z);
    this.dispatches++;
  }

  /** Ends the pass. */
  end(): void {
    this.pass.end();
  }

  /** Returns the scratch and uniform buffers to the pool; call after the commands are submitted. */
  release(): void {
    for (const b of this.held) this.pool.release(b);
    this.held.length = 0;
  }
}
