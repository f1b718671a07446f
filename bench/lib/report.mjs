// @ts-check
/**
 * Presenting results: console tables and a self-contained HTML report (inline SVG charts, no
 * scripts or network). Shared by Node (written to bench/results/) and the browser page (shown in place).
 */
import { CONTENDERS, LABELS, fmtMs, interference } from './suite.mjs';

/** @typedef {import('./suite.mjs').CaseResult} CaseResult */
/** @typedef {import('./suite.mjs').Measurement} Measurement */

/**
 * @typedef {object} Report The JSON document a run writes.
 * @property {string} schema
 * @property {string} date
 * @property {number} durationS
 * @property {string} runner
 * @property {{ requested: string, source?: string, vendor: string, architecture: string, device: string, description: string, isSoftware: boolean, featureLevel: string, timestampQuery: boolean, limits?: Record<string, number> }} adapter
 * @property {Record<string, string | number>} machine
 * @property {Record<string, string>} versions
 * @property {Record<string, unknown>} config
 * @property {string[]} failures
 * @property {CaseResult[]} cases
 * @property {{ date: string, cases: string[], durationS: number }[]} [reruns]  cases replaced by `--merge-into`
 */

/** @type {Record<string, string>} */
export const COLORS = {
  'ours-auto': '#1f5fbf',
  'ours-direct': '#6ea8e8',
  'ours-im2col': '#2bb3a3',
  'ours-tiled': '#8e7cc3',
  'cpu-ref': '#9a9a9a',
  'tfjs-webgpu': '#e8741c',
  'tfjs-wasm': '#c23b6b',
  'tfjs-cpu': '#8c6d31',
};

/**
 * `<YYYY-MM-DD>-<adapter>`: the file name of a run's results.
 * @param {Pick<Report, 'date' | 'adapter' | 'runner'>} r
 */
export function resultFileStem(r) {
  // `--adapter default` is named after what it found (hardware, llvmpipe or swiftshader).
  const adapter = r.runner === 'browser' ? 'browser' : r.adapter.requested === 'default' && r.adapter.source ? r.adapter.source : r.adapter.requested;
  return `${r.date.slice(0, 10)}-${adapter.replace(/[^a-z0-9-]+/gi, '_')}`;
}

/**
 * @param {Report['adapter']} a
 */
export function adapterName(a) {
  const parts = [a.vendor, a.architecture, a.device, a.description].filter((x) => x);
  return parts.length ? [...new Set(parts)].join(' · ') : 'unnamed adapter';
}

