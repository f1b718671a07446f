// @ts-check
/**
 * bench:fft's console tables: the transforms, then the FFT convolutions, each with every contender's
 * time, GFLOP/s and error, and each one's time ÷ ours; then the notes.
 */
import { fmtMsSpread, fmtNum, fmtRatioSpread } from './format.mjs';
import { CONV_CONTENDERS, TRANSFORM_CONTENDERS } from './fft-cases.mjs';

/**
 * @typedef {object} FftReport What the tables read of a report.
 * @property {string} date
 * @property {{ requested: string }} adapter
 * @property {{ cpuModel: string, cores: number }} machine
 * @property {{ runs: number }} config
 * @property {string[]} failures
 * @property {import('./fft-summary.mjs').FftCaseRecord[]} cases
 */

/**
 * The console tables: per case, each contender's median (min–max) over the runs, GFLOP/s, the error
 * in units of u·‖X_ref‖₂, and each peer's time ÷ ours (same run; > 1 = ours faster).
 * @param {FftReport} r
 * @param {import('../../dist/index.js').AdapterInfo} info  the adapter measured (its description or device in the title)
 */
export function tables(r, info) {
  const runs = Number(r.config.runs);
  const over = runs > 1 ? `median (min–max) over ${runs} runs` : '1 run';
  const lines = [`\nwebgpu-conv bench:fft — ${r.date.slice(0, 10)} — ${r.adapter.requested} (${info.description || info.device}) — ${r.machine.cpuModel}, ${r.machine.cores} cores — ${over}`];
  const row = (/** @type {string[]} */ cells, /** @type {number[]} */ w) => cells.map((x, i) => (i === 0 ? x.padEnd(w[i] ?? 0) : x.padStart(w[i] ?? 0))).join('  ');
  for (const kind of ['transforms', 'convolutions']) {
    const cs = r.cases.filter((c) => (kind === 'convolutions') === (c.op === 'conv1d'));
    if (!cs.length) continue;
    const ids = kind === 'convolutions' ? CONV_CONTENDERS : TRANSFORM_CONTENDERS;
    lines.push(`\n${kind === 'transforms' ? 'Transforms' : 'FFT convolution (conv1d, same)'}: time, ${over}; GFLOP/s from the median${kind === 'transforms' ? '; err in u·‖X_ref‖₂' : ''}\n`);
    const header = ['case', ...ids.map((id) => id)];
    const body = cs.map((c) => [
      c.name,
      ...ids.map((id) => {
        const x = c.summary.contenders[id];
        if (!x || x.status !== 'ok') return x?.status === 'not-applicable' ? 'n/a' : (x?.status ?? '—');
        return `${fmtMsSpread(x.time)} ${fmtNum(x.gflops)}GF${x.err !== undefined ? ` e${x.err.toFixed(1)}` : ''}`;
      }),
    ]);
    const w = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
    lines.push(row(header, w), w.map((n) => '─'.repeat(n)).join('  '), ...body.map((b) => row(b, w)));
    const peers = ids.filter((id) => id !== (kind === 'convolutions' ? 'ours-fft' : 'ours'));
    lines.push(`\n${kind === 'transforms' ? "each contender's time ÷ ours end to end" : "each contender's time ÷ ours 'fft'"} (same run, ${over}; > 1 = ours faster)\n`);
    const body2 = cs.map((c) => [c.name, ...peers.map((id) => fmtRatioSpread(c.summary.vsOurs[id]))]);
    const h2 = ['case', ...peers];
    const w2 = h2.map((h, i) => Math.max(h.length, ...body2.map((b) => (b[i] ?? '').length)));
    lines.push(row(h2, w2), w2.map((n) => '─'.repeat(n)).join('  '), ...body2.map((b) => row(b, w2)));
  }
  const notes = [];
  for (const c of r.cases) {
    for (const [id, x] of Object.entries(c.summary.contenders)) {
      if (x.reason) notes.push(`  ${c.id} ${id}: ${x.status === 'ok' ? '' : `${x.status}: `}${x.reason}`);
      if (x.variant && id.startsWith('ours')) notes.push(`  ${c.id} ${id} ran ${x.variant}`);
    }
    if (c.otherCpuS !== undefined && c.otherCpuS / c.wallS > 0.2) notes.push(`  ${c.id}: other processes used ${((c.otherCpuS / c.wallS) * 100).toFixed(0)}% of a core meanwhile (timings may be inflated)`);
  }
  if (notes.length) lines.push('\nNotes\n', ...notes);
  lines.push(r.failures.length ? `\n${r.failures.length} of our results FAILED.` : '\nEvery output of ours, and of each peer timed, passed its check before being timed.');
  return lines.join('\n');
}
