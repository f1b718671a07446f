/**
 * The package as users get it: `npm pack` of this checkout (the dist/ that `npm test` has just
 * built; `--ignore-scripts`, so the `prepack` clean build does not run here), unpacked into
 * temporary consumer projects outside the repository. Offline: the consumers' dependencies are
 * symlinks into this repository's node_modules, never an install from a registry.
 *
 * - the tarball: LICENSE in, the sample photo, the .wgsl copies and declaration maps out, every
 *   JavaScript source map carries its sources;
 * - the import graph from the three entry points reaches no bare or `node:` import (so nothing
 *   CLI-only or Node-only can enter a browser bundle), only the variable `import(specifier)` of Dawn;
 * - TypeScript (this repository's tsc, 5.x) compiles a consumer with default settings
 *   (module/moduleResolution NodeNext), and again with target ES2022, whose default lib has no
 *   `Symbol.dispose`; no `types`, no `lib`, no `skipLibCheck`;
 * - `require()` of the three entry points from a .cjs file, and `createEngine()` without the
 *   optional `webgpu` peer rejecting with NoAdapterError saying "install webgpu";
 * - Vite builds a browser app from the tarball without a warning, without the CLI's dependencies,
 *   and its minified error classes keep their names;
 * - the packed CLI's `gallery` without an image (no sample photo in the package) filters a
 *   generated test pattern on llvmpipe.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { hasVulkanDriver, isNode } from '../src/gpu/device.js';
import { launchChromium, serve } from './support/browser.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const MODULES = join(ROOT, 'node_modules');
const TSC = join(MODULES, '.bin', 'tsc');
const TSGO = join(MODULES, '.bin', 'tsgo');
const VITE = join(MODULES, '.bin', 'vite');

let work = '';
/** Consumer without the `webgpu` peer: tmp/lib/node_modules/{webgpu-conv, @webgpu/types}. */
let lib = '';
/** The unpacked package inside `lib`. */
let pkg = '';
let files: string[] = [];

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)).map((f) => `${e.name}/${f}`) : [e.name],
  );
}

/**
 * A temporary directory none of whose ancestors has a node_modules (a /tmp/node_modules would let
 * the consumer resolve packages it has not got, such as the optional `webgpu` peer).
 */
function cleanTempRoot(): string {
  const hasModules = (dir: string): boolean => {
    for (let d = resolve(dir); ; d = dirname(d)) {
      if (existsSync(join(d, 'node_modules'))) return true;
      if (dirname(d) === d) return false;
    }
  };
  const base = [tmpdir(), '/var/tmp', '/dev/shm', homedir()].find((d) => existsSync(d) && !hasModules(d));
  if (!base) throw new Error('package.test: no temporary directory without a node_modules above it');
  return mkdtempSync(join(base, 'webgpu-conv-package-'));
}

function unpack(tarball: string, into: string): string {
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['xzf', tarball, '-C', into]);
  return join(into, 'package');
}

