/**
 * `webgpu-conv gallery [image]`: one image through a bank of presets, a PNG per preset, an
 * index.html contact sheet (input and outputs side by side with GPU time, CPU time and the
 * GPU-vs-CPU difference) and a table on stdout. `npm start` runs it on the bundled photograph.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ConvEngine } from '../../index.js';
import { kernelRows, type ResolvedFilter } from '../../presets/index.js';
import { EXIT, RuntimeError, UsageError } from '../errors.js';
import { describeRaster, encodePng, readImageFile } from '../image.js';
import { resolveKernel } from '../kernel.js';
import { samplePhoto, testPattern } from '../sample.js';
import { filterRaster, type FilterOutcome, type FilterSettings } from '../pipeline.js';
import { describeAdapter, diff, ms, openEngine, saveTuning, type CommonFilterOptions } from './common.js';
import { contactSheet } from './sheet.js';

/** The presets `npm start` shows. */
export const DEFAULT_BANK: readonly string[] = [
  'box:5',
  'gaussian:sigma=2',
  'sharpen',
  'unsharp:sigma=1.5,amount=1',
  'laplacian',
  'sobel-x',
  'sobel-y',
  'sobel',
  'prewitt-x',
  'emboss',
  'motion:length=15,angle=30',
];

export interface GalleryCommandOptions extends CommonFilterOptions {
  output: string;
  presets: string;
}

/** One row of the gallery. */
export interface GalleryEntry {
  filter: ResolvedFilter;
  file: string;
  outcome: FilterOutcome;
  mapping: string;
}

/** `02-gaussian-sigma2-size13` for the second spec `gaussian:sigma=2,size=13`. */
function fileStem(index: number, spec: string): string {
  const words = spec.toLowerCase().replace(/=/g, '').replace(/[^a-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '');
  return `${String(index + 1).padStart(2, '0')}-${words}`;
}

function mappingLabel(s: FilterSettings): string {
  const parts: string[] = [];
  if (s.mapping.abs) parts.push('abs');
  if (s.mapping.gain !== undefined && s.mapping.gain !== 1) parts.push(`gain ${s.mapping.gain}`);
  if (s.mapping.normalize) parts.push('normalize');
  if (s.mapping.offset) parts.push(`offset ${s.mapping.offset}`);
  return parts.length ? parts.join(' + ') : 'clamp';
}

/** A plain-text table with aligned columns; `right` marks right-aligned columns. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (r: readonly string[]) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  return [fmt(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(fmt)].join('\n');
}


export async function runGallery(image: string | undefined, opts: GalleryCommandOptions): Promise<number> {
  const specs = opts.presets.split(';').map((s) => s.trim()).filter(Boolean);
  if (!specs.length) throw new UsageError('--presets is empty: give kernel specs separated by semicolons');
  const filters = specs.map((s) => resolveKernel(s));
  // No image: the sample photograph in a clone of the repository; the npm package leaves it out,
  // so there a generated test pattern stands in.
  const photo = image ?? samplePhoto();
  const input = photo ?? 'test-pattern.png';
  const img = photo === undefined ? testPattern() : readImageFile(photo);
  const outDir = opts.output;
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new RuntimeError(`cannot create the output directory '${outDir}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const inputCopy = `input${extname(input).toLowerCase() || '.png'}`;
  if (photo === undefined) {
    const color = Uint16Array.from(img.color, (v) => Math.round(v * 255));
    writeFileSync(join(outDir, inputCopy), encodePng({ width: img.width, height: img.height, colorChannels: img.colorChannels, color, alpha: undefined, depth: 8 }));
  } else {
    copyFileSync(photo, join(outDir, inputCopy));
  }

  const engine: ConvEngine = await openEngine(opts.adapter, opts.tuning);
  const entries: GalleryEntry[] = [];
  let adapterLine = '';
  try {
    adapterLine = describeAdapter(engine.adapterInfo);
    process.stdout.write(`adapter: ${adapterLine}\n`);
    const shown = relative(process.cwd(), input);
    const name = photo === undefined ? 'a generated test pattern (no image given, and the sample photo is not in the npm package: `webgpu-conv gallery photo.jpg` uses yours)' : shown.startsWith('..') || isAbsolute(shown) ? input : shown;
    process.stdout.write(`image:   ${name} (${img.width}×${img.height} ${describeRaster(img)})\n`);
    process.stdout.write(`filter:  ${opts.correlate ? 'correlation' : 'convolution'}, mode ${opts.mode}, boundary ${opts.boundary}, algorithm ${opts.algorithm}\n\n`);
    for (const [i, filter] of filters.entries()) {
      const settings: FilterSettings = {
        filter,
        mode: opts.mode,
        boundary: opts.boundary,
        fillValue: opts.fillValue,
        correlate: opts.correlate === true,
        algorithm: opts.algorithm,
        mapping: { ...filter.display },
        filterAlpha: false,
        depth: undefined,
        check: true,
      };
      // The first run of a kernel shape compiles its pipelines; time the second.
      await filterRaster(engine, img, { ...settings, check: false });
      const outcome = await filterRaster(engine, img, settings);
      const file = `${fileStem(i, filter.spec)}.png`;
      writeFileSync(join(outDir, file), encodePng(outcome.output));
      entries.push({ filter, file, outcome, mapping: mappingLabel(settings) });
    }
    if (opts.tuning) saveTuning(engine, opts.tuning);
  } finally {
    engine.destroy();
  }

  const header = ['preset', 'kernel', 'output', 'GPU', 'CPU', 'max |GPU−CPU|', 'LSB', 'file'];
  const rows = entries.map((e) => [
    e.filter.spec,
    e.outcome.kernelLabel,
    e.mapping,
    ms(e.outcome.gpuMs),
    ms(e.outcome.cpuMs),
    diff(e.outcome.maxAbsDiff),
    String(e.outcome.maxLsbDiff),
    join(outDir, e.file),
  ]);
  process.stdout.write(`${table(header, rows, new Set([3, 4, 5, 6]))}\n\n`);
  const html = contactSheet({
    title: `webgpu-conv · ${basename(input)}`,
    input: { file: inputCopy, label: `${basename(input)} · ${img.width}×${img.height} ${describeRaster(img)}` },
    adapter: adapterLine,
    settings: `${opts.correlate ? 'correlation' : 'convolution'} · mode ${opts.mode} · boundary ${opts.boundary} · algorithm ${opts.algorithm}`,
    entries: entries.map((e) => ({
      file: e.file,
      spec: e.filter.spec,
      kernel: e.outcome.kernelLabel,
      kernelRows: e.filter.kernels.length === 1 && (e.filter.kernels[0]?.data.length ?? 0) <= 25 ? kernelRows(e.filter.kernels[0]!) : undefined,
      mapping: e.mapping,
      gpu: ms(e.outcome.gpuMs),
      cpu: ms(e.outcome.cpuMs),
      diff: diff(e.outcome.maxAbsDiff),
      lsb: e.outcome.maxLsbDiff ?? 0,
    })),
  });
  const sheet = join(outDir, 'index.html');
  writeFileSync(sheet, html);
  process.stdout.write(`contact sheet: ${sheet} (open file://${resolve(sheet)})\n`);
  const bad = entries.filter((e) => (e.outcome.maxLsbDiff ?? 0) > 1);
  if (bad.length) {
    throw new RuntimeError(`GPU and CPU results differ by more than 1 LSB for ${bad.map((e) => e.filter.spec).join(', ')}`);
  }
  return EXIT.ok;
}
