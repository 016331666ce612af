#!/usr/bin/env node
// What the change code lens and the changes mode cost: a generated workspace committed to a fresh
// git repository, the server (server/dist/server.js --stdio) indexes it, then one policy gets an
// unsaved edit that opens every ingress to its pods (`- {}` as its first ingress rule). Timed:
// the first `textDocument/codeLens` after the edit (git is read and the base analysed: two
// matrices), then, for `--edits` further keystrokes (a comment that alternates, so the buffer
// keeps differing from the base), `codeLens` and `netpolLens/changes` on the new text (the base
// snapshot is reused; the current side is re-analysed). Prints one JSON line with medians and
// min–max (ms), the lens title, the server's peak RSS and the load average.
//   node bench/changes.mjs [--size small|medium|large] [--edits 10]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { arg, listFiles, peakRssMb, startServer, stopServer } from './common.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const SIZES = {
  small: ['--namespaces', '20', '--workloads', '200', '--policies', '50'],
  medium: ['--namespaces', '100', '--workloads', '2000', '--policies', '500'],
  large: ['--namespaces', '500', '--workloads', '10000', '--policies', '2500'],
};
const size = arg('size', 'medium');
const edits = Number(arg('edits', '10'));
if (!SIZES[size]) throw new Error(`--size is one of ${Object.keys(SIZES).join(', ')}`);

const ws = mkdtempSync(join(tmpdir(), `netpol-lens-changes-${size}-`));
const gen = spawnSync(
  process.execPath,
  [join(here, 'gen-workspace.mjs'), '--out', ws, '--force', '--quiet', ...SIZES[size]],
  {
    encoding: 'utf8',
  },
);
if (gen.status !== 0) throw new Error(`gen-workspace: ${gen.stderr}`);
const git = (...a) => {
  const r = spawnSync(
    'git',
    ['-c', 'user.email=b@b', '-c', 'user.name=b', '-c', 'commit.gpgsign=false', ...a],
    {
      cwd: ws,
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`git ${a.join(' ')}: ${r.stderr}`);
};
git('init', '-q');
git('add', '-A');
git('commit', '-q', '-m', 'base');

const policy = listFiles(ws)
  .sort()
  .find((f) => f.includes('/network-policies/') && /\n {2}ingress:\n/.test(readFileSync(f, 'utf8')));
if (!policy) throw new Error('no policy file with an ingress list');
const original = readFileSync(policy, 'utf8');
const opened = original.replace(/\n {2}ingress:\n/, '\n  ingress:\n    - {}\n');
const uri = pathToFileURL(policy).href;

const server = await startServer(ws, size, { capabilities: { textDocument: { codeLens: {} } } });
const { proc, conn, ready } = server;
await conn.sendNotification('initialized', {});
await ready;

let version = 1;
await conn.sendNotification('textDocument/didOpen', {
  textDocument: { uri, languageId: 'yaml', version, text: original },
});
const change = (text) =>
  conn.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: ++version },
    contentChanges: [{ text }],
  });
const time = async (method, params) => {
  const s = performance.now();
  const r = await conn.sendRequest(method, params);
  return { ms: performance.now() - s, r };
};
const lensTitle = (lenses) =>
  (lenses ?? []).map((l) => l.command?.title ?? '').find((t) => /^(opens|closes)/.test(t));

await change(opened);
const first = await time('textDocument/codeLens', { textDocument: { uri } });
const title = lensTitle(first.r);
if (!title) throw new Error(`no change lens after the edit: ${JSON.stringify(first.r)}`);
const lens = [];
const changes = [];
for (let i = 0; i < edits; i++) {
  await change(`${opened}# keystroke ${i % 2 ? 'b' : 'a'}\n`);
  const l = await time('textDocument/codeLens', { textDocument: { uri } });
  if (!lensTitle(l.r)) throw new Error('the change lens went away');
  lens.push(l.ms);
  const c = await time('netpolLens/changes', {});
  if (!c.r.available) throw new Error(`changes unavailable: ${c.r.reason}`);
  changes.push(c.ms);
}
const hwm = peakRssMb(proc.pid);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const r = (x) => Math.round(x * 10) / 10;
  return { median: r(s[Math.floor(s.length / 2)]), min: r(s[0]), max: r(s[s.length - 1]) };
};
await stopServer(server);
rmSync(ws, { recursive: true, force: true });
console.log(
  JSON.stringify({
    size,
    policy: policy.slice(ws.length + 1),
    lens: title,
    firstLensMs: Math.round(first.ms),
    lensMs: stats(lens),
    changesMs: stats(changes),
    edits,
    serverPeakRssMb: hwm,
    loadavg: loadavg().map((x) => Math.round(x * 100) / 100),
  }),
);
