#!/usr/bin/env node
// The keystroke anchor: yaml-language-server (devDependency) over stdio with its debounce removed
// (bench/no-debounce.cjs), no schema, on the same 200-line file bench/lsp.mjs edits. Times
// start → initialize result, didOpen → publishDiagnostics and N didChange edits (append / remove
// one character at the end of a `name:` line) → publishDiagnostics; the server's peak RSS (VmHWM).
// Prints one JSON line: {startMs, openMs, editMs: [...], hwmMB, version}.
//   node bench/yls.mjs [--size medium] [--edits 20] [--debounce] (keep its 200 ms debounce)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { keystroke, keystrokeInputs, peakRssMb, startServer, stopServer } from './common.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const { size, edits, ws, file, uri, text } = keystrokeInputs();
const lines = text.split('\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const yls = join(
  dirname(require.resolve('yaml-language-server/package.json')),
  'bin',
  'yaml-language-server',
);
const nodeArgs = process.argv.includes('--debounce')
  ? [yls, '--stdio']
  : ['-r', join(here, 'no-debounce.cjs'), yls, '--stdio'];
// no schema, no network
const settings = {
  yaml: {
    validate: true,
    hover: true,
    completion: true,
    format: { enable: false },
    schemas: {},
    schemaStore: { enable: false },
    customTags: [],
    yamlVersion: '1.2',
  },
};
const server = await startServer(dirname(file), size, {
  args: nodeArgs,
  workspaceFolders: null,
  capabilities: {
    workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
    textDocument: { publishDiagnostics: { versionSupport: true } },
  },
  initializationOptions: {},
  requests: {
    'workspace/configuration': (p) =>
      p.items.map((it) => (it.section === 'yaml' ? settings.yaml : it.section ? null : settings)),
  },
});
const startMs = performance.now() - server.spawnedAt;
const { conn, init } = server;
let waiter;
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  if (waiter && p.uri === uri) {
    const w = waiter;
    waiter = undefined;
    w(performance.now());
  }
});
const diag = () => new Promise((r) => (waiter = r));
await conn.sendNotification('initialized', {});
await conn.sendNotification('workspace/didChangeConfiguration', { settings });
await sleep(500); // the configuration settles (it re-validates open documents)
let s = performance.now();
let d = diag();
await conn.sendNotification('textDocument/didOpen', {
  textDocument: { uri, languageId: 'yaml', version: 1, text },
});
const openMs = (await d) - s;
await sleep(300);
const editMs = [];
for (let i = 0, version = 1; i < edits; i++) {
  version++;
  const change = keystroke(lines, i);
  s = performance.now();
  d = diag();
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [change],
  });
  editMs.push((await d) - s);
  await sleep(20);
}
const hwmMB = peakRssMb(server.proc.pid);
await stopServer(server);
console.log(
  JSON.stringify({
    startMs,
    openMs,
    editMs,
    hwmMB,
    version: init.serverInfo?.version,
    file: file.slice(ws.length + 1),
  }),
);
process.exit(0);