/** @param {number | undefined} v */
export function fmtNum(v) {
  if (v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  return v.toPrecision(2);
}

/** @param {number | undefined} v */
function fmtRatio(v) {
  if (v === undefined || !Number.isFinite(v)) return '—';
  return `${fmtNum(v)}×`;
}

/**
 * @param {Measurement | undefined} m
 * @param {(m: Measurement) => string} ok
 */
function cell(m, ok) {
  if (!m) return '—';
  if (m.status === 'ok') return ok(m);
  return { wrong: 'WRONG', failed: 'failed', skipped: 'skipped', unsupported: 'n/a' }[m.status] ?? m.status;
}

/**
 * @param {string[]} header
 * @param {string[][]} rows
 */
function textTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (/** @type {string[]} */ r) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const SHORT = /** @type {Record<string, string>} */ ({
  'ours-auto': 'auto',
  'ours-direct': 'direct',
  'ours-im2col': 'im2col',
  'ours-tiled': 'tiled',
  'cpu-ref': 'CPU ref',
  'tfjs-webgpu': 'tfjs-gpu',
  'tfjs-wasm': 'tfjs-wasm',
  'tfjs-cpu': 'tfjs-cpu',
});

/**
 * The console summary: median end-to-end ms, GFLOP/s, and ours auto's speed-up on each.
 * @param {Report} r
 */
export function consoleTables(r) {
  const a = r.adapter;
  const head =
    `\nwebgpu-conv benchmark — ${r.date.slice(0, 10)} — adapter ${a.requested}${a.source && a.source !== a.requested ? ` → ${a.source}` : ''}: ${adapterName(a)} (${a.featureLevel}` +
    `${a.timestampQuery ? ', timestamp-query' : ''}) — ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.runner === 'node' ? `Node ${r.machine.node}` : r.machine.userAgent}`;
  const by = (/** @type {CaseResult} */ c, /** @type {string} */ id) => c.results.find((m) => m.id === id);
  const name = (/** @type {CaseResult} */ c) => `${c.id}${c.autoAlgorithm ? ` (${c.autoAlgorithm})` : ''}`;
  const msRows = r.cases.map((c) => [name(c), c.name, ...CONTENDERS.map((id) => cell(by(c, id), (m) => fmtMs(m.medianMs)))]);
  const gfRows = r.cases.map((c) => [name(c), c.name, ...CONTENDERS.map((id) => cell(by(c, id), (m) => fmtNum(m.gflops)))]);
  const peers = CONTENDERS.filter((id) => id !== 'ours-auto');
  const spRows = r.cases.map((c) => [name(c), c.name, ...peers.map((id) => fmtRatio(c.speedup[id]))]);
  const header = ['case (auto→)', 'name', ...CONTENDERS.map((id) => SHORT[id] ?? id)];
  const parts = [
    head,
    '\nMedian end-to-end time (ours: upload + conv + readback; TF.js: conv + readback, inputs resident)\n',
    textTable(header, msRows),
    '\nGFLOP/s (from the median end-to-end time)\n',
    textTable(header, gfRows),
    '\nSpeed-up of ours auto over each (its median ÷ auto median, same run; >1 = auto faster)\n',
    textTable(['case (auto→)', 'name', ...peers.map((id) => SHORT[id] ?? id)], spRows),
  ];
  const kernelCases = r.cases.filter((c) => c.results.some((m) => m.kernelMedianMs !== undefined));
  if (kernelCases.length) {
    const ids = CONTENDERS.filter((id) => kernelCases.some((c) => by(c, id)?.kernelMedianMs !== undefined));
    parts.push(
      '\nKernel-only median ms (timestamp queries)\n',
      textTable(['case (auto→)', 'name', ...ids.map((id) => SHORT[id] ?? id)], kernelCases.map((c) => [name(c), c.name, ...ids.map((id) => fmtMs(by(c, id)?.kernelMedianMs))])),
    );
  }
  const notes = [];
  for (const c of r.cases) {
    const busy = interference(c);
    if (busy) notes.push(`  ${c.id}: ${busy} (its timings may be inflated)`);
    for (const m of c.results) {
      if (m.status !== 'ok' && m.status !== 'unsupported') notes.push(`  ${c.id} ${m.label}: ${m.status}${m.reason ? ` — ${m.reason}` : ''}`);
      else if (m.id.startsWith('ours-') && m.id !== 'ours-auto' && m.algorithm && m.id !== `ours-${m.algorithm}`) notes.push(`  ${c.id} ${m.label}: ran ${m.algorithm} (the requested algorithm's plan does not fit the device)`);
    }
  }
  if (notes.length) parts.push('\nNotes\n', notes.join('\n'));
  parts.push(r.failures.length ? `\n${r.failures.length} of our results FAILED the correctness check.` : '\nEvery result of ours matched the CPU reference within the float32 bound.');
  return parts.join('\n');
}

// ------------------------------------------------------------------------------------------------
// HTML
// ------------------------------------------------------------------------------------------------

/** @param {unknown} s */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (ch) => /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

/**
 * Log-scale ticks covering [lo, hi].
 * @param {number} lo
 * @param {number} hi
 */
function logTicks(lo, hi) {
  const ticks = [];
  const span = Math.log10(hi) - Math.log10(lo);
  const steps = span < 1.5 ? [1, 2, 5] : span < 3 ? [1, 3] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const s of steps) {
      const v = s * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(v);
    }
  }
  return ticks;
}

/** @param {number} v */
function tickLabel(v) {
  if (v >= 1000) return `${v / 1000}k`;
  if (v >= 1) return String(v);
  return String(Number(v.toPrecision(1)));
}

