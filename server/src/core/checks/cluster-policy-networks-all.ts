/**
 * cluster-policy-networks-all: `networks: 0.0.0.0/0` (or `::/0`) in an Accept or Deny egress rule
 * of a cluster-wide policy. The API matches `networks` against pod IPs as well, so the rule also
 * accepts or denies pod-to-pod traffic; upstream's advice is a rule passing pod traffic before it.
 * Not reported where a rule evaluated earlier for every subject pod (semantics/tier-cover.ts
 * `rulesBefore`) already decides all pod traffic.
 */
import { parseCidr } from '../semantics/ip-set';
import { matchesAllPodTraffic, rulesBefore } from '../semantics/tier-cover';
import { clusterPolicyName, tierRuleLabel } from '../semantics/tiers';
import { defineCheck, defineCode, type Report } from './types';
import { track } from '../index/deps';

const meta = defineCode({
  code: 'cluster-policy-networks-all',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary:
    'networks: 0.0.0.0/0 or ::/0 in an Accept or Deny rule of a cluster-wide policy also matches pod-to-pod traffic; upstream advises a rule passing pod traffic first.',
});

export const clusterPolicyNetworksAll = defineCheck(meta, ({ engine, index, subjects }) => {
  // reads every cluster-wide policy and the workloads they select: re-run on any change
  if (index.clusterPolicies.length === 0) return [];
  track('*');
  const out: Report<typeof meta>[] = [];
  const all = engine.tiers.compiled;
  for (const c of all) {
    const p = c.policy;
    c.egress.forEach((cr, i) => {
      if (cr.failClosed || (cr.action !== 'Accept' && cr.action !== 'Deny')) return;
      const rule = cr.ref.rule;
      const cidrs = rule.peers.flatMap((pe) =>
        pe.kind === 'networks' ? pe.cidrs.filter((x) => parseCidr(x.value)?.prefix === 0) : [],
      );
      if (cidrs.length === 0) return;
      if (rulesBefore(c, 'egress', i, all).some((q) => !q.failClosed && matchesAllPodTraffic(q.ref.rule)))
        return;
      const written = rule.actionField?.value ?? cr.action;
      const pass =
        p.sourceKind === 'BaselineAdminNetworkPolicy'
          ? 'an Allow rule for pod traffic before it (a BaselineAdminNetworkPolicy has no Pass; the last tier allows what it passes anyway)'
          : `a rule that passes pod traffic before it (- name: pass-pod-traffic, action: Pass, to: [{namespaces: {}}])`;
      for (const x of cidrs) {
        const fam = parseCidr(x.value)?.family === 6 ? 'IPv6' : 'IPv4';
        out.push({
          uri: p.doc.uri,
          span: x.span,
          message: `${x.value} in ${tierRuleLabel(rule)} of ${clusterPolicyName(p)} (${written}) matches pod IPs too: it also ${cr.action === 'Deny' ? 'denies' : 'accepts'} ${fam} traffic from the subject's pods to other pods${rule.ports ? ' on its protocols' : ''}, not only traffic leaving the cluster. If it is meant for external destinations, add ${pass}, as the API documentation advises. netpol-lens matches networks against the pod IPs the manifests state (status.podIP) only, so reach and explain show this for pods with a known IP.`,
        });
      }
    });
  }
  return out.filter((r) => subjects.file(r.uri));
});