beforeAll(() => {
  work = cleanTempRoot();
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as Array<{ filename: string; files: Array<{ path: string }> }>;
  files = packed[0]!.files.map((f) => f.path);
  const tarball = join(work, packed[0]!.filename);

  lib = join(work, 'lib');
  mkdirSync(join(lib, 'node_modules', '@webgpu'), { recursive: true });
  const unpacked = unpack(tarball, join(work, 'unpack-lib'));
  pkg = join(lib, 'node_modules', 'webgpu-conv');
  execFileSync('mv', [unpacked, pkg]);
  symlinkSync(join(MODULES, '@webgpu', 'types'), join(lib, 'node_modules', '@webgpu', 'types'), 'dir');
  writeFileSync(join(lib, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));

  // The CLI consumer: its parent's node_modules is this repository's, so commander, pngjs… and
  // webgpu resolve as they would once installed.
  const cli = join(work, 'cli');
  mkdirSync(join(cli, 'app', 'node_modules'), { recursive: true });
  symlinkSync(MODULES, join(cli, 'node_modules'), 'dir');
  execFileSync('mv', [unpack(tarball, join(work, 'unpack-cli')), join(cli, 'app', 'node_modules', 'webgpu-conv')]);
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('has the LICENSE and the library, not the photo, the .wgsl copies or declaration maps', () => {
    expect(files).toContain('LICENSE');
    expect(files).toContain('package.json');
    expect(files).toContain('dist/index.js');
    expect(files).toContain('dist/index.d.ts');
    expect(files).toContain('dist/cli/main.js');
    expect(files.filter((f) => f.startsWith('assets/') || f.startsWith('shaders/') || f.endsWith('.wgsl') || f.endsWith('.png'))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.d.ts.map') || f.startsWith('src/'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(manifest.dependencies).not.toHaveProperty('webgpu');
    expect(manifest.dependencies).toHaveProperty('@webgpu/types');
    expect(manifest.peerDependencies).toHaveProperty('webgpu');
    expect(manifest.peerDependenciesMeta).toEqual({ webgpu: { optional: true } });
  });

  it('ships source maps only with their sources inside', () => {
    // (Maps of modules that no longer exist in src/ are leftovers in an unclean dist/, which the
    // `prepack` script's clean build removes; `--ignore-scripts` above packs dist/ as it is.)
    const maps = files.filter((f) => f.endsWith('.js.map') && existsSync(join(ROOT, 'src', f.slice('dist/'.length).replace(/\.js\.map$/, '.ts'))));
    expect(maps.length).toBeGreaterThan(10);
    for (const m of maps) {
      const map = JSON.parse(readFileSync(join(pkg, m), 'utf8')) as { sources: string[]; sourcesContent?: (string | null)[] };
      expect(map.sourcesContent?.length, m).toBe(map.sources.length);
      expect(map.sourcesContent?.every((s) => typeof s === 'string' && s.length > 0), m).toBe(true);
    }
  });

  it('references @webgpu/types from its declarations', () => {
    expect(readFileSync(join(pkg, 'dist', 'index.d.ts'), 'utf8')).toMatch(/^\/\/\/ <reference types="@webgpu\/types"/);
  });

  it('reaches no bare or node: import from its entry points (nothing CLI- or Node-only in a bundle)', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
    const entries = Object.values(manifest.exports)
      .filter((e): e is Record<string, string> => typeof e === 'object')
      .map((e) => resolve(pkg, e.import!));
    expect(entries).toHaveLength(3);
    const seen = new Set<string>();
    const outside: string[] = [];
    const todo = [...entries];
    while (todo.length) {
      const file = todo.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      const specs = [...text.matchAll(/(?:^|[\s;])(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|import\(\s*(?:\/\*[^*]*\*\/\s*)*['"]([^'"]+)['"]\s*\)/gm)].map((m) => m[1] ?? m[2] ?? m[3]!);
      for (const s of specs) {
        if (s.startsWith('.')) todo.push(resolve(dirname(file), s));
        else outside.push(`${relative(pkg, file)} → ${s}`);
      }
    }
    expect(outside).toEqual([]);
    expect([...seen].some((f) => f.includes(`${join('dist', 'cli')}`))).toBe(false);
    expect(seen.size).toBeGreaterThan(20);
  });
});

describe('a TypeScript consumer with default settings', () => {
  const source = `import { createEngine, ConvEngine, GpuTensor, NoAdapterError, ShapeError, type EngineOptions, type AdapterInfo, type FilterImageOptions, type HostTensor, type ImageDataLike } from 'webgpu-conv';
import { gaussianKernel, PRESET_NAMES } from 'webgpu-conv/presets';
import { mulberry32, randomTensor } from 'webgpu-conv/testing';

export async function sharpen(engine: ConvEngine, image: ImageDataLike, canvas: HTMLCanvasElement): Promise<ImageDataLike> {
  const opts: FilterImageOptions = { alpha: 'premultiplied', colorSpace: 'linear' };
  await engine.filterImage(image, 'sharpen', { ...opts, target: canvas });
  return engine.filterImage(image, { gaussian: 2 }, opts);
}

export async function blur(device?: GPUDevice): Promise<number> {
  const options: EngineOptions = device ? { device, quiet: true } : { adapter: 'auto' };
  let engine: ConvEngine;
  try {
    engine = await createEngine(options);
  } catch (e) {
    if (e instanceof NoAdapterError || e instanceof ShapeError) return -1;
    throw e;
  }
  const info: AdapterInfo = engine.adapterInfo;
  const kernel: HostTensor = gaussianKernel(2);
  const image: HostTensor = randomTensor([32, 32], mulberry32(1)());
  void info;
  void kernel;
  void image;
  const names: readonly string[] = PRESET_NAMES;
  engine[Symbol.dispose]();
  return names.length + (GpuTensor.prototype[Symbol.dispose] ? 1 : 0);
}
`;

  function compile(name: string, compilerOptions: Record<string, unknown>, compiler = TSC) {
    const dir = join(lib, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'main.ts'), source);
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, ...compilerOptions }, files: ['main.ts'] }));
    return run(compiler, ['-p', dir], dir);
  }

  it('compiles with TypeScript 7 (the native compiler, tsgo)', () => {
    const r = compile('ts7-default', {}, TSGO);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);

  it('compiles (module NodeNext, the default target that implies)', () => {
    const r = compile('ts-default', {});
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);

  it('compiles with target ES2022, whose default lib has no Symbol.dispose', () => {
    const r = compile('ts-es2022', { target: 'ES2022' });
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  }, 60_000);
});

