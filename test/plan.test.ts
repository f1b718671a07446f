/** Host logic without a GPU: dispatch fitting, planners, the registry and 'auto', size classes, uniform encoding. */
import { describe, expect, it } from 'vitest';
import type { AlgorithmContext } from '../src/algorithms/algorithm.js';
import { planIm2col } from '../src/algorithms/im2col.js';
import { ALGORITHM_NAMES, REGISTRY } from '../src/algorithms/registry.js';
import { candidates, choose } from '../src/algorithms/select.js';
import { planTiled } from '../src/algorithms/tiled.js';
import { winograd } from '../src/algorithms/winograd.js';
import { OptionError, ResourceError } from '../src/errors.js';
import type { ConvGeometry } from '../src/geometry.js';
import { fitGrid } from '../src/gpu/dispatch.js';
import type { AdapterInfo } from '../src/gpu/device.js';
import { BOUNDARY_CODE, boundaryConstants, encodeParams, paramsBytes } from '../src/gpu/params.js';
import { specKey } from '../src/gpu/pipelines.js';
import { sizeClass } from '../src/gpu/pool.js';
import type { PlanLimits } from '../src/gpu/recorder.js';
import { planBands } from '../src/image/bands.js';
import { imageJob, resultGeometry } from '../src/image/spec.js';
import { convJob, normalizeConv2d } from '../src/ops/conv.js';
import { PARAMS_LAYOUT, WGSL, WGSL_CONSTS } from '../src/shaders.generated.js';

const LIMITS: PlanLimits = {
  maxStorageBufferBindingSize: 128 << 20,
  maxBufferSize: 256 << 20,
  maxComputeWorkgroupsPerDimension: 65535,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxUniformBufferBindingSize: 65536,
};

const GPU: AdapterInfo = { vendor: 'nvidia', architecture: '', device: '', description: '', isSoftware: false, featureLevel: 'core', source: 'hardware' };
const LLVMPIPE: AdapterInfo = { ...GPU, vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)', isSoftware: true, featureLevel: 'compatibility', source: 'llvmpipe' };

function context(limits: PlanLimits = LIMITS, adapter: AdapterInfo = GPU): AlgorithmContext {
  const deviceLimits = { maxTextureDimension2D: 8192, maxTextureArrayLayers: 256 } as GPUSupportedLimits;
  return { limits, deviceLimits, adapter, preferences: {}, hostInput: true };
}

function geometry(input: number[], weight: number[], options = {}): ConvGeometry {
  const x = { data: new Float32Array(input.reduce((a, b) => a * b)), shape: input };
  const w = { data: new Float32Array(weight.reduce((a, b) => a * b)), shape: weight };
  return convJob(normalizeConv2d(x, w, options), x, w, []).geometry;
}

describe('fitGrid', () => {
  it.each([1, 7, 65535, 65536, 65535 * 2 + 1, 65535 ** 2 + 5])('%i workgroups fit and cover', (n) => {
    const [x, y, z] = fitGrid(n, 65535);
    for (const d of [x, y, z]) expect(d).toBeLessThanOrEqual(65535);
    expect(x * y * z).toBeGreaterThanOrEqual(n);
    expect(x * y * (z - 1)).toBeLessThan(n); // at most one partial z-slab of overshoot
  });
  it('throws a ResourceError beyond max³', () => {
    expect(() => fitGrid(28, 3)).toThrow(ResourceError);
  });
});

