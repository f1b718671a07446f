// @ts-check
/**
 * The HTML report: one self-contained page (inline CSS and SVG, no scripts, no network). Figures are
 * summarised over the runs of the suite (summary.mjs): "median (min–max) over N runs".
 */
import { colorOf } from './contenders.mjs';
import { adapterName, esc, fmtMs, fmtMsSpread, fmtNum, fmtRatioSpread, runsText, statusCell } from './format.mjs';
import { barChart, lineChart } from './charts.mjs';
import { caseRuns } from './summary.mjs';
import { AUTO_GOAL, summarised, sweepTable } from './tables.mjs';
import { SWEEPS } from './cases.mjs';

/** @typedef {import('./suite.mjs').CaseResult} CaseResult */
/** @typedef {import('./summary.mjs').CaseSummary} CaseSummary */
/** @typedef {import('./summary.mjs').ContenderSummary} ContenderSummary */
/** @typedef {import('./summary.mjs').Spread} Spread */
/** @typedef {import('./report.mjs').Report} Report */
/** @typedef {{ c: CaseResult, s: CaseSummary }} Summarised */

/**
 * A sweep as a line chart: `metric` of each contender against the sweep variable; with
 * `predicted`, skipped points are drawn hollow at the time predicted for them (time charts only).
 * @param {Summarised[]} cases
 * @param {string[]} ids
 * @param {(x: ContenderSummary) => number | undefined} metric
 * @param {Omit<Parameters<typeof lineChart>[0], 'series' | 'xs'>} o
 * @param {boolean | string[]} [predicted] draw skipped points at their predicted time (for these ids only)
 */
function sweepChart(cases, ids, metric, o, predicted = false) {
  const xs = cases.map(({ c }) => /** @type {number} */ (c.x));
  const series = ids.map((id) => ({
    id,
    points: /** @type {[number, number][]} */ (
      cases.flatMap(({ c, s }) => {
        const x = s.contenders[id];
        const v = x && x.status === 'ok' ? metric(x) : undefined;
        return v === undefined ? [] : [[/** @type {number} */ (c.x), v]];
      })
    ),
    predicted: /** @type {[number, number][]} */ (
      predicted === true || (Array.isArray(predicted) && predicted.includes(id))
        ? cases.flatMap(({ c, s }) => {
            const x = s.contenders[id];
            if (!x || x.status !== 'skipped') return [];
            const ps = caseRuns(c).map((r) => r.results.find((m) => m.id === id)?.predictedMs).filter((v) => v !== undefined);
            return ps.length ? [[/** @type {number} */ (c.x), Math.min(...ps)]] : [];
          })
        : []
    ),
  }));
  return lineChart({ ...o, series, xs });
}

/**
 * A ratio over runs, coloured: green when ≥ 1.
 * @param {string} prefix
 * @param {Spread | undefined} sp
 */
function ratioNote(prefix, sp) {
  return `<small class="${(sp?.median ?? 0) >= 1 ? 'good' : 'bad'}">${prefix} ${fmtRatioSpread(sp)}</small>`;
}

/**
 * A status other than 'ok', spelled out: "n/a: <why>", "skipped — <why>".
 * @param {{ status: string, reason?: string }} x
 */
function statusText(x) {
  if (x.status === 'not-applicable') return `n/a: ${x.reason ?? ''}`;
  return `${x.status === 'unsupported' ? 'n/a' : x.status}${x.reason ? ` — ${x.reason}` : ''}`;
}

/**
 * The details of one case: every contender over the runs.
 * @param {CaseResult} c
 * @param {CaseSummary} s
 */