describe('require() and the missing optional peer', () => {
  it('require()s the three entry points; createEngine without webgpu rejects with "install webgpu"', () => {
    writeFileSync(
      join(lib, 'check.cjs'),
      `const lib = require('webgpu-conv');
const presets = require('webgpu-conv/presets');
const testing = require('webgpu-conv/testing');
const errors = ['ConvError', 'ShapeError', 'OptionError', 'NoAdapterError', 'EngineDestroyedError', 'GPUOperationError', 'ResourceError', 'DeviceLostError'];
lib.createEngine().then(
  () => { console.log(JSON.stringify({ error: null })); },
  (e) => {
    console.log(JSON.stringify({
      createEngine: typeof lib.createEngine,
      presets: Array.isArray(presets.PRESET_NAMES) && typeof presets.gaussianKernel,
      testing: typeof testing.randomTensor,
      names: errors.map((n) => n === 'ConvError' ? new lib[n]('X', 'm').name : new lib[n]('m').name),
      error: { name: e.name, code: e.code, message: e.message },
    }));
  });
`,
    );
    const r = run(process.execPath, ['--no-warnings', 'check.cjs'], lib);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { createEngine: string; presets: string; testing: string; names: string[]; error: { name: string; code: string; message: string } };
    expect(out).toMatchObject({ createEngine: 'function', presets: 'function', testing: 'function' });
    expect(out.names).toEqual(['ConvError', 'ShapeError', 'OptionError', 'NoAdapterError', 'EngineDestroyedError', 'GPUOperationError', 'ResourceError', 'DeviceLostError']);
    expect(out.error.name).toBe('NoAdapterError');
    expect(out.error.code).toBe('NO_ADAPTER');
    expect(out.error.message).toMatch(/Install webgpu: `npm install webgpu`/);
  }, 30_000);
});

