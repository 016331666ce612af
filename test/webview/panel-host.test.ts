// The reachability panel's host side (client/src/reachability/panel.ts) against a fake `vscode`
// module and a fake language server: which `netpolLens/reachability` params each refresh sends
// (the namespaces chosen in the webview's picker), across `setNamespaces` and a revive from state.
// No editor needed; the editor-level suite covers the real thing. The panel's timers are mocked
// (node:test), so every refresh it schedules runs exactly when the test says: no waiting.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import type * as PanelModule from '../../client/src/reachability/panel';
import { loadBundle } from './page';

type Listener<T> = (v: T) => void;

class EventEmitter<T> {
  private readonly listeners = new Set<Listener<T>>();
  readonly event = (l: Listener<T>): { dispose(): void } => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(v: T): void {
    for (const l of [...this.listeners]) l(v);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class CancellationTokenSource {
  readonly token = { isCancellationRequested: false };
  cancel(): void {
    this.token.isCancellationRequested = true;
  }
  dispose(): void {}
}

interface FakeUri {
  path: string;
  fsPath: string;
  toString(): string;
}
const uri = (p: string): FakeUri => ({ path: p, fsPath: p, toString: () => `file://${p}` });

function fakePanel() {
  const message = new EventEmitter<unknown>();
  const disposed = new EventEmitter<void>();
  const viewState = new EventEmitter<unknown>();
  const p = {
    visible: true,
    viewColumn: 1,
    posted: [] as unknown[],
    webview: {
      options: {},
      html: '',
      cspSource: 'https://webview.test',
      asWebviewUri: (u: FakeUri) => u,
      postMessage: (m: unknown) => {
        p.posted.push(m);
        return Promise.resolve(true);
      },
      onDidReceiveMessage: message.event,
    },
    onDidDispose: disposed.event,
    onDidChangeViewState: viewState.event,
    reveal() {},
    dispose() {
      disposed.fire();
    },
  };
  return p;
}

function fakeVscode() {
  return {
    EventEmitter,
    CancellationTokenSource,
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    Range: class {
      constructor(...at: number[]) {
        void at;
      }
    },
    TextEditorRevealType: { InCenterIfOutsideViewport: 2 },
    Uri: {
      joinPath: (base: FakeUri, ...parts: string[]) => uri(path.posix.join(base.path, ...parts)),
      parse: (s: string) => {
        if (!/^[a-z][a-z0-9+.-]*:/i.test(s)) throw new Error(`no scheme: ${s}`);
        return uri(s.replace(/^file:\/\//, ''));
      },
    },
    window: {
      activeTextEditor: undefined,
      visibleTextEditors: [],
      createWebviewPanel: fakePanel,
      registerWebviewPanelSerializer: () => ({ dispose() {} }),
    },
    workspace: {
      onDidChangeTextDocument: () => ({ dispose() {} }),
      /** The workspace holds /w; /w/open.yaml is also open in an editor. */
      getWorkspaceFolder: (u: FakeUri) => (u.path.startsWith('/w/') ? { uri: uri('/w') } : undefined),
      textDocuments: [{ uri: uri('/elsewhere/open.yaml') }],
    },
  };
}

interface Request {
  method: string;
  params: Record<string, unknown>;
}

function fakeServer() {
  const requests: Request[] = [];
  const logged: string[] = [];
  return {
    requests,
    logged,
    output: { appendLine: (l: string) => logged.push(l) },
    request(method: string, params: Record<string, unknown>) {
      requests.push({ method, params: JSON.parse(JSON.stringify(params)) as Record<string, unknown> });
      return Promise.resolve({
        version: 1,
        endpoints: [],
        connections: [],
        counts: { policies: 0, workloads: 0, namespaces: 0, files: 0 },
      });
    },
    onStatus: () => ({ dispose() {} }),
    onState: () => ({ dispose() {} }),
  };
}
type FakeServer = ReturnType<typeof fakeServer>;

type Panel = typeof PanelModule.ReachabilityPanel;
type Server = Parameters<Panel['createOrShow']>[1];
type WebviewPanel = Parameters<Panel['revive']>[0];
type Context = Parameters<Panel['createOrShow']>[0];

/** panel.ts bundled once, loaded afresh per test with a fresh fake `vscode` (no panel left over). */
function load(): { ReachabilityPanel: Panel; vscode: ReturnType<typeof fakeVscode> } {
  const vscode = fakeVscode();
  const { ReachabilityPanel } = loadBundle<typeof PanelModule>('client/src/reachability/panel.ts', vscode);
  return { ReachabilityPanel, vscode };
}

const context = { extensionUri: uri('/ext') } as unknown as Context;
const asServer = (s: FakeServer): Server => s as unknown as Server;
const reachability = (server: FakeServer): Array<Record<string, unknown>> =>
  server.requests.filter((r) => r.method === 'netpolLens/reachability').map((r) => r.params);

/** Runs the timers the panel has scheduled (its refresh debounce) and returns the reachability requests sent so far. */
function refreshed(server: FakeServer): Array<Record<string, unknown>> {
  mock.timers.runAll();
  return reachability(server);
}

describe('reachability panel (host): chosen namespaces', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('sends no namespaces until the webview chooses some, then sends them on every refresh', () => {
    const { ReachabilityPanel } = load();
    const server = fakeServer();
    const panel = ReachabilityPanel.createOrShow(context, asServer(server));
    assert.deepEqual(refreshed(server), [], 'no refresh before the webview is ready');
    panel.receive({ type: 'ready' });
    assert.deepEqual(refreshed(server), [{}]);

    panel.receive({ type: 'setNamespaces', namespaces: ['web', 'api', 'web', 7, ''] as unknown as string[] });
    assert.deepEqual(refreshed(server).slice(1), [{ namespaces: ['web', 'api'] }]);
    assert.deepEqual(panel.chosenNamespaces, ['web', 'api']);

    // the same choice again: nothing to refresh
    panel.receive({ type: 'setNamespaces', namespaces: ['web', 'api'] });
    assert.equal(refreshed(server).length, 2);

    // any later refresh (a new `ready` after the panel was hidden, a port change…) keeps them
    panel.receive({ type: 'ready' });
    assert.deepEqual(refreshed(server).slice(2), [{ namespaces: ['web', 'api'] }]);

    // and so does clearing the policy focus
    panel.receive({ type: 'clearFocus' });
    assert.deepEqual(refreshed(server).slice(3), [{ namespaces: ['web', 'api'] }]);

    // empty: the server chooses again
    panel.receive({ type: 'setNamespaces', namespaces: [] });
    assert.deepEqual(refreshed(server).slice(4), [{}]);
    assert.equal(panel.chosenNamespaces, undefined);
    panel.dispose();
  });

  it('restores the chosen namespaces from the saved webview state (serializer / revive)', () => {
    const { ReachabilityPanel, vscode } = load();
    const server = fakeServer();
    const focusPolicy = { uri: 'file:///w/np.yaml', name: 'np', namespace: 'edge' };
    const state = { port: '53/UDP', search: '', collapsed: [], focusPolicy, namespaces: ['billing', 'data'] };
    const panel = ReachabilityPanel.revive(
      vscode.window.createWebviewPanel() as unknown as WebviewPanel,
      context,
      asServer(server),
      state,
    );
    panel.receive({ type: 'ready' });
    assert.deepEqual(refreshed(server), [{ focusPolicy, namespaces: ['billing', 'data'] }]);
    panel.dispose();

    // a state without (or with a broken) choice: none sent
    const again = load();
    const server2 = fakeServer();
    const broken = { port: 'any', search: '', collapsed: [], namespaces: 'billing' };
    const panel2 = again.ReachabilityPanel.revive(
      again.vscode.window.createWebviewPanel() as unknown as WebviewPanel,
      context,
      asServer(server2),
      broken,
    );
    panel2.receive({ type: 'ready' });
    assert.deepEqual(refreshed(server2), [{}]);
    panel2.dispose();
  });

  it('drops the chosen namespaces when the view is opened on another policy, keeps them for the same one', () => {
    const { ReachabilityPanel } = load();
    const server = fakeServer();
    const a = { uri: 'file:///w/a.yaml', name: 'a', namespace: 'api' };
    const b = { uri: 'file:///w/b.yaml', name: 'b', namespace: 'web' };
    const panel = ReachabilityPanel.createOrShow(context, asServer(server), { focusPolicy: a });
    panel.receive({ type: 'ready' });
    assert.equal(refreshed(server).length, 1);
    panel.receive({ type: 'setNamespaces', namespaces: ['data'] });
    assert.deepEqual(refreshed(server).slice(1), [{ focusPolicy: a, namespaces: ['data'] }]);

    assert.equal(ReachabilityPanel.createOrShow(context, asServer(server), { focusPolicy: { ...a } }), panel);
    assert.deepEqual(refreshed(server).slice(2), [{ focusPolicy: a, namespaces: ['data'] }]);

    ReachabilityPanel.createOrShow(context, asServer(server), { focusPolicy: b });
    assert.deepEqual(refreshed(server).slice(3), [{ focusPolicy: b }]);
    panel.dispose();
  });
});

describe('reachability panel (host): messages from the webview are checked', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  it('drops malformed and unknown messages and logs them; valid ones still work', () => {
    const { ReachabilityPanel } = load();
    const server = fakeServer();
    const panel = ReachabilityPanel.createOrShow(context, asServer(server));
    const junk: unknown[] = [
      null,
      42,
      'ready',
      { type: 'launchMissiles' },
      { type: 'explain', requestId: 1, src: 7, dst: 'a' },
      { type: 'explain', requestId: 1, src: 'a', dst: 'b', port: { port: 70000, protocol: 'TCP' } },
      { type: 'open', location: { uri: 'file:///w/a.yaml' } },
      { type: 'stateChanged', state: { port: 1 } },
      { type: 'setNamespaces', namespaces: 'web' },
      { type: 'setPort', port: { x: 1 } },
    ];
    for (const m of junk) panel.receiveRaw(m);
    assert.equal(server.logged.length, junk.length, server.logged.join('\n'));
    assert.ok(server.logged.every((l) => l.startsWith('Reachability view: dropped ')));
    assert.deepEqual(refreshed(server), [], 'nothing reached the server');
    panel.receiveRaw({ type: 'ready' });
    assert.deepEqual(refreshed(server), [{}]);
    panel.receiveRaw({
      type: 'explain',
      requestId: 3,
      src: 'a/b[Pod]',
      dst: 'c/d[Pod]',
      port: { port: 53, protocol: 'UDP' },
    });
    assert.deepEqual(
      server.requests.filter((r) => r.method === 'netpolLens/explain').map((r) => r.params),
      [{ src: 'a/b[Pod]', dst: 'c/d[Pod]', port: { port: 53, protocol: 'UDP' } }],
    );
    panel.dispose();
  });

  it('opens links only to files of the workspace (or open in an editor)', async () => {
    const { ReachabilityPanel, vscode } = load();
    const opened: string[] = [];
    Object.assign(vscode.window, {
      showTextDocument: (u: FakeUri) => {
        opened.push(u.path);
        return Promise.resolve({ revealRange() {} });
      },
      showWarningMessage: () => Promise.resolve(undefined),
    });
    const server = fakeServer();
    const panel = ReachabilityPanel.createOrShow(context, asServer(server));
    const range = { start: { line: 1, character: 0 }, end: { line: 1, character: 4 } };
    for (const target of [
      'file:///w/np.yaml',
      'file:///etc/passwd',
      'file:///elsewhere/open.yaml',
      'not a uri',
    ])
      panel.receiveRaw({ type: 'open', location: { uri: target, range } });
    // open() is asynchronous: let its promise chains run
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(opened, ['/w/np.yaml', '/elsewhere/open.yaml']);
    assert.equal(server.logged.filter((l) => /dropped a link/.test(l)).length, 2, server.logged.join('\n'));
    panel.dispose();
  });
});
