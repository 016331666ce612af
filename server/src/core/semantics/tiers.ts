/**
 * The cluster-wide policy tiers (docs/semantics.md "Cluster-wide policy tiers"): the compiled
 * Admin and Baseline policies (ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy v1alpha1, model/cluster-policy.ts), which of them select a workload
 * per direction, their rules' peer and port matchers (failing closed as upstream says), and
 * `throughTiers`, the evaluation of one side through Admin → NetworkPolicy → Baseline → allow.
 * The engine (engine.ts) calls it for each side of a pair; nothing else decides.
 */
import type { Workload, WorkspaceIndex } from '../index/workspace-index';
import {
  apiLimitViolations,
  type ClusterPolicyResource,
  type TierAction,
  type TierName,
  type TierPort,
  type TierRule,
} from '../model/cluster-policy';
import type { Labels } from '../model/types';
import type { Endpoint, FamilyMask } from './compile';
import { ANY_FAMILY, coversAFamily } from './compile';
import { domainMatches, isDomainName, normalizeDomain } from './domains';
import { IpRangeSet, parseCidr, type IpRange } from './ip-set';
import { ConnectionSet } from './port-set';
import type { TierRuleRef } from './rule-ref';
import { compileSelector, MATCH_ALL, type SelectorMatcher } from '../model/selector';
import { track } from '../index/deps';

export type TierPeerMatcher =
  | { readonly kind: 'pods'; readonly namespaces: SelectorMatcher; readonly pods: SelectorMatcher }
  | { readonly kind: 'networks'; readonly set: IpRangeSet }
  /** `domainNames`, normalised (semantics/domains.ts): they match domain endpoints by name. */
  | { readonly kind: 'domains'; readonly names: readonly string[] }
  /** Nodes: no endpoint netpol-lens models is one. */
  | { readonly kind: 'none'; readonly why: 'nodes' };

export interface CompiledTierRule {
  readonly ref: TierRuleRef;
  /** The action taken: a Deny or Pass rule the API server would reject fails closed as Deny. */
  readonly action: TierAction;
  /** `all`: a fail-closed Deny; `[]`: matches nothing (an Accept the API server would reject, or no action). */
  readonly peers: readonly TierPeerMatcher[] | 'all';
  /** undefined: every protocol and port. */
  readonly ports: readonly TierPort[] | undefined;
  /** Why the rule fails closed (or matches nothing), in words; undefined for a valid rule. */
  readonly failClosed?: string;
}

export interface CompiledClusterPolicy {
  readonly policy: ClusterPolicyResource;
  /** `cnp/name`, `anp/name`, `banp/name`. */
  readonly id: string;
  readonly tier: TierName;
  /** Evaluation order within the tier (lower first); the written priority, 0 for a BaselineAdminNetworkPolicy. */
  readonly priority: number;
  /** undefined: the API server would reject the policy (no valid subject, a limit broken: `apiLimitViolations`): it selects nothing. */
  readonly subject: { readonly namespaces: SelectorMatcher; readonly pods: SelectorMatcher } | undefined;
  readonly ingress: readonly CompiledTierRule[];
  readonly egress: readonly CompiledTierRule[];
}

const SHORT: Record<ClusterPolicyResource['sourceKind'], string> = {
  ClusterNetworkPolicy: 'cnp',
  AWSClusterNetworkPolicy: 'aws-cnp',
  AdminNetworkPolicy: 'anp',
  BaselineAdminNetworkPolicy: 'banp',
};

/** `cnp/platform-deny`: how explanations and messages name a cluster-wide policy. */
export function clusterPolicyName(p: ClusterPolicyResource): string {
  return `${SHORT[p.sourceKind]}/${p.name.value}`;
}

/** `egress rule deny-metadata` (by name), or `egress rule 2` when it has none. */
export function tierRuleLabel(rule: TierRule): string {
  return rule.name?.value
    ? `${rule.direction} rule ${rule.name.value}`
    : `${rule.direction} rule ${rule.index + 1}`;
}

