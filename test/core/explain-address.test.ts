/**
 * `explain` with an address (or a CIDR, a range) inside an external range reports about the
 * addresses asked, not the whole range they fall in, and advises an ipBlock of exactly those
 * (issue 8 leftover, KNOWN-WRONG flux:explain:external->notification-controller:9292).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseTexts } from '../support/load';
import { explainText } from '../../server/src/core/index';
import { rangeCidrs, parseRange } from '../../server/src/core/semantics/ip-set';

const FILES = {
  'np.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - ipBlock: {cidr: 10.0.0.0/8}
  egress:
  - to:
    - ipBlock: {cidr: 192.168.0.0/16}
  policyTypes: [Ingress, Egress]
`,
  'web.yaml': `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
`,
};

describe('explain an address', () => {
  it('rangeCidrs: the fewest CIDRs covering exactly a range', () => {
    const cidrs = (s: string): string[] => {
      const r = parseRange(s);
      assert.ok(r, s);
      return rangeCidrs(r);
    };
    assert.deepEqual(cidrs('203.0.113.10'), ['203.0.113.10/32']);
    assert.deepEqual(cidrs('10.0.0.0/8'), ['10.0.0.0/8']);
    assert.deepEqual(cidrs('203.0.113.3-203.0.113.9'), [
      '203.0.113.3/32',
      '203.0.113.4/30',
      '203.0.113.8/31',
    ]);
    assert.deepEqual(cidrs('0.0.0.0-255.255.255.255'), ['0.0.0.0/0']);
    assert.deepEqual(cidrs('fd00::1'), ['fd00::1/128']);
    assert.deepEqual(cidrs('11.0.0.0-255.255.255.255'), [
      '11.0.0.0/8',
      '12.0.0.0/6',
      '16.0.0.0/4',
      '32.0.0.0/3',
      '64.0.0.0/2',
      '128.0.0.0/1',
    ]);
  });

  it('a denied address: the verdict names it, and the advice is its /32', () => {
    const a = analyseTexts(FILES);
    const e = a.explain('203.0.113.10', 'shop/web[Pod]', { port: 80, protocol: 'TCP' });
    assert.ok(e.ok);
    assert.equal(e.explanation.allowed, false);
    const text = explainText(e.explanation, () => 'np.yaml:1:1');
    assert.match(text, /^203\.0\.113\.10 → shop\/web\[Pod\] on TCP 80: DENIED\./);
    assert.doesNotMatch(text, /11\.0\.0\.0-255\.255\.255\.255|0\.0\.0\.0-9\.255\.255\.255/);
    assert.match(
      text,
      /whose "from" has an ipBlock with cidr 203\.0\.113\.10\/32 and whose ports include TCP 80/,
    );
    // egress to an address: the "to" is advised, IPv6 as /128
    const out = a.explain('shop/web[Pod]', '8.8.8.8', { port: 53, protocol: 'UDP' });
    assert.ok(out.ok);
    assert.match(
      explainText(out.explanation, () => 'np.yaml:1:1'),
      /whose "to" has an ipBlock with cidr 8\.8\.8\.8\/32/,
    );
  });

  it('an allowed address inside an ipBlock: the same verdict as its range, about the address', () => {
    const a = analyseTexts(FILES);
    const e = a.explain('10.1.2.3', 'shop/web[Pod]', { port: 80, protocol: 'TCP' });
    assert.ok(e.ok);
    assert.equal(e.explanation.allowed, true);
    assert.equal(e.explanation.src, '10.1.2.3');
    // the whole range asked by its own id is still that range (listings and the view use these ids)
    const range = a.explain('10.0.0.0-10.255.255.255', 'shop/web[Pod]', { port: 80, protocol: 'TCP' });
    assert.ok(range.ok);
    assert.equal(range.explanation.src, '10.0.0.0-10.255.255.255');
    // a CIDR inside it keeps its CIDR form
    const cidr = a.explain('10.1.0.0/16', 'shop/web[Pod]', { port: 80, protocol: 'TCP' });
    assert.ok(cidr.ok);
    assert.equal(cidr.explanation.src, '10.1.0.0/16');
  });
});
