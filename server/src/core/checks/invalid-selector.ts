/**
 * invalid-selector: a label selector the API server rejects — an unknown operator, `In`/`NotIn`
 * without values, `Exists`/`DoesNotExist` with values, a requirement without key, or a label key or
 * value of invalid syntax — in `spec.podSelector` or any peer's podSelector / namespaceSelector.
 * The engine lets such a selector match nothing (semantics/selector.ts).
 */
import { defineCheck, defineCode, type Report } from './types';
import { policyLabel } from '../semantics/names';
import { selectorsOf } from '../semantics/queries';
import { didYouMean } from '../text/words';
import { invalid, onePerNode } from './support';
import { labelKeyProblem, labelValueProblem } from './k8s-syntax';

const CODE = 'invalid-selector';
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  scope: 'file',
  summary:
    'A label selector the API server rejects: unknown operator, In/NotIn without values, Exists/DoesNotExist with values, or invalid label key or value syntax.',
});

export const invalidSelector = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    const who = policyLabel(p);
    for (const { selector, path } of selectorsOf(p)) {
      for (const { key, value } of selector.matchLabels) {
        const kp = labelKeyProblem(key.value);
        if (kp)
          out.push(
            invalid(
              p,
              key.span,
              `Invalid label key "${key.value}" in ${path}.matchLabels of ${who}: ${kp}. The API server rejects the policy; fix the key.`,
            ),
          );
        const vp = labelValueProblem(value.value);
        if (vp)
          out.push(
            invalid(
              p,
              value.span,
              `Invalid label value "${value.value}" for ${key.value} in ${path}.matchLabels of ${who}: ${vp}. The API server rejects the policy; fix the value.`,
            ),
          );
      }
      selector.matchExpressions.forEach((req, i) => {
        const where = `${path}.matchExpressions[${i}]`;
        if (!req.key) {
          out.push(
            invalid(
              p,
              req.span,
              `${where} of ${who} has no key: add "key: <label key>". The API server rejects the policy.`,
            ),
          );
        } else {
          const kp = labelKeyProblem(req.key.value);
          if (kp)
            out.push(
              invalid(
                p,
                req.key.span,
                `Invalid label key "${req.key.value}" in ${where} of ${who}: ${kp}. The API server rejects the policy; fix the key.`,
              ),
            );
        }
        const op = req.operator;
        const values = req.values ?? [];
        if (!op) {
          out.push(
            invalid(
              p,
              req.span,
              `${where} of ${who} has no operator: add "operator:" with one of In, NotIn, Exists, DoesNotExist. The API server rejects the policy.`,
            ),
          );
        } else if (!OPERATORS.includes(op.value)) {
          const guess = didYouMean(op.value, OPERATORS);
          out.push(
            invalid(
              p,
              op.span,
              `Unknown operator "${op.value}" in ${where} of ${who}${guess ? `: did you mean "${guess}"?` : '.'} The operator must be one of In, NotIn, Exists, DoesNotExist (case-sensitive); the API server rejects the policy.`,
            ),
          );
        } else if ((op.value === 'In' || op.value === 'NotIn') && values.length === 0) {
          out.push(
            invalid(
              p,
              req.valuesSpan ?? op.span,
              `Operator ${op.value} needs at least one value in ${where} of ${who}: add "values: [...]" (or use ${op.value === 'In' ? 'Exists' : 'DoesNotExist'} to test only for the key). The API server rejects the policy.`,
            ),
          );
        } else if ((op.value === 'Exists' || op.value === 'DoesNotExist') && values.length > 0) {
          out.push(
            invalid(
              p,
              req.valuesSpan ?? op.span,
              `Operator ${op.value} takes no values in ${where} of ${who}: remove "values" (or use ${op.value === 'Exists' ? 'In' : 'NotIn'} to test the values). The API server rejects the policy.`,
            ),
          );
        }
        for (const v of values) {
          const vp = labelValueProblem(v.value);
          if (vp)
            out.push(
              invalid(
                p,
                v.span,
                `Invalid label value "${v.value}" in ${where}.values of ${who}: ${vp}. The API server rejects the policy; fix the value.`,
              ),
            );
        }
      });
    }
  }
  return onePerNode(out);
});
