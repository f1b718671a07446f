/**
 * `webgpu-conv tune`: autotunes conv2d shapes (the benchmark's shape suite a–h from a clone of the
 * repository, or the `--shape` ones) on the chosen adapter and writes the tuning table, which
 * `filter`/`gallery --tuning FILE` and `engine.importTuning` read.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { AdapterChoice, Conv2dOptions } from '../../index.js';
import { randomTensor } from '../../testing.js';
import { EXIT, UsageError } from '../errors.js';
import { PACKAGE_ROOT } from '../paths.js';
import { describeAdapter, ms, openEngine, saveTuning } from './common.js';

export interface TuneCommandOptions {
  adapter: AdapterChoice;
  tuning: string;
  shape?: string[];
  quiet?: boolean;
}

interface Shape {
  id: string;
  input: number[];
  weight: number[];
  options: Conv2dOptions;
}

/** The benchmark's shape suite, when this is a clone of the repository. */
const SUITE = `${PACKAGE_ROOT}bench/bench-shapes.json`;

const dims = (s: string, what: string, spec: string): number[] => {
  const d = s.split('x').map(Number);
  if (d.length !== 4 || !d.every((v) => Number.isInteger(v) && v > 0)) throw new UsageError(`--shape ${spec}: ${what} must be NxCxHxW-style positive integers, got '${s}'`);
  return d;
};

/** `conv2d:NxCxHxW:KxCgxKHxKW[:padding=1,stride=1,dilation=1,groups=1]`. */
export function parseShape(spec: string): Shape {
  const [op, input, weight, opts, ...rest] = spec.split(':');
  if (op !== 'conv2d' || !input || !weight || rest.length) throw new UsageError(`--shape ${spec}: expected conv2d:NxCxHxW:KxCgxKHxKW[:padding=P,stride=S,dilation=D,groups=G]`);
  const options: Record<string, number> = {};
  for (const kv of opts ? opts.split(',') : []) {
    const [k, v] = kv.split('=');
    if (!k || !['padding', 'stride', 'dilation', 'groups'].includes(k) || !v || !Number.isInteger(Number(v))) throw new UsageError(`--shape ${spec}: unknown or bad option '${kv}'`);
    options[k] = Number(v);
  }
  return { id: spec, input: dims(input, 'the input', spec), weight: dims(weight, 'the weight', spec), options };
}

function suiteShapes(): Shape[] {
  if (!existsSync(SUITE)) throw new UsageError(`no --shape given and no benchmark shape suite here (${SUITE}); pass --shape conv2d:NxCxHxW:KxCgxKHxKW[:padding=1]`);
  const suite = JSON.parse(readFileSync(SUITE, 'utf8')) as { shapes: Array<Record<string, number | string>> };
  return suite.shapes.map((s) => {
    const n = (k: string) => Number(s[k]);
    return { id: String(s.id), input: [n('N'), n('C'), n('H'), n('W')], weight: [n('K'), n('C') / n('groups'), n('KH'), n('KW')], options: { padding: n('pad'), stride: n('stride'), groups: n('groups') } };
  });
}

export async function runTune(opts: TuneCommandOptions): Promise<number> {
  const shapes = opts.shape?.length ? opts.shape.map(parseShape) : suiteShapes();
  const engine = await openEngine(opts.adapter, opts.tuning);
  try {
    if (!opts.quiet) process.stdout.write(`adapter: ${describeAdapter(engine.adapterInfo)}\n`);
    for (const [i, s] of shapes.entries()) {
      const r = await engine.tune('conv2d', randomTensor(s.input, 2 * i + 1), randomTensor(s.weight, 2 * i + 2), s.options);
      const timed = r.candidates.filter((c) => c.ms !== undefined).length;
      if (!opts.quiet) process.stdout.write(`${s.id.padEnd(12)} ${`${r.algorithm}/${r.variant}`.padEnd(28)} ${ms(r.ms).padStart(9)}  (${timed} candidates timed, ${r.method})\n`);
    }
    saveTuning(engine, opts.tuning);
    if (!opts.quiet) process.stdout.write(`tuning table written to ${opts.tuning}\n`);
    return EXIT.ok;
  } finally {
    engine.destroy();
  }
}
