/**
 * Structural reasoning on cluster-wide policies (model/cluster-policy.ts), for checks that must be
 * sure without enumerating pods: whether one policy's subject selects every pod another's does,
 * whether one rule's peers and protocols cover another's, whether a rule decides all pod traffic.
 * Selectors compare by their requirements (requirements.ts), `networks` by address ranges,
 * protocols by port ranges, named ports and domain names by name. "Covers" is sound, not complete:
 * when it says yes, every connection of the narrow side is one of the wide side's.
 */
import type { ClusterPolicyResource, TierPeer, TierPort, TierRule } from '../model/cluster-policy';
import type { LabelSelector } from '../model/types';
import { IpRangeSet, parseCidr } from './ip-set';
import { ConnectionSet } from './port-set';
import { reqsCover, selectorReqs, type Req } from './requirements';
import type { CompiledClusterPolicy, CompiledTierRule } from './tiers';

interface PodSet {
  readonly ns: readonly Req[];
  readonly pods: readonly Req[];
}

const reqs = (s: LabelSelector | undefined): readonly Req[] | undefined => selectorReqs(s);

function podSet(ns: LabelSelector | undefined, pods: LabelSelector | undefined): PodSet | undefined {
  const a = reqs(ns);
  const b = reqs(pods);
  return a && b ? { ns: a, pods: b } : undefined;
}

const podSetCovers = (wide: PodSet, narrow: PodSet): boolean =>
  reqsCover(wide.ns, narrow.ns) && reqsCover(wide.pods, narrow.pods);

/** The pods a policy's subject selects, as requirements; undefined for an invalid subject. */
export function subjectPods(p: ClusterPolicyResource): PodSet | undefined {
  const s = p.subject;
  if (s.kind === 'namespaces') return podSet(s.namespaces, undefined);
  if (s.kind === 'pods') return podSet(s.namespaceSelector, s.podSelector);
  return undefined;
}

/** Does `wide`'s subject select every pod `narrow`'s does? */
export function subjectCovers(wide: ClusterPolicyResource, narrow: ClusterPolicyResource): boolean {
  const a = subjectPods(wide);
  const b = subjectPods(narrow);
  return a !== undefined && b !== undefined && podSetCovers(a, b);
}

function peerPods(pe: TierPeer): PodSet | undefined {
  if (pe.kind === 'namespaces') return podSet(pe.namespaces, undefined);
  if (pe.kind === 'pods') return podSet(pe.namespaceSelector, pe.podSelector);
  return undefined;
}

function networks(pe: TierPeer): IpRangeSet | undefined {
  if (pe.kind !== 'networks') return undefined;
  const ranges = pe.cidrs.map((c) => parseCidr(c.value)?.range);
  return ranges.every((r) => r !== undefined) ? IpRangeSet.of(ranges) : undefined;
}

/** Does peer `wide` match every endpoint `narrow` matches? */
export function peerCovers(wide: TierPeer, narrow: TierPeer): boolean {
  // `networks` match pod IPs too, but only those the manifests state (status.podIP): never
  // assumed to cover a pods peer, as the engine does not either
  const wn = networks(wide);
  const wp = peerPods(wide);
  const np = peerPods(narrow);
  if (wp && np) return podSetCovers(wp, np);
  const nn = networks(narrow);
  if (wn && nn) return nn.ranges.every((r) => wn.covers(r));
  if (wide.kind === 'nodes' && narrow.kind === 'nodes') {
    const a = reqs(wide.nodes);
    const b = reqs(narrow.nodes);
    return a !== undefined && b !== undefined && reqsCover(a, b);
  }
  if (wide.kind === 'domainNames' && narrow.kind === 'domainNames') {
    const names = new Set(wide.names.map((n) => n.value));
    return narrow.names.every((n) => names.has(n.value));
  }
  return false;
}

function portSet(ports: readonly TierPort[]): ConnectionSet {
  let s = ConnectionSet.EMPTY;
  for (const p of ports) {
    if (p.kind === 'range') s = s.union(ConnectionSet.ports(p.protocol, p.lo, p.hi));
    else if (p.kind === 'protocol') s = s.union(ConnectionSet.ports(p.protocol, 1, 65535));
  }
  return s;
}

