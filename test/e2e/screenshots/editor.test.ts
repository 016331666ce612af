// Not a test suite: sets the editor up for the README screenshot (scripts/screenshots.sh) — the
// reachability view beside np-layer3.yaml, with either the hover on spec.podSelector
// (E2E_SHOT=hover, the default) or the hover on its missing-dns-egress diagnostic
// (E2E_SHOT=diagnostic). The harness takes the picture when this finishes (E2E_SCREENSHOT), once
// what E2E_SCREENSHOT_READY names is on screen (the hover, the painted matrix and explanation).
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as h from '../suite/helpers';

describe('screenshot setup', function () {
  this.timeout(90000);

  it('opens the editor, the view and the hover', async () => {
    const doc = await h.open('layer3/np-layer3.yaml');
    const api = await h.testApi();
    await h.waitForDiagnostics(
      doc.uri,
      (all) => all.some((d) => h.codeOf(d) === 'missing-dns-egress'),
      'diagnostics',
    );
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('netpolLens.showReachability');
    const panel = api.currentPanel();
    assert.ok(panel, 'no reachability panel');
    if (!panel.model) await h.nextPosted(panel, h.isModel, 'the model', 45000);
    const explained = h.nextPosted(panel, h.isExplanation, 'the explanation');
    await vscode.commands.executeCommand(
      'netpolLens.explainConnection',
      'layer2/busybox2[Deployment]',
      'layer3/nginx3[Deployment]',
      '80/TCP',
    );
    await explained;
    const editor = await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.One,
      preserveFocus: false,
    });
    let pos: vscode.Position;
    if (process.env.E2E_SHOT === 'diagnostic') {
      const diag = h.ours(doc.uri).find((d) => h.codeOf(d) === 'missing-dns-egress');
      assert.ok(diag);
      pos = diag.range.start.translate(0, 1);
    } else {
      const m = /^ {2}podSelector:/m.exec(doc.getText());
      assert.ok(m);
      pos = doc.positionAt(m.index + 4);
    }
    editor.selection = new vscode.Selection(pos, pos);
    await vscode.commands.executeCommand('editor.action.showHover');
  });
});
