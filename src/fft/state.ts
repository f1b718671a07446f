/**
 * Per-device FFT state: the host-computed tables (roots of unity per length, Bluestein chirps and
 * filter spectra), each computed once in float64, rounded to f32 and kept in a storage buffer on
 * the device, least recently used first out beyond a cap. The public ops keep one state per device
 * in a WeakMap (`fftStateFor`, `releaseFftStateFor`).
 */
import { bluesteinSpectrum, chirp64 } from '../cpu/fft-core.js';
import { BufferUsage } from '../gpu/constants.js';
import type { Binding } from '../gpu/recorder.js';

/** Tables kept per device: at most this many, and at most TABLE_CAP_BYTES together. */
const TABLE_CAP = 64;
const TABLE_CAP_BYTES = 128 * 1024 * 1024;

export interface FftState {
  readonly device: GPUDevice;
  /** Table key → buffer (Map order: least recently used first). */
  readonly tables: Map<string, GPUBuffer>;
  bytes: number;
  released: boolean;
}

export function createFftState(device: GPUDevice): FftState {
  return { device, tables: new Map(), bytes: 0, released: false };
}

/** Destroys every table of `state` (engine destroyed, or its device lost). */
export function releaseFftState(state: FftState): void {
  for (const b of state.tables.values()) b.destroy();
  state.tables.clear();
  state.bytes = 0;
  state.released = true;
}

const perDevice = new WeakMap<GPUDevice, FftState>();

/** The FFT state of `device` for the public ops, created on first use. */
export function fftStateFor(device: GPUDevice): FftState {
  let s = perDevice.get(device);
  if (!s) perDevice.set(device, (s = createFftState(device)));
  return s;
}

/** Frees the public ops' FFT state of `device` (call from releaseDeviceState). */
export function releaseFftStateFor(device: GPUDevice): void {
  const s = perDevice.get(device);
  if (!s) return;
  releaseFftState(s);
  perDevice.delete(device);
}

/**
 * The table `key`, made by `make` (interleaved re, im in float64) on first use. Tables pushed out
 * by the cap are destroyed only once the work already submitted is done — never synchronously — so
 * a recording that used one stays valid when it is submitted in the same task (as submitRecorded does).
 */
function table(state: FftState, key: string, make: () => Float64Array): Binding {
  let buffer = state.tables.get(key);
  if (buffer) {
    state.tables.delete(key);
    state.tables.set(key, buffer);
    return { buffer, size: buffer.size };
  }
  const data = Float32Array.from(make());
  buffer = state.device.createBuffer({ label: `webgpu-conv.fft.${key}`, size: Math.max(8, data.byteLength), usage: BufferUsage.STORAGE | BufferUsage.COPY_DST });
  state.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  state.tables.set(key, buffer);
  state.bytes += buffer.size;
  while (state.tables.size > TABLE_CAP || (state.bytes > TABLE_CAP_BYTES && state.tables.size > 1)) {
    const [oldKey, old] = state.tables.entries().next().value as [string, GPUBuffer];
    state.tables.delete(oldKey);
    state.bytes -= old.size;
    void state.device.queue.onSubmittedWorkDone().then(() => old.destroy(), () => old.destroy());
  }
  return { buffer, size: buffer.size };
}

function interleave(re: Float64Array, im: Float64Array): Float64Array {
  const out = new Float64Array(2 * re.length);
  for (let i = 0; i < re.length; i++) {
    out[2 * i] = re[i] as number;
    out[2 * i + 1] = im[i] as number;
  }
  return out;
}

/** e^{−2πij/n}, j < n (float64 cos/sin of the exact angle, using the symmetries for accuracy). */
export function rootsTable(state: FftState, n: number): Binding {
  return table(state, `roots${n}`, () => {
    const out = new Float64Array(2 * n);
    for (let j = 0; j < n; j++) {
      const a = (2 * Math.PI * j) / n;
      out[2 * j] = Math.cos(a);
      out[2 * j + 1] = -Math.sin(a);
    }
    return out;
  });
}

/** Bluestein's chirp e^{−πi·j²/n}, j < n (the kernels conjugate it for the inverse). */
export function chirpTable(state: FftState, n: number): Binding {
  return table(state, `chirp${n}`, () => {
    const c = chirp64(n, false);
    return interleave(c.re, c.im);
  });
}

/** The spectrum of Bluestein's filter for length n through length m, divided by m (per direction). */
export function spectrumTable(state: FftState, n: number, m: number, inverse: boolean): Binding {
  return table(state, `bluestein${n}:${m}:${inverse ? 'inv' : 'fwd'}`, () => {
    const s = bluesteinSpectrum(n, m, inverse);
    return interleave(s.re, s.im);
  });
}
