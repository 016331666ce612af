/** Section A checks: what the fixtures cannot show (fix specs, tags, registry entries, syntax helpers). */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_CHECKS } from '../../server/src/core/index';
import { labelKeyProblem, labelValueProblem, portNameProblem } from '../../server/src/core/checks/k8s-syntax';
import { analyseTexts } from '../support/load';

const SECTION_A = [
  'invalid-selector',
  'invalid-ip-block',
  'invalid-port',
  'ip-block-with-selector',
  'invalid-policy-types',
  'missing-pod-selector',
  'invalid-field',
  'deprecated-api-version',
];

describe('section A checks', () => {
  it('are registered once each, as errors, with a summary', () => {
    for (const code of SECTION_A) {
      const checks = ALL_CHECKS.filter((c) => c.code === code);
      assert.equal(checks.length, 1, code);
      assert.equal(checks[0]?.defaultSeverity, 'error', code);
      assert.ok((checks[0]?.summary.length ?? 0) > 20, code);
    }
  });

  it('deprecated-api-version carries the rewrite fix and the deprecated tag', () => {
    const text =
      'apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: a, namespace: n}\nspec: {podSelector: {}}\n';
    const f = analyseTexts({ 'a.yaml': text })
      .findings()
      .find((x) => x.code === 'deprecated-api-version');
    assert.ok(f);
    assert.equal(text.slice(f.span.start, f.span.end), 'extensions/v1beta1');
    assert.deepEqual(f.tags, ['deprecated']);
    assert.deepEqual(f.fixes, [
      {
        kind: 'rewrite-api-version',
        title: 'Rewrite apiVersion to networking.k8s.io/v1',
        data: { newValue: 'networking.k8s.io/v1', docIndex: 0, path: [] },
      },
    ]);
  });

  it('severity overrides and "off" apply to section A codes', () => {
    const text =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a}\nspec:\n  podSelector: {}\n  policyTypes: [ingress]\n';
    const base = {
      dns: { namespace: 'kube-system', podLabels: {} },
      podCidrs: [],
      serviceCidrs: [],
      reportUnisolatedWorkloads: false,
      maxFileSize: 8,
    };
    const codes = (sev: Record<string, 'off' | 'hint'>): string[] =>
      analyseTexts({ 'a.yaml': text }, { ...base, severities: sev })
        .findings()
        .map((f) => `${f.severity}:${f.code}`);
    assert.ok(codes({}).includes('error:invalid-policy-types'));
    assert.ok(codes({ 'invalid-policy-types': 'hint' }).includes('hint:invalid-policy-types'));
    assert.ok(!codes({ 'invalid-policy-types': 'off' }).some((c) => c.endsWith(':invalid-policy-types')));
  });

  it('label key syntax', () => {
    for (const ok of [
      'app',
      'a',
      'A_b.c-9',
      'example.com/app',
      'kubernetes.io/metadata.name',
      `${'a'.repeat(63)}`,
      `${'a.'.repeat(126)}a/x`,
    ]) {
      assert.equal(labelKeyProblem(ok), undefined, ok);
    }
    for (const bad of [
      '',
      '-a',
      'a-',
      'a b',
      'a/b/c',
      '/a',
      'a/',
      'A.com/x',
      `${'a'.repeat(64)}`,
      `${'a'.repeat(254)}/x`,
      'a..b/x!',
    ]) {
      assert.notEqual(labelKeyProblem(bad), undefined, bad);
    }
  });

  it('label value syntax', () => {
    for (const ok of ['', 'a', 'A-b_c.d', '1', 'a'.repeat(63)])
      assert.equal(labelValueProblem(ok), undefined, ok);
    for (const bad of ['-a', 'a.', 'a b', 'é', 'a'.repeat(64)])
      assert.notEqual(labelValueProblem(bad), undefined, bad);
  });

  it('port name syntax (IANA service names)', () => {
    for (const ok of ['http', 'h2c', 'web-ui', '8a', 'a'.repeat(15)])
      assert.equal(portNameProblem(ok), undefined, ok);
    for (const bad of ['', 'HTTP', '80', '-a', 'a-', 'a--b', 'a_b', 'a'.repeat(16)])
      assert.notEqual(portNameProblem(bad), undefined, bad);
  });
});
