/** Tensors resident on an engine's GPU, to chain operations without a round trip through the host. */
import type { HostTensor } from '../types.js';

/** What a `GpuTensor` needs from the engine that made it. */
export interface GpuTensorOwner {
  readTensor(t: GpuTensor): Promise<HostTensor>;
  releaseTensor(t: GpuTensor): void;
}

/**
 * A float32 tensor in a GPU buffer of an engine (`engine.upload(...)`, or an op called with
 * `output: 'gpu'`). Every op of the same engine accepts it wherever it accepts a host tensor.
 */
export class GpuTensor {
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly size: number;
  private released = false;

  /** Made by the engine; use `engine.upload()`. */
  constructor(
    private readonly owner: GpuTensorOwner,
    /** The buffer holding the data (owned by the tensor unless `borrowed`; do not destroy it yourself). */
    readonly buffer: GPUBuffer,
    /** The device the buffer lives on. */
    readonly device: GPUDevice,
    shape: readonly number[],
    /** Wrapped by `engine.wrap`: the buffer belongs to the caller and outlives the tensor. */
    readonly borrowed = false,
  ) {
    this.shape = Object.freeze([...shape]);
    this.size = shape.reduce((a, b) => a * b, 1);
  }

  /** Whether `destroy()` was called (or the engine was destroyed). */
  get destroyed(): boolean {
    return this.released;
  }

  /** Copies the tensor back to the host. */
  read(): Promise<HostTensor> {
    return this.owner.readTensor(this);
  }

  /** Frees the GPU buffer (a borrowed one, from `engine.wrap`, is left to its owner). Idempotent. */
  destroy(): void {
    if (this.released) return;
    this.released = true;
    this.owner.releaseTensor(this);
  }

  [Symbol.dispose](): void {
    this.destroy();
  }
}
