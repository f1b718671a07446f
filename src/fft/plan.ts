/**
 * Planning a batch of complex FFTs of one length (pure host logic, no GPU):
 *
 * - `workgroup`: n ≤ the workgroup capacity (min(MAX_WG_N, maxComputeWorkgroupStorageSize / 8)
 *   complex values) and n = 2^a·3^b·5^c·7^d: every stage inside workgroup memory, several transforms
 *   per workgroup, one dispatch.
 * - `fourstep`: n = n1·n2 with both ≤ the capacity: n2 transforms of length n1 (strided, then a
 *   twiddle by w_n^{q·k1}) and n1 of length n2, two workgroup dispatches through one scratch buffer.
 * - `multipass`: other fast lengths: one global Stockham stage (radix 8, 4, 2, 3, 5, 7) per
 *   dispatch, ping-pong through scratch.
 * - `bluestein`: a prime factor > 7: chirp-z through a transform of fast length m ≥ 2n − 1.
 */
import { WGSL_CONSTS } from '../shaders.generated.js';
import { isFastLength, nextFastLength, primeFactors } from '../cpu/fft-core.js';

export { isFastLength, nextFastLength };

/** The fft family's constants (shaders/fft.wgsl). */
export const FFT_CONSTS = WGSL_CONSTS.fft;

export type ComplexPlan =
  | { kind: 'workgroup'; n: number; radices: number[]; tpt: number; perWg: number }
  | { kind: 'fourstep'; n: number; first: WorkgroupPlan; second: WorkgroupPlan }
  | { kind: 'multipass'; n: number; radices: number[] }
  | { kind: 'bluestein'; n: number; m: number; sub: ComplexPlan };
export type WorkgroupPlan = Extract<ComplexPlan, { kind: 'workgroup' }>;

/**
 * Complex values of the transforms one workgroup holds: MAX_WG_N, or fewer when the workgroup
 * memory limit is lower (the stages ping-pong between two halves: 16 bytes per value).
 */
export function workgroupCapacity(maxComputeWorkgroupStorageSize: number): number {
  return Math.min(FFT_CONSTS.MAX_WG_N, Math.floor(maxComputeWorkgroupStorageSize / 16));
}

/** How the factor 2^twos splits into radices: `eights` radix-8 stages, then one of radix `last` (4 or 2; 1: none). */
const powerOfTwoSplit = (twos: number): { eights: number; last: number } => ({ eights: Math.floor(twos / 3), last: 2 ** (twos % 3) });

/** Radices for a fast length: 8s, then a 4 or 2, then 3s, 5s, 7s (product n; [] for n = 1). */
export function radicesOf(n: number): number[] {
  const f = primeFactors(n);
  const { eights, last } = powerOfTwoSplit(f.filter((p) => p === 2).length);
  return [...Array<number>(eights).fill(8), ...(last > 1 ? [last] : []), ...f.filter((p) => p !== 2)];
}

/** How many stages (radicesOf(n).length) a workgroup transform of n = 2^twos·(`odd` odd primes) has. */
export function stageCount(twos: number, odd: number): number {
  const { eights, last } = powerOfTwoSplit(twos);
  return eights + (last > 1 ? 1 : 0) + odd;
}

function pow2ceil(x: number): number {
  let p = 1;
  while (p < x) p *= 2;
  return p;
}

function workgroupPlan(n: number, cap: number): WorkgroupPlan {
  const WG = FFT_CONSTS.WG;
  // About 8 values per invocation (up to 32 for the longest), several transforms per workgroup.
  const tpt = Math.min(WG, pow2ceil(Math.ceil(n / 8)));
  // Two halves of perWg·n values, and (perWg > 1) perWg slot bases, within 2·cap values.
  const perWg = Math.max(1, Math.min(Math.floor(WG / tpt), Math.floor((2 * cap) / (2 * n + 1))));
  const radices = radicesOf(n);
  return { kind: 'workgroup', n, radices, tpt, perWg };
}

/** The plan of a batch of complex transforms of length n ≥ 1 with workgroup capacity `cap`. */
export function planComplex(n: number, cap: number): ComplexPlan {
  if (!isFastLength(n)) {
    const m = nextFastLength(2 * n - 1);
    return { kind: 'bluestein', n, m, sub: planComplex(m, cap) };
  }
  if (n <= cap) return workgroupPlan(n, cap);
  // Four-step: the largest n2 ≤ cap dividing n with n / n2 ≤ cap (the contiguous second pass long).
  for (let n2 = cap; n2 >= 2; n2--) {
    if (n % n2 === 0 && n / n2 <= cap) return { kind: 'fourstep', n, first: workgroupPlan(n / n2, cap), second: workgroupPlan(n2, cap) };
    if (n / n2 > cap) break;
  }
  return { kind: 'multipass', n, radices: radicesOf(n) };
}

/** The name a plan reports (`FftRunInfo.variant`). */
export const variantOf = (p: ComplexPlan): string => p.kind;

/** Dispatches a plan records (for one batch). */
export function planDispatches(p: ComplexPlan): number {
  switch (p.kind) {
    case 'workgroup':
      return 1;
    case 'fourstep':
      return 2;
    case 'multipass':
      return p.radices.length;
    case 'bluestein':
      return 3 + 2 * planDispatches(p.sub);
  }
}

/** Complex values moved through global memory per transform element (reads + writes), for the cost model. */
export function planTraffic(p: ComplexPlan): number {
  switch (p.kind) {
    case 'workgroup':
      return 2;
    case 'fourstep':
      return 4;
    case 'multipass':
      return 2 * p.radices.length;
    case 'bluestein':
      return (p.m / p.n) * (2 * planTraffic(p.sub) + 6);
  }
}