function caseDetails(c, s) {
  const g = c.geometry;
  const desc = c.op === 'conv1d'
    ? `conv1d input [${c.inputShape.join(', ')}], weight [${c.weightShape.join(', ')}], ${esc(JSON.stringify(c.options))}`
    : `conv2d input [${c.inputShape.join(', ')}] (NCHW), weight [${c.weightShape.join(', ')}] (OIHW), ${esc(JSON.stringify(c.options))} → [${g.N}, ${g.K}, ${g.OH}, ${g.OW}]`;
  const runs = caseRuns(c);
  const many = s.runs > 1;
  const cols = many ? 12 : 11;
  const rows = s.ids
    .map((id) => {
      const x = /** @type {ContenderSummary} */ (s.contenders[id]);
      const ran = x.ran.length ? ` <small${x.why ? ` title="${esc(x.why)}"` : ''}>(${esc(x.ran.join(', '))})</small>` : '';
      const name = `<td class="l"><span class="sw" style="background:${colorOf(id)}"></span>${esc(x.label)}${ran}</td>`;
      const note = x.note ? `<tr class="note"><td></td><td class="l" colspan="${cols - 1}"><small>${esc(x.note)}</small></td></tr>` : '';
      if (x.status !== 'ok') {
        return `<tr class="${x.status}">${name}<td class="l" colspan="${cols - 1}"><b>${esc(statusText(x))}</b>${x.badCheck ? ` (max |err| ${x.badCheck.maxAbsErr.toExponential(2)}, ${x.badCheck.worst.toExponential(2)}× tolerance)` : ''}</td></tr>`;
      }
      const perRun = many ? `<td><small>${runs.map((r) => fmtMs(r.results.find((m) => m.id === id)?.medianMs)).join(', ')}</small></td>` : '';
      const vs = x.kind === 'ours' && id !== 'tfjs-webgpu' ? fmtRatioSpread(s.vsTfjsWebgpu[id]) : '—';
      return `<tr>${name}<td>${fmtMsSpread(x.time)}</td>${perRun}<td>${fmtMs(x.minMs)}</td><td>${x.kernel ? fmtMsSpread(x.kernel) : '—'}</td><td>${fmtNum(x.gflops)}${x.gflopsKernel !== undefined ? ` <small>(${fmtNum(x.gflopsKernel)})</small>` : ''}</td><td>${fmtNum(x.gbps)}</td><td>${x.timed}${x.warmups ? ` <small>+${x.warmups}w</small>` : ''}${many ? ` <small>${x.okRuns}/${s.runs}</small>` : ''}</td><td>${id === 'ours-auto' ? '1×' : fmtRatioSpread(s.speedup[id])}</td><td>${vs}</td><td>${x.worst !== undefined ? x.worst.toFixed(3) : '—'}</td></tr>${note}`;
    })
    .join('\n');
  const open = Object.values(s.contenders).some((x) => x.status === 'wrong' || (x.status === 'failed' && x.kind === 'ours') || x.badCheck);
  return `<details${open ? ' open' : ''}><summary><b>${esc(c.id)}</b> — ${esc(c.name)} <small>${(c.flops / 1e6).toFixed(1)} MFLOP, ${(c.bytes / 2 ** 20).toFixed(1)} MiB, reduction ${c.reduction}, checked ${c.reference === 'full' ? 'on every output' : 'on sampled outputs'}, ${runsText(s.runs)}</small>${s.busy ? ` <span class="busy">⚠ ${esc(s.busy)}</span>` : ''}</summary>
<p class="desc">${desc}</p>
<table class="num"><thead><tr><th>contender</th><th>median${many ? ` <small>(min–max over ${s.runs} runs)</small>` : ''}</th>${many ? '<th>per-run medians</th>' : ''}<th>fastest run</th><th>kernel median</th><th>GFLOP/s <small>(kernel)</small></th><th>GB/s</th><th>timed runs</th><th>auto speed-up</th><th>vs TF.js WebGPU</th><th>worst err / tol</th></tr></thead><tbody>
${rows}
</tbody></table></details>`;
}

/**
 * The HTML report: self-contained (inline CSS and SVG, no scripts, no network).
 * @param {Report} r
 */
