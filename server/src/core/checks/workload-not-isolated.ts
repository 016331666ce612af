/**
 * workload-not-isolated (information, off unless settings.reportUnisolatedWorkloads, or a severity
 * other than `off` is set for the code): a workload
 * that no policy isolates for ingress accepts connections from everywhere. Fix "Generate
 * default-deny policy for namespace …" appends a `podSelector: {}` / `policyTypes: [Ingress]`
 * policy to the workload's file (see fixes/fix.ts, kind `generate-default-deny`).
 */
import { defineCheck, defineCode, type Report } from './types';
import { plural } from '../text/words';
import { policyRelated } from './support';

const meta = defineCode({
  code: 'workload-not-isolated',
  defaultSeverity: 'information',
  scope: 'workspace',
  summary:
    'A workload that no policy isolates for ingress (off unless netpolLens.reportUnisolatedWorkloads is on, or a severity is set for this code).',
  fixes: {
    'generate-default-deny': 'Generate default-deny policy for namespace …',
  },
});

export const workloadNotIsolated = defineCheck(meta, ({ index, subjects, engine, settings }) => {
  const out: Report<typeof meta>[] = [];
  const asked = settings.severities['workload-not-isolated'];
  if (!settings.reportUnisolatedWorkloads && (asked === undefined || asked === 'off')) return out;
  for (const part of subjects.workloads) {
    // a workload made of manifests in several files is reported at its first one
    const w = subjects === index ? part : index.workload(part.id);
    const src = w?.sources[0];
    if (!w || !src || !subjects.file(src.doc.uri)) continue;
    if (engine.isolation(w).ingress.length > 0) continue;
    const n = engine.policiesIn(w.namespace).length;
    out.push({
      uri: src.doc.uri,
      span: src.objectName.span,
      message: `${w.id} is not isolated for ingress: no policy of namespace ${w.namespace} (${plural(n, 'policy', 'policies')} there) selects it with Ingress, so every pod and address can connect to it. Add a policy that selects it, or a default-deny policy for the namespace and policies for what it needs.`,
      ...(n
        ? {
            related: engine
              .policiesIn(w.namespace)
              .slice(0, 5)
              .map((c) =>
                policyRelated(
                  c.policy,
                  `${c.id} ${c.types.ingress ? 'does not select it' : 'does not isolate ingress'}`,
                ),
              ),
          }
        : {}),
      fixes: [
        {
          kind: 'generate-default-deny',
          title: `Generate default-deny policy for namespace ${w.namespace}`,
          data: { namespace: w.namespace, mode: 'append', uri: src.doc.uri, policyTypes: ['Ingress'] },
        },
      ],
    });
  }
  return out;
});