/** Do `wide`'s protocols cover `narrow`'s (undefined: every protocol and port)? */
export function portsCover(
  wide: readonly TierPort[] | undefined,
  narrow: readonly TierPort[] | undefined,
): boolean {
  if (!wide) return true;
  if (!narrow) return false;
  if (wide.some((p) => p.kind === 'invalid') || narrow.some((p) => p.kind === 'invalid')) return false;
  const numbers = portSet(wide);
  const named = new Set(wide.flatMap((p) => (p.kind === 'named' ? [p.name] : [])));
  return narrow.every((p) => (p.kind === 'named' ? named.has(p.name) : portSet([p]).minus(numbers).isEmpty));
}

/** Does rule `wide` (valid, same direction) match every connection `narrow` matches? */
export function ruleCovers(wide: TierRule, narrow: TierRule): boolean {
  return (
    wide.direction === narrow.direction &&
    narrow.peers.length > 0 &&
    narrow.peers.every((n) => wide.peers.some((w) => peerCovers(w, n))) &&
    portsCover(wide.ports, narrow.ports)
  );
}

/**
 * The earlier rules that together match every connection of rule `narrow` (valid), or undefined:
 * for each of its peers, the rules of its direction with a peer covering it (`peerCovers`), whose
 * protocols together (a union of port sets; named ports by name) cover its protocols. A rule with
 * every protocol and port covers a peer alone; a fail-closed Deny (`all`) covers everything. The
 * indexes (into `earlier`) of the rules used, in order; only rules that add something.
 */
export function unionCover(
  earlier: ReadonlyArray<{ readonly rule: TierRule; readonly all: boolean }>,
  narrow: TierRule,
): number[] | undefined {
  if (narrow.peers.length === 0 || narrow.ports?.some((p) => p.kind === 'invalid')) return undefined;
  const want = narrow.ports ? portSet(narrow.ports) : ConnectionSet.ALL;
  const wantNamed = narrow.ports?.flatMap((p) => (p.kind === 'named' ? [p.name] : [])) ?? [];
  const used = new Set<number>();
  for (const pe of narrow.peers) {
    let missing = want;
    const named = new Set(wantNamed);
    for (const [i, e] of earlier.entries()) {
      if (missing.isEmpty && named.size === 0) break;
      const w = e.rule;
      if (!e.all) {
        if (w.direction !== narrow.direction || w.ports?.some((p) => p.kind === 'invalid')) continue;
        if (!w.peers.some((q) => peerCovers(q, pe))) continue;
      }
      if (e.all || !w.ports) {
        used.add(i);
        missing = ConnectionSet.EMPTY;
        named.clear();
        break;
      }
      const adds = portSet(w.ports).intersect(missing);
      const names = w.ports.flatMap((p) => (p.kind === 'named' && named.has(p.name) ? [p.name] : []));
      if (adds.isEmpty && names.length === 0) continue;
      used.add(i);
      missing = missing.minus(adds);
      for (const n of names) named.delete(n);
    }
    if (!missing.isEmpty || named.size > 0) return undefined;
  }
  return [...used].sort((a, b) => a - b);
}

/** Does a rule match all pod traffic (a peer selecting every pod of every namespace, every port)? */
export function matchesAllPodTraffic(r: TierRule): boolean {
  if (r.ports) return false;
  return r.peers.some((pe) => {
    const ps = peerPods(pe);
    return ps !== undefined && ps.ns.length === 0 && ps.pods.length === 0;
  });
}

/**
 * The rules evaluated before rule `index` of `c` (direction `dir`) for every pod `c` selects: its
 * own earlier rules; the rules of the policies of its tier with a lower priority whose subject
 * covers its subject (equal priorities have no defined order); for a Baseline policy also the
 * Accept and Deny rules of such Admin policies (a Pass goes on to the NetworkPolicy tier). In
 * evaluation order; only policies the API server accepts, and never another manifest of the same
 * policy (the same kind and name).
 */
export function rulesBefore(
  c: CompiledClusterPolicy,
  dir: 'ingress' | 'egress',
  index: number,
  all: readonly CompiledClusterPolicy[],
): CompiledTierRule[] {
  const out: CompiledTierRule[] = [];
  for (const q of all) {
    // another manifest of the same object (kind and name) is not another policy: one replaces the other
    if (q === c || q.id === c.id || !q.subject || !c.subject) continue;
    const before =
      q.tier === 'Admin' && c.tier === 'Baseline' ? true : q.tier === c.tier && q.priority < c.priority;
    if (!before || !subjectCovers(q.policy, c.policy)) continue;
    const cross = q.tier !== c.tier;
    for (const r of q[dir]) if (!cross || r.action !== 'Pass') out.push(r);
  }
  out.push(...c[dir].slice(0, index));
  return out;
}
