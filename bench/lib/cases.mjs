// @ts-check
/**
 * The benchmark cases: the fixed conv2d shape suite a–h (bench/bench-shapes.json, ids kept so runs
 * compare across machines) and four sweeps that show how cost grows with work (kernel size on 512²
 * and on 2048², image size, conv1d kernel length). Data and shape
 * math, shared by the Node runner and the browser page; the inputs come from the library's seeded
 * generator (dist/testing.js).
 *
 * Layouts are PyTorch's: input NCHW (conv1d: NCL), weight OIHW (K, C/groups, KH, KW).
 * FLOPs = 2·N·K·OH·OW·(C/groups)·KH·KW (a multiply and an add per tap; bias not counted).
 */
import { randomTensor } from '../../dist/testing.js';

/** @typedef {import('../../dist/index.js').HostTensor} HostTensor */

/**
 * @typedef {object} Shape One entry of bench-shapes.json.
 * @property {string} id
 * @property {string} name
 * @property {number} N
 * @property {number} C
 * @property {number} H
 * @property {number} W
 * @property {number} K
 * @property {number} KH
 * @property {number} KW
 * @property {number} stride
 * @property {number} pad
 * @property {number} groups
 * @property {boolean} [imageFilter]
 */

/**
 * @typedef {'shapes' | 'kernel-size' | 'kernel-size-2048' | 'image-size' | 'conv1d'} CaseGroup
 */

/**
 * @typedef {object} Geometry Everything a contender needs to know about one case, resolved to numbers.
 * @property {number} N
 * @property {number} C
 * @property {number} H  1 for conv1d
 * @property {number} W  the signal length for conv1d
 * @property {number} K
 * @property {number} KH 1 for conv1d
 * @property {number} KW
 * @property {number} stride same in both dimensions
 * @property {number} groups
 * @property {[number, number, number, number]} pad top, bottom, left, right (what 'same' resolves to)
 * @property {number} OH
 * @property {number} OW
 */

/**
 * @typedef {object} BenchCase
 * @property {string} id       stable id: 'a'…'h', 'k15', 'img1024', '1d-k129'
 * @property {string} name     human-readable
 * @property {CaseGroup} group
 * @property {'conv2d' | 'conv1d'} op
 * @property {number[]} inputShape
 * @property {number[]} weightShape
 * @property {Record<string, unknown>} options   passed to engine.conv2d / engine.conv1d and cpu.*
 * @property {Geometry} geo
 * @property {number} flops
 * @property {number} bytes    bytes of input + weight + output (float32): the least a run must move
 * @property {number} reduction the reduction length of one output, (C/groups)·KH·KW
 * @property {number} [x]      the sweep variable (kernel size, image side, kernel length)
 */

/**
 * Odd kernel sizes of the kernel-size sweep (conv2d 'same' on a 512² single-channel image): 3…63
 * and 127, across the crossover of direct and FFT convolution.
 */
export const KERNEL_SIZES = [3, 5, 7, 9, 11, 15, 19, 23, 27, 31, 39, 47, 55, 63, 127];
/** Kernel sizes of the kernel-size sweep on a 2048² single-channel image ('same'). */
export const KERNEL_SIZES_2048 = [3, 7, 15, 31, 63];
/** Image sides of the image-size sweep (5×5 kernel, single channel, 'same'). */
export const IMAGE_SIZES = [128, 256, 512, 1024, 2048];
/** Kernel lengths of the conv1d sweep on a 2²⁰-sample signal ('same'): 9…65,537 taps. */
export const KERNEL_LENGTHS = [9, 17, 33, 65, 129, 257, 513, 1025, 4097, 16385, 65537];
/**
 * The sweeps, in report order: the case group, a title (`short` for chart titles), the sweep
 * variable's name and unit.
 * @type {readonly { group: CaseGroup, title: string, short: string, xLabel: string, unit: string }[]}
 */
export const SWEEPS = [
  { group: 'kernel-size', title: '512² image, 1 channel, same: kernel size', short: '512², k×k', xLabel: 'kernel size k (k×k, log scale)', unit: 'k' },
  { group: 'kernel-size-2048', title: '2048² image, 1 channel, same: kernel size', short: '2048², k×k', xLabel: 'kernel size k (k×k, log scale)', unit: 'k' },
  { group: 'conv1d', title: 'conv1d on 2²⁰ samples, same: kernel length', short: 'conv1d, 2²⁰ samples', xLabel: 'kernel length (taps, log scale)', unit: 'taps' },
  { group: 'image-size', title: '5×5 kernel, 1 channel, same: image size', short: '5×5 kernel', xLabel: 'image side (pixels, log scale)', unit: 'px' },
];
/** Sweep points kept by `--quick`: the smallest of each sweep. */
export const QUICK_POINTS = 2;

const SIGNAL_LENGTH = 1 << 20;

/**
 * PyTorch 'same' padding for stride 1: total d·(k−1), the odd one after.
 * @param {number} k
 * @returns {[number, number]}
 */
