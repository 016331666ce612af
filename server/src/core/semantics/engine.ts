/**
 * The policy engine over one index snapshot: the connection set allowed between two endpoints,
 * egress side ∩ ingress side, with the rules behind it (semantics.md). A façade too: selection and
 * isolation live in `selection.ts`, the endpoints and external ranges in `endpoints.ts`, and the
 * matrix over all pairs in `matrix.ts`, the classes of interchangeable workloads in `classes.ts`;
 * callers keep asking the engine.
 */
import type { Workload, WorkspaceIndex } from '../index/workspace-index';
import type { Labels } from '../model/types';
import {
  ANY_FAMILY,
  pairFamilies,
  peerMatches,
  rulePorts,
  type CompiledPolicy,
  type CompiledRule,
  type Endpoint,
  type FamilyMask,
  type PeerMatcher,
} from './compile';
import { workloadClasses, type WorkloadClasses } from './classes';
import { EndpointSpace } from './endpoints';
import { ConnectionSet } from './port-set';
import { PolicySelection, type Isolation } from './selection';
import type { SelectorMatcher } from '../model/selector';
import {
  throughTiers,
  tierRuleMatches,
  tierRulePorts,
  type ClusterTiers,
  type CompiledTierRule,
  type TierPolicies,
  type TierTrail,
} from './tiers';
import { isTracking, track, trackAll, untracked } from '../index/deps';

export interface SideResult {
  /** Policies that select the pod and isolate it in this direction (empty = not isolated). */
  readonly isolating: readonly CompiledPolicy[];
  /** What this side allows; every interval carries the rules that allow it. */
  readonly set: ConnectionSet;
  /** An ipBlock matched a pod by its IP: whether that applies is up to the network plugin. */
  readonly viaPodIp: boolean;
  /**
   * Where the pair can use both families and this side allows them differently (an ipBlock matched
   * the peer by one family's address only): the set per family. `set` is their union, and the pair
   * is per family egress ∩ ingress (`meetSides`).
   */
  readonly byFamily?: { readonly v4: ConnectionSet; readonly v6: ConnectionSet };
  /**
   * Where a cluster-wide policy selects the pod in this direction: what each tier decided (Admin,
   * NetworkPolicy, Baseline, default allow). `isolating` are still the NetworkPolicies only.
   */
  readonly tiers?: TierTrail;
}

/**
 * The connections two sides of one pair allow together: egress ∩ ingress in each address family the
 * pair can use, united (a connection uses one family end to end).
 */
export function meetSides(egress: SideResult, ingress: SideResult): ConnectionSet {
  if (!egress.byFamily && !ingress.byFamily) return egress.set.intersect(ingress.set);
  const e4 = egress.byFamily?.v4 ?? egress.set,
    e6 = egress.byFamily?.v6 ?? egress.set;
  const i4 = ingress.byFamily?.v4 ?? ingress.set,
    i6 = ingress.byFamily?.v6 ?? ingress.set;
  return e4.intersect(i4).union(e6.intersect(i6));
}

/** The side of an endpoint no policy isolates: everything allowed. */
const OPEN: SideResult = { isolating: [], set: ConnectionSet.ALL, viaPodIp: false };

export interface PairResult {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly egress: SideResult;
  readonly ingress: SideResult;
  /** egress ∩ ingress, per address family (`meetSides`). */
  readonly conns: ConnectionSet;
}

export class PolicyEngine {
  private readonly allCompiled: readonly CompiledPolicy[];
  private readonly selection: PolicySelection;
  private readonly space: EndpointSpace;
  /**
   * Per rule: does it match endpoint #ix? 0 no, 1 yes (in every family), else only through pod IPs:
   * the families of the matched addresses shifted by one (2 IPv4, 4 IPv6, 6 both).
   */
  private readonly matchCache = new Map<CompiledRule, Uint8Array>();
  /** Per rule without named ports: its port set (the same for every destination). */
  private readonly portsCache = new Map<CompiledRule, ConnectionSet>();
  private readonly isoByIx: Array<Isolation | undefined> = [];
  private classesCache: WorkloadClasses | undefined;
  private byNs: Map<string, Endpoint[]> | undefined;
  private ipEndpoints: readonly Endpoint[] = [];
  private readonly nsMatchCache = new Map<SelectorMatcher, Map<string, boolean>>();

