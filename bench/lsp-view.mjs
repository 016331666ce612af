#!/usr/bin/env node
// The reachability view through the language server, as the webview asks for it: start
// server/dist/server.js --stdio on a generated workspace, wait until it is indexed, then time
// `netpolLens/reachability` requests: `{}` (beyond REACHABILITY_MAX_WORKLOADS the server picks
// namespaces itself: the namespace-level view), then one namespace of the picker, then the same
// again (answered from the snapshot's caches). Prints one JSON line.
//   node bench/lsp-view.mjs [--size large]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, peakRssMb, startServer, stopServer } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const size = arg('size', 'large');
const ws = join(here, '.work', size);
const server = await startServer(ws, size);
const { proc, conn, ready } = server;
const t0 = performance.now();
await conn.sendNotification('initialized', {});
await ready;
const indexedMs = performance.now() - t0;
const hwm = () => peakRssMb(proc.pid);
const rssAfterIndex = hwm();
const time = async (params) => {
  const s = performance.now();
  const r = await conn.sendRequest('netpolLens/reachability', params);
  return { ms: performance.now() - s, r };
};
const first = await time({});
const ns = first.r.limited?.namespaces?.find((n) => !first.r.limited.shown.includes(n.name))?.name;
const other = ns ? await time({ namespaces: [ns] }) : undefined;
const again = await time({});
const out = {
  size,
  indexedMs,
  viewMs: first.ms,
  viewShown: first.r.limited?.shown?.length ?? 'all',
  endpoints: first.r.endpoints.length,
  connections: first.r.connections.length,
  otherNamespaceMs: other?.ms,
  againMs: again.ms,
  hwmMB: hwm(),
  hwmAfterIndexMB: rssAfterIndex,
};
await stopServer(server);
console.log(JSON.stringify(out));
process.exit(0);
