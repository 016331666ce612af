/**
 * Other clients and transports: `--node-ipc` (what the VS Code client uses), and a minimal client
 * that declares no optional capability (the server must fall back on plain protocol).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostic, SymbolInformation } from 'vscode-languageserver-protocol';
import { codes, LspClient, withServer } from '../support/lsp-harness';

describe('transports and minimal clients', () => {
  it('speaks LSP over --node-ipc', async () => {
    const { client, init } = await LspClient.start({ args: ['--node-ipc'], capabilities: {} });
    const exitCode = await client.stop();
    assert.equal(init.serverInfo?.name, 'netpol-lens');
    assert.equal(exitCode, 0, 'exits with 0 after shutdown and exit');
  });

  it('serves a client without optional capabilities', () =>
    withServer({ capabilities: {}, ready: false }, async (client, ws) => {
      const np3 = ws.fileUri('layer3/np-layer3.yaml');
      const ds: Diagnostic[] = await client.waitForDiagnostics(np3, (d) =>
        codes(d).includes('missing-dns-egress'),
      );
      const d = ds.find((x) => x.code === 'missing-dns-egress');
      assert.ok(d);
      assert.equal(d.relatedInformation, undefined, 'no relatedInformation without the capability');
      assert.equal(d.codeDescription, undefined);
      assert.match(
        d.message,
        /busybox3\[Deployment\]/,
        'the related objects are listed in the message instead',
      );
      assert.equal(
        client.serverRequests.filter((r) => r.method !== 'workspace/configuration').length,
        0,
        `no progress, registrations or configuration requests: ${client.serverRequests.map((r) => r.method).join(', ')}`,
      );
      // code actions need CodeAction literals; symbols come flat
      const actions = await client.codeActionsFor(np3, d);
      assert.deepEqual(actions, []);
      await client.open(np3, readFileSync(join(ws.dir, 'layer3/np-layer3.yaml'), 'utf8'));
      const symbols = await client.request<SymbolInformation[]>('textDocument/documentSymbol', {
        textDocument: { uri: np3 },
      });
      assert.ok(symbols.length >= 2);
      assert.equal(symbols[0]?.name, 'np-layer3');
      assert.equal(symbols[0]?.location.uri, np3);
      assert.equal(symbols[1]?.containerName, 'np-layer3');
      const published = await client.waitForDiagnostics(
        np3,
        (_x, p) => p.version === undefined || p.version === 1,
      );
      assert.ok(published.length > 0);
    }));
});
