// @ts-check
/**
 * bench:fft's command line (bench/fft.mjs): its flags, their defaults, and what `--quick` changes
 * (one run, where `--runs` is not given; its few sizes are fft-cases.mjs').
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { positiveInteger, positiveNumber } from './args.mjs';

const bench = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @typedef {{ adapter: 'llvmpipe' | 'swiftshader' | 'hardware' | 'default', runs: number, repeats: number, budgetS: number, filter?: string, quick: boolean, peers: boolean, out: string }} FftOptions */

/**
 * Parses `process.argv` (a bad flag, or `--help`, ends the process with commander's message).
 * @returns {FftOptions}
 */
export function parseFftArgs() {
  const program = new Command()
    .name('npm run bench:fft --')
    .description('Benchmark the FFT (engine.rfft, engine.rfft2) and FFT convolution against JavaScript and WASM FFTs.')
    .addOption(new Option('--adapter <name>', 'WebGPU adapter').choices(['llvmpipe', 'swiftshader', 'hardware', 'default']).default('default'))
    .option('--runs <n>', 'run everything n times in this process; figures are the median (min–max) over the runs', positiveInteger, 3)
    .option('--repeats <n>', 'timed calls per contender, case and run (at most; at least 3)', positiveInteger, 7)
    .option('--budget-s <s>', 'time budget of one contender\'s timed calls on one case in one run', positiveNumber, 3)
    .option('--filter <regex>', 'only cases whose id matches (case-insensitive): rfft-1024, rfft2-512, conv1d-1M-k65537…')
    .option('--quick', 'a few sizes, one run', false)
    .option('--no-peers', 'ours and the CPU reference only')
    .option('--out <dir>', 'where to write the JSON results', join(bench, 'results'))
    .showHelpAfterError();
  program.parse();
  /** @type {FftOptions} */
  const opts = program.opts();
  if (opts.quick && !process.argv.includes('--runs')) opts.runs = 1;
  return opts;
}
