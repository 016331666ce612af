/**
 * AdminNetworkPolicy v1alpha1 had two peer shapes under one API version name: before
 * network-policy-api v0.1.5 a peer's `namespaces` was a NamespacedPeer (`{namespaceSelector: …}`)
 * and `pods` held `{namespaces: {namespaceSelector: …}, podSelector}`; since, `namespaces` is the
 * selector itself and `pods` holds `{namespaceSelector, podSelector}`. Both are read alike (the
 * policy-assistant examples use the earlier shape: 7 invalid-field errors before).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseTexts } from '../support/load';

const anp = (peer: string): string => `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: {name: deny-from-b}
spec:
  priority: 1
  subject:
    namespaces: {matchLabels: {kubernetes.io/metadata.name: a}}
  ingress:
  - name: deny-b
    action: Deny
    from:
${peer}
`;
const PODS = `apiVersion: v1
kind: Pod
metadata: {name: server, namespace: a, labels: {app: server}}
spec: {containers: [{name: c, image: nginx}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: b, labels: {app: client}}
spec: {containers: [{name: c, image: busybox}]}
---
apiVersion: v1
kind: Pod
metadata: {name: other, namespace: c, labels: {app: client}}
spec: {containers: [{name: c, image: busybox}]}
`;

const SHAPES: Record<string, string> = {
  'namespaces: selector (v0.1.5 on)': '    - namespaces: {matchLabels: {kubernetes.io/metadata.name: b}}',
  'namespaces: {namespaceSelector} (earlier v1alpha1)':
    '    - namespaces:\n        namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}',
  'pods: {namespaceSelector, podSelector} (v0.1.5 on)':
    '    - pods:\n        namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}\n        podSelector: {matchLabels: {app: client}}',
  'pods: {namespaces: {namespaceSelector}, podSelector} (earlier v1alpha1)':
    '    - pods:\n        namespaces:\n          namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: b}}\n        podSelector: {matchLabels: {app: client}}',
};

describe('AdminNetworkPolicy v1alpha1 peer shapes', () => {
  for (const [name, peer] of Object.entries(SHAPES))
    it(`${name}: no invalid-field, and the peer denies namespace b only`, () => {
      const a = analyseTexts({ 'anp.yaml': anp(peer), 'pods.yaml': PODS });
      const invalid = a.findings().filter((f) => f.code === 'invalid-field');
      assert.deepEqual(
        invalid.map((f) => f.message),
        [],
      );
      const port = { port: 80, protocol: 'TCP' as const };
      const b = a.explain('b/client[Pod]', 'a/server[Pod]', port);
      assert.ok(b.ok && !b.explanation.allowed, 'denied from b');
      const c = a.explain('c/other[Pod]', 'a/server[Pod]', port);
      assert.ok(c.ok && c.explanation.allowed, 'allowed from c');
    });
});
