/**
 * What an algorithm derives from a GpuTensor weight (FFT's weight spectra, Winograd's transformed
 * weights), kept per device so that a repeated layer skips the transform. Keyed by the tensor (whose
 * contents never change) and a layout string; bounded by entries and bytes, least recently used
 * first; entries of destroyed tensors are dropped. Host weights are derived into scratch every call.
 */
import { BufferUsage } from '../gpu/constants.js';
import type { Binding, Recorder } from '../gpu/recorder.js';
import type { GpuTensor } from '../gpu/tensor.js';

const tensorIds = new WeakMap<object, number>();
let nextTensorId = 1;

export class WeightCache {
  private readonly entries = new Map<string, { tensor: GpuTensor; buffer: GPUBuffer; bytes: number }>();
  private bytes = 0;

  constructor(
    private readonly label: string,
    private readonly maxEntries = 16,
    private readonly maxBytes = 128 << 20,
  ) {}

  /**
   * The derived weights of `tensor` (undefined: host data) in `layout`, `bytes` long: a cached buffer,
   * or a new one (cached for a tensor, scratch otherwise) that `derive` records into.
   */
  binding(rec: Recorder, tensor: GpuTensor | undefined, layout: string, bytes: number, extraUsage: number, derive: (dst: Binding) => void): Binding {
    if (!tensor) {
      const dst = rec.scratch(bytes, this.label, extraUsage);
      derive(dst);
      return dst;
    }
    for (const [k, e] of this.entries) if (e.tensor.destroyed) this.evict(k);
    let id = tensorIds.get(tensor);
    if (id === undefined) tensorIds.set(tensor, (id = nextTensorId++));
    const key = `${id}:${layout}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return { buffer: hit.buffer, size: bytes };
    }
    const buffer = rec.device.createBuffer({ label: `webgpu-conv.${this.label}`, size: bytes, usage: BufferUsage.STORAGE | extraUsage });
    this.entries.set(key, { tensor, buffer, bytes });
    this.bytes += bytes;
    for (const oldest of this.entries.keys()) {
      if (oldest === key || (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes)) break;
      this.evict(oldest);
    }
    const dst = { buffer, size: bytes };
    derive(dst);
    return dst;
  }

  /** Frees every cached buffer. */
  destroy(): void {
    for (const e of this.entries.values()) e.buffer.destroy();
    this.entries.clear();
    this.bytes = 0;
  }

  private evict(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
    e.buffer.destroy();
  }
}
