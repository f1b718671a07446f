/**
 * What an algorithm derives from a weight (FFT's weight spectra, Winograd's transformed weights),
 * kept per device so that a repeated layer or filter skips the transform. A GpuTensor weight (whose
 * contents never change) is keyed by its identity and cached on first use. A host weight is keyed by
 * its contents: a copy is kept and compared bit for bit on every lookup (after a hash of a few
 * sampled values picks the entry), so a host array changed in place is transformed again, never
 * served stale; and it is cached from its second use with equal values (the first only records the
 * copy and derives into pooled scratch), so weights that change on every call (training) allocate no
 * GPU buffers. Keys add a layout string. Bounded by entries and bytes (derived buffers and host
 * copies), least recently used first; entries of destroyed tensors are dropped.
 */
import { BufferUsage } from '../gpu/constants.js';
import type { Binding, Recorder } from '../gpu/recorder.js';
import { GpuTensor } from '../gpu/tensor.js';

const tensorIds = new WeakMap<object, number>();
let nextTensorId = 1;

/** Values the hash of a host weight samples (evenly spaced; the comparison reads all of them). */
const SAMPLES = 64;

/** Bits of `data`, for comparisons that tell −0 from 0 and NaN payloads apart. */
const bitsOf = (data: Float32Array): Uint32Array => new Uint32Array(data.buffer, data.byteOffset, data.length);

/** A hash of `data`'s length and up to SAMPLES of its values (FNV-1a over their bits). */
function sampledHash(data: Float32Array): string {
  const bits = bitsOf(data);
  const step = Math.max(1, Math.floor(bits.length / SAMPLES));
  let h = 0x811c9dc5 ^ bits.length;
  for (let i = 0; i < bits.length; i += step) h = Math.imul(h ^ (bits[i] as number), 0x01000193);
  return (h >>> 0).toString(36);
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

interface Entry {
  /** The derived weights; undefined for a host weight seen once (only its copy is kept). */
  buffer?: GPUBuffer;
  bytes: number;
  /** The GpuTensor it derives from, or the copy of the host weight. */
  tensor?: GpuTensor;
  copy?: Uint32Array;
}

/** A weight as the algorithms receive it: its GpuTensor, or its host values. */
export type WeightSource = GpuTensor | Float32Array;

export class WeightCache {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly label: string,
    private readonly maxEntries = 16,
    private readonly maxBytes = 128 << 20,
  ) {}

  /**
   * The derived weights of `source` in `layout`, `bytes` long: a cached buffer, or one that `derive`
   * records into — new and cached for a GpuTensor or a host weight seen before with equal values,
   * pooled scratch otherwise (no source, a host weight's first use, or an entry that alone would
   * exceed the byte bound).
   */
  binding(rec: Recorder, source: WeightSource | undefined, layout: string, bytes: number, extraUsage: number, derive: (dst: Binding) => void): Binding {
    const scratch = (): Binding => {
      const dst = rec.scratch(bytes, this.label, extraUsage);
      derive(dst);
      return dst;
    };
    const host = source instanceof Float32Array;
    if (!source || bytes + (host ? source.byteLength : 0) > this.maxBytes) return scratch();
    for (const [k, e] of this.entries) if (e.tensor?.destroyed) this.evict(k);
    const key = `${this.sourceKey(source)}:${layout}`;
    const found = this.entries.get(key);
    const same = found !== undefined && (found.tensor !== undefined || sameBits(found.copy as Uint32Array, bitsOf(source as Float32Array)));
    if (found?.buffer && same) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, found);
      return { buffer: found.buffer, size: bytes };
    }
    // A host weight whose sampled hash matched different contents replaces that entry.
    if (found) this.evict(key);
    if (host && !same) {
      this.add(key, { bytes: source.byteLength, copy: bitsOf(source).slice() });
      return scratch();
    }
    const buffer = rec.device.createBuffer({ label: `webgpu-conv.${this.label}`, size: bytes, usage: BufferUsage.STORAGE | extraUsage });
    this.add(key, host ? { buffer, bytes: bytes + source.byteLength, copy: (found as Entry).copy } : { buffer, bytes, tensor: source as GpuTensor });
    const dst = { buffer, size: bytes };
    derive(dst);
    return dst;
  }

  /** Whether the derived weights of `source` in `layout` are cached (an entry of a destroyed tensor is not). Changes nothing. */
  has(source: WeightSource, layout: string): boolean {
    const e = this.entries.get(`${this.sourceKey(source)}:${layout}`);
    if (!e?.buffer) return false;
    return e.tensor ? !e.tensor.destroyed : sameBits(e.copy as Uint32Array, bitsOf(source as Float32Array));
  }

  /** Frees every cached buffer. */
  destroy(): void {
    for (const e of this.entries.values()) e.buffer?.destroy();
    this.entries.clear();
    this.bytes = 0;
  }

  private sourceKey(source: WeightSource): string {
    if (source instanceof Float32Array) return `h${sampledHash(source)}`;
    let id = tensorIds.get(source);
    if (id === undefined) tensorIds.set(source, (id = nextTensorId++));
    return `t${id}`;
  }

  /** Adds `entry` as the most recently used, then evicts the least recently used beyond the bounds. */
  private add(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    for (const oldest of this.entries.keys()) {
      if (oldest === key || (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes)) break;
      this.evict(oldest);
    }
  }

  private evict(key: string): void {
    const e = this.entries.get(key);
    if (!e) return;
    this.entries.delete(key);
    this.bytes -= e.bytes;
    e.buffer?.destroy();
  }
}
