// The extension in a multi-root workspace (test/e2e/fixtures/multi-root): one server and one
// index for both folders, and settings read per resource (the "apps" folder raises
// missing-dns-egress to an error through a folder-level setting).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as h from '../suite/helpers';

function folderUri(name: string, relative: string): vscode.Uri {
  const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => f.name === name);
  assert.ok(folder, `no workspace folder named ${name}`);
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

describe('netpol-lens in a multi-root workspace', function () {
  this.timeout(90000);
  let api: h.TestApi;

  it('opens both folders and starts one server', async () => {
    assert.deepEqual(
      (vscode.workspace.workspaceFolders ?? []).map((f) => f.name),
      ['platform', 'apps'],
    );
    const doc = await vscode.workspace.openTextDocument(folderUri('apps', 'layer3/np-layer3.yaml'));
    await vscode.window.showTextDocument(doc);
    api = await h.activeWithServer();
  });

  it('indexes across folders: namespaces of "platform" resolve selectors in "apps"', async () => {
    const snap = await h.statusWithCounts(api);
    assert.match(snap.text, /3 policies · 6 workloads · 3 namespaces/);
    const uri = folderUri('apps', 'layer3/np-layer3.yaml');
    const ds = await h.waitForDiagnostics(
      uri,
      (all) => all.some((d) => h.codeOf(d) === 'missing-dns-egress'),
      'missing-dns-egress in apps',
    );
    assert.deepEqual(
      ds.filter((d) => /selector-matches-nothing/.test(String(h.codeOf(d)))).map((d) => d.message),
      [],
      'layer3 selects namespaces that live in the other folder',
    );
  });

  it('reads settings per folder: missing-dns-egress is an error in "apps" only', async () => {
    const uri = folderUri('apps', 'layer3/np-layer3.yaml');
    const ds = await h.waitForDiagnostics(
      uri,
      (all) =>
        all.some(
          (d) => h.codeOf(d) === 'missing-dns-egress' && d.severity === vscode.DiagnosticSeverity.Error,
        ),
      'missing-dns-egress as an error (folder setting)',
    );
    assert.ok(ds.length > 0);
    // "platform" keeps the defaults: egress-allows-all stays a warning there
    const p1 = folderUri('platform', 'layer1/np-layer1.yaml');
    const platform = await h.waitForDiagnostics(
      p1,
      (all) => all.some((d) => h.codeOf(d) === 'egress-allows-all'),
      'egress-allows-all in platform',
    );
    assert.equal(
      platform.find((d) => h.codeOf(d) === 'egress-allows-all')?.severity,
      vscode.DiagnosticSeverity.Warning,
    );
  });
});
