#!/usr/bin/env node
// Removes compiled files in out/ whose TypeScript source is gone (a renamed or deleted test would
// otherwise still run from out/: `tsc -b` never deletes outputs). out/<path>.{js,js.map,d.ts,d.ts.map}
// is kept while <path>.ts exists. Cheap: one directory walk. Used by `npm run test:unit`.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'out');
const OUTPUT = /\.(?:js|js\.map|d\.ts|d\.ts\.map)$/;
let removed = 0;

function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (OUTPUT.test(e.name)) {
      const source = join(root, relative(out, p)).replace(OUTPUT, '.ts');
      if (!existsSync(source)) {
        rmSync(p);
        removed++;
      }
    }
  }
}

if (existsSync(out)) walk(out);
if (removed) console.log(`[prune-out] removed ${removed} compiled file(s) without a source`);
