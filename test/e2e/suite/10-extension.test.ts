// The extension in a real VS Code, on the seed example (examples/layer1..3, copied to a temporary
// workspace by the harness): activation, diagnostics from the server process, hover, the
// "Allow DNS egress" quick fix, the language status item, the reachability view and its
// explain round trip, and a server restart. Tests run in order and share the editor.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExplainResult } from '../../../server/src/protocol/requests';
import * as h from './helpers';

const NP3 = 'layer3/np-layer3.yaml';
const W = {
  nginx1: 'layer1/nginx1[Deployment]',
  busybox1: 'layer1/busybox1[Deployment]',
  nginx2: 'layer2/nginx2[Deployment]',
  busybox2: 'layer2/busybox2[Deployment]',
  nginx3: 'layer3/nginx3[Deployment]',
  busybox3: 'layer3/busybox3[Deployment]',
};

const isDnsDiag = (d: vscode.Diagnostic): boolean =>
  d.source === 'netpol-lens' && h.codeOf(d) === 'missing-dns-egress';

describe('netpol-lens in VS Code (seed example)', function () {
  this.timeout(90000);
  let np3: vscode.TextDocument;
  let api: h.TestApi;

  it('activates on a YAML manifest and starts the language server', async () => {
    np3 = await h.open(NP3);
    assert.equal(np3.languageId, 'yaml');
    // A Kubernetes manifest is open, so the server starts without any command.
    api = await h.activeWithServer();
  });

  it('publishes missing-dns-egress for examples/layer3/np-layer3.yaml', async () => {
    const ds = await h.waitForDiagnostics(
      np3.uri,
      (all) => all.some(isDnsDiag),
      'a missing-dns-egress diagnostic',
    );
    const d = ds.find(isDnsDiag);
    assert.ok(d);
    assert.equal(d.source, 'netpol-lens');
    assert.ok(d.range.start.line > 0, 'the range is on a node, not the whole document');
    assert.ok(d.range.end.line - d.range.start.line < 10, `range too wide: ${JSON.stringify(d.range)}`);
    assert.match(d.message, /DNS|53/);
    // Files without a problem carry no error from us.
    const layer1Errors = h
      .ours(h.workspaceUri('layer1/np-layer1.yaml'))
      .filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
    assert.deepEqual(
      layer1Errors.map((x) => x.message),
      [],
    );
  });

  it('hovers on podSelector with the pods it selects', async () => {
    const m = /^ {2}podSelector:/m.exec(np3.getText()); // spec.podSelector, not the comment above it
    assert.ok(m);
    const offset = m.index + 2;
    const position = np3.positionAt(offset + 3);
    let last = '';
    const text = await h.waitFor(
      { what: 'a hover from netpol-lens naming the selected pods', last: () => JSON.stringify(last) },
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[] | undefined>(
          'vscode.executeHoverProvider',
          np3.uri,
          position,
        );
        last = h.hoverText(hovers ?? []);
        return /nginx3/.test(last) ? last : undefined;
      },
      { timeoutMs: 20000, intervalMs: 500 },
    );
    assert.match(text, /busybox3/);
  });

  it('applies "Allow DNS egress" and the diagnostic goes away', async () => {
    const editor = await vscode.window.showTextDocument(np3, { preview: false });
    const diag = h.ours(np3.uri).find(isDnsDiag);
    assert.ok(diag, 'missing-dns-egress is gone before the fix');
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[] | undefined>(
        'vscode.executeCodeActionProvider',
        np3.uri,
        diag.range,
        undefined,
        10,
      )) ?? [];
    const titles = actions.map((a) => a.title);
    const fix = actions.find((a) => a.title.startsWith('Allow DNS egress'));
    assert.ok(fix, `no "Allow DNS egress" action among ${JSON.stringify(titles)}`);
    if (fix.edit) assert.ok(await vscode.workspace.applyEdit(fix.edit), 'the edit did not apply');
    if (fix.command)
      await vscode.commands.executeCommand(
        fix.command.command,
        ...((fix.command.arguments ?? []) as unknown[]),
      );
    const text = np3.getText();
    assert.match(text, /kube-dns/);
    assert.match(text, /53/);
    assert.match(text, /# allow traffic from layer1 and layer2/, 'comments are kept');
    assert.match(text, /# an empty podSelector selects every pod/, 'comments are kept');
    await h.waitForDiagnostics(
      np3.uri,
      (all) => !all.some(isDnsDiag),
      'missing-dns-egress to go away after the fix',
    );
    // The fixed buffer is unsaved; put the seed back for the next tests.
    await vscode.window.showTextDocument(editor.document, { preview: false });
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.equal(np3.isDirty, false);
    await h.waitForDiagnostics(
      np3.uri,
      (all) => all.some(isDnsDiag),
      'missing-dns-egress to come back after the revert',
    );
  });

  it('shows indexing results in the language status item', async () => {
    const snap = await h.statusWithCounts(api);
    assert.match(snap.text, /3 policies · 6 workloads · 3 namespaces/);
    assert.equal(snap.command, 'netpolLens.showReachability');
    const status = api.server.status;
    assert.ok(status, 'no netpolLens/status received');
    assert.equal(status.state, 'ready');
    assert.deepEqual(
      {
        policies: status.counts.policies,
        workloads: status.counts.workloads,
        namespaces: status.counts.namespaces,
      },
      { policies: 3, workloads: 6, namespaces: 3 },
    );
  });

  it('opens the reachability view, which renders the matrix and answers explain requests', async () => {
    await vscode.commands.executeCommand('netpolLens.showReachability');
    const panel = api.currentPanel();
    assert.ok(panel, 'no reachability panel');
    assert.equal(panel.panel.viewType, 'netpolLens.reachability');
    const roots = (panel.panel.webview.options.localResourceRoots ?? []).map((u) => u.path);
    assert.equal(roots.length, 1);
    assert.match(roots[0] ?? '', /\/client\/dist$/, 'local resources are limited to the bundle folder');
    assert.match(
      panel.panel.webview.html,
      /default-src 'none'; style-src [^;]+; font-src [^;]+; img-src [^;]+; script-src 'nonce-[A-Za-z0-9]{32}'/,
    );
    assert.doesNotMatch(panel.panel.webview.html, /unsafe-inline|unsafe-eval/);
    // The real webview (in the browser) sends `ready`; the host answers with the model.
    const modelMessage = panel.model
      ? { model: panel.model }
      : await h.nextPosted(panel, h.isModel, 'the model (did the webview send "ready"?)', 45000);
    const model = modelMessage.model;
    assert.ok(panel.isReady, 'the webview never sent "ready"');
    const ids = model.endpoints
      .filter((e) => e.kind === 'workload')
      .map((e) => e.id)
      .sort();
    assert.deepEqual(ids, Object.values(W).sort());
    const allowed = (src: string, dst: string): boolean =>
      model.connections.some((c) => c.src === src && c.dst === dst);
    assert.ok(allowed(W.busybox1, W.nginx3), 'layer1 → layer3 is allowed');
    assert.ok(allowed(W.busybox2, W.nginx3), 'layer2 → layer3 is allowed');
    assert.ok(!allowed(W.busybox2, W.nginx1), 'layer2 → layer1 is denied (layer1 admits layer1 only)');
    assert.ok(!model.connections.some((c) => c.src.startsWith('layer3/')), 'layer3 has no egress');

    // Denied: layer3 egress is isolated and nothing allows it.
    const explanation =
      (id: number) =>
      (m: Parameters<typeof h.isExplanation>[0]): m is Extract<typeof m, { type: 'explanation' }> =>
        h.isExplanation(m) && m.requestId === id;
    let reply = h.nextPosted(panel, explanation(7), 'explanation #7');
    panel.receive({
      type: 'explain',
      requestId: 7,
      src: W.busybox3,
      dst: W.nginx1,
      port: { port: 80, protocol: 'TCP' },
    });
    let ex: ExplainResult = (await reply).explanation;
    assert.equal(ex.allowed, false);
    assert.equal(ex.egress.isolated, true);
    assert.ok(
      ex.egress.isolatingPolicies.some((p) => p.policy === 'layer3/np-layer3'),
      JSON.stringify(ex.egress),
    );

    // Allowed: the ingress rule of np-layer3, with a link to its line.
    reply = h.nextPosted(panel, explanation(8), 'explanation #8');
    panel.receive({
      type: 'explain',
      requestId: 8,
      src: W.busybox1,
      dst: W.nginx3,
      port: { port: 80, protocol: 'TCP' },
    });
    ex = (await reply).explanation;
    assert.equal(ex.allowed, true);
    const rule = ex.ingress.allowingRules.find((r) => r.policy === 'layer3/np-layer3');
    assert.ok(rule, JSON.stringify(ex.ingress));
    assert.match(rule.location.uri, /np-layer3\.yaml$/);

    // Following the link opens the policy at the rule.
    const opened = h.waitFor(
      'np-layer3.yaml to open at the rule',
      () =>
        vscode.window.visibleTextEditors.find(
          (e) =>
            e.document.uri.fsPath === vscode.Uri.parse(rule.location.uri).fsPath &&
            e.selection.start.line === rule.location.range.start.line,
        ),
      {
        events: [vscode.window.onDidChangeVisibleTextEditors, vscode.window.onDidChangeTextEditorSelection],
        timeoutMs: 15000,
      },
    );
    panel.receive({ type: 'open', location: rule.location });
    await opened;
  });

  it('opens the view from the code lens of a policy, focused on the pods it selects', async () => {
    const lenses =
      (await vscode.commands.executeCommand<vscode.CodeLens[] | undefined>(
        'vscode.executeCodeLensProvider',
        np3.uri,
        10,
      )) ?? [];
    const commands = lenses.flatMap((l) => (l.command ? [l.command.command] : []));
    const show = lenses.find(
      (l) => l.command?.command === 'netpolLens.showReachability' && l.command.arguments?.length,
    )?.command;
    assert.ok(show, `no "Show reachability" lens with a policy argument among ${JSON.stringify(commands)}`);
    const args: unknown[] = show.arguments ?? [];
    assert.deepEqual(
      { ...(args[0] as object), uri: undefined },
      { uri: undefined, name: 'np-layer3', namespace: 'layer3' },
    );
    // every lens command is one this client has
    const known = new Set(await vscode.commands.getCommands(true));
    for (const c of commands) assert.ok(known.has(c), `lens command ${c} is not registered`);

    const { panel, model } = await h.openFocused(
      api,
      () => vscode.commands.executeCommand(show.command, ...args),
      'np-layer3',
    );
    assert.deepEqual([...(model.focus ?? [])].sort(), [W.busybox3, W.nginx3]);
    await h.clearFocus(panel);
  });

  it('opens the view from the editor context menu, focused on the policy the server finds under the cursor', async () => {
    const editor = await vscode.window.showTextDocument(np3, { preview: false });
    const m = /^ {2}podSelector:/m.exec(np3.getText());
    assert.ok(m);
    const at = np3.positionAt(m.index + 3);
    editor.selection = new vscode.Selection(at, at);
    const { panel, model } = await h.openFocused(
      api,
      () => vscode.commands.executeCommand('netpolLens.showReachability', np3.uri),
      'np-layer3',
    );
    assert.deepEqual(model.focusPolicy, { uri: np3.uri.toString(), name: 'np-layer3', namespace: 'layer3' });
    assert.deepEqual([...(model.focus ?? [])].sort(), [W.busybox3, W.nginx3]);
    await h.clearFocus(panel);
  });

  it('explains a connection through the command', async () => {
    const ex = await vscode.commands.executeCommand<ExplainResult | undefined>(
      'netpolLens.explainConnection',
      W.busybox2,
      W.nginx1,
      '80/TCP',
    );
    assert.ok(ex, 'no explanation returned');
    assert.equal(ex.allowed, false);
    assert.equal(ex.ingress.isolated, true);
    assert.ok(ex.summary.length > 0);
  });

  it('restarts the language server on command and diagnostics come back', async () => {
    const before = await h.theServerPid();
    await vscode.commands.executeCommand('netpolLens.restartServer');
    assert.equal(api.server.state.kind, 'running');
    // the old process has exited and a new one runs
    assert.notEqual(await h.theServerPid(), before);
    await h.waitForDiagnostics(np3.uri, (all) => all.some(isDnsDiag), 'diagnostics after the restart');
  });

  it('restarts the server after a crash, quietly, and says so in the status item', async function () {
    if (process.platform !== 'linux') this.skip();
    const pid = await h.theServerPid();
    process.kill(pid, 'SIGKILL');
    await h.waitFor(
      { what: 'a restarted server', last: () => JSON.stringify(api.server.state) },
      () =>
        api.server.state.kind === 'running' &&
        api.server.state.restartedAfterCrash &&
        h.serverPids().some((p) => p !== pid),
      { events: [api.server.onState], timeoutMs: 30000 },
    );
    const snap = api.status();
    assert.equal(snap.severity, 'warning');
    assert.match(snap.detail ?? '', /restarted after a crash/);
    await h.waitForDiagnostics(np3.uri, (all) => all.some(isDnsDiag), 'diagnostics after the crash');
  });
});
