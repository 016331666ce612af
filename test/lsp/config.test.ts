/**
 * Settings over the wire: `workspace/configuration` per folder, re-pulled on
 * `workspace/didChangeConfiguration`; defaults for clients without configuration support.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { NetpolLensSettings } from '../../server/src/protocol/settings';
import {
  applyTextEdits,
  codes,
  has,
  hasNot,
  editsFor,
  fullCapabilities,
  withServer,
} from '../support/lsp-harness';

/** Two workspace folders: the seed's layer1 and layer2. */
const layers = (dir: string): string[] => [join(dir, 'layer1'), join(dir, 'layer2')];

describe('configuration', () => {
  it('turns a code off, and changes a severity, on didChangeConfiguration', () =>
    withServer({ ready: false }, async (client, ws) => {
      const np1 = ws.fileUri('layer1/np-layer1.yaml');
      const np2 = ws.fileUri('layer2/np-layer2.yaml');
      const np3 = ws.fileUri('layer3/np-layer3.yaml');
      await client.waitForDiagnostics(np1, has('egress-allows-all'));
      await client.waitForDiagnostics(np2, has('egress-allows-all'));
      const pulls = client.serverRequests.filter((r) => r.method === 'workspace/configuration').length;
      client.settings = { checks: { 'egress-allows-all': 'off', 'missing-dns-egress': 'error' } };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      await client.waitForDiagnostics(
        np1,
        hasNot('egress-allows-all'),
        'egress-allows-all cleared in np-layer1',
      );
      await client.waitForDiagnostics(
        np2,
        hasNot('egress-allows-all'),
        'egress-allows-all cleared in np-layer2',
      );
      const d3 = await client.waitForDiagnostics(np3, (d) =>
        d.some((x) => x.code === 'missing-dns-egress' && x.severity === 1),
      );
      assert.ok(d3.length > 0);
      assert.ok(
        client.serverRequests.filter((r) => r.method === 'workspace/configuration').length > pulls,
        're-pulled',
      );
      const items = client.serverRequests
        .filter((r) => r.method === 'workspace/configuration')
        .flatMap((r) => (r.params as { items: Array<{ scopeUri?: string; section: string }> }).items);
      assert.ok(
        items.some((i) => i.section === 'netpolLens' && i.scopeUri === ws.uri),
        'asked per workspace folder',
      );
    }));

  it('reports unisolated workloads when asked, with a default-deny fix, and uses the DNS target of the settings', () =>
    withServer({ ready: false }, async (client, ws) => {
      const uri = ws.fileUri('free.yaml');
      const text = [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        '  namespace: free',
        'spec:',
        '  selector:',
        '    matchLabels:',
        '      app: web',
        '  template:',
        '    metadata:',
        '      labels:',
        '        app: web',
        '    spec:',
        '      containers:',
        '      - name: web',
        '        image: nginx',
        '',
      ].join('\n');
      await client.open(uri, text);
      await client.waitForDiagnostics(uri, (_d, p) => p.version === 1);
      assert.ok(
        !codes(client.diagnostics.get(uri)?.diagnostics ?? []).includes('workload-not-isolated'),
        'off by default',
      );
      client.settings = {
        reportUnisolatedWorkloads: true,
        dns: { namespace: 'dns-system', podLabels: { app: 'coredns' } },
      };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      const ds = await client.waitForDiagnostics(uri, has('workload-not-isolated'));
      const d = ds.find((x) => x.code === 'workload-not-isolated');
      assert.ok(d);
      assert.equal(d.severity, 3);
      const actions = await client.codeActionsFor(uri, d);
      const gen = actions.find(
        (a) => a.kind === 'quickfix' && a.title.startsWith('Generate default-deny policy for namespace free'),
      );
      assert.ok(gen, actions.map((a) => a.title).join(', '));
      const next = applyTextEdits(text, editsFor(gen.edit ?? {}, uri));
      assert.ok(next.startsWith(text));
      assert.match(
        next.slice(text.length),
        /kind: NetworkPolicy[\s\S]*namespace: free[\s\S]*podSelector: \{\}/,
      );
      const v = await client.change(uri, next);
      await client.waitForDiagnostics(
        uri,
        (dd, p) => p.version === v && !codes(dd).includes('workload-not-isolated'),
      );
      const dns = await client.waitForDiagnostics(ws.fileUri('layer3/np-layer3.yaml'), (dd) =>
        dd.some((x) => x.code === 'missing-dns-egress' && /app=coredns/.test(x.message)),
      );
      assert.match(dns.find((x) => x.code === 'missing-dns-egress')?.message ?? '', /dns-system/);
    }));

  it('reads netpolLens.defaultNamespace per folder and netpolLens.namespaces, and re-analyses when they change', () => {
    let perFolder: (scope: string | undefined) => NetpolLensSettings = () => ({});
    return withServer({ folders: layers, settings: (s) => perFolder(s) }, async (client, ws) => {
      const text = [
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: from-team-a',
        'spec:',
        '  podSelector: {}',
        '  ingress:',
        '  - from:',
        '    - namespaceSelector: {matchLabels: {team: a}}',
        '',
      ].join('\n');
      const u1 = ws.fileUri('layer1/bare.yaml');
      const u2 = ws.fileUri('layer2/bare.yaml');
      await client.open(u1, text);
      await client.open(u2, text);
      await client.waitForDiagnostics(u1, has('missing-namespace'));
      await client.waitForDiagnostics(u2, has('namespace-selector-matches-nothing'));
      perFolder = (scope) =>
        scope?.endsWith('/layer1')
          ? { defaultNamespace: 'team-one', namespaces: { 'team-a': { team: 'a' } } }
          : { namespaces: { 'team-a': { team: 'a' } } };
      await client.notify('workspace/didChangeConfiguration', { settings: null });
      const d1 = await client.waitForDiagnostics(u1, hasNot('missing-namespace'), 'layer1 has a namespace');
      assert.ok(!codes(d1).includes('namespace-selector-matches-nothing'), JSON.stringify(codes(d1)));
      const d2 = await client.waitForDiagnostics(u2, hasNot('namespace-selector-matches-nothing'));
      assert.ok(codes(d2).includes('missing-namespace'), 'layer2 sets no default namespace');
      const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', {
        textDocument: { uri: u1 },
        position: { line: 3, character: 10 },
      });
      assert.match(hover?.contents.value ?? '', /team-one/);
    });
  });

  it('keeps settings per workspace folder', () =>
    withServer(
      {
        folders: layers,
        settings: (scope) =>
          scope && scope.endsWith('/layer1') ? { checks: { 'egress-allows-all': 'off' } } : {},
        ready: false,
      },
      async (client, ws) => {
        const ready = await client.waitForReady();
        assert.equal(ready.counts.policies, 2);
        await client.waitForDiagnostics(ws.fileUri('layer2/np-layer2.yaml'), has('egress-allows-all'));
        const d1 = client.diagnostics.get(ws.fileUri('layer1/np-layer1.yaml'))?.diagnostics ?? [];
        assert.ok(!codes(d1).includes('egress-allows-all'), JSON.stringify(codes(d1)));
      },
    ));

  it('uses the defaults with a client that has no configuration support', () => {
    const caps = fullCapabilities();
    caps.workspace = {
      ...caps.workspace,
      configuration: false,
      didChangeConfiguration: { dynamicRegistration: false },
    };
    return withServer({ capabilities: caps, ready: false }, async (client, ws) => {
      await client.waitForDiagnostics(ws.fileUri('layer3/np-layer3.yaml'), (d) =>
        d.some((x) => x.code === 'missing-dns-egress' && x.severity === 2),
      );
      assert.equal(client.serverRequests.filter((r) => r.method === 'workspace/configuration').length, 0);
      // such a client pushes its settings instead
      await client.notify('workspace/didChangeConfiguration', {
        settings: { netpolLens: { checks: { 'missing-dns-egress': 'off' } } },
      });
      await client.waitForDiagnostics(ws.fileUri('layer3/np-layer3.yaml'), hasNot('missing-dns-egress'));
      assert.equal(client.serverRequests.filter((r) => r.method === 'workspace/configuration').length, 0);
    });
  });
});
