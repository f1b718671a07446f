// @ts-check
/**
 * The console summary tables and the markdown tables for docs/benchmarks.md. Every figure is the
 * median over the runs of the suite with its range, "median (min–max)"; a ratio is formed within
 * each run, then summarised (summary.mjs).
 */
import { displayOrder, shortOf, labelOf } from './contenders.mjs';
import { adapterName, cell, fmtMsSpread, fmtNum, fmtRatioSpread, runsText } from './format.mjs';
import { summariseCase } from './summary.mjs';

/** @typedef {import('./suite.mjs').CaseResult} CaseResult */
/** @typedef {import('./summary.mjs').CaseSummary} CaseSummary */
/** @typedef {import('./report.mjs').Report} Report */

/**
 * @param {string[]} header
 * @param {string[][]} rows
 */
function textTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (/** @type {string[]} */ r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Every case with its summary, the runs the file's configuration asked for, and the contender ids
 * present (display order).
 * @param {Report} r
 */
export function summarised(r) {
  const cases = r.cases.map((c) => ({ c, s: summariseCase(c) }));
  const runs = Number(r.config.runs ?? 1);
  const ids = displayOrder(cases.flatMap(({ s }) => s.ids));
  return { cases, runs, ids };
}

/**
 * "a (direct)", with the case's run count when it differs from the file's (a case merged in from a
 * run with another --runs).
 * @param {CaseResult} c
 * @param {CaseSummary} s
 * @param {number} runs
 */
function caseLabel(c, s, runs) {
  return `${c.id}${s.autoRan ? ` (${s.autoRan})` : ''}${s.runs !== runs ? ` [${runsText(s.runs)}]` : ''}`;
}

/**
 * The console summary: median end-to-end time, GFLOP/s, ours auto's speed-up on each contender,
 * each of ours against TF.js WebGPU, and kernel-only times where measured.
 * @param {Report} r
 */
export function consoleTables(r) {
  const a = r.adapter;
  const { cases, runs, ids } = summarised(r);
  const over = runs > 1 ? `, median (min–max) over ${runs} runs of the suite` : ', 1 run of the suite';
  const head =
    `\nwebgpu-conv benchmark — ${r.date.slice(0, 10)} — adapter ${a.requested}${a.source && a.source !== a.requested ? ` → ${a.source}` : ''}: ${adapterName(a)} (${a.featureLevel}` +
    `${a.timestampQuery ? ', timestamp-query' : ''}) — ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.runner === 'node' ? `Node ${r.machine.node}` : r.machine.userAgent} — ${runsText(runs)}`;
  const rows = (/** @type {(s: CaseSummary, id: string) => string} */ f, /** @type {string[]} */ cols) =>
    cases.map(({ c, s }) => [caseLabel(c, s, runs), c.name, ...cols.map((id) => f(s, id))]);
  const header = (/** @type {string[]} */ cols) => ['case (auto→)', 'name', ...cols.map(shortOf)];
  const others = ids.filter((id) => id !== 'ours-auto');
  const ours = ids.filter((id) => id.startsWith('ours-'));
  const parts = [
    head,
    `\nEnd-to-end time: each run's median${over} (ours: upload + conv + readback; TF.js: conv + readback, inputs resident)\n`,
    textTable(header(ids), rows((s, id) => cell(s.contenders[id], (x) => fmtMsSpread(x.time)), ids)),
    '\nGFLOP/s (from the median time above)\n',
    textTable(header(ids), rows((s, id) => cell(s.contenders[id], (x) => fmtNum(x.gflops)), ids)),
    `\nSpeed-up of ours auto over each (its median ÷ auto's median within a run${over}; >1 = auto faster)\n`,
    textTable(header(others), rows((s, id) => fmtRatioSpread(s.speedup[id]), others)),
  ];
  if (cases.some(({ s }) => Object.keys(s.vsTfjsWebgpu).length)) {
    parts.push(
      `\nEach of ours against TF.js WebGPU (TF.js WebGPU's median ÷ ours within a run${over}; >1 = ours faster)\n`,
      textTable(header(ours), rows((s, id) => fmtRatioSpread(s.vsTfjsWebgpu[id]), ours)),
    );
  }
  const kernelCases = cases.filter(({ s }) => Object.values(s.contenders).some((x) => x.kernel));
  if (kernelCases.length) {
    const kids = ids.filter((id) => kernelCases.some(({ s }) => s.contenders[id]?.kernel));
    parts.push(
      `\nKernel-only time (timestamp queries): each run's median${over}\n`,
      textTable(header(kids), kernelCases.map(({ c, s }) => [caseLabel(c, s, runs), c.name, ...kids.map((id) => fmtMsSpread(s.contenders[id]?.kernel))])),
    );
    if (kernelCases.some(({ s }) => Object.keys(s.vsTfjsWebgpuKernel).length)) {
      parts.push(
        `\nEach of ours against TF.js WebGPU, kernel-only${over}\n`,
        textTable(header(ours), kernelCases.map(({ c, s }) => [caseLabel(c, s, runs), c.name, ...ours.map((id) => fmtRatioSpread(s.vsTfjsWebgpuKernel[id]))])),
      );
    }
  }
  const notes = [];
  for (const { c, s } of cases) {
    if (s.busy) notes.push(`  ${c.id}: ${s.busy} (its timings may be inflated)`);
    for (const id of s.ids) {
      const x = /** @type {import('./summary.mjs').ContenderSummary} */ (s.contenders[id]);
      if (x.status === 'not-applicable') notes.push(`  ${c.id} ${x.label}: n/a: ${x.reason ?? ''}`);
      else if (x.status !== 'ok' && x.status !== 'unsupported') notes.push(`  ${c.id} ${x.label}: ${x.status}${x.reason ? ` — ${x.reason}` : ''}`);
      if (x.note) notes.push(`  ${c.id} ${x.label}: ${x.note}`);
    }
  }
  if (notes.length) parts.push('\nNotes\n', notes.join('\n'));
  if (runs < 3) parts.push(`\nFrom ${runsText(runs)} only: quote figures as the median and range over at least 3 runs (--runs 3; bench/README.md).`);
  parts.push(r.failures.length ? `\n${r.failures.length} of our results FAILED the correctness check.` : '\nEvery result of ours matched the CPU reference within the float32 bound.');
  return parts.join('\n');
}

/**
 * Markdown tables of the shape suite a–h (medians, auto's speed-ups, each of ours against TF.js
 * WebGPU), for docs/benchmarks.md and the README.
 * @param {Report} r
 */
export function markdownSummary(r) {
  const a = r.adapter;
  const { cases, runs, ids } = summarised(r);
  const shapes = cases.filter(({ c }) => c.group === 'shapes');
  const lines = [];
  lines.push(
    `**${r.runner === 'browser' ? 'browser' : `--adapter ${a.requested}`}** — ${adapterName(a)}, ${a.featureLevel}${a.timestampQuery ? ', timestamp-query' : ', no timestamp-query'} · ` +
      `${r.date.slice(0, 10)} · ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB${r.machine.node ? `, Node ${r.machine.node}` : ''} · ` +
      `${r.config.quick ? '`--quick`' : 'full run'}, ${runs > 1 ? `\`--runs ${runs}\`` : '1 run'}, ${r.durationS} s · TF.js ${r.versions['@tensorflow/tfjs-core'] ?? '?'}` +
      (r.reruns ?? []).map((x) => ` · cases ${x.cases.join(', ')} rerun at ${x.date.slice(11, 16)} UTC`).join(''),
    '',
  );
  const over = runs > 1 ? `median (min–max) over ${runs} runs` : '1 run';
  const name = (/** @type {CaseResult} */ c, /** @type {CaseSummary} */ s) => `${c.id}${s.runs !== runs ? ` [${runsText(s.runs)}]` : ''}`;
  lines.push(
    `| shape | auto ran | ${ids.map(labelOf).join(' | ')} |`,
    `|---|---|${ids.map(() => '---:').join('|')}|`,
    ...shapes.map(({ c, s }) => `| ${name(c, s)} ${c.name} | ${s.autoRan || '—'} | ${ids.map((id) => cell(s.contenders[id], (x) => fmtMsSpread(x.time))).join(' | ')} |`),
    '',
    `End-to-end time, each run's median, ${over}. Speed-up of ours \`auto\` (other median ÷ auto median within a run, ${over}; > 1 = auto faster), and auto's GFLOP/s:`,
    '',
  );
  const peers = ['tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu', 'cpu-ref'].filter((id) => ids.includes(id));
  const kernel = a.timestampQuery && shapes.some(({ s }) => s.speedupKernel['tfjs-webgpu'] !== undefined);
  lines.push(
    `| shape | auto GFLOP/s | ${peers.map((id) => `vs ${labelOf(id)}`).join(' | ')}${kernel ? ' | vs TF.js WebGPU, kernel only' : ''} |`,
    `|---|---:|${peers.map(() => '---:').join('|')}${kernel ? '|---:' : ''}|`,
    ...shapes.map(
      ({ c, s }) =>
        `| ${name(c, s)} | ${cell(s.contenders['ours-auto'], (x) => fmtNum(x.gflops))} | ${peers.map((id) => fmtRatioSpread(s.speedup[id])).join(' | ')}${kernel ? ` | ${fmtRatioSpread(s.speedupKernel['tfjs-webgpu'])}` : ''} |`,
    ),
  );
  const ours = ids.filter((id) => id.startsWith('ours-'));
  if (shapes.some(({ s }) => Object.keys(s.vsTfjsWebgpu).length)) {
    lines.push(
      '',
      `Each of ours against TF.js WebGPU (TF.js WebGPU's median ÷ ours within a run, ${over}; > 1 = ours faster):`,
      '',
      `| shape | ${ours.map((id) => labelOf(id)).join(' | ')} |`,
      `|---|${ours.map(() => '---:').join('|')}|`,
      ...shapes.map(({ c, s }) => `| ${name(c, s)} | ${ours.map((id) => cell(s.contenders[id], () => fmtRatioSpread(s.vsTfjsWebgpu[id]))).join(' | ')} |`),
    );
  }
  return lines.join('\n');
}
