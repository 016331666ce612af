// Helpers for the editor-level suite: event-driven waits (no fixed sleeps), workspace paths, and
// the extension's test API (returned by `activate` outside production mode).
'use strict';
const assert = require('node:assert/strict');
const vscode = require('vscode');

const EXTENSION_ID = 'netpol-lens.netpol-lens';

function workspaceUri(relative) {
  const folder = (vscode.workspace.workspaceFolders || [])[0];
  assert.ok(folder, 'no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

async function open(relative) {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relative));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/**
 * Resolves with the first truthy value of `check()`, re-evaluated whenever one of `events` fires
 * (and at a short interval as a fallback for state with no event); rejects after `timeoutMs`.
 */
let failFast = () => undefined;
/** A check run before every probe of `waitFor`: a string return aborts the wait with that reason. */
function setFailFast(fn) {
  failFast = fn;
}

function waitFor(what, check, { events = [], timeoutMs = 30000, intervalMs = 100 } = {}) {
  const label = typeof what === 'object' ? what.what : what;
  const last = typeof what === 'object' ? what.last : undefined;
  return new Promise((resolve, reject) => {
    const subscriptions = [];
    let settled = false;
    const finish = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(interval);
      for (const s of subscriptions) s.dispose();
      fn(value);
    };
    const probe = () => {
      try {
        const reason = failFast();
        if (reason) throw new Error(`gave up waiting for ${label}: ${reason}`);
        const v = check();
        if (v && typeof v.then === 'function') v.then((r) => r && finish(resolve, r), (e) => finish(reject, e));
        else if (v) finish(resolve, v);
      } catch (e) {
        finish(reject, e);
      }
    };
    const timer = setTimeout(() => {
      let seen = '';
      try {
        if (last) seen = ` (last seen: ${last()})`;
      } catch {
        /* ignore */
      }
      finish(reject, new Error(`timed out after ${timeoutMs} ms waiting for ${label}${seen}`));
    }, timeoutMs);
    const interval = setInterval(probe, intervalMs);
    for (const e of events) subscriptions.push(e(probe));
    probe();
  });
}

function codeOf(d) {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

function ours(uri) {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'netpol-lens');
}

function describeDiagnostics(uri) {
  return JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => `${d.source}:${codeOf(d)}@${d.range.start.line}`));
}

/** Waits until the diagnostics of `uri` satisfy `predicate(diagnostics)`; returns them. */
function waitForDiagnostics(uri, predicate, what, timeoutMs = 60000) {
  return waitFor(
    { what, last: () => describeDiagnostics(uri) },
    () => {
      const ds = vscode.languages.getDiagnostics(uri);
      return predicate(ds) ? ds : undefined;
    },
    { events: [vscode.languages.onDidChangeDiagnostics], timeoutMs, intervalMs: 250 },
  );
}

function extension() {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in the test host`);
  return ext;
}

async function testApi() {
  const ext = extension();
  const exports = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(exports && exports.testing, 'the extension did not return its test API (is it in production mode?)');
  return exports.testing;
}

/** Waits for a message the host posts to the reachability webview. */
function nextPosted(panel, predicate, what, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for the view to receive ${what}`));
    }, timeoutMs);
    const sub = panel.onDidPost((m) => {
      if (predicate(m)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(m);
      }
    });
  });
}

function hoverText(hovers) {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** The pid of the netpol-lens server process started by this extension host (Linux /proc). */
function serverPid() {
  const fs = require('node:fs');
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!cmd.some((a) => /server[\\/]dist[\\/]server\.js$/.test(a)) || !cmd.includes('--node-ipc')) continue;
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))[1]);
      if (ppid === process.pid) return Number(entry);
    } catch {
      /* the process went away */
    }
  }
  return undefined;
}

module.exports = { EXTENSION_ID, setFailFast, serverPid, workspaceUri, open, waitFor, waitForDiagnostics, codeOf, ours, extension, testApi, nextPosted, hoverText };
