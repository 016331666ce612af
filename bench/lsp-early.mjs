// Issue 9 target 1, nothing false while indexing: a fresh server (no facts cache) on a generated
// workspace, a policy file opened the moment `initialized` is sent (as an editor restoring its tabs
// does), and a hover on its podSelector asked as soon as its first diagnostics arrive. Timed from
// `initialized`: the policy file's first diagnostics, the first that hold every finding of it that
// needs only that file (limit ≤ 1 s on large), the index complete (the `ready` status). What was published before the index is judged against the check catalogue
// (core ALL_CODES): a code whose scope is not `file` depends on other files and must not come
// early; nor may an early diagnostic vanish once the workspace is indexed. The hover must say the
// workspace is being indexed instead of what the policy selects. Prints one JSON line:
// { size, file, runs: [{ firstMs, fileScopedMs, readyMs, early, late, wrongEarly, vanished,
//   hoverIndexing, hover }], load }.
//   node bench/lsp-early.mjs [--size large] [--reps 5]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { arg, listFiles, MANIFEST, startServer, stopServer } from './common.mjs';

const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));
const size = arg('size', 'large');
const reps = Number(arg('reps', '5'));
const ws = join(here, '.work', size);
if (!existsSync(ws)) {
  console.error(`bench: no workspace ${ws}: run bench/run.mjs (or bench/gen-workspace.mjs) first`);
  process.exit(2);
}
const core = require('../out/server/src/core/index.js');
const fileScoped = new Set(core.ALL_CODES.filter((c) => c.scope === 'file').map((c) => c.code));

// the policy file to open: the first (sorted) that `check` gives a finding needing other files
// (and one it alone gives, if any has both), so that the early publication shows what it leaves out
const checked = spawnSync(
  process.execPath,
  [join(here, '..', 'server', 'dist', 'cli.js'), 'check', ws, '--format', 'json'],
  {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  },
);
const byFile = new Map();
for (const f of JSON.parse(checked.stdout || '[]'))
  byFile.set(f.path, [...(byFile.get(f.path) ?? []), f.code]);
const files = listFiles(ws, MANIFEST).sort();
const policyFiles = files.filter((f) => /kind: NetworkPolicy/.test(readFileSync(f, 'utf8')));
const codesOf = (f) =>
  byFile.get(relative(ws, f).split(sep).join('/')) ?? byFile.get(relative(process.cwd(), f)) ?? [];
const crossFile = (f) => codesOf(f).some((c) => !fileScoped.has(c));
const file =
  policyFiles.find((f) => crossFile(f) && codesOf(f).some((c) => fileScoped.has(c))) ??
  policyFiles.find(crossFile) ??
  policyFiles[0] ??
  files[0];
const text = readFileSync(file, 'utf8');
const uri = pathToFileURL(file).href;
const lines = text.split('\n');
const psLine = Math.max(
  0,
  lines.findIndex((l) => /^\s*podSelector:/.test(l)),
);
const psChar = lines[psLine].indexOf('podSelector') + 2;
const key = (d) => `${d.code} ${d.range.start.line}:${d.range.start.character} ${d.message}`;

async function once() {
  let indexing = true;
  const server = await startServer(ws, size);
  const { conn } = server;
  // one handler per method (it replaces startServer's): the ready time is kept here. The index is
  // complete at the log line "Indexed N files in …", sent before the pass that follows it (whose
  // publications come before its `ready` status)
  let readyAt;
  const gotReady = new Promise((r) => (readyAt = r));
  let ready = false;
  conn.onNotification('netpolLens/status', (p) => {
    if (p.state === 'ready' && !indexing && !ready) {
      ready = true;
      readyAt(performance.now());
    }
  });
  conn.onNotification('window/logMessage', (p) => {
    if (/^Indexed \d+ files? in /.test(p.message)) indexing = false;
  });
  const published = [];
  let first;
  const gotFirst = new Promise((r) => (first = r));
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri !== uri) return;
    const at = performance.now();
    published.push({ at, indexing, diagnostics: p.diagnostics });
    if (published.length === 1) first(at);
  });
  const t0 = performance.now();
  await conn.sendNotification('initialized', {});
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'yaml', version: 1, text },
  });
  const firstAt = await gotFirst;
  const hoverWhileIndexing = indexing;
  const hover = await conn.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: psLine, character: psChar },
  });
  const readyAtMs = await gotReady;
  const early = published.filter((p) => p.indexing).flatMap((p) => p.diagnostics);
  // what the file has once indexed: the last publication (the pass after the index publishes it
  // again only if its list changed)
  const lateList = published.at(-1)?.diagnostics ?? [];
  const late = new Set(lateList.map(key));
  // when the file's findings that need only it were all published (its first diagnostics if none)
  const wanted = lateList.filter((d) => fileScoped.has(String(d.code))).map(key);
  const complete = published.find((p) => {
    const have = new Set(p.diagnostics.map(key));
    return wanted.every((k) => have.has(k));
  });
  const hoverText = JSON.stringify(hover?.contents ?? '');
  await stopServer(server, 2000);
  return {
    firstMs: firstAt - t0,
    fileScopedMs: complete ? complete.at - t0 : null,
    fileScopedWhileIndexing: complete?.indexing ?? false,
    readyMs: readyAtMs - t0,
    firstWhileIndexing: published[0]?.indexing ?? false,
    early: [...new Set(early.map((d) => String(d.code)))].sort(),
    late: [...new Set(lateList.map((d) => String(d.code)))].sort(),
    wrongEarly: early.filter((d) => !fileScoped.has(String(d.code))).map(key),
    vanished: early.filter((d) => !late.has(key(d))).map(key),
    hoverWhileIndexing,
    hoverIndexing: hoverWhileIndexing
      ? /index/i.test(hoverText) && !/selects no pods/i.test(hoverText)
      : null,
    hover: hoverText.slice(0, 200),
  };
}

const runs = [];
for (let r = 0; r < reps; r++) runs.push(await once());
console.log(
  JSON.stringify({
    size,
    file: file.slice(ws.length + 1),
    runs,
    load: os.loadavg().map((x) => Math.round(x * 10) / 10),
  }),
);
