#!/usr/bin/env node
// The language server's warm start (issue 9 target 5): server/dist/server.js --stdio on a generated
// workspace with its facts cache in bench/.work/<size>.server-cache (`initializationOptions.cacheDir`,
// as the extension passes its storage folder). One cold start fills the cache (timed too), then
// `--reps` fresh servers start warm. Each is timed from `initialized` to the index being complete
// (the server's log line "Indexed N files in … ms: K from the facts cache, M read", which it sends
// before the first full diagnostics pass) and to the end of that pass (the `ready` status).
// The diagnostics published by the end of the first pass (a SHA-256 over every file's) must be the
// same cold and warm. Prints one JSON line: { size, cold, warm: [{indexedMs, readyMs, cached, read,
// hwmMB, diagnostics, sha}], identical, load }.
//   node bench/lsp-warm.mjs [--size large] [--reps 5] [--node-args '--cpu-prof --cpu-prof-dir=DIR']
// --node-args: Node options for the warm servers (split on spaces), to profile one or try V8 flags;
// --server: another build's server.js (an A/B of two commits in the same minutes).
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, peakRssMb, SERVER_JS, startServer, stopServer } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const size = arg('size', 'large');
const reps = Number(arg('reps', '5'));
const ws = join(here, '.work', size);
const cacheDir = join(here, '.work', `${size}.server-cache`);
const nodeArgs = arg('node-args', '').split(' ').filter(Boolean);
const serverJs = arg('server', SERVER_JS);
const INDEXED = /^Indexed (\d+) files? in (\d+) ms(?:: (\d+) from the facts cache, (\d+) read)?\./;

async function once(warm) {
  const server = await startServer(ws, size, {
    initializationOptions: { cacheDir },
    args: [...(warm ? nodeArgs : []), serverJs, '--stdio'],
  });
  const { conn, proc } = server;
  // the latest diagnostics of every file: cold and warm must publish the same
  const diagnostics = new Map();
  conn.onNotification('textDocument/publishDiagnostics', (p) => diagnostics.set(p.uri, p.diagnostics));
  let indexed;
  const gotIndexed = new Promise((resolve) => {
    conn.onNotification('window/logMessage', (p) => {
      const m = INDEXED.exec(p.message);
      if (m && !indexed) {
        indexed = {
          t: performance.now(),
          files: Number(m[1]),
          cached: Number(m[3] ?? 0),
          read: Number(m[4] ?? m[1]),
        };
        resolve();
      }
    });
  });
  const t0 = performance.now();
  await conn.sendNotification('initialized', {});
  await gotIndexed;
  const ready = await server.ready;
  const hwmMB = peakRssMb(proc.pid);
  const h = createHash('sha256');
  for (const uri of [...diagnostics.keys()].sort())
    h.update(`${uri}\0${JSON.stringify(diagnostics.get(uri))}\0`);
  // shutdown writes what the debounce has not written yet (the cold start's cache is written after its index)
  await stopServer(server, 30000);
  return {
    indexedMs: indexed.t - t0,
    readyMs: ready - t0,
    files: indexed.files,
    cached: indexed.cached,
    read: indexed.read,
    hwmMB,
    diagnostics: [...diagnostics.values()].reduce((n, d) => n + d.length, 0),
    sha: h.digest('hex').slice(0, 12),
  };
}

rmSync(cacheDir, { recursive: true, force: true });
const cold = await once(false);
const warm = [];
for (let r = 0; r < reps; r++) warm.push(await once(true));
console.log(
  JSON.stringify({
    size,
    cold,
    warm,
    identical: warm.every((w) => w.sha === cold.sha),
    load: os.loadavg().map((x) => Number(x.toFixed(1))),
  }),
);
process.exit(0);
