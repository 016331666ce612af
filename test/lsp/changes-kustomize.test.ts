/**
 * The change lens where a kustomization is the workspace's one analysis root: the policies are the
 * kustomization's (its namespace applied), so the lens of an edited policy counts what the edit
 * changes there. Before, the lens looked for the policy in the files as written (namespace
 * default) while the diff named shop's, and no lens came.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CodeLens } from 'vscode-languageserver-protocol';
import type { ChangesResult } from '../../server/src/protocol/requests';
import { emptyWorkspace, withServer, writeTree } from '../support/lsp-harness';
import { commitAll } from '../support/git';

const deployment = (name: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: x, ports: [{containerPort: 80}]}]}\n`;
const POLICY =
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-client}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: client}}\n    ports:\n    - {port: 80}\n';
const FILES: Record<string, string> = {
  'app/kustomization.yaml': 'namespace: shop\nresources:\n- web.yaml\n- client.yaml\n- allow.yaml\n',
  'app/web.yaml': deployment('web'),
  'app/client.yaml': deployment('client'),
  'app/allow.yaml': POLICY,
};

describe('the change lens in a workspace of one kustomization', () => {
  it("an edit that closes client → web: the changes and the policy's lens name shop's objects", async () => {
    const ws = emptyWorkspace();
    writeTree(ws.dir, FILES);
    await withServer({ workspace: ws, prepare: commitAll }, async (client) => {
      const uri = ws.fileUri('app/allow.yaml');
      await client.open(uri, POLICY);
      await client.change(uri, POLICY.replace(/ {2}ingress:\n[\s\S]*$/, '  ingress: []\n'));
      const r = await client.request<ChangesResult>('netpolLens/changes', {});
      assert.ok(r.available, JSON.stringify(r));
      assert.deepEqual(
        r.changes.map((c) => `${c.src} ${c.dst} ${JSON.stringify(c.closed)}`),
        ['shop/client[Deployment] shop/web[Deployment] {"TCP":[[80,80]]}'],
      );
      const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
      const lens = lenses.find((l) => /^closes/.test(l.command?.title ?? ''));
      assert.equal(
        lens?.command?.title,
        'closes 1 connection',
        JSON.stringify(lenses.map((l) => l.command?.title)),
      );
      assert.deepEqual((lens?.command?.arguments?.[0] as { namespace?: string }).namespace, 'shop');
    });
  });
});
