/**
 * Explanations: the verdict for one connection and why, read from the same connection sets as the
 * matrix. Plain data with SourceRefs; renderers turn the refs into file:line or links.
 */
import { policyName, policyRuleLabel } from './names';
import type { SourceRef } from '../text/span';
import type { Protocol } from '../model/types';
import {
  ANY_FAMILY,
  compilePolicy,
  ipBlockAddresses,
  pairFamilies,
  type CompiledPolicy,
  type Endpoint,
} from './compile';
import type { PolicyEngine, SideResult } from './engine';
import { ConnectionSet, formatConns, type Conns } from './port-set';
import type { RuleRef } from './rule-ref';

export interface PolicyPointer {
  readonly policy: string;
  readonly ref: SourceRef;
}

export interface RulePointer {
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  readonly ruleIndex: number;
  readonly ref: SourceRef;
}

export interface SideExplanation {
  readonly isolated: boolean;
  readonly isolatingPolicies: readonly PolicyPointer[];
  readonly allowingRules: readonly RulePointer[];
  readonly allowed: boolean;
  readonly conns: Conns | 'none';
}

export interface Explanation {
  readonly src: string;
  readonly dst: string;
  readonly port?: { readonly port: number; readonly protocol: Protocol };
  readonly allowed: boolean;
  /** Allowed on some ports only (no port given). */
  readonly partial: boolean;
  readonly conns: Conns | 'none';
  /** Source and destination are the same workload. */
  readonly self: boolean;
  readonly egress: SideExplanation;
  readonly ingress: SideExplanation;
  /** The sentences the CLI prints, with `{ref:N}` markers resolved by the caller via `refs`. */
  readonly summary: readonly string[];
  readonly notes: readonly string[];
}

export function policyPointer(p: CompiledPolicy): PolicyPointer {
  return { policy: p.id, ref: { uri: p.policy.doc.uri, span: p.policy.name.span } };
}

export function rulePointer(r: RuleRef): RulePointer {
  return {
    policy: policyName(r.policy),
    direction: r.direction,
    ruleIndex: r.rule.index,
    ref: { uri: r.policy.doc.uri, span: r.rule.span },
  };
}

function connsOf(set: ConnectionSet): Conns | 'none' {
  return set.isEmpty ? 'none' : set.toConns();
}

export function explainConnection(
  engine: PolicyEngine,
  src: Endpoint,
  dst: Endpoint,
  port?: { port: number; protocol: Protocol },
): Explanation {
  const r = engine.pair(src, dst);
  const narrow = (s: ConnectionSet): ConnectionSet => (port ? s.restrict(port.protocol, port.port) : s);
  const eg = narrow(r.egress.set);
  const ing = narrow(r.ingress.set);
  const conns = narrow(r.conns);
  const self = src.id === dst.id;
  const allowed = self || !conns.isEmpty;
  const partial = !self && !port && !conns.isEmpty && !conns.isAll;
  const side = (s: SideResult, set: ConnectionSet): SideExplanation => ({
    isolated: s.isolating.length > 0,
    isolatingPolicies: s.isolating.map(policyPointer),
    allowingRules: set.refs().map(rulePointer),
    allowed: !set.isEmpty,
    conns: connsOf(set),
  });
  const notes: string[] = [];
  if (r.egress.viaPodIp || r.ingress.viaPodIp) {
    const fam = pairFamilies(src, dst);
    const by = [
      ...(r.egress.viaPodIp ? [matchedBy(dst, eg.isEmpty ? r.egress.set : eg, fam)] : []),
      ...(r.ingress.viaPodIp ? [matchedBy(src, ing.isEmpty ? r.ingress.set : ing, fam)] : []),
    ];
    notes.push(
      `An ipBlock matched ${by.join(', and ')}. Whether ipBlocks apply to pod IPs is up to the network plugin; most plugins match them, but do not rely on it across plugins.`,
    );
  }
  const families = familyNote(engine, src, dst, r.egress, r.ingress, narrow);
  if (families) notes.push(families);
  for (const ep of [src, dst]) {
    if (ep.kind === 'workload' && ep.workload.hostNetwork) {
      notes.push(
        `${ep.id} uses hostNetwork: its traffic uses the node's address, and whether policies apply to it is up to the network plugin.`,
      );
    }
  }
  if (dst.kind === 'external' || src.kind === 'external') {
    notes.push(
      'External ranges are matched only by ipBlock rules and by rules that allow all peers; traffic to a Service ClusterIP is matched after translation to pod IPs.',
    );
  }
  const what = port ? `${port.protocol} ${port.port}` : 'any port';
  const summary: string[] = [];
  if (self) {
    summary.push(
      `${src.id} → itself: ALLOWED. Traffic from a pod to itself never leaves its network namespace and is always allowed.`,
    );
    summary.push(`Between different pods of ${src.id} the policies allow: ${formatConns(connsOf(conns))}.`);
  } else {
    const verdict = conns.isEmpty
      ? 'DENIED'
      : partial
        ? `ALLOWED on ${formatConns(conns.toConns())} only`
        : 'ALLOWED';
    summary.push(`${src.id} → ${dst.id} on ${what}: ${verdict}.`);
  }
  summary.push(sideSentence('egress', src, dst, r.egress, eg, what));
  summary.push(sideSentence('ingress', src, dst, r.ingress, ing, what));
  return {
    src: src.id,
    dst: dst.id,
    ...(port ? { port } : {}),
    allowed,
    partial,
    conns: self ? 'all' : connsOf(conns),
    self,
    egress: side(r.egress, eg),
    ingress: side(r.ingress, ing),
    summary,
    notes,
  };
}

