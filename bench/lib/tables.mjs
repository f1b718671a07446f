// @ts-check
/**
 * The console summary tables and the markdown tables for docs/benchmarks.md. Every figure is the
 * median over the runs of the suite with its range, "median (min–max)"; a ratio is formed within
 * each run, then summarised (summary.mjs).
 */
import { displayOrder, shortOf, labelOf, TUNED } from './contenders.mjs';
import { adapterName, cell, fmtMs, fmtMsSpread, fmtNum, fmtRatioSpread, runsText } from './format.mjs';
import { summariseCase } from './summary.mjs';
import { SWEEPS } from './cases.mjs';

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
  const sweepRows = sweepTable(cases);
  if (sweepRows.length) {
    parts.push(
      `\nSweeps: ours auto against the fastest of ours (auto's median ÷ the fastest explicit algorithm's, within a run${over}; goal ≤ ${AUTO_GOAL}×, ✗ above), and direct ÷ fft (> 1 = FFT faster; ~ = direct predicted, not run)\n`,
      textTable(['case (auto→)', 'name', 'fastest of ours', 'its time', 'auto', 'auto ÷ fastest', 'direct ÷ fft'], sweepRows.map((r) => [r.label, r.name, r.best, r.bestTime, r.auto, r.ratio, r.dvf])),
    );
  }
  const suiteRows = cases.filter(({ c, s }) => c.group === 'shapes' && (s.autoVsBest || s.tunedVsBest));
  if (suiteRows.length) {
    parts.push(
      `\nShape suite: ours auto (cost model) and ours tuned (autotune: true) against the fastest explicit algorithm of ours (median ÷ the fastest's, within a run${over}; goals ≤ ${AUTO_GOAL}× and ≤ ${TUNED_GOAL}×, ✗ above)\n`,
      textTable(
        ['case (auto→)', 'name', 'fastest of ours', 'its time', 'auto ÷ fastest', 'tuned', 'tuned ÷ fastest'],
        suiteRows.map(({ c, s }) => {
          const { best, bestTime } = fastestOfOurs(s);
          return [
            caseLabel(c, s, runs), c.name, best, bestTime,
            goalRatio(s.autoVsBest, AUTO_GOAL), cell(s.contenders[TUNED], (x) => `${fmtMsSpread(x.time)}${x.ran.length ? ` (${x.ran.join(', ')})` : ''}`), goalRatio(s.tunedVsBest, TUNED_GOAL),
          ];
        }),
      ),
    );
  }
  const startupCases = cases.filter(({ s }) => s.startup);
  if (startupCases.length) {
    const count = (/** @type {number} */ v) => (Number.isInteger(v) ? String(v) : fmtNum(v));
    const sp = (/** @type {import('./summary.mjs').Spread | undefined} */ x) => (x ? (x.n > 1 && x.min !== x.max ? `${count(x.median)} (${x.min}–${x.max})` : count(x.median)) : '—');
    parts.push(
      `\nStart-up of ours auto on a new engine${over}: the first call (cold, compiling included) and its pipelines; engine.warmup (input as a shape, weight as data) and the first call after it; warm = auto's median above\n`,
      textTable(
        ['case (auto→)', 'name', 'pipelines', 'cold', 'warm', 'cold ÷ warm', 'warmup', 'its pipelines', 'first after', '÷ warm', 'compiled after'],
        startupCases.map(({ c, s }) => {
          const st = /** @type {import('./summary.mjs').StartupSummary} */ (s.startup);
          return [
            caseLabel(c, s, runs), c.name, sp(st.pipelines), fmtMsSpread(st.coldMs), fmtMsSpread(s.contenders['ours-auto']?.time), fmtRatioSpread(st.coldVsWarm),
            fmtMsSpread(st.warmupMs), sp(st.warmupPipelines), fmtMsSpread(st.afterWarmupMs), fmtRatioSpread(st.afterWarmupVsWarm), sp(st.afterWarmupPipelines),
          ];
        }),
      ),
    );
    const cache = r.config.mesaShaderCache;
    if (cache) parts.push(`(Mesa's on-disk shader cache: ${String(cache)})`);
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
  if (!shapes.length) return lines.join('\n');
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

/** Issue 11's goal for `auto`: within this factor of the fastest of ours at every sweep point. */
export const AUTO_GOAL = 1.25;
/** Issue 12's goal for ours tuned (auto with autotune: true) on the shape suite: within 1.1× of the fastest of ours. */
export const TUNED_GOAL = 1.1;

/**
 * The fastest explicit algorithm(s) of ours on a case (short names, every distinct one over the
 * runs) and the first one's time.
 * @param {CaseSummary} s
 */
function fastestOfOurs(s) {
  const ids = s.bestOurs ? s.bestOurs.split(', ') : [];
  const first = ids[0] ? s.contenders[ids[0]] : undefined;
  return { best: ids.map((id) => shortOf(id)).join(', ') || '—', bestTime: first?.time ? fmtMsSpread(first.time) : '—' };
}

/**
 * A ratio's spread, marked ✗ when its median misses `goal`; '—' when absent.
 * @param {import('./summary.mjs').Spread | undefined} x
 * @param {number} goal
 */
function goalRatio(x, goal) {
  return x ? `${fmtRatioSpread(x)}${x.median > goal ? ' ✗' : ''}` : '—';
}

/**
 * One row per sweep point: the fastest explicit algorithm of ours, auto's time, auto ÷ the fastest
 * (median and range of the per-run ratio, ✗ when the median misses the goal), direct ÷ fft.
 * @param {{ c: CaseResult, s: CaseSummary }[]} cases
 */
export function sweepTable(cases) {
  const order = SWEEPS.map((x) => x.group);
  return cases
    .filter(({ c }) => c.group !== 'shapes')
    .sort((a, b) => order.indexOf(/** @type {any} */ (a.c.group)) - order.indexOf(/** @type {any} */ (b.c.group)) || (a.c.x ?? 0) - (b.c.x ?? 0))
    .map(({ c, s }) => {
      const dvf = s.directVsFft ? fmtRatioSpread(s.directVsFft) : s.directPredictedVsFft ? `~${fmtRatioSpread(s.directPredictedVsFft)}` : '—';
      return {
        group: c.group,
        x: c.x,
        label: `${c.id}${s.autoRan ? ` (${s.autoRan})` : ''}`,
        name: c.name,
        autoRan: s.autoRan,
        ...fastestOfOurs(s),
        auto: cell(s.contenders['ours-auto'], (x) => fmtMsSpread(x.time)),
        ratio: goalRatio(s.autoVsBest, AUTO_GOAL),
        dvf,
        missed: (s.autoVsBest?.median ?? 0) > AUTO_GOAL,
      };
    });
}

/**
 * Markdown tables of the sweeps: every contender's median time (min–max) per point, and auto against
 * the fastest of ours with direct ÷ fft — for docs/benchmarks.md.
 * @param {Report} r
 */
export function markdownSweeps(r) {
  const { cases, runs, ids } = summarised(r);
  const over = runs > 1 ? `median (min–max) over ${runs} runs` : '1 run';
  const lines = [];
  for (const sw of SWEEPS) {
    const group = cases.filter(({ c }) => c.group === sw.group).sort((a, b) => (a.c.x ?? 0) - (b.c.x ?? 0));
    if (!group.length) continue;
    // Contenders with something to show (not n/a or not selected everywhere: --no-peers, --contenders).
    const present = ids.filter((id) => group.some(({ s }) => {
      const x = s.contenders[id];
      return x && x.status !== 'unsupported' && !(x.status === 'skipped' && x.reason?.startsWith('not selected'));
    }));
    lines.push(
      `**${sw.title}** — end-to-end time, ${over}; "skipped (N s)": predicted N s per run, not run:`,
      '',
      `| ${sw.unit} | auto ran | ${present.map(labelOf).join(' | ')} |`,
      `|---:|---|${present.map(() => '---:').join('|')}|`,
      ...group.map(({ c, s }) => `| ${c.x} | ${s.autoRan || '—'} | ${present.map((id) => {
        const x = s.contenders[id];
        if (x && x.status === 'skipped') {
          const p = caseRunsPredicted(c, id);
          return p ? `skipped (${fmtMs(p)})` : 'skipped';
        }
        return cell(x, (y) => `${fmtMsSpread(y.time)}${y.note?.includes('one cold run') ? '¹' : ''}`);
      }).join(' | ')} |`),
      '',
    );
    if (group.some(({ s }) => Object.values(s.contenders).some((x) => x.note?.includes('one cold run')))) {
      lines.push('¹ predicted over the per-run limit: one cold run in each run of the suite, timed (`--cap-s`).', '');
    }
    const rows = sweepTable(group);
    lines.push(
      `| ${sw.unit} | fastest of ours | auto ÷ fastest | direct ÷ fft |`,
      '|---:|---|---:|---:|',
      ...rows.map((x) => `| ${x.x} | ${x.best} ${x.bestTime} | ${x.ratio} | ${x.dvf} |`),
      '',
    );
  }
  return lines.join('\n');
}

/**
 * The predicted time of a skipped contender on a case (the median over the runs that predicted one).
 * @param {CaseResult} c
 * @param {string} id
 */
function caseRunsPredicted(c, id) {
  const ps = (c.runs ?? []).map((r) => r.results.find((m) => m.id === id)?.predictedMs).filter((v) => v !== undefined);
  if (!ps.length) return undefined;
  const s = [...ps].sort((a, b) => a - b);
  return s[s.length >> 1];
}
