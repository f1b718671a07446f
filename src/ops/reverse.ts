/**
 * Reversing output planes (SciPy `correlate2d` / NumPy `correlate` with swapped operands reverse
 * their result): on the GPU for a job of one piece (shaders/reverse.wgsl), on the host for a job
 * assembled from pieces.
 */
import { outputSize, type ConvGeometry } from '../geometry.js';
import { geometryParams } from '../gpu/params.js';
import type { KernelSpec } from '../gpu/pipelines.js';
import type { Binding, Recorder } from '../gpu/recorder.js';
import { WGSL_CONSTS } from '../shaders.generated.js';

/** The reversal's kernel. */
export const REVERSE_SPEC: KernelSpec<'reverse'> = { family: 'reverse', constants: {} };

/** Records dst = `src` [N, K, OH, OW] with every OH×OW plane reversed along both axes. */
export function encodeReverse(rec: Recorder, g: ConvGeometry, src: Binding, dst: Binding): void {
  const total = outputSize(g);
  rec.dispatch(REVERSE_SPEC, { ...geometryParams(g), total }, [src, dst], Math.ceil(total / WGSL_CONSTS.reverse.WG));
}

/** Reverses each of the `planes` consecutive planes of `data` along both axes, in place. */
export function reversePlanes(data: Float32Array, planes: number): Float32Array {
  const size = data.length / planes;
  for (let p = 0; p < planes; p++) data.subarray(p * size, (p + 1) * size).reverse();
  return data;
}
