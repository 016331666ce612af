/**
 * The real-world regression corpus (test/fixtures/realworld/, sources and licences in its README):
 * files that netpol-lens once misread.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyseTree } from '../support/load';
import { coverageNotes } from '../../server/src/core/index';

export const REALWORLD = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'realworld');

describe('real-world corpus: sock-shop', () => {
  const dir = join(REALWORLD, 'sock-shop');

  it('Prometheus rules with {{ $value }} in a quoted string are not a template', () => {
    const a = analyseTree(join(dir, 'monitoring', '05-prometheus-alertrules.yaml'));
    assert.deepEqual(a.findings().filter((f) => f.code === 'helm-template').map((f) => f.message), []);
    assert.deepEqual(coverageNotes(a.index), []);
  });

  it('the NetworkPolicy after the rules in the same file is analysed', () => {
    const a = analyseTree(join(dir, 'derived', 'alertrules-and-policy.yaml'));
    assert.deepEqual(a.index.policies.map((p) => `${p.namespace}/${p.name.value}`), ['sock-shop/cart-access']);
    assert.deepEqual(a.findings().filter((f) => f.severity === 'error').map((f) => f.code), []);
  });
});
