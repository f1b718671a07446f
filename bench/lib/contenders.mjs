// @ts-check
/**
 * Who is measured: our algorithms (the library's own list, 'auto' first), our CPU reference and the
 * TF.js peers, with their labels, short names and colours. Adding an algorithm to the library's
 * `ALGORITHM_NAMES` adds it to the suite and the reports with no edit here.
 */
import { ALGORITHM_NAMES } from '../../dist/index.js';

/** Our algorithms, 'auto' first, then every concrete algorithm the library exports. */
export const OUR_ALGORITHMS = /** @type {readonly string[]} */ (['auto', ...ALGORITHM_NAMES]);
/** Peers, in run order. */
export const PEERS = /** @type {const} */ (['tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu']);
/** Our contender ids ('ours-auto', 'ours-direct', …), in run order. */
export const OURS = OUR_ALGORITHMS.map((a) => `ours-${a}`);
/**
 * Ours `'auto'` on an engine created with `autotune: true` (its first call of each shape tunes: every
 * algorithm and variant timed, the fastest kept), shape suite only: tuning times every candidate,
 * seconds per call on the larger sweep points.
 */
export const TUNED = 'ours-tuned';
/** Every contender id, in run and display order. */
export const CONTENDERS = [...OURS, TUNED, 'cpu-ref', ...PEERS];

/** TF.js backend name of each peer. */
export const TFJS_BACKEND = /** @type {Record<string, string>} */ ({ 'tfjs-webgpu': 'webgpu', 'tfjs-wasm': 'wasm', 'tfjs-cpu': 'cpu' });

/**
 * Our algorithm of a contender id ('ours-im2col' → 'im2col'), or undefined for the others.
 * @param {string} id
 */
export function ourAlgorithm(id) {
  return id.startsWith('ours-') && id !== TUNED ? id.slice(5) : undefined;
}

/**
 * Human-readable label of a contender id, also for ids not in `CONTENDERS` (an algorithm that a
 * saved results file has and this library no longer does).
 * @param {string} id
 */
export function labelOf(id) {
  const alg = ourAlgorithm(id);
  return alg ? `ours ${alg}` : (FIXED_LABELS[id] ?? id);
}

/** @type {Record<string, string>} */
const FIXED_LABELS = { [TUNED]: 'ours auto, autotuned', 'cpu-ref': 'our CPU reference', 'tfjs-webgpu': 'TF.js WebGPU', 'tfjs-wasm': 'TF.js WASM', 'tfjs-cpu': 'TF.js CPU' };

/** Label of every contender id. */
export const LABELS = /** @type {Record<string, string>} */ (Object.fromEntries(CONTENDERS.map((id) => [id, labelOf(id)])));

/**
 * Short column heading of a contender id (console tables).
 * @param {string} id
 */
export function shortOf(id) {
  return ourAlgorithm(id) ?? { [TUNED]: 'tuned', 'cpu-ref': 'CPU ref', 'tfjs-webgpu': 'tfjs-gpu' }[id] ?? id;
}

/** Colours of the concrete algorithms, in `ALGORITHM_NAMES` order (direct, im2col, tiled, then new ones). */
const ALGORITHM_PALETTE = ['#6ea8e8', '#2bb3a3', '#8e7cc3', '#4f9d2d', '#d4a017', '#5b3a8e', '#17a2b8', '#b5b52e'];
/** @type {Record<string, string>} */
const FIXED_COLORS = { 'ours-auto': '#1f5fbf', [TUNED]: '#0b3a7e', 'cpu-ref': '#9a9a9a', 'tfjs-webgpu': '#e8741c', 'tfjs-wasm': '#c23b6b', 'tfjs-cpu': '#8c6d31' };

/**
 * Chart colour of a contender id.
 * @param {string} id
 */
export function colorOf(id) {
  const fixed = FIXED_COLORS[id];
  if (fixed) return fixed;
  const i = ALGORITHM_NAMES.indexOf(/** @type {any} */ (ourAlgorithm(id)));
  return i >= 0 ? (ALGORITHM_PALETTE[i % ALGORITHM_PALETTE.length] ?? '#888') : '#888';
}

/** Colour of every contender id. */
export const COLORS = /** @type {Record<string, string>} */ (Object.fromEntries(CONTENDERS.map((id) => [id, colorOf(id)])));

/**
 * The contender ids present in a set of results, in display order: `CONTENDERS` first, then any id
 * a saved file has that this library no longer does. Reports use this, so that an old file renders
 * its own columns.
 * @param {Iterable<string>} ids
 */
export function displayOrder(ids) {
  const present = new Set(ids);
  return [...CONTENDERS.filter((id) => present.has(id)), ...[...present].filter((id) => !CONTENDERS.includes(id))];
}

/**
 * What one of ours ran: the algorithm, and the variant next to it ('im2col/implicit').
 * @param {string | undefined} algorithm
 * @param {string | undefined} [variant]
 */
export function ranText(algorithm, variant) {
  if (!algorithm) return '';
  return variant ? `${algorithm}/${variant}` : algorithm;
}

/**
 * Whether `--contenders` (config.contenders, a regular expression) selects contender `id`.
 * @param {{ contenders?: string }} config
 * @param {string} id
 */
export function selected(config, id) {
  return !config.contenders || new RegExp(config.contenders, 'i').test(id);
}
