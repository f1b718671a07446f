/** `webgpu-conv filter <inputs…> -k <kernel> -o <out>`. */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { AlphaMode, ConvEngine } from '../../index.js';
import { checkMapping, type OutputMapping, type ResolvedFilter } from '../../presets/index.js';
import { describeError, EXIT, RuntimeError, UsageError } from '../errors.js';
import { describeRaster, encodePng, readImageFile, type RasterImage } from '../image.js';
import { resolveKernel } from '../kernel.js';
import { filterRaster, type FilterSettings } from '../pipeline.js';
import { describeAdapter, diff, ms, openEngine, saveTuning, type CommonFilterOptions } from './common.js';

/** Options of `filter` as commander parses them. */
export interface FilterCommandOptions extends CommonFilterOptions {
  kernel: string;
  output: string;
  abs?: boolean;
  gain: number | undefined;
  offset: number | undefined;
  normalize?: boolean;
  depth: '8' | '16' | undefined;
  filterAlpha?: boolean;
  alpha?: AlphaMode;
  linear?: boolean;
  check?: boolean;
  quiet?: boolean;
}

const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'];

interface Job {
  input: string;
  output: string;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Expands the inputs (directories to their PNG/JPEG files, sorted); every input must exist. */
export function collectInputs(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    const st = statOrUndefined(input);
    if (!st) throw new RuntimeError(`input '${input}' not found`);
    if (st.isDirectory()) {
      const found = readdirSync(input)
        .filter((f) => IMAGE_EXTENSIONS.includes(extname(f).toLowerCase()))
        .sort()
        .map((f) => join(input, f))
        .filter((f) => statOrUndefined(f)?.isFile());
      if (!found.length) throw new RuntimeError(`input directory '${input}' has no PNG or JPEG files`);
      files.push(...found);
    } else {
      files.push(input);
    }
  }
  return files;
}

/** Pairs inputs with output paths: `-o` is a file for one input, else a directory. */
export function planOutputs(files: readonly string[], inputs: readonly string[], output: string): Job[] {
  const outStat = statOrUndefined(output);
  const single = files.length === 1 && !statOrUndefined(inputs[0] as string)?.isDirectory();
  const toDirectory = !single || outStat?.isDirectory() === true || /[\\/]$/.test(output);
  if (!toDirectory) {
    if (resolve(output) === resolve(files[0] as string)) throw new UsageError(`the output '${output}' is the input: choose another file`);
    return [{ input: files[0] as string, output }];
  }
  if (outStat && !outStat.isDirectory()) {
    throw new UsageError(`the output '${output}' is a file, but several inputs need an output directory`);
  }
  const used = new Set<string>();
  const inputsResolved = new Set(files.map((f) => resolve(f)));
  return files.map((input) => {
    const stem = basename(input, extname(input));
    let name = `${stem}.png`;
    for (let i = 2; used.has(name) || inputsResolved.has(resolve(output, name)); i++) name = `${stem}-${i}.png`;
    used.add(name);
    return { input, output: join(output, name) };
  });
}


