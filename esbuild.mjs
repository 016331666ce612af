// Bundles every entry (contracts.md): server/dist/{server,cli}.js, client/dist/extension.js,
// client/dist/webview.js. Flags: --production (minify, no sourcemaps), --watch.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// The `yaml` package's own ESM build (its `browser/` folder, the same sources as its CommonJS
// `dist/`) for the Node bundles too: the CommonJS parser reads `process.env.LOG_TOKENS` for every
// lexical token (and the composer `LOG_STREAM` for every document), a native call that cost about
// half of the parse of the large bench workspace; the ESM build has no such debug hooks. Only the
// logging of the package's own warnings differs (console.warn instead of process.emitWarning).
const yamlDir = dirname(createRequire(import.meta.url).resolve('yaml/package.json'));
const yamlEsm = join(yamlDir, 'browser', 'index.js');

const node = {
  bundle: true,
  alias: { yaml: yamlEsm },
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  external: ['vscode'],
};

const entries = [
  { ...node, entryPoints: ['server/src/lsp/main.ts'], outfile: 'server/dist/server.js' },
  {
    ...node,
    entryPoints: ['server/src/cli/main.ts'],
    outfile: 'server/dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
  },
  { ...node, entryPoints: ['client/src/extension.ts'], outfile: 'client/dist/extension.js' },
  {
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
    entryPoints: ['client/webview/main.ts'],
    outfile: 'client/dist/webview.js',
  },
].filter((e) => existsSync(e.entryPoints[0]));

if (watch) {
  for (const e of entries) (await esbuild.context(e)).watch();
  console.log(`[esbuild] watching ${entries.length} bundles`);
} else {
  await Promise.all(entries.map((e) => esbuild.build(e)));
  console.log(`[esbuild] built ${entries.map((e) => e.outfile).join(', ')}`);
}
