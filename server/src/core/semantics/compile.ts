/**
 * Compiling a NetworkPolicy (policy-assistant style): who it selects, which directions it isolates
 * (policyTypes defaulted as the API server does), and its rules as peer and port matchers.
 */
import { policyName } from './names';
import type { NetworkPolicyResource, Peer, PolicyRule, PortEntry } from '../model/types';
import { normProtocol } from '../model/lower';
import type { Workload } from '../index/workspace-index';
import { compileSelector, MATCH_ALL, type SelectorMatcher } from '../model/selector';
import { fullRange, IpRangeSet, parseCidr, type IpRange } from './ip-set';
import { domainMatches, isDomainName, normalizeDomain } from './domains';
import { ConnectionSet } from './port-set';
import type { PolicyRuleRef, RuleRef } from './rule-ref';

export type PeerMatcher =
  | {
      readonly kind: 'pods';
      readonly peer: Peer;
      readonly namespaces: SelectorMatcher | 'own';
      readonly pods: SelectorMatcher;
    }
  | { readonly kind: 'ipBlock'; readonly peer: Peer; readonly set: IpRangeSet }
  /** An ApplicationNetworkPolicy's `domainNames` (normalised, valid ones): domain endpoints by name. */
  | { readonly kind: 'domains'; readonly peer: Peer; readonly names: readonly string[] }
  /** A peer the API server would reject (no selector and no ipBlock, or an unparsable CIDR): matches nothing. */
  | { readonly kind: 'none'; readonly peer: Peer };

export interface CompiledRule {
  readonly ref: PolicyRuleRef;
  /** `all` when `from`/`to` is absent or empty; empty (matches nothing) for a rule the API server would reject. */
  readonly peers: readonly PeerMatcher[] | 'all';
  /** undefined when `ports` is absent or empty (all ports). */
  readonly ports: readonly PortEntry[] | undefined;
}

export interface CompiledPolicy {
  readonly policy: NetworkPolicyResource;
  readonly id: string;
  readonly namespace: string;
  readonly subject: SelectorMatcher;
  /** Effective policyTypes. */
  readonly types: { readonly ingress: boolean; readonly egress: boolean };
  /** True when policyTypes was absent (or empty) and defaulted. */
  readonly typesDefaulted: boolean;
  /** Rules that take effect (empty for a direction the policy does not isolate). */
  readonly ingress: readonly CompiledRule[];
  readonly egress: readonly CompiledRule[];
}

/** policyTypes as the API server defaults them (semantics.md "policyTypes and isolation"). */
export function effectivePolicyTypes(p: NetworkPolicyResource): {
  ingress: boolean;
  egress: boolean;
  defaulted: boolean;
} {
  const items = p.policyTypes?.items ?? [];
  if (items.length === 0) {
    return { ingress: true, egress: (p.egress?.rules.length ?? 0) > 0, defaulted: true };
  }
  return {
    ingress: items.some((i) => i.value === 'Ingress'),
    egress: items.some((i) => i.value === 'Egress'),
    defaulted: false,
  };
}

/**
 * Compiled policies by resource. A resource object lives as long as its file is unchanged (the
 * index shares unchanged files between snapshots), and compiling is pure, so an edit recompiles
 * only the policies of the edited file.
 */
const compiledCache = new WeakMap<NetworkPolicyResource, CompiledPolicy>();

export function compilePolicy(p: NetworkPolicyResource): CompiledPolicy {
  let c = compiledCache.get(p);
  if (!c) {
    c = compileFresh(p);
    compiledCache.set(p, c);
  }
  return c;
}

function compileFresh(p: NetworkPolicyResource): CompiledPolicy {
  const t = effectivePolicyTypes(p);
  const rules = (dir: 'ingress' | 'egress'): CompiledRule[] =>
    (p[dir]?.rules ?? []).map((rule) => compileRule(p, dir, rule));
  return {
    policy: p,
    id: policyName(p),
    namespace: p.namespace,
    subject: p.podSelector ? compileSelector(p.podSelector) : MATCH_ALL,
    types: { ingress: t.ingress, egress: t.egress },
    typesDefaulted: t.defaulted,
    ingress: t.ingress ? rules('ingress') : [],
    egress: t.egress ? rules('egress') : [],
  };
}

