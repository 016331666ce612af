/**
 * Explanations: the verdict for one connection and why, read from the same connection sets as the
 * matrix. Plain data with SourceRefs; renderers turn the refs into file:line or links.
 */
import { policyName, policyRuleLabel, ruleLabel } from './names';
import { reqHolds, reqText, selectorReqs, type Req } from './requirements';
import type { SourceRef } from '../text/span';
import type { Protocol } from '../model/types';
import {
  ANY_FAMILY,
  compilePolicy,
  coversAFamily,
  ipBlockAddresses,
  pairFamilies,
  type CompiledPolicy,
  type CompiledRule,
  type Endpoint,
  type PeerMatcher,
} from './compile';
import type { PolicyEngine, SideResult } from './engine';
import { ConnectionSet, formatConns, type Conns } from './port-set';
import type { RuleRef, TierRuleRef } from './rule-ref';
import { clusterPolicyName, tierRuleLabel, tierRuleMatches, type TierOutcome, type TierTrail } from './tiers';
import { rangeCidrs } from './ip-set';
import { DOMAIN_NOTE } from './domains';
import { listText } from '../text/words';

export interface PolicyPointer {
  readonly policy: string;
  readonly ref: SourceRef;
}

export interface RulePointer {
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  readonly ruleIndex: number;
  readonly ref: SourceRef;
  /** A rule of a cluster-wide policy: its tier and the action it took. */
  readonly tier?: 'Admin' | 'Baseline';
  readonly action?: 'Accept' | 'Deny' | 'Pass';
}

/** One step of a side's trail through the tiers (Admin, NetworkPolicy, Baseline, default). */
export interface TrailStep {
  readonly tier: 'Admin' | 'NetworkPolicy' | 'Baseline' | 'default';
  /** e.g. "Admin tier: cnp/platform priority 10, egress rule deny-metadata → Deny (TCP 80)". */
  readonly text: string;
  readonly ref?: SourceRef;
  readonly conns: Conns | 'none';
}

/**
 * The rule that almost allowed a denied connection (on the side that denies it): its peers match
 * the other end but its ports do not (`differs: 'ports'`), or, failing that, its ports match and
 * exactly one requirement of a peer does not (`differs: 'peer'`: a pod label, a namespace label,
 * or the policy's own namespace). Rules in the order of the isolating policies (by id), then of
 * the rules; the first rule of the first kind wins.
 */
export interface NearestRule extends RulePointer {
  readonly differs: 'ports' | 'peer';
  /** `ingress rule 1 of prod/np-db admits app=frontend on TCP 8080, not TCP 5432`. */
  readonly text: string;
}

