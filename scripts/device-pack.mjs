#!/usr/bin/env node
/**
 * `npm run device:pack`: builds the library and fills device/ (git-ignored) with everything the GPU
 * run of issue 14 needs on a machine that may have no Node and no Vulkan loader (the `device` tool's
 * NVIDIA H100/H200: Python and PyTorch, x86-64, no network), under 50 MiB:
 *
 *   node/node.xz        this machine's Node binary (process.execPath, linux-x64), xz-compressed
 *   dist/ bench/        the built library and the benchmark (without bench/results)
 *   package.json
 *   node_modules/       only what the bench and `webgpu-conv info` load: webgpu (its JS and the
 *                       linux-x64 Dawn binary, xz-compressed), commander, cli-progress (+ deps),
 *                       pngjs, jpeg-js, seedrandom, and the TF.js packages' Node bundles and .wasm
 *   debs/               the Vulkan/GL loader packages the device README names (apt-get download)
 *   run.sh              the run (scripts/device/run.sh), with torch_bench.py, export-cases.mjs,
 *                       finish-results.mjs and summary.mjs from scripts/device/
 *   pack-info.json, PACK-INFO.txt   commit, date, versions and sizes
 *
 * Options: --skip-build (use dist/ as it is), --out DIR (default device/).
 * The compressed Node binary and the .debs are cached in node_modules/.cache/webgpu-conv-device/.
 * After packing, the pack's Node modules are loaded once from the pack (no GPU needed) to check that
 * nothing the bench imports was left out.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const skipBuild = args.includes('--skip-build');
const outArg = args.indexOf('--out');
const pack = resolve(root, outArg >= 0 ? args[outArg + 1] : 'device');
const cache = join(root, 'node_modules', '.cache', 'webgpu-conv-device');
const LIMIT = 50 * 2 ** 20;
/** The Vulkan loader and GL dispatch packages the device README says to bring. */
const DEBS = ['libvulkan1', 'libegl1', 'libglvnd0', 'libopengl0', 'libgl1', 'libglx0', 'libgles2'];

const log = (/** @type {string} */ m) => process.stderr.write(`device:pack: ${m}\n`);
const fail = (/** @type {string} */ m) => {
  log(`FAILED: ${m}`);
  process.exit(1);
};
const run = (/** @type {string} */ cmd, /** @type {string[]} */ argv, /** @type {object} */ opts = {}) => {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) fail(`${cmd} ${argv.join(' ')} exited ${r.status ?? r.signal}`);
};

if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(`the device machine is linux-x64; this Node is ${process.platform}-${process.arch}, so its binary cannot be packed`);
}

// 1. Build.
if (skipBuild) log('--skip-build: using dist/ as it is');
else run('npm', ['run', 'build']);
if (!existsSync(join(root, 'dist', 'index.js'))) fail('dist/index.js is missing: run npm run build');

// 2. A fresh pack folder.
if (!pack.startsWith(root + '/') || pack === root) fail(`--out must be a folder inside the repository, got ${pack}`);
rmSync(pack, { recursive: true, force: true });
mkdirSync(pack, { recursive: true });
mkdirSync(cache, { recursive: true });

// 3. Node, xz-compressed (cached by version and binary size).
const nodeXz = join(cache, `node-${process.version}-${statSync(process.execPath).size}.xz`);
if (!existsSync(nodeXz)) {
  log(`compressing ${process.execPath} (${process.version}; about a minute)`);
  execFileSync('sh', ['-c', `xz -T2 -6 -c "$0" > "$1.tmp" && mv "$1.tmp" "$1"`, process.execPath, nodeXz], { stdio: 'inherit' });
}
mkdirSync(join(pack, 'node'));
copyFileSync(nodeXz, join(pack, 'node', 'node.xz'));

