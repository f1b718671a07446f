#!/usr/bin/env node
/**
 * Removes dist/ so that `npm pack` / `npm publish` (the `prepack` script: clean, then build) ship
 * only what the current sources compile to, never files left behind by renamed or deleted modules.
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

rmSync(fileURLToPath(new URL('../dist/', import.meta.url)), { recursive: true, force: true });
