#!/usr/bin/env node
// Language-server latency, comparable with the yaml-language-server anchor (perf-anchors.md 3b):
// start server/dist/server.js --stdio on a generated workspace, wait until it is indexed, open
// one 200-line file, then make N edits (append / remove one character at the end of a `name:`
// line) and time each didChange → the matching publishDiagnostics. Prints medians and p95.
//   node bench/lsp.mjs [--size small|medium|large] [--edits 20]
// With --startup: open a policy file right after `initialized` (as an editor restoring its tabs
// does) and time initialized → its first diagnostics (the findings that need only the file, while
// the workspace is indexed), → the index complete (status ready), → its complete findings.
// Prints | size | files | opened at | first diagnostics (codes) | ready | complete (codes) | file |,
// times in ms after initialized.
//   node bench/lsp.mjs --startup [--size large] [--open-at MS] [--file REL]
// With --namespace-edit [--open 20]: a Namespace's labels that ~500 policies read (namespaceEdit below).
// With --cpu-prof DIR the server runs under `node --cpu-prof` (profile written into DIR when it
// exits) and the time window of the edits is printed, for bench/profile.mjs --window.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import os from 'node:os';
import { arg, keystroke, keystrokeInputs, SERVER_JS, startServer, stopServer } from './common.mjs';

const { size, edits, ws, all, file, uri, text } = keystrokeInputs();

if (process.argv.includes('--startup')) {
  await startup();
  process.exit(0);
}
if (process.argv.includes('--namespace-edit')) {
  await namespaceEdit();
  process.exit(0);
}

/**
 * --namespace-edit: the Namespace kube-system (whose labels the policies selecting it by name, and
 * those with `env NotIn [dev]` peers, read: about 500 policies on large) is opened with `--open N`
 * policy files of each kind, and its `env` label switched between prod and dev. Times didChange →
 * the end of the pass that republishes the affected files: a `stats` request (test hook) sent when
 * the Namespace file's own diagnostics arrive is answered after the pass, which runs at once.
 * Prints | size | edits | median (min–max) | p95 | files re-checked | open files republished per edit |.
 */
async function namespaceEdit() {
  const nsFile = all.find((f) => f.endsWith('/kube-system/namespace.yaml'));
  const nsUri = pathToFileURL(nsFile).href;
  const nsText = readFileSync(nsFile, 'utf8');
  const n = Number(arg('open', '20'));
  const byName = all.filter((f) =>
    /kubernetes\.io\/metadata\.name: kube-system/.test(readFileSync(f, 'utf8')),
  );
  const byEnv = all.filter((f) => /key: env\s+operator: NotIn/.test(readFileSync(f, 'utf8')));
  const opened = [...new Set([...byName.slice(0, n), ...byEnv.slice(0, n)])].filter((f) => f !== nsFile);
  const server = await startServer(ws, size, {
    capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
    initializationOptions: { testHooks: { stats: true } },
    ready: (p) => p.state === 'ready' && p.findings === 'all',
  });
  const { conn } = server;
  const openUris = new Set(opened.map((f) => pathToFileURL(f).href));
  let republished = 0;
  let nsWaiter;
  const pending = new Map();
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (openUris.has(p.uri)) {
      republished++;
      pending.get(p.uri)?.();
    }
    if (p.uri === nsUri && nsWaiter && p.version === nsWaiter.version) nsWaiter.resolve();
  });
  await conn.sendNotification('initialized', {});
  await server.ready;
  for (const f of opened) {
    const uri = pathToFileURL(f).href;
    const got = new Promise((r) => pending.set(uri, r));
    await conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text: readFileSync(f, 'utf8') },
    });
    await got;
    pending.delete(uri);
  }
  let version = 1;
  let nsP = new Promise((resolve) => (nsWaiter = { version, resolve }));
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri: nsUri, languageId: 'yaml', version, text: nsText },
  });
  await nsP;
  const lines = nsText.split('\n');
  const envLine = lines.findIndex((l) => /^\s+env: /.test(l));
  const times = [];
  const reruns = [];
  const counts = [];
  for (let i = 0; i < edits; i++) {
    version++;
    const from = i % 2 === 0 ? 'prod' : 'dev';
    const to = i % 2 === 0 ? 'dev' : 'prod';
    const col = lines[envLine].indexOf(from);
    lines[envLine] = lines[envLine].replace(from, to);
    republished = 0;
    const t = performance.now();
    nsP = new Promise((resolve) => (nsWaiter = { version, resolve }));
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: nsUri, version },
      contentChanges: [
        {
          range: {
            start: { line: envLine, character: col },
            end: { line: envLine, character: col + from.length },
          },
          text: to,
        },
      ],
    });
    await nsP;
    const st = await conn.sendRequest('netpolLens/test/stats');
    times.push(performance.now() - t);
    reruns.push(st.lastPass?.rerun ?? 0);
    counts.push(republished);
  }
  await stopServer(server);
  const sorted = [...times].sort((a, b) => a - b);
  const med = sorted[Math.floor(sorted.length / 2)];
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
  console.log(
    `| ${size} | ${edits} | ${med.toFixed(0)} (${sorted[0].toFixed(0)}–${sorted[sorted.length - 1].toFixed(0)}) | ${p95.toFixed(0)} | ${Math.min(...reruns)}–${Math.max(...reruns)} | ${Math.min(...counts)}–${Math.max(...counts)} of ${opened.length} | load ${os
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} |`,
  );
}

