// @ts-check
/**
 * bench:gaussian's command line (bench/gaussian.mjs): its flags, their defaults, and what `--quick`
 * changes (one run, short budgets) where the flag is not given.
 */
import { Command, Option } from 'commander';
import { nonNegativeNumber, positiveInteger, positiveNumber } from './args.mjs';

/** @typedef {{ adapter: 'llvmpipe' | 'swiftshader' | 'hardware' | 'default', runs: number, repeats: number, budgetS: number, maxCallS: number, filter?: string, contenders?: string, quick: boolean, peers: boolean, waitQuietS: number, json?: string, commit?: string, render?: string }} GaussianOptions */

/**
 * Parses `process.argv` (a bad flag, or `--help`, ends the process with commander's message).
 * @returns {GaussianOptions}
 */
export function parseGaussianArgs() {
  const program = new Command()
    .name('npm run bench:gaussian --')
    .description('Benchmark Gaussian blur: ours (auto, direct, separable, fft) against sharp, image-js, jimp and our CPU reference.')
    .addOption(new Option('--adapter <name>', 'WebGPU adapter').choices(['llvmpipe', 'swiftshader', 'hardware', 'default']).default('default'))
    .option('--runs <n>', 'run every cell n times in this process; figures are the median (min–max) over the runs', positiveInteger, 3)
    .option('--repeats <n>', 'timed calls per contender, cell and run (at most)', positiveInteger, 7)
    .option('--budget-s <s>', "time budget of one contender's timed calls on one cell in one run (at least one call)", positiveNumber, 1)
    .option('--max-call-s <s>', "a contender other than ours 'auto' predicted to take longer per call is not run (\"> budget\", with the estimate)", positiveNumber, 10)
    .option('--filter <regex>', 'only cells whose id matches (case-insensitive): 1024-grey-s8, 4096-rgb, s120, k15…')
    .option('--contenders <regex>', 'only contenders whose id matches (ours-auto always runs: the peers are compared with it)')
    .option('--quick', 'a smoke run: 1024² cells σ = 2 and 8 and the 15×15 cell, one run, short budgets', false)
    .option('--wait-quiet-s <s>', 'before each cell, wait up to this long for other processes to use less than a fifth of a core (0: do not wait)', nonNegativeNumber, 0)
    .option('--no-peers', 'ours and the CPU reference only')
    .option('--json <file>', 'where to write the results (default bench/results/<date>-gaussian-<adapter>.json)')
    .option('--commit <id>', 'the commit to record, for a run from a tree that is not a git checkout (a `git archive` export); default: asked of git')
    .option('--render <file>', 'print the tables of a saved results file and exit')
    .showHelpAfterError();
  program.parse();
  /** @type {GaussianOptions} */
  const opts = program.opts();
  if (opts.quick) {
    if (!process.argv.includes('--runs')) opts.runs = 1;
    if (!process.argv.includes('--budget-s')) opts.budgetS = 0.5;
    if (!process.argv.includes('--max-call-s')) opts.maxCallS = 5;
    if (!process.argv.includes('--repeats')) opts.repeats = 3;
  }
  return opts;
}
