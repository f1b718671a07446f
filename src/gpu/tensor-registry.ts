/**
 * An engine's GpuTensors: which are alive (and their bytes), which calls in progress use, and what
 * becomes of a tensor's buffer when it is destroyed — the buffer pool takes it for the next tensor of
 * its size (reusing skips the allocation and the zeroing WebGPU gives every new buffer: 2.5–5 ms for
 * a 4 MiB output on llvmpipe; every op and upload writes its whole tensor, so no stale value shows).
 * A tensor destroyed while a call holds it keeps its buffer until that call is done.
 */
import { BufferUsage } from './constants.js';
import type { BufferPool } from './pool.js';
import type { GpuTensor } from './tensor.js';

/** Where the engine stands: its current device and pool, and whether it (or the device) is gone. */
export interface RegistryContext {
  device: GPUDevice;
  pool: BufferPool;
  /** The engine destroyed or its device lost: buffers are destroyed, not pooled. */
  gone: boolean;
}

export class TensorRegistry {
  readonly tensors = new Set<GpuTensor>();
  /** Bytes of the live, non-borrowed tensors' buffers. */
  bytes = 0;
  /** Tensors that calls in progress use (how many calls), and those destroyed meanwhile. */
  private readonly holds = new Map<GpuTensor, number>();
  private readonly releasedWhileHeld = new Set<GpuTensor>();

  constructor(private readonly context: () => RegistryContext) {}

  /** A buffer for a tensor of `bytes` bytes: a pooled one of exactly its size, else a new one. */
  newBuffer(device: GPUDevice, pool: BufferPool, bytes: number): GPUBuffer {
    const size = Math.max(4, Math.ceil(bytes / 4) * 4);
    const usage = BufferUsage.STORAGE | BufferUsage.COPY_SRC | BufferUsage.COPY_DST;
    return pool.take(size, usage) ?? device.createBuffer({ label: 'webgpu-conv.tensor', size, usage });
  }

  /** Starts tracking `t` (a borrowed buffer's bytes are the caller's). */
  track(t: GpuTensor): GpuTensor {
    this.tensors.add(t);
    if (!t.borrowed) this.bytes += t.buffer.size;
    return t;
  }

  /** `t` destroyed: its buffer to the pool (or destroyed), now or when the calls holding it are done. */
  release(t: GpuTensor): void {
    if (!this.tensors.delete(t) || t.borrowed) return;
    this.bytes -= t.buffer.size;
    if (this.holds.has(t) && !this.context().gone) this.releasedWhileHeld.add(t);
    else this.free(t);
  }

  /** Runs `f` with `held` held (see the module comment). */
  async holding<T>(held: readonly GpuTensor[], f: () => Promise<T>): Promise<T> {
    for (const t of held) this.holds.set(t, (this.holds.get(t) ?? 0) + 1);
    try {
      return await f();
    } finally {
      for (const t of held) {
        const n = (this.holds.get(t) ?? 1) - 1;
        if (n > 0) this.holds.set(t, n);
        else {
          this.holds.delete(t);
          if (this.releasedWhileHeld.delete(t)) this.free(t);
        }
      }
    }
  }

  private free(t: GpuTensor): void {
    const c = this.context();
    if (!c.gone && t.device === c.device) c.pool.adopt(t.buffer);
    else t.buffer.destroy();
  }
}
