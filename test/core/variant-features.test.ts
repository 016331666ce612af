/**
 * Issue 8: a file shared by several unrendered roots (two overlays of one base, kustomize
 * variants) answers hovers and code lenses per root, each under its root's name.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseTexts } from '../support/load';

const kns = (ns: string, ...resources: string[]): string =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: ${ns}\nresources:\n${resources.map((r) => `- ${r}\n`).join('')}`;
const deploy = (name: string, ns: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: x}]}\n`;
const POLICY =
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-web, namespace: dev}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]\n';

describe('variants: a base shared by two overlays answers per root', () => {
  const a = analyseTexts({
    'app/base/kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- policy.yaml\n',
    'app/base/policy.yaml': POLICY,
    'app/overlays/dev/kustomization.yaml': kns('dev', '../../base', 'web.yaml'),
    'app/overlays/dev/web.yaml': deploy('web', 'dev'),
    'app/overlays/prod/kustomization.yaml': kns('prod', '../../base'),
  });
  const uri = 'file:///ws/app/base/policy.yaml';
  it('has two roots holding the base', () => {
    assert.equal(a.roots.filter((r) => r.analysis.index.files.has(uri)).length, 2);
  });
  it('the hover names both roots with their different selections', () => {
    const h = a.hover(uri, POLICY.indexOf('podSelector') + 2);
    assert.ok(h, 'a hover');
    const [dev, prod] = h.markdown.split('\n---\n');
    assert.match(dev ?? '', /analysis root overlays\/dev:[^]*Selects 1 pod[^]*namespace dev/);
    assert.match(prod ?? '', /analysis root overlays\/prod:[^]*Selects no pods[^]*namespace prod/);
  });
  it('the lenses name both roots', () => {
    const titles = a.codeLenses(uri).map((l) => l.title);
    assert.ok(
      titles.some((t) => t.startsWith('overlays/dev')),
      titles.join(' | '),
    );
    assert.ok(
      titles.some((t) => t.startsWith('overlays/prod')),
      titles.join(' | '),
    );
  });
});

describe('variants that see a base alike answer once, without root names', () => {
  const a = analyseTexts({
    'app/base/kustomization.yaml':
      'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- policy.yaml\n- web.yaml\n',
    'app/base/policy.yaml': POLICY,
    'app/base/web.yaml': deploy('web', 'dev'),
    'app/overlays/dev/kustomization.yaml': kns('dev', '../../base'),
    'app/overlays/prod/kustomization.yaml': kns('prod', '../../base'),
  });
  const uri = 'file:///ws/app/base/policy.yaml';
  it('the selection lens once, unprefixed; the reachability lens once', () => {
    const titles = a.codeLenses(uri).map((l) => l.title);
    assert.ok(
      titles.every((t) => !t.startsWith('overlays/')),
      titles.join(' | '),
    );
    assert.equal(titles.filter((t) => /^selects 1 pod/.test(t)).length, 1, titles.join(' | '));
    assert.equal(titles.filter((t) => t === 'Show reachability').length, 1, titles.join(' | '));
  });
});
