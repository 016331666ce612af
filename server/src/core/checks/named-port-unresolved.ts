/**
 * named-port-unresolved: a rule's named port that no destination pod declares (with that protocol)
 * in its containers' ports. Destinations: for ingress, the pods the policy selects; for egress,
 * the pods the rule's pod peers match (the configured DNS pods included, as a virtual pod when the
 * workspace has none). Not reported when the destinations are not in the workspace.
 */
import { defineCheck, defineCode, lazy, subjectPolicies, type Report } from './types';
import type { Direction, NetworkPolicyResource, PolicyRule, PortEntry } from '../model/types';
import type { Workload } from '../index/workspace-index';
import { normProtocol } from '../model/lower';
import { policyName } from '../semantics/names';
import { dnsTargets, ruleDestinations } from '../semantics/queries';
import { listText, plural } from '../text/words';
import { compact, workloadRelated } from './support';

const meta = defineCode({
  code: 'named-port-unresolved',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary: "A named port that no destination pod's containers declare.",
});

export const namedPortUnresolved = defineCheck(meta, (ctx) => {
  const { index, engine, settings } = ctx;
  const out: Report<typeof meta>[] = [];
  const virtualDnsOf = lazy(() => {
    const dns = dnsTargets(index, settings);
    return dns.virtual ? dns.endpoints.flatMap((e) => (e.kind === 'workload' ? [e.workload] : [])) : [];
  });
  for (const c of subjectPolicies(ctx)) {
    const p = c.policy;
    for (const dir of ['ingress', 'egress'] as const) {
      for (const r of c[dir]) {
        const named = (r.ports ?? []).filter((pe) => typeof pe.port?.value === 'string');
        if (named.length === 0) continue;
        // a rule to anywhere also reaches pods outside the workspace: nothing to compare with
        if (dir === 'egress' && r.peers === 'all') continue;
        const dsts = ruleDestinations(engine, p, dir, r.ref.rule, virtualDnsOf());
        if (dsts.length === 0) continue;
        for (const pe of named) {
          const f = check(p, dir, r.ref.rule, pe, dsts);
          if (f) out.push(f);
        }
      }
    }
  }
  return out;
});

function check(
  p: NetworkPolicyResource,
  dir: Direction,
  _rule: PolicyRule,
  pe: PortEntry,
  dsts: readonly Workload[],
): Report | undefined {
  const name = String(pe.port?.value);
  const proto = pe.protocol === undefined ? 'TCP' : normProtocol(pe.protocol.value);
  if (!proto || !pe.port) return undefined;
  if (dsts.some((w) => w.ports.some((cp) => cp.name === name && cp.protocol === proto))) return undefined;
  const otherProto = dsts.flatMap((w) =>
    w.ports.filter((cp) => cp.name === name).map((cp) => `${w.id} declares it as ${cp.protocol}`),
  );
  const declared = [
    ...new Set(
      dsts.flatMap((w) =>
        w.ports.filter((cp) => cp.name).map((cp) => `${cp.name} (${cp.port}/${cp.protocol})`),
      ),
    ),
  ];
  const role =
    dir === 'ingress'
      ? `the ${plural(dsts.length, 'workload')} this policy selects`
      : `the ${plural(dsts.length, 'workload')} this rule's peers match`;
  const hint = otherProto.length
    ? ` ${listText(otherProto, 3)}: set protocol to match.`
    : declared.length
      ? ` They declare ${listText(declared, 6)}.`
      : ' They declare no named ports.';
  return {
    uri: p.doc.uri,
    span: pe.port.span,
    message: `Port name "${name}" (${proto}) in ${policyName(p)} matches no container port of ${role} (${listText(
      dsts.map((w) => w.id),
      4,
    )}), so this port allows nothing.${hint} Use a port name they declare, or the port number.`,
    related: compact(
      dsts
        .slice(0, 5)
        .map((w) =>
          workloadRelated(
            w,
            `${w.id}: container ports ${w.ports.map((cp) => `${cp.name ?? '(unnamed)'}=${cp.port}/${cp.protocol}`).join(', ') || '(none)'}`,
          ),
        ),
    ),
  };
}
