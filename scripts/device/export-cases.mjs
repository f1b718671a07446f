#!/usr/bin/env node
// @ts-check
/**
 * Writes every case of the benchmark suite (bench/lib/cases.mjs: the shape suite a–h and the full
 * kernel-size, image-size and conv1d sweeps) as JSON for torch_bench.py, so that PyTorch times exactly
 * the shapes our bench does. Part of the device pack (scripts/device-pack.mjs), where bench/ is beside
 * it; also runs from the repository (scripts/device/, bench/ two folders up, after npm run build):
 *
 *   node export-cases.mjs cases.json
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const benchDir = ['./bench/', '../../bench/'].map((p) => new URL(p, import.meta.url)).find((u) => existsSync(new URL('lib/cases.mjs', u)));
if (!benchDir) {
  console.error('export-cases: no bench/lib/cases.mjs beside this file or two folders up');
  process.exit(1);
}
/** @type {{ buildCases: (shapes: unknown[], opts?: { quick?: boolean }) => any[] }} */
const { buildCases } = await import(new URL('lib/cases.mjs', benchDir).href);

const out = process.argv[2];
if (!out) {
  console.error('usage: node export-cases.mjs OUT.json');
  process.exit(2);
}
const shapes = JSON.parse(readFileSync(new URL('bench-shapes.json', benchDir), 'utf8')).shapes;
const cases = buildCases(shapes).map((c) => ({
  id: c.id,
  name: c.name,
  group: c.group,
  op: c.op,
  inputShape: c.inputShape,
  weightShape: c.weightShape,
  stride: c.geo.stride,
  groups: c.geo.groups,
  pad: c.geo.pad, // top, bottom, left, right
  outputShape: c.op === 'conv1d' ? [c.geo.N, c.geo.K, c.geo.OW] : [c.geo.N, c.geo.K, c.geo.OH, c.geo.OW],
  flops: c.flops,
  bytes: c.bytes,
  x: c.x ?? null,
}));
writeFileSync(out, `${JSON.stringify({ source: 'bench/lib/cases.mjs', cases }, null, 1)}\n`);
console.log(`export-cases: ${cases.length} cases -> ${out}`);