function writeOutput(path: string, png: Buffer): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, png);
  } catch (e) {
    throw new RuntimeError(`cannot write '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Builds the run's settings, checking the option combinations (usage errors). */
export function filterSettings(opts: FilterCommandOptions, filter: ResolvedFilter): FilterSettings {
  const mapping: OutputMapping = { abs: opts.abs === true, normalize: opts.normalize === true };
  if (opts.offset !== undefined) mapping.offset = opts.offset;
  if (opts.gain !== undefined) mapping.gain = opts.gain;
  try {
    checkMapping(mapping);
  } catch {
    throw new UsageError(`--normalize and --offset cannot be combined (normalize already maps the result to the full range)`);
  }
  if (opts.filterAlpha && opts.alpha !== undefined && opts.alpha !== 'filter') throw new UsageError(`--filter-alpha and --alpha ${opts.alpha} contradict each other`);
  if (opts.alpha === 'premultiplied' && filter.kernels.length > 1) throw new UsageError(`--alpha premultiplied needs a single kernel; ${filter.spec} joins ${filter.kernels.length}`);
  return {
    filter,
    mode: opts.mode,
    boundary: opts.boundary,
    fillValue: opts.fillValue,
    correlate: opts.correlate === true,
    algorithm: opts.algorithm,
    mapping,
    filterAlpha: opts.filterAlpha === true,
    alpha: opts.alpha ?? (opts.filterAlpha ? 'filter' : 'copy'),
    linear: opts.linear === true,
    depth: opts.depth === undefined ? undefined : opts.depth === '16' ? 16 : 8,
    check: opts.check === true,
  };
}

async function processOne(engine: ConvEngine, job: Job, settings: FilterSettings, explain: boolean, image?: RasterImage): Promise<string> {
  const img = image ?? readImageFile(job.input);
  const r = await filterRaster(engine, img, settings);
  writeOutput(job.output, encodePng(r.output));
  let line = `${job.input} → ${job.output}  ${img.width}×${img.height} ${describeRaster(img)}  ${settings.filter.spec} (${r.kernelLabel})  GPU ${ms(r.gpuMs)}`;
  if (settings.check) {
    line += `  CPU ${ms(r.cpuMs)}  max |GPU − CPU| ${diff(r.maxAbsDiff)} (${r.maxLsbDiff} LSB at ${r.output.depth} bits)`;
    if ((r.maxLsbDiff ?? 0) > 1) {
      throw new RuntimeError(`check failed for '${job.input}': GPU and CPU results differ by ${r.maxLsbDiff} LSB (max |GPU − CPU| ${diff(r.maxAbsDiff)})`);
    }
  }
  if (explain) for (const ran of r.ran) line += `\n  ran ${ran}`;
  return line;
}

/** Runs `filter`; resolves to the exit code. Usage errors are thrown before any work. */
export async function runFilter(inputs: string[], opts: FilterCommandOptions): Promise<number> {
  const filter = resolveKernel(opts.kernel);
  const settings = filterSettings(opts, filter);
  const files = collectInputs(inputs);
  const jobs = planOutputs(files, inputs, opts.output);
  // With one input, a bad image fails before a GPU is opened.
  const first = jobs.length === 1 ? readImageFile((jobs[0] as Job).input) : undefined;
  const engine = await openEngine(opts.adapter, opts.tuning);
  // The adapter line goes out with the first result, so a run that fails prints only its error.
  let header = `adapter: ${describeAdapter(engine.adapterInfo)}\n`;
  const say = (line: string) => {
    if (!opts.quiet) process.stdout.write(`${header}${line}\n`);
    header = '';
  };
  let failures = 0;
  try {
    const showBar = jobs.length > 1 && !opts.quiet && process.stderr.isTTY === true;
    const bar = showBar
      ? new SingleBar({ format: 'filtering |{bar}| {value}/{total} {file}', stream: process.stderr, hideCursor: true, clearOnComplete: true })
      : undefined;
    bar?.start(jobs.length, 0, { file: '' });
    const lines: string[] = [];
    for (const job of jobs) {
      bar?.update({ file: basename(job.input) });
      try {
        const line = await processOne(engine, job, settings, opts.explain === true, job === jobs[0] ? first : undefined);
        if (bar) lines.push(line);
        else say(line);
      } catch (e) {
        if (jobs.length === 1) throw e;
        failures++;
        bar?.stop();
        process.stderr.write(`webgpu-conv: ${describeError(e)}\n`);
        bar?.start(jobs.length, jobs.indexOf(job) + 1, { file: '' });
        continue;
      }
      bar?.increment();
    }
    bar?.stop();
    for (const line of lines) say(line);
    if (jobs.length > 1) say(`${jobs.length - failures} of ${jobs.length} images written to ${opts.output}`);
    if (opts.tuning) saveTuning(engine, opts.tuning);
  } finally {
    engine.destroy();
  }
  return failures ? EXIT.runtime : EXIT.ok;
}