  constructor(readonly index: WorkspaceIndex) {
    this.selection = new PolicySelection(index);
    this.allCompiled = this.selection.compiled;
    this.tiers = this.selection.tiers;
    this.space = new EndpointSpace(index, this.allCompiled, this.tiers);
  }

  /**
   * Every compiled NetworkPolicy, in file order. Reads are tracked for incremental analysis
   * (index/deps.ts): what reads the whole workspace (every endpoint, the classes) tracks `*`.
   */
  get compiled(): readonly CompiledPolicy[] {
    track('*pol');
    return this.allCompiled;
  }

  /** The cluster-wide policies (Admin and Baseline tiers) of the snapshot. */
  readonly tiers: ClusterTiers;

  /** True when some cluster-wide policy exists: the matrix then computes every pair of classes in full. */
  get hasTiers(): boolean {
    return !this.tiers.isEmpty;
  }

  // ---- selection and isolation (selection.ts) ----

  policiesIn(namespace: string): readonly CompiledPolicy[] {
    return this.selection.policiesIn(namespace);
  }

  compiledFor(policy: CompiledPolicy['policy']): CompiledPolicy | undefined {
    return this.selection.compiledFor(policy);
  }

  /** Policies of the workload's namespace whose podSelector matches its labels. */
  selecting(w: Workload): readonly CompiledPolicy[] {
    return this.selection.selecting(w);
  }

  /** Workloads of the workspace one peer matches, in id order (cached per matcher). */
  workloadsMatching(m: PeerMatcher, policyNs: string): readonly Workload[] {
    return this.selection.workloadsMatching(m, policyNs);
  }

  /** `workloadsMatching` is not empty (for a namespaceSelector peer, tracked as that alone). */
  anyWorkloadMatching(m: PeerMatcher, policyNs: string): boolean {
    return this.selection.anyWorkloadMatching(m, policyNs);
  }

  /** Workloads a policy selects. */
  selectedBy(p: CompiledPolicy): Workload[] {
    return this.selection.selectedBy(p);
  }

  isolation(w: Workload): Isolation {
    return this.selection.isolation(w);
  }

  /** Effective labels of a namespace (cached per snapshot). */
  namespaceLabels(ns: string): Labels {
    return this.selection.namespaceLabels(ns);
  }

  /** Does the selector match the namespace? Tracked as that answer (`nsq:`), not as the labels. */
  namespaceMatches(ns: string, sel: SelectorMatcher): boolean {
    return this.selection.namespaceMatches(ns, sel);
  }

  private readonly nsqKeys = new Map<CompiledRule, Map<string, readonly string[]>>();

  /**
   * What a rule's match of a workload of `ns` reads of the namespace: whether each of its
   * namespaceSelector peers matches it (`nsq:` facts, built once per rule and namespace).
   */
  private trackRuleNamespace(r: CompiledRule, ns: string): void {
    let perNs = this.nsqKeys.get(r);
    if (!perNs) this.nsqKeys.set(r, (perNs = new Map<string, readonly string[]>()));
    let keys = perNs.get(ns);
    if (!keys) {
      const out: string[] = [];
      for (const pm of r.peers === 'all' ? [] : r.peers)
        if (pm.kind === 'pods' && pm.namespaces !== 'own') out.push(`nsq:${ns}\u0001${pm.namespaces.key}`);
      perNs.set(ns, (keys = out));
    }
    trackAll(keys);
  }

  /** The workloads grouped into classes that no policy tells apart (classes.ts; cached). */
  classes(): WorkloadClasses {
    track('*');
    return (this.classesCache ??= workloadClasses(this.index.workloads, this.selection));
  }

  /** Classes of some workloads only (a partition of a subset is as valid: signatures are per workload). */
  classesOf(workloads: readonly Workload[]): WorkloadClasses {
    track('*');
    return workloadClasses(workloads, this.selection);
  }

  // ---- endpoints and external ranges (endpoints.ts) ----

  /** Every endpoint, sorted by id (Go string order), each with its position `ix`. */
  endpoints(): readonly Endpoint[] {
    track('*');
    return this.space.all();
  }

  workloadEndpoints(): Endpoint[] {
    track('*');
    return this.space.workloads();
  }

  externalEndpoints(): Endpoint[] {
    track('*');
    return this.space.externals();
  }

