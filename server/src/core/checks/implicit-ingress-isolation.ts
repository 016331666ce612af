/**
 * implicit-ingress-isolation: no `policyTypes`, egress rules and no `ingress` key. Kubernetes
 * defaults policyTypes to [Ingress, Egress], so the policy also isolates its pods for ingress with
 * no ingress rule: all their ingress is denied unless another policy allows it. Not reported when
 * every selected pod is ingress-isolated by another policy anyway (the implicit Ingress changes
 * nothing then). Fix: add `policyTypes: [Egress]`.
 */
import type { Check, Finding } from './types';
import type { YamlOp } from '../fixes/fix';
import { compact, listText, plural, policyName, specPath, workloadRelated } from './semantic-support';

export const implicitIngressIsolation: Check = {
  code: 'implicit-ingress-isolation',
  defaultSeverity: 'warning',
  summary: 'A policy without policyTypes and with only egress rules also isolates ingress, denying it all.',
  run({ index, engine }) {
    const out: Finding[] = [];
    for (const p of index.policies) {
      if (p.policyTypes && p.policyTypes.items.length > 0) continue;
      if (p.ingress || !p.egress || p.egress.rules.length === 0) continue;
      const c = engine.compiledFor(p);
      if (!c) continue;
      const selected = engine.selectedBy(c);
      const exposed = selected.filter((w) => engine.isolation(w).ingress.every((o) => o === c));
      if (selected.length > 0 && exposed.length === 0) continue;
      const who = selected.length
        ? `${plural(exposed.length, 'workload')} (${listText(exposed.map((w) => w.name))}) that no other policy isolates for ingress`
        : 'its pods';
      const ops: YamlOp[] = [{
        op: 'set', docIndex: p.doc.docIndex, path: specPath(p), key: 'policyTypes', value: ['Egress'],
        ...(p.podSelector ? { after: 'podSelector' } : {}),
      }];
      out.push({
        code: 'implicit-ingress-isolation', severity: 'warning', uri: p.doc.uri, span: p.egress.keySpan,
        message: `${policyName(p)} has egress rules and no policyTypes, so Kubernetes defaults policyTypes to [Ingress, Egress]: it also isolates ${who} for ingress, with no ingress rule — all their incoming traffic is denied. Add "policyTypes: [Egress]" if it should only restrict egress, or policyTypes: [Ingress, Egress] to make the deny explicit.`,
        ...(exposed.length ? { related: compact(exposed.slice(0, 5).map((w) => workloadRelated(w, `${w.id}: all ingress denied by ${policyName(p)}`))) } : {}),
        fixes: [{ kind: 'add-policy-types', title: 'Add policyTypes: [Egress]', data: { ops } }],
      });
    }
    return out;
  },
};
