// Sanity checks of the test host itself: if these fail, the harness is broken, not the extension.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

describe('test host', () => {
  it('runs in a Node extension host with the examples workspace open', () => {
    assert.equal(typeof process.versions.node, 'string');
    console.log(
      `extension host: node ${process.versions.node}, vscode ${vscode.version}, uiKind ${vscode.env.uiKind}`,
    );
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
  });

  it('has the extension under development installed', () => {
    const ext = vscode.extensions.getExtension('netpol-lens.netpol-lens');
    assert.ok(ext, 'netpol-lens.netpol-lens not found');
  });
});
