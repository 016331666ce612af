/**
 * Cluster-wide policies over the wire (test/fixtures/cli/tiers): the hover on a ClusterNetworkPolicy
 * (tier and priority, the namespaces and pods its subject selects, each rule's peers in plain
 * words, what the NetworkPolicy and Baseline tiers still decide), the hover on one rule, and the
 * code lens above it (tier, priority, what it selects).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CodeLens, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { lspSuite, positionOf } from '../support/lsp-harness';
import { ROOT } from '../support/golden';

describe('cluster-wide policies in the editor', () => {
  const server = lspSuite({ from: join(ROOT, 'test', 'fixtures', 'cli', 'tiers') });
  const { ws } = server;
  const platform = ws.fileUri('platform.yaml');
  let text = '';

  before(async () => {
    const { readFileSync } = await import('node:fs');
    text = readFileSync(join(ws.dir, 'platform.yaml'), 'utf8');
    await server.client.open(platform, text);
  });

  const hoverAt = async (needle: string, shift = 2): Promise<string> => {
    const at = positionOf(text, needle);
    const h = await server.client.request<Hover | null>('textDocument/hover', {
      textDocument: { uri: platform },
      position: { line: at.line, character: at.character + shift },
    });
    assert.ok(h, `a hover at ${needle}`);
    return (h.contents as MarkupContent).value;
  };

  it('hovers a ClusterNetworkPolicy: tier, priority, the pods its subject selects, its rules and what the next tiers decide', async () => {
    const md = await hoverAt('name: delegate', 8);
    assert.match(
      md,
      /\*\*ClusterNetworkPolicy\*\* `cnp\/delegate` \(policy\.networking\.k8s\.io\/v1alpha2\) — Admin tier, priority 20/,
    );
    assert.match(
      md,
      /Selects 2 pods \(workloads\) in 1 namespace \(subject: every pod in namespaces env=prod\): prod/,
    );
    assert.match(md, /prod\/api\[Deployment\]/);
    assert.match(md, /prod\/db\[Deployment\]/);
    assert.doesNotMatch(md, /dev\/web\[Deployment\] — Deployment/);
    // each rule's peers in plain words, and the Pass: where it goes
    assert.match(
      md,
      /ingress rule pass-team-traffic\]\([^)]*\): Pass from every pod in namespaces env=prod on every port/,
    );
    assert.match(
      md,
      /Pass hands this traffic to the NetworkPolicy tier, where prod\/np-db decides \(for prod\/db\[Deployment\]\)/,
    );
    assert.match(
      md,
      /prod\/np-db decides \(for prod\/db\[Deployment\]\); for the 1 pod no NetworkPolicy isolates in ingress \(prod\/api\[Deployment\]\), the default: allow/,
    );
    assert.match(
      md,
      /ingress rule deny-dev\]\([^)]*\): Deny from every pod in namespaces env=dev on every port; its peers match 1 workload/,
    );
    assert.match(md, /Deny is final: no NetworkPolicy or Baseline rule sees this traffic/);
  });

  it('hovers one rule: its peers, protocols and domain names in plain words', async () => {
    const md = await hoverAt('name: accept-rds', 8);
    assert.match(
      md,
      /egress rule accept-rds\]\([^)]*\): Accept to domain names db\.example\.com and \*\.cache\.example\.com on TCP 5432 and TCP 6379/,
    );
    assert.doesNotMatch(md, /Selects/);
  });

  it('hovers a Baseline policy, and a Pass that no NetworkPolicy takes up', async () => {
    const md = await hoverAt('name: dev-baseline', 8);
    assert.match(md, /`cnp\/dev-baseline` .* — Baseline tier, priority 10/);
    assert.match(md, /Selects 1 pod \(workloads\) in 1 namespace .*: dev/);
    assert.match(
      md,
      /Traffic none of its ingress rules matches goes on to the Baseline policies after it, then the default: allow/,
    );
    // the egress Pass of cnp/platform-egress: no NetworkPolicy isolates egress, so on to the default
    const pass = await hoverAt('name: pass-pod-traffic', 8);
    assert.match(
      pass,
      /Pass hands this traffic to the NetworkPolicy tier, which decides nothing for the 3 pods no NetworkPolicy isolates in egress \(.*\): the default: allow/,
    );
  });

  it('shows tier, priority and what it selects in the code lens', async () => {
    const lenses = await server.client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: platform },
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(
      titles.includes('Admin tier, priority 10 · selects 3 pods in 2 namespaces · egress 3 rules'),
      titles.join('\n'),
    );
    assert.ok(
      titles.includes('Admin tier, priority 20 · selects 2 pods in 1 namespace · ingress 2 rules'),
      titles.join('\n'),
    );
    assert.ok(
      titles.includes('Baseline tier, priority 10 · selects 1 pod in 1 namespace · ingress 1 rule'),
      titles.join('\n'),
    );
  });
});
