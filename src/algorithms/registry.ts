/**
 * The algorithm registry: the one list of algorithms. The engine, `'auto'`, `stats()`, the CLI's
 * `--algorithm` choices, the browser demo, the bench and the tests all read it. Adding an algorithm
 * is one module (and its `.wgsl`) plus one line here.
 */
import type { AnyAlgorithm } from './algorithm.js';
import { direct } from './direct.js';
import { fft } from './fft.js';
import { im2col } from './im2col.js';
import { separable } from './separable.js';
import { tiled } from './tiled.js';
import { winograd } from './winograd.js';

/** Every algorithm by its name, in the order `'auto'` breaks cost ties. */
export const REGISTRY = {
  direct,
  im2col,
  tiled,
  fft,
  separable,
  winograd,
} as const satisfies Record<string, AnyAlgorithm>;

/** A concrete algorithm's name (what `'auto'` resolves to). */
export type ConcreteAlgorithm = keyof typeof REGISTRY;

/** The names of every registered algorithm. */
export const ALGORITHM_NAMES: readonly ConcreteAlgorithm[] = Object.freeze(Object.keys(REGISTRY) as ConcreteAlgorithm[]);

/** The algorithm named `name`. */
export function algorithm(name: ConcreteAlgorithm): AnyAlgorithm {
  return REGISTRY[name];
}
