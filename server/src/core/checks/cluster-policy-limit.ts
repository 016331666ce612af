/**
 * cluster-policy-limit: a ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy
 * beyond a limit the API server's validation enforces (`apiLimitViolations`, model/cluster-policy.ts:
 * priority 0–1000, rules, peers and protocols per list, 100-character rule names, 25 CIDRs or
 * domain names, the BaselineAdminNetworkPolicy's name). The server rejects the whole object, so
 * the cluster will not have it: the tiers let it select nothing (semantics/tiers.ts).
 */
import { apiLimitViolations } from '../model/cluster-policy';
import { clusterPolicyName } from '../semantics/tiers';
import { defineCheck, defineCode, type Report } from './types';

const meta = defineCode({
  code: 'cluster-policy-limit',
  defaultSeverity: 'error',
  scope: 'file',
  summary:
    'A cluster-wide policy beyond a limit of the API server (priority 0–1000; v1alpha2: 25 rules, peers and protocols; v1alpha1: 100; rule names of 100 characters; 25 CIDRs or domain names; a BaselineAdminNetworkPolicy named default): the server rejects it.',
});

function advice(text: string): string {
  if (text.startsWith('spec.priority')) return 'Give it a priority from 0 to 1000.';
  if (text.includes(' rules;'))
    return 'Split the rules over two policies with adjacent priorities (rule order within a policy becomes the order of the policies).';
  if (text.includes(' peers;') || text.includes(' entries;'))
    return 'Split the rule into several rules with the same action, placed one after the other.';
  if (text.includes('characters')) return 'Shorten the rule name.';
  return 'Rename it to default, merging its rules into the one default policy of the cluster.';
}

export const clusterPolicyLimit = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.clusterPolicies) {
    for (const v of apiLimitViolations(p)) {
      out.push({
        uri: p.doc.uri,
        span: v.span,
        message: `${p.sourceKind} ${clusterPolicyName(p)}: ${v.text}. The API server rejects the whole policy, so the cluster will not have it; netpol-lens lets it select no pods. ${advice(v.text)}`,
      });
    }
  }
  return out;
});