describe('a Vite app built from the tarball', () => {
  it('builds without warnings, without the CLI dependencies, and keeps the error names', () => {
    const app = join(lib, 'web');
    mkdirSync(app, { recursive: true });
    writeFileSync(join(app, 'index.html'), '<!doctype html><html><body><script type="module" src="./main.ts"></script></body></html>\n');
    writeFileSync(
      join(app, 'main.ts'),
      `import { cpu, createEngine, NoAdapterError, ShapeError } from 'webgpu-conv';
import { gaussianKernel } from 'webgpu-conv/presets';
(globalThis as Record<string, unknown>).__names = [new ShapeError('m').name, new NoAdapterError('m').name, gaussianKernel(1).shape.length];
// In a browser: the README's example — an image (a canvas here) in, filtered into another canvas.
async function page(): Promise<string> {
  const w = 24, h = 16;
  const pixels = new ImageData(w, h);
  pixels.data.forEach((_, i) => (pixels.data[i] = i % 4 === 3 ? 255 : (i * 37) % 251));
  const source = document.createElement('canvas');
  [source.width, source.height] = [w, h];
  source.getContext('2d')!.putImageData(pixels, 0, 0);
  const engine = await createEngine();
  const canvas = document.createElement('canvas');
  await engine.filterImage(source, { gaussian: 1 }, { target: canvas });
  await engine.device.queue.onSubmittedWorkDone();
  const read = new OffscreenCanvas(w, h).getContext('2d')!;
  read.drawImage(canvas, 0, 0);
  const got = read.getImageData(0, 0, w, h).data;
  const ref = cpu.filterImage(pixels, { gaussian: 1 }).data;
  engine.destroy();
  return \`lsb \${Math.max(...ref.map((v, i) => Math.abs(v - (got[i] as number))))}\`;
}
if (typeof document !== 'undefined') page().then((t) => (document.title = t), (e: Error) => (document.title = \`error \${e.message}\`));
`,
    );
    // No module-preload polyfill (it touches `document`), so that the bundle can be run in Node below.
    writeFileSync(join(app, 'vite.config.mjs'), 'export default { build: { modulePreload: { polyfill: false } } };\n');
    const r = run(VITE, ['build', app, '--config', join(app, 'vite.config.mjs'), '--outDir', join(app, 'dist'), '--emptyOutDir'], app, { ...process.env, NO_COLOR: '1', CI: '1' });
    expect(r.status, r.output).toBe(0);
    expect(r.output).not.toMatch(/warn|externalized|node:|\(!\)/i);
    const js = walk(join(app, 'dist')).filter((f) => f.endsWith('.js'));
    expect(js.length).toBeGreaterThan(0);
    const bundle = js.map((f) => readFileSync(join(app, 'dist', f), 'utf8')).join('\n');
    expect(['commander', 'pngjs', 'jpeg-js', 'cli-progress', 'webgpu/'].filter((dep) => bundle.includes(dep))).toEqual([]);
    // Node's modules appear only as process.getBuiltinModule('node:fs') on the Node path, never imported.
    expect(bundle.match(/(?:from|import)\s*\(?\s*["'`]node:[^"'`]+/g)).toBeNull();
    // The minified bundle, run: the classes are renamed, their names are not.
    const main = js.map((f) => join(app, 'dist', f)).find((f) => readFileSync(f, 'utf8').includes('__names'))!;
    const names = run(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(main)}); console.log(JSON.stringify(globalThis.__names));`], app);
    expect(names.stdout.trim(), names.stderr.split('\n').filter((l) => l.length < 300).join('\n')).toBe('["ShapeError","NoAdapterError",2]');
  }, 90_000);

  it('runs in headless Chromium: an image filtered into a canvas, within 1 LSB of cpu.filterImage', async () => {
    const server = await serve(join(lib, 'web', 'dist'));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.waitForFunction(() => /^(lsb|error) /.test(document.title), null, { timeout: 60_000 });
      const title = await page.title();
      expect(title).toMatch(/^lsb [01]$/);
    } finally {
      await browser.close();
      server.close();
    }
  }, 90_000);
});

describe('the packed CLI', () => {
  it('gallery without an image filters a generated test pattern (the photo is not in the package)', () => {
    const app = join(work, 'cli', 'app');
    const main = join(app, 'node_modules', 'webgpu-conv', 'dist', 'cli', 'main.js');
    expect(existsSync(join(app, 'node_modules', 'webgpu-conv', 'assets'))).toBe(false);
    const r = run(process.execPath, [main, 'gallery', '-o', 'out', '-p', 'box:3;sobel', '--adapter', 'llvmpipe'], app);
    expect(r.status, r.output).toBe(0);
    expect(r.stdout).toMatch(/image: {3}a generated test pattern .*480×320/);
    expect(readdirSync(join(app, 'out')).sort()).toEqual(['01-box-size3.png', '02-sobel.png', 'index.html', 'input.png']);
  }, 90_000);
});

describe('environment checks in src/gpu/device.ts', () => {
  it('a page with a process polyfill is not Node; Deno is not Node; Node is', () => {
    expect(isNode()).toBe(true);
    expect(isNode({ process: { env: {}, browser: true, versions: {} }, navigator: { gpu: {} } })).toBe(false);
    expect(isNode({ process: { env: { NODE_ENV: 'production' } } })).toBe(false);
    expect(isNode({ process: { versions: { node: '20.0.0' } }, Deno: {} })).toBe(false);
    expect(isNode({})).toBe(false);
  });

  it('finds a Vulkan driver through VK_ICD_FILENAMES / VK_DRIVER_FILES or an icd.d manifest', () => {
    expect(hasVulkanDriver({ VK_ICD_FILENAMES: '/x.json' })).toBe(true);
    expect(hasVulkanDriver({ VK_DRIVER_FILES: '/x.json' })).toBe(true);
    const dir = join(work, 'xdg');
    mkdirSync(join(dir, 'vulkan', 'icd.d'), { recursive: true });
    const empty = { XDG_CONFIG_DIRS: join(work, 'none'), XDG_DATA_DIRS: join(work, 'none'), XDG_DATA_HOME: join(work, 'none'), HOME: join(work, 'none') };
    if (process.platform === 'linux' && !['/usr/local/etc', '/etc'].some((d) => existsSync(join(d, 'vulkan', 'icd.d')) && readdirSync(join(d, 'vulkan', 'icd.d')).some((f) => f.endsWith('.json')))) {
      expect(hasVulkanDriver({ ...empty, XDG_DATA_DIRS: dir })).toBe(false);
    }
    writeFileSync(join(dir, 'vulkan', 'icd.d', 'some_icd.json'), '{}');
    expect(hasVulkanDriver({ ...empty, XDG_DATA_DIRS: dir })).toBe(true);
  });
});
