// Pieces the bench scripts share: the `--name value` argument reader, the recursive file listing,
// the file the keystroke figures edit (bench/lsp.mjs and its anchor bench/yls.mjs must edit
// the same one), and the built language server started over stdio with its peak RSS.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const SERVER_JS = join(dirname(fileURLToPath(import.meta.url)), '..', 'server', 'dist', 'server.js');

/** The value after `--name` on the command line, or `def`. */
export const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};

/** Every file under `dir`, recursively. */
export const listFiles = (dir, out = []) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
};

/** A 200-line-ish workloads file of a sorted listing, like the anchor's typical-200.yaml. */
export const keystrokeFile = (all) =>
  all.find((f) => f.includes('/workloads/') && readFileSync(f, 'utf8').split('\n').length >= 180) ?? all[0];

/**
 * server/dist/server.js --stdio on the folder `ws`, initialized (not yet `initialized`): its
 * process, the connection (server requests answered with null), and a promise of its first
 * `ready` status, which the caller awaits after sending `initialized`.
 */
export async function startServer(ws, name, capabilities = {}) {
  const rpc = require('vscode-jsonrpc/node');
  const proc = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = rpc.createMessageConnection(
    new rpc.StreamMessageReader(proc.stdout),
    new rpc.StreamMessageWriter(proc.stdin),
  );
  let ready;
  const readyP = new Promise((r) => (ready = r));
  conn.onNotification('netpolLens/status', (p) => {
    if (p.state === 'ready') ready();
  });
  conn.onNotification(() => {});
  conn.onRequest(() => null);
  conn.listen();
  await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: pathToFileURL(ws).href,
    workspaceFolders: [{ uri: pathToFileURL(ws).href, name }],
    capabilities,
  });
  return { proc, conn, ready: readyP };
}

/** A process's peak resident set (VmHWM) in MB. */
export const peakRssMb = (pid) =>
  Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