const compiledCache = new WeakMap<ClusterPolicyResource, CompiledClusterPolicy>();

export function compileClusterPolicy(p: ClusterPolicyResource): CompiledClusterPolicy {
  let c = compiledCache.get(p);
  if (!c) {
    c = compileFresh(p);
    compiledCache.set(p, c);
  }
  return c;
}

const sel = (s: Parameters<typeof compileSelector>[0] | undefined): SelectorMatcher =>
  s ? compileSelector(s) : MATCH_ALL;

function compileFresh(p: ClusterPolicyResource): CompiledClusterPolicy {
  const pr = p.priority?.value;
  // a policy beyond the API server's limits (priority, counts, names) is rejected: it selects nothing
  const accepted = apiLimitViolations(p).length === 0;
  const s = p.subject;
  const subject = !accepted
    ? undefined
    : s.kind === 'namespaces'
      ? { namespaces: sel(s.namespaces), pods: MATCH_ALL }
      : s.kind === 'pods'
        ? { namespaces: sel(s.namespaceSelector), pods: sel(s.podSelector) }
        : undefined;
  return {
    policy: p,
    id: clusterPolicyName(p),
    tier: p.tier,
    priority: p.sourceKind === 'BaselineAdminNetworkPolicy' ? 0 : (pr ?? 0),
    subject,
    ingress: p.ingress.map((r) => compileRule(p, r)),
    egress: p.egress.map((r) => compileRule(p, r)),
  };
}

function compileRule(policy: ClusterPolicyResource, rule: TierRule): CompiledTierRule {
  const written = rule.action;
  const ref = (action: TierAction): TierRuleRef => ({
    tier: policy.tier,
    policy,
    direction: rule.direction,
    rule,
    action,
  });
  if (!written)
    return { ref: ref('Deny'), action: 'Deny', peers: [], ports: undefined, failClosed: 'no valid action' };
  const why = rejected(rule) ?? rejectedByKind(policy, rule);
  if (why) {
    // fail closed (upstream): an Accept matches nothing, a Deny or Pass denies everything
    if (written === 'Accept')
      return { ref: ref('Accept'), action: 'Accept', peers: [], ports: undefined, failClosed: why };
    return { ref: ref('Deny'), action: 'Deny', peers: 'all', ports: undefined, failClosed: why };
  }
  const peers: TierPeerMatcher[] = rule.peers.map((pe): TierPeerMatcher => {
    switch (pe.kind) {
      case 'namespaces':
        return { kind: 'pods', namespaces: sel(pe.namespaces), pods: MATCH_ALL };
      case 'pods':
        return { kind: 'pods', namespaces: sel(pe.namespaceSelector), pods: sel(pe.podSelector) };
      case 'networks': {
        const ranges: IpRange[] = [];
        for (const c of pe.cidrs) {
          const pc = parseCidr(c.value);
          if (pc) ranges.push(pc.range);
        }
        return { kind: 'networks', set: IpRangeSet.of(ranges) };
      }
      case 'nodes':
        return { kind: 'none', why: 'nodes' };
      case 'domainNames':
        return { kind: 'domains', names: pe.names.map((n) => normalizeDomain(n.value)) };
      case 'invalid':
        return { kind: 'none', why: 'nodes' }; // unreachable: rejected() caught it
    }
  });
  return { ref: ref(written), action: written, peers, ports: rule.ports };
}

/** What only one kind's CRD rejects: EKS's, domainNames in a Deny rule. */
function rejectedByKind(policy: ClusterPolicyResource, rule: TierRule): string | undefined {
  if (
    policy.sourceKind === 'AWSClusterNetworkPolicy' &&
    rule.action === 'Deny' &&
    rule.peers.some((p) => p.kind === 'domainNames')
  )
    return 'EKS rejects domainNames in a Deny rule';
  return undefined;
}

