// The changes against git in a real VS Code, on the seed example: the workspace copy is committed
// to a fresh repository, then np-layer1.yaml gets the one unsaved edit that lets layer2 reach
// layer1's pods on TCP 80. The policy's code lens says what the edit opens, and clicking it opens
// the reachability view in changes mode with the count. Runs after the other suites of the run
// (they see no repository).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as vscode from 'vscode';
import type { HostToWebview } from '../../../server/src/protocol/webview';
import * as h from './helpers';

const NP1 = 'layer1/np-layer1.yaml';
const EDIT = `  # the one edit: layer2 may reach layer1's web servers on port 80
  - from:
    - namespaceSelector:
        matchLabels:
          role: layer2
    ports:
    - port: 80
      protocol: TCP
`;

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync(
    'git',
    ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
}

type ModelMessage = Extract<HostToWebview, { type: 'model' }>;
/** The one member of VS Code's git extension API this test uses. */
interface GitExtensionLike {
  getAPI(version: 1): { openRepository(root: vscode.Uri): Promise<unknown> };
}

describe('changes against git HEAD (seed example)', function () {
  this.timeout(120000);

  it('the code lens of an edited policy and the view in changes mode count what the edit opens', async () => {
    const api = await h.activeWithServer();
    const folder = h.workspaceUri('').fsPath;
    git(folder, 'init', '-q');
    git(folder, 'add', '-A');
    git(folder, 'commit', '-q', '-m', 'seed');
    // VS Code's git extension opens the new repository: the server reads the base through it
    const gitExt = vscode.extensions.getExtension<GitExtensionLike>('vscode.git');
    assert.ok(gitExt, 'the built-in git extension is missing from this VS Code build');
    const gitApi = (await gitExt.activate()).getAPI(1);
    await h.waitFor(
      'the git extension to open the repository',
      async () => (await gitApi.openRepository(vscode.Uri.file(folder))) ?? undefined,
      { timeoutMs: 30000, intervalMs: 500 },
    );

    const doc = await h.open(NP1);
    const editor = await vscode.window.showTextDocument(doc);
    const text = doc.getText();
    const at = text.indexOf('  # an empty egress rule');
    assert.ok(at > 0, 'the seed np-layer1.yaml changed: no "# an empty egress rule" line');
    await editor.edit((b) => b.insert(doc.positionAt(at), EDIT));
    assert.ok(doc.isDirty);

    // the lens appears once the server has the edit (unsaved) and has compared with HEAD
    const lens = await h.waitFor(
      'the change code lens "opens 4 connections"',
      async () => {
        const lenses =
          (await vscode.commands.executeCommand<vscode.CodeLens[] | undefined>(
            'vscode.executeCodeLensProvider',
            doc.uri,
            10,
          )) ?? [];
        return lenses.find((l) => l.command?.title.startsWith('opens'));
      },
      { timeoutMs: 45000, intervalMs: 500 },
    );
    assert.equal(lens.command?.title, 'opens 4 connections');
    assert.equal(lens.command?.command, 'netpolLens.showReachability');
    assert.match(
      lens.command?.tooltip ?? '',
      /opened: layer2\/nginx2\[Deployment\] → layer1\/nginx1\[Deployment\] TCP 80 \(by `layer1\/np-layer1` ingress rule 2, np-layer1\.yaml:\d+\)/,
    );

    // clicking it opens the view in changes mode, focused on np-layer1, with the count
    const inChanges = (m: HostToWebview): m is ModelMessage =>
      h.isModel(m) &&
      m.mode === 'changes' &&
      m.focusPolicy?.name === 'np-layer1' &&
      m.changes?.available === true;
    const existing = api.currentPanel();
    const created = existing
      ? Promise.resolve(existing)
      : new Promise<h.Panel>((resolve) => {
          const d = api.onDidCreatePanel((p) => {
            d.dispose();
            resolve(p);
          });
        });
    const firstModel = existing
      ? h.nextPosted(existing, inChanges, 'a changes-mode model', 45000)
      : undefined;
    const args: unknown[] = lens.command.arguments ?? [];
    await vscode.commands.executeCommand(lens.command.command, ...args);
    const panel = await created;
    const model = await (firstModel ?? h.nextPosted(panel, inChanges, 'a changes-mode model', 45000));
    assert.equal(panel.viewMode, 'changes');
    const changes = model.changes;
    assert.ok(changes?.available, JSON.stringify(changes));
    assert.deepEqual(changes.counts, { opened: 4, closed: 0 });
    assert.match(changes.base, /^HEAD \([0-9a-f]{8}\)$/);
    assert.deepEqual(changes.via, ['vscode.git'], 'the base was not read through the git extension');
    assert.deepEqual(changes.changes.map((c) => `${c.src} → ${c.dst}`).sort(), [
      'layer2/busybox2[Deployment] → layer1/busybox1[Deployment]',
      'layer2/busybox2[Deployment] → layer1/nginx1[Deployment]',
      'layer2/nginx2[Deployment] → layer1/busybox1[Deployment]',
      'layer2/nginx2[Deployment] → layer1/nginx1[Deployment]',
    ]);

    // undone, the lens goes away (nothing differs from HEAD)
    const again = await vscode.window.showTextDocument(doc);
    await again.edit((b) =>
      b.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text),
    );
    assert.equal(doc.getText(), text);
    await h.waitFor(
      'the change code lens to go away after the revert',
      async () => {
        const lenses =
          (await vscode.commands.executeCommand<vscode.CodeLens[] | undefined>(
            'vscode.executeCodeLensProvider',
            doc.uri,
            10,
          )) ?? [];
        return lenses.length > 0 && !lenses.some((l) => /^(opens|closes)/.test(l.command?.title ?? ''))
          ? true
          : undefined;
      },
      { timeoutMs: 30000, intervalMs: 500 },
    );
  });
});