describe('planIm2col', () => {
  it('uses the input as patch matrix for 1×1 unpadded stride-1 convolutions', () => {
    expect(planIm2col(geometry([2, 8, 5, 5], [4, 8, 1, 1]), LIMITS)?.inputIsPatchMatrix).toBe(true);
    expect(planIm2col(geometry([2, 8, 5, 5], [4, 8, 1, 1], { stride: 2 }), LIMITS)?.inputIsPatchMatrix).toBe(false);
  });
  it('chunks pairs, then columns, and every chunk fits the binding', () => {
    const g = geometry([3, 8, 12, 10], [6, 4, 3, 3], { groups: 2, padding: 1 });
    const limits = { ...LIMITS, maxStorageBufferBindingSize: 65536 };
    const plan = planIm2col(g, limits);
    expect(plan?.chunks.map((c) => [c.pair0, c.pairs])).toEqual([[0, 3], [3, 3]]);
    const cols = planIm2col(geometry([1, 4, 50, 50], [3, 4, 3, 3], { padding: 1 }), limits);
    expect(cols?.chunks).toHaveLength(6);
    expect(cols?.chunks.reduce((a, c) => a + c.cols, 0)).toBe(2500);
    for (const c of cols?.chunks ?? []) expect(c.cols * 36 * 4).toBeLessThanOrEqual(65536);
  });
  it('returns null when not even one column fits', () => {
    expect(planIm2col(geometry([1, 64, 4, 4], [1, 64, 3, 3]), { ...LIMITS, maxStorageBufferBindingSize: 1024 })).toBeNull();
  });
});

describe('planTiled', () => {
  it('fits workgroup storage, chunking large kernels', () => {
    const g = geometry([1, 1, 64, 64], [1, 1, 31, 31], { padding: 15 });
    const plan = planTiled(g, { ...LIMITS, maxComputeWorkgroupStorageSize: 4096 });
    expect(plan).not.toBeNull();
    if (!plan) return;
    expect((plan.IN_ROWS * plan.IN_COLS + plan.KB * plan.KCH * plan.KCW) * 4).toBeLessThanOrEqual(4096);
    expect(plan.KCH * plan.KCW).toBeLessThan(31 * 31);
  });
  it('picks KB dividing the channels per group', () => {
    expect(planTiled(geometry([1, 6, 8, 8], [6, 1, 3, 3], { groups: 6 }), LIMITS)?.KB).toBe(1);
    expect(planTiled(geometry([1, 4, 8, 8], [6, 4, 3, 3]), LIMITS)?.KB).toBe(2);
    expect(planTiled(geometry([1, 4, 8, 8], [8, 4, 3, 3]), LIMITS)?.KB).toBe(4);
  });
  it('gives outputs of fewer than 4 rows (conv1d) 1-row tiles instead of 16-row ones', () => {
    expect(planTiled(geometry([1, 2, 1, 1000], [3, 2, 1, 9]), LIMITS)).toMatchObject({ RY: 1, WG_X: 64, WG_Y: 1, IN_ROWS: 1 });
    expect(planTiled(geometry([1, 2, 3, 50], [3, 2, 1, 3]), LIMITS)).toMatchObject({ RY: 1, WG_Y: 1 });
    expect(planTiled(geometry([1, 2, 4, 50], [3, 2, 1, 3]), LIMITS)).toMatchObject({ RY: 4, WG_X: 16, WG_Y: 4 });
  });
  it('gives up (null) for strides too large for any tile; an explicit tiled then rejects and auto runs direct', () => {
    const g = geometry([1, 1, 20000, 3], [1, 1, 1, 1], { stride: [4000, 1] });
    const small = { ...LIMITS, maxComputeWorkgroupStorageSize: 64 };
    expect(planTiled(g, small)).toBeNull();
    expect(() => choose('conv2d', 'tiled', g, context(small))).toThrow(OptionError);
    expect(() => choose('conv2d', 'tiled', g, context(small))).toThrow(/algorithm 'tiled' cannot run input \[1, 1, 20000, 3\], weight \[1, 1, 1, 1\] on this device: not even a 1×1 tile/);
    expect(choose('conv2d', 'auto', g, context(small))).toMatchObject({ name: 'direct', reason: expect.stringMatching(/tiled n\/a/) as unknown as string });
  });
});

