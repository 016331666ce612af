/**
 * missing-namespace (information): a policy without `metadata.namespace` lands in whatever
 * namespace it is applied to (`kubectl apply -n`, the context's namespace, kustomize); the analysis
 * assumes `default`. A policy a kustomization gives a namespace (`namespace:`), or that takes the
 * configured default namespace (`netpolLens.defaultNamespace`, `--namespace`), is not reported.
 */
import { defineCheck, defineCode, type Report } from './types';

const meta = defineCode({
  code: 'missing-namespace',
  defaultSeverity: 'information',
  // workspace: a kustomization elsewhere may give the policy its namespace
  scope: 'workspace',
  summary: 'A policy without metadata.namespace lands in whatever namespace it is applied to (default here).',
});

export const missingNamespace = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    if (p.namespaceField?.value || p.namespaceSource) continue; // written, or set by a kustomization
    out.push({
      uri: p.doc.uri,
      span: p.name.span,
      message: `NetworkPolicy ${p.name.value} has no metadata.namespace: it applies to the namespace it is applied in (kubectl -n, the current context, kustomize), and only to pods there. netpol-lens assumes "default". Set metadata.namespace to make it explicit, or give the namespace it is applied in (the netpolLens.defaultNamespace setting of the folder, the CLI's --namespace).`,
    });
  }
  return out;
});