  /** The domain names of `domainNames` peers (semantics/domains.ts), destinations only. */
  domainEndpoints(): Endpoint[] {
    track('*');
    return this.space.domains();
  }

  /** External ranges cut only at the ipBlocks of one direction's rules (see EndpointSpace). */
  directionalExternals(direction: 'ingress' | 'egress'): readonly Endpoint[] {
    track('*');
    return this.space.directionalExternals(direction);
  }

  /**
   * Resolves a workload id, an IP range `a-b`, a CIDR or a single IP to an endpoint (see
   * EndpointSpace.resolve; `exact`: the addresses asked, not the external range they fall in).
   */
  endpoint(id: string, direction?: 'ingress' | 'egress', exact = false): Endpoint | undefined {
    track('*');
    return this.space.resolve(id, direction, exact);
  }

  /** Why `id` resolves to no endpoint: ambiguous `ns/name` (the candidates) or unknown (did you mean). */
  unresolvedEndpoint(id: string): string {
    track('*');
    return this.space.unresolved(id);
  }

  // ---- one pair: egress side ∩ ingress side ----

  /** Isolation of an endpoint (externals are never isolated), cached by position. */
  private isolationOf(ep: Endpoint & { kind: 'workload' }): Isolation {
    if (ep.ix === undefined) return this.isolation(ep.workload);
    if (isTracking()) track(`pol:${ep.workload.namespace}`);
    let iso = this.isoByIx[ep.ix];
    if (!iso) {
      iso = this.isolation(ep.workload);
      this.isoByIx[ep.ix] = iso;
    }
    return iso;
  }

  /** Egress side: what the source's policies let it send to `dst` (in the families the pair can use). */
  egressSide(src: Endpoint, dst: Endpoint): SideResult {
    if (src.kind !== 'workload') return OPEN;
    const isolating = this.isolationOf(src).egress;
    const tiers = this.tiersOf(src, 'egress');
    if (tiers) return this.tiered(tiers, isolating, 'egress', dst, dst, pairFamilies(src, dst));
    if (isolating.length === 0) return OPEN;
    return { isolating, ...this.allowedBy(isolating, 'egress', dst, dst, pairFamilies(src, dst)) };
  }

  /** Ingress side: what the destination's policies let in from `src` (in the families the pair can use). */
  ingressSide(src: Endpoint, dst: Endpoint): SideResult {
    if (dst.kind !== 'workload') return OPEN;
    const isolating = this.isolationOf(dst).ingress;
    const tiers = this.tiersOf(dst, 'ingress');
    if (tiers) return this.tiered(tiers, isolating, 'ingress', src, dst, pairFamilies(src, dst));
    if (isolating.length === 0) return OPEN;
    return { isolating, ...this.allowedBy(isolating, 'ingress', src, dst, pairFamilies(src, dst)) };
  }

  /** The cluster-wide policies selecting a workload endpoint with rules in this direction; undefined when none. */
  tiersOf(ep: Endpoint & { kind: 'workload' }, dir: 'ingress' | 'egress'): TierPolicies | undefined {
    if (this.tiers.isEmpty) return undefined;
    const t = this.tiers.selecting(ep.workload)[dir];
    return t.admin.length === 0 && t.baseline.length === 0 ? undefined : t;
  }

  /**
   * One side through the tiers (tiers.ts `throughTiers`): the NetworkPolicies' allow-union is the
   * NetworkPolicy tier; per address family where it allows the families differently.
   */
  private tiered(
    tiers: TierPolicies,
    isolating: readonly CompiledPolicy[],
    dir: 'ingress' | 'egress',
    peer: Endpoint,
    dst: Endpoint,
    families: FamilyMask,
  ): SideResult {
    const np = isolating.length > 0 ? this.allowedBy(isolating, dir, peer, dst, families) : undefined;
    const matches = (r: CompiledTierRule): boolean => tierRuleMatches(r, peer, this, families);
    const ports = (r: CompiledTierRule): ConnectionSet => tierRulePorts(r, dst);
    const main = throughTiers(tiers, dir, np?.set, matches, ports);
    const base = { isolating, viaPodIp: np?.viaPodIp ?? false, tiers: main.trail };
    if (!np?.byFamily) return { ...base, set: main.set };
    const v4 = throughTiers(tiers, dir, np.byFamily.v4, matches, ports).set;
    const v6 = throughTiers(tiers, dir, np.byFamily.v6, matches, ports).set;
    return { ...base, set: v4.union(v6), byFamily: { v4, v6 } };
  }

