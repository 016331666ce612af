/**
 * policy-kind-not-analysed: a policy of a kind the engine does not evaluate yet — Cilium
 * (CiliumNetworkPolicy, CiliumClusterwideNetworkPolicy), Calico (NetworkPolicy and
 * GlobalNetworkPolicy of projectcalico.org/v3 and crd.projectcalico.org/v1), the AdminNetworkPolicy
 * API in versions other than those the tiers evaluate (AdminNetworkPolicy, BaselineAdminNetworkPolicy
 * v1alpha1 and ClusterNetworkPolicy v1alpha2 of policy.networking.k8s.io are analysed) and the AWS
 * network policy agent's kinds in versions other than networking.k8s.aws/v1alpha1 (ClusterNetworkPolicy,
 * ApplicationNetworkPolicy: that version is analysed). Lowering tells them apart by API group and kind;
 * the CLI's reach and explain headers count them too.
 */
import { defineCheck, defineCode, type Report } from './types';

const meta = defineCode({
  code: 'policy-kind-not-analysed',
  defaultSeverity: 'warning',
  scope: 'file',
  summary:
    'A policy of another kind (Cilium, Calico; AdminNetworkPolicy API versions other than v1alpha1 and v1alpha2; AWS network policy versions other than networking.k8s.aws/v1alpha1) that netpol-lens does not analyse yet: verdicts about the pods it selects may be wrong.',
});

export const policyKindNotAnalysed = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const f of subjects.files.values()) {
    for (const p of f.otherPolicies ?? []) {
      const name = p.name ? (p.namespace ? `${p.namespace}/${p.name.value}` : p.name.value) : '(no name)';
      out.push({
        uri: p.doc.uri,
        span: p.kind.span,
        message: `${p.kind.value} ${name} (${p.apiVersion.value}) is not analysed: netpol-lens evaluates Kubernetes NetworkPolicies (networking.k8s.io/v1), AdminNetworkPolicies and BaselineAdminNetworkPolicies (v1alpha1), ClusterNetworkPolicies (policy.networking.k8s.io/v1alpha2) and EKS's ClusterNetworkPolicy and ApplicationNetworkPolicy (networking.k8s.aws/v1alpha1) so far, so its reachability verdicts and checks about the pods this policy selects may be wrong. ${p.precedence}`,
      });
    }
  }
  return out;
});
