/**
 * ingress-allows-all: an ingress rule with no `from` and no `ports` (`ingress: [{}]`) admits every
 * source, in or outside the cluster, on every port (information: often meant, but worth seeing).
 */
import type { Check, Finding } from './types';
import { effectivePolicyTypes } from '../semantics/compile';
import { plural, policyName } from './semantic-support';

export const ingressAllowsAll: Check = {
  code: 'ingress-allows-all',
  defaultSeverity: 'information',
  summary: 'An ingress rule with no `from` and no `ports` allows all ingress.',
  run({ index, engine }) {
    const out: Finding[] = [];
    for (const p of index.policies) {
      if (!p.ingress || !effectivePolicyTypes(p).ingress) continue;
      const compiled = engine.compiledFor(p);
      const n = compiled ? engine.selectedBy(compiled).length : 0;
      for (const rule of p.ingress.rules) {
        if (rule.invalid || (rule.peers?.length ?? 0) > 0 || (rule.ports?.length ?? 0) > 0) continue;
        out.push({
          code: 'ingress-allows-all', severity: 'information', uri: p.doc.uri, span: rule.span,
          message: `This ingress rule of ${policyName(p)} has no "from" and no "ports": ${n === 0 ? 'its pods accept' : `the ${plural(n, 'selected workload')} accept${n === 1 ? 's' : ''}`} connections from every pod and every address, on every port. If that is not intended, list the sources (from: podSelector/namespaceSelector/ipBlock) and ports.`,
        });
      }
    }
    return out;
  },
};
