/**
 * The custom requests of the reachability view: `netpolLens/reachability`, `netpolLens/explain` and
 * `netpolLens/policyAt` (protocol/requests.ts), answered from the workspace index and the open buffers.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExplainResult, PolicyAtResult, ReachabilityResult } from '../../server/src/protocol/requests';
import { lspSuite } from '../support/lsp-harness';

describe('custom requests', () => {
  const server = lspSuite();
  const { ws } = server;
  const np3 = ws.fileUri('layer3/np-layer3.yaml');

  it('netpolLens/reachability lists layer1/nginx1 → layer3/nginx3', async () => {
    const r = await server.client.request<ReachabilityResult>('netpolLens/reachability', {});
    assert.equal(r.version, 1);
    assert.deepEqual(r.counts, { policies: 3, workloads: 6, namespaces: 3, files: 9 });
    const c = r.connections.find(
      (x) => x.src === 'layer1/nginx1[Deployment]' && x.dst === 'layer3/nginx3[Deployment]',
    );
    assert.ok(c, JSON.stringify(r.connections.filter((x) => !x.src.includes('-') && !x.dst.includes('-'))));
    assert.equal(c.conns, 'all');
    assert.ok(!r.connections.some((x) => x.src === x.dst), 'no self pairs');
    assert.ok(
      !r.connections.some(
        (x) => x.src === 'layer3/busybox3[Deployment]' && x.dst === 'layer1/nginx1[Deployment]',
      ),
    );
    const nginx3 = r.endpoints.find((e) => e.id === 'layer3/nginx3[Deployment]');
    assert.ok(nginx3);
    assert.equal(nginx3.kind, 'workload');
    assert.equal(nginx3.namespace, 'layer3');
    assert.equal(nginx3.workloadKind, 'Deployment');
    assert.equal(nginx3.isolatedIngress, true);
    assert.equal(nginx3.isolatedEgress, true);
    assert.equal(nginx3.location?.uri, ws.fileUri('layer3/apps.yaml'));
    assert.ok(
      r.endpoints.some((e) => e.kind === 'external'),
      'external ranges',
    );
    assert.equal(r.focus, undefined);
  });

  it('narrows to one port and focuses on the pods a policy selects', async () => {
    const r = await server.client.request<ReachabilityResult>('netpolLens/reachability', {
      port: { port: 53, protocol: 'UDP' },
      focusPolicy: { uri: np3, namespace: 'layer3', name: 'np-layer3' },
    });
    assert.deepEqual(r.focus, ['layer3/busybox3[Deployment]', 'layer3/nginx3[Deployment]']);
    const c = r.connections.find(
      (x) => x.src === 'layer1/nginx1[Deployment]' && x.dst === 'layer3/nginx3[Deployment]',
    );
    assert.deepEqual(c?.conns, { UDP: [[53, 53]] });
  });

  it('netpolLens/explain: layer3/busybox3 → layer1/nginx1 on 80/TCP is denied, egress isolated by np-layer3', async () => {
    const x = await server.client.request<ExplainResult>('netpolLens/explain', {
      src: 'layer3/busybox3[Deployment]',
      dst: 'layer1/nginx1[Deployment]',
      port: { port: 80, protocol: 'TCP' },
    });
    assert.equal(x.allowed, false);
    assert.equal(x.conns, 'none');
    assert.deepEqual(x.port, { port: 80, protocol: 'TCP' });
    assert.equal(x.egress.isolated, true);
    assert.equal(x.egress.allowed, false);
    assert.deepEqual(
      x.egress.isolatingPolicies.map((p) => p.policy),
      ['layer3/np-layer3'],
    );
    const loc = x.egress.isolatingPolicies[0]?.location;
    assert.equal(loc?.uri, np3);
    assert.equal(loc?.range.start.line, 3, 'the policy name');
    assert.match(x.summary.join('\n'), /DENIED/);
    // the rule that almost allowed it, with its place and, in the summary the pane shows, what differs
    assert.equal(x.egress.nearestRule, undefined, 'np-layer3 has no egress rule');
    const near = x.ingress.nearestRule;
    assert.equal(near?.policy, 'layer1/np-layer1');
    assert.equal(near?.differs, 'peer');
    assert.equal(near?.ruleIndex, 0);
    assert.equal(near?.location.uri, ws.fileUri('layer1/np-layer1.yaml'));
    assert.ok(x.summary.some((l) => l.includes(`Nearest: ${near?.text ?? '?'}.`)));
  });

  it('explains an allowed connection with the rule that allows it', async () => {
    const x = await server.client.request<ExplainResult>('netpolLens/explain', {
      src: 'layer1/nginx1[Deployment]',
      dst: 'layer3/nginx3[Deployment]',
    });
    assert.equal(x.allowed, true);
    assert.equal(x.ingress.isolated, true);
    const rule = x.ingress.allowingRules[0];
    assert.ok(rule);
    assert.equal(rule.policy, 'layer3/np-layer3');
    assert.equal(rule.direction, 'ingress');
    assert.equal(rule.ruleIndex, 0);
    assert.equal(rule.location.uri, np3);
  });

  it('answers from unsaved buffers', async () => {
    const text = readFileSync(join(ws.dir, 'layer3/np-layer3.yaml'), 'utf8');
    await server.client.open(np3, text);
    await server.client.change(np3, `${text}  egress:\n  - {}\n`);
    const x = await server.client.request<ExplainResult>('netpolLens/explain', {
      src: 'layer3/busybox3[Deployment]',
      dst: 'layer1/nginx1[Deployment]',
      port: { port: 80, protocol: 'TCP' },
    });
    assert.equal(x.egress.allowed, true, 'the new egress rule allows it on the source side');
    assert.equal(x.ingress.allowed, false, 'np-layer1 admits only role=layer1');
    await server.client.close(np3);
  });

  it('rejects unknown endpoints and bad ports with InvalidParams, and keeps serving', async () => {
    await assert.rejects(
      server.client.request('netpolLens/explain', {
        src: 'layer3/nope[Deployment]',
        dst: 'layer1/nginx1[Deployment]',
      }),
      (e: { code?: number; message?: string }) =>
        e.code === -32602 && /unknown endpoint/.test(e.message ?? ''),
    );
    await assert.rejects(
      server.client.request('netpolLens/reachability', { port: { port: 70000, protocol: 'TCP' } }),
      (e: { code?: number }) => e.code === -32602,
    );
    await assert.rejects(
      server.client.request('netpolLens/explain', null),
      (e: { code?: number }) => e.code === -32602,
    );
    const r = await server.client.request<ReachabilityResult>('netpolLens/reachability', null);
    assert.ok(r.endpoints.length > 0);
  });

  it('netpolLens/policyAt names the policy around a position, from the disk and from unsaved buffers', async () => {
    const at = (uri: string, line: number, character = 2): Promise<PolicyAtResult> =>
      server.client.request<PolicyAtResult>('netpolLens/policyAt', {
        textDocument: { uri },
        position: { line, character },
      });
    assert.deepEqual(await at(np3, 3), { uri: np3, name: 'np-layer3', namespace: 'layer3' }, 'metadata.name');
    assert.deepEqual(await at(np3, 12), { uri: np3, name: 'np-layer3', namespace: 'layer3' }, 'in the rules');
    assert.equal(await at(ws.fileUri('layer3/apps.yaml'), 3), null, 'a Deployment');
    assert.equal(await at(ws.fileUri('nowhere.yaml'), 0), null, 'a file the server does not know');

    const extra = ws.fileUri('extra.yaml');
    await server.client.open(
      extra,
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: settings',
        '---',
        'apiVersion: networking.k8s.io/v1',
        'kind: NetworkPolicy',
        'metadata:',
        '  name: "unsaved"',
        'spec:',
        '  podSelector: {}',
        '',
      ].join('\n'),
    );
    assert.equal(await at(extra, 3), null, 'the ConfigMap of the same file');
    assert.deepEqual(
      await at(extra, 10),
      { uri: extra, name: 'unsaved', namespace: 'default' },
      'no namespace: default',
    );
    await server.client.close(extra);

    await assert.rejects(
      server.client.request('netpolLens/policyAt', { textDocument: { uri: np3 } }),
      (e: { code?: number }) => e.code === -32602,
    );
    await assert.rejects(
      server.client.request('netpolLens/policyAt', null),
      (e: { code?: number }) => e.code === -32602,
    );
  });
});