/** Why the API server would reject a rule (so it fails closed), or undefined. */
function rejected(rule: TierRule): string | undefined {
  if (rule.peers.length === 0) return `it has no "${rule.direction === 'ingress' ? 'from' : 'to'}" peers`;
  for (const pe of rule.peers) {
    if (pe.kind === 'invalid') return `peer ${pe.index + 1}: ${pe.why}`;
    if (pe.kind === 'networks') {
      if (pe.cidrs.length === 0) return `peer ${pe.index + 1}: networks is empty`;
      const bad = pe.cidrs.find((c) => !parseCidr(c.value));
      if (bad) return `peer ${pe.index + 1}: "${bad.value}" is not a CIDR`;
    }
    if (pe.kind === 'domainNames') {
      if (pe.names.length === 0) return `peer ${pe.index + 1}: domainNames is empty`;
      const bad = pe.names.find((n) => !isDomainName(n.value));
      if (bad) return `peer ${pe.index + 1}: "${bad.value}" is not a domain name`;
    }
  }
  if (rule.ports) {
    if (rule.ports.length === 0) return 'its protocols list is empty';
    const bad = rule.ports.find((p) => p.kind === 'invalid');
    if (bad && bad.kind === 'invalid') return `protocol ${bad.index + 1}: ${bad.why}`;
    if (
      rule.ports.some((p) => p.kind === 'named') &&
      rule.peers.some((p) => p.kind === 'networks' || p.kind === 'nodes' || p.kind === 'domainNames')
    )
      return 'a named port cannot be used with networks, nodes or domainNames peers';
  }
  return undefined;
}

/** Host-network pods are never subjects or peers of a cluster-wide policy. */
function tierPeerMatches(
  m: TierPeerMatcher,
  ep: Endpoint,
  ns: { namespaceLabels(name: string): Labels },
  families: FamilyMask,
): boolean {
  switch (m.kind) {
    case 'none':
      return false;
    case 'domains':
      return ep.kind === 'domain' && m.names.some((n) => domainMatches(n, ep.name));
    case 'pods':
      return (
        ep.kind === 'workload' &&
        !ep.workload.hostNetwork &&
        m.namespaces.matches(ns.namespaceLabels(ep.workload.namespace)) &&
        m.pods.matches(ep.workload.labels)
      );
    case 'networks':
      // CIDRs match pod IPs too (upstream: "cluster-internal traffic will be checked against the rule as well")
      if (ep.kind === 'external') return m.set.covers(ep.range);
      // a domain's addresses are unknown: a CIDR holding a whole family holds them (domains.ts)
      if (ep.kind === 'domain') return coversAFamily(m.set);
      if (ep.workload.hostNetwork) return false;
      return ep.workload.ips.some(
        (ip) => (families & (ip.includes(':') ? 2 : 1)) !== 0 && m.set.containsIp(ip),
      );
  }
}

/** Does a tier rule match the peer endpoint (in the families the pair can use)? */
export function tierRuleMatches(
  r: CompiledTierRule,
  ep: Endpoint,
  ns: { namespaceLabels(name: string): Labels },
  families: FamilyMask = ANY_FAMILY,
): boolean {
  if (r.peers === 'all') return true;
  return r.peers.some((m) => tierPeerMatches(m, ep, ns, families));
}

/** The connections a tier rule covers towards `dst` (named ports resolved on its containers). */
export function tierRulePorts(r: CompiledTierRule, dst: Endpoint): ConnectionSet {
  const refs = [r.ref];
  if (!r.ports) return ConnectionSet.all(refs);
  let set = ConnectionSet.EMPTY;
  for (const p of r.ports) {
    if (p.kind === 'range') set = set.union(ConnectionSet.ports(p.protocol, p.lo, p.hi, refs));
    else if (p.kind === 'protocol') set = set.union(ConnectionSet.ports(p.protocol, 1, 65535, refs));
    else if (p.kind === 'named' && dst.kind === 'workload') {
      for (const cp of dst.workload.ports)
        if (cp.name === p.name) set = set.union(ConnectionSet.ports(cp.protocol, cp.port, cp.port, refs));
    }
  }
  return set;
}

