// Per-access cost of the memory kinds a kernel can read, on one adapter: a function-scope (private)
// array, workgroup memory, a storage buffer read as f32 and as vec4<f32>, and a uniform buffer, each
// indexed per invocation (a different address in every invocation). On llvmpipe this is what decides
// a kernel's layout (docs/architecture.md, "Memory on CPU adapters"): Mesa runs every storage and
// workgroup access as a loop over the SIMD lanes, whatever its width, and a uniform read as a gather.
//
//   npm run build && node bench/memory.mjs [--adapter llvmpipe|swiftshader|hardware] [--runs 7]
//
// Each kernel: every invocation makes PASSES passes of x[i] += x[(5i + 3 + p) % n] / 2 over its n
// elements (64 floats, or 16 vec4s), the private and workgroup ones on a copy it reads first and
// writes back after; time per access (2 reads + 1 write per element and pass, in one invocation)
// from the median of `--runs` timed dispatches after a warm-up.
import { Command, Option } from 'commander';

const program = new Command('node bench/memory.mjs')
  .description('per-access cost of private, workgroup and storage memory on one adapter')
  .addOption(new Option('--adapter <name>', 'adapter').choices(['llvmpipe', 'swiftshader', 'hardware']).default('llvmpipe'))
  .option('--runs <n>', 'timed dispatches per kernel (median reported)', (v) => Number.parseInt(v, 10), 7)
  .showHelpAfterError();
program.parse();
/** @type {{ adapter: 'llvmpipe' | 'swiftshader' | 'hardware', runs: number }} */
const values = program.opts();
process.env.XDG_RUNTIME_DIR ??= '/tmp';
const webgpu = await import('webgpu');
Object.assign(globalThis, webgpu.globals);
const { createEngine } = await import('../dist/index.js');
const engine = await createEngine({ adapter: values.adapter, quiet: true });
const device = engine.device;
const L = 64, PASSES = 8, WG = 64, GROUPS = 64;
const invocations = WG * GROUPS;

const pass = (/** @type {(i: string) => string} */ at, /** @type {number} */ n) => `
  for (var p = 0u; p < ${PASSES}u; p++) {
    for (var i = 0u; i < ${n}u; i++) {
      let j = (i * 5u + 3u + p) % ${n}u;
      ${at('i')} = ${at('i')} + 0.5 * ${at('j')};
    }
  }`;
const head = `@group(0) @binding(0) var<storage, read_write> d: array<f32>;
@group(0) @binding(1) var<storage, read_write> d4: array<vec4<f32>>;`;
/** Kernel bodies and the elements (f32 or vec4) each invocation passes over. */
const kernels = {
  private: [`var x: array<f32, ${L}>;
  for (var i = 0u; i < ${L}u; i++) { x[i] = d[base + i]; }${pass((i) => `x[${i}]`, L)}
  for (var i = 0u; i < ${L}u; i++) { d[base + i] = x[i]; }`, L],
  workgroup: [`let o = li * ${L}u;
  for (var i = 0u; i < ${L}u; i++) { w[o + i] = d[base + i]; }${pass((i) => `w[o + ${i}]`, L)}
  for (var i = 0u; i < ${L}u; i++) { d[base + i] = w[o + i]; }`, L],
  'storage f32': [pass((i) => `d[base + ${i}]`, L), L],
  'storage vec4': [pass((i) => `d4[base / 4u + ${i}]`, L / 4), L / 4],
};
/** @type {Record<string, { pipeline: GPUComputePipeline, bindGroup: GPUBindGroup, ms: number[], elements: number }>} */
const runs = {};
const buffer = device.createBuffer({ size: invocations * L * 4, usage: GPUBufferUsage.STORAGE });
for (const [name, [body, elements]] of Object.entries(kernels)) {
  const code = `${head}
var<workgroup> w: array<f32, ${name === 'workgroup' ? L * WG : 1}>;
@compute @workgroup_size(${WG}) fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let base = gid.x * ${L}u;
  ${body}
}`;
  const module = device.createShaderModule({ code });
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const layout = pipeline.getBindGroupLayout(0);
  const used = name === 'storage vec4' ? [1] : [0];
  runs[name] = { pipeline, bindGroup: device.createBindGroup({ layout, entries: used.map((binding) => ({ binding, resource: { buffer } })) }), ms: [], elements: Number(elements) };
}
/** @param {{ pipeline: GPUComputePipeline, bindGroup: GPUBindGroup }} k @param {number} repeat */
async function dispatch(k, repeat) {
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(k.pipeline);
  pass.setBindGroup(0, k.bindGroup);
  for (let i = 0; i < repeat; i++) pass.dispatchWorkgroups(GROUPS);
  pass.end();
  device.queue.submit([encoder.finish()]);
  await device.queue.onSubmittedWorkDone();
}
for (const k of Object.values(runs)) await dispatch(k, 2);
for (let r = 0; r < values.runs; r++) {
  for (const k of Object.values(runs)) {
    const t = performance.now();
    await dispatch(k, 5);
    k.ms.push((performance.now() - t) / 5);
  }
}
console.log(`${engine.adapterInfo.description || engine.adapterInfo.device} — ${invocations} invocations, ${PASSES} passes over ${L} floats each, median of ${values.runs} runs`);
for (const [name, k] of Object.entries(runs)) {
  const sorted = [...k.ms].sort((a, b) => a - b);
  const ms = sorted[sorted.length >> 1] ?? NaN;
  const accesses = invocations * k.elements * PASSES * 3;
  const range = `${(sorted[0] ?? NaN).toFixed(3)}–${(sorted[sorted.length - 1] ?? NaN).toFixed(3)} ms`;
  console.log(`${name.padEnd(13)} ${ms.toFixed(3).padStart(8)} ms  ${((ms * 1e6) / accesses).toFixed(2)} ns per access, ${((ms * 1e6) / (accesses * (L / k.elements))).toFixed(2)} per float (${range})`);
}
engine.destroy();
