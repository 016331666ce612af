/**
 * The tiered model of cluster-wide policies (issue 11, docs/semantics.md "Cluster-wide policy
 * tiers"): ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2), AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy (v1alpha1) all lower to `ClusterPolicyResource`, a policy of the Admin
 * or the Baseline tier with ordered rules whose action is Accept, Deny or Pass. Raw values are kept
 * with their spans; `semantics/tiers.ts` decides what invalid ones mean (fail closed).
 */
import type { Located, Span } from '../text/span';
import type { DocRef, LabelSelector, Protocol } from './types';
import type { MigrationPlan } from './migrate-cluster-policy';

export type TierName = 'Admin' | 'Baseline';
export type TierAction = 'Accept' | 'Deny' | 'Pass';

/**
 * `AWSClusterNetworkPolicy` is EKS's `networking.k8s.aws/v1alpha1` ClusterNetworkPolicy (its own
 * schema: tiers and Accept/Deny/Pass as v1alpha2, v1alpha1-style `ports`, no `nodes` peer).
 */
export type ClusterPolicyKind =
  'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'AWSClusterNetworkPolicy';

/** The kind as written in manifests (`AWSClusterNetworkPolicy` is written `ClusterNetworkPolicy`). */
export function writtenKind(k: ClusterPolicyKind): string {
  return k === 'AWSClusterNetworkPolicy' ? 'ClusterNetworkPolicy' : k;
}

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
  /** v1alpha1 kinds: the rewrite into a ClusterNetworkPolicy v1alpha2, or why there is none (model/migrate-cluster-policy.ts). */
  readonly migration?: MigrationPlan;
}

/** One limit of the API server's validation a policy breaks (it rejects the whole object). */
export interface LimitViolation {
  readonly span: Span;
  /** What is wrong, e.g. `spec.egress has 26 rules; at most 25 are allowed`. */
  readonly text: string;
}

/**
 * The limits of the upstream CRD validation (network-policy-api v0.2.0, `apis/v1alpha2` and
 * `apis/v1alpha1` kubebuilder markers): v1alpha2 — priority 0–1000, 25 rules per direction, 25
 * peers and 25 protocols per rule; v1alpha1 — priority 0–1000 (AdminNetworkPolicy), 100 rules, 100
 * peers and 100 ports; EKS's ClusterNetworkPolicy (amazon-network-policy-controller-k8s
 * `api/v1alpha1/clusternetworkpolicy_types.go`, Apache-2.0) — priority 0–1000, 100 rules, 100
 * peers, 100 ports; both — rule names of at most 100 characters and 25 `networks` CIDRs and
 * `domainNames` per peer, and a BaselineAdminNetworkPolicy must be named `default`. Shape errors
 * (wrong types, unknown fields, named ports with address peers) are `invalid-field` findings of
 * the lowering instead.
 */
export function apiLimitViolations(p: ClusterPolicyResource): LimitViolation[] {
  const out: LimitViolation[] = [];
  const v2 = p.sourceKind === 'ClusterNetworkPolicy';
  const max = v2 ? 25 : 100;
  if (p.sourceKind !== 'BaselineAdminNetworkPolicy') {
    const pr = p.priority;
    if (!pr) out.push({ span: p.kindSpan, text: 'spec.priority is missing; it is required (0–1000)' });
    else if (!Number.isInteger(pr.value) || pr.value < 0 || pr.value > 1000)
      out.push({ span: pr.span, text: `spec.priority is ${pr.value}; it must be an integer from 0 to 1000` });
  } else if (p.name.value !== 'default')
    out.push({
      span: p.name.span,
      text: `a BaselineAdminNetworkPolicy must be named "default" (there is one per cluster), not "${p.name.value}"`,
    });
  const peersKey = { ingress: 'from', egress: 'to' } as const;
  const portsKey = v2 ? 'protocols' : 'ports';
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = p[dir];
    const over = rules[max];
    if (over)
      out.push({
        span: over.span,
        text: `spec.${dir} has ${rules.length} rules; at most ${max} are allowed`,
      });
    for (const r of rules) {
      const where = `spec.${dir}[${r.index}]`;
      if (r.name && r.name.value.length > 100)
        out.push({
          span: r.name.span,
          text: `the name of ${where} has ${r.name.value.length} characters; at most 100 are allowed`,
        });
      const peer = r.peers[max];
      if (peer)
        out.push({
          span: peer.span,
          text: `${where}.${peersKey[dir]} has ${r.peers.length} peers; at most ${max} are allowed`,
        });
      const port = r.ports?.[max];
      if (port && r.ports)
        out.push({
          span: port.span,
          text: `${where}.${portsKey} has ${r.ports.length} entries; at most ${max} are allowed`,
        });
      for (const pe of r.peers) {
        const list = pe.kind === 'networks' ? pe.cidrs : pe.kind === 'domainNames' ? pe.names : undefined;
        const item = list?.[25];
        if (list && item)
          out.push({
            span: item.span,
            text: `${where}.${peersKey[dir]}[${pe.index}].${pe.kind} has ${list.length} entries; at most 25 are allowed`,
          });
      }
    }
  }
  return out;
}

/**
 * The CRD's pattern for a DomainName (network-policy-api v0.2.0 `apis/v1alpha2`, Apache-2.0):
 * an optional `*.` prefix, then dot-separated labels, an optional trailing dot.
 */
const DOMAIN_NAME =
  /^(\*\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

/** Would the API server accept `s` as a DomainName? */
export function isDomainName(s: string): boolean {
  return DOMAIN_NAME.test(s);
}
