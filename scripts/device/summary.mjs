#!/usr/bin/env node
// @ts-check
/**
 * The device run's last words: one line per case with ours (auto, and the best of our algorithms),
 * TF.js WebGPU, cuDNN fp32 and torch.fft, and the ratios issue 14 sets goals for. Reads the bench's
 * results file and torch_bench.py's (either may be '-': missing). Part of the device pack; run from
 * its root:
 *
 *   node summary.mjs BENCH.json|- TORCH.json|-
 *
 * Times are medians in ms; `k` = kernel-only (GPU timestamps; for PyTorch, CUDA events around the
 * convolution with the data on the GPU), `e2e` = upload + convolution + readback. Ratios:
 *   ×tfjs  = TF.js WebGPU's time ÷ ours auto's (kernel-only where both have it; goal ≥ 3 on d–h, ≥ 30 on a–c)
 *   %cuDNN = cuDNN's kernel time ÷ ours auto's kernel time, in percent (goal ≥ 50% on d–g)
 *   ×CPU   = our CPU reference's time ÷ ours auto's end-to-end time (goal ≥ 100 on d–g)
 */
import { readFileSync } from 'node:fs';

const [benchFile = '-', torchFile = '-'] = process.argv.slice(2);
/** @param {string} f */
const load = (f) => {
  if (f === '-' || !f) return undefined;
  try {
    return JSON.parse(readFileSync(f, 'utf8'));
  } catch (e) {
    console.log(`summary: cannot read ${f}: ${/** @type {Error} */ (e).message}`);
    return undefined;
  }
};
const bench = load(benchFile);
const torch = load(torchFile);
if (!bench && !torch) {
  console.log('summary: no results (neither the bench nor torch_bench.py wrote a file)');
  process.exit(0);
}

/** @param {number | undefined} v */
const ms = (v) => (v === undefined || !Number.isFinite(v) ? '–' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(2) : v >= 0.01 ? v.toFixed(3) : v.toPrecision(2));
/** @param {number | undefined} v */
const x = (v) => (v === undefined || !Number.isFinite(v) ? '–' : v >= 100 ? `${v.toFixed(0)}×` : v >= 10 ? `${v.toFixed(1)}×` : `${v.toFixed(2)}×`);
/** @param {number | undefined} v */
const pct = (v) => (v === undefined || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(v < 0.1 ? 1 : 0)}%`);

/** @type {Map<string, any>} */
const torchCases = new Map((torch?.cases ?? []).map((/** @type {any} */ c) => [c.id, c]));
const benchCases = bench?.cases ?? [];
const ids = benchCases.length ? benchCases.map((/** @type {any} */ c) => c.id) : [...torchCases.keys()];

if (bench) {
  const a = bench.adapter ?? {};
  console.log(`bench: ${[a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' · ')} (${a.featureLevel ?? '?'}${a.timestampQuery ? ', timestamp-query' : ''}); ${bench.config?.runs ?? 1} run(s)${bench.config?.quick ? ', quick' : ''}; commit ${bench.versions?.commit}; ${bench.failures?.length ? `FAILURES: ${bench.failures.length}` : 'all of ours correct'}`);
}
if (torch) {
  console.log(`torch: ${torch.torch} on ${torch.deviceName}; cuDNN ${torch.cudnn ?? '–'}; tf32 off: ${torch.settings?.allowTf32 === false}; ${torch.settings?.repeats} timed runs/case`);
}
const head = ['case', 'auto k/e2e ms', 'auto ran', 'best of ours', 'tfjs k/e2e', 'cuDNN k/e2e', 'fft k', '×tfjs', '%cuDNN', '×CPU', 'auto GF/s k'];
/** @type {string[][]} */
const rows = [];
for (const id of ids) {
  const c = benchCases.find((/** @type {any} */ b) => b.id === id);
  const s = c?.summary;
  const con = s?.contenders ?? {};
  const auto = con['ours-auto'];
  const tf = con['tfjs-webgpu'];
  let best;
  for (const [cid, v] of Object.entries(con)) {
    if (!cid.startsWith('ours-') || cid === 'ours-auto') continue;
    const t = /** @type {any} */ (v).kernel?.median ?? /** @type {any} */ (v).time?.median;
    if (t !== undefined && (!best || t < best.t)) best = { t, id: cid.slice(5) };
  }
  const t = torchCases.get(id);
  const autoK = auto?.kernel?.median;
  const autoE = auto?.time?.median;
  const autoT = autoK ?? autoE;
  const vsTf = s?.vsTfjsWebgpuKernel?.['ours-auto']?.median ?? s?.vsTfjsWebgpu?.['ours-auto']?.median;
  const cudnnK = t?.cudnn?.medianMs;
  const flops = c?.flops ?? t?.flops;
  rows.push([
    id,
    c ? `${ms(autoK)}/${ms(autoE)}` : '–',
    (auto?.ran ?? []).join(',') || (c ? auto?.status ?? '–' : ''),
    best ? `${ms(best.t)} ${best.id}` : '–',
    c ? `${ms(tf?.kernel?.median)}/${ms(tf?.time?.median)}` : '–',
    t ? `${ms(cudnnK)}/${ms(t?.cudnn?.e2eMedianMs)}` : '–',
    t ? ms(t?.fft?.medianMs) : '–',
    x(vsTf),
    cudnnK !== undefined && autoT ? pct(cudnnK / autoT) : '–',
    x(s?.speedup?.['cpu-ref']?.median),
    autoT && flops ? (flops / autoT / 1e6).toPrecision(3) : '–',
  ]);
}
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
const line = (/** @type {string[]} */ r) => r.map((v, i) => (i === 0 || i === 2 ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0))).join('  ');
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log('k = kernel-only, e2e = upload+conv+readback (ms, median); ×tfjs = TF.js WebGPU ÷ ours auto (kernel where both have it); %cuDNN = cuDNN kernel ÷ ours auto (kernel, else e2e); ×CPU = our CPU reference ÷ ours auto (e2e)');
