/**
 * Other clients and transports: `--node-ipc` (what the VS Code client uses), and a minimal client
 * that declares no optional capability (the server must fall back on plain protocol).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import type {
  CodeAction,
  Diagnostic,
  InitializeResult,
  SymbolInformation,
} from 'vscode-languageserver-protocol';
import { codes, LspClient, SERVER_JS, tempWorkspace, TIMEOUT, withTimeout } from '../support/lsp-harness';

describe('transports and minimal clients', () => {
  const ws = tempWorkspace();
  const clients: LspClient[] = [];
  after(async () => {
    for (const c of clients) await c.stop();
    ws.dispose();
  });

  it('speaks LSP over --node-ipc', async () => {
    const child = fork(SERVER_JS, ['--node-ipc'], { silent: true });
    const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    conn.listen();
    try {
      const init = await withTimeout(
        conn.sendRequest<InitializeResult>('initialize', {
          processId: process.pid,
          rootUri: null,
          capabilities: {},
        }),
        TIMEOUT,
        'initialize',
      );
      assert.equal(init.serverInfo?.name, 'netpol-lens');
      await conn.sendNotification('initialized', {});
      await withTimeout(conn.sendRequest('shutdown'), TIMEOUT, 'shutdown');
      const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
      await conn.sendNotification('exit');
      assert.equal(await withTimeout(exited, TIMEOUT, 'exit'), 0);
    } finally {
      conn.dispose();
      if (child.exitCode === null) child.kill();
    }
  });

  it('serves a client without optional capabilities', async () => {
    const { client } = await LspClient.start({ folders: [ws.dir], capabilities: {} });
    clients.push(client);
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
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: np3 },
      range: d.range,
      context: { diagnostics: [d] },
    });
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
  });
});
