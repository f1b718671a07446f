/**
 * Soak test (not part of CI): random ops, shapes, options and algorithms for N minutes, every result
 * verified against the CPU reference with the float32 bound of test/support/compare.ts; prints
 * throughput, worst error (relative to the bound) and engine memory every interval, and exits 1 on
 * the first wrong answer or unexpected error.
 *
 *   npx tsx bench/soak.ts [--minutes 10] [--interval 30] [--adapter llvmpipe|swiftshader|auto] [--seed 1]
 */
import { parseArgs } from 'node:util';
import { ALGORITHM_NAMES, cpu, createEngine, OptionError, type HostTensor } from '../src/index.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    interval: { type: 'string', default: '30' },
    adapter: { type: 'string', default: 'auto' },
    seed: { type: 'string', default: '1' },
  },
});
const minutes = Number(values.minutes);
const interval = Number(values.interval) * 1000;
let state = Number(values.seed) >>> 0;
const rand = (): number => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
};
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
const tensor = (shape: number[]): HostTensor => {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rand() * 2 - 1;
  return { data, shape };
};
const abs = (x: HostTensor): HostTensor => ({ data: x.data.map(Math.abs), shape: x.shape });
const U = 2 ** -24;

type Case = { op: 'conv2d' | 'convolve2d' | 'correlate2d' | 'convolve1d' | 'correlate1d'; a: HostTensor; b: HostTensor; o: Record<string, unknown>; L: number };
function randomCase(): Case {
  const algorithm = pick(['auto', ...ALGORITHM_NAMES] as const);
  const kind = int(0, 2);
  if (kind === 0) {
    const groups = int(1, 3);
    const C = groups * int(1, 8);
    const K = groups * int(1, 12);
    const k = int(1, 5);
    const H = int(k, 48);
    const W = int(k, 48);
    const o = { padding: int(0, Math.floor(k / 2)), stride: int(1, 2), groups, paddingMode: pick(['zeros', 'replicate', 'circular'] as const), algorithm };
    return { op: 'conv2d', a: tensor([int(1, 3), C, H, W]), b: tensor([K, C / groups, k, k]), o, L: (C / groups) * k * k };
  }
  if (kind === 1) {
    const KH = int(1, 9);
    const KW = int(1, 9);
    const o = { mode: pick(['full', 'same'] as const), boundary: pick(['fill', 'wrap', 'symm', 'reflect', 'replicate'] as const), algorithm };
    return { op: pick(['convolve2d', 'correlate2d'] as const), a: tensor([int(1, 3), int(1, 64), int(1, 64)]), b: tensor([KH, KW]), o, L: KH * KW };
  }
  const M = int(1, 64);
  return { op: pick(['convolve1d', 'correlate1d'] as const), a: tensor([int(1, 2000)]), b: tensor([M]), o: { mode: pick(['full', 'same', 'valid'] as const), algorithm }, L: M };
}

const engine = await createEngine({ adapter: values.adapter as 'auto' });
console.log(`soak: ${minutes} min on ${engine.adapterInfo.source} (${engine.adapterInfo.description}), seed ${values.seed}`);
type Op = (a: HostTensor, b: HostTensor, o: object) => Promise<HostTensor>;
type Ref = (a: HostTensor, b: HostTensor, o: object) => HostTensor;
const end = Date.now() + minutes * 60_000;
let calls = 0;
let notApplicable = 0;
let windowCalls = 0;
let worst = 0;
let windowStart = Date.now();
while (Date.now() < end) {
  const c = randomCase();
  let got: HostTensor;
  try {
    got = await (engine[c.op] as Op).call(engine, c.a, c.b, c.o);
  } catch (e) {
    // An explicit algorithm that cannot run the shape rejects with OptionError: not a failure.
    if (e instanceof OptionError && c.o.algorithm !== 'auto') {
      notApplicable++;
      continue;
    }
    throw e;
  }
  const ref = (cpu[c.op] as Ref)(c.a, c.b, c.o);
  const mag = (cpu[c.op] as Ref)(abs(c.a), abs(c.b), c.o);
  const gammaL = ((c.L + 1) * U) / (1 - (c.L + 1) * U);
  for (let i = 0; i < ref.data.length; i++) {
    const e = ref.data[i] as number;
    const tol = gammaL * (mag.data[i] as number) + U * Math.abs(e) + c.L * 2 ** -126;
    const err = Math.abs((got.data[i] as number) - e);
    if (!(err <= tol) || got.data.length !== ref.data.length) {
      console.error(`WRONG: ${c.op} ${JSON.stringify({ a: c.a.shape, b: c.b.shape, o: c.o })} [${i}] got ${got.data[i]} expected ${e}`);
      process.exit(1);
    }
    if (tol > 0) worst = Math.max(worst, err / tol);
  }
  calls++;
  windowCalls++;
  if (Date.now() - windowStart >= interval) {
    const s = engine.stats();
    const secs = (Date.now() - windowStart) / 1000;
    console.log(
      `${new Date().toISOString()} calls ${calls} (${(windowCalls / secs).toFixed(1)}/s) worst error ${(worst * 100).toFixed(2)}% of bound; ` +
        `GPU memory ${(s.bytesAllocated / 2 ** 20).toFixed(1)} MiB allocated, ${(s.bytesPooled / 2 ** 20).toFixed(1)} MiB pooled, ${s.pipelinesCached} pipelines`,
    );
    windowCalls = 0;
    windowStart = Date.now();
  }
}
const s = engine.stats();
console.log(`soak done: ${calls} calls, all verified (${notApplicable} more rejected as n/a: an explicit algorithm that cannot run the shape); worst error ${(worst * 100).toFixed(2)}% of the float32 bound; ${(s.bytesAllocated / 2 ** 20).toFixed(1)} MiB allocated at the end`);
engine.destroy();