async function startup() {
  // a policy file with an allow-all rule: egress-to-metadata-endpoint needs only the file, egress-allows-all the workspace
  const policy = arg('file')
    ? join(ws, arg('file'))
    : (all.find((f) => f.includes('/network-policies/') && /^\s*- \{\}/m.test(readFileSync(f, 'utf8'))) ??
      all[0]);
  const puri = pathToFileURL(policy).href;
  const ptext = readFileSync(policy, 'utf8');
  const server = await startServer(ws, size, {
    capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
  });
  const { conn } = server;
  const pubs = [];
  conn.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri !== puri) return;
    pubs.push({ t: performance.now(), codes: p.diagnostics.map((d) => d.code) });
  });
  const tInit = performance.now();
  await conn.sendNotification('initialized', {});
  // --open-at MS: open it that long after initialized instead (mid-indexing)
  const openAt = Number(arg('open-at', '0'));
  if (openAt > 0) await new Promise((r) => setTimeout(r, openAt));
  const tOpen = performance.now();
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri: puri, languageId: 'yaml', version: 1, text: ptext },
  });
  const tReady = await server.ready;
  // the pass after the index publishes before the ready status; its list is the complete one
  const first = pubs[0];
  const complete = [...pubs].reverse().find((p) => p.t <= tReady) ?? pubs[pubs.length - 1];
  // a list the index did not change is not sent again: it was complete at ready
  const tComplete = complete === first ? tReady : complete?.t;
  await stopServer(server);
  const ms = (t) => (t === undefined ? '–' : (t - tInit).toFixed(0));
  const list = (p) => (p ? `${p.codes.length ? [...new Set(p.codes)].sort().join(', ') : 'none'}` : '–');
  console.log(
    `| ${size} | ${all.length} | ${(tOpen - tInit).toFixed(0)} | ${ms(first?.t)} (${list(first)}) | ${ms(tReady)} | ${ms(tComplete)} (${list(complete)}) | ${policy.slice(ws.length + 1)} |`,
  );
}

const profDir = arg('cpu-prof');
const server = await startServer(ws, size, {
  args: [...(profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []), SERVER_JS, '--stdio'],
  capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
});
const tInit = performance.now();
const t0 = server.spawnedAt;
const { conn } = server;
const waiters = [];
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  for (const w of [...waiters])
    if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
});
await conn.sendNotification('initialized', {});
await server.ready;
const tReady = performance.now();
const diag = (version) => new Promise((resolve) => waiters.push({ uri, version, resolve }));
let version = 1;
let s = performance.now();
let d = diag(version);
await conn.sendNotification('textDocument/didOpen', {
  textDocument: { uri, languageId: 'yaml', version, text },
});
await d;
const open = performance.now() - s;
const tEdits = performance.now();
const lines = text.split('\n');
const times = [];
for (let i = 0; i < edits; i++) {
  version++;
  const change = keystroke(lines, i);
  s = performance.now();
  d = diag(version);
  await conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version },
    contentChanges: [change],
  });
  await d;
  times.push(performance.now() - s);
}
const tEnd = performance.now();
// the profile is written when the server exits by itself
await stopServer(server, profDir ? 30000 : 0);
if (profDir)
  console.log(
    `edits: the last ${(tEnd - tEdits).toFixed(0)} ms before shutdown (--window ${(tEnd - tEdits).toFixed(0)})`,
  );
times.sort((a, b) => a - b);
const med = times[Math.floor(times.length / 2)];
const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))];
console.log(
  `| ${size} | ${(tInit - t0).toFixed(0)} | ${(tReady - tInit).toFixed(0)} | ${open.toFixed(0)} | ${med.toFixed(0)} (p95 ${p95.toFixed(0)}, ${times[0].toFixed(0)}–${times[times.length - 1].toFixed(0)}, ${times.length} edits) | ${file.slice(ws.length + 1)}, ${lines.length} lines | load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')} |`,
);
process.exit(0);
