#!/usr/bin/env node
// Writes what the check definitions contribute to hand-edited files: the `netpolLens.checks`
// setting schema in package.json and the code table of docs/checks.md (server/src/core/checks/
// contributions.ts). `--check` writes nothing and exits 1 when a file is stale.
// Usage: npm run gen:contributions [-- --check]
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = await build({
  entryPoints: [join(root, 'server/src/core/checks/contributions.ts')],
  bundle: true,
  write: false,
  format: 'cjs',
  platform: 'node',
  logLevel: 'error',
});
const mod = { exports: {} };
new Function('module', 'exports', 'require', bundle.outputFiles[0].text)(
  mod,
  mod.exports,
  createRequire(import.meta.url),
);
const { checksSettingSchema, checksDocTable, CHECKS_TABLE_BEGIN, CHECKS_TABLE_END } = mod.exports;

const pkgPath = join(root, 'package.json');
const pkgText = readFileSync(pkgPath, 'utf8');
const pkg = JSON.parse(pkgText);
pkg.contributes.configuration.properties['netpolLens.checks'] = checksSettingSchema();
const newPkg = JSON.stringify(pkg, null, 2) + '\n';

const docPath = join(root, 'docs/checks.md');
const docText = readFileSync(docPath, 'utf8');
const begin = docText.indexOf(CHECKS_TABLE_BEGIN);
const end = docText.indexOf(CHECKS_TABLE_END);
if (begin < 0 || end < begin) {
  console.error(
    `docs/checks.md: the markers of the generated table are missing:\n${CHECKS_TABLE_BEGIN}\n${CHECKS_TABLE_END}`,
  );
  process.exit(2);
}
const newDoc = docText.slice(0, begin) + checksDocTable() + docText.slice(end + CHECKS_TABLE_END.length);

const check = process.argv.includes('--check');
let stale = 0;
for (const [path, before, after] of [
  [pkgPath, pkgText, newPkg],
  [docPath, docText, newDoc],
]) {
  if (before === after) continue;
  stale++;
  if (check) console.error(`${path} is stale`);
  else {
    writeFileSync(path, after);
    console.log(`wrote ${path}`);
  }
}
if (check && stale) process.exit(1);
