/**
 * A pool of GPU buffers keyed by usage and size class. Buffers are handed back with `release()`
 * once the work that uses them has been submitted (the queue orders later uses after it), and
 * reused by later calls, so a hot path allocates nothing.
 */

/** What the pool holds, for `engine.stats()`. */
export interface PoolStats {
  /** Bytes of every live buffer the pool created (in use or free). */
  bytesAllocated: number;
  /** Bytes of free buffers waiting for reuse. */
  bytesPooled: number;
  buffersAllocated: number;
}

const MiB = 1 << 20;

/** The size class of a request: a power of two up to 4 MiB, then a multiple of 4 MiB, at least 256 B. */
export function sizeClass(bytes: number, maxBufferSize: number): number {
  const b = Math.max(256, bytes);
  const c = b <= 4 * MiB ? 2 ** Math.ceil(Math.log2(b)) : Math.ceil(b / (4 * MiB)) * 4 * MiB;
  return c <= maxBufferSize ? c : Math.ceil(bytes / 4) * 4;
}

function keyOf(buffer: GPUBuffer): string {
  return `${buffer.usage}:${buffer.size}`;
}

export class BufferPool {
  private readonly free = new Map<string, GPUBuffer[]>();
  /** Free buffers in release order, least recently used first (for eviction). */
  private readonly lru = new Set<GPUBuffer>();
  private readonly live = new Set<GPUBuffer>();
  private pooledBytes = 0;
  private allocatedBytes = 0;

  /** `capBytes`: free buffers beyond this many bytes are destroyed, least recently used first. */
  constructor(
    private readonly device: GPUDevice,
    private readonly maxBufferSize: number,
    private readonly capBytes = Infinity,
  ) {}

  /** A buffer of at least `bytes` bytes with exactly `usage`. */
  acquire(bytes: number, usage: number, label: string): GPUBuffer {
    const size = sizeClass(bytes, this.maxBufferSize);
    const list = this.free.get(`${usage}:${size}`);
    const reused = list?.pop();
    if (reused) {
      this.lru.delete(reused);
      this.pooledBytes -= reused.size;
      return reused;
    }
    const buffer = this.device.createBuffer({ label: `webgpu-conv.${label}`, size, usage });
    this.live.add(buffer);
    this.allocatedBytes += size;
    return buffer;
  }

  /**
   * A free buffer of exactly `size` bytes and `usage`, taken out of the pool (no longer counted or
   * destroyed by it: the caller owns it), or undefined. For GpuTensors, whose buffers are exact.
   */
  take(size: number, usage: number): GPUBuffer | undefined {
    const buffer = this.free.get(`${usage}:${size}`)?.pop();
    if (!buffer) return undefined;
    this.lru.delete(buffer);
    this.live.delete(buffer);
    this.pooledBytes -= buffer.size;
    this.allocatedBytes -= buffer.size;
    return buffer;
  }

  /** Takes ownership of `buffer` (created elsewhere, its work submitted) as a free buffer for reuse. */
  adopt(buffer: GPUBuffer): void {
    if (this.live.has(buffer)) return;
    this.live.add(buffer);
    this.allocatedBytes += buffer.size;
    this.release(buffer);
  }

  /** Returns a buffer for reuse. Only call once the commands using it have been submitted. */
  release(buffer: GPUBuffer): void {
    if (!this.live.has(buffer) || this.lru.has(buffer)) return;
    let list = this.free.get(keyOf(buffer));
    if (!list) this.free.set(keyOf(buffer), (list = []));
    list.push(buffer);
    this.lru.add(buffer);
    this.pooledBytes += buffer.size;
    for (const old of this.lru) {
      if (this.pooledBytes <= this.capBytes) break;
      this.evict(old);
    }
  }

  private evict(buffer: GPUBuffer): void {
    const list = this.free.get(keyOf(buffer));
    list?.splice(list.indexOf(buffer), 1);
    this.lru.delete(buffer);
    this.live.delete(buffer);
    this.pooledBytes -= buffer.size;
    this.allocatedBytes -= buffer.size;
    buffer.destroy();
  }

  stats(): PoolStats {
    return { bytesAllocated: this.allocatedBytes, bytesPooled: this.pooledBytes, buffersAllocated: this.live.size };
  }

  /** Destroys every buffer the pool created. */
  destroy(): void {
    for (const b of this.live) b.destroy();
    this.live.clear();
    this.free.clear();
    this.lru.clear();
    this.pooledBytes = 0;
    this.allocatedBytes = 0;
  }
}
