/**
 * End-to-end tests of the built `webgpu-conv` CLI's other commands (dist/cli/main.js), on the
 * llvmpipe software adapter: `info` (text and --json), `gallery` (PNGs within 1 LSB of the CPU
 * reference, contact sheet, table) and `bench` (hand-over to bench/, or the missing-suite error).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBench, runBench } from '../src/cli/commands/bench.js';
import { parsePreset } from '../src/presets/index.js';
import { images, inputPlanes, readPng } from './support/cli-images.js';
import { expectMatches, reference } from './support/cli-reference.js';
import { ADAPTER, cli, dir, expectError, useCliFixture } from './support/cli.js';

useCliFixture();

describe('webgpu-conv info, gallery, bench', () => {
  it('info --json describes the software adapter, its limits and features', () => {
    const r = cli('info', '--json', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { adapter: { isSoftware: boolean; source: string; featureLevel: string }; limits: Record<string, number>; features: string[] };
    expect(info.adapter).toMatchObject({ isSoftware: true, source: 'llvmpipe', featureLevel: 'compatibility' });
    expect(info.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
    expect(Array.isArray(info.features)).toBe(true);
    const text = cli('info', ...ADAPTER);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/software +yes/);
    expect(text.stdout).toMatch(/maxStorageBufferBindingSize +\d+/);
  });

  it('gallery: a PNG per preset, a contact sheet and a table', () => {
    const r = cli('gallery', 'rgb8.png', '-o', 'sheet', '-p', 'box:3;sobel-x;sobel', ...ADAPTER);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'sheet')).sort()).toEqual(['01-box-size3.png', '02-sobel-x.png', '03-sobel.png', 'index.html', 'input.png']);
    expect(r.stdout).toMatch(/preset +kernel +output +GPU +CPU +max \|GPU−CPU\| +LSB +file/);
    expect(r.stdout).toMatch(/sobel-x +3×3 +offset 0\.5 +[\d.]+ ms +[\d.]+ ms +[\de.+-]+ +[01] +sheet\/02-sobel-x\.png/);
    const html = readFileSync(join(dir, 'sheet/index.html'), 'utf8');
    for (const s of ['input.png', '01-box-size3.png', '02-sobel-x.png', '03-sobel.png', 'GPU', 'CPU', 'max diff', 'software adapter']) expect(html).toContain(s);
    expectMatches(readPng(join(dir, 'sheet/02-sobel-x.png')), reference(inputPlanes(images.rgb8).planes, { kernels: parsePreset('sobel-x').kernels, offset: 0.5, depth: 8 }));
  });

  it('gallery with a bad preset list is a usage error', () => {
    expectError(cli('gallery', 'rgb8.png', '-o', 'sheet2', '-p', 'box:3;nope'), 2, /unknown kernel preset 'nope'/);
  });

  it('bench hands over to bench/ when it is there (arguments and exit code), else says it is missing', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'webgpu-conv-bench-'));
    try {
      expect(findBench(tmp)).toBeUndefined();
      await expect(runBench(['--quick'], tmp)).rejects.toThrow(/the benchmark suite is not installed \(looked for bench\/run\.mjs/);
      mkdirSync(join(tmp, 'bench'));
      writeFileSync(join(tmp, 'bench', 'run.mjs'), 'process.exit(process.argv.slice(2).join(" ") === "--quick --filter k3" ? 7 : 3);');
      expect(findBench(tmp)).toBe(join(tmp, 'bench', 'run.mjs'));
      expect(await runBench(['--quick', '--filter', 'k3'], tmp)).toBe(7);
    } finally {
      rmSync(tmp, { recursive: true });
    }
    if (!findBench()) expectError(cli('bench'), 1, /the benchmark suite is not installed/);
  });
});