function sideSentence(
  dir: 'ingress' | 'egress',
  src: Endpoint,
  dst: Endpoint,
  s: SideResult,
  set: ConnectionSet,
  what: string,
): string {
  const pod = dir === 'egress' ? src : dst;
  const other = dir === 'egress' ? dst : src;
  const Dir = dir === 'egress' ? `Egress from ${pod.id}` : `Ingress to ${pod.id}`;
  if (pod.kind === 'external') return `${Dir}: an external address; no NetworkPolicy applies to it.`;
  if (s.isolating.length === 0) {
    return `${Dir}: not isolated (no policy selecting it has ${dir === 'egress' ? 'Egress' : 'Ingress'} in its policyTypes), so all ${dir} is allowed.`;
  }
  const iso = `isolated by ${s.isolating.map((p) => p.id).join(', ')}`;
  if (set.isEmpty) {
    return `${Dir}: ${iso}; no ${dir} rule of ${s.isolating.length === 1 ? 'that policy' : 'those policies'} allows ${other.id} on ${what}. To allow it, add an ${dir} rule whose "${dir === 'egress' ? 'to' : 'from'}" matches ${other.id}${what === 'any port' ? '' : ` and whose ports include ${what}`}.`;
  }
  const rules = set.refs().map((r) => policyRuleLabel(r.policy, r.direction, r.rule));
  return `${Dir}: ${iso}; allowed (${formatConns(set.toConns())}) by ${rules.join(', ')}.`;
}

const FAMILY_NAME: Record<number, string> = { 1: 'IPv4', 2: 'IPv6' };

/**
 * "y/b[Pod] by its address fd00::1:2 (status.podIPs)": the peer's addresses (of the pair's
 * families) that the ipBlocks of the rules behind `set` contain.
 */
function matchedBy(peer: Endpoint, set: ConnectionSet, fam: number): string {
  const ips = new Set<string>();
  for (const ref of set.refs()) {
    const rule = compilePolicy(ref.policy)[ref.direction].find((r) => r.ref.rule === ref.rule);
    if (!rule || rule.peers === 'all') continue;
    for (const pm of rule.peers) for (const ip of ipBlockAddresses(pm, peer, fam)) ips.add(ip);
  }
  if (peer.kind !== 'workload' || ips.size === 0) return 'a pod by its IP address (status.podIP)';
  const list = [...ips];
  const field = list.length === 1 && list[0] === peer.workload.ips[0] ? 'status.podIP' : 'status.podIPs';
  return `${peer.id} by its address${list.length === 1 ? '' : 'es'} ${list.join(', ')} (${field})`;
}

/**
 * A connection uses one address family end to end. Between two pods with known IPs, says which
 * families the pair can use where that changed what an ipBlock matched, and the per-family result
 * where the two sides allow the families differently.
 */
function familyNote(
  engine: PolicyEngine,
  src: Endpoint,
  dst: Endpoint,
  eg: SideResult,
  ing: SideResult,
  narrow: (s: ConnectionSet) => ConnectionSet,
): string | undefined {
  if (
    src.kind !== 'workload' ||
    dst.kind !== 'workload' ||
    src.workload.ips.length === 0 ||
    dst.workload.ips.length === 0
  )
    return undefined;
  const fam = pairFamilies(src, dst);
  if (eg.byFamily || ing.byFamily) {
    const e4 = eg.byFamily?.v4 ?? eg.set,
      e6 = eg.byFamily?.v6 ?? eg.set;
    const i4 = ing.byFamily?.v4 ?? ing.set,
      i6 = ing.byFamily?.v6 ?? ing.set;
    const per = (e: ConnectionSet, i: ConnectionSet): string => {
      const both = narrow(e.intersect(i));
      return both.isEmpty ? 'nothing' : formatConns(both.toConns());
    };
    return `Both pods have IPv4 and IPv6 addresses, and a connection uses one family end to end: an ipBlock matched one family's address only. Over IPv4 the policies allow ${per(e4, i4)}; over IPv6 ${per(e6, i6)}.`;
  }
  if (fam === ANY_FAMILY) return undefined;
  // did the family restriction make an ipBlock miss?
  const missed = (side: SideResult, dir: 'ingress' | 'egress', peer: Endpoint): boolean =>
    side.isolating.some((p) =>
      p[dir].some((r) => {
        const any = engine.ruleMatchesPeer(r, p.namespace, peer);
        return any.match && any.viaIp === true && !engine.ruleMatchesPeer(r, p.namespace, peer, fam).match;
      }),
    );
  if (!missed(eg, 'egress', dst) && !missed(ing, 'ingress', src)) return undefined;
  if (fam === 0) {
    return `${src.id} and ${dst.id} have no address family in common (${src.workload.ips.join(', ')}; ${dst.workload.ips.join(', ')}): ipBlocks match neither of them in this connection.`;
  }
  const name = FAMILY_NAME[fam] as string;
  const own = (e: Endpoint & { kind: 'workload' }): string[] =>
    e.workload.ips.filter((ip) => (ip.includes(':') ? 2 : 1) === fam);
  return `A connection uses one address family end to end, and ${src.id} and ${dst.id} have only ${name} in common: ipBlocks are matched against their ${name} addresses (${[...own(src), ...own(dst)].join(', ')}) only.`;
}
