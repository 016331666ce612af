/**
 * The workspace index over the wire: initialize, background indexing with work-done progress and
 * `netpolLens/status`, diagnostics for files that are not open, watched-file changes, workspace
 * folder changes and exclude globs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codes, has, hasNot, lspSuite, positionOf, withServer, type Recorded } from '../support/lsp-harness';
import type { StatusParams } from '../../server/src/protocol/requests';
import { ResumeIndexingNotification } from '../../server/src/protocol/testing';

const NS_SELECTOR = 'namespace-selector-matches-nothing';
const CREATED = 1;
const CHANGED = 2;
const DELETED = 3;

describe('workspace indexing', () => {
  const server = lspSuite({ ready: false });
  const { ws } = server;

  it('answers initialize with its capabilities', () => {
    const caps = server.init.capabilities;
    assert.equal(server.init.serverInfo?.name, 'netpol-lens');
    assert.deepEqual(caps.textDocumentSync, { openClose: true, change: 2 });
    assert.deepEqual(caps.workspace?.workspaceFolders, { supported: true, changeNotifications: true });
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.ok(caps.documentSymbolProvider);
    assert.ok(caps.completionProvider);
    assert.deepEqual(caps.codeLensProvider, { resolveProvider: false });
    const kinds = (caps.codeActionProvider as { codeActionKinds: string[] }).codeActionKinds;
    assert.ok(kinds.includes('quickfix'));
    assert.ok(kinds.some((k) => k.startsWith('source.')));
  });

  it('publishes diagnostics for files that are not open once the workspace is indexed', async () => {
    const l1 = await server.client.waitForDiagnostics(
      ws.fileUri('layer1/np-layer1.yaml'),
      (d) => d.length > 0,
    );
    const l2 = await server.client.waitForDiagnostics(
      ws.fileUri('layer2/np-layer2.yaml'),
      (d) => d.length > 0,
    );
    assert.ok(codes(l1).includes('egress-allows-all'));
    assert.ok(codes(l2).includes('egress-allows-all'));
    const d = l1.find((x) => x.code === 'egress-allows-all');
    assert.ok(d);
    assert.equal(d.source, 'netpol-lens');
    assert.equal(d.severity, 2);
    assert.match(d.codeDescription?.href ?? '', /#egress-allows-all$/);
    const at = positionOf(readFileSync(join(ws.dir, 'layer1/np-layer1.yaml'), 'utf8'), '- {}');
    assert.deepEqual(d.range, {
      start: { line: at.line, character: at.character + 2 },
      end: { line: at.line, character: at.character + 4 },
    });
  });

  it('reports indexing with work-done progress and netpolLens/status', async () => {
    const ready = await server.client.waitForReady();
    assert.deepEqual(ready.counts, { policies: 3, workloads: 6, namespaces: 3, files: 9 });
    assert.equal(ready.problems, 0);
    const create = server.client.serverRequests.find((r) => r.method === 'window/workDoneProgress/create');
    assert.ok(create, 'the server creates a progress token');
    const token = (create.params as { token: string | number }).token;
    await server.client.waitFor(
      'progress end',
      (r: Recorded) =>
        r.method === '$/progress' && (r.params as { value: { kind: string } }).value.kind === 'end',
      { past: true },
    );
    const progress = server.client.recorded
      .filter((r) => r.method === '$/progress' && (r.params as { token: unknown }).token === token)
      .map((r) => (r.params as { value: { kind: string; message?: string } }).value);
    assert.equal(progress[0]?.kind, 'begin');
    assert.equal(progress[progress.length - 1]?.kind, 'end');
    assert.ok(
      progress.some((v) => v.kind === 'report' && /^9\/9 files$/.test(v.message ?? '')),
      JSON.stringify(progress),
    );
    const statuses = server.client.recorded
      .filter((r) => r.method === 'netpolLens/status')
      .map((r) => r.params as StatusParams);
    assert.equal(statuses[0]?.state, 'indexing');
    assert.ok(statuses.some((s) => s.state === 'indexing' && s.total === 9));
  });

  it('registers file watchers and configuration changes dynamically', () => {
    const regs = server.client.serverRequests
      .filter((r) => r.method === 'client/registerCapability')
      .flatMap((r) =>
        (r.params as { registrations: Array<{ method: string }> }).registrations.map((x) => x.method),
      );
    assert.ok(regs.includes('workspace/didChangeWatchedFiles'), regs.join(', '));
    assert.ok(regs.includes('workspace/didChangeConfiguration'), regs.join(', '));
  });

  it('follows watched-file deletes and creates: a namespace selector matching nothing appears and disappears', async () => {
    const np1 = ws.fileUri('layer1/np-layer1.yaml');
    const ns1 = join(ws.dir, 'layer1/namespace.yaml');
    const original = readFileSync(ns1, 'utf8');
    await server.client.waitForDiagnostics(np1, hasNot(NS_SELECTOR));
    // without the Namespace manifest, layer1 is only implied and has no role label
    unlinkSync(ns1);
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: ws.fileUri('layer1/namespace.yaml'), type: DELETED }],
    });
    const gone = await server.client.waitForDiagnostics(
      np1,
      has(NS_SELECTOR),
      'namespace-selector-matches-nothing in np-layer1',
    );
    const d = gone.find((x) => x.code === NS_SELECTOR);
    assert.ok(d);
    assert.match(d.message, /role/);
    // np-layer2 and np-layer3 still match layer2
    assert.ok(
      !codes(server.client.diagnostics.get(ws.fileUri('layer2/np-layer2.yaml'))?.diagnostics ?? []).includes(
        NS_SELECTOR,
      ),
    );
    // a new file declares it again
    writeFileSync(join(ws.dir, 'layer1/ns-again.yaml'), original);
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: ws.fileUri('layer1/ns-again.yaml'), type: CREATED }],
    });
    await server.client.waitForDiagnostics(np1, hasNot(NS_SELECTOR), 'the finding disappears');
    unlinkSync(join(ws.dir, 'layer1/ns-again.yaml'));
    writeFileSync(ns1, original);
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: ws.fileUri('layer1/ns-again.yaml'), type: DELETED },
        { uri: ws.fileUri('layer1/namespace.yaml'), type: CREATED },
      ],
    });
    await server.client.waitForDiagnostics(np1, hasNot(NS_SELECTOR));
  });

  it('with the role labels removed from every Namespace, each policy gets namespace-selector-matches-nothing with a kubernetes.io/metadata.name fix', async () => {
    const originals = new Map<string, string>();
    for (const l of ['layer1', 'layer2', 'layer3']) {
      const p = join(ws.dir, l, 'namespace.yaml');
      originals.set(p, readFileSync(p, 'utf8'));
      writeFileSync(p, `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${l}\n`);
    }
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: ['layer1', 'layer2', 'layer3'].map((l) => ({
        uri: ws.fileUri(`${l}/namespace.yaml`),
        type: CHANGED,
      })),
    });
    for (const l of ['layer1', 'layer2', 'layer3']) {
      const ds = await server.client.waitForDiagnostics(
        ws.fileUri(`${l}/np-${l}.yaml`),
        has(NS_SELECTOR),
        `${NS_SELECTOR} in np-${l}`,
      );
      const d = ds.find((x) => x.code === NS_SELECTOR);
      const fixes = (d?.data as { fixes: Array<{ title: string; data?: unknown }> }).fixes;
      assert.ok(
        fixes.some((f) => JSON.stringify(f).includes('kubernetes.io/metadata.name')),
        JSON.stringify(fixes),
      );
    }
    for (const [p, text] of originals) writeFileSync(p, text);
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: ['layer1', 'layer2', 'layer3'].map((l) => ({
        uri: ws.fileUri(`${l}/namespace.yaml`),
        type: CHANGED,
      })),
    });
    for (const l of ['layer1', 'layer2', 'layer3'])
      await server.client.waitForDiagnostics(ws.fileUri(`${l}/np-${l}.yaml`), hasNot(NS_SELECTOR));
  });

  it('follows a rename (delete + create)', async () => {
    const from = join(ws.dir, 'layer2/np-layer2.yaml');
    const to = join(ws.dir, 'layer2/renamed.yaml');
    const oldUri = ws.fileUri('layer2/np-layer2.yaml');
    const newUri = ws.fileUri('layer2/renamed.yaml');
    await server.client.waitForDiagnostics(oldUri, has('egress-allows-all'));
    renameSync(from, to);
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: oldUri, type: DELETED },
        { uri: newUri, type: CREATED },
      ],
    });
    await server.client.waitForDiagnostics(newUri, has('egress-allows-all'));
    await server.client.waitForDiagnostics(oldUri, (d) => d.length === 0);
    assert.ok(!codes(server.client.diagnostics.get(newUri)?.diagnostics ?? []).includes('duplicate-policy'));
    renameSync(to, from);
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: newUri, type: DELETED },
        { uri: oldUri, type: CREATED },
      ],
    });
    await server.client.waitForDiagnostics(oldUri, has('egress-allows-all'));
    await server.client.waitForDiagnostics(newUri, (d) => d.length === 0);
  });

  it('drops every file of a deleted folder', async () => {
    const dir = join(ws.dir, 'extra');
    mkdirSync(dir);
    const np =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: extra\n  namespace: layer1\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - {}\n';
    writeFileSync(join(dir, 'np.yaml'), np);
    const uri = ws.fileUri('extra/np.yaml');
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: ws.fileUri('extra'), type: CREATED }],
    });
    await server.client.waitForDiagnostics(
      uri,
      has('egress-allows-all'),
      'diagnostics of a file in a folder created in the workspace',
    );
    rmSync(dir, { recursive: true });
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: ws.fileUri('extra'), type: DELETED }],
    });
    await server.client.waitForDiagnostics(uri, (d) => d.length === 0, 'diagnostics cleared');
  });

  it('reports a file with a YAML syntax error as a diagnostic, and keeps serving', async () => {
    const p = join(ws.dir, 'layer2/broken.yaml');
    writeFileSync(p, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: [broken\n');
    const uri = ws.fileUri('layer2/broken.yaml');
    await server.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: CREATED }] });
    const ds = await server.client.waitForDiagnostics(uri, has('yaml-syntax-error'));
    assert.equal(ds.find((d) => d.code === 'yaml-syntax-error')?.severity, 1);
    unlinkSync(p);
    await server.client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri, type: DELETED }] });
    await server.client.waitForDiagnostics(uri, (d) => d.length === 0);
  });
});

describe('workspace folders and excludes', () => {
  const server = lspSuite({
    folders: (dir) => [join(dir, 'layer1'), join(dir, 'layer2')],
    settings: { exclude: ['np-*.yaml'] },
    filesExclude: { '**/apps.yaml': false },
    ready: false,
  });
  const { ws } = server;

  it('leaves out files matched by netpolLens.exclude', async () => {
    const ready = await server.client.waitForReady();
    assert.equal(ready.counts.policies, 0);
    assert.equal(ready.counts.workloads, 4);
    assert.equal(server.client.diagnostics.get(ws.fileUri('layer1/np-layer1.yaml')), undefined);
  });

  it('re-indexes when the exclude setting changes', async () => {
    server.client.settings = {};
    server.client.filesExclude = { 'layer1/**': false, '**/np-layer2.yaml': true };
    await server.client.notify('workspace/didChangeConfiguration', { settings: null });
    await server.client.waitForDiagnostics(ws.fileUri('layer1/np-layer1.yaml'), has('egress-allows-all'));
    const status = await server.client.waitFor<StatusParams>(
      'status with one policy',
      (r) =>
        r.method === 'netpolLens/status' &&
        (r.params as StatusParams).state === 'ready' &&
        (r.params as StatusParams).counts.policies === 1,
      { past: true },
    );
    assert.equal(status.counts.workloads, 4);
    assert.equal(
      server.client.diagnostics.get(ws.fileUri('layer2/np-layer2.yaml')),
      undefined,
      'files.exclude applies',
    );
  });

  it('indexes an added workspace folder and forgets a removed one', async () => {
    const np3 = ws.fileUri('layer3/np-layer3.yaml');
    await server.client.notify('workspace/didChangeWorkspaceFolders', {
      event: { added: [{ uri: ws.fileUri('layer3'), name: 'layer3' }], removed: [] },
    });
    await server.client.waitForDiagnostics(np3, has('missing-dns-egress'));
    await server.client.notify('workspace/didChangeWorkspaceFolders', {
      event: { added: [], removed: [{ uri: ws.fileUri('layer3'), name: 'layer3' }] },
    });
    await server.client.waitForDiagnostics(np3, (d) => d.length === 0, 'np-layer3 cleared');
  });

  it('analyses an open buffer outside every folder, and forgets it on close', async () => {
    const uri = 'untitled:Untitled-1';
    const text =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: scratch\n  namespace: layer1\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - {}\n';
    await server.client.open(uri, text);
    await server.client.waitForDiagnostics(uri, has('egress-allows-all'));
    await server.client.close(uri);
    await server.client.waitForDiagnostics(uri, (d) => d.length === 0);
  });
});

