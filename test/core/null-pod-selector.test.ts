/**
 * `podSelector:` with no value (issue 8): the API server reads null as `{}` (only old client-side
 * kubectl validation rejected it), so it is a hint, never an error, and the hover says that it
 * selects every pod of the namespace.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseTexts } from '../support/load';

const TEXT = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: all, namespace: shop}
spec:
  podSelector:
  policyTypes: [Ingress]
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
`;

describe('podSelector: null', () => {
  it('is a hint, and the policy selects every pod of its namespace', () => {
    const a = analyseTexts({ 'p.yaml': TEXT });
    const f = a.findings().filter((x) => x.code === 'missing-pod-selector');
    assert.deepEqual(
      f.map((x) => [x.severity, TEXT.slice(x.span.start, x.span.end)]),
      [['hint', 'podSelector']],
    );
    assert.deepEqual(
      a
        .findings()
        .filter((x) => x.severity === 'error')
        .map((x) => x.message),
      [],
    );
    assert.equal(a.engine.isolation(a.index.workloads[0]!).ingress.length, 1);
  });

  it('its hover says that it selects every pod', () => {
    const a = analyseTexts({ 'p.yaml': TEXT });
    const h = a.hover('file:///ws/p.yaml', TEXT.indexOf('podSelector:') + 3);
    assert.ok(h, 'a hover on the null podSelector');
    const md = h.markdown;
    assert.match(md, /every pod of the namespace/);
    assert.match(md, /null/);
  });
});

describe('matchLabels: null (Sock Shop cortex-access)', () => {
  const NULL_LABELS = TEXT.replace('  podSelector:\n', '  podSelector:\n    matchLabels:\n');

  it('its hover and code lens say that it selects every pod', () => {
    const a = analyseTexts({ 'p.yaml': NULL_LABELS });
    assert.equal(a.engine.isolation(a.index.workloads[0]!).ingress.length, 1);
    const h = a.hover('file:///ws/p.yaml', NULL_LABELS.indexOf('podSelector:') + 3);
    assert.match(h?.markdown ?? '', /matchLabels null \(no value\): every pod of the namespace/);
    assert.deepEqual(
      a.codeLenses('file:///ws/p.yaml').map((l) => l.title),
      [
        'selects every pod of namespace shop (null selector, as {}): 1 pod · ingress denied',
        'Show reachability',
      ],
    );
  });

  it('the code lens of podSelector null says it too; of {} it does not', () => {
    const a = analyseTexts({
      'p.yaml': TEXT,
      'q.yaml': TEXT.replace('  podSelector:\n', '  podSelector: {}\n'),
    });
    assert.match(
      a.codeLenses('file:///ws/p.yaml')[0]?.title ?? '',
      /^selects every pod of namespace shop \(null selector/,
    );
    assert.match(a.codeLenses('file:///ws/q.yaml')[0]?.title ?? '', /^selects 1 pod/);
  });
});
