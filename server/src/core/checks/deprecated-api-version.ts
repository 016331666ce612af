/**
 * deprecated-api-version: a NetworkPolicy with `apiVersion: extensions/v1beta1`, which Kubernetes
 * stopped serving in 1.16. The fields are the same in `networking.k8s.io/v1`, so the fix rewrites
 * the apiVersion value (FixSpec kind `rewrite-api-version`, data.newValue; the span to replace is
 * the finding's). Also the obsolete `net.beta.kubernetes.io/network-policy` Namespace annotation
 * (the beta namespace isolation of Kubernetes before 1.7), which does nothing today: a warning,
 * tagged deprecated, with no fix (the isolation it meant is a default-deny NetworkPolicy).
 */
import { defineCheck, defineCode, type Report } from './types';
import { policyLabel } from '../semantics/names';
import { onePerNode } from './support';
import { BETA_ISOLATION_ANNOTATION } from '../model/lower';

const CODE = 'deprecated-api-version';
export const REMOVED_API_VERSION = 'extensions/v1beta1';
export const CURRENT_API_VERSION = 'networking.k8s.io/v1';

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  otherSeverities: ['warning'],
  scope: 'file',
  summary:
    'A NetworkPolicy uses apiVersion extensions/v1beta1, removed in Kubernetes 1.16; use networking.k8s.io/v1. A Namespace annotation net.beta.kubernetes.io/network-policy does nothing since Kubernetes 1.7 (warning).',
  fixes: {
    'rewrite-api-version': 'Rewrite apiVersion to networking.k8s.io/v1',
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
  return onePerNode(out);
});