/**
 * The y coordinate of value v on a log axis from lo (bottom) to hi (top) of a plot `height` high
 * whose top is at `top`.
 * @param {number} lo
 * @param {number} hi
 * @param {number} top
 * @param {number} height
 * @returns {(v: number) => number}
 */
function logScaleY(lo, hi, top, height) {
  const l = Math.log10(lo);
  const span = Math.log10(hi) - l;
  return (v) => top + height - ((Math.log10(v) - l) / span) * height;
}

/**
 * @param {number[]} values
 * @returns {[number, number]}
 */
function logRange(values) {
  const pos = values.filter((v) => v > 0 && Number.isFinite(v));
  if (!pos.length) return [0.1, 10];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...pos)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...pos)));
  return [lo, hi === lo ? lo * 10 : hi];
}

/**
 * Grouped vertical bars on a log axis.
 * @param {object} o
 * @param {string} o.title
 * @param {string} o.yLabel
 * @param {{ label: string, bars: { id: string, value: number | undefined, note?: string }[] }[]} o.groups
 */
function barChart(o) {
  const W = 1240;
  const H = 420;
  const m = { l: 64, r: 12, t: 34, b: 64 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const [lo, hi] = logRange(o.groups.flatMap((g) => g.bars.map((b) => b.value ?? NaN)));
  const y = logScaleY(lo, hi, m.t, ih);
  const gw = iw / Math.max(1, o.groups.length);
  const n = Math.max(1, ...o.groups.map((g) => g.bars.length));
  const bw = (gw * 0.84) / n;
  const out = [`<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(o.title)}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">`];
  out.push(`<text x="${m.l}" y="20" font-size="15" font-weight="600">${esc(o.title)}</text>`);
  for (const t of logTicks(lo, hi)) {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.l - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="#555">${tickLabel(t)}</text>`);
  }
  out.push(`<text transform="translate(16 ${m.t + ih / 2}) rotate(-90)" text-anchor="middle" fill="#333">${esc(o.yLabel)}</text>`);
  o.groups.forEach((g, gi) => {
    const x0 = m.l + gi * gw + gw * 0.08;
    g.bars.forEach((b, bi) => {
      const x = x0 + bi * bw;
      if (b.value !== undefined && b.value > 0 && Number.isFinite(b.value)) {
        const top = y(b.value);
        out.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(bw * 0.9).toFixed(1)}" height="${(m.t + ih - top).toFixed(1)}" fill="${COLORS[b.id] ?? '#888'}"><title>${esc(`${g.label} — ${LABELS[b.id] ?? b.id}: ${fmtNum(b.value)} ${o.yLabel}${b.note ? ` (${b.note})` : ''}`)}</title></rect>`);
      } else {
        out.push(`<text x="${(x + bw * 0.45).toFixed(1)}" y="${m.t + ih - 4}" text-anchor="middle" font-size="10" fill="#b00">×<title>${esc(`${g.label} — ${LABELS[b.id] ?? b.id}: ${b.note ?? 'no result'}`)}</title></text>`);
      }
    });
    out.push(`<text x="${(m.l + gi * gw + gw / 2).toFixed(1)}" y="${H - m.b + 18}" text-anchor="middle" font-weight="600">${esc(g.label.split('\n')[0])}</text>`);
    const sub = g.label.split('\n')[1];
    if (sub) out.push(`<text x="${(m.l + gi * gw + gw / 2).toFixed(1)}" y="${H - m.b + 34}" text-anchor="middle" fill="#555" font-size="11">${esc(sub)}</text>`);
  });
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${m.t + ih}" y2="${m.t + ih}" stroke="#333"/>`);
  out.push(legend(o.groups[0]?.bars.map((b) => b.id) ?? [], m.l, H - 14));
  out.push('</svg>');
  return out.join('\n');
}

/**
 * @param {string[]} ids
 * @param {number} x
 * @param {number} y
 */