/** The cluster-wide policies of a snapshot, and which select a workload (cached). */
export class ClusterTiers {
  private readonly all: readonly CompiledClusterPolicy[];
  private readonly selectingCache = new Map<string, Selecting>();
  private readonly interned = new Map<string, readonly CompiledClusterPolicy[]>();
  private readonly ix: Map<CompiledClusterPolicy, number>;

  constructor(
    index: WorkspaceIndex,
    private readonly ns: { namespaceLabels(name: string): Labels },
  ) {
    const order = { Admin: 0, Baseline: 1 };
    this.all = index.clusterPolicies
      .map(compileClusterPolicy)
      .sort(
        (a, b) =>
          order[a.tier] - order[b.tier] ||
          a.priority - b.priority ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
    this.ix = new Map(this.all.map((c, i) => [c, i]));
  }

  /** The compiled cluster-wide policies, Admin then Baseline, by priority. */
  get compiled(): readonly CompiledClusterPolicy[] {
    track('*cp');
    return this.all;
  }

  get isEmpty(): boolean {
    track('*cp');
    return this.compiled.length === 0;
  }

  /** Does a policy's subject select the workload? (Host-network pods never.) */
  selects(p: CompiledClusterPolicy, w: Workload): boolean {
    track(`nsl:${w.namespace}`);
    return (
      p.subject !== undefined &&
      !w.hostNetwork &&
      p.subject.namespaces.matches(this.ns.namespaceLabels(w.namespace)) &&
      p.subject.pods.matches(w.labels)
    );
  }

  /** The policies of each tier selecting the workload with rules in that direction, in evaluation order. */
  selecting(w: Workload): Selecting {
    track('*cp');
    track(`nsl:${w.namespace}`);
    let s = this.selectingCache.get(w.id);
    if (!s) {
      const mine = this.compiled.filter((p) => this.selects(p, w));
      const pick = (tier: TierName, dir: 'ingress' | 'egress'): readonly CompiledClusterPolicy[] =>
        this.intern(mine.filter((p) => p.tier === tier && p[dir].length > 0));
      s = {
        ingress: { admin: pick('Admin', 'ingress'), baseline: pick('Baseline', 'ingress') },
        egress: { admin: pick('Admin', 'egress'), baseline: pick('Baseline', 'egress') },
      };
      this.selectingCache.set(w.id, s);
    }
    return s;
  }

  private intern(list: CompiledClusterPolicy[]): readonly CompiledClusterPolicy[] {
    if (list.length === 0) return NO_TIER_POLICIES;
    const key = list.map((p) => this.ix.get(p)).join(',');
    let shared = this.interned.get(key);
    if (!shared) {
      shared = list;
      this.interned.set(key, shared);
    }
    return shared;
  }
}

export const NO_TIER_POLICIES: readonly CompiledClusterPolicy[] = [];

export interface TierPolicies {
  readonly admin: readonly CompiledClusterPolicy[];
  readonly baseline: readonly CompiledClusterPolicy[];
}

export interface Selecting {
  readonly ingress: TierPolicies;
  readonly egress: TierPolicies;
}

/** What one tier did with the connections that reached it; every interval carries its rule. */
export interface TierOutcome {
  readonly accept: ConnectionSet;
  readonly deny: ConnectionSet;
  readonly pass: ConnectionSet;
}

/** The trail of one side through the tiers (explain reads it). */
export interface TierTrail {
  readonly admin: TierOutcome;
  /** What reached the NetworkPolicy tier (no rules). */
  readonly toPolicies: ConnectionSet;
  /** NetworkPolicies isolate the pod in this direction: they decide everything that reached them. */
  readonly policiesIsolate: boolean;
  /** Of what reached the NetworkPolicy tier, what they allow (with their rules). */
  readonly policiesAllow: ConnectionSet;
  /** What reached the Baseline tier (no rules). */
  readonly toBaseline: ConnectionSet;
  readonly baseline: TierOutcome;
  /** What no tier decided: allowed by default (no rules). */
  readonly toDefault: ConnectionSet;
}

const NOTHING: TierOutcome = {
  accept: ConnectionSet.EMPTY,
  deny: ConnectionSet.EMPTY,
  pass: ConnectionSet.EMPTY,
};

/**
 * One tier's policies, in order, on the connections `reaching` it: per rule in written order, the
 * first rule whose peers match and whose protocols cover a connection decides it.
 */
function runTier(
  policies: readonly CompiledClusterPolicy[],
  dir: 'ingress' | 'egress',
  reaching: ConnectionSet,
  matches: (r: CompiledTierRule) => boolean,
  ports: (r: CompiledTierRule) => ConnectionSet,
): { outcome: TierOutcome; rest: ConnectionSet } {
  if (policies.length === 0 || reaching.isEmpty) return { outcome: NOTHING, rest: reaching };
  let rest = reaching;
  let accept = ConnectionSet.EMPTY;
  let deny = ConnectionSet.EMPTY;
  let pass = ConnectionSet.EMPTY;
  for (const p of policies) {
    for (const r of p[dir]) {
      if (rest.isEmpty) break;
      if (!matches(r)) continue;
      const covered = ports(r);
      if (covered.isEmpty) continue;
      const hit = covered.intersect(rest);
      if (hit.isEmpty) continue;
      if (r.action === 'Accept') accept = accept.union(hit);
      else if (r.action === 'Deny') deny = deny.union(hit);
      else pass = pass.union(hit);
      rest = rest.minus(covered);
    }
  }
  return { outcome: { accept, deny, pass }, rest };
}

/** What some policies of one tier decide on every connection (each policy alone: `[p]`), with the rules. */
export function tierOutcome(
  policies: readonly CompiledClusterPolicy[],
  dir: 'ingress' | 'egress',
  matches: (r: CompiledTierRule) => boolean,
  ports: (r: CompiledTierRule) => ConnectionSet,
): TierOutcome {
  return runTier(policies, dir, ConnectionSet.ALL, matches, ports).outcome;
}

/**
 * One side of a pair through the tiers: Admin (first matching rule; Accept and Deny final, Pass
 * to the next tier), then the NetworkPolicies (`np`: their allow-union when they isolate the pod in
 * this direction, else undefined), then Baseline, then allow. The set allowed carries the rules of
 * the tier that allowed each interval (none where allowed by default).
 */
export function throughTiers(
  tiers: TierPolicies,
  dir: 'ingress' | 'egress',
  np: ConnectionSet | undefined,
  matches: (r: CompiledTierRule) => boolean,
  ports: (r: CompiledTierRule) => ConnectionSet,
): { set: ConnectionSet; trail: TierTrail } {
  const a = runTier(tiers.admin, dir, ConnectionSet.ALL, matches, ports);
  const toPolicies = a.rest.union(a.outcome.pass.plain());
  if (np) {
    const policiesAllow = np.intersect(toPolicies);
    return {
      set: a.outcome.accept.union(policiesAllow),
      trail: {
        admin: a.outcome,
        toPolicies,
        policiesIsolate: true,
        policiesAllow,
        toBaseline: ConnectionSet.EMPTY,
        baseline: NOTHING,
        toDefault: ConnectionSet.EMPTY,
      },
    };
  }
  const b = runTier(tiers.baseline, dir, toPolicies, matches, ports);
  const toDefault = b.rest.union(b.outcome.pass.plain());
  return {
    set: a.outcome.accept.union(b.outcome.accept).union(toDefault),
    trail: {
      admin: a.outcome,
      toPolicies,
      policiesIsolate: false,
      policiesAllow: ConnectionSet.EMPTY,
      toBaseline: toPolicies,
      baseline: b.outcome,
      toDefault,
    },
  };
}
