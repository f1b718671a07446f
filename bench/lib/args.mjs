// @ts-check
/**
 * Argument parsers for commander options, shared by the Node entry points' command lines
 * (run.mjs, gaussian-args.mjs, fft-args.mjs): a bad value stops the command with commander's message.
 */
import { InvalidArgumentError } from 'commander';

/** @param {string} v */
export function positiveInteger(v) {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer is expected.');
  return n;
}

/** @param {string} v */
export function nonNegativeNumber(v) {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError('a number ≥ 0 is expected.');
  return n;
}

/** @param {string} v */
export function positiveNumber(v) {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number is expected.');
  return n;
}
