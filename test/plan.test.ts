/** Host logic without a GPU: dispatch fitting, planners, size classes, uniform encoding. */
import { describe, expect, it } from 'vitest';
import { planIm2col } from '../src/algorithms/im2col.js';
import { chooseAlgorithm } from '../src/algorithms/select.js';
import { planTiled } from '../src/algorithms/tiled.js';
import { ResourceError } from '../src/errors.js';
import { fitGrid } from '../src/gpu/dispatch.js';
import { encodeParams, PARAMS_BYTES } from '../src/gpu/params.js';
import { specKey } from '../src/gpu/pipelines.js';
import { sizeClass } from '../src/gpu/pool.js';
import type { PlanLimits } from '../src/gpu/recorder.js';
import { convJob, normalizeConv2d, type ConvGeometry } from '../src/plan.js';
import { PARAMS_FIELDS } from '../src/shaders.generated.js';

const LIMITS: PlanLimits = {
  maxStorageBufferBindingSize: 128 << 20,
  maxBufferSize: 256 << 20,
  maxComputeWorkgroupsPerDimension: 65535,
  maxComputeWorkgroupStorageSize: 16384,
  maxComputeInvocationsPerWorkgroup: 256,
  maxUniformBufferBindingSize: 65536,
};

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
  it('gives up (null) for strides too large for any tile, and auto falls back to direct', () => {
    const g = geometry([1, 1, 20000, 3], [1, 1, 1, 1], { stride: [4000, 1] });
    expect(planTiled(g, { ...LIMITS, maxComputeWorkgroupStorageSize: 64 })).toBeNull();
    expect(chooseAlgorithm('tiled', g, { ...LIMITS, maxComputeWorkgroupStorageSize: 64 }).algorithm).toBe('direct');
  });
});

describe('chooseAlgorithm (auto)', () => {
  it('dense layers → im2col; image filters and depthwise → tiled', () => {
    expect(chooseAlgorithm('auto', geometry([1, 64, 56, 56], [64, 64, 3, 3], { padding: 1 }), LIMITS).algorithm).toBe('im2col');
    expect(chooseAlgorithm('auto', geometry([1, 1, 64, 64], [1, 1, 3, 3], { padding: 1 }), LIMITS).algorithm).toBe('tiled');
    expect(chooseAlgorithm('auto', geometry([1, 32, 28, 28], [32, 1, 3, 3], { groups: 32, padding: 1 }), LIMITS).algorithm).toBe('tiled');
  });
  it('software adapters prefer direct for image filters, still im2col for dense layers', () => {
    expect(chooseAlgorithm('auto', geometry([1, 1, 64, 64], [1, 1, 3, 3], { padding: 1 }), LIMITS, 'direct').algorithm).toBe('direct');
    expect(chooseAlgorithm('auto', geometry([1, 64, 56, 56], [64, 64, 3, 3], { padding: 1 }), LIMITS, 'direct').algorithm).toBe('im2col');
    expect(chooseAlgorithm('tiled', geometry([1, 1, 64, 64], [1, 1, 3, 3], { padding: 1 }), LIMITS, 'direct').algorithm).toBe('tiled');
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
  it('encodes Params in the WGSL field order and types', () => {
    const buf = encodeParams({ N: 3, padTop: -2, fill: 0.5 });
    expect(buf.byteLength).toBe(PARAMS_BYTES);
    const view = new DataView(buf);
    const at = (name: string) => PARAMS_FIELDS.findIndex(([n]) => n === name) * 4;
    expect(view.getUint32(at('N'), true)).toBe(3);
    expect(view.getInt32(at('padTop'), true)).toBe(-2);
    expect(view.getFloat32(at('fill'), true)).toBe(0.5);
  });
  it('specKey ignores constant order', () => {
    expect(specKey({ family: 'tiled', constants: { A: 1, B: 2 } })).toBe(specKey({ family: 'tiled', constants: { B: 2, A: 1 } }));
    expect(specKey({ family: 'tiled', constants: { A: 1 } })).not.toBe(specKey({ family: 'direct', constants: { A: 1 } }));
  });
});
