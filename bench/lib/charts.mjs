// @ts-check
/**
 * Inline SVG charts for the HTML report: grouped bars and lines on log axes, with hover titles.
 */
import { colorOf, labelOf } from './contenders.mjs';
import { esc, fmtNum } from './format.mjs';

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
export function barChart(o) {
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
        out.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(bw * 0.9).toFixed(1)}" height="${(m.t + ih - top).toFixed(1)}" fill="${colorOf(b.id)}"><title>${esc(`${g.label} — ${labelOf(b.id)}: ${fmtNum(b.value)} ${o.yLabel}${b.note ? ` (${b.note})` : ''}`)}</title></rect>`);
      } else {
        out.push(`<text x="${(x + bw * 0.45).toFixed(1)}" y="${m.t + ih - 4}" text-anchor="middle" font-size="10" fill="#b00">×<title>${esc(`${g.label} — ${labelOf(b.id)}: ${b.note ?? 'no result'}`)}</title></text>`);
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
    const label = labelOf(id);
    parts.push(`<rect x="${cx}" y="${y - 10}" width="12" height="12" fill="${colorOf(id)}"/><text x="${cx + 16}" y="${y}" fill="#333">${esc(label)}</text>`);
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
 * @param {{ id: string, points: [number, number][], predicted?: [number, number][] }[]} o.series
 *   `predicted`: points not measured but predicted (a skipped sweep point), drawn hollow and dashed
 * @param {number[]} o.xs  the sweep points (x ticks)
 */
export function lineChart(o) {
  const W = 610;
  const H = 400;
  const m = { l: 60, r: 26, t: 34, b: 92 };
  const iw = W - m.l - m.r;
  const ih = H - m.t - m.b;
  const [lo, hi] = logRange(o.series.flatMap((s) => [...s.points, ...(s.predicted ?? [])].map((p) => p[1])));
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
    const color = colorOf(s.id);
    const width = s.id === 'ours-auto' ? 3 : 1.8;
    out.push(`<polyline fill="none" stroke="${color}" stroke-width="${width}" points="${pts.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pts) {
      out.push(`<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3.2" fill="${color}"><title>${esc(`${labelOf(s.id)} @ ${p[0]}: ${fmtNum(p[1])} ${o.yLabel}`)}</title></circle>`);
    }
  }
  for (const s of o.series) {
    const pred = (s.predicted ?? []).filter((p) => p[1] > 0 && Number.isFinite(p[1]));
    if (!pred.length) continue;
    const color = colorOf(s.id);
    const last = s.points.filter((p) => p[1] > 0 && Number.isFinite(p[1]) && p[0] < /** @type {[number, number]} */ (pred[0])[0]).at(-1);
    const line = last ? [last, ...pred] : pred;
    if (line.length > 1) out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.4" stroke-dasharray="4 3" points="${line.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}"/>`);
    for (const p of pred) {
      out.push(`<circle cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="3.4" fill="#fff" stroke="${color}" stroke-width="1.5"><title>${esc(`${labelOf(s.id)} @ ${p[0]}: predicted ${fmtNum(p[1])} ${o.yLabel}, not run (over the per-run limit)`)}</title></circle>`);
    }
  }
  // Two-row legend.
  const ids = o.series.filter((s) => s.points.length).map((s) => s.id);
  const half = Math.ceil(ids.length / 2);
  out.push(legend(ids.slice(0, half), m.l - 40, H - 28), legend(ids.slice(half), m.l - 40, H - 8));
  out.push('</svg>');
  return out.join('\n');
}
