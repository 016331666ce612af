/**
 * Analysis roots through the server: findings per root (identical copies in two cluster folders
 * are no duplicates; a base file's findings from each overlay, each naming its root), and hovers
 * at a file answered by its first root (the overlay's namespace). Workspace: test/fixtures/roots.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Hover, MarkupContent } from 'vscode-languageserver-protocol';
import type { ReachabilityResult } from '../../server/src/protocol/requests';
import { codes, lspSuite, positionOf } from '../support/lsp-harness';
import { ROOT } from '../support/golden';

describe('analysis roots in the server', () => {
  const server = lspSuite({ from: join(ROOT, 'test', 'fixtures', 'roots') });
  const { ws } = server;

  it("a base's findings come from every overlay, each naming its root", async () => {
    const uri = ws.fileUri('kustomize/base/policy.yaml');
    const d = await server.client.waitForDiagnostics(
      uri,
      (ds) => ds.filter((x) => x.code === 'redundant-rule').length === 3,
      'three redundant-rule hints on the base policy (one per overlay)',
    );
    assert.deepEqual(
      d
        .filter((x) => x.code === 'redundant-rule')
        .map((x) => /\(analysis root ([^)]+)\)$/.exec(x.message)?.[1])
        .sort(),
      ['kustomize/overlays/dev', 'kustomize/overlays/prod', 'kustomize/overlays/staging'],
    );
    assert.ok(!codes(d).includes('missing-namespace'), 'the overlays set the namespace');
  });

  it('identical copies in two cluster folders are no duplicates', () => {
    for (const rel of ['flux/clusters/production/policies.yaml', 'flux/clusters/staging/shop.yaml']) {
      const d = server.client.diagnostics.get(ws.fileUri(rel))?.diagnostics ?? [];
      assert.deepEqual(
        codes(d).filter((c) => c.startsWith('duplicate-')),
        [],
        rel,
      );
    }
  });

  it("a hover at a base file uses its first root: the overlay's namespace", async () => {
    const uri = ws.fileUri('kustomize/base/policy.yaml');
    const text = readFileSync(join(ws.dir, 'kustomize', 'base', 'policy.yaml'), 'utf8');
    await server.client.open(uri, text);
    const h = await server.client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri },
      position: positionOf(text, 'db-from-web'),
    });
    const md = (h?.contents as MarkupContent | undefined)?.value ?? '';
    assert.match(md, /dev\/db-from-web|namespace `?dev`?/);
  });

  it('netpolLens/reachability answers from the root it names, and lists the roots', async () => {
    const prod = await server.client.request<ReachabilityResult>('netpolLens/reachability', {
      root: 'kustomize/overlays/prod',
    });
    assert.equal(prod.root, 'kustomize/overlays/prod');
    assert.ok(prod.roots?.some((r) => r.id === 'flux/clusters/staging'));
    assert.deepEqual(
      prod.endpoints.filter((e) => e.kind === 'workload').map((e) => e.id),
      ['prod/db[StatefulSet]', 'prod/web[Deployment]'],
    );
    const staging = await server.client.request<ReachabilityResult>('netpolLens/reachability', {
      root: 'flux/clusters/staging',
    });
    assert.deepEqual(
      staging.endpoints.filter((e) => e.kind === 'workload').map((e) => e.id),
      ['shop/db[Deployment]', 'shop/web[Deployment]'],
    );
    await assert.rejects(
      server.client.request('netpolLens/reachability', { root: 'nowhere' }),
      /unknown analysis root "nowhere"/,
    );
  });
});
