/**
 * invalid-policy-types: a `spec.policyTypes` item other than `Ingress` or `Egress` (case-sensitive),
 * or one listed twice. The API server rejects the policy.
 */
import { defineCheck, defineCode, type Report } from './types';
import { policyLabel } from '../semantics/names';
import { didYouMean } from '../text/words';
import { invalid, onePerNode } from './support';

const CODE = 'invalid-policy-types';
const TYPES = ['Ingress', 'Egress'];

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  scope: 'file',
  summary: 'spec.policyTypes holds a value other than Ingress or Egress, or a duplicate.',
});

export const invalidPolicyTypes = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    const seen = new Set<string>();
    for (const item of p.policyTypes?.items ?? []) {
      if (!TYPES.includes(item.value)) {
        const guess = didYouMean(item.value, TYPES);
        out.push(
          invalid(
            p,
            item.span,
            `Invalid policyTypes value "${item.value}" in ${policyLabel(p)}${guess ? `: did you mean "${guess}"?` : '.'} The values are Ingress and Egress (case-sensitive); the API server rejects the policy.`,
          ),
        );
      } else if (seen.has(item.value)) {
        out.push(
          invalid(
            p,
            item.span,
            `${item.value} is listed twice in spec.policyTypes of ${policyLabel(p)}: remove the duplicate. The API server rejects the policy.`,
          ),
        );
      }
      seen.add(item.value);
    }
  }
  return onePerNode(out);
});
