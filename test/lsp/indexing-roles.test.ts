/**
 * Target 1 of issue 9 for a buffer opened before the scan knows the files' roles (an editor
 * restoring its tabs at start): until the kustomization files are read, an opened file gets only
 * what it has in any role; once they are (they are read first), its findings that need only that
 * file are published, while the rest of the workspace is still being read, not only at the end of
 * the scan. Before, nothing was published again until the whole index was read (8 s on the large
 * bench workspace). Order of notifications, no timing: the scan is held at 0 files
 * (testHooks.pauseIndexingAt) and the buffer opened then.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PublishDiagnosticsParams } from 'vscode-languageserver-protocol';
import { ALL_CODES } from '../../server/src/core/index';
import { ResumeIndexingNotification } from '../../server/src/protocol/testing';
import type { StatusParams } from '../../server/src/protocol/requests';
import { codes, emptyWorkspace, withServer, type Recorded, writeTree } from '../support/lsp-harness';

const WORKSPACE_CODES = new Set(ALL_CODES.filter((c) => c.scope === 'workspace').map((c) => c.code));
// invalid-port needs only the file; namespace-selector-matches-nothing needs every Namespace
const POLICY =
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: nobody}}\n    ports:\n    - port: 70000\n';

function workspace(dir: string): void {
  const files: Record<string, string> = {
    'app/kustomization.yaml': 'resources:\n- web.yaml\n',
    'app/web.yaml':
      'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {containers: [{name: c, image: x}]}\n',
    'policies/p.yaml': POLICY,
  };
  // several of the scan's batches (128 files each) to read after the kustomization
  for (let i = 0; i < 600; i++)
    files[`filler/ns-${i}.yaml`] =
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: n${i}, labels: {team: t${i}}}\n`;
  writeTree(dir, files);
}

describe('a buffer opened before the roles of files are known', () => {
  it('gets its per-file findings once the kustomizations are read, before the index is complete', () => {
    const ws = emptyWorkspace();
    workspace(ws.dir);
    return withServer(
      { workspace: ws, ready: false, initializationOptions: { testHooks: { pauseIndexingAt: 0 } } },
      async (client) => {
        await client.waitFor(
          'the scan held at 0 files',
          (r) =>
            r.method === 'netpolLens/status' &&
            (r.params as StatusParams).state === 'indexing' &&
            ((r.params as StatusParams).total ?? 0) > 0,
          { past: true },
        );
        const uri = ws.fileUri('policies/p.yaml');
        await client.open(uri, POLICY);
        // the kustomization not read yet: only what the file has in any role (no parse problem here)
        const first = await client.waitForDiagnostics(uri, (_d, p) => p.version === 1);
        assert.deepEqual(codes(first), []);
        await client.notify(ResumeIndexingNotification, {});
        await client.waitForReady();
        const at = (pred: (r: Recorded) => boolean): number => client.recorded.findIndex(pred);
        const indexed = at(
          (r) =>
            r.method === 'window/logMessage' &&
            /^Indexed \d+ files/.test((r.params as { message: string }).message),
        );
        const perFile = at(
          (r) =>
            r.method === 'textDocument/publishDiagnostics' &&
            (r.params as PublishDiagnosticsParams).uri === uri &&
            codes((r.params as PublishDiagnosticsParams).diagnostics).includes('invalid-port'),
        );
        assert.ok(indexed > 0, 'the index completed');
        assert.ok(
          perFile >= 0 && perFile < indexed,
          `invalid-port published at message ${perFile}, indexed at ${indexed}`,
        );
        // what came before the index needs only the file
        const early = client.recorded
          .slice(0, indexed)
          .filter(
            (r) =>
              r.method === 'textDocument/publishDiagnostics' &&
              (r.params as PublishDiagnosticsParams).uri === uri,
          )
          .flatMap((r) => codes((r.params as PublishDiagnosticsParams).diagnostics));
        assert.deepEqual(
          early.filter((c) => WORKSPACE_CODES.has(c)),
          [],
        );
        const final = await client.waitForDiagnostics(uri, (d) =>
          codes(d).includes('namespace-selector-matches-nothing'),
        );
        assert.ok(codes(final).includes('invalid-port'));
      },
    );
  });
});
