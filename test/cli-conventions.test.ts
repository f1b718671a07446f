/**
 * End-to-end tests of the built `webgpu-conv` CLI (dist/cli/main.js), its conventions: --version,
 * --help on every command, usage errors (exit 2) and runtime errors (exit 1), each with one error
 * line naming the problem, on small images in a temp directory (test/support/cli.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findBench } from '../src/cli/commands/bench.js';
import { ADAPTER, cli, dir, expectError, ROOT, useCliFixture } from './support/cli.js';

useCliFixture();

describe('webgpu-conv: conventions', () => {
  it('--version prints the package version', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = cli('--version');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help works on every command', () => {
    for (const args of [['--help'], ['filter', '--help'], ['gallery', '--help'], ['info', '--help'], ['help', 'filter']]) {
      const r = cli(...args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/Usage: webgpu-conv/);
    }
    expect(cli('filter', '--help').stdout).toMatch(/gaussian:sigma=1,size=…/);
    // bench passes --help on to the suite when it is there, else explains itself.
    const bench = cli('bench', '--help');
    expect(bench.code, bench.stderr).toBe(0);
    expect(bench.stdout).toMatch(findBench() ? /\S/ : /Usage: webgpu-conv bench/);
  });

  it('no command: usage on stderr, exit 2', () => {
    const r = cli();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: webgpu-conv/);
  });

  it('bad usage exits 2 with one line naming the problem', () => {
    expectError(cli('filter', 'rgb8.png', '-k', 'box:3', '-o', 'x.png', '--bogus'), 2, /unknown option '--bogus'/);
    expectError(cli('filter', 'rgb8.png', '-o', 'x.png'), 2, /required option '-k, --kernel <spec>' not specified/);
    expectError(cli('filter', 'rgb8.png', '-k', 'blurry', '-o', 'x.png'), 2, /unknown kernel preset 'blurry'/);
    expectError(cli('filter', 'rgb8.png', '-k', 'gaussian:sigma=abc', '-o', 'x.png'), 2, /preset 'gaussian': sigma must be a number, got 'abc'/);
    expectError(cli('filter', 'rgb8.png', '-k', 'box:3', '-o', 'x.png', '--mode', 'diagonal'), 2, /'diagonal' is invalid.*same, full, valid/);
    expectError(cli('filter', 'rgb8.png', '-k', 'box:3', '-o', 'x.png', '--offset', 'lots'), 2, /--offset must be a number/);
    expectError(cli('filter', 'rgb8.png', '-k', 'sobel', '-o', 'x.png', '--normalize', '--offset', '0.5'), 2, /--normalize and --offset cannot be combined/);
    expectError(cli('filter', 'rgb8.png', '-k', '[[1, 2], [3]]', '-o', 'x.png'), 2, /inline kernel: row 2 has 1 values, expected 2/);
    expectError(cli('frobnicate'), 2, /unknown command 'frobnicate'/);
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });

  it('runtime errors exit 1 with one line naming the file', () => {
    expectError(cli('filter', 'missing.png', '-k', 'box:3', '-o', 'x.png', ...ADAPTER), 1, /input 'missing.png' not found/);
    expectError(cli('filter', 'not-an-image.png', '-k', 'box:3', '-o', 'x.png', ...ADAPTER), 1, /cannot read image 'not-an-image.png': not a PNG or JPEG file/);
    expectError(cli('filter', 'rgb8.png', '-k', 'kernels/nothere.txt', '-o', 'x.png', ...ADAPTER), 1, /kernel file 'kernels\/nothere.txt' not found/);
    expectError(cli('filter', 'rgb8.png', '-k', 'ragged.json', '-o', 'x.png', ...ADAPTER), 1, /kernel file 'ragged.json': row 2 has 1 values, expected 2/);
    expectError(cli('filter', 'empty-dir-does-not-exist/', '-k', 'box:3', '-o', 'out/', ...ADAPTER), 1, /input 'empty-dir-does-not-exist\/' not found/);
    // A kernel larger than the image in one dimension only cannot be 'valid' (SciPy raises too).
    expectError(cli('filter', 'grey8.png', '-k', 'motion:length=25,angle=0', '--mode', 'valid', '-o', 'x.png', ...ADAPTER), 1, /mode 'valid'/);
    expect(existsSync(join(dir, 'x.png'))).toBe(false);
  });
});
