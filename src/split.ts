/**
 * Splitting a job whose tensors exceed the device's buffer limits into pieces that fit: over the
 * batch, then over output channels (along group boundaries where it can), then over output rows
 * (each piece gets a host-built slab of the input rows it reads, the row boundary rule applied on
 * the host). Each piece's output lands at (n0, k0, oy0) of the whole output. Pure host logic.
 */
import { extendIndex } from './cpu/reference.js';
import { ResourceError } from './errors.js';
import { reductionLength, type ConvGeometry } from './geometry.js';
import type { ConvJob, Operand } from './ops/job.js';

/** One piece of a job, with where its [N', K', OH', OW] output goes in the whole output. */
export interface Piece<T extends Operand = Operand> {
  geometry: ConvGeometry;
  input: T;
  weight: T;
  bias: Float32Array | undefined;
  n0: number;
  k0: number;
  oy0: number;
}
type HostPiece = Piece<Float32Array>;
/** A job whose operands are on the host (splitting slices them). */
export type HostJob = Omit<ConvJob, 'input' | 'weight'> & { input: Float32Array; weight: Float32Array };


const bytes = {
  input: (g: ConvGeometry) => g.N * g.C * g.H * g.W * 4,
  weight: (g: ConvGeometry) => g.K * reductionLength(g) * 4,
  output: (g: ConvGeometry) => g.N * g.K * g.OH * g.OW * 4,
};

/** Whether the job's input, weight and output each fit one binding of `limit` bytes. */
export function fits(g: ConvGeometry, limit: number): boolean {
  return bytes.input(g) <= limit && bytes.weight(g) <= limit && bytes.output(g) <= limit;
}

function tooLarge(what: string, need: number, limit: number): ResourceError {
  return new ResourceError(
    `${what} needs ${need} bytes in one buffer binding even after splitting, more than the device allows (${limit} bytes, maxStorageBufferBindingSize/maxBufferSize)`,
  );
}

/** Splits `job` into pieces whose input, weight and output each fit `limit` bytes. */
export function splitJob(job: HostJob, limit: number): HostPiece[] {
  const whole: HostPiece = { geometry: job.geometry, input: job.input, weight: job.weight, bias: job.bias, n0: 0, k0: 0, oy0: 0 };
  return split(whole, limit);
}

function split(p: HostPiece, limit: number): HostPiece[] {
  const g = p.geometry;
  if (fits(g, limit)) return [p];
  if (g.N > 1) return splitBatch(p, limit);
  if (bytes.weight(g) > limit && g.K === 1) throw tooLarge("one output channel's weights", bytes.weight(g), limit);
  if (bytes.weight(g) > limit || (bytes.output(g) > limit && g.K > 1)) return splitChannels(p, limit);
  return splitRows(p, limit);
}

function splitBatch(p: HostPiece, limit: number): HostPiece[] {
  const g = p.geometry;
  const perN = Math.max(g.C * g.H * g.W, g.K * g.OH * g.OW) * 4;
  const step = Math.max(1, Math.min(g.N - 1, Math.floor(limit / perN)));
  const out: HostPiece[] = [];
  const inN = g.C * g.H * g.W;
  for (let n = 0; n < g.N; n += step) {
    const cnt = Math.min(step, g.N - n);
    out.push(...split({ ...p, geometry: { ...g, N: cnt }, input: p.input.subarray(n * inN, (n + cnt) * inN), n0: p.n0 + n }, limit));
  }
  return out;
}

