/**
 * deprecated-api-version: a NetworkPolicy with `apiVersion: extensions/v1beta1`, which Kubernetes
 * stopped serving in 1.16. The fields are the same in `networking.k8s.io/v1`, so the fix rewrites
 * the apiVersion value (FixSpec kind `rewrite-api-version`, data.newValue; the span to replace is
 * the finding's).
 */
import { defineCheck, defineCode, type Report } from './types';
import { policyLabel } from '../semantics/names';
import { onePerNode } from './support';

const CODE = 'deprecated-api-version';
export const REMOVED_API_VERSION = 'extensions/v1beta1';
export const CURRENT_API_VERSION = 'networking.k8s.io/v1';

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  scope: 'file',
  summary: 'A NetworkPolicy uses apiVersion extensions/v1beta1, removed in Kubernetes 1.16; use networking.k8s.io/v1.',
  fixes: {
    'rewrite-api-version': 'Rewrite apiVersion to networking.k8s.io/v1',
  },
});

export const deprecatedApiVersion = defineCheck(meta, ({ index }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of index.policies) {
    const v = p.apiVersion;
    if (!v || v.value !== REMOVED_API_VERSION) continue;
    out.push({
      uri: p.doc.uri, span: v.span, tags: ['deprecated'],
      message: `${policyLabel(p)} uses apiVersion ${REMOVED_API_VERSION}, which no longer serves NetworkPolicy since Kubernetes 1.16: the API server rejects it. Use ${CURRENT_API_VERSION}; the fields are the same.`,
      fixes: [{
        kind: 'rewrite-api-version',
        title: `Rewrite apiVersion to ${CURRENT_API_VERSION}`,
        data: { newValue: CURRENT_API_VERSION, docIndex: p.doc.docIndex, path: [...p.doc.path] },
      }],
    });
  }
  return onePerNode(out);
});
