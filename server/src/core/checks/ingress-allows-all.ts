/**
 * ingress-allows-all: an ingress rule with no `from` and no `ports` (`ingress: [{}]`) admits every
 * source, in or outside the cluster, on every port (information: often meant, but worth seeing).
 */
import { defineCheck, defineCode, type Report } from './types';
import { effectivePolicyTypes } from '../semantics/compile';
import { policyName } from '../semantics/names';
import { plural } from '../text/words';

const meta = defineCode({
  code: 'ingress-allows-all',
  defaultSeverity: 'information',
  scope: 'workspace',
  summary: 'An ingress rule with no `from` and no `ports` allows all ingress.',
});

export const ingressAllowsAll = defineCheck(meta, ({ subjects, engine }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    if (!p.ingress || !effectivePolicyTypes(p).ingress) continue;
    const compiled = engine.compiledFor(p);
    const n = compiled ? engine.selectedBy(compiled).length : 0;
    for (const rule of p.ingress.rules) {
      if (rule.invalid || (rule.peers?.length ?? 0) > 0 || (rule.ports?.length ?? 0) > 0) continue;
      out.push({
        uri: p.doc.uri,
        span: rule.span,
        message: `This ingress rule of ${policyName(p)} has no "from" and no "ports": ${n === 0 ? 'its pods accept' : `the ${plural(n, 'selected workload')} accept${n === 1 ? 's' : ''}`} connections from every pod and every address, on every port. If that is not intended, list the sources (from: podSelector/namespaceSelector/ipBlock) and ports.`,
      });
    }
  }
  return out;
});
