// Helpers for the editor-level suite: event-driven waits (no fixed sleeps), workspace paths, and
// the extension's test API (returned by `activate` outside production mode).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { Api, TestApi } from '../../../client/src/extension';
import type { HostToWebview } from '../../../server/src/protocol/webview';

export type { TestApi };
export type Panel = NonNullable<ReturnType<TestApi['currentPanel']>>;

export const EXTENSION_ID = 'netpol-lens.netpol-lens';

export function workspaceUri(relative: string): vscode.Uri {
  const folder = (vscode.workspace.workspaceFolders ?? [])[0];
  assert.ok(folder, 'no workspace folder open');
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

export async function open(relative: string): Promise<vscode.TextDocument> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(relative));
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

/** A check run before every probe of `waitFor`: a string return aborts the wait with that reason. */
let failFast: () => string | undefined = () => undefined;
export function setFailFast(fn: () => string | undefined): void {
  failFast = fn;
}

type Falsy = undefined | null | false | 0 | '';
export interface WaitOptions {
  /** Events that may change the answer: each one re-runs the check at once. */
  events?: Array<vscode.Event<unknown>>;
  timeoutMs?: number;
  /** Re-check at this interval too, for state that has no event. */
  intervalMs?: number;
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Resolves with the first truthy value of `check()`, re-evaluated whenever one of `events` fires
 * (and at a short interval as a fallback for state with no event); rejects after `timeoutMs` with
 * what it waited for and, when `what.last` is given, the last thing it saw.
 */
export function waitFor<T>(
  what: string | { what: string; last?: () => string | undefined },
  check: () => T | Falsy | Promise<T | Falsy>,
  { events = [], timeoutMs = 30000, intervalMs = 100 }: WaitOptions = {},
): Promise<T> {
  const label = typeof what === 'object' ? what.what : what;
  const last = typeof what === 'object' ? what.last : undefined;
  return new Promise<T>((resolve, reject) => {
    const subscriptions: vscode.Disposable[] = [];
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(interval);
      for (const s of subscriptions) s.dispose();
      fn();
    };
    const probe = (): void => {
      try {
        const reason = failFast();
        if (reason) throw new Error(`gave up waiting for ${label}: ${reason}`);
        const v = check();
        if (v instanceof Promise)
          v.then(
            (r) => r && finish(() => resolve(r)),
            (e: unknown) => finish(() => reject(asError(e))),
          );
        else if (v) finish(() => resolve(v));
      } catch (e) {
        finish(() => reject(asError(e)));
      }
    };
    const timer = setTimeout(() => {
      let seen = '';
      try {
        if (last) seen = ` (last seen: ${last()})`;
      } catch {
        /* ignore */
      }
      finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${label}${seen}`)));
    }, timeoutMs);
    const interval = setInterval(probe, intervalMs);
    for (const e of events) subscriptions.push(e(probe));
    probe();
  });
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  return typeof d.code === 'object' && d.code !== null
    ? String(d.code.value)
    : d.code === undefined
      ? undefined
      : String(d.code);
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'netpol-lens');
}

function describeDiagnostics(uri: vscode.Uri): string {
  return JSON.stringify(
    vscode.languages.getDiagnostics(uri).map((d) => `${d.source}:${codeOf(d)}@${d.range.start.line}`),
  );
}

/** Waits until the diagnostics of `uri` satisfy `predicate(diagnostics)`; returns them. */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (all: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 60000,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    { what, last: () => describeDiagnostics(uri) },
    () => {
      const ds = vscode.languages.getDiagnostics(uri);
      return predicate(ds) ? ds : undefined;
    },
    { events: [vscode.languages.onDidChangeDiagnostics], timeoutMs, intervalMs: 250 },
  );
}

export function extension(): vscode.Extension<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in the test host`);
  return ext;
}

export async function testApi(): Promise<TestApi> {
  const ext = extension();
  const exports = ext.isActive ? ext.exports : await ext.activate();
  assert.ok(exports?.testing, 'the extension did not return its test API (is it in production mode?)');
  return exports.testing;
}

/**
 * With a manifest open: waits for the extension to activate and its language server to run, and
 * makes every later wait fail at once if the server fails. Returns the test API.
 */
export async function activeWithServer(): Promise<TestApi> {
  const ext = extension();
  await waitFor('the extension to activate', () => ext.isActive, { timeoutMs: 30000 });
  const api = await testApi();
  setFailFast(() =>
    api.server.state.kind === 'failed'
      ? `the language server failed: ${api.server.state.message}`
      : undefined,
  );
  await waitFor(
    { what: 'the language server to run', last: () => JSON.stringify(api.server.state) },
    () => api.server.state.kind === 'running',
    { events: [api.server.onState], timeoutMs: 30000 },
  );
  return api;
}

/** Waits until the language status item shows the workspace counts (indexing done). */
export function statusWithCounts(api: TestApi): Promise<ReturnType<TestApi['status']>> {
  return waitFor(
    { what: 'the status item to show counts', last: () => JSON.stringify(api.status()) },
    () => {
      const s = api.status();
      return !s.busy && /polic/.test(s.text) ? s : undefined;
    },
    { events: [api.server.onStatus, api.server.onState], timeoutMs: 30000 },
  );
}

/** Waits for a message the host posts to the reachability webview. */
export function nextPosted<M extends HostToWebview>(
  panel: Panel,
  predicate: (m: HostToWebview) => m is M,
  what: string,
  timeoutMs = 30000,
): Promise<M> {
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

type ModelMessage = Extract<HostToWebview, { type: 'model' }>;
export const isModel = (m: HostToWebview): m is ModelMessage => m.type === 'model';

/**
 * Runs `open` (a command that shows the reachability view focused on the policy `name`) and
 * resolves with the panel (the one already open, or the one it creates) and its focused model.
 */
export async function openFocused(
  api: TestApi,
  open: () => Thenable<unknown>,
  name: string,
): Promise<{ panel: Panel; model: ModelMessage }> {
  const isFocused = (m: HostToWebview): m is ModelMessage => isModel(m) && m.focusPolicy?.name === name;
  const what = `a model focused on ${name}`;
  const existing = api.currentPanel();
  if (existing) {
    const focused = nextPosted(existing, isFocused, what, 45000);
    await open();
    return { panel: existing, model: await focused };
  }
  const created = new Promise<Panel>((resolve) => {
    const d = api.onDidCreatePanel((p) => {
      d.dispose();
      resolve(p);
    });
  });
  await open();
  const panel = await created;
  return { panel, model: await nextPosted(panel, isFocused, what, 45000) };
}

/** Clears the view's policy focus (as its chip does) and waits for the whole workspace's model. */
export async function clearFocus(panel: Panel): Promise<void> {
  const whole = nextPosted(
    panel,
    (m): m is ModelMessage => isModel(m) && !m.focusPolicy,
    'an unfocused model',
  );
  panel.receive({ type: 'clearFocus' });
  await whole;
}
export const isExplanation = (m: HostToWebview): m is Extract<HostToWebview, { type: 'explanation' }> =>
  m.type === 'explanation';

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** The pids of the netpol-lens server processes started by this extension host (Linux /proc). */
export function serverPids(): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!cmd.some((a) => /server[\\/]dist[\\/]server\.js$/.test(a)) || !cmd.includes('--node-ipc'))
        continue;
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${entry}/status`, 'utf8'))?.[1]);
      if (ppid === process.pid) out.push(Number(entry));
    } catch {
      /* the process went away */
    }
  }
  return out;
}

/** The one server process of this extension host, once a previous one (being stopped) is gone. */
export function theServerPid(): Promise<number> {
  return waitFor(
    { what: 'exactly one language server process', last: () => JSON.stringify(serverPids()) },
    () => {
      const pids = serverPids();
      return pids.length === 1 ? pids[0] : undefined;
    },
    { timeoutMs: 15000, intervalMs: 100 },
  );
}
