#!/usr/bin/env node
// The keystroke anchor: yaml-language-server (devDependency) over stdio with its debounce removed
// (bench/no-debounce.cjs), no schema, on the same 200-line file bench/lsp.mjs edits. Times
// start → initialize result, didOpen → publishDiagnostics and N didChange edits (append / remove
// one character at the end of a `name:` line) → publishDiagnostics; the server's peak RSS (VmHWM).
// Prints one JSON line: {startMs, openMs, editMs: [...], hwmMB, version}.
//   node bench/yls.mjs [--size medium] [--edits 20] [--debounce] (keep its 200 ms debounce)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { arg, keystrokeFile, listFiles } from './common.mjs';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');
const here = dirname(fileURLToPath(import.meta.url));
const size = arg('size', 'medium');
const edits = Number(arg('edits', '20'));
const ws = join(here, '.work', size);
// the file bench/lsp.mjs and bench/yls.mjs both edit
const all = listFiles(ws).sort();
const file = keystrokeFile(all);
const uri = pathToFileURL(file).href;
const text = readFileSync(file, 'utf8');
const lines = text.split('\n');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const server = join(
  dirname(require.resolve('yaml-language-server/package.json')),
  'bin',
  'yaml-language-server',
);
const nodeArgs = process.argv.includes('--debounce')
  ? [server, '--stdio']
  : ['-r', join(here, 'no-debounce.cjs'), server, '--stdio'];
const t0 = performance.now();
const proc = spawn(process.execPath, nodeArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
const conn = rpc.createMessageConnection(
  new rpc.StreamMessageReader(proc.stdout),
  new rpc.StreamMessageWriter(proc.stdin),
);
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
conn.onRequest('workspace/configuration', (p) =>
  p.items.map((it) => (it.section === 'yaml' ? settings.yaml : it.section ? null : settings)),
);
conn.onRequest(() => null);
conn.onNotification('window/logMessage', () => {});
let waiter;
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  if (waiter && p.uri === uri) {
    const w = waiter;
    waiter = undefined;
    w(performance.now());
  }
});
const diag = () => new Promise((r) => (waiter = r));
conn.listen();
const init = await conn.sendRequest('initialize', {
  processId: process.pid,
  rootUri: pathToFileURL(dirname(file)).href,
  workspaceFolders: null,
  capabilities: {
    workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
    textDocument: { publishDiagnostics: { versionSupport: true } },
  },
  initializationOptions: {},
});
const startMs = performance.now() - t0;
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
const nameLine = lines.findIndex((l) => /^\s+name: /.test(l));
const editMs = [];
for (let i = 0, version = 1; i < edits; i++) {
  version++;
  const len = lines[nameLine].length + (i % 2 === 0 ? 0 : 1);
  const change =
    i % 2 === 0
      ? {
          range: { start: { line: nameLine, character: len }, end: { line: nameLine, character: len } },
          text: 'x',
        }
      : {
          range: { start: { line: nameLine, character: len - 1 }, end: { line: nameLine, character: len } },
          text: '',
        };
  s = performance.now();
  d = diag();
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [change],
  });
  editMs.push((await d) - s);
  await sleep(20);
}
const status = readFileSync(`/proc/${proc.pid}/status`, 'utf8');
const hwmMB = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
await conn.sendRequest('shutdown');
await conn.sendNotification('exit');
proc.kill();
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
