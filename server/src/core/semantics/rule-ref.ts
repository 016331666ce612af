import type { ClusterPolicyResource, TierAction, TierName, TierRule } from '../model/cluster-policy';
import type { Direction, NetworkPolicyResource, PolicyRule } from '../model/types';

/** A pointer to one rule of one NetworkPolicy: the provenance carried by connection sets. */
export interface PolicyRuleRef {
  readonly tier?: undefined;
  readonly policy: NetworkPolicyResource;
  readonly direction: Direction;
  readonly rule: PolicyRule;
}

/** A rule of a cluster-wide policy (Admin or Baseline tier), with the action it took. */
export interface TierRuleRef {
  readonly tier: TierName;
  readonly policy: ClusterPolicyResource;
  readonly direction: Direction;
  readonly rule: TierRule;
  /** The action the rule takes on its traffic (a fail-closed Pass becomes Deny: semantics/tiers.ts). */
  readonly action: TierAction;
}

/** Provenance of a connection-set interval: a NetworkPolicy rule or a tier rule. */
export type RuleRef = PolicyRuleRef | TierRuleRef;
