#!/usr/bin/env node
// @ts-check
/**
 * Copies the bench's results file to its final name in $OUT and records the commit the pack was
 * built from: the device machine has no git, so bench/run.mjs writes `versions.commit: 'unknown'`.
 * Part of the device pack (scripts/device-pack.mjs); run from its root:
 *
 *   node finish-results.mjs SRC.json DEST.json
 */
import { readFileSync, writeFileSync } from 'node:fs';

const [src, dest] = process.argv.slice(2);
if (!src || !dest) {
  console.error('usage: node finish-results.mjs SRC.json DEST.json');
  process.exit(2);
}
const report = JSON.parse(readFileSync(src, 'utf8'));
/** @type {{ commit?: string, packedAt?: string }} */
let pack = {};
try {
  pack = JSON.parse(readFileSync(new URL('./pack-info.json', import.meta.url), 'utf8'));
} catch {
  // no pack-info.json: leave the commit as the bench found it
}
report.versions ??= {};
if ((!report.versions.commit || report.versions.commit === 'unknown') && pack.commit) report.versions.commit = pack.commit;
report.config ??= {};
report.config.devicePack = pack.packedAt ?? true;
writeFileSync(dest, `${JSON.stringify(report, null, 1)}\n`);
console.log(`finish-results: ${dest} (commit ${report.versions.commit})`);