describe('open buffers while the workspace is being indexed', () => {
  /** Enough files that indexing takes many batches. */
  const filler = (ws: string): void => {
    const dir = join(ws, 'filler');
    mkdirSync(dir);
    for (let i = 0; i < 600; i++) {
      writeFileSync(
        join(dir, `app-${String(i).padStart(3, '0')}.yaml`),
        [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          `  name: app-${i}`,
          '  namespace: filler',
          'spec:',
          '  selector:',
          '    matchLabels:',
          `      app: app-${i}`,
          '  template:',
          '    metadata:',
          '      labels:',
          `        app: app-${i}`,
          '    spec:',
          '      containers:',
          '      - name: c',
          '        image: nginx',
          '        ports:',
          '        - containerPort: 80',
          '',
        ].join('\n'),
      );
    }
  };

  it('publishes an open document before the index is complete, and refreshes it when it is', () =>
    // the scan pauses after 100 of its 609 files until the buffer's first diagnostics are in: on a
    // quick machine the whole scan could otherwise end before the didOpen is read
    withServer(
      { prepare: filler, ready: false, initializationOptions: { testHooks: { pauseIndexingAt: 100 } } },
      async (client, ws) => {
        const np3 = ws.fileUri('layer3/np-layer3.yaml');
        await client.open(np3, readFileSync(join(ws.dir, 'layer3/np-layer3.yaml'), 'utf8'));
        await client.waitForDiagnostics(
          np3,
          (_d, p) => p.version === 1,
          'first diagnostics of the open buffer',
        );
        await client.notify(ResumeIndexingNotification, {});
        const firstPublish = client.recorded.findIndex(
          (r) => r.method === 'textDocument/publishDiagnostics' && (r.params as { uri: string }).uri === np3,
        );
        const ready = await client.waitForReady();
        const readyAt = client.recorded.findIndex(
          (r) => r.method === 'netpolLens/status' && (r.params as StatusParams).state === 'ready',
        );
        assert.ok(firstPublish < readyAt, `published at message ${firstPublish}, ready at ${readyAt}`);
        assert.ok(
          client.recorded
            .slice(0, firstPublish)
            .every(
              (r) => r.method !== 'netpolLens/status' || (r.params as StatusParams).state === 'indexing',
            ),
        );
        assert.equal(ready.counts.workloads, 606);
        const final = await client.waitForDiagnostics(np3, (d) => codes(d).includes('missing-dns-egress'));
        assert.equal(
          (final.find((d) => d.code === 'missing-dns-egress')?.data as { version: number }).version,
          1,
        );
      },
    ));
});
