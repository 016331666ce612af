/**
 * missing-pod-selector: `spec.podSelector` is absent (an error: the API requires the field), or null
 * (a hint: `podSelector:` with no value; only old client-side kubectl validation rejected it, the API
 * server reads null as `{}`). Either way the engine treats the policy as `podSelector: {}` (every
 * pod of its namespace), semantics.md "Who is selected". Not reported where lowering already reported the field (a wrong type, or a misspelt
 * key such as `podselector`), so one mistake gives one diagnostic.
 */
import { defineCheck, defineCode, type Report } from './types';
import { policyLabel } from '../semantics/names';
import { invalid, onePerNode, within } from './support';

const CODE = 'missing-pod-selector';
/** Lowering's messages about spec or spec.podSelector themselves: a wrong type, or a misspelt key. */
const LOWERED = /^spec must be a map|^spec\.podSelector |in NetworkPolicy spec: did you mean "podSelector"/;

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  scope: 'file',
  otherSeverities: ['hint'],
  summary:
    'spec.podSelector is absent: the API requires it; netpol-lens treats the policy as selecting every pod of its namespace ({}). A null podSelector is only a hint: the API server reads it as {}.',
});

export const missingPodSelector = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  const lowering = subjects.problems.filter((f) => f.code === 'invalid-field');
  for (const p of subjects.policies) {
    if (p.podSelector) continue;
    if (p.podSelectorNullKey) {
      out.push({
        ...invalid(
          p,
          p.podSelectorNullKey,
          `spec.podSelector of ${policyLabel(p)} has no value (null). The API server reads it as {}: the policy selects every pod of namespace ${p.namespace}. Only old client-side kubectl validation rejected it; write "podSelector: {}" to say so explicitly.`,
        ),
        severity: 'hint',
      });
      continue;
    }
    const spec = p.spec;
    if (
      spec &&
      lowering.some((f) => f.uri === p.doc.uri && within(f.span, spec.span) && LOWERED.test(f.message))
    )
      continue;
    out.push(
      invalid(
        p,
        spec ? spec.keySpan : p.name.span,
        `${policyLabel(p)} has no spec.podSelector. The API requires it: add "podSelector: {}" to select every pod of namespace ${p.namespace}, or "podSelector: {matchLabels: …}" for some of them. netpol-lens treats it as {} meanwhile.`,
      ),
    );
  }
  return onePerNode(out);
});