  private allowedBy(
    policies: readonly CompiledPolicy[],
    dir: 'ingress' | 'egress',
    peer: Endpoint,
    dst: Endpoint,
    families: FamilyMask,
  ): Omit<SideResult, 'isolating'> {
    let set = ConnectionSet.EMPTY;
    let v4 = ConnectionSet.EMPTY;
    let v6 = ConnectionSet.EMPTY;
    let viaPodIp = false;
    for (const p of policies) {
      for (const r of p[dir]) {
        const m = this.ruleMatchesPeer(r, p.namespace, peer, families);
        if (!m.match) continue;
        const ports = this.rulePorts(r, dst);
        if (ports.isEmpty) continue;
        if (!m.viaIp) {
          set = set.union(ports);
          continue;
        }
        viaPodIp = true;
        // matched by the addresses of only one of the pair's two families: that family only
        if (families === ANY_FAMILY && m.families === 1) v4 = v4.union(ports);
        else if (families === ANY_FAMILY && m.families === 2) v6 = v6.union(ports);
        else set = set.union(ports);
      }
    }
    if (v4.isEmpty && v6.isEmpty) return { set, viaPodIp };
    const byFamily = { v4: set.union(v4), v6: set.union(v6) };
    return { set: byFamily.v4.union(byFamily.v6), viaPodIp, byFamily };
  }

  /**
   * Does a rule match an endpoint, counting pod IPs of the `families` given only? `families` (with
   * `viaIp`) are those of the addresses an ipBlock matched.
   */
  ruleMatchesPeer(
    r: CompiledRule,
    policyNs: string,
    ep: Endpoint,
    families: FamilyMask = ANY_FAMILY,
  ): { match: boolean; viaIp?: boolean; families?: FamilyMask } {
    if (r.peers === 'all') return { match: true };
    if (ep.ix !== undefined) {
      // (the key is built only while a unit is tracked: asked for every pair of classes and rule)
      if (ep.kind === 'workload' && isTracking()) this.trackRuleNamespace(r, ep.workload.namespace);
      let arr = this.matchCache.get(r);
      if (!arr) {
        arr = this.matchVector(r, policyNs);
        this.matchCache.set(r, arr);
      }
      const v = arr[ep.ix] as number;
      if (v === 1) return { match: true };
      const f = (v >> 1) & families;
      return f ? { match: true, viaIp: true, families: f } : { match: false };
    }
    return this.matchPeers(r, policyNs, ep, families);
  }

  /**
   * A rule's matches over every endpoint (0 no, 1 yes, else only through pod IPs: the families of
   * the matched addresses shifted by one, 2 IPv4, 4 IPv6, 6 both), peer by peer: pod
   * peers look only at the workloads of the namespaces they can match, ipBlocks at the external
   * ranges and the workloads with known IPs. The same answers as `peerMatches` on each endpoint.
   */
  private matchVector(r: CompiledRule, policyNs: string): Uint8Array {
    // the vector is a cache over every endpoint; its readers track what their answer depends on
    return untracked(() => this.computeMatchVector(r, policyNs));
  }

