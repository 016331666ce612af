import type { Direction, NetworkPolicyResource, PolicyRule } from '../model/types';

/** A pointer to one rule of one policy: the provenance carried by connection sets. */
export interface RuleRef {
  readonly policy: NetworkPolicyResource;
  readonly direction: Direction;
  readonly rule: PolicyRule;
}
