// @ts-check
/**
 * Presenting results: console tables and a self-contained HTML report (inline SVG charts, no
 * scripts or network). Shared by Node (written to bench/results/) and the browser page (shown in place).
 */
export { COLORS, adapterName, esc, fmtNum, resultFileStem } from './format.mjs';
export { consoleTables, markdownSummary, markdownSweeps } from './tables.mjs';
export { renderHtml } from './html.mjs';

/** @typedef {import('./suite.mjs').CaseResult} CaseResult */

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
