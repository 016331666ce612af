/** The wording module (text/words.ts) and the object names (semantics/names.ts) every message uses. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  bullets,
  capitalized,
  didYouMean,
  editDistance,
  groupDigits,
  listText,
  noun,
  plural,
  similarity,
} from '../../server/src/core/text/words';
import {
  labelSetsText,
  labelsText,
  policyLabel,
  policyName,
  policyRuleLabel,
  ruleLabel,
  selectorText,
} from '../../server/src/core/semantics/names';
import { analyseTexts } from '../support/load';

describe('words', () => {
  it('counts and nouns', () => {
    assert.equal(plural(1, 'rule'), '1 rule');
    assert.equal(plural(0, 'rule'), '0 rules');
    assert.equal(plural(2, 'policy', 'policies'), '2 policies');
    assert.equal(noun(1, 'namespace'), 'namespace');
    assert.equal(noun(3, 'namespace'), 'namespaces');
    assert.equal(capitalized('ingress rule 2'), 'Ingress rule 2');
    assert.equal(capitalized(''), '');
  });

  it('lists and bullets, cut with "and N more"', () => {
    assert.equal(listText([]), '(none)');
    assert.equal(listText(['a']), 'a');
    assert.equal(listText(['a', 'b', 'c']), 'a, b and c');
    assert.equal(listText(['a', 'b', 'c', 'd'], 2), 'a, b and 2 more');
    assert.deepEqual(bullets(['x', 'y', 'z'], 2), ['- x', '- y', '- … and 1 more']);
  });

  it('digits and distances', () => {
    assert.equal(groupDigits(16777216n), '16,777,216');
    assert.equal(groupDigits(999), '999');
    assert.equal(editDistance('podselector', 'podSelector'), 1);
    assert.equal(editDistance('a', 'abcdef', 3), 99);
    assert.equal(similarity('prod', 'production'), 0.7);
    assert.equal(similarity('Web', 'web'), 1);
    assert.equal(didYouMean('podselector', ['podSelector', 'policyTypes']), 'podSelector');
    assert.equal(didYouMean('in', ['In', 'NotIn']), 'In');
    assert.equal(didYouMean('zzzzzz', ['In', 'NotIn']), undefined);
  });
});

describe('names', () => {
  const a = analyseTexts({
    'np.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
    matchExpressions:
    - {key: tier, operator: NotIn, values: [a, b]}
    - {key: canary, operator: Exists}
    - {key: legacy, operator: DoesNotExist}
  ingress:
  - {}
  - from: [{podSelector: {}}]
`,
  });
  const p = a.index.policies[0];

  it('policies, rules and selectors', () => {
    assert.ok(p?.podSelector);
    assert.equal(policyName(p), 'shop/web');
    assert.equal(policyLabel(p), 'policy shop/web');
    const second = p.ingress?.rules[1];
    assert.ok(second);
    assert.equal(ruleLabel('ingress', second), 'ingress rule 2');
    assert.equal(policyRuleLabel(p, 'ingress', second), 'shop/web ingress rule 2');
    assert.equal(selectorText(p.podSelector), 'app=web, tier notin (a, b), canary, !legacy');
  });

  it('labels', () => {
    assert.equal(labelsText({}), '(no labels)');
    assert.equal(labelsText({ app: 'web', tier: 'x' }), 'app=web, tier=x');
    assert.equal(
      labelSetsText([{ labels: { app: 'a' } }, { labels: { app: 'a' } }, { labels: {} }]),
      '{app=a} and {(no labels)}',
    );
  });
});
