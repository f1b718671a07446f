/**
 * The `webgpu-conv` command line: `filter`, `gallery`, `tune`, `info`, `bench`. Argument parsing is
 * commander's; every error ends as one line on stderr and an exit code (0 ok, 1 runtime, 2 usage).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ALGORITHM_NAMES } from '../algorithms/registry.js';
import { PRESETS, presetUsage } from '../presets/index.js';
import { runBench } from './commands/bench.js';
import { runFilter, type FilterCommandOptions } from './commands/filter.js';
import { runGallery, DEFAULT_BANK, type GalleryCommandOptions } from './commands/gallery.js';
import { runInfo, type InfoCommandOptions } from './commands/info.js';
import { runTune, type TuneCommandOptions } from './commands/tune.js';
import { describeError, EXIT, exitCodeOf, oneLine } from './errors.js';
import { packageVersion } from './paths.js';

const NAME = 'webgpu-conv';

function numberArg(what: string) {
  return (value: string): number => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v)) throw new InvalidArgumentError(`${what} must be a number.`);
    return v;
  };
}

/** Help text listing every preset, plus `extra` rows aligned with them. */
export function presetsHelp(extra: ReadonlyArray<readonly [string, string]> = []): string {
  const rows: Array<readonly [string, string]> = [...PRESETS.map((d) => [presetUsage(d), d.description] as const), ...extra];
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `  ${a.padEnd(width)}  ${b}`).join('\n');
}

const FILTER_EXAMPLES = `
Kernel (-k): a preset, a kernel file or an inline JSON matrix.
${presetsHelp([
  ['FILE.json', 'a JSON matrix [[…], …] or {"kernel": [[…]], "scale": s}'],
  ['FILE.txt', 'rows of numbers separated by spaces or commas (# comments)'],
  ["'[[0,1,0],[1,-4,1],[0,1,0]]'", 'an inline JSON matrix'],
])}
Parameters go after a colon, by name or in order: gaussian:sigma=2 or gaussian:2.

Values are filtered in units of full scale (black 0, white 1). Signed results (sobel-x,
laplacian…) show best with --offset 0.5, --abs (with --gain) or --normalize. The order is abs,
gain, then normalize or offset; the result is clamped to [0, 1] and rounded to the output bit
depth. Alpha is copied unchanged unless --alpha filter (or --filter-alpha) or --alpha premultiplied.
With --linear the filtering (and the mapping) happens in linear light.

Examples:
  $ ${NAME} filter photo.jpg -k gaussian:sigma=2 -o blurred.png
  $ ${NAME} filter photo.png -k sobel-x --offset 0.5 -o edges.png --check
  $ ${NAME} filter shots/ -k unsharp:sigma=1.5,amount=1 -o sharpened/
  $ ${NAME} filter scan.png -k my-kernel.txt --correlate --boundary fill -o out.png

Exit codes: 0 ok, 1 runtime error (file, image, GPU; a failed --check), 2 bad usage.`;

function addFilterOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--mode <mode>', 'output size: same as the input, full, or valid only').choices(['same', 'full', 'valid']).default('same'))
    .addOption(
      new Option('--boundary <rule>', 'pixels outside the image: fill (--fill-value), wrap, symm (mirror with edge), reflect (mirror without edge), replicate')
        .choices(['fill', 'wrap', 'symm', 'reflect', 'replicate'])
        .default('reflect'),
    )
    .addOption(new Option('--fill-value <v>', 'value outside the image for --boundary fill (full scale = 1)').argParser(numberArg('--fill-value')).default(0))
    .option('--correlate', 'cross-correlate (apply the kernel as written) instead of convolving (kernel rotated 180°)')
    .addOption(new Option('--algorithm <name>', 'GPU algorithm').choices(['auto', ...ALGORITHM_NAMES]).default('auto'))
    .addOption(new Option('--adapter <which>', 'WebGPU adapter in Node: auto (hardware, else llvmpipe, else SwiftShader), hardware, llvmpipe or swiftshader').choices(['auto', 'hardware', 'llvmpipe', 'swiftshader']).default('auto'))
    .option('--tuning <file>', "autotune: 'auto' times every algorithm on shapes new to FILE and runs the fastest; the table is read from and written to FILE")
    .option('--explain', 'print, per GPU call, the algorithm and variant that ran and why');
}