export interface SideExplanation {
  readonly isolated: boolean;
  readonly isolatingPolicies: readonly PolicyPointer[];
  readonly allowingRules: readonly RulePointer[];
  readonly allowed: boolean;
  readonly conns: Conns | 'none';
  /** Only on a side that denies the connection, when some rule almost allowed it. */
  readonly nearestRule?: NearestRule;
  /** Where a cluster-wide policy selects the pod in this direction: the tiers that decided, in order. */
  readonly trail?: readonly TrailStep[];
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
  if (r.tier !== undefined)
    return {
      policy: clusterPolicyName(r.policy),
      direction: r.direction,
      ruleIndex: r.rule.index,
      ref: { uri: r.policy.doc.uri, span: r.rule.span },
      tier: r.tier,
      action: r.action,
    };
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
  // the nearest NetworkPolicy rule, where the NetworkPolicies denied (not a tier before them)
  const npDenied = (s: SideResult): boolean =>
    !s.tiers || (s.tiers.policiesIsolate && !narrow(s.tiers.toPolicies).minus(s.tiers.policiesAllow).isEmpty);
  const near = {
    egress:
      !self && eg.isEmpty && npDenied(r.egress)
        ? nearestRule(engine, 'egress', src, dst, r.egress, port)
        : undefined,
    ingress:
      !self && ing.isEmpty && npDenied(r.ingress)
        ? nearestRule(engine, 'ingress', src, dst, r.ingress, port)
        : undefined,
  };
  const side = (s: SideResult, set: ConnectionSet, nearest: NearestRule | undefined): SideExplanation => ({
    isolated: s.isolating.length > 0,
    isolatingPolicies: s.isolating.map(policyPointer),
    allowingRules: set.refs().map(rulePointer),
    allowed: !set.isEmpty,
    conns: connsOf(set),
    ...(nearest ? { nearestRule: nearest } : {}),
    ...(s.tiers ? { trail: trailSteps(s, s.tiers, narrow, nearest) } : {}),
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
  if (dst.kind === 'domain') notes.push(...domainNotes(engine, src, dst, r.egress));
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
  summary.push(sideSentence('egress', src, dst, r.egress, eg, what, near.egress, narrow));
  summary.push(sideSentence('ingress', src, dst, r.ingress, ing, what, near.ingress, narrow));
  return {
    src: src.id,
    dst: dst.id,
    ...(port ? { port } : {}),
    allowed,
    partial,
    conns: self ? 'all' : connsOf(conns),
    self,
    egress: side(r.egress, eg, near.egress),
    ingress: side(r.ingress, ing, near.ingress),
    summary,
    notes,
  };
}

/** What a rule's `from`/`to` needs to match an endpoint: for addresses, the ipBlocks of exactly those. */
function peerAdvice(ep: Endpoint): string {
  if (ep.kind === 'domain')
    return `has an ipBlock covering the addresses ${ep.id} resolves to (a NetworkPolicy cannot name a domain; a ClusterNetworkPolicy Accept rule with domainNames [${ep.id}] can)`;
  if (ep.kind !== 'external') return `matches ${ep.id}`;
  const cidrs = rangeCidrs(ep.range);
  if (cidrs.length === 1) return `has an ipBlock with cidr ${cidrs[0] ?? ''}`;
  if (cidrs.length <= 4) return `has ipBlocks with cidr ${listText(cidrs)}`;
  return `has ipBlocks covering ${ep.id}`;
}

function sideSentence(
  dir: 'ingress' | 'egress',
  src: Endpoint,
  dst: Endpoint,
  s: SideResult,
  set: ConnectionSet,
  what: string,
  nearest: NearestRule | undefined,
  narrow: (s: ConnectionSet) => ConnectionSet,
): string {
  const pod = dir === 'egress' ? src : dst;
  const other = dir === 'egress' ? dst : src;
  const Dir = dir === 'egress' ? `Egress from ${pod.id}` : `Ingress to ${pod.id}`;
  if (pod.kind === 'external') return `${Dir}: an external address; no NetworkPolicy applies to it.`;
  if (pod.kind === 'domain') return `${Dir}: a domain name outside the cluster; no policy applies to it.`;
  if (s.tiers) {
    const steps = trailSteps(s, s.tiers, narrow, nearest).map((t) => t.text);
    return `${Dir}: ${set.isEmpty ? 'denied' : `allowed (${formatConns(set.toConns())})`} through the tiers: ${steps.join('; ')}.`;
  }
  if (s.isolating.length === 0) {
    return `${Dir}: not isolated (no policy selecting it has ${dir === 'egress' ? 'Egress' : 'Ingress'} in its policyTypes), so all ${dir} is allowed.`;
  }
  const iso = `isolated by ${s.isolating.map((p) => p.id).join(', ')}`;
  if (set.isEmpty && nearest) {
    return `${Dir}: ${iso}; no ${dir} rule of ${s.isolating.length === 1 ? 'that policy' : 'those policies'} allows ${other.id} on ${what}. Nearest: ${nearest.text}.`;
  }
  if (set.isEmpty) {
    return `${Dir}: ${iso}; no ${dir} rule of ${s.isolating.length === 1 ? 'that policy' : 'those policies'} allows ${other.id} on ${what}. To allow it, add an ${dir} rule whose "${dir === 'egress' ? 'to' : 'from'}" ${peerAdvice(other)}${what === 'any port' ? '' : ` and whose ports include ${what}`}.`;
  }
  const rules = set
    .refs()
    .map((r) =>
      r.tier
        ? `${clusterPolicyName(r.policy)} ${tierRuleLabel(r.rule)}`
        : policyRuleLabel(r.policy, r.direction, r.rule),
    );
  return `${Dir}: ${iso}; allowed (${formatConns(set.toConns())}) by ${rules.join(', ')}.`;
}

/**
 * The rule that almost allowed a denied connection on side `dir` (see `NearestRule`): among the
 * rules of the policies isolating that side, first one whose peers match the other end and whose
 * ports do not, else one whose ports match and where exactly one requirement of one peer fails.
 */
export function nearestRule(
  engine: PolicyEngine,
  dir: 'ingress' | 'egress',
  src: Endpoint,
  dst: Endpoint,
  side: SideResult,
  port?: { port: number; protocol: Protocol },
): NearestRule | undefined {
  const other = dir === 'egress' ? dst : src;
  const fam = pairFamilies(src, dst);
  const wanted = port ? `${port.protocol} ${port.port}` : undefined;
  const rules = side.isolating.flatMap((p) => p[dir].map((r) => ({ p, r })));
  const pointer = (r: CompiledRule, differs: NearestRule['differs'], text: string): NearestRule => ({
    ...rulePointer(r.ref),
    differs,
    text: `${ruleLabel(dir, r.ref.rule)} of ${policyName(r.ref.policy)} ${text}`,
  });
  // 1. the right peer, other ports
  for (const { p, r } of rules) {
    const m = engine.ruleMatchesPeer(r, p.namespace, other, fam);
    if (!m.match) continue;
    const ports = engine.rulePorts(r, dst);
    const peer =
      r.peers === 'all'
        ? dir === 'egress'
          ? 'every destination'
          : 'every source'
        : matchedPeerText(engine, r, p, other, fam);
    if (ports.isEmpty) {
      const named = r.ports?.some((pe) => typeof pe.port?.value === 'string') ?? false;
      const why = !named
        ? 'which is no valid port'
        : dst.kind === 'workload'
          ? `which ${dst.id} does not declare`
          : 'a named port, which an address outside the cluster has none of';
      return pointer(r, 'ports', `admits ${peer} on ${rawPortsText(r)}, ${why}`);
    }
    return pointer(r, 'ports', `admits ${peer} on ${portsWords(ports)}, not ${wanted ?? 'any port'}`);
  }
  // 2. the right ports, one requirement of a peer differs
  if (other.kind !== 'workload') return undefined;
  for (const { p, r } of rules) {
    if (r.peers === 'all') continue;
    const ports = engine.rulePorts(r, dst);
    const allowed = port ? ports.restrict(port.protocol, port.port) : ports;
    if (allowed.isEmpty) continue;
    for (const pm of r.peers) {
      if (pm.kind !== 'pods') continue;
      const diff = peerDifference(engine, pm, p.namespace, other);
      if (!diff) continue;
      const toFrom = dir === 'egress' ? 'to' : 'from';
      return pointer(
        r,
        'peer',
        `admits ${wanted ?? portsWords(ports)} ${toFrom} ${peerText(pm)}, but ${other.id} ${diff}`,
      );
    }
  }
  return undefined;
}

/** The peer of a rule that matches `ep`, described (the first of them). */
function matchedPeerText(
  engine: PolicyEngine,
  r: CompiledRule,
  p: CompiledPolicy,
  ep: Endpoint,
  fam: number,
): string {
  if (r.peers === 'all') return 'every peer';
  for (const pm of r.peers) {
    const one: CompiledRule = { ...r, peers: [pm] };
    if (engine.ruleMatchesPeer(one, p.namespace, ep, fam).match) return peerText(pm);
  }
  return 'a peer';
}

/** `app=frontend`, `app=monitor in namespaces env=ops`, `every pod in every namespace`, `ipBlock 10.0.0.0/8`. */
function peerText(pm: PeerMatcher): string {
  if (pm.kind === 'ipBlock') {
    const b = pm.peer.ipBlock;
    const except = b?.except.map((e) => e.value) ?? [];
    return `ipBlock ${b?.cidr?.value ?? '?'}${except.length ? ` except ${except.join(', ')}` : ''}`;
  }
  if (pm.kind === 'none') return 'an invalid peer';
  if (pm.kind === 'domains') return `domainNames ${pm.names.join(', ')}`;
  const pods = pm.pods.isEmpty ? 'every pod' : pm.pods.describe();
  if (pm.namespaces === 'own') return pods;
  return `${pods} in ${pm.namespaces.isEmpty ? 'every namespace' : `namespaces ${pm.namespaces.describe()}`}`;
}

/**
 * How a workload fails a pods peer when exactly one requirement fails: `has app=web`, `has no
 * label app`, `is in namespace ops, not prod` (a peer without namespaceSelector), `is in namespace
 * prod, which has env=prod`; undefined when it matches or more than one requirement fails.
 */
function peerDifference(
  engine: PolicyEngine,
  pm: PeerMatcher & { kind: 'pods' },
  policyNs: string,
  ep: Endpoint & { kind: 'workload' },
): string | undefined {
  const w = ep.workload;
  const podReqs = selectorReqs(pm.peer.podSelector);
  const nsReqs = pm.namespaces === 'own' ? [] : selectorReqs(pm.peer.namespaceSelector);
  if (!podReqs || !nsReqs) return undefined;
  const nsLabels = engine.namespaceLabels(w.namespace);
  const fails: string[] = [];
  if (pm.namespaces === 'own' && w.namespace !== policyNs)
    fails.push(
      `is in namespace ${w.namespace}, and a peer without namespaceSelector means namespace ${policyNs} only`,
    );
  for (const q of nsReqs)
    if (!reqHolds(q, nsLabels)) fails.push(`is in namespace ${w.namespace}, which ${hasText(q, nsLabels)}`);
  for (const q of podReqs) if (!reqHolds(q, w.labels)) fails.push(hasText(q, w.labels));
  return fails.length === 1 ? fails[0] : undefined;
}

/** What labels hold for a requirement they fail: `has app=web` / `has no label app`. */
function hasText(q: Req, labels: Readonly<Record<string, string>>): string {
  const v = labels[q.key];
  const shown = v === undefined ? `has no label ${q.key}` : `has ${q.key}=${v}`;
  return `${shown} (the peer wants ${reqText(q)})`;
}

/** The ports as written: `TCP 8080`, `TCP port "http"`. */
function rawPortsText(r: CompiledRule): string {
  return (r.ports ?? [])
    .map((pe) => {
      const proto = pe.protocol?.value ?? 'TCP';
      const v = pe.port?.value;
      if (v === undefined) return `every ${proto} port`;
      if (typeof v === 'string') return `${proto} port "${v}"`;
      return `${proto} ${v}${pe.endPort ? `-${pe.endPort.value}` : ''}`;
    })
    .join(', ');
}

function portsWords(set: ConnectionSet): string {
  return set.isAll ? 'every port' : formatConns(set.toConns());
}

const FAMILY_NAME: Record<number, string> = { 1: 'IPv4', 2: 'IPv6' };

/**
 * "y/b[Pod] by its address fd00::1:2 (status.podIPs)": the peer's addresses (of the pair's
 * families) that the ipBlocks of the rules behind `set` contain.
 */
function matchedBy(peer: Endpoint, set: ConnectionSet, fam: number): string {
  const ips = new Set<string>();
  for (const ref of set.refs()) {
    if (ref.tier) continue; // tier networks match pod IPs by the API's own definition
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

const NEXT: Record<'Admin' | 'Baseline', string> = {
  Admin: 'the NetworkPolicy tier',
  Baseline: 'the default (allow)',
};

/** "cnp/platform priority 10, egress rule deny-metadata": a tier rule as the trail names it. */
function tierRuleText(r: TierRuleRef): string {
  const pr =
    r.policy.sourceKind === 'BaselineAdminNetworkPolicy'
      ? ''
      : ` priority ${r.policy.priority?.value ?? '?'}`;
  return `${clusterPolicyName(r.policy)}${pr}, ${tierRuleLabel(r.rule)}`;
}

/** The steps of a side through the tiers, narrowed to the port asked about. */
function trailSteps(
  s: SideResult,
  t: TierTrail,
  narrow: (s: ConnectionSet) => ConnectionSet,
  nearest: NearestRule | undefined,
): TrailStep[] {
  const out: TrailStep[] = [];
  const tierSteps = (tier: 'Admin' | 'Baseline', o: TierOutcome): void => {
    for (const [action, set] of [
      ['Accept', o.accept],
      ['Deny', o.deny],
      ['Pass', o.pass],
    ] as const) {
      const n = narrow(set);
      for (const ref of n.refs()) {
        if (!ref.tier) continue;
        const mine = n.only(ref);
        const c = formatConns(mine.toConns());
        const ruleRef = { uri: ref.policy.doc.uri, span: ref.rule.span };
        const text =
          action === 'Pass'
            ? `${tier} tier: passed to ${NEXT[tier]} by ${tierRuleText(ref)} (${c})`
            : `${tier} tier: ${tierRuleText(ref)} → ${action} (${c})`;
        out.push({ tier, text, ref: ruleRef, conns: mine.toConns() });
      }
    }
  };
  tierSteps('Admin', t.admin);
  const toPolicies = narrow(t.toPolicies);
  if (!toPolicies.isEmpty) {
    if (t.policiesIsolate) {
      const allowed = narrow(t.policiesAllow);
      const denied = toPolicies.minus(allowed);
      const iso = s.isolating.map((p) => p.id).join(', ');
      const parts: string[] = [];
      if (!allowed.isEmpty) {
        const rules = allowed
          .refs()
          .filter((r) => !r.tier)
          .map((r) => (r.tier ? '' : policyRuleLabel(r.policy, r.direction, r.rule)));
        parts.push(`allowed (${formatConns(allowed.toConns())}) by ${rules.join(', ')}`);
      }
      if (!denied.isEmpty)
        parts.push(
          `no rule allows ${formatConns(denied.toConns())}, so it is denied${nearest ? `. Nearest: ${nearest.text}` : ''}`,
        );
      out.push({
        tier: 'NetworkPolicy',
        text: `NetworkPolicy tier: isolated by ${iso}; ${parts.join('; ')}`,
        conns: connsOf(allowed),
      });
    } else
      out.push({
        tier: 'NetworkPolicy',
        text: `NetworkPolicy tier: no NetworkPolicy isolates it in this direction, so ${formatConns(toPolicies.toConns())} goes on to the Baseline tier`,
        conns: 'none',
      });
  }
  tierSteps('Baseline', t.baseline);
  const toDefault = narrow(t.toDefault);
  if (!toDefault.isEmpty)
    out.push({
      tier: 'default',
      text: `no tier decided ${formatConns(toDefault.toConns())}: allowed by default`,
      conns: toDefault.toConns(),
    });
  return out;
}

/**
 * The notes of a connection to a domain name: enforcement depends on the platform, and the
 * address peers of the rules that decided (NetworkPolicy ipBlocks, `networks`) that were not
 * matched against the name because its addresses are unknown (docs/semantics.md "Domain names").
 */
function domainNotes(
  engine: PolicyEngine,
  src: Endpoint,
  dst: Endpoint & { kind: 'domain' },
  egress: SideResult,
): string[] {
  const out = [DOMAIN_NOTE];
  if (src.kind !== 'workload') return out;
  // the NetworkPolicies' ipBlocks, where the NetworkPolicy tier was reached
  const blocks: string[] = [];
  if (!egress.tiers || !egress.tiers.toPolicies.isEmpty)
    for (const p of egress.isolating)
      for (const r of p.egress) {
        if (r.peers === 'all') continue;
        for (const pm of r.peers)
          if (pm.kind === 'ipBlock' && !coversAFamily(pm.set))
            blocks.push(`${peerText(pm)} (${policyRuleLabel(p.policy, 'egress', r.ref.rule)})`);
      }
  // the tiers' networks, in evaluation order, up to the first rule naming the domain
  const tierBlocks: string[] = [];
  const t = engine.tiersOf(src, 'egress');
  for (const policies of t ? [t.admin, t.baseline] : []) {
    let named = false;
    for (const tp of policies) {
      for (const r of tp.egress) {
        if (r.peers === 'all') continue;
        if (
          r.peers.some((pm) => pm.kind === 'domains' && tierRuleMatches({ ...r, peers: [pm] }, dst, engine))
        ) {
          named = true;
          break;
        }
        for (const pm of r.peers)
          if (pm.kind === 'networks' && !coversAFamily(pm.set))
            tierBlocks.push(
              `networks ${pm.set.ranges.flatMap((x) => rangeCidrs(x)).join(', ')} (${tp.id} ${tierRuleLabel(r.ref.rule)}, ${r.action})`,
            );
      }
      if (named) break;
    }
  }
  const all = [...blocks, ...tierBlocks];
  if (all.length)
    out.push(
      `${dst.id}'s addresses are unknown, so these address peers were not matched against it: ${listText(all, 5)}. If ${dst.id} resolves inside one of them, that rule applies to it too.`,
    );
  return out;
}
