/**
 * deprecated-api-version: a NetworkPolicy with `apiVersion: extensions/v1beta1`, which Kubernetes
 * stopped serving in 1.16. The fields are the same in `networking.k8s.io/v1`, so the fix rewrites
 * the apiVersion value (FixSpec kind `rewrite-api-version`, data.newValue; the span to replace is
 * the finding's). Also the obsolete `net.beta.kubernetes.io/network-policy` Namespace annotation
 * (the beta namespace isolation of Kubernetes before 1.7), which does nothing today: a warning,
 * tagged deprecated, with no fix (the isolation it meant is a default-deny NetworkPolicy). And,
 * as information, every AdminNetworkPolicy and BaselineAdminNetworkPolicy of
 * `policy.networking.k8s.io/v1alpha1`, which network-policy-api v0.2.0 replaced by
 * ClusterNetworkPolicy v1alpha2: its fix (`migrate-cluster-policy`, the ops of
 * model/migrate-cluster-policy.ts) rewrites it into the ClusterNetworkPolicy that decides the same
 * connections, or the message says why there is none.
 */
import { defineCheck, defineCode, type Report } from './types';
import { policyLabel } from '../semantics/names';
import { onePerNode } from './support';
import { BETA_ISOLATION_ANNOTATION } from '../model/lower';
import { V1ALPHA1, V1ALPHA2 } from '../model/migrate-cluster-policy';
import { apiLimitViolations } from '../model/cluster-policy';

const CODE = 'deprecated-api-version';
export const REMOVED_API_VERSION = 'extensions/v1beta1';
export const CURRENT_API_VERSION = 'networking.k8s.io/v1';

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  otherSeverities: ['warning', 'information'],
  scope: 'file',
  summary:
    'A NetworkPolicy uses apiVersion extensions/v1beta1, removed in Kubernetes 1.16; use networking.k8s.io/v1. A Namespace annotation net.beta.kubernetes.io/network-policy does nothing since Kubernetes 1.7 (warning). An AdminNetworkPolicy or BaselineAdminNetworkPolicy (v1alpha1) is superseded by ClusterNetworkPolicy v1alpha2 (information).',
  fixes: {
    'rewrite-api-version': 'Rewrite apiVersion to networking.k8s.io/v1',
    'migrate-cluster-policy': 'Rewrite as ClusterNetworkPolicy (v1alpha2)',
  },
});

export const deprecatedApiVersion = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    const v = p.apiVersion;
    if (!v || v.value !== REMOVED_API_VERSION) continue;
    out.push({
      uri: p.doc.uri,
      span: v.span,
      tags: ['deprecated'],
      message: `${policyLabel(p)} uses apiVersion ${REMOVED_API_VERSION}, which no longer serves NetworkPolicy since Kubernetes 1.16: the API server rejects it. Use ${CURRENT_API_VERSION}; the fields are the same.`,
      fixes: [
        {
          kind: 'rewrite-api-version',
          title: `Rewrite apiVersion to ${CURRENT_API_VERSION}`,
          data: { newValue: CURRENT_API_VERSION, docIndex: p.doc.docIndex, path: [...p.doc.path] },
        },
      ],
    });
  }
  for (const ns of subjects.namespaces.values()) {
    for (const r of ns.declared) {
      if (!r.betaIsolation) continue;
      const b = r.betaIsolation;
      const meant = /DefaultDeny/.test(b.value);
      out.push({
        uri: r.doc.uri,
        span: b.span,
        tags: ['deprecated'],
        severity: 'warning',
        message: `Namespace ${r.name.value} has the annotation ${BETA_ISOLATION_ANNOTATION}, the beta namespace isolation of Kubernetes before 1.7: it does nothing today${meant ? ', so the pods of this namespace are not isolated by it' : ''}. ${meant ? 'For the same effect, add a default-deny NetworkPolicy to the namespace (podSelector: {}, policyTypes: [Ingress]) and remove the annotation.' : 'Remove it.'}`,
      });
    }
  }
  for (const p of subjects.clusterPolicies) {
    if (p.apiVersion.value !== V1ALPHA1 || p.sourceKind === 'ClusterNetworkPolicy') continue;
    const uri = p.doc.uri;
    // rejected as it is (a wrong shape, a limit): the rewrite would not mean the same
    const problems =
      apiLimitViolations(p).length > 0 ||
      (subjects.file(uri)?.problems ?? []).some(
        (f) =>
          f.severity === 'error' &&
          f.uri === uri &&
          f.span.start >= p.doc.span.start &&
          f.span.end <= p.doc.span.end,
      );
    const planned = p.migration ?? { ok: false as const, why: 'it could not be read' };
    const plan =
      planned.ok && problems
        ? {
            ok: false as const,
            why: 'the API server rejects it as it is (see its other findings): fix those first',
          }
        : planned;
    const tier = p.sourceKind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline';
    out.push({
      uri,
      span: p.apiVersion.span,
      severity: 'information',
      tags: ['deprecated'],
      message: `${p.sourceKind} ${p.name.value} uses ${V1ALPHA1}, which network-policy-api v0.2.0 replaced by ClusterNetworkPolicy (${V1ALPHA2}, tier: ${tier}); v1alpha1 stays at its last release, v0.1.7. ${plan.ok ? `The quick fix rewrites it into the ClusterNetworkPolicy that decides the same connections (${p.sourceKind === 'AdminNetworkPolicy' ? 'the same priority' : 'priority 0'}, Allow → Accept, ports → protocols).` : `There is no quick fix: ${plan.why}.`}`,
      ...(plan.ok
        ? {
            fixes: [
              {
                kind: 'migrate-cluster-policy' as const,
                title: `Rewrite ${p.name.value} as a ClusterNetworkPolicy (v1alpha2, tier ${tier})`,
                data: { ops: plan.ops },
              },
            ],
          }
        : {}),
    });
  }
  return onePerNode(out);
});