describe('the registry and choose()', () => {
  it('lists every algorithm once, each module under its own name', () => {
    expect(ALGORITHM_NAMES).toEqual(Object.keys(REGISTRY));
    for (const name of ALGORITHM_NAMES) expect(REGISTRY[name].name).toBe(name);
  });
  it('an explicit algorithm that applies runs with its own plan, reason "requested"', () => {
    const g = geometry([1, 1, 64, 64], [1, 1, 3, 3], { padding: 1 });
    // A 3×3 box filter: rank 1, so 'separable' (which plans from the weight's values) applies too.
    const ctx = { ...context(), weights: new Float32Array(9).fill(1) };
    for (const name of ALGORITHM_NAMES) expect(choose('conv2d', name, g, ctx)).toMatchObject({ name, reason: 'requested' });
  });
  it('auto on GPUs: dense layers → im2col; image filters and depthwise → tiled', () => {
    expect(choose('conv2d', 'auto', geometry([1, 64, 56, 56], [64, 64, 3, 3], { padding: 1 }), context()).name).toBe('im2col');
    expect(choose('conv2d', 'auto', geometry([1, 1, 64, 64], [1, 1, 3, 3], { padding: 1 }), context()).name).toBe('tiled');
    expect(choose('conv2d', 'auto', geometry([1, 32, 28, 28], [32, 1, 3, 3], { groups: 32, padding: 1 }), context()).name).toBe('tiled');
  });
  it('auto on llvmpipe: direct for image filters, winograd for dense 3×3 stride-1 layers, im2col for other dense layers (register GEMM for few columns and many channels, else implicit)', () => {
    expect(choose('conv2d', 'auto', geometry([1, 1, 64, 64], [1, 1, 3, 3], { padding: 1 }), context(LIMITS, LLVMPIPE)).name).toBe('direct');
    expect(choose('conv2d', 'auto', geometry([1, 64, 56, 56], [64, 64, 3, 3], { padding: 1 }), context(LIMITS, LLVMPIPE))).toMatchObject({
      name: 'winograd', plan: { variant: 'F4x4' },
    });
    expect(choose('conv2d', 'auto', geometry([1, 128, 28, 28], [256, 128, 3, 3], { padding: 1, stride: 2 }), context(LIMITS, LLVMPIPE))).toMatchObject({
      name: 'im2col', plan: { variant: 'register' },
    });
    expect(choose('conv2d', 'auto', geometry([1, 32, 112, 112], [64, 32, 3, 3], { padding: 1, stride: 2 }), context(LIMITS, LLVMPIPE))).toMatchObject({
      name: 'im2col', plan: { variant: 'implicit' },
    });
    expect(choose('conv2d', 'auto', geometry([1, 128, 28, 28], [128, 128, 3, 3], { padding: 1, stride: 2 }), context(LIMITS, LLVMPIPE))).toMatchObject({
      name: 'im2col', plan: { variant: 'implicit' },
    });
  });
  it('NEAR_EDGES: periodic boundaries whose coordinates stay within one reflection of the input on both axes', () => {
    const near = (input: number[], kernel: number[], options: object): number => boundaryConstants(geometry(input, kernel, options)).NEAR_EDGES;
    const same = (boundary: string) => ({ padding: 'same', paddingMode: boundary });
    expect(near([1, 1, 16, 16], [1, 1, 3, 3], same('reflect'))).toBe(1);
    expect(near([1, 1, 16, 16], [1, 1, 3, 3], same('circular'))).toBe(1);
    expect(near([1, 1, 16, 16], [1, 1, 3, 3], same('replicate'))).toBe(0); // not periodic: no division to spare
    expect(near([1, 1, 16, 16], [1, 1, 3, 3], { padding: 1 })).toBe(0);
    // circular: a pad of n is one period, n + 1 is not; reflect: at most n − 1.
    expect(near([1, 1, 4, 16], [1, 1, 1, 1], { padding: [[4, 4], [0, 0]], paddingMode: 'circular' })).toBe(1);
    expect(near([1, 1, 4, 16], [1, 1, 9, 1], { padding: [[4, 4], [0, 0]], paddingMode: 'circular' })).toBe(1);
    expect(near([1, 1, 4, 16], [1, 1, 7, 1], { padding: [[3, 3], [0, 0]], paddingMode: 'reflect' })).toBe(1);
    // Farther than conv2d's padding modes reach (SciPy's 'full' mode does): one row or column more.
    const g = geometry([1, 1, 4, 16], [1, 1, 9, 1], { padding: [[4, 4], [0, 0]], paddingMode: 'circular' });
    expect(boundaryConstants({ ...g, padTop: 5, OH: g.OH + 2 }).NEAR_EDGES).toBe(0);
    expect(boundaryConstants({ ...g, OH: g.OH + 1 }).NEAR_EDGES).toBe(0);
    expect(boundaryConstants({ ...g, boundary: 'symm', padLeft: -16, OW: 1 }).NEAR_EDGES).toBe(1);
    expect(boundaryConstants({ ...g, boundary: 'reflect' }).NEAR_EDGES).toBe(0); // reflect's period is 2n − 2
  });
  it('winograd reads input spans as vec4s with the fill boundary and rows of whole vec4s only', () => {
    const vec4In = (input: number[], options: object): unknown => {
      const g = geometry(input, [8, input[1] ?? 1, 3, 3], options);
      const ctx = context(LIMITS, LLVMPIPE);
      const o = winograd.plan(g, ctx);
      if (!('plan' in o)) throw new Error(o.reason);
      return winograd.kernels?.(g, ctx, o.plan).find((k) => k.entryPoint === 'inputTransform')?.constants?.['VEC4_IN'];
    };
    expect(vec4In([1, 4, 16, 16], { padding: 1 })).toBe(1);
    expect(vec4In([1, 4, 16, 18], { padding: 1 })).toBe(0);
    expect(vec4In([1, 4, 16, 16], { padding: 1, paddingMode: 'reflect' })).toBe(0);
  });
  it('candidates(): every algorithm with its variant and cost, or the reason it cannot run', () => {
    const g = geometry([1, 1, 20000, 3], [1, 1, 1, 1], { stride: [4000, 1] });
    const all = candidates(g, context({ ...LIMITS, maxComputeWorkgroupStorageSize: 64 }));
    expect(all.map((c) => c.algorithm)).toEqual(ALGORITHM_NAMES);
    expect(all.find((c) => c.algorithm === 'tiled')).toMatchObject({ reason: expect.stringMatching(/1×1 tile/) as unknown as string });
    expect(all.find((c) => c.algorithm === 'direct')).toMatchObject({ variant: 'rows1', cost: 22.5 }); // 5×3 outputs of one multiply-add, one-row blocks 1.5×
  });
  it('variants(): what an autotuner would time', () => {
    const g = geometry([1, 64, 56, 56], [64, 64, 3, 3], { padding: 1 });
    expect(REGISTRY.im2col.variants?.(g, context()).map((p) => p.variant)).toEqual(['shared', 'register', 'uniform', 'implicit']);
    expect(REGISTRY.tiled.variants?.(g, context()).map((p) => p.variant)).toContain('16x16 KB4');
    expect(REGISTRY.direct.variants?.(g, context(LIMITS, LLVMPIPE)).map((p) => p.variant)).toEqual(['taps2', 'taps2+texture', 'rows4']);
    const dw = geometry([1, 32, 28, 28], [32, 1, 3, 3], { groups: 32, padding: 1 });
    // Packed taps, input from storage, on every adapter (plain weights only where taps cannot be packed, as for stride 2).
    expect(REGISTRY.direct.plan(dw, context(LIMITS, LLVMPIPE))).toMatchObject({ plan: { variant: 'taps4' } });
    expect(REGISTRY.direct.plan(dw, context(LIMITS, { ...LLVMPIPE, description: 'SwiftShader Device (Subzero)' }))).toMatchObject({ plan: { variant: 'taps4' } });
    const strided = geometry([1, 32, 28, 28], [32, 1, 3, 3], { groups: 32, padding: 1, stride: 2 });
    expect(REGISTRY.direct.plan(strided, context(LIMITS, LLVMPIPE))).toMatchObject({ plan: { variant: 'rows1+uniform-weights' } });
  });
});

