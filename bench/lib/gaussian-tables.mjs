// @ts-check
/**
 * bench:gaussian's console tables (ours per algorithm; the peers and their time ÷ ours 'auto'; the
 * agreement with ours and ours' error; notes) and the README's markdown tables, of this run's report
 * or a saved one (`--render FILE`).
 */
import { fmtMsSpread, fmtNum, fmtRatioSpread } from './format.mjs';

/**
 * The console tables and the README's markdown table.
 * @param {any} r a report (this run's or a saved one)
 */
export function tables(r) {
  const runs = Number(r.config.runs);
  const over = runs > 1 ? `median (min–max) over ${runs} runs` : '1 run';
  const lines = [`\nwebgpu-conv bench:gaussian — ${r.date.slice(0, 10)} — ${r.adapterText ?? r.adapter.requested} — ${r.machine.cpuModel}, ${r.machine.cores} cores — ${over} — commit ${r.versions.commit}`];
  const row = (/** @type {string[]} */ cs, /** @type {number[]} */ w) => cs.map((x, i) => (i === 0 ? x.padEnd(w[i] ?? 0) : x.padStart(w[i] ?? 0))).join('  ');
  const table = (/** @type {string[]} */ header, /** @type {string[][]} */ body) => {
    const w = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
    lines.push(row(header, w), w.map((n) => '─'.repeat(n)).join('  '), ...body.map((b) => row(b, w)));
  };
  /** @param {any} x */
  const timeCell = (x) => {
    if (!x) return '—';
    if (x.status === 'ok') return `${fmtMsSpread(x.time)}${x.okRuns < runs ? ` [${x.okRuns}/${runs}]` : ''}`;
    if (x.status === 'skipped' && x.predictedMs) return `> budget (~${fmtEstimate(x.predictedMs.median)})`;
    return { 'not-applicable': 'n/a', skipped: '—', unavailable: 'unavailable', wrong: 'WRONG', failed: 'failed' }[/** @type {string} */ (x.status)] ?? x.status;
  };
  /** GPU-resident: 'auto', or on the 15×15 cell direct / separable. @param {any} s @param {(x: any) => string} [f] */
  const gpuCell = (s, f = timeCell) => {
    const timed = (/** @type {any} */ x) => x && x.status !== 'skipped';
    return timed(s['ours-gpu-direct']) || timed(s['ours-gpu-separable']) ? `direct ${f(s['ours-gpu-direct'])} / separable ${f(s['ours-gpu-separable'])}` : f(s['ours-gpu']);
  };
  /** direct ÷ separable, end to end, and GPU-resident where measured. @param {any} c */
  const directOverSeparable = (c) => {
    const e2e = c.summary.directOverSeparable ? fmtRatioSpread(c.summary.directOverSeparable) : '';
    const gpu = c.summary.gpuDirectOverSeparable;
    return gpu ? `${e2e}; GPU-resident ${fmtRatioSpread(gpu)}` : e2e;
  };
  /** @param {any} c @param {string} id */
  const vs = (c, id) => {
    const sp = c.summary.vsAuto[id];
    if (sp) return fmtRatioSpread(sp);
    const est = c.summary.estimatedVsAuto[id];
    return est ? `~${fmtNum(est.median)}× (est.)` : '';
  };

  lines.push(`\nOurs: time per call, ${over} (end to end: host Float32Array in, result read back; GPU-resident: input uploaded once, output 'gpu')\n`);
  table(
    ['cell', 'auto (ran)', 'auto', 'direct', 'separable', 'fft', 'GPU-resident', 'direct ÷ separable'],
    r.cells.map((/** @type {any} */ c) => {
      const s = c.summary.contenders;
      return [c.name, ranAlgorithms(s['ours-auto']), timeCell(s['ours-auto']), timeCell(s['ours-direct']), timeCell(s['ours-separable']), timeCell(s['ours-fft']), gpuCell(s), directOverSeparable(c)];
    }),
  );
  lines.push(`\nPeers: time per call, ${over}; under it each one's time ÷ ours 'auto' (same run; > 1 = ours faster)\n`);
  const peerIds = ['cpu-ref', 'sharp', 'sharp-matched', 'image-js', 'image-js-matched', 'jimp-gaussian', 'jimp-blur'];
  const peerCells = r.cells.filter((/** @type {any} */ c) => !c.oursOnly);
  table(
    ['cell', ...peerIds],
    peerCells.flatMap((/** @type {any} */ c) => [
      [c.name, ...peerIds.map((id) => timeCell(c.summary.contenders[id]))],
      ['  ÷ ours auto', ...peerIds.map((id) => vs(c, id))],
    ]),
  );
  lines.push(`\nAgreement with ours 'auto' on the interior (max / mean |difference|, 8-bit levels; radius in brackets) and ours' worst |error| vs float64\n`);
  table(
    ['cell', 'ours err', ...peerIds.slice(1)],
    peerCells.map((/** @type {any} */ c) => {
      const s = c.summary.contenders;
      const errs = ['ours-auto', 'ours-direct', 'ours-separable', 'ours-fft', 'ours-gpu', 'cpu-ref'].map((id) => s[id]?.err).filter((e) => e !== undefined);
      return [
        c.name,
        errs.length ? Math.max(...errs).toExponential(1) : '—',
        ...peerIds.slice(1).map((id) => {
          const a = s[id]?.agreement;
          return a ? `${fmtNum(a.maxAbs)} / ${fmtNum(a.meanAbs)} (r${s[id].radius})` : `(r${s[id]?.radius ?? '?'})`;
        }),
      ];
    }),
  );

  const notes = [];
  for (const c of r.cells) {
    for (const [id, x] of Object.entries(/** @type {Record<string, any>} */ (c.summary.contenders))) {
      if (x.status !== 'ok' && x.status !== 'skipped' && x.reason) notes.push(`  ${c.id} ${id}: ${x.status}: ${x.reason}`);
      else if (x.status === 'skipped' && x.predictedMs) notes.push(`  ${c.id} ${id}: ${x.reason}`);
      else if (x.status === 'ok' && x.okRuns < runs) notes.push(`  ${c.id} ${id}: a result in ${x.okRuns} of ${runs} runs${x.reason ? ` (${x.reason})` : ''}`);
      if (x.cold) notes.push(`  ${c.id} ${id}: no warm-up call in run 1 (a long call; its first timed call includes compiling)`);
    }
    if (c.otherCpuS !== undefined && c.otherCpuS / c.wallS > 0.2) notes.push(`  ${c.id}: other processes used ${((c.otherCpuS / c.wallS) * 100).toFixed(0)}% of a core meanwhile (timings may be inflated)`);
  }
  if (r.unavailable) for (const u of Object.values(r.unavailable)) notes.push(`  ${u}`);
  if (notes.length) lines.push('\nNotes\n', ...notes);
  lines.push(r.failures.length ? `\n${r.failures.length} of our results FAILED.` : "\nEvery result of ours passed its check against float64 sums.");

  // The README's tables: ours (time of each algorithm), then the peers (time, and ÷ ours 'auto').
  /** @param {any} c */
  const cellName = (c) => `${c.side}² ${c.channels === 1 ? 'grey' : 'RGB'} | ${c.sigma} (${2 * c.radius + 1}²)`;
  /** @param {any} x */
  const md = (x) => timeCell(x).replace(/(\d)(ms|s|h)\b/, '$1 $2');
  lines.push(`\nMarkdown (README), ours: time per call, ${over}\n`);
  lines.push("| image | σ (kernel) | ours 'auto' (ran) | separable | fft | 2-D direct | GPU-resident 'auto' | direct ÷ separable |");
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const c of r.cells) {
    const s = c.summary.contenders;
    const ds = c.summary.directOverSeparable;
    lines.push(`| ${cellName(c)} | ${md(s['ours-auto'])} (${ranAlgorithms(s['ours-auto'])}) | ${md(s['ours-separable'])} | ${md(s['ours-fft'])} | ${md(s['ours-direct'])} | ${gpuCell(s, md)} | ${ds ? directOverSeparable(c) : ''} |`);
  }
  const mdPeers = ['sharp', 'sharp-matched', 'image-js', 'image-js-matched', 'jimp-blur', 'jimp-gaussian', 'cpu-ref'];
  lines.push(`\nMarkdown (README), peers: time per call; then its time ÷ ours 'auto' (same run, ${over}; > 1 = ours faster; ~ = from the estimate)\n`);
  lines.push('| image | σ | sharp | sharp matched | image-js | image-js matched | jimp blur | jimp gaussian | our CPU ref |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of peerCells) {
    const s = c.summary.contenders;
    lines.push(`| ${cellName(c).replace(/ \(\d+²\)/, '')} | ${mdPeers.map((id) => `${md(s[id])}${vs(c, id) ? ` — ${vs(c, id)}` : ''}`).join(' | ')} |`);
  }
  return lines.join('\n');
}

/** An estimated time, to 2–3 digits: "25.7s", "359s", "5.3h". @param {number} ms */
function fmtEstimate(ms) {
  const sec = ms / 1000;
  if (sec < 100) return `${sec.toFixed(1)}s`;
  if (sec < 3600) return `${Math.round(sec)}s`;
  return `${(sec / 3600).toFixed(1)}h`;
}

/** The algorithms ours ran (its `ran` is 'algorithm/variant, …' over the runs). @param {any} x */
function ranAlgorithms(x) {
  return [...new Set(String(x?.ran ?? '').split(', ').filter((v) => v).map((v) => v.split('/')[0]))].join(', ');
}
