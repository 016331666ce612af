/**
 * policy-selects-no-pods: `spec.podSelector` selects no pod of the policy's namespace. A warning
 * where the namespace has workloads in the workspace, information where it has none (its pods may
 * be defined elsewhere) or where such pods evidently exist at run time (semantics/queries.ts
 * `runTimePods`: a Service selects those labels, or the namespace holds custom resources of unknown
 * kinds). `podSelector: {}` selects every pod, present and future: never reported.
 */
import { defineCheck, defineCode, type Report } from './types';
import { compileSelector } from '../model/selector';
import { labelSetsText, labelsText, policyName, selectorText } from '../semantics/names';
import { runTimePods } from '../semantics/queries';
import { plural } from '../text/words';
import { compact, workloadRelated } from './support';

const meta = defineCode({
  code: 'policy-selects-no-pods',
  defaultSeverity: 'warning',
  scope: 'workspace',
  otherSeverities: ['information'],
  summary:
    "A policy's spec.podSelector selects no pod of its namespace (information where the namespace has no workloads in the workspace, or such pods evidently exist at run time).",
});

export const policySelectsNoPods = defineCheck(meta, ({ index, subjects, engine }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    const sel = p.podSelector;
    if (!sel) continue;
    const m = compileSelector(sel);
    if (!m.valid || m.isEmpty) continue;
    const pods = index.workloadsIn(p.namespace);
    if (pods.some((w) => m.matches(w.labels))) continue;
    if (pods.length === 0) {
      out.push({
        severity: 'information',
        uri: p.doc.uri,
        span: sel.keySpan,
        message: `${policyName(p)} selects pods labeled ${selectorText(sel)}, but the workspace has no workloads in namespace ${p.namespace}, so what it applies to cannot be checked here. Add the namespace's manifests to the workspace to have them checked.`,
      });
      continue;
    }
    const runTime = runTimePods(engine, [p.namespace], (labels) => m.matches(labels));
    if (runTime) {
      out.push({
        severity: 'information',
        uri: p.doc.uri,
        span: sel.keySpan,
        message: `podSelector ${selectorText(sel)} of ${policyName(p)} selects none of the ${plural(pods.length, 'workload')} of namespace ${p.namespace}, but ${runTime}. Add the manifests that make them to the workspace to have the policy checked; if they do not exist, fix the selector.`,
      });
      continue;
    }
    out.push({
      uri: p.doc.uri,
      span: sel.keySpan,
      message: `podSelector ${selectorText(sel)} of ${policyName(p)} selects none of the ${plural(pods.length, 'workload')} of namespace ${p.namespace} (pods labeled ${labelSetsText(pods)}): the policy has no effect. Fix the selector or the pods' labels; remember the policy only applies to pods of its own namespace.`,
      related: compact(pods.slice(0, 6).map((w) => workloadRelated(w, `${w.id}: ${labelsText(w.labels)}`))),
    });
  }
  return out;
});
