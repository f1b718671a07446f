#!/usr/bin/env node
/**
 * Per-call cost of small calls: what a call costs beyond its kernels (validation, planning, uploads,
 * recording, submit, error scopes, readback). Times `engine.conv2d` end to end on shapes whose
 * kernels take microseconds, and shape h of the suite, with and without the `out` option.
 *
 *   npm run build && node --expose-gc bench/percall.mjs [--adapter llvmpipe] [--runs 3] [--calls 200]
 *
 * Prints the median and range over runs of each run's median per-call time.
 */
import { Command } from 'commander';
import { createEngine } from '../dist/index.js';
import { randomTensor } from '../dist/testing.js';

const opts = new Command()
  .option('--adapter <name>', 'llvmpipe | swiftshader | hardware | auto', 'llvmpipe')
  .option('--runs <n>', 'repetitions of the whole measurement', (v) => Number(v), 3)
  .option('--calls <n>', 'timed calls per case and run', (v) => Number(v), 200)
  .parse()
  .opts();

/** @type {Array<[string, number[], number[], Record<string, unknown>]>} */
const CASES = [
  ['1×1 kernel, 4×4 image (one dispatch)', [1, 1, 4, 4], [1, 1, 1, 1], {}],
  ['3×3 conv 16→16 on 4×4 (im2col)', [1, 16, 4, 4], [16, 16, 3, 3], { padding: 1 }],
  ['h: depthwise 3×3, C=256, 28×28', [1, 256, 28, 28], [256, 1, 3, 3], { padding: 1, groups: 256 }],
];

const engine = await createEngine({ adapter: /** @type {any} */ (opts.adapter), quiet: true });
const gc = /** @type {(() => void) | undefined} */ (globalThis.gc);
/** @type {Map<string, number[]>} */
const medians = new Map();
for (let run = 0; run < opts.runs; run++) {
  for (const [name, is, ws, o] of CASES) {
    const x = randomTensor(is, 1);
    const w = randomTensor(ws, 2);
    const out = new Float32Array((is[0] ?? 1) * (ws[0] ?? 1) * (is[2] ?? 1) * (is[3] ?? 1));
    for (const [label, options] of [[name, o], [`${name}, out`, { ...o, out }]]) {
      for (let i = 0; i < 20; i++) await engine.conv2d(x, w, /** @type {any} */ (options));
      gc?.();
      const times = [];
      for (let i = 0; i < opts.calls; i++) {
        const t0 = performance.now();
        await engine.conv2d(x, w, /** @type {any} */ (options));
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const key = /** @type {string} */ (label);
      medians.set(key, [...(medians.get(key) ?? []), /** @type {number} */ (times[times.length >> 1])]);
    }
  }
}
console.log(`per-call time on ${engine.adapterInfo.description || engine.adapterInfo.device}: median (min–max) over ${opts.runs} runs of each run's median of ${opts.calls} calls`);
for (const [label, ms] of medians) {
  const s = [...ms].sort((a, b) => a - b);
  console.log(`${label.padEnd(48)} ${(/** @type {number} */ (s[s.length >> 1])).toFixed(3)} ms (${(/** @type {number} */ (s[0])).toFixed(3)}–${(/** @type {number} */ (s[s.length - 1])).toFixed(3)})`);
}
engine.destroy();