// 4. The library, the bench, package.json.
cpSync(join(root, 'dist'), join(pack, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
cpSync(join(root, 'bench'), join(pack, 'bench'), {
  recursive: true,
  filter: (src) => relative(join(root, 'bench'), src).split('/')[0] !== 'results',
});
copyFileSync(join(root, 'package.json'), join(pack, 'package.json'));

// 5. node_modules: only what is loaded.
const nm = join(root, 'node_modules');
const pnm = join(pack, 'node_modules');
/** Copies a whole package (small ones). */
const copyPackage = (/** @type {string} */ name) => {
  const src = join(nm, name);
  if (!existsSync(src)) fail(`node_modules/${name} is missing: run npm ci`);
  cpSync(src, join(pnm, name), { recursive: true, filter: (s) => !/\/(node_modules|test|tests|coverage|\.github)$/.test(s) && !s.endsWith('.map') && !s.endsWith('.d.ts') && !s.endsWith('.md') });
};
/** Copies the named files of a package (the TF.js packages are 10–40 MB each, their Node bundle < 2 MB). */
const copyFiles = (/** @type {string} */ name, /** @type {string[]} */ files) => {
  for (const f of files) {
    const src = join(nm, name, f);
    if (!existsSync(src)) fail(`node_modules/${name}/${f} is missing`);
    mkdirSync(dirname(join(pnm, name, f)), { recursive: true });
    copyFileSync(src, join(pnm, name, f));
  }
};
// webgpu: its JS and the linux-x64 Dawn binary (compressed; run.sh unpacks it), no other platform.
copyFiles('webgpu', ['package.json', 'index.js', 'LICENSE.md']);
const dawn = join(nm, 'webgpu', 'dist', 'linux-x64', 'dawn.node');
if (!existsSync(dawn)) fail('node_modules/webgpu/dist/linux-x64/dawn.node is missing');
const dawnXz = join(cache, `dawn-${statSync(dawn).size}-${Math.round(statSync(dawn).mtimeMs)}.node.xz`);
if (!existsSync(dawnXz)) {
  log('compressing dawn.node');
  execFileSync('sh', ['-c', `xz -T2 -6 -c "$0" > "$1.tmp" && mv "$1.tmp" "$1"`, dawn, dawnXz], { stdio: 'inherit' });
}
mkdirSync(join(pnm, 'webgpu', 'dist', 'linux-x64'), { recursive: true });
copyFileSync(dawnXz, join(pnm, 'webgpu', 'dist', 'linux-x64', 'dawn.node.xz'));
// The CLI (commander; its image commands import pngjs and jpeg-js at load) and the bench (cli-progress).
for (const p of ['commander', 'cli-progress', 'string-width', 'strip-ansi', 'ansi-regex', 'emoji-regex', 'is-fullwidth-code-point', 'pngjs', 'jpeg-js', 'seedrandom']) {
  copyPackage(p);
}
// TF.js: the packages have no "exports", so Node loads each one's "main" (its Node bundle, CommonJS,
// which requires only tfjs-core, seedrandom and Node built-ins); the WASM backend reads its .wasm
// files from dist/ beside the bundle.
for (const p of ['tfjs-core', 'tfjs-backend-cpu', 'tfjs-backend-webgpu', 'tfjs-backend-wasm']) {
  const name = `@tensorflow/${p}`;
  const main = JSON.parse(readFileSync(join(nm, name, 'package.json'), 'utf8')).main;
  const extra = p === 'tfjs-backend-wasm' ? readdirSync(join(nm, name, 'dist')).filter((f) => f.endsWith('.wasm')).map((f) => `dist/${f}`) : [];
  copyFiles(name, ['package.json', main, ...extra]);
}

// 6. The Vulkan loader packages (cached).
const debDir = join(cache, 'debs');
mkdirSync(debDir, { recursive: true });
const haveDeb = (/** @type {string} */ p) => readdirSync(debDir).some((f) => f.startsWith(`${p}_`) && f.endsWith('_amd64.deb'));
const missing = DEBS.filter((p) => !haveDeb(p));
if (missing.length) {
  log(`apt-get download ${missing.join(' ')}`);
  const apt = (/** @type {string[]} */ extra) =>
    spawnSync('apt-get', [...extra, 'download', ...missing], { cwd: debDir, stdio: ['ignore', 'inherit', 'inherit'] }).status === 0;
  // The device README's way: amd64 packages whatever this machine is, with lists of their own.
  const own = ['-oAPT::Architecture=amd64', '-oAPT::Architectures=amd64', '-oDir::State::Lists=/tmp/amd64'];
  if (!apt([]) && !(spawnSync('sh', ['-c', 'mkdir -p /tmp/amd64/partial && apt-get "$@" update', 'sh', ...own], { stdio: 'inherit' }).status === 0 && apt(own))) {
    fail('apt-get download of the Vulkan loader packages failed');
  }
}
mkdirSync(join(pack, 'debs'));
for (const p of DEBS) {
  const f = readdirSync(debDir).filter((x) => x.startsWith(`${p}_`) && x.endsWith('_amd64.deb')).sort().pop();
  if (!f) fail(`no ${p} .deb after apt-get download`);
  copyFileSync(join(debDir, f), join(pack, 'debs', f));
}

// 7. The run and its helpers.
for (const f of ['run.sh', 'torch_bench.py', 'export-cases.mjs', 'finish-results.mjs', 'summary.mjs']) {
  copyFileSync(join(root, 'scripts', 'device', f), join(pack, f));
}
execFileSync('chmod', ['+x', join(pack, 'run.sh'), join(pack, 'torch_bench.py')]);

// 8. What was packed, and from which commit (the device has no git: run.sh records it in the results).
const git = (/** @type {string[]} */ ...a) => {
  try {
    return execFileSync('git', a, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};
const commit = `${git('rev-parse', '--short', 'HEAD') || 'unknown'}${git('status', '--porcelain', '--', 'src', 'shaders') ? '+dirty' : ''}`;
/** @returns {number} */
const sizeOf = (/** @type {string} */ p) => {
  const s = statSync(p);
  return s.isDirectory() ? readdirSync(p).reduce((n, f) => n + sizeOf(join(p, f)), 0) : s.size;
};
const parts = Object.fromEntries(readdirSync(pack).map((f) => [f, sizeOf(join(pack, f))]));
const info = {
  commit,
  packedAt: new Date().toISOString(),
  node: process.version,
  webgpu: JSON.parse(readFileSync(join(nm, 'webgpu', 'package.json'), 'utf8')).version,
  tfjs: JSON.parse(readFileSync(join(nm, '@tensorflow', 'tfjs-core', 'package.json'), 'utf8')).version,
  debs: readdirSync(join(pack, 'debs')),
  bytes: parts,
};
writeFileSync(join(pack, 'pack-info.json'), `${JSON.stringify(info, null, 1)}\n`);
writeFileSync(
  join(pack, 'PACK-INFO.txt'),
  `webgpu-conv device pack, commit ${commit}\npacked ${info.packedAt} with Node ${process.version}\nrun: OUT=/path/to/out bash run.sh [--adapter hardware|llvmpipe] [--smoke]\n`,
);

// 9. Check that the pack's modules load from the pack itself (no GPU: Dawn is not opened).
const probeDir = join(cache, 'probe');
rmSync(probeDir, { recursive: true, force: true });
cpSync(pack, probeDir, { recursive: true });
execFileSync('sh', ['-c', 'xz -dc node_modules/webgpu/dist/linux-x64/dawn.node.xz > node_modules/webgpu/dist/linux-x64/dawn.node'], { cwd: probeDir });
const probe = `
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  await import('@tensorflow/tfjs-backend-webgpu');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) throw new Error('TF.js WASM backend did not load');
  await import('webgpu');
  await import('./dist/index.js');
  await import('./bench/lib/suite.mjs');
  await import('./bench/lib/report.mjs');
  await import('commander'); await import('cli-progress');
  console.log('probe: TF.js ' + tf.version_core + ' (wasm threads ' + wasm.getThreadsCount() + '), webgpu, dist, bench load from the pack');
`;
const p = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: probeDir, encoding: 'utf8' });
process.stderr.write(p.stdout + (p.status === 0 ? '' : p.stderr));
const cli = spawnSync(process.execPath, ['dist/cli/main.js', 'info', '--help'], { cwd: probeDir, encoding: 'utf8' });
rmSync(probeDir, { recursive: true, force: true });
if (p.status !== 0) fail('the pack is missing something the bench loads (see above)');
if (cli.status !== 0) fail(`dist/cli/main.js info --help failed in the pack: ${cli.stderr}`);

// 10. Size.
const total = sizeOf(pack);
const mib = (/** @type {number} */ n) => `${(n / 2 ** 20).toFixed(1)} MiB`;
log(`packed ${relative(root, pack)}/ (commit ${commit}):`);
for (const [f, n] of Object.entries(parts).sort((a, b) => b[1] - a[1])) log(`  ${f.padEnd(20)} ${mib(n)}`);
log(`total ${mib(total)} (limit ${mib(LIMIT)})`);
if (total > LIMIT) fail(`the pack is ${mib(total)}, over ${mib(LIMIT)}`);
console.log(`${relative(root, pack)}/ ${mib(total)}`);
