#!/usr/bin/env node
// @ts-check
/**
 * Re-renders the HTML report (and prints the console tables) of a saved results file, e.g. one
 * committed in bench/results/ (the HTML files are not committed):
 *
 *   node bench/render.mjs bench/results/2026-01-31-llvmpipe.json [more.json…]
 *   node bench/render.mjs --markdown bench/results/*.json   # markdown tables of the shape suite and the sweeps (docs)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { consoleTables, markdownSummary, markdownSweeps, renderHtml } from './lib/report.mjs';

const markdown = process.argv.includes('--markdown');
const files = process.argv.slice(2).filter((a) => a !== '--markdown');
if (!files.length) {
  console.error('usage: node bench/render.mjs [--markdown] RESULTS.json [...]');
  process.exit(2);
}
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if (markdown) {
    console.log(`${markdownSummary(report)}\n\n${markdownSweeps(report)}\n`);
    continue;
  }
  const out = file.replace(/\.json$/, '') + '.html';
  writeFileSync(out, renderHtml(report));
  console.log(consoleTables(report));
  console.log(`\nwrote ${out}`);
}
