/**
 * A check that throws is isolated (issue 10): it becomes one internal-error finding that names it,
 * and every other check still runs and reports. The throwing check is injected beside real ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AnalysisHost, DEFAULT_SETTINGS } from '../../server/src/core/index';
import { ALL_CHECKS, runChecks } from '../../server/src/core/checks/registry';
import { defineCheck, defineCode } from '../../server/src/core/checks/types';
import { PolicyEngine } from '../../server/src/core/semantics/engine';

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: web}
spec:
  podSelector: {}
  policyTypes: [Egress]
  ingress:
  - ports:
    - port: 99999
`;

const broken = defineCheck(
  defineCode({ code: 'broken-check', defaultSeverity: 'warning', scope: 'workspace', summary: 'throws' }),
  () => {
    throw new TypeError("Cannot read properties of undefined (reading 'spec')");
  },
);

test('a throwing check gives one internal-error naming it; the other checks still run', () => {
  const host = new AnalysisHost();
  host.applyChanges([{ uri: 'file:///w/np.yaml', text: POLICY }]);
  const index = host.snapshot().index;
  const ctx = { index, engine: new PolicyEngine(index), settings: DEFAULT_SETTINGS };
  const alone = runChecks(ctx).map((f) => f.code);
  assert.ok(
    alone.includes('invalid-port') && alone.includes('rules-ignored-by-policy-types'),
    alone.join(' '),
  );

  // the broken check first, in the middle and last: the rest report exactly what they report alone
  const half = Math.floor(ALL_CHECKS.length / 2);
  for (const checks of [
    [broken, ...ALL_CHECKS],
    [...ALL_CHECKS.slice(0, half), broken, ...ALL_CHECKS.slice(half)],
    [...ALL_CHECKS, broken],
  ]) {
    const found = runChecks(ctx, undefined, checks);
    const internal = found.filter((f) => f.code === 'internal-error');
    assert.equal(internal.length, 1);
    assert.match(internal[0]?.message ?? '', /check broken-check failed: TypeError: Cannot read properties/);
    assert.match(internal[0]?.message ?? '', /"broken-check": "off"/);
    assert.equal(internal[0]?.severity, 'error');
    assert.deepEqual(
      found.filter((f) => f.code !== 'internal-error').map((f) => f.code),
      alone,
    );
  }
  // turned off, it does not run at all
  const off = runChecks(
    { ...ctx, settings: { ...DEFAULT_SETTINGS, severities: { 'broken-check': 'off' } } },
    undefined,
    [broken, ...ALL_CHECKS],
  );
  assert.deepEqual(
    off.map((f) => f.code),
    alone,
  );
});
