/**
 * implicit-ingress-isolation: no `policyTypes`, egress rules and no `ingress` key. Kubernetes
 * defaults policyTypes to [Ingress, Egress], so the policy also isolates its pods for ingress with
 * no ingress rule: all their ingress is denied unless another policy allows it. Not reported when
 * every selected pod is ingress-isolated by another policy anyway (the implicit Ingress changes
 * nothing then). Fix: add `policyTypes: [Egress]`.
 */
import { defineCheck, defineCode, type Report } from './types';
import type { NetworkPolicyResource } from '../model/types';
import type { YamlOp } from '../model/finding';
import { policyName } from '../semantics/names';
import { listText, plural } from '../text/words';
import { compact, specPath, workloadRelated } from './support';

/** No policyTypes, no `ingress` key, egress rules: Ingress only by default. */
function isImplicit(p: NetworkPolicyResource): boolean {
  return (
    (!p.policyTypes || p.policyTypes.items.length === 0) && !p.ingress && (p.egress?.rules.length ?? 0) > 0
  );
}

const meta = defineCode({
  code: 'implicit-ingress-isolation',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary: 'A policy without policyTypes and with only egress rules also isolates ingress, denying it all.',
  fixes: {
    'add-policy-types': 'Add policyTypes: [Egress]',
  },
});

export const implicitIngressIsolation = defineCheck(meta, ({ subjects, engine }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    if (!isImplicit(p)) continue;
    const c = engine.compiledFor(p);
    if (!c) continue;
    const selected = engine.selectedBy(c);
    // pods that a policy isolates for ingress on purpose lose nothing to this one
    const exposed = selected.filter((w) =>
      engine.isolation(w).ingress.every((o) => o === c || isImplicit(o.policy)),
    );
    if (selected.length > 0 && exposed.length === 0) continue;
    const who = selected.length
      ? `${plural(exposed.length, 'workload')} (${listText(exposed.map((w) => w.name))}) for ingress, which no other policy isolates on purpose`
      : 'its pods for ingress';
    // `policyTypes: []` (or null) gets the item; else a new `policyTypes` entry after podSelector
    const ops: YamlOp[] = [
      p.policyTypes
        ? { op: 'append', docIndex: p.doc.docIndex, path: [...specPath(p), 'policyTypes'], item: 'Egress' }
        : {
            op: 'set',
            docIndex: p.doc.docIndex,
            path: specPath(p),
            key: 'policyTypes',
            value: ['Egress'],
            ...(p.podSelector ? { after: 'podSelector' } : {}),
          },
    ];
    out.push({
      uri: p.doc.uri,
      span: p.egress?.keySpan ?? p.name.span,
      message: `${policyName(p)} has egress rules and no policyTypes, so Kubernetes defaults policyTypes to [Ingress, Egress]: it also isolates ${who}, with no ingress rule: all their incoming traffic is denied. Add "policyTypes: [Egress]" if it should only restrict egress, or policyTypes: [Ingress, Egress] to make the deny explicit.`,
      ...(exposed.length
        ? {
            related: compact(
              exposed
                .slice(0, 5)
                .map((w) => workloadRelated(w, `${w.id}: all ingress denied by ${policyName(p)}`)),
            ),
          }
        : {}),
      fixes: [{ kind: 'add-policy-types', title: 'Add policyTypes: [Egress]', data: { ops } }],
    });
  }
  return out;
});
