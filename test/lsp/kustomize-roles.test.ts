/**
 * While indexing, a file's role may depend on files not read yet: a kustomize patch is no resource
 * (its partial objects are no `invalid-field`), but only a kustomization says it is a patch. The
 * scan reads kustomization files first (lsp/workspace.ts `rolesKnown`), and until it has, an
 * opened file gets only what it has in either role (its parse problems, core/roots/rooted.ts
 * `roleIndependent`). Order of notifications, no timing: the scan pauses (testHooks).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ResumeIndexingNotification } from '../../server/src/protocol/testing';
import type { StatusParams } from '../../server/src/protocol/requests';
import {
  codes,
  emptyWorkspace,
  withServer,
  type LspClient,
  type Recorded,
  writeTree,
} from '../support/lsp-harness';

const FILES: Record<string, string> = {
  'app/kustomization.yaml':
    'namespace: shop\nresources:\n- web.yaml\n- bad.yaml\npatches:\n- path: patch.yaml\n',
  'app/web.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: x}]}\n',
  // a partial Deployment with a key no Deployment has: invalid-field, were it a resource
  'app/patch.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\npatches: [stray]\nspec:\n  template:\n    metadata:\n      annotations: {a: b}\n',
  // a real invalid-field (a misspelt key) in a resource
  'app/bad.yaml':
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad}\nspec:\n  podSelector: {}\n  ingres: []\n',
};

function workspace(): ReturnType<typeof emptyWorkspace> {
  const ws = emptyWorkspace();
  writeTree(ws.dir, FILES);
  return ws;
}

const isStatus = (r: Recorded): boolean => r.method === 'netpolLens/status';

async function pausedAt(client: LspClient, done: number): Promise<void> {
  await client.waitFor(
    `the scan paused at ${done} of 4 files`,
    (r) => {
      const s = r.params as StatusParams;
      return isStatus(r) && s.state === 'indexing' && s.done === done && s.total === 4;
    },
    { past: true },
  );
}

/** Every publication of `uri` so far, in order. */
const published = (client: LspClient, uri: string): string[][] =>
  client.recorded
    .filter((r) => r.method === 'textDocument/publishDiagnostics')
    .map((r) => r.params as PublishDiagnosticsParams)
    .filter((p) => p.uri === uri)
    .map((p) => codes(p.diagnostics));

describe('a kustomize patch opened while indexing', () => {
  it('before any kustomization is read: no role-dependent finding on any opened file; once indexed, the resource gets its own', async () => {
    const ws = workspace();
    await withServer(
      { workspace: ws, ready: false, initializationOptions: { testHooks: { pauseIndexingAt: 0 } } },
      async (client) => {
        await pausedAt(client, 0);
        const patch = ws.fileUri('app/patch.yaml');
        const bad = ws.fileUri('app/bad.yaml');
        await client.open(patch, FILES['app/patch.yaml'] ?? '');
        await client.open(bad, FILES['app/bad.yaml'] ?? '');
        assert.deepEqual(codes(await client.waitForDiagnostics(patch, (_d, p) => p.version === 1)), []);
        assert.deepEqual(codes(await client.waitForDiagnostics(bad, (_d, p) => p.version === 1)), []);
        await client.notify(ResumeIndexingNotification, {});
        await client.waitForReady(false);
        await client.waitForDiagnostics(bad, (d) => codes(d).includes('invalid-field'));
        // the patch never showed invalid-field, before or after
        assert.ok(
          published(client, patch).every((c) => !c.includes('invalid-field')),
          JSON.stringify(published(client, patch)),
        );
      },
    );
  });

  it('kustomization files are read first: once they are, an opened resource gets its per-file findings at once and the patch none', async () => {
    const ws = workspace();
    await withServer(
      { workspace: ws, ready: false, initializationOptions: { testHooks: { pauseIndexingAt: 1 } } },
      async (client) => {
        await pausedAt(client, 1);
        const patch = ws.fileUri('app/patch.yaml');
        const bad = ws.fileUri('app/bad.yaml');
        await client.open(patch, FILES['app/patch.yaml'] ?? '');
        await client.open(bad, FILES['app/bad.yaml'] ?? '');
        assert.deepEqual(codes(await client.waitForDiagnostics(patch, (_d, p) => p.version === 1)), []);
        assert.deepEqual(codes(await client.waitForDiagnostics(bad, (_d, p) => p.version === 1)), [
          'invalid-field',
        ]);
        const status = client.recorded.filter(isStatus).map((r) => r.params as StatusParams);
        assert.equal(status[status.length - 1]?.state, 'indexing', 'still indexing');
        await client.notify(ResumeIndexingNotification, {});
        await client.waitForReady(false);
        assert.ok(published(client, patch).every((c) => !c.includes('invalid-field')));
      },
    );
  });
});
