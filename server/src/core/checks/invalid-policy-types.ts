/**
 * invalid-policy-types: a `spec.policyTypes` item other than `Ingress` or `Egress` (case-sensitive),
 * or one listed twice. The API server rejects the policy.
 */
import type { Check, Finding } from './types';
import { didYouMean } from '../model/lower';
import { invalid, policyLabel, onePerNode } from './policy-walk';

const CODE = 'invalid-policy-types';
const TYPES = ['Ingress', 'Egress'];

export const invalidPolicyTypes: Check = {
  code: CODE,
  defaultSeverity: 'error',
  summary: 'spec.policyTypes holds a value other than Ingress or Egress, or a duplicate.',
  run({ index }) {
    const out: Finding[] = [];
    for (const p of index.policies) {
      const seen = new Set<string>();
      for (const item of p.policyTypes?.items ?? []) {
        if (!TYPES.includes(item.value)) {
          const guess = didYouMean(item.value, TYPES);
          out.push(invalid(CODE, p, item.span, `Invalid policyTypes value "${item.value}" in ${policyLabel(p)}${guess ? `: did you mean "${guess}"?` : '.'} The values are Ingress and Egress (case-sensitive); the API server rejects the policy.`));
        } else if (seen.has(item.value)) {
          out.push(invalid(CODE, p, item.span, `${item.value} is listed twice in spec.policyTypes of ${policyLabel(p)}: remove the duplicate. The API server rejects the policy.`));
        }
        seen.add(item.value);
      }
    }
    return onePerNode(out);
  },
};