export function renderHtml(r) {
  const a = r.adapter;
  const { cases, runs, ids } = summarised(r);
  const over = runs > 1 ? `median (min–max) over ${runs} runs of the suite` : `1 run of the suite (quote figures from at least 3: <code>--runs 3</code>)`;
  const group = (/** @type {string} */ name) => cases.filter(({ c }) => c.group === name);
  const shapes = group('shapes');
  const ks = group('kernel-size');
  const charts = [];
  if (shapes.length) {
    charts.push(`<div class="chart wide">${barChart({
      title: 'Shape suite a–h: GFLOP/s (median end to end, log scale; × = no result, hover for why)',
      yLabel: 'GFLOP/s',
      groups: shapes.map(({ c, s }) => ({
        label: `${c.id}\n${c.name}`,
        bars: ids.map((id) => {
          const x = s.contenders[id];
          return { id, value: x?.status === 'ok' ? x.gflops : undefined, note: x ? (x.status === 'ok' ? `${fmtMsSpread(x.time)}${x.ran.length ? `, ${x.ran.join(', ')}` : ''}` : statusText(x)) : 'missing' };
        }),
      })),
    })}</div>`);
  }
  const row = [];
  const ms = 'ms (median end to end)';
  const oursIds = ids.filter((id) => id.startsWith('ours-'));
  for (const sw of SWEEPS) {
    const pts = group(sw.group);
    if (!pts.length) continue;
    if (sw.group !== 'image-size') {
      // Predicted (skipped) points only for the goals' contenders, so the crossover region stays legible.
      const goal = /** @type {string[]} */ (r.config.goalIds ?? ['ours-auto', 'ours-direct', 'ours-fft']);
      row.push(sweepChart(pts, oursIds, (x) => x.time?.median, { title: `Crossover, ${sw.short}: time per algorithm of ours`, xLabel: sw.xLabel, yLabel: ms, logX: true }, goal));
    }
    row.push(sweepChart(pts, ids, (x) => x.time?.median, { title: `${sw.short}: time, every contender`, xLabel: sw.xLabel, yLabel: ms, logX: true }, true));
  }
  if (ks.length) row.push(sweepChart(ks, ids, (x) => x.gflops, { title: 'GFLOP/s vs kernel size (512², direct-sum FLOPs)', xLabel: 'kernel size k (k×k, log scale)', yLabel: 'GFLOP/s', logX: true }));
  for (const svg of row) charts.push(`<div class="chart">${svg}</div>`);

  const summaryIds = ids.filter((id) => id !== 'ours-auto');
  const ours = ids.filter((id) => id.startsWith('ours-'));
  const summary = shapes.length
    ? `<h2>Shape suite a–h: medians and speed-ups</h2>
<p>End-to-end time, each run's median, ${over}; below it, how many times faster <b>ours auto</b> is than that contender (its median ÷ auto's median within a run, then the median and range over the runs; &gt;1 means auto is faster).</p>
<table class="num"><thead><tr><th>case</th><th>auto ran</th><th>ours auto</th>${summaryIds.map((id) => `<th>${esc(labelIn(cases, id))}</th>`).join('')}</tr></thead><tbody>
${shapes
  .map(({ c, s }) => `<tr><td class="l"><b>${esc(c.id)}</b> ${esc(c.name)}</td><td class="l">${esc(s.autoRan || '—')}</td><td>${statusCell(s.contenders['ours-auto'], (x) => `${fmtMsSpread(x.time)}<br><small>${fmtNum(x.gflops)} GFLOP/s</small>`)}</td>${summaryIds
    .map((id) => `<td>${statusCell(s.contenders[id], (x) => `${fmtMsSpread(x.time)}<br>${ratioNote('auto', s.speedup[id])}`)}</td>`)
    .join('')}</tr>`)
  .join('\n')}
</tbody></table>
${shapes.some(({ s }) => Object.keys(s.vsTfjsWebgpu).length) ? `<h2>Shape suite a–h: each of ours against TF.js WebGPU</h2>
<p>TF.js WebGPU's median ÷ that algorithm's median within a run, ${over}; &gt;1 means ours is faster.${shapes.some(({ s }) => Object.keys(s.vsTfjsWebgpuKernel).length) ? ' Below it, the same on kernel-only times.' : ''}</p>
<table class="num"><thead><tr><th>case</th>${ours.map((id) => `<th>${esc(labelIn(cases, id))}</th>`).join('')}</tr></thead><tbody>
${shapes
  .map(({ c, s }) => `<tr><td class="l"><b>${esc(c.id)}</b> ${esc(c.name)}</td>${ours
    .map((id) => `<td>${statusCell(s.contenders[id], () => `${ratioNote('', s.vsTfjsWebgpu[id])}${s.vsTfjsWebgpuKernel[id] ? `<br><small>kernel ${fmtRatioSpread(s.vsTfjsWebgpuKernel[id])}</small>` : ''}`)}</td>`)
    .join('')}</tr>`)
  .join('\n')}
</tbody></table>` : ''}`
    : '';

  const sweepRows = sweepTable(cases);
  const sweeps = sweepRows.length
    ? `<h2>Sweeps: auto against the fastest of ours</h2>
<p>At each sweep point: the fastest explicit algorithm of ours, auto's time, and <b>auto ÷ the fastest</b> (auto's median ÷ the fastest one's within a run, ${over}; the goal of issue 11 is ≤ ${AUTO_GOAL}× at every point, red above), and <b>direct ÷ fft</b> (&gt; 1: FFT faster; ~: direct was predicted, not run).</p>
<table class="num"><thead><tr><th>case</th><th>auto ran</th><th>fastest of ours</th><th>auto</th><th>auto ÷ fastest</th><th>direct ÷ fft</th></tr></thead><tbody>
${sweepRows.map((x) => `<tr><td class="l">${esc(x.name)}</td><td class="l">${esc(x.autoRan || '—')}</td><td class="l">${esc(x.best)} ${esc(x.bestTime)}</td><td>${esc(x.auto)}</td><td><small class="${x.missed ? 'bad' : 'good'}">${esc(x.ratio)}</small></td><td>${esc(x.dvf)}</td></tr>`).join('\n')}
</tbody></table>`
    : '';

  const details = cases.map(({ c, s }) => caseDetails(c, s)).join('\n');

  const failures = r.failures.length
    ? `<div class="fail"><b>${r.failures.length} of our results failed the correctness check:</b><ul>${r.failures.map((f) => `<li>${esc(f)}</li>`).join('')}</ul></div>`
    : `<div class="pass">Every result of ours matched the CPU reference within the float32 error bound (see “How to read”).</div>`;
  const rerunNote = (r.reruns ?? [])
    .map((x) => `<p class="meta">Cases ${esc(x.cases.join(', '))} were rerun at ${esc(x.date.replace('T', ' ').slice(0, 16))} UTC (${esc(x.durationS)} s) and replace the first run's measurements.</p>`)
    .join('');
  const busyCases = cases.filter(({ s }) => s.busy).map(({ c }) => c.id);
  const busyNote = busyCases.length
    ? `<p class="busy">⚠ Other processes used more than a fifth of a core while these cases ran, so their timings may be inflated: ${esc(busyCases.join(', '))}.</p>`
    : '';
  const machine = Object.entries(r.machine).map(([k, v]) => `${esc(k)}: ${esc(v)}`).join(' · ');
  const versions = Object.entries(r.versions).map(([k, v]) => `${esc(k)} ${esc(v)}`).join(' · ');
  const cfg = r.config;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>webgpu-conv benchmark — ${esc(r.date.slice(0, 10))} — ${esc(a.requested)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#222;line-height:1.45}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.meta{color:#444;font-size:14px}.meta b{color:#222}
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{flex:1 1 600px;max-width:640px;border:1px solid #e2e2e2;border-radius:6px;padding:6px;background:#fff}.chart.wide{flex-basis:100%;max-width:none}
table.num{border-collapse:collapse;font-size:13px;margin:6px 0 14px;width:100%}table.num th,table.num td{border-bottom:1px solid #eee;padding:4px 8px;text-align:right;vertical-align:top}
table.num th{background:#f6f6f6;font-weight:600}table.num .l{text-align:left}small{color:#666}small.good{color:#17803d;font-weight:600}small.bad{color:#b3261e;font-weight:600}
tr.wrong td,tr.failed td{background:#fdecea}tr.skipped td,tr.unsupported td,tr.not-applicable td{color:#777}tr.note td{border-bottom:none;padding-top:0}
.sw{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
details{border:1px solid #e6e6e6;border-radius:6px;margin:6px 0;padding:4px 10px}summary{cursor:pointer;padding:4px 0}
.desc{font-family:ui-monospace,monospace;font-size:12px;color:#444}
.fail{background:#fdecea;border:1px solid #e0a39d;padding:10px 14px;border-radius:6px}.pass{background:#e9f6ec;border:1px solid #a6d4b0;padding:8px 14px;border-radius:6px}
.busy{color:#8a5a00;font-size:12px}.how{font-size:14px;color:#333}.how li{margin:3px 0}
</style></head><body>
<h1>webgpu-conv benchmark</h1>
<p class="meta"><b>${esc(r.date.replace('T', ' ').slice(0, 16))} UTC</b> · adapter <b>${esc(a.requested)}${a.source && a.source !== a.requested ? ` → ${esc(a.source)}` : ''}</b>: ${esc(adapterName(a))} · ${esc(a.featureLevel)} · ${a.isSoftware ? 'software (CPU) adapter' : 'hardware adapter'} · ${a.timestampQuery ? 'timestamp-query: kernel-only times measured' : 'no timestamp-query: end-to-end times only'}<br>
${machine}<br>${versions} · ${cfg.quick ? '<b>quick run</b>' : 'full run'}, up to ${esc(cfg.repeats)} timed runs per contender after ${esc(cfg.warmup)} warm-up, <b>${runsText(runs)} of the suite</b>${runs > 1 ? ' (figures: median and min–max over the runs)' : ''}${cfg.filter ? ` · filter ${esc(cfg.filter)}` : ''}${cfg.wasmThreads ? ` · TF.js WASM threads ${esc(cfg.wasmThreads)}` : ''} · ${esc(r.durationS)} s</p>
${failures}
${rerunNote}
${busyNote}
${summary}
${sweeps}
<h2>Charts</h2>
<div class="charts">
${charts.join('\n')}
</div>
<h2>Every case</h2>
${details}
<h2>How to read</h2>
<ul class="how">
<li><b>End-to-end time</b> — ours: <code>await engine.conv2d(hostInput, hostWeight)</code>, i.e. upload + convolution + readback; TF.js: convolution + readback on inputs already resident on its backend (TF.js is timed as in the published peer figures, which favours it slightly); CPU reference: the call. In each run of the suite, a contender's time is the median of its timed runs, after warm-up (pipeline compilation is slow on software adapters); the report gives the median of these per-run medians and their range (min–max) over the runs, and the fastest single timed run.</li>
<li><b>Runs</b> — <code>--runs N</code> repeats the whole suite N times in one process (same engine and device, each run complete). Quote figures as the median and range over at least 3 runs: single runs of software adapters on a shared machine moved ratios by 2–7×.</li>
<li><b>Kernel-only time</b> — from WebGPU timestamp queries around the compute pass (ours: <code>kernelMs</code> of the op's <code>onRun</code> report, from a second engine with <code>profile: true</code>; TF.js: <code>tf.time().kernelMs</code>), only where the adapter has <code>timestamp-query</code> (SwiftShader does, llvmpipe does not).</li>
<li><b>GFLOP/s</b> = 2·N·K·OH·OW·(C/groups)·KH·KW / time. <b>GB/s</b> = bytes of input + weight + output / time (the least any implementation must move).</li>
<li><b>Speed-up</b> = contender's median ÷ ours auto's median, and <b>vs TF.js WebGPU</b> = TF.js WebGPU's median ÷ that algorithm's median: each formed within one run (both sides measured in it), then summarised as the median and range over the runs; &gt;1 means ours is faster.</li>
<li><b>What ran</b> — for ours, the algorithm and its variant (<code>algorithm/variant</code>) the library reported through the op's <code>onRun</code> callback.</li>
<li><b>Correctness</b> — every output is compared with our float64 CPU reference: element i passes when |got − ref| ≤ γ<sub>L</sub>·Σ|x·w| + u·|ref| (u = 2⁻²⁴, γ<sub>L</sub> = Lu/(1−Lu), L the reduction length). “worst err / tol” is the largest ratio seen (≤ 1 passes). A wrong result of ours fails the run; a wrong peer result is marked WRONG and left out of the ratios.</li>
<li><b>skipped</b> — a sweep point predicted (from the previous point) to take longer than ${esc(Number(cfg.maxRunMs) / 1000)} s per run (drawn hollow at the predicted time in the charts), or, on a–h, the CPU reference predicted over ${esc(Number(cfg.cpuLimitMs) / 1000)} s. Where the CPU reference is not run in full (sweeps: predicted over ${esc(Number(cfg.fullRefMs ?? 3000) / 1000)} s), outputs are checked on a deterministic sample computed directly in float64. Ours auto, direct and fft (the contenders of the goals) run up to ${esc(Number(cfg.goalRunMs ?? cfg.maxRunMs) / 1000)} s per run${Number(cfg.capRunMs) > 0 ? `, and when predicted over that but under ${esc(Number(cfg.capRunMs) / 1000)} s, once, cold, that run timed (noted “one cold run”)` : ''}. FFT results (explicit, or what auto ran) are checked normwise per output plane against a bound derived from the arithmetic (bench/lib/check.mjs), not elementwise; Winograd results elementwise with magnitudes that carry its transforms' entries. <b>n/a</b> — the peer has no such operation (e.g. grouped, non-depthwise convolution), the device cannot hold the case, or an explicit algorithm of ours cannot run the shape (the library rejected it with <code>OptionError</code>; its message follows).</li>
<li>On a software adapter (llvmpipe, SwiftShader) “GPU” work runs on the CPU: these are not GPU timings.</li>
</ul>
</body></html>
`;
}

/**
 * The label of a contender id, as the results name it.
 * @param {Summarised[]} cases
 * @param {string} id
 */
function labelIn(cases, id) {
  for (const { s } of cases) {
    const x = s.contenders[id];
    if (x) return x.label;
  }
  return id;
}