  private computeMatchVector(r: CompiledRule, policyNs: string): Uint8Array {
    const all = this.space.all();
    const arr = new Uint8Array(all.length);
    if (r.peers === 'all') return arr.fill(1);
    if (!this.byNs) {
      this.byNs = new Map();
      for (const e of all) {
        if (e.kind !== 'workload') continue;
        const l = this.byNs.get(e.workload.namespace);
        if (l) l.push(e);
        else this.byNs.set(e.workload.namespace, [e]);
      }
      // domain names too: a block holding a whole address family holds theirs (compile.ts)
      this.ipEndpoints = all.filter((e) => e.kind !== 'workload' || e.workload.ips.length > 0);
    }
    for (const pm of r.peers) {
      if (pm.kind === 'none') continue;
      if (pm.kind === 'domains') {
        for (const e of all)
          if (e.kind === 'domain' && peerMatches(pm, policyNs, e, this).match) arr[e.ix as number] = 1;
        continue;
      }
      if (pm.kind === 'ipBlock') {
        for (const e of this.ipEndpoints) {
          const m = peerMatches(pm, policyNs, e, this);
          const ix = e.ix as number;
          if (!m.match || arr[ix] === 1) continue;
          arr[ix] = m.viaIp ? (arr[ix] as number) | ((m.families ?? 0) << 1) : 1;
        }
        continue;
      }
      const sel = pm.namespaces;
      const mark = (eps: readonly Endpoint[]): void => {
        for (const e of eps)
          if (e.kind === 'workload' && pm.pods.matches(e.workload.labels)) arr[e.ix as number] = 1;
      };
      if (sel === 'own') {
        // the policy's own namespace only: no walk over every namespace
        const eps = this.byNs.get(policyNs);
        if (eps) mark(eps);
        continue;
      }
      for (const [ns, eps] of this.byNs) if (this.nsMatches(sel, ns)) mark(eps);
    }
    return arr;
  }

  private nsMatches(sel: SelectorMatcher, ns: string): boolean {
    let m = this.nsMatchCache.get(sel);
    if (!m) {
      m = new Map();
      this.nsMatchCache.set(sel, m);
    }
    let ok = m.get(ns);
    if (ok === undefined) {
      ok = sel.matches(this.namespaceLabels(ns));
      m.set(ns, ok);
    }
    return ok;
  }

  /** A rule's matches over `endpoints()` by position (0 no, 1 yes, else only through pod IPs: 2 IPv4, 4 IPv6, 6 both; cached). */
  ruleMatchVector(r: CompiledRule, policyNs: string): Uint8Array {
    track('*');
    let arr = this.matchCache.get(r);
    if (!arr) {
      arr = this.matchVector(r, policyNs);
      this.matchCache.set(r, arr);
    }
    return arr;
  }

  /**
   * `ruleMatchesPeer` as a number, without allocating: 0 no, 1 yes, else only through pod IPs of
   * the `families` given (their bits shifted by one: 2 IPv4, 4 IPv6, 6 both).
   */
  ruleMatch(r: CompiledRule, policyNs: string, ep: Endpoint, families: FamilyMask = ANY_FAMILY): number {
    if (r.peers === 'all') return 1;
    if (ep.ix !== undefined) {
      // (the key is built only while a unit is tracked: asked for every pair of classes and rule)
      if (ep.kind === 'workload' && isTracking()) this.trackRuleNamespace(r, ep.workload.namespace);
      let arr = this.matchCache.get(r);
      if (!arr) {
        arr = this.matchVector(r, policyNs);
        this.matchCache.set(r, arr);
      }
      const v = arr[ep.ix] as number;
      return v === 1 ? 1 : v & (families << 1);
    }
    const m = this.matchPeers(r, policyNs, ep, families);
    return m.match ? (m.viaIp ? (m.families ?? 0) << 1 : 1) : 0;
  }

  private matchPeers(
    r: CompiledRule,
    policyNs: string,
    ep: Endpoint,
    allowed: FamilyMask,
  ): { match: boolean; viaIp?: boolean; families?: FamilyMask } {
    if (r.peers === 'all') return { match: true };
    let families = 0;
    for (const pm of r.peers) {
      const m = peerMatches(pm, policyNs, ep, this, allowed);
      if (m.match && !m.viaIp) return { match: true };
      if (m.match) families |= m.families ?? 0;
    }
    return families ? { match: true, viaIp: true, families } : { match: false };
  }

  /** The ports a rule allows towards `dst` (cached per rule when it names no port). */
  rulePorts(r: CompiledRule, dst: Endpoint): ConnectionSet {
    const hasNamed = r.ports?.some((p) => typeof p.port?.value === 'string') ?? false;
    if (hasNamed) return rulePorts(r, dst);
    let set = this.portsCache.get(r);
    if (!set) {
      set = rulePorts(r, dst);
      this.portsCache.set(r, set);
    }
    return set;
  }

  /** The connections allowed from `src` to `dst` (both sides), with provenance. */
  pair(src: Endpoint, dst: Endpoint): PairResult {
    const egress = this.egressSide(src, dst);
    const ingress = this.ingressSide(src, dst);
    return { src, dst, egress, ingress, conns: meetSides(egress, ingress) };
  }
}