function compileRule(
  policy: NetworkPolicyResource,
  direction: 'ingress' | 'egress',
  rule: PolicyRule,
): CompiledRule {
  const ref: PolicyRuleRef = { policy, direction, rule };
  if (rule.invalid) return { ref, peers: [], ports: undefined };
  const peers = !rule.peers || rule.peers.length === 0 ? 'all' : rule.peers.map(compilePeer);
  const ports = !rule.ports || rule.ports.length === 0 ? undefined : rule.ports;
  return { ref, peers, ports };
}

export function compilePeer(peer: Peer): PeerMatcher {
  if (peer.domainNames) {
    // exclusive with the other fields (the CRD's CEL): otherwise rejected, matching nothing
    if (peer.podSelector || peer.namespaceSelector || peer.ipBlock) return { kind: 'none', peer };
    const names = peer.domainNames.filter((n) => isDomainName(n.value)).map((n) => normalizeDomain(n.value));
    return { kind: 'domains', peer, names };
  }
  if (peer.ipBlock) {
    if (peer.podSelector || peer.namespaceSelector) return { kind: 'none', peer };
    const set = ipBlockSet(
      peer.ipBlock.cidr?.value,
      peer.ipBlock.except.map((e) => e.value),
    );
    return set ? { kind: 'ipBlock', peer, set } : { kind: 'none', peer };
  }
  if (!peer.podSelector && !peer.namespaceSelector) return { kind: 'none', peer };
  return {
    kind: 'pods',
    peer,
    namespaces: peer.namespaceSelector ? compileSelector(peer.namespaceSelector) : 'own',
    pods: peer.podSelector ? compileSelector(peer.podSelector) : MATCH_ALL,
  };
}

/** `cidr` minus every `except`; undefined when the cidr does not parse. */
export function ipBlockSet(cidr: string | undefined, except: readonly string[]): IpRangeSet | undefined {
  const c = cidr === undefined ? undefined : parseCidr(cidr);
  if (!c) return undefined;
  const ex: IpRange[] = [];
  for (const e of except) {
    const pe = parseCidr(e);
    if (pe) ex.push(pe.range);
  }
  return IpRangeSet.of([c.range]).minus(IpRangeSet.of(ex));
}

/**
 * An endpoint of the matrix: a workload, a range of cluster-external addresses, or a domain name
 * of a `domainNames` peer (semantics/domains.ts: `name` normalised, `*.` for a wildcard; a
 * destination only, its addresses unknown).
 */
export type Endpoint = (
  | { readonly kind: 'workload'; readonly id: string; readonly workload: Workload }
  | { readonly kind: 'external'; readonly id: string; readonly range: IpRange }
  | { readonly kind: 'domain'; readonly id: string; readonly name: string }
) & {
  /** Position in the engine's endpoint list (absent for ad-hoc ranges), used for caches. */
  readonly ix?: number;
};

/**
 * Address families as bits (1 IPv4, 2 IPv6). A connection uses one family end to end, so an ipBlock
 * matches a pod only by an address of a family the connection can use (semantics.md, ARCHITECTURE.md).
 */
export type FamilyMask = number;
export const ANY_FAMILY: FamilyMask = 3;

/** The families of a workload's known IPs; every family when none is known (or for an external range: its own). */
export function endpointFamilies(ep: Endpoint): FamilyMask {
  if (ep.kind === 'external') return ep.range.family === 4 ? 1 : 2;
  if (ep.kind === 'domain') return ANY_FAMILY;
  let f = 0;
  for (const ip of ep.workload.ips) f |= ip.includes(':') ? 2 : 1;
  return f === 0 ? ANY_FAMILY : f;
}

/**
 * The families a connection between two endpoints can use: for two workloads, those both have an
 * address of (a workload without known IPs could have any); a pair with an external range is
 * matched by that range alone (no family restriction on the workload's side).
 */
