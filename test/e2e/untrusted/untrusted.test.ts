// The extension in an untrusted workspace (restricted mode): it declares
// `capabilities.untrustedWorkspaces.supported: "limited"` (no git, no kustomize there), so the
// server must still run and report as usual.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as h from '../suite/helpers';

describe('netpol-lens in an untrusted workspace', function () {
  this.timeout(90000);

  it('runs in restricted mode and still reports diagnostics', async () => {
    assert.equal(
      vscode.workspace.isTrusted,
      false,
      'the workspace is trusted: the run is not testing restricted mode',
    );
    const doc = await h.open('layer3/np-layer3.yaml');
    await h.activeWithServer();
    await h.waitForDiagnostics(
      doc.uri,
      (all) => all.some((d) => d.source === 'netpol-lens' && h.codeOf(d) === 'missing-dns-egress'),
      'missing-dns-egress',
    );
  });
});
