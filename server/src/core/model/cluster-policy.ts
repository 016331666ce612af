/**
 * The tiered model of cluster-wide policies (issue 11, docs/semantics.md "Cluster-wide policy
 * tiers"): ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2), AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy (v1alpha1) all lower to `ClusterPolicyResource`, a policy of the Admin
 * or the Baseline tier with ordered rules whose action is Accept, Deny or Pass. Raw values are kept
 * with their spans; `semantics/tiers.ts` decides what invalid ones mean (fail closed).
 */
import type { Located, Span } from '../text/span';
import type { DocRef, LabelSelector, Protocol } from './types';

export type TierName = 'Admin' | 'Baseline';
export type TierAction = 'Accept' | 'Deny' | 'Pass';

export type ClusterPolicyKind = 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';

/** `subject`: exactly one of `namespaces` or `pods`; undefined selectors mean `{}` (everything). */
export type ClusterSubject =
  | { readonly kind: 'namespaces'; readonly span: Span; readonly namespaces: LabelSelector | undefined }
  | {
      readonly kind: 'pods';
      readonly span: Span;
      readonly namespaceSelector: LabelSelector | undefined;
      readonly podSelector: LabelSelector | undefined;
    }
  /** None, several, or an unknown field: the API server rejects it; the policy selects nothing. */
  | { readonly kind: 'invalid'; readonly span: Span; readonly why: string };

/** One item of `from` / `to`. Selectors left undefined are `{}`. */
export type TierPeer = { readonly span: Span; readonly index: number } & (
  | { readonly kind: 'namespaces'; readonly namespaces: LabelSelector | undefined }
  | {
      readonly kind: 'pods';
      readonly namespaceSelector: LabelSelector | undefined;
      readonly podSelector: LabelSelector | undefined;
    }
  | { readonly kind: 'networks'; readonly cidrs: ReadonlyArray<Located<string>> }
  | { readonly kind: 'nodes'; readonly nodes: LabelSelector | undefined }
  | { readonly kind: 'domainNames'; readonly names: ReadonlyArray<Located<string>> }
  /** No field, several, an unknown one, or one not allowed in this direction: fail closed. */
  | { readonly kind: 'invalid'; readonly why: string }
);

/** One item of `protocols` (v1alpha2) or `ports` (v1alpha1). */
export type TierPort = { readonly span: Span; readonly index: number } & (
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly lo: number; readonly hi: number }
  /** A protocol with no port (v1alpha1 never; kept for EKS-style entries): every port. */
  | { readonly kind: 'protocol'; readonly protocol: Protocol }
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'invalid'; readonly why: string }
);

export interface TierRule {
  readonly span: Span;
  readonly index: number;
  readonly direction: 'ingress' | 'egress';
  readonly name: Located<string> | undefined;
  /** The action as written. */
  readonly actionField: Located<string> | undefined;
  /** Normalised (v1alpha1 `Allow` is `Accept`); undefined when missing or unknown (the rule matches nothing). */
  readonly action: TierAction | undefined;
  /** `from` / `to`; empty when missing (the API server requires at least one peer). */
  readonly peers: readonly TierPeer[];
  readonly peersKeySpan: Span | undefined;
  /** undefined when absent: every protocol and port. */
  readonly ports: readonly TierPort[] | undefined;
  readonly portsKeySpan: Span | undefined;
}

export interface ClusterPolicyResource {
  readonly kind: 'ClusterPolicy';
  readonly doc: DocRef;
  readonly apiVersion: Located<string>;
  readonly sourceKind: ClusterPolicyKind;
  readonly kindSpan: Span;
  readonly name: Located<string>;
  readonly tier: TierName;
  /** `spec.tier` (v1alpha2 only). */
  readonly tierField: Located<string> | undefined;
  /** `spec.priority`; undefined for a BaselineAdminNetworkPolicy (or when missing). */
  readonly priority: Located<number> | undefined;
  readonly subject: ClusterSubject;
  readonly ingress: readonly TierRule[];
  readonly egress: readonly TierRule[];
}
