// The extension in an untrusted workspace (restricted mode): it declares
// `capabilities.untrustedWorkspaces.supported: true` because it executes nothing from the
// workspace, so the server must run and report as usual.
'use strict';
const assert = require('node:assert/strict');
const vscode = require('vscode');
const h = require('../suite/helpers');

describe('netpol-lens in an untrusted workspace', function () {
  this.timeout(90000);

  it('runs in restricted mode and still reports diagnostics', async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the workspace is trusted: the run is not testing restricted mode');
    const doc = await h.open('layer3/np-layer3.yaml');
    const ext = h.extension();
    await h.waitFor('the extension to activate', () => ext.isActive, { timeoutMs: 30000 });
    const api = await h.testApi();
    h.setFailFast(() => (api.server.state.kind === 'failed' ? `the language server failed: ${api.server.state.message}` : undefined));
    await h.waitFor('the language server to run', () => api.server.state.kind === 'running', { events: [api.server.onState], timeoutMs: 30000 });
    await h.waitForDiagnostics(doc.uri, (all) => all.some((d) => d.source === 'netpol-lens' && h.codeOf(d) === 'missing-dns-egress'), 'missing-dns-egress');
  });
});