describe('host helpers', () => {
  it('sizeClass rounds up to powers of two, then 4 MiB steps, never past maxBufferSize', () => {
    expect(sizeClass(1, 1 << 30)).toBe(256);
    expect(sizeClass(1000, 1 << 30)).toBe(1024);
    expect(sizeClass((4 << 20) + 1, 1 << 30)).toBe(8 << 20);
    expect(sizeClass((9 << 20) + 4, 1 << 30)).toBe(12 << 20);
    expect(sizeClass(1000, 1000)).toBe(1000);
  });
  it('encodes each family\'s Params at the offsets read from its WGSL (geometry first, then the family\'s fields)', () => {
    const buf = encodeParams('direct', { N: 3, padTop: -2, fill: 0.5, tapStride: 7 });
    expect(buf.byteLength).toBe(paramsBytes('direct'));
    const view = new DataView(buf);
    const at = (name: string) => PARAMS_LAYOUT.direct.fields.find(([n]) => n === name)?.[1] as number;
    expect(view.getUint32(at('N'), true)).toBe(3);
    expect(view.getInt32(at('padTop'), true)).toBe(-2);
    expect(view.getFloat32(at('fill'), true)).toBe(0.5);
    expect(view.getUint32(at('tapStride'), true)).toBe(7);
    // The geometry struct is 80 bytes (a multiple of 16, as a uniform struct member must be).
    expect(at('total')).toBe(80);
    for (const layout of Object.values(PARAMS_LAYOUT)) expect(layout.bytes % 16).toBe(0);
  });
  it('reads the boundary codes and workgroup sizes from the WGSL', () => {
    expect(BOUNDARY_CODE).toEqual({ fill: 0, wrap: 1, symm: 2, reflect: 3, replicate: 4 });
    expect(WGSL.common).toMatch(/const BOUNDARY_REPLICATE: u32 = 4u;/);
    expect(WGSL_CONSTS.direct.WG).toBe(64);
    expect(WGSL.direct).toMatch(/@workgroup_size\(WG\)/);
    expect(WGSL_CONSTS.tiled.KB_MAX).toBe(4);
  });
  it('specKey ignores constant order', () => {
    expect(specKey({ family: 'tiled', constants: { A: 1, B: 2 } })).toBe(specKey({ family: 'tiled', constants: { B: 2, A: 1 } }));
    expect(specKey({ family: 'tiled', constants: { A: 1 } })).not.toBe(specKey({ family: 'direct', constants: { A: 1 } }));
  });
});