function samePad(k) {
  const total = k - 1;
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * @param {object} g
 * @param {number} g.N
 * @param {number} g.C
 * @param {number} g.H
 * @param {number} g.W
 * @param {number} g.K
 * @param {number} g.KH
 * @param {number} g.KW
 * @param {number} g.stride
 * @param {number} g.groups
 * @param {[number, number, number, number]} g.pad
 * @returns {Geometry}
 */
function geometry(g) {
  const [pt, pb, pl, pr] = g.pad;
  const OH = Math.floor((g.H + pt + pb - g.KH) / g.stride) + 1;
  const OW = Math.floor((g.W + pl + pr - g.KW) / g.stride) + 1;
  return { ...g, OH, OW };
}

/**
 * @param {Omit<BenchCase, 'flops' | 'bytes' | 'reduction'>} c
 * @returns {BenchCase}
 */
function finish(c) {
  const g = c.geo;
  const reduction = (g.C / g.groups) * g.KH * g.KW;
  const outputs = g.N * g.K * g.OH * g.OW;
  const flops = 2 * outputs * reduction;
  const bytes = 4 * (g.N * g.C * g.H * g.W + g.K * reduction + outputs);
  return { ...c, flops, bytes, reduction };
}

/**
 * @param {Shape} s
 * @returns {BenchCase}
 */
export function shapeCase(s) {
  const geo = geometry({
    N: s.N, C: s.C, H: s.H, W: s.W, K: s.K, KH: s.KH, KW: s.KW,
    stride: s.stride, groups: s.groups, pad: [s.pad, s.pad, s.pad, s.pad],
  });
  return finish({
    id: s.id,
    name: s.name,
    group: 'shapes',
    op: 'conv2d',
    inputShape: [s.N, s.C, s.H, s.W],
    weightShape: [s.K, s.C / s.groups, s.KH, s.KW],
    options: { stride: s.stride, padding: s.pad, groups: s.groups },
    geo,
  });
}

/**
 * A single-channel 'same' conv2d filter of a side×side image with a k×k kernel.
 * @param {string} id
 * @param {string} name
 * @param {CaseGroup} group
 * @param {number} side
 * @param {number} k
 * @param {number} x
 * @returns {BenchCase}
 */
function filterCase(id, name, group, side, k, x) {
  const [a, b] = samePad(k);
  const geo = geometry({ N: 1, C: 1, H: side, W: side, K: 1, KH: k, KW: k, stride: 1, groups: 1, pad: [a, b, a, b] });
  return finish({
    id, name, group, op: 'conv2d', x,
    inputShape: [1, 1, side, side],
    weightShape: [1, 1, k, k],
    options: { padding: 'same' },
    geo,
  });
}

/**
 * conv1d 'same' of a single-channel signal (2²⁰ samples unless `length` says otherwise) with a kernel
 * of length k.
 * @param {number} k
 * @param {number} [length]
 * @param {string} [id]
 * @returns {BenchCase}
 */
export function conv1dCase(k, length = SIGNAL_LENGTH, id = `1d-k${k}`) {
  const [a, b] = samePad(k);
  const geo = geometry({ N: 1, C: 1, H: 1, W: length, K: 1, KH: 1, KW: k, stride: 1, groups: 1, pad: [0, 0, a, b] });
  const samples = length === SIGNAL_LENGTH ? '1M samples' : `${length} samples`;
  return finish({
    id,
    name: `conv1d ${samples}, kernel ${k}`,
    group: 'conv1d',
    op: 'conv1d',
    x: k,
    inputShape: [1, 1, length],
    weightShape: [1, 1, k],
    options: { padding: 'same' },
    geo,
  });
}

/**
 * Every case of the suite, in run order.
 * @param {Shape[]} shapes the entries of bench-shapes.json
 * @param {{ quick?: boolean }} [opts] `quick` keeps only the smallest points of each sweep
 * @returns {BenchCase[]}
 */
export function buildCases(shapes, opts = {}) {
  const pick = /** @param {number[]} xs */ (xs) => (opts.quick ? xs.slice(0, QUICK_POINTS) : xs);
  return [
    ...shapes.map(shapeCase),
    ...pick(KERNEL_SIZES).map((k) => filterCase(`k${k}`, `512² filter ${k}×${k}`, 'kernel-size', 512, k, k)),
    ...pick(KERNEL_SIZES_2048).map((k) => filterCase(`k${k}-2048`, `2048² filter ${k}×${k}`, 'kernel-size-2048', 2048, k, k)),
    ...pick(IMAGE_SIZES).map((s) => filterCase(`img${s}`, `${s}² filter 5×5`, 'image-size', s, 5, s)),
    ...pick(KERNEL_LENGTHS).map((k) => conv1dCase(k)),
  ];
}

/**
 * Keeps the cases whose id or name matches `filter` (a regular expression, case-insensitive).
 * @param {BenchCase[]} cases
 * @param {string | undefined} filter
 * @returns {BenchCase[]}
 */
export function filterCases(cases, filter) {
  if (!filter) return cases;
  const re = new RegExp(filter, 'i');
  return cases.filter((c) => re.test(c.id) || re.test(c.name) || re.test(c.group));
}

/**
 * The input and weight tensors of a case: deterministic pseudo-random values in [-1, 1] from the
 * library's seeded generator (`randomTensor`, mulberry32, the one the tests use), seeded by the case
 * id, so the same on every machine.
 * @param {BenchCase} c
 * @returns {{ input: HostTensor, weight: HostTensor }}
 */
export function caseTensors(c) {
  let seed = 17;
  for (const ch of c.id) seed = Math.imul(seed, 31) + ch.charCodeAt(0);
  return { input: randomTensor(c.inputShape, seed), weight: randomTensor(c.weightShape, seed ^ 0x5bd1e995) };
}
