#!/usr/bin/env node
// A long editing session against the built language server over stdio (issue 9 item 6, issue 10
// "long sessions"): a copy of a generated workspace is indexed, `--files` files are opened and
// `--edits` edits are made across them in bursts (a hover asked and cancelled after each burst,
// as an editor does when the cursor moves on), then a watcher storm: `--storm` files changed and
// created on disk at once, as by `git checkout`, sent in one workspace/didChangeWatchedFiles, and
// deleted again the same way. The server's own counters (test hook `stats`, protocol/testing.ts)
// say how often the index changed and the diagnostics pass ran, the queued edits and the memory
// (after a GC: the server runs with --expose-gc).
//   node bench/session.mjs [--size medium] [--edits 10000] [--files 50] [--storm 5000] [--burst 25] [--json]
//     [--heap-snapshots DIR]   (heap snapshots of the server after each stage: bench/heap.mjs)
//     [--server PATH]          (another build of server.js, e.g. an earlier commit's, to compare)
// Prints figures (medians, min–max, ratio); with --json one JSON object (test/lsp/session.test.ts).
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import os, { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { arg, listFiles, MANIFEST, SERVER_JS, startServer, stopServer } from './common.mjs';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');
const here = dirname(fileURLToPath(import.meta.url));
const size = arg('size', 'medium');
const EDITS = Number(arg('edits', '10000'));
const FILES = Number(arg('files', '50'));
const STORM = Number(arg('storm', '5000'));
const BURST = Number(arg('burst', '25'));
const asJson = process.argv.includes('--json');
const source = arg('workspace', join(here, '.work', size));

const tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-session-'));
const ws = join(tmp, 'ws');
cpSync(source, ws, { recursive: true });
const all = listFiles(ws, MANIFEST).sort();

const snapDir = arg('heap-snapshots', undefined);
const server = await startServer(ws, size, {
  args: [
    '--expose-gc',
    // bench/heap.mjs: a heap snapshot (after a full GC) of each stage on SIGUSR2, into snapDir
    ...(snapDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapDir}`] : []),
    arg('server', SERVER_JS),
    '--stdio',
  ],
  capabilities: { textDocument: { publishDiagnostics: { versionSupport: true } } },
  initializationOptions: { testHooks: { stats: true } },
  ready: (p) => p.state === 'ready' && p.findings === 'all',
});
const { conn, proc } = server;
const waiters = [];
const published = new Map(); // uri → versions published
conn.onNotification('textDocument/publishDiagnostics', (p) => {
  const l = published.get(p.uri) ?? [];
  l.push(p.version);
  published.set(p.uri, l);
  for (const w of [...waiters])
    if (w.uri === p.uri && p.version === w.version) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
});
const stats = () => conn.sendRequest('netpolLens/test/stats');
const diag = (uri, version) => new Promise((resolve) => waiters.push({ uri, version, resolve }));
/**
 * With `--heap-snapshots DIR`: the server writes a heap snapshot (SIGUSR2, after a full GC) into
 * DIR, renamed `<stage>.heapsnapshot`. Taken after the stage's stats, so its figures are the same
 * as without; the snapshots' own memory shows in the later stages' RSS (bench/heap.mjs reads them).
 */
async function heapSnapshot(stage) {
  if (!snapDir) return;
  const before = new Set(readdirSync(snapDir));
  proc.kill('SIGUSR2');
  let file;
  while (!(file = readdirSync(snapDir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f))))
    await new Promise((r) => setTimeout(r, 50));
  await stats(); // the server's main thread writes the snapshot: this answer comes once it is whole
  renameSync(join(snapDir, file), join(snapDir, `${stage}.heapsnapshot`));
}
const mb = (b) => Math.round(b / 1048576);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await conn.sendNotification('initialized', {});
const indexedMs = (await server.ready) - server.spawnedAt;
const afterIndex = await stats();
await heapSnapshot('after-index');

// ---- the editing session -------------------------------------------------------------------------
const step = Math.max(1, Math.floor(all.length / FILES));
const chosen = all.filter((_, i) => i % step === 0).slice(0, FILES);
const open = chosen.map((path) => {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const line = Math.max(
    0,
    lines.findIndex((l) => /^\s+name: /.test(l)),
  );
  return { uri: pathToFileURL(path).href, lines, line, version: 1, grown: false };
});
for (const f of open) {
  const d = diag(f.uri, 1);
  await conn.sendNotification('textDocument/didOpen', {
    textDocument: { uri: f.uri, languageId: 'yaml', version: 1, text: f.lines.join('\n') },
  });
  await d;
}
const burstMs = [];
let maxQueued = 0;
let hovers = 0;
let hoversCancelled = 0;
let hoversAnswered = 0;
for (let i = 0; i < EDITS;) {
  let last;
  for (let b = 0; b < BURST && i < EDITS; b++, i++) {
    const f = open[i % open.length];
    f.version++;
    const len = (f.lines[f.line] ?? '').length;
    const change = f.grown
      ? {
          range: { start: { line: f.line, character: len - 1 }, end: { line: f.line, character: len } },
          text: '',
        }
      : {
          range: { start: { line: f.line, character: len }, end: { line: f.line, character: len } },
          text: 'x',
        };
    f.lines[f.line] = f.grown ? f.lines[f.line].slice(0, -1) : `${f.lines[f.line]}x`;
    f.grown = !f.grown;
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri: f.uri, version: f.version },
      contentChanges: [change],
    });
    last = f;
  }
  const s = performance.now();
  const d = diag(last.uri, last.version);
  // the cursor moved on: a hover asked and cancelled at once (answered "cancelled" or, if it ran, with a result)
  const source = new rpc.CancellationTokenSource();
  const h = conn
    .sendRequest(
      'textDocument/hover',
      { textDocument: { uri: last.uri }, position: { line: last.line, character: 4 } },
      source.token,
    )
    .then(
      () => hoversAnswered++,
      (e) => {
        if (e?.code === -32800) hoversCancelled++;
        else throw e;
      },
    );
  hovers++;
  source.cancel();
  await d;
  await h;
  burstMs.push(performance.now() - s);
  if (burstMs.length % 20 === 0) maxQueued = Math.max(maxQueued, (await stats()).queued);
}
// every open file's last version is published (the burst's other files may come after its last one)
const arrived = (f) => (published.get(f.uri) ?? []).includes(f.version);
await Promise.all(
  open.map((f) =>
    arrived(f)
      ? undefined
      : Promise.race([diag(f.uri, f.version), new Promise((r) => setTimeout(r, 60_000))]),
  ),
);
const lost = open.filter((f) => !arrived(f)).length;
const afterEdits = await stats();
await heapSnapshot('after-edits');

// ---- the watcher storm -----------------------------------------------------------------------------
const stormDir = join(ws, 'storm');
mkdirSync(stormDir, { recursive: true });
const changed = all.filter((p) => !chosen.includes(p)).slice(0, Math.min(STORM, all.length - chosen.length));
const created = [];
for (let k = 0; changed.length + created.length < STORM; k++) {
  const src = all[k % all.length];
  const dst = join(stormDir, `copy-${k}.yaml`);
  writeFileSync(dst, readFileSync(src, 'utf8').replace(/^(\s+name: .*)$/m, `$1-copy${k}`));
  created.push(dst);
}
for (const p of changed) writeFileSync(p, `${readFileSync(p, 'utf8')}\n# checked out\n`);
const storm = async (events) => {
  const before = await stats();
  const s = performance.now();
  await conn.sendNotification('workspace/didChangeWatchedFiles', { changes: events });
  // done when the pass after the storm has run over the new file count
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const now = await stats();
    if (now.indexChanges > before.indexChanges && now.passes > before.passes && now.queued === 0) {
      await new Promise((r) => setTimeout(r, 300)); // a second batch would show here
      const settled = await stats();
      return {
        ms: performance.now() - s,
        indexChanges: settled.indexChanges - before.indexChanges,
        passes: settled.passes - before.passes,
        files: settled.lastPass?.files,
      };
    }
  }
};
const storm1 = await storm([
  ...changed.map((p) => ({ uri: pathToFileURL(p).href, type: 2 })),
  ...created.map((p) => ({ uri: pathToFileURL(p).href, type: 1 })),
]);
for (const p of created) rmSync(p);
const storm2 = await storm(created.map((p) => ({ uri: pathToFileURL(p).href, type: 3 })));
const afterStorm = await stats();
await heapSnapshot('after-storm');

await stopServer(server);
rmSync(tmp, { recursive: true, force: true });

const result = {
  size,
  files: all.length,
  indexedMs: Math.round(indexedMs),
  edits: EDITS,
  openFiles: open.length,
  burst: BURST,
  burstMs: { median: median(burstMs), min: Math.min(...burstMs), max: Math.max(...burstMs) },
  lostPublications: lost,
  maxQueued,
  hovers,
  hoversCancelled,
  hoversAnswered,
  serverCancelled: afterStorm.cancelled,
  rssMB: {
    afterIndex: mb(afterIndex.rssBytes),
    afterEdits: mb(afterEdits.rssBytes),
    afterStorm: mb(afterStorm.rssBytes),
  },
  heapMB: {
    afterIndex: mb(afterIndex.heapUsedBytes),
    afterEdits: mb(afterEdits.heapUsedBytes),
    afterStorm: mb(afterStorm.heapUsedBytes),
  },
  // after the storms / after indexing, from the bytes (the MB above are rounded)
  ratio: {
    rss: Number((afterStorm.rssBytes / afterIndex.rssBytes).toFixed(3)),
    heap: Number((afterStorm.heapUsedBytes / afterIndex.heapUsedBytes).toFixed(3)),
  },
  heapTotalMB: [afterIndex, afterEdits, afterStorm].map((x) => mb(x.heapTotalBytes ?? 0)),
  externalMB: [afterIndex, afterEdits, afterStorm].map((x) => mb(x.externalBytes ?? 0)),
  units: [afterIndex, afterEdits, afterStorm].map((x) => x.units ?? 0),
  readerKeys: [afterIndex, afterEdits, afterStorm].map((x) => x.readerKeys ?? 0),
  // what the server keeps per file or per settings (test hook `stats`), at each stage
  held: [afterIndex, afterEdits, afterStorm].map(
    ({ files, stores, published, tallied, tracked, reading }) => ({
      files,
      stores,
      published,
      tallied,
      tracked,
      reading,
    }),
  ),
  load: os.loadavg().map((x) => Number(x.toFixed(1))),
  storm: { events: changed.length + created.length, in: storm1, out: storm2 },
};
if (asJson) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const r = result;
  const ratio = (x, y) => (x / y).toFixed(2);
  console.log(`| ${r.size} | ${r.files} files | indexed ${r.indexedMs} ms |`);
  console.log(
    `| edits | ${r.edits} across ${r.openFiles} files, bursts of ${r.burst} | didChange → publish of the burst's last edit: median ${r.burstMs.median.toFixed(0)} ms (${r.burstMs.min.toFixed(0)}–${r.burstMs.max.toFixed(0)}) | lost publications ${r.lostPublications} | max queued ${r.maxQueued} |`,
  );
  console.log(
    `| hovers cancelled by the client | ${r.hovers}: ${r.hoversCancelled} answered "cancelled" (${r.serverCancelled} never ran), ${r.hoversAnswered} had run already |`,
  );
  console.log(
    `| RSS MB | after indexing ${r.rssMB.afterIndex} | after the edits ${r.rssMB.afterEdits} (× ${ratio(r.rssMB.afterEdits, r.rssMB.afterIndex)}) | after the storms ${r.rssMB.afterStorm} (× ${ratio(r.rssMB.afterStorm, r.rssMB.afterIndex)}) | heap ${r.heapMB.afterIndex} → ${r.heapMB.afterEdits} → ${r.heapMB.afterStorm} (× ${r.ratio.heap.toFixed(2)}) |`,
  );
  console.log(
    `| heap committed MB ${r.heapTotalMB.join(' → ')} | external MB ${r.externalMB.join(' → ')} | per-file results ${r.units.join(' → ')} | facts with readers ${r.readerKeys.join(' → ')} | load ${r.load.join(' ')} |`,
  );
  const held = (k) => r.held.map((h) => h[k]).join(' → ');
  console.log(
    `| held per file | index ${held('files')} | stores ${held('stores')} | published ${held('published')} | status counts ${held('tallied')} | on disk ${held('tracked')} | reads in flight ${held('reading')} |`,
  );
  console.log(
    `| watcher storm | ${r.storm.events} changes at once: ${r.storm.in.indexChanges} index change, ${r.storm.in.passes} diagnostics pass, ${r.storm.in.ms.toFixed(0)} ms | deleted again: ${r.storm.out.indexChanges} index change, ${r.storm.out.passes} pass, ${r.storm.out.ms.toFixed(0)} ms |`,
  );
}
process.exit(0);