describe('image bands (src/image/bands.ts)', () => {
  const job = imageJob('filterImage', 'gaussian:sigma=40', { boundary: 'reflect' });
  const layout = { width: 4000, height: 3000, channels: 3, depth: 8 } as const;
  const size = resultGeometry('filterImage', job, layout.width, layout.height);

  it('a 12 MP RGB photo with a 241×241 Gaussian: two bands of 1,500 rows (not 2,248 and 752), each within the binding', () => {
    const limit = 128 << 20;
    const bands = planBands('filterImage', job, layout, size, limit, true);
    expect(bands.map((b) => b.rows)).toEqual([1500, 1500]);
    // Equal bands read equally many source rows, so they plan alike (and share pipelines).
    expect(bands.map((b) => b.srcRows)).toEqual([1620, 1620]);
    expect(bands.map((b) => b.outRow0)).toEqual([0, 1500]);
    for (const b of bands) expect(3 * b.srcRows * layout.width * 4).toBeLessThanOrEqual(limit);
  });

  it('as few bands as fit, of equal rows (multiples of 4) but the last, covering every output row once', () => {
    for (const limit of [12 << 20, 20 << 20, 50 << 20, 100 << 20]) {
      const bands = planBands('filterImage', job, layout, size, limit, true);
      const rows = bands.map((b) => b.rows);
      expect(rows.slice(0, -1).every((r) => r === rows[0] && r % 4 === 0)).toBe(true);
      expect((rows.at(-1) as number) <= (rows[0] as number)).toBe(true);
      expect(rows.reduce((s, r) => s + r, 0)).toBe(3000);
      bands.forEach((b, i) => expect(b.outRow0).toBe(i * (rows[0] as number)));
      // One band fewer, of the most rows that fit, would not fit.
      const fewer = Math.ceil(3000 / (bands.length - 1) / 4) * 4;
      if (bands.length > 1) expect(3 * Math.min(layout.height, fewer + 240) * layout.width * 4).toBeGreaterThan(limit);
    }
  });
});
