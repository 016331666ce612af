// The reachability panel's host side (client/src/reachability/panel.ts) against a fake `vscode`
// module and a fake language server: which `netpolLens/reachability` params each refresh sends
// (the namespaces chosen in the webview's picker), across `setNamespaces` and a revive from state.
// No editor needed; the editor-level suite covers the real thing.
'use strict';
const assert = require('node:assert/strict');
const path = require('node:path');
const { before, describe, it } = require('node:test');
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..', '..');

function fakeVscode() {
  class EventEmitter {
    constructor() {
      this.listeners = new Set();
      this.event = (l) => {
        this.listeners.add(l);
        return { dispose: () => this.listeners.delete(l) };
      };
    }
    fire(v) {
      for (const l of [...this.listeners]) l(v);
    }
    dispose() {
      this.listeners.clear();
    }
  }
  class CancellationTokenSource {
    constructor() {
      this.token = { isCancellationRequested: false };
    }
    cancel() {
      this.token.isCancellationRequested = true;
    }
    dispose() {}
  }
  const uri = (p) => ({ path: p, fsPath: p, toString: () => `file://${p}` });
  const panels = [];
  const vscode = {
    EventEmitter,
    CancellationTokenSource,
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    Uri: { joinPath: (base, ...parts) => uri(path.posix.join(base.path, ...parts)), parse: (s) => uri(s.replace(/^file:\/\//, '')) },
    window: {
      activeTextEditor: undefined,
      visibleTextEditors: [],
      createWebviewPanel: () => {
        const p = fakePanel(EventEmitter);
        panels.push(p);
        return p;
      },
      registerWebviewPanelSerializer: () => ({ dispose() {} }),
    },
    workspace: { onDidChangeTextDocument: () => ({ dispose() {} }) },
  };
  return { vscode, panels };
}

function fakePanel(EventEmitter) {
  const message = new EventEmitter();
  const disposed = new EventEmitter();
  const viewState = new EventEmitter();
  const p = {
    visible: true,
    viewColumn: 1,
    posted: [],
    webview: {
      options: {},
      html: '',
      cspSource: 'https://webview.test',
      asWebviewUri: (u) => u,
      postMessage: (m) => {
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

function fakeServer() {
  const requests = [];
  return {
    requests,
    async request(method, params) {
      requests.push({ method, params: JSON.parse(JSON.stringify(params)) });
      return { version: 1, endpoints: [], connections: [], counts: { policies: 0, workloads: 0, namespaces: 0, files: 0 } };
    },
    onStatus: () => ({ dispose() {} }),
    onState: () => ({ dispose() {} }),
  };
}

/** Loads panel.ts bundled, with `vscode` resolved to a fresh fake. */
let bundle;
function load() {
  const { vscode, panels } = fakeVscode();
  const m = { exports: {} };
  const req = (id) => (id === 'vscode' ? vscode : require(id));
  new Function('module', 'exports', 'require', bundle)(m, m.exports, req);
  return { ...m.exports, panels, vscode };
}

async function until(pred, what) {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > 2000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
const settle = () => new Promise((r) => setTimeout(r, 40));

const context = { extensionUri: { path: '/ext', fsPath: '/ext', toString: () => 'file:///ext' } };
const reachability = (server) => server.requests.filter((r) => r.method === 'netpolLens/reachability').map((r) => r.params);

describe('reachability panel (host): chosen namespaces', () => {
  before(() => {
    bundle = esbuild.buildSync({
      entryPoints: [path.join(ROOT, 'client/src/reachability/panel.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      write: false,
      logLevel: 'silent',
      external: ['vscode'],
    }).outputFiles[0].text;
  });

  it('sends no namespaces until the webview chooses some, then sends them on every refresh', async () => {
    const { ReachabilityPanel } = load();
    const server = fakeServer();
    const panel = ReachabilityPanel.createOrShow(context, server);
    panel.receive({ type: 'ready' });
    await until(() => reachability(server).length === 1, 'the first refresh');
    assert.deepEqual(reachability(server)[0], {});

    panel.receive({ type: 'setNamespaces', namespaces: ['web', 'api', 'web', 7, ''] });
    await until(() => reachability(server).length === 2, 'the refresh after setNamespaces');
    assert.deepEqual(reachability(server)[1], { namespaces: ['web', 'api'] });
    assert.deepEqual(panel.chosenNamespaces, ['web', 'api']);

    // the same choice again: nothing to refresh
    panel.receive({ type: 'setNamespaces', namespaces: ['web', 'api'] });
    await settle();
    assert.equal(reachability(server).length, 2);

    // any later refresh (a new `ready` after the panel was hidden, a port change…) keeps them
    panel.receive({ type: 'ready' });
    await until(() => reachability(server).length === 3, 'the refresh after ready');
    assert.deepEqual(reachability(server)[2], { namespaces: ['web', 'api'] });

    // and so does clearing the policy focus
    panel.receive({ type: 'clearFocus' });
    await until(() => reachability(server).length === 4, 'the refresh after clearFocus');
    assert.deepEqual(reachability(server)[3], { namespaces: ['web', 'api'] });

    // empty: the server chooses again
    panel.receive({ type: 'setNamespaces', namespaces: [] });
    await until(() => reachability(server).length === 5, 'the refresh after setNamespaces []');
    assert.deepEqual(reachability(server)[4], {});
    assert.equal(panel.chosenNamespaces, undefined);
    panel.dispose();
  });

  it('restores the chosen namespaces from the saved webview state (serializer / revive)', async () => {
    const { ReachabilityPanel, vscode } = load();
    const server = fakeServer();
    const webviewPanel = vscode.window.createWebviewPanel();
    const focusPolicy = { uri: 'file:///w/np.yaml', name: 'np', namespace: 'edge' };
    const panel = ReachabilityPanel.revive(webviewPanel, context, server, {
      port: '53/UDP',
      search: '',
      collapsed: [],
      focusPolicy,
      namespaces: ['billing', 'data'],
    });
    panel.receive({ type: 'ready' });
    await until(() => reachability(server).length === 1, 'the first refresh');
    assert.deepEqual(reachability(server)[0], { focusPolicy, namespaces: ['billing', 'data'] });
    panel.dispose();

    // a state without (or with a broken) choice: none sent
    const { ReachabilityPanel: P2, vscode: v2 } = load();
    const server2 = fakeServer();
    const wp2 = v2.window.createWebviewPanel();
    const panel2 = P2.revive(wp2, context, server2, { port: 'any', search: '', collapsed: [], namespaces: 'billing' });
    panel2.receive({ type: 'ready' });
    await until(() => reachability(server2).length === 1, 'the first refresh');
    assert.deepEqual(reachability(server2)[0], {});
    panel2.dispose();
  });

  it('drops the chosen namespaces when the view is opened on another policy, keeps them for the same one', async () => {
    const { ReachabilityPanel } = load();
    const server = fakeServer();
    const a = { uri: 'file:///w/a.yaml', name: 'a', namespace: 'api' };
    const b = { uri: 'file:///w/b.yaml', name: 'b', namespace: 'web' };
    const panel = ReachabilityPanel.createOrShow(context, server, { focusPolicy: a });
    panel.receive({ type: 'ready' });
    await until(() => reachability(server).length === 1, 'the first refresh');
    panel.receive({ type: 'setNamespaces', namespaces: ['data'] });
    await until(() => reachability(server).length === 2, 'the refresh after setNamespaces');
    assert.deepEqual(reachability(server)[1], { focusPolicy: a, namespaces: ['data'] });

    assert.equal(ReachabilityPanel.createOrShow(context, server, { focusPolicy: { ...a } }), panel);
    await until(() => reachability(server).length === 3, 'the refresh for the same focus');
    assert.deepEqual(reachability(server)[2], { focusPolicy: a, namespaces: ['data'] });

    ReachabilityPanel.createOrShow(context, server, { focusPolicy: b });
    await until(() => reachability(server).length === 4, 'the refresh for the new focus');
    assert.deepEqual(reachability(server)[3], { focusPolicy: b });
    panel.dispose();
  });
});
