// @ts-check
/**
 * Formatting shared by the console tables and the HTML report: times, numbers, ratios, figures
 * over runs ("median (min–max)"), status cells, adapter names, result file names.
 */
export { COLORS, LABELS, colorOf, labelOf, shortOf } from './contenders.mjs';

/** @typedef {import('./report.mjs').Report} Report */
/** @typedef {import('./summary.mjs').Spread} Spread */
/** @typedef {{ status: import('./timing.mjs').Status, reason?: string }} HasStatus */

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
export function fmtRatio(v) {
  if (v === undefined || !Number.isFinite(v)) return '—';
  return `${fmtNum(v)}×`;
}

/** @param {number | undefined} ms */
export function fmtMs(ms) {
  if (ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  return `${fmtMsIn(ms)}ms`;
}

/**
 * A time in ms, without its unit, digits as in `fmtMs`.
 * @param {number} ms
 */
function fmtMsIn(ms) {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

/**
 * A time over runs: "8.19ms (7.89–9.10)", the range in the median's unit; the bare median when one
 * run has it.
 * @param {Spread | undefined} sp
 */
export function fmtMsSpread(sp) {
  if (!sp) return '—';
  if (sp.n < 2) return fmtMs(sp.median);
  if (sp.median >= 1000) return `${fmtMs(sp.median)} (${(sp.min / 1000).toFixed(2)}–${(sp.max / 1000).toFixed(2)})`;
  return `${fmtMs(sp.median)} (${fmtMsIn(sp.min)}–${fmtMsIn(sp.max)})`;
}

/**
 * A ratio over runs: "212× (180–240)"; the bare median when one run has it.
 * @param {Spread | undefined} sp
 */
export function fmtRatioSpread(sp) {
  if (!sp) return '—';
  if (sp.n < 2) return fmtRatio(sp.median);
  return `${fmtRatio(sp.median)} (${fmtNum(sp.min)}–${fmtNum(sp.max)})`;
}

/** How a status other than 'ok' shows in a table cell. */
const STATUS_TEXT = /** @type {Record<string, string>} */ ({ wrong: 'WRONG', failed: 'failed', skipped: 'skipped', unsupported: 'n/a', 'not-applicable': 'n/a' });

/**
 * A table cell: `ok(x)` when x has a result, else its status ('n/a', 'skipped', 'WRONG'…).
 * @template {HasStatus} T
 * @param {T | undefined} x
 * @param {(x: T) => string} ok
 */
export function cell(x, ok) {
  if (!x) return '—';
  if (x.status === 'ok') return ok(x);
  return STATUS_TEXT[x.status] ?? x.status;
}

/** @param {unknown} s */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (ch) => /** @type {Record<string, string>} */ ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);
}

/**
 * An HTML table cell: `ok(x)` when x has a result, else its status with the reason on hover.
 * @template {HasStatus} T
 * @param {T | undefined} x
 * @param {(x: T) => string} ok
 */
export function statusCell(x, ok) {
  if (!x) return '—';
  if (x.status === 'ok') return ok(x);
  return `<span title="${esc(x.reason ?? '')}">${esc(STATUS_TEXT[x.status] === 'n/a' ? 'n/a' : x.status)}</span>`;
}

/**
 * "over 3 runs" / "1 run" — how many runs of the suite the figures summarise.
 * @param {number} n
 */
export function runsText(n) {
  return n === 1 ? '1 run' : `${n} runs`;
}