/** Builds the commander program (one per run: commander keeps parse state). */
export function buildProgram(): Command {
  const program = new Command(NAME);
  program
    .description('1-D/2-D convolution on the GPU with WebGPU: filter images with kernels and presets.')
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (str, write) => write(`${NAME}: ${oneLine(str.replace(/^error: /, ''))} (see '${NAME} --help')\n`),
    });
  program.addHelpText('after', `\nRun '${NAME} <command> --help' for a command's options. Exit codes: 0 ok, 1 runtime error, 2 bad usage.`);

  const filter = program
    .command('filter')
    .description('filter PNG/JPEG images with a kernel and write PNGs')
    .argument('<inputs...>', 'image files (PNG or JPEG) or directories of them')
    .requiredOption('-k, --kernel <spec>', 'kernel preset, kernel file or inline JSON matrix (see below)')
    .requiredOption('-o, --output <path>', 'output PNG file, or a directory for several inputs (created if missing)');
  addFilterOptions(filter)
    .option('--abs', 'take the absolute value of the result')
    .addOption(new Option('--gain <k>', 'multiply the result by k (after --abs)').argParser(numberArg('--gain')))
    .addOption(new Option('--offset <v>', 'add v to the result (full scale = 1; 0.5 is mid-grey)').argParser(numberArg('--offset')))
    .option('--normalize', 'stretch the result\'s [min, max] to the full output range')
    .addOption(new Option('--depth <bits>', 'output bits per sample (default: 16 for 16-bit inputs, else 8)').choices(['8', '16']))
    .option('--filter-alpha', 'filter the alpha channel too (default: copy it unchanged); the same as --alpha filter')
    .addOption(new Option('--alpha <mode>', 'alpha: copy it unchanged, filter it like colour, or premultiplied (colour × alpha before, ÷ filtered alpha after: no dark halos)').choices(['copy', 'filter', 'premultiplied']))
    .option('--linear', 'filter in linear light (sRGB decoded before filtering and encoded after)')
    .option('--check', 'also run the CPU reference, print the max |GPU − CPU| difference, fail if the pixels differ by more than 1 LSB')
    .option('-q, --quiet', 'print nothing but errors')
    .addHelpText('after', FILTER_EXAMPLES)
    .action(async (inputs: string[], opts: FilterCommandOptions) => {
      process.exitCode = await runFilter(inputs, opts);
    });

  const gallery = program
    .command('gallery')
    .description('filter one image with a bank of presets: a PNG per preset, an index.html contact sheet and a table of GPU/CPU times (what npm start runs)')
    .argument('[image]', 'PNG or JPEG image (default: the sample photograph in a clone of the repository, else a generated test pattern)')
    .option('-o, --output <dir>', 'output directory', 'out')
    .option('-p, --presets <list>', 'semicolon-separated kernel specs', DEFAULT_BANK.join(';'));
  addFilterOptions(gallery)
    .addHelpText('after', `\nPresets:\n${presetsHelp()}\n\nExample:\n  $ ${NAME} gallery photo.jpg -o sheet/ -p 'gaussian:sigma=3;sobel;emboss'`)
    .action(async (image: string | undefined, opts: GalleryCommandOptions) => {
      process.exitCode = await runGallery(image, opts);
    });

  program
    .command('tune')
    .description("autotune conv2d shapes (the benchmark suite a–h, or --shape) and write the table that 'filter/gallery --tuning' and engine.importTuning read")
    .requiredOption('--tuning <file>', 'the tuning table to read (if it exists) and write')
    .option('--shape <spec...>', 'conv2d:NxCxHxW:KxCgxKHxKW[:padding=P,stride=S,dilation=D,groups=G] (repeatable)')
    .addOption(new Option('--adapter <which>', 'which adapter to tune on').choices(['auto', 'hardware', 'llvmpipe', 'swiftshader']).default('auto'))
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (opts: TuneCommandOptions) => {
      process.exitCode = await runTune(opts);
    });

  program
    .command('info')
    .description('show the WebGPU adapter (and whether it is software), its limits and features')
    .addOption(new Option('--adapter <which>', 'which adapter to open').choices(['auto', 'hardware', 'llvmpipe', 'swiftshader']).default('auto'))
    .option('--json', 'print JSON')
    .action(async (opts: InfoCommandOptions) => {
      process.exitCode = await runInfo(opts);
    });

  program
    .command('bench')
    .description('run the benchmark suite (bench/); arguments are passed on to it')
    .argument('[args...]', 'arguments for the benchmark suite')
    .helpOption(false)
    .allowUnknownOption(true)
    .allowExcessArguments(true)
    .action(async (args: string[]) => {
      process.exitCode = await runBench(args);
    });

  for (const cmd of program.commands) {
    cmd.configureOutput({
      outputError: (str, write) => write(`${NAME} ${cmd.name()}: ${oneLine(str.replace(/^error: /, ''))} (see '${NAME} ${cmd.name()} --help')\n`),
    });
  }
  return program;
}

/** Runs the CLI on `argv` (without `node` and the script) and resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  process.exitCode = undefined;
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return Number(process.exitCode ?? EXIT.ok);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.ok;
      if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage; // commander has already printed the one-line message
    }
    process.stderr.write(`${NAME}: ${describeError(e)}\n`);
    if (process.env.WEBGPU_CONV_DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
    return exitCodeOf(e);
  } finally {
    process.exitCode = undefined;
  }
}
