// @ts-check
/**
 * Node-only helpers shared by the entry points (bench/run.mjs, bench/fft.mjs, bench/gaussian.mjs and
 * their lib/fft-*.mjs and lib/gaussian-*.mjs modules): the CPU time other processes use, the commit
 * measured, package versions, and the rounding of numbers in results files.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * CPU seconds used so far by every process but this one (Linux: /proc/stat's busy time, steal
 * included, minus our own user + system time, which counts Dawn's and llvmpipe's threads too).
 * @returns {number | undefined}
 */
export function otherCpuSeconds() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    const busy = (user + nice + system + irq + softirq + steal) / 100; // USER_HZ
    const own = process.cpuUsage();
    return busy - (own.user + own.system) / 1e6;
  } catch {
    return undefined;
  }
}

/** The commit measured, `+dirty` when src/ or shaders/ had uncommitted changes (dist/ is built from them). */
export function gitCommit() {
  try {
    const git = (/** @type {string[]} */ ...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src', 'shaders') ? '+dirty' : ''}`;
  } catch {
    return 'unknown';
  }
}

/**
 * The installed version of a package, or 'unknown'.
 * @param {string} name
 */
export function readVersion(name) {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

/**
 * JSON replacer: 4 significant digits for floats keeps the files readable and diffable.
 * @param {string} _k
 * @param {unknown} v
 */
export function roundNumbers(_k, v) {
  if (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v)) return Number(v.toPrecision(4));
  return v;
}
