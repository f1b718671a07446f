/**
 * Running the built `webgpu-conv` CLI (dist/cli/main.js) for the CLI tests (test/cli-*.test.ts):
 * the per-file fixture (a temp directory holding the test images and kernel files, the library as
 * published for the CPU reference), the `cli(...)` runner and the one-line error assertion.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encode as encodeJpeg } from 'jpeg-js';
import { afterAll, beforeAll, expect } from 'vitest';
import { ALGORITHM_NAMES } from '../../src/algorithms/registry.js';
import { GREY_JPEG, images, writePng } from './cli-images.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** "algorithm/variant" as the CLI prints it; variant names may contain spaces ("tiled/8x16 KB1"). */
export const RAN = `(?:${ALGORITHM_NAMES.join('|')})/[^:\n]+?`;
const CLI = join(ROOT, 'dist/cli/main.js');
export const ADAPTER = ['--adapter', 'llvmpipe'];

/** The library as published (dist/), for the CPU reference. */
type Lib = typeof import('../../src/index.js');
export let lib: Lib;
export let dir: string;

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** stderr lines that are the CLI's own (Dawn may add driver warnings of its own). */
export function errorLines(r: Run): string[] {
  return r.stderr.split('\n').filter((l) => l.startsWith('webgpu-conv'));
}

/** Asserts a failure: exit code, exactly one error line, matching `message`. */
export function expectError(r: Run, code: number, message: RegExp): void {
  expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(code);
  const lines = errorLines(r);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(message);
  expect(r.stdout).toBe('');
}

/** Rebuilds dist/ when it is missing or older than the sources (npm test builds first anyway). */
function ensureBuilt(): void {
  const newest = (d: string): number =>
    Math.max(0, ...readdirSync(d, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(d, e.name)) : statSync(join(d, e.name)).mtimeMs)));
  if (!existsSync(CLI) || statSync(CLI).mtimeMs < newest(join(ROOT, 'src'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
}

/**
 * Registers the fixture of a CLI test file: builds dist/ if stale, loads the published library into
 * `lib`, and fills a fresh temp directory `dir` (the CLI's working directory, removed after the file)
 * with the test images, kernel files and a batch directory.
 */
export function useCliFixture(): void {
  beforeAll(async () => {
    ensureBuilt();
    lib = (await import(join(ROOT, 'dist/index.js'))) as Lib;
    dir = mkdtempSync(join(tmpdir(), 'webgpu-conv-cli-'));
    for (const [name, img] of Object.entries(images)) writePng(join(dir, `${name}.png`), img);
    const rgb = images.rgb8;
    const rgba = new Uint8Array(rgb.width * rgb.height * 4);
    for (let i = 0; i < rgb.width * rgb.height; i++) {
      rgba.set(rgb.samples.subarray(3 * i, 3 * i + 3), 4 * i);
      rgba[4 * i + 3] = 255;
    }
    writeFileSync(join(dir, 'photo.jpg'), encodeJpeg({ width: rgb.width, height: rgb.height, data: rgba }, 90).data);
    writeFileSync(join(dir, 'grey.jpg'), Buffer.from(GREY_JPEG, 'base64'));
    writeFileSync(join(dir, 'not-an-image.png'), 'hello, I am text\n');
    writeFileSync(join(dir, 'edge.txt'), '# a 2×3 asymmetric kernel\n1 2 0\n-1, 0.5, -3\n');
    writeFileSync(join(dir, 'ragged.json'), '[[1, 2], [3]]');
    mkdirSync(join(dir, 'batch'));
    writePng(join(dir, 'batch', 'a.png'), images.rgb8);
    writePng(join(dir, 'batch', 'b.png'), images.grey8);
    writeFileSync(join(dir, 'batch', 'notes.txt'), 'not an image, and not .png: skipped');
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
}