function splitChannels(p: HostPiece, limit: number): HostPiece[] {
  const g = p.geometry;
  const Cg = g.C / g.groups;
  const Kg = g.K / g.groups;
  const perK = Math.max(Cg * g.KH * g.KW, g.N * g.OH * g.OW) * 4;
  const kc = Math.max(1, Math.min(g.K - 1, Math.floor(limit / perK)));
  const wPerK = Cg * g.KH * g.KW;
  const plane = g.H * g.W;
  const out: HostPiece[] = [];
  const piece = (k0: number, k1: number, c0: number, c1: number, groups: number) =>
    split(
      {
        ...p,
        geometry: { ...g, K: k1 - k0, C: c1 - c0, groups },
        // N = 1 here (batches were split first), so a channel range of the input is contiguous.
        input: g.groups === 1 ? p.input : p.input.subarray(c0 * plane, c1 * plane),
        weight: p.weight.subarray(k0 * wPerK, k1 * wPerK),
        bias: p.bias?.subarray(k0, k1),
        k0: p.k0 + k0,
      },
      limit,
    );
  if (g.groups === 1) {
    for (let k = 0; k < g.K; k += kc) out.push(...piece(k, Math.min(g.K, k + kc), 0, g.C, 1));
  } else if (kc >= Kg) {
    const gc = Math.floor(kc / Kg);
    for (let gr = 0; gr < g.groups; gr += gc) {
      const g1 = Math.min(g.groups, gr + gc);
      out.push(...piece(gr * Kg, g1 * Kg, gr * Cg, g1 * Cg, g1 - gr));
    }
  } else {
    for (let gr = 0; gr < g.groups; gr++) {
      for (let k = 0; k < Kg; k += kc) out.push(...piece(gr * Kg + k, gr * Kg + Math.min(Kg, k + kc), gr * Cg, (gr + 1) * Cg, 1));
    }
  }
  return out;
}

function splitRows(p: HostPiece, limit: number): HostPiece[] {
  const g = p.geometry;
  const slabRows = (oh: number) => (oh - 1) * g.strideH + (g.KH - 1) * g.dilationH + 1;
  let oh = g.OH;
  while (oh > 1 && (slabRows(oh) * g.C * g.W * 4 > limit || g.K * oh * g.OW * 4 > limit)) oh = Math.ceil(oh / 2);
  if (slabRows(oh) * g.C * g.W * 4 > limit) throw tooLarge('the input rows one output row reads', slabRows(oh) * g.C * g.W * 4, limit);
  if (g.K * oh * g.OW * 4 > limit) throw tooLarge('one output row', g.K * oh * g.OW * 4, limit);
  const out: HostPiece[] = [];
  for (let oy = 0; oy < g.OH; oy += oh) {
    const rows = Math.min(oh, g.OH - oy);
    const R = slabRows(rows);
    const r0 = oy * g.strideH - g.padTop;
    // Slab of input rows r0 … r0 + R − 1 of every channel, mapped by the boundary rule (fill rows
    // hold the fill value), so the piece reads rows only in range and its padTop is 0.
    const slab = new Float32Array(g.C * R * g.W);
    for (let c = 0; c < g.C; c++) {
      for (let r = 0; r < R; r++) {
        const src = extendIndex(r0 + r, g.H, g.boundary);
        const dst = (c * R + r) * g.W;
        if (src < 0) slab.fill(g.fillValue, dst, dst + g.W);
        else slab.set(p.input.subarray((c * g.H + src) * g.W, (c * g.H + src + 1) * g.W), dst);
      }
    }
    out.push({ ...p, geometry: { ...g, H: R, padTop: 0, OH: rows }, input: slab, oy0: p.oy0 + oy });
  }
  return out;
}

/** Copies a piece's output [N', K', OH', OW] into the whole output [N, K, OH, OW]. */
export function placePiece(whole: Float32Array, g: ConvGeometry, piece: Piece, data: Float32Array): void {
  const pg = piece.geometry;
  for (let n = 0; n < pg.N; n++) {
    for (let k = 0; k < pg.K; k++) {
      const src = (n * pg.K + k) * pg.OH * pg.OW;
      const dst = (((piece.n0 + n) * g.K + piece.k0 + k) * g.OH + piece.oy0) * g.OW;
      whole.set(data.subarray(src, src + pg.OH * pg.OW), dst);
    }
  }
}