function legend(ids, x, y) {
  let cx = x;
  const parts = [];
  for (const id of ids) {
    const label = LABELS[id] ?? id;
    parts.push(`<rect x="${cx}" y="${y - 10}" width="12" height="12" fill="${COLORS[id] ?? '#888'}"/><text x="${cx + 16}" y="${y}" fill="#333">${esc(label)}</text>`);
    cx += 26 + label.length * 7;
  }
  return parts.join('');
}

/**
 * Lines on log axes.
 * @param {object} o
 * @param {string} o.title
 * @param {string} o.xLabel
 * @param {string} o.yLabel
 * @param {boolean} o.logX
 * @param {{ id: string, points: [number, number][] }[]} o.series
 * @param {number[]} o.xs  the sweep points (x ticks)
 */
function lineChart(o) {
  const W = 610;
  const H = 400;
  const m = { l: 60, r: 14, t: 34, b: 92 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const [lo, hi] = logRange(o.series.flatMap((s) => s.points.map((p) => p[1])));
  const xmin = Math.min(...o.xs);
  const xmax = Math.max(...o.xs);
  const fx = (/** @type {number} */ v) => (o.logX ? Math.log10(v) : v);
  const x = (/** @type {number} */ v) => m.l + (xmax === xmin ? iw / 2 : ((fx(v) - fx(xmin)) / (fx(xmax) - fx(xmin))) * iw);
  const y = logScaleY(lo, hi, m.t, ih);
  const out = [`<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(o.title)}" xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif" font-size="12">`];
  out.push(`<text x="${m.l}" y="20" font-size="15" font-weight="600">${esc(o.title)}</text>`);
  for (const t of logTicks(lo, hi)) {
    out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${m.l - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="#555">${tickLabel(t)}</text>`);
  }
  for (const v of o.xs) {
    out.push(`<line x1="${x(v).toFixed(1)}" x2="${x(v).toFixed(1)}" y1="${m.t}" y2="${m.t + ih}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x(v).toFixed(1)}" y="${m.t + ih + 16}" text-anchor="middle" fill="#555">${v}</text>`);
  }
  out.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${m.t + ih}" y2="${m.t + ih}" stroke="#333"/>`);
  out.push(`<text x="${m.l + iw / 2}" y="${m.t + ih + 34}" text-anchor="middle" fill="#333">${esc(o.xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${m.t + ih / 2}) rotate(-90)" text-anchor="middle" fill="#333">${esc(o.yLabel)}</text>`);
  for (const s of o.series) {
    const pts = s.points.filter((p) => p[1] > 0 && Number.isFinite(p[1]));
    if (!pts.length) continue;
    const color = COLORS[s.id] ?? '#888';
    const width = s.id === 'ours-auto' ? 3 : 1.8;
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="${width}" points="${pts.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) {
      out.push(`<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3.2" fill="${color}"><title>${esc(`${LABELS[s.id] ?? s.id} @ ${p[0]}: ${fmtNum(p[1])} ${o.yLabel}`)}</title></circle>`);
    }
  }
  // Two-row legend.
  const ids = o.series.filter((s) => s.points.length).map((s) => s.id);
  const half = Math.ceil(ids.length / 2);
  out.push(legend(ids.slice(0, half), m.l - 40, H - 28), legend(ids.slice(half), m.l - 40, H - 8));
  out.push('</svg>');
  return out.join('\n');
}

/**
 * A sweep as a line chart: `metric` of each contender against the sweep variable.
 * @param {CaseResult[]} cases
 * @param {(m: Measurement) => number | undefined} metric
 * @param {Omit<Parameters<typeof lineChart>[0], 'series' | 'xs'>} o
 */
function sweepChart(cases, metric, o) {
  const xs = cases.map((c) => /** @type {number} */ (c.x));
  const series = CONTENDERS.map((id) => ({
    id,
    points: /** @type {[number, number][]} */ (
      cases.flatMap((c) => {
        const m = c.results.find((r) => r.id === id);
        const v = m && m.status === 'ok' ? metric(m) : undefined;
        return v === undefined ? [] : [[/** @type {number} */ (c.x), v]];
      })
    ),
  }));
  return lineChart({ ...o, series, xs });
}

/**
 * The HTML report: self-contained (inline CSS and SVG, no scripts, no network).
 * @param {Report} r
 */
export function renderHtml(r) {
  const a = r.adapter;
  const shapes = r.cases.filter((c) => c.group === 'shapes');
  const ks = r.cases.filter((c) => c.group === 'kernel-size');
  const im = r.cases.filter((c) => c.group === 'image-size');
  const c1 = r.cases.filter((c) => c.group === 'conv1d');
  const charts = [];
  if (shapes.length) {
    charts.push(`<div class="chart wide">${barChart({
      title: 'Shape suite a–h: GFLOP/s (median end to end, log scale; × = no result, hover for why)',
      yLabel: 'GFLOP/s',
      groups: shapes.map((c) => ({
        label: `${c.id}\n${c.name}`,
        bars: CONTENDERS.map((id) => {
          const m = c.results.find((x) => x.id === id);
          return { id, value: m?.status === 'ok' ? m.gflops : undefined, note: m?.status === 'ok' ? `${fmtMs(m.medianMs)}${m.algorithm ? `, ${m.algorithm}` : ''}` : `${m?.status ?? 'missing'}: ${m?.reason ?? ''}` };
        }),
      })),
    })}</div>`);
  }
  const row = [];
  if (ks.length) row.push(sweepChart(ks, (m) => m.gflops, { title: 'GFLOP/s vs kernel size (512², 1 channel, same)', xLabel: 'kernel size k (k×k)', yLabel: 'GFLOP/s', logX: false }));
  if (im.length) row.push(sweepChart(im, (m) => m.medianMs, { title: 'Time vs image size (5×5 kernel, 1 channel, same)', xLabel: 'image side (pixels, log scale)', yLabel: 'ms (median end to end)', logX: true }));
  if (c1.length) row.push(sweepChart(c1, (m) => m.medianMs, { title: 'conv1d on 2²⁰ samples: time vs kernel length', xLabel: 'kernel length (log scale)', yLabel: 'ms (median end to end)', logX: true }));
  if (ks.length) row.push(sweepChart(ks, (m) => m.medianMs, { title: 'Time vs kernel size (512², 1 channel, same)', xLabel: 'kernel size k (k×k)', yLabel: 'ms (median end to end)', logX: false }));
  for (const svg of row) charts.push(`<div class="chart">${svg}</div>`);

  const summaryIds = CONTENDERS.filter((id) => id !== 'ours-auto');
  const summary = shapes.length
    ? `<h2>Shape suite a–h: medians and speed-ups</h2>
<p>Median end-to-end ms; below it, how many times faster <b>ours auto</b> is than that contender in this run (its median ÷ auto's median; &gt;1 means auto is faster).</p>
<table class="num"><thead><tr><th>case</th><th>auto ran</th><th>ours auto</th>${summaryIds.map((id) => `<th>${esc(LABELS[id])}</th>`).join('')}</tr></thead><tbody>
${shapes
  .map((c) => {
    const by = (/** @type {string} */ id) => c.results.find((m) => m.id === id);
    const auto = by('ours-auto');
    return `<tr><td class="l"><b>${esc(c.id)}</b> ${esc(c.name)}</td><td class="l">${esc(c.autoAlgorithm ?? '—')}</td><td>${statusCell(auto, (m) => `${fmtMs(m.medianMs)}<br><small>${fmtNum(m.gflops)} GFLOP/s</small>`)}</td>${summaryIds
      .map((id) => `<td>${statusCell(by(id), (m) => `${fmtMs(m.medianMs)}<br><small class="${(c.speedup[id] ?? 0) >= 1 ? 'good' : 'bad'}">auto ${fmtRatio(c.speedup[id])}</small>`)}</td>`)
      .join('')}</tr>`;
  })
  .join('\n')}
</tbody></table>`
    : '';

  const details = r.cases
    .map((c) => {
      const g = c.geometry;
      const desc = c.op === 'conv1d'
        ? `conv1d input [${c.inputShape.join(', ')}], weight [${c.weightShape.join(', ')}], ${esc(JSON.stringify(c.options))}`
        : `conv2d input [${c.inputShape.join(', ')}] (NCHW), weight [${c.weightShape.join(', ')}] (OIHW), ${esc(JSON.stringify(c.options))} → [${g.N}, ${g.K}, ${g.OH}, ${g.OW}]`;
      const rows = c.results
        .map((m) => {
          const ran = m.algorithm && m.id !== 'ours-auto' && m.id !== `ours-${m.algorithm}` ? ` <small>(ran ${esc(m.algorithm)})</small>` : m.id === 'ours-auto' && m.algorithm ? ` <small>(${esc(m.algorithm)})</small>` : '';
          if (m.status !== 'ok') {
            return `<tr class="${m.status}"><td class="l"><span class="sw" style="background:${COLORS[m.id]}"></span>${esc(m.label)}${ran}</td><td class="l" colspan="9"><b>${esc(m.status)}</b>${m.reason ? ` — ${esc(m.reason)}` : ''}${m.check && !m.check.ok ? ` (max |err| ${m.check.maxAbsErr.toExponential(2)}, ${m.check.worst.toExponential(2)}× tolerance)` : ''}</td></tr>`;
          }
          return `<tr><td class="l"><span class="sw" style="background:${COLORS[m.id]}"></span>${esc(m.label)}${ran}</td><td>${fmtMs(m.medianMs)}</td><td>${fmtMs(m.minMs)}</td><td>${m.kernelMedianMs !== undefined ? fmtMs(m.kernelMedianMs) : '—'}</td><td>${fmtNum(m.gflops)}${m.gflopsKernel !== undefined ? ` <small>(${fmtNum(m.gflopsKernel)})</small>` : ''}</td><td>${fmtNum(m.gbps)}</td><td>${m.timesMs.length}${m.warmupMs.length ? ` <small>+${m.warmupMs.length}w</small>` : ''}</td><td>${m.id === 'ours-auto' ? '1×' : fmtRatio(c.speedup[m.id])}</td><td>${m.check ? `${m.check.worst.toFixed(3)}` : '—'}</td></tr>`;
        })
        .join('\n');
      const busy = interference(c);
      return `<details${c.results.some((m) => m.status === 'wrong' || (m.status === 'failed' && m.kind === 'ours')) ? ' open' : ''}><summary><b>${esc(c.id)}</b> — ${esc(c.name)} <small>${(c.flops / 1e6).toFixed(1)} MFLOP, ${(c.bytes / 2 ** 20).toFixed(1)} MiB, reduction ${c.reduction}, checked ${c.reference === 'full' ? 'on every output' : 'on sampled outputs'}</small>${busy ? ` <span class="busy">⚠ ${esc(busy)}</span>` : ''}</summary>
<p class="desc">${desc}</p>
<table class="num"><thead><tr><th>contender</th><th>median</th><th>min</th><th>kernel median</th><th>GFLOP/s <small>(kernel)</small></th><th>GB/s</th><th>runs</th><th>auto speed-up</th><th>worst err / tol</th></tr></thead><tbody>
${rows}
</tbody></table></details>`;
    })
    .join('\n');

  const failures = r.failures.length
    ? `<div class="fail"><b>${r.failures.length} of our results failed the correctness check:</b><ul>${r.failures.map((f) => `<li>${esc(f)}</li>`).join('')}</ul></div>`
    : `<div class="pass">Every result of ours matched the CPU reference within the float32 error bound (see “How to read”).</div>`;
  const rerunNote = (r.reruns ?? [])
    .map((x) => `<p class="meta">Cases ${esc(x.cases.join(', '))} were rerun at ${esc(x.date.replace('T', ' ').slice(0, 16))} UTC (${esc(x.durationS)} s) and replace the first run's measurements.</p>`)
    .join('');
  const busyCases = r.cases.filter((c) => interference(c)).map((c) => c.id);
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
.charts{display:flex;flex-wrap:wrap;gap:12px}.chart{flex:1 1 600px;border:1px solid #e2e2e2;border-radius:6px;padding:6px;background:#fff}.chart.wide{flex-basis:100%}
table.num{border-collapse:collapse;font-size:13px;margin:6px 0 14px;width:100%}table.num th,table.num td{border-bottom:1px solid #eee;padding:4px 8px;text-align:right;vertical-align:top}
table.num th{background:#f6f6f6;font-weight:600}table.num .l{text-align:left}small{color:#666}small.good{color:#17803d;font-weight:600}small.bad{color:#b3261e;font-weight:600}
tr.wrong td,tr.failed td{background:#fdecea}tr.skipped td,tr.unsupported td{color:#777}
.sw{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px}
details{border:1px solid #e6e6e6;border-radius:6px;margin:6px 0;padding:4px 10px}summary{cursor:pointer;padding:4px 0}
.desc{font-family:ui-monospace,monospace;font-size:12px;color:#444}
.fail{background:#fdecea;border:1px solid #e0a39d;padding:10px 14px;border-radius:6px}.pass{background:#e9f6ec;border:1px solid #a6d4b0;padding:8px 14px;border-radius:6px}
.busy{color:#8a5a00;font-size:12px}.how{font-size:14px;color:#333}.how li{margin:3px 0}
</style></head><body>
<h1>webgpu-conv benchmark</h1>
<p class="meta"><b>${esc(r.date.replace('T', ' ').slice(0, 16))} UTC</b> · adapter <b>${esc(a.requested)}${a.source && a.source !== a.requested ? ` → ${esc(a.source)}` : ''}</b>: ${esc(adapterName(a))} · ${esc(a.featureLevel)} · ${a.isSoftware ? 'software (CPU) adapter' : 'hardware adapter'} · ${a.timestampQuery ? 'timestamp-query: kernel-only times measured' : 'no timestamp-query: end-to-end times only'}<br>
${machine}<br>${versions} · ${cfg.quick ? '<b>quick run</b>' : 'full run'}, up to ${esc(cfg.repeats)} timed runs per contender after ${esc(cfg.warmup)} warm-up${cfg.filter ? ` · filter ${esc(cfg.filter)}` : ''}${cfg.wasmThreads ? ` · TF.js WASM threads ${esc(cfg.wasmThreads)}` : ''} · ${esc(r.durationS)} s</p>
${failures}
${rerunNote}
${busyNote}
${summary}
<h2>Charts</h2>
<div class="charts">
${charts.join('\n')}
</div>
<h2>Every case</h2>
${details}
<h2>How to read</h2>
<ul class="how">
<li><b>End-to-end time</b> — ours: <code>await engine.conv2d(hostInput, hostWeight)</code>, i.e. upload + convolution + readback; TF.js: convolution + readback on inputs already resident on its backend (TF.js is timed as in the published peer figures, which favours it slightly); CPU reference: the call. Median and min over the timed runs, after warm-up (pipeline compilation is slow on software adapters).</li>
<li><b>Kernel-only time</b> — from WebGPU timestamp queries around the compute pass (ours: <code>engine.lastRun.kernelMs</code>; TF.js: <code>tf.time().kernelMs</code>), only where the adapter has <code>timestamp-query</code> (SwiftShader does, llvmpipe does not).</li>
<li><b>GFLOP/s</b> = 2·N·K·OH·OW·(C/groups)·KH·KW / time. <b>GB/s</b> = bytes of input + weight + output / time (the least any implementation must move).</li>
<li><b>Speed-up</b> = contender's median ÷ ours auto's median, measured in the same run; &gt;1 means auto is faster.</li>
<li><b>Correctness</b> — every output is compared with our float64 CPU reference: element i passes when |got − ref| ≤ γ<sub>L</sub>·Σ|x·w| + u·|ref| (u = 2⁻²⁴, γ<sub>L</sub> = Lu/(1−Lu), L the reduction length). “worst err / tol” is the largest ratio seen (≤ 1 passes). A wrong result of ours fails the run; a wrong peer result is marked WRONG and left out of the ratios.</li>
<li><b>skipped</b> — a sweep point predicted (from the previous point) to take longer than ${esc(Number(cfg.maxRunMs) / 1000)} s per run, or the CPU reference predicted over ${esc(Number(cfg.cpuLimitMs) / 1000)} s (then outputs are checked on a random sample computed directly). <b>n/a</b> — the peer has no such operation (e.g. grouped, non-depthwise convolution).</li>
<li>On a software adapter (llvmpipe, SwiftShader) “GPU” work runs on the CPU: these are not GPU timings.</li>
</ul>
</body></html>
`;
}

/**
 * @param {Measurement | undefined} m
 * @param {(m: Measurement) => string} ok
 */
function statusCell(m, ok) {
  if (!m) return '—';
  if (m.status === 'ok') return ok(m);
  return `<span title="${esc(m.reason ?? '')}">${esc(m.status === 'unsupported' ? 'n/a' : m.status)}</span>`;
}

/**
 * Markdown tables of the shape suite a–h (medians and auto's speed-ups) and the sweeps, for
 * docs/benchmarks.md and the README.
 * @param {Report} r
 */
export function markdownSummary(r) {
  const a = r.adapter;
  const shapes = r.cases.filter((c) => c.group === 'shapes');
  const by = (/** @type {CaseResult} */ c, /** @type {string} */ id) => c.results.find((m) => m.id === id);
  const ms = (/** @type {Measurement | undefined} */ m) => cell(m, (x) => fmtMs(x.medianMs));
  const lines = [];
  lines.push(
    `**${r.runner === 'browser' ? 'browser' : `--adapter ${a.requested}`}** — ${adapterName(a)}, ${a.featureLevel}${a.timestampQuery ? ', timestamp-query' : ', no timestamp-query'} · ` +
      `${r.date.slice(0, 10)} · ${r.machine.cpuModel}, ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB${r.machine.node ? `, Node ${r.machine.node}` : ''} · ` +
      `${r.config.quick ? '`--quick`' : 'full run'}, ${r.durationS} s · TF.js ${r.versions['@tensorflow/tfjs-core'] ?? '?'}` +
      (r.reruns ?? []).map((x) => ` · cases ${x.cases.join(', ')} rerun at ${x.date.slice(11, 16)} UTC`).join(''),
    '',
  );
  const ids = ['ours-auto', 'ours-direct', 'ours-im2col', 'ours-tiled', 'cpu-ref', 'tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu'];
  lines.push(
    `| shape | auto ran | ${ids.map((id) => LABELS[id]).join(' | ')} |`,
    `|---|---|${ids.map(() => '---:').join('|')}|`,
    ...shapes.map((c) => `| ${c.id} ${c.name} | ${c.autoAlgorithm ?? '—'} | ${ids.map((id) => ms(by(c, id))).join(' | ')} |`),
    '',
    'Median end-to-end time. Speed-up of ours `auto` (other median ÷ auto median, same run; > 1 = auto faster), and auto\'s GFLOP/s:',
    '',
  );
  const peers = ['tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu', 'cpu-ref'];
  const kernel = a.timestampQuery && shapes.some((c) => c.speedupKernel['tfjs-webgpu'] !== undefined);
  lines.push(
    `| shape | auto GFLOP/s | ${peers.map((id) => `vs ${LABELS[id]}`).join(' | ')}${kernel ? ' | vs TF.js WebGPU, kernel only' : ''} |`,
    `|---|---:|${peers.map(() => '---:').join('|')}${kernel ? '|---:' : ''}|`,
    ...shapes.map(
      (c) =>
        `| ${c.id} | ${cell(by(c, 'ours-auto'), (m) => fmtNum(m.gflops))} | ${peers.map((id) => fmtRatio(c.speedup[id])).join(' | ')}${kernel ? ` | ${fmtRatio(c.speedupKernel['tfjs-webgpu'])}` : ''} |`,
    ),
  );
  return lines.join('\n');
}
