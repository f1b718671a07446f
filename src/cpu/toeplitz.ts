/**
 * A second, independent CPU form of single-channel convolution: the explicit (doubly block)
 * Toeplitz matrix of the kernel times the flattened input. Quadratic memory, so small sizes only;
 * it exists to cross-check the loop reference and the GPU kernels.
 */
import { ShapeError } from '../errors.js';
import { MODES } from '../ops/job.js';
import type { HostTensor, Mode } from '../types.js';
import { checkTensor, oneOf } from '../validate.js';

/** Largest matrix (rows × cols) these helpers will build. */
const MAX_ENTRIES = 4e7;

/** A dense row-major float64 matrix. */
export interface DenseMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** A doubly block Toeplitz matrix plus the [OH, OW] shape of the output it produces. */
export interface BlockToeplitz extends DenseMatrix {
  OH: number;
  OW: number;
}

function allocate(op: string, rows: number, cols: number): Float64Array {
  if (rows * cols > MAX_ENTRIES) {
    throw new ShapeError(`${op}: the ${rows}×${cols} matrix would exceed ${MAX_ENTRIES} entries; use it for small sizes only`);
  }
  return new Float64Array(rows * cols);
}

/** y = A·x, stored as float32. */
function matVec(A: DenseMatrix, x: ArrayLike<number>): Float32Array {
  const y = new Float32Array(A.rows);
  for (let r = 0; r < A.rows; r++) {
    let acc = 0;
    const base = r * A.cols;
    for (let c = 0; c < A.cols; c++) acc += (A.data[base + c] as number) * (x[c] as number);
    y[r] = acc;
  }
  return y;
}

/**
 * The 1-D selection of the full convolution (length n + m − 1) that NumPy's `mode` returns, where
 * `short` = min(n, m) and `long` = max(n, m): full → all; same → `long` entries from
 * short − 1 − ⌊short/2⌋; valid → long − short + 1 entries from short − 1.
 */
function numpySelection(n: number, m: number, mode: Mode): { offset: number; length: number } {
  const short = Math.min(n, m);
  const long = Math.max(n, m);
  if (mode === 'full') return { offset: 0, length: n + m - 1 };
  if (mode === 'same') return { offset: short - 1 - Math.floor(short / 2), length: long };
  return { offset: short - 1, length: long - short + 1 };
}

/**
 * The Toeplitz matrix T with T·x = numpy.convolve(x, kernel, mode) for a signal x of length n.
 * Full row i (output position), column j (input position): T[i, j] = kernel[i − j] when
 * 0 ≤ i − j < m, else 0; 'same'/'valid' keep the rows NumPy keeps.
 */
export function toeplitzMatrix1d(n: number, kernel: Float32Array, mode: Mode = 'full'): DenseMatrix {
  const op = 'toeplitzMatrix1d';
  if (!Number.isInteger(n) || n < 1) throw new ShapeError(`${op}: signal length must be a positive integer, got ${n}`);
  if (!(kernel instanceof Float32Array) || kernel.length < 1) throw new ShapeError(`${op}: kernel must be a non-empty Float32Array`);
  oneOf(op, 'mode', mode, MODES);
  const m = kernel.length;
  const { offset, length } = numpySelection(n, m, mode);
  const data = allocate(op, length, n);
  for (let r = 0; r < length; r++) {
    const i = r + offset; // row of the full matrix
    for (let j = 0; j < n; j++) {
      const t = i - j;
      if (t >= 0 && t < m) data[r * n + j] = kernel[t] as number;
    }
  }
  return { rows: length, cols: n, data };
}

/** numpy.convolve(signal, kernel, mode) as an explicit Toeplitz matrix–vector product. */
export function toeplitz1d(signal: Float32Array, kernel: Float32Array, mode: Mode = 'full'): Float32Array {
  if (!(signal instanceof Float32Array) || signal.length < 1) {
    throw new ShapeError('toeplitz1d: signal must be a non-empty Float32Array');
  }
  return matVec(toeplitzMatrix1d(signal.length, kernel, mode), signal);
}

/** The full (FW × W) Toeplitz block of one kernel row: B[i, j] = row[i − j] for 0 ≤ i − j < KW. */
function rowBlock(row: Float32Array, W: number): DenseMatrix {
  const KW = row.length;
  const rows = W + KW - 1;
  const data = new Float64Array(rows * W);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < W; j++) {
      const t = i - j;
      if (t >= 0 && t < KW) data[i * W + j] = row[t] as number;
    }
  }
  return { rows, cols: W, data };
}

/** SciPy's crop offset for convolve2d along an axis with kernel length k. */
function scipyOffset(k: number, mode: Mode): number {
  if (mode === 'full') return 0;
  if (mode === 'same') return Math.floor((k - 1) / 2);
  return k - 1;
}

/**
 * The doubly block Toeplitz matrix D with D·vec(x) = vec(scipy convolve2d(x, kernel, mode)) for an
 * H×W image, boundary 'fill' with 0. In the full matrix, block (I, J) — output row I, image row J —
 * is the Toeplitz block of kernel row I − J when 0 ≤ I − J < KH, else zero; 'same'/'valid' keep
 * block rows I = oy + offY and, inside each block, rows ox + offX.
 */
export function doublyBlockToeplitz(H: number, W: number, kernel: HostTensor, mode: Mode = 'full'): BlockToeplitz {
  const op = 'doublyBlockToeplitz';
  if (!Number.isInteger(H) || H < 1 || !Number.isInteger(W) || W < 1) {
    throw new ShapeError(`${op}: image size must be positive integers, got ${H}×${W}`);
  }
  const [KH, KW] = checkTensor(op, 'kernel', kernel, [2]) as [number, number];
  oneOf(op, 'mode', mode, MODES);
  if (mode === 'valid' && (H < KH || W < KW)) {
    throw new ShapeError(`${op}: mode 'valid' needs the image [${H}, ${W}] to contain the kernel [${KH}, ${KW}]`);
  }
  const OH = mode === 'full' ? H + KH - 1 : mode === 'same' ? H : H - KH + 1;
  const OW = mode === 'full' ? W + KW - 1 : mode === 'same' ? W : W - KW + 1;
  const offY = scipyOffset(KH, mode);
  const offX = scipyOffset(KW, mode);
  const rows = OH * OW;
  const cols = H * W;
  const data = allocate(op, rows, cols);
  const blocks: DenseMatrix[] = [];
  for (let r = 0; r < KH; r++) blocks.push(rowBlock(kernel.data.subarray(r * KW, (r + 1) * KW), W));
  for (let oy = 0; oy < OH; oy++) {
    const I = oy + offY; // block row of the full matrix
    for (let J = 0; J < H; J++) {
      if (I - J < 0 || I - J >= KH) continue; // zero block
      const block = blocks[I - J] as DenseMatrix;
      for (let ox = 0; ox < OW; ox++) {
        const i = ox + offX; // row inside the block
        for (let j = 0; j < W; j++) {
          data[(oy * OW + ox) * cols + J * W + j] = block.data[i * W + j] as number;
        }
      }
    }
  }
  return { rows, cols, data, OH, OW };
}

/** scipy.signal.convolve2d(image, kernel, mode) (boundary 'fill', 0) as a matrix–vector product. */
export function toeplitz2d(image: HostTensor, kernel: HostTensor, mode: Mode = 'full'): HostTensor {
  const [H, W] = checkTensor('toeplitz2d', 'image', image, [2]) as [number, number];
  const D = doublyBlockToeplitz(H, W, kernel, mode);
  return { data: matVec(D, image.data), shape: [D.OH, D.OW] };
}
