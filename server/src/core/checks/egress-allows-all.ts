/**
 * egress-allows-all: an egress rule with no `to` and no `ports` (`egress: [{}]`) lets the selected
 * pods reach every address, the internet and the cloud metadata endpoint 169.254.169.254 included.
 */
import { defineCheck, defineCode, type Report } from './types';
import { effectivePolicyTypes } from '../semantics/compile';
import { policyName } from '../semantics/names';
import { plural } from '../text/words';

const meta = defineCode({
  code: 'egress-allows-all',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary:
    'An egress rule with no `to` and no `ports` allows all egress, to the internet and the cloud metadata address included.',
});

export const egressAllowsAll = defineCheck(meta, ({ subjects, engine }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    if (!p.egress || !effectivePolicyTypes(p).egress) continue;
    const compiled = engine.compiledFor(p);
    const n = compiled ? engine.selectedBy(compiled).length : 0;
    for (const rule of p.egress.rules) {
      if (rule.invalid || (rule.peers?.length ?? 0) > 0 || (rule.ports?.length ?? 0) > 0) continue;
      out.push({
        uri: p.doc.uri,
        span: rule.span,
        message: `This egress rule of ${policyName(p)} has no "to" and no "ports": ${n === 0 ? 'its pods' : `the ${plural(n, 'selected workload')}`} may send to any address, the internet and the cloud metadata endpoint 169.254.169.254 included. List the destinations it needs (to: namespaceSelector/podSelector/ipBlock) and their ports.`,
      });
    }
  }
  return out;
});
