// Pieces the bench scripts share: the `--name value` argument reader, the recursive file listing,
// the file the keystroke figures edit (bench/lsp.mjs and its anchor bench/yls.mjs must edit
// the same one), and a language server (the built one, or another such as the anchor) started over
// stdio with its peak RSS.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const BENCH = dirname(fileURLToPath(import.meta.url));
/** The built language server. */
export const SERVER_JS = join(BENCH, '..', 'server', 'dist', 'server.js');

/** The value after `--name` on the command line, or `def`. */
export const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};

/** Every file under `dir`, recursively; with `only` (a RegExp), those whose name it matches. */
export const listFiles = (dir, only, out = []) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, only, out);
    else if (!only || only.test(e.name)) out.push(p);
  }
  return out;
};

/** The files a manifest listing of the benches reads: YAML and JSON. */
export const MANIFEST = /\.(ya?ml|json)$/;

/** A 200-line-ish workloads file of a sorted listing, like the anchor's typical-200.yaml. */
export const keystrokeFile = (all) =>
  all.find((f) => f.includes('/workloads/') && readFileSync(f, 'utf8').split('\n').length >= 180) ?? all[0];

/**
 * What the keystroke figures (bench/lsp.mjs, bench/yls.mjs) run on, from the command line:
 * `--size` (medium) and `--edits` (20), the workspace bench/.work/<size>, its files sorted, and the
 * file edited (`keystrokeFile`) with its URI and text.
 */
export const keystrokeInputs = () => {
  const size = arg('size', 'medium');
  const ws = join(BENCH, '.work', size);
  const all = listFiles(ws).sort();
  const file = keystrokeFile(all);
  const text = readFileSync(file, 'utf8');
  return { size, edits: Number(arg('edits', '20')), ws, all, file, uri: pathToFileURL(file).href, text };
};

/**
 * The `i`-th keystroke of the keystroke figures on the file's `lines` (bench/lsp.mjs and
 * bench/yls.mjs make the same ones): at the end of the first `name:` line, one character appended
 * (even `i`), then removed again (odd `i`); an incremental content change.
 */
export const keystroke = (lines, i) => {
  const nameLine = lines.findIndex((l) => /^\s+name: /.test(l));
  const len = lines[nameLine].length + (i % 2 === 0 ? 0 : 1);
  return i % 2 === 0
    ? {
        range: { start: { line: nameLine, character: len }, end: { line: nameLine, character: len } },
        text: 'x',
      }
    : {
        range: { start: { line: nameLine, character: len - 1 }, end: { line: nameLine, character: len } },
        text: '',
      };
};

/**
 * A language server over stdio on the folder `ws` (a workspace folder named `name`), initialized
 * (not yet `initialized`). By default `node server/dist/server.js --stdio`; `opts`:
 *   command, args, env, cwd   what is spawned (default process.execPath, [SERVER_JS, '--stdio'])
 *   capabilities              the client's (default {})
 *   initializationOptions     sent in `initialize` when given
 *   workspaceFolders          instead of [ws] (null: none; rootUri stays `ws`)
 *   requests                  answers to server requests by method, from the start (e.g.
 *                             workspace/configuration); other requests are answered with null
 *   ready                     which `netpolLens/status` counts as ready (default state 'ready')
 * Returns its process, `spawnedAt` (performance.now() right before the spawn: vscode-jsonrpc is
 * loaded by then), the connection (notifications dropped unless the caller registers
 * handlers), the initialize result, and `ready`: a promise of
 * the time (performance.now()) of the first status that `ready` accepts, which the caller awaits
 * after sending `initialized`.
 */
export async function startServer(ws, name, opts = {}) {
  // loaded here, not with this module: bench/phase.mjs measures its own process's memory
  const rpc = require('vscode-jsonrpc/node');
  const spawnedAt = performance.now();
  const proc = spawn(opts.command ?? process.execPath, opts.args ?? [SERVER_JS, '--stdio'], {
    stdio: ['pipe', 'pipe', 'inherit'],
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  const conn = rpc.createMessageConnection(
    new rpc.StreamMessageReader(proc.stdout),
    new rpc.StreamMessageWriter(proc.stdin),
  );
  const isReady = opts.ready ?? ((p) => p.state === 'ready');
  let ready;
  const readyP = new Promise((r) => (ready = r));
  conn.onNotification('netpolLens/status', (p) => {
    if (isReady(p)) ready(performance.now());
  });
  conn.onNotification(() => {});
  for (const [method, answer] of Object.entries(opts.requests ?? {})) conn.onRequest(method, answer);
  conn.onRequest(() => null);
  conn.listen();
  const uri = pathToFileURL(ws).href;
  const init = await conn.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uri,
    workspaceFolders: opts.workspaceFolders !== undefined ? opts.workspaceFolders : [{ uri, name }],
    capabilities: opts.capabilities ?? {},
    ...(opts.initializationOptions !== undefined
      ? { initializationOptions: opts.initializationOptions }
      : {}),
  });
  return { proc, spawnedAt, conn, init, ready: readyP };
}

/** Asks the server to shut down and exit; `wait` ms at most for it to exit by itself, then kills it. */
export async function stopServer({ proc, conn }, wait = 0) {
  const exited = new Promise((r) => proc.once('exit', r));
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  if (wait > 0) await Promise.race([exited, new Promise((r) => setTimeout(r, wait))]);
  proc.kill();
}

/** A process's peak resident set (VmHWM) in MB. */
export const peakRssMb = (pid) =>
  Math.round(Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