export function pairFamilies(src: Endpoint, dst: Endpoint): FamilyMask {
  if (src.kind !== 'workload' || dst.kind !== 'workload') return ANY_FAMILY;
  return endpointFamilies(src) & endpointFamilies(dst);
}

/**
 * Does a peer match an endpoint? `viaIp` is set when an ipBlock matched a pod by its known IP, with
 * `families` the families of the addresses it matched; only addresses of `allowed` families count.
 */
export function peerMatches(
  m: PeerMatcher,
  policyNs: string,
  ep: Endpoint,
  ns: { namespaceMatches(name: string, m: SelectorMatcher): boolean },
  allowed: FamilyMask = ANY_FAMILY,
): { match: boolean; viaIp?: boolean; families?: FamilyMask } {
  switch (m.kind) {
    case 'none':
      return { match: false };
    case 'domains':
      return { match: ep.kind === 'domain' && m.names.some((n) => domainMatches(n, ep.name)) };
    case 'pods': {
      if (ep.kind !== 'workload') return { match: false };
      const w = ep.workload;
      const nsOk =
        m.namespaces === 'own' ? w.namespace === policyNs : ns.namespaceMatches(w.namespace, m.namespaces);
      return { match: nsOk && m.pods.matches(w.labels) };
    }
    case 'ipBlock': {
      if (ep.kind === 'external') return { match: m.set.covers(ep.range) };
      // a domain's addresses are unknown: only a block holding a whole family holds them surely
      if (ep.kind === 'domain') return { match: coversAFamily(m.set) };
      let families = 0;
      for (const ip of ep.workload.ips) {
        const bit = ip.includes(':') ? 2 : 1;
        if ((allowed & bit) !== 0 && m.set.containsIp(ip)) families |= bit;
      }
      return families ? { match: true, viaIp: true, families } : { match: false };
    }
  }
}

/**
 * Does an address set hold every address of IPv4 or of IPv6 (`0.0.0.0/0`, `::/0`)? Then it holds
 * whatever a domain name resolves to in that family: the only address peers that match a domain
 * endpoint (docs/semantics.md "Domain names").
 */
export function coversAFamily(set: IpRangeSet): boolean {
  return set.covers(fullRange(4)) || set.covers(fullRange(6));
}

/** The known addresses of a workload an ipBlock peer contains, of the `allowed` families. */
export function ipBlockAddresses(m: PeerMatcher, ep: Endpoint, allowed: FamilyMask = ANY_FAMILY): string[] {
  if (m.kind !== 'ipBlock' || ep.kind !== 'workload') return [];
  return ep.workload.ips.filter((ip) => (allowed & (ip.includes(':') ? 2 : 1)) !== 0 && m.set.containsIp(ip));
}

/** The ports a rule allows towards a destination (named ports resolved on the destination's containers). */
export function rulePorts(rule: CompiledRule, dst: Endpoint): ConnectionSet {
  const refs = [rule.ref];
  if (!rule.ports) return ConnectionSet.all(refs);
  let set = ConnectionSet.EMPTY;
  for (const pe of rule.ports) set = set.union(portEntrySet(pe, dst, refs));
  return set;
}

export function portEntrySet(pe: PortEntry, dst: Endpoint, refs: readonly RuleRef[]): ConnectionSet {
  const proto = pe.protocol === undefined ? 'TCP' : normProtocol(pe.protocol.value);
  if (!proto) return ConnectionSet.EMPTY;
  const port = pe.port?.value;
  if (port === undefined) return ConnectionSet.ports(proto, 1, 65535, refs);
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 1 || port > 65535) return ConnectionSet.EMPTY;
    const end = pe.endPort?.value ?? port;
    if (end < port) return ConnectionSet.EMPTY;
    return ConnectionSet.ports(proto, port, end, refs);
  }
  if (dst.kind !== 'workload') return ConnectionSet.EMPTY;
  let set = ConnectionSet.EMPTY;
  for (const cp of dst.workload.ports) {
    if (cp.name === port && cp.protocol === proto)
      set = set.union(ConnectionSet.ports(proto, cp.port, cp.port, refs));
  }
  return set;
}
