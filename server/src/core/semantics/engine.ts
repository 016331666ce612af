/**
 * The policy engine over one index snapshot: which policies select a workload, its isolation, and
 * the connection set allowed between two endpoints with the rules behind it (semantics.md).
 */
import type { Workload, WorkspaceIndex } from '../index/workspace-index';
import type { Labels } from '../model/types';
import { cmp } from '../index/workspace-index';
import { compilePolicy, peerMatches, rulePorts, type CompiledPolicy, type CompiledRule, type Endpoint, type PeerMatcher } from './compile';
import type { SelectorMatcher } from './selector';
import { formatRange, fullRange, parseRange, type Family, type IpRange } from './ip-set';
import { ConnectionSet } from './port-set';

export interface SideResult {
  /** Policies that select the pod and isolate it in this direction (empty = not isolated). */
  readonly isolating: readonly CompiledPolicy[];
  /** What this side allows; every interval carries the rules that allow it. */
  readonly set: ConnectionSet;
  /** An ipBlock matched a pod by its IP: whether that applies is up to the network plugin. */
  readonly viaPodIp: boolean;
}

const NO_POLICIES: readonly CompiledPolicy[] = [];

/** The side of an endpoint no policy isolates: everything allowed. */
const OPEN: SideResult = { isolating: [], set: ConnectionSet.ALL, viaPodIp: false };

export interface PairResult {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly egress: SideResult;
  readonly ingress: SideResult;
  /** egress ∩ ingress. */
  readonly conns: ConnectionSet;
}

export class PolicyEngine {
  readonly compiled: readonly CompiledPolicy[];
  private readonly byNs = new Map<string, CompiledPolicy[]>();
  private readonly selectingCache = new Map<string, readonly CompiledPolicy[]>();
  private readonly isolationCache = new Map<string, { ingress: readonly CompiledPolicy[]; egress: readonly CompiledPolicy[] }>();
  private readonly nsLabelsCache = new Map<string, Labels>();
  private endpointsCache: { all: Endpoint[]; byId: Map<string, Endpoint> } | undefined;
  /** Per rule: does it match endpoint #ix (0 no, 1 yes, 2 yes through a pod IP)? */
  private readonly matchCache = new Map<CompiledRule, Uint8Array>();
  /** Per rule without named ports: its port set (the same for every destination). */
  private readonly portsCache = new Map<CompiledRule, ConnectionSet>();
  private readonly peerCache = new Map<PeerMatcher, Map<string, readonly Workload[]>>();
  private readonly interned = new Map<string, readonly CompiledPolicy[]>();
  private readonly directionalCache = new Map<'ingress' | 'egress', readonly Endpoint[]>();
  private readonly policyIx: Map<CompiledPolicy, number>;
  private readonly byPolicy: Map<CompiledPolicy['policy'], CompiledPolicy>;
  private readonly selectedCache = new Map<CompiledPolicy, readonly Workload[]>();
  private readonly isoByIx: Array<{ ingress: readonly CompiledPolicy[]; egress: readonly CompiledPolicy[] } | undefined> = [];

  constructor(readonly index: WorkspaceIndex) {
    this.compiled = index.policies.map(compilePolicy);
    this.policyIx = new Map(this.compiled.map((c, i) => [c, i]));
    this.byPolicy = new Map(this.compiled.map((c) => [c.policy, c]));
    for (const c of this.compiled) {
      const l = this.byNs.get(c.namespace) ?? [];
      l.push(c);
      this.byNs.set(c.namespace, l);
    }
  }

  policiesIn(namespace: string): readonly CompiledPolicy[] {
    return this.byNs.get(namespace) ?? [];
  }

  compiledFor(policy: CompiledPolicy['policy']): CompiledPolicy | undefined {
    return this.byPolicy.get(policy);
  }

  /** Policies of the workload's namespace whose podSelector matches its labels. */
  selecting(w: Workload): readonly CompiledPolicy[] {
    let s = this.selectingCache.get(w.id);
    if (!s) {
      s = this.policiesIn(w.namespace).filter((p) => p.subject.matches(w.labels));
      this.selectingCache.set(w.id, s);
    }
    return s;
  }

  /**
   * Workloads of the workspace one peer matches, in id order: pod peers look only at the namespaces
   * they can match (the policy's own, or those its namespaceSelector matches); ipBlocks at pods with
   * known IPs. Cached per matcher.
   */
  workloadsMatching(m: PeerMatcher, policyNs: string): readonly Workload[] {
    const key = m.kind === 'pods' && m.namespaces === 'own' ? `${policyNs}` : '';
    let perNs = this.peerCache.get(m);
    if (!perNs) {
      perNs = new Map();
      this.peerCache.set(m, perNs);
    }
    let out = perNs.get(key);
    if (out) return out;
    if (m.kind === 'none') out = [];
    else if (m.kind === 'ipBlock') out = this.index.workloads.filter((w) => w.ips.some((ip) => m.set.containsIp(ip)));
    else {
      const nss = m.namespaces === 'own'
        ? [policyNs]
        : [...this.index.namespaces.keys()].filter((ns) => (m.namespaces as SelectorMatcher).matches(this.namespaceLabels(ns)));
      out = nss.flatMap((ns) => this.index.workloadsIn(ns).filter((w) => m.pods.matches(w.labels))).sort((a, b) => cmp(a.id, b.id));
    }
    perNs.set(key, out);
    return out;
  }

  /** Workloads a policy selects. */
  selectedBy(p: CompiledPolicy): Workload[] {
    let sel = this.selectedCache.get(p);
    if (!sel) {
      sel = this.index.workloadsIn(p.namespace).filter((w) => p.subject.matches(w.labels));
      this.selectedCache.set(p, sel);
    }
    return [...sel];
  }

  isolation(w: Workload): { ingress: readonly CompiledPolicy[]; egress: readonly CompiledPolicy[] } {
    let iso = this.isolationCache.get(w.id);
    if (!iso) {
      const sel = this.selecting(w);
      iso = { ingress: this.intern(sel.filter((p) => p.types.ingress)), egress: this.intern(sel.filter((p) => p.types.egress)) };
      this.isolationCache.set(w.id, iso);
    }
    return iso;
  }

  /** One shared array per distinct list of policies, so that equal lists can key caches. */
  private intern(list: CompiledPolicy[]): readonly CompiledPolicy[] {
    if (list.length === 0) return NO_POLICIES;
    const key = list.map((p) => this.policyIx.get(p)).join(',');
    let shared = this.interned.get(key);
    if (!shared) {
      shared = list;
      this.interned.set(key, shared);
    }
    return shared;
  }

  /** Effective labels of a namespace (cached per snapshot). */
  namespaceLabels(ns: string): Labels {
    let l = this.nsLabelsCache.get(ns);
    if (!l) {
      l = this.index.namespaceLabels(ns);
      this.nsLabelsCache.set(ns, l);
    }
    return l;
  }

  /** Egress side: what the source's policies let it send to `dst`. */
  /** Isolation of an endpoint (externals are never isolated), cached by position. */
  private isolationOf(ep: Endpoint & { kind: 'workload' }): { ingress: readonly CompiledPolicy[]; egress: readonly CompiledPolicy[] } {
    if (ep.ix === undefined) return this.isolation(ep.workload);
    let iso = this.isoByIx[ep.ix];
    if (!iso) {
      iso = this.isolation(ep.workload);
      this.isoByIx[ep.ix] = iso;
    }
    return iso;
  }

  egressSide(src: Endpoint, dst: Endpoint): SideResult {
    if (src.kind !== 'workload') return OPEN;
    const isolating = this.isolationOf(src).egress;
    if (isolating.length === 0) return OPEN;
    return { isolating, ...this.allowedBy(isolating, 'egress', dst, dst) };
  }

  /** Ingress side: what the destination's policies let in from `src`. */
  ingressSide(src: Endpoint, dst: Endpoint): SideResult {
    if (dst.kind !== 'workload') return OPEN;
    const isolating = this.isolationOf(dst).ingress;
    if (isolating.length === 0) return OPEN;
    return { isolating, ...this.allowedBy(isolating, 'ingress', src, dst) };
  }

  private allowedBy(
    policies: readonly CompiledPolicy[], dir: 'ingress' | 'egress', peer: Endpoint, dst: Endpoint,
  ): { set: ConnectionSet; viaPodIp: boolean } {
    let set = ConnectionSet.EMPTY;
    let viaPodIp = false;
    for (const p of policies) {
      for (const r of p[dir]) {
        const m = this.ruleMatchesPeer(r, p.namespace, peer);
        if (!m.match) continue;
        const ports = this.rulePorts(r, dst);
        if (!ports.isEmpty && m.viaIp) viaPodIp = true;
        set = set.union(ports);
      }
    }
    return { set, viaPodIp };
  }

  ruleMatchesPeer(r: CompiledRule, policyNs: string, ep: Endpoint): { match: boolean; viaIp?: boolean } {
    if (r.peers === 'all') return { match: true };
    if (ep.ix !== undefined) {
      let arr = this.matchCache.get(r);
      if (!arr) {
        const all = this.endpoints();
        arr = new Uint8Array(all.length);
        for (const e of all) {
          const m = this.matchPeers(r, policyNs, e);
          arr[e.ix as number] = m.match ? (m.viaIp ? 2 : 1) : 0;
        }
        this.matchCache.set(r, arr);
      }
      const v = arr[ep.ix];
      return v === 1 ? { match: true } : v === 2 ? { match: true, viaIp: true } : { match: false };
    }
    return this.matchPeers(r, policyNs, ep);
  }

  private matchPeers(r: CompiledRule, policyNs: string, ep: Endpoint): { match: boolean; viaIp?: boolean } {
    if (r.peers === 'all') return { match: true };
    let viaIp = false;
    for (const pm of r.peers) {
      const m = peerMatches(pm, policyNs, ep, this);
      if (m.match && !m.viaIp) return { match: true };
      if (m.match) viaIp = true;
    }
    return viaIp ? { match: true, viaIp } : { match: false };
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
    return { src, dst, egress, ingress, conns: egress.set.intersect(ingress.set) };
  }

  /** Every endpoint, sorted by id (Go string order), each with its position `ix`. */
  endpoints(): readonly Endpoint[] {
    if (!this.endpointsCache) {
      const raw: Endpoint[] = [
        ...this.computeExternals(),
        ...this.index.workloads.map((w): Endpoint => ({ kind: 'workload', id: w.id, workload: w })),
      ].sort((a, b) => cmp(a.id, b.id));
      const all = raw.map((e, ix) => ({ ...e, ix }));
      this.endpointsCache = { all, byId: new Map(all.map((e) => [e.id, e])) };
    }
    return this.endpointsCache.all;
  }

  workloadEndpoints(): Endpoint[] {
    return this.endpoints().filter((e) => e.kind === 'workload');
  }

  externalEndpoints(): Endpoint[] {
    return this.endpoints().filter((e) => e.kind === 'external');
  }

  /**
   * Cluster-external address ranges: the whole address space cut at every ipBlock boundary, so that
   * each range is either inside or outside every ipBlock. IPv6 only when some ipBlock is IPv6.
   */
  private computeExternals(direction?: 'ingress' | 'egress'): Endpoint[] {
    const cuts: Record<Family, Set<bigint>> = { 4: new Set(), 6: new Set() };
    let v6 = false;
    for (const p of this.compiled) {
      for (const r of direction ? p[direction] : [...p.ingress, ...p.egress]) {
        if (r.peers === 'all') continue;
        for (const pm of r.peers) {
          if (pm.kind !== 'ipBlock') continue;
          for (const range of pm.set.ranges) {
            if (range.family === 6) v6 = true;
            cuts[range.family].add(range.lo);
            cuts[range.family].add(range.hi + 1n);
          }
        }
      }
    }
    const out: Endpoint[] = [];
    for (const family of (v6 ? [4, 6] : [4]) as Family[]) {
      const full = fullRange(family);
      const pts = [...cuts[family]].filter((x) => x > full.lo && x <= full.hi).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      let lo = full.lo;
      for (const x of [...pts, full.hi + 1n]) {
        const range: IpRange = { family, lo, hi: x - 1n };
        out.push({ kind: 'external', id: formatRange(range), range });
        lo = x;
      }
    }
    return out;
  }

  /**
   * External ranges cut only at the ipBlocks of one direction's rules (netpol-analyzer's per-direction
   * atoms): `ingress` ranges are the sources that differ, `egress` ranges the destinations. Coarser
   * than the workspace-wide cut, so listings stay short; every range is a union of the wide ones.
   */
  directionalExternals(direction: 'ingress' | 'egress'): readonly Endpoint[] {
    let list = this.directionalCache.get(direction);
    if (!list) {
      list = this.computeExternals(direction).sort((a, b) => cmp(a.id, b.id));
      this.directionalCache.set(direction, list);
    }
    return list;
  }

  /**
   * Resolves a workload id, an IP range `a-b`, a CIDR or a single IP to an endpoint. An address
   * resolves to the external range holding it: of the workspace-wide cut, or with `direction`, of
   * that direction's cut (`ingress` for sources, `egress` for destinations of a per-direction listing).
   */
  endpoint(id: string, direction?: 'ingress' | 'egress'): Endpoint | undefined {
    this.endpoints();
    const known = this.endpointsCache?.byId.get(id);
    if (known && known.kind === 'workload') return known;
    const range = known?.kind === 'external' ? known.range : parseRange(id);
    if (!range) return undefined;
    const atoms = direction ? this.directionalExternals(direction) : this.externalEndpoints();
    // the external range holding it, when it lies in one; else the range itself
    const atom = atoms.find((e) => e.kind === 'external' && e.range.family === range.family && e.range.lo <= range.lo && range.hi <= e.range.hi);
    return atom ?? { kind: 'external', id: formatRange(range), range };
  }

}

export interface ReachQuery {
  readonly from?: string;
  readonly to?: string;
  readonly port?: { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' };
  /**
   * Cluster-external ranges: `true` (default) the workspace-wide cut, the same ranges as sources and
   * destinations; `per-direction` sources cut at ingress ipBlocks and destinations at egress ones
   * (the peer analyzer's listing); `false` none.
   */
  readonly externals?: boolean | 'per-direction';
  /** Only the workloads of these namespaces (external ranges are kept). */
  readonly namespaces?: ReadonlySet<string>;
}

export interface ReachEntry {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly conns: ConnectionSet;
}

/** Every ordered pair of distinct endpoints with a non-empty allowed set (external↔external excluded). */
export function computeReachability(engine: PolicyEngine, q: ReachQuery = {}): { endpoints: Endpoint[]; entries: ReachEntry[] } {
  const { endpoints, rows } = reachabilityRows(engine, q);
  const entries: ReachEntry[] = [];
  for (const row of rows) for (const e of row) entries.push(e);
  return { endpoints, entries };
}

/**
 * The same listing one source row at a time, so that an adapter can yield to other work (and
 * stop) between rows on big workspaces: `rows` yields the entries of each source in order.
 */
export function reachabilityRows(engine: PolicyEngine, q: ReachQuery = {}): { endpoints: Endpoint[]; total: number; rows: Generator<ReachEntry[]> } {
  const nss = q.namespaces;
  const inScope = (e: Endpoint): boolean => !nss || e.kind !== 'workload' || nss.has(e.workload.namespace);
  const byId = (a: Endpoint, b: Endpoint): number => cmp(a.id, b.id);
  let endpoints: Endpoint[];
  let srcs: Endpoint[];
  let dsts: Endpoint[];
  if (q.externals === 'per-direction') {
    const workloads = engine.workloadEndpoints().filter(inScope);
    const from = [...workloads, ...engine.directionalExternals('ingress')].sort(byId);
    const to = [...workloads, ...engine.directionalExternals('egress')].sort(byId);
    const ids = new Set<string>();
    endpoints = [...from, ...to].filter((e) => !ids.has(e.id) && ids.add(e.id)).sort(byId);
    srcs = q.from ? from.filter((e) => e.id === q.from) : from;
    dsts = q.to ? to.filter((e) => e.id === q.to) : to;
  } else {
    endpoints = (q.externals === false ? engine.workloadEndpoints() : [...engine.endpoints()]).filter(inScope);
    srcs = q.from ? endpoints.filter((e) => e.id === q.from) : endpoints;
    dsts = q.to ? endpoints.filter((e) => e.id === q.to) : endpoints;
  }
  // The egress side of (src, dst) depends on src only through the list of policies isolating its
  // egress, so sources sharing that list share one row of egress sets. Likewise the ingress side of
  // (src, dst) depends on dst only through its ingress policies, unless those name ports (resolved
  // on each destination). Pairs are then one intersection each.
  const isoOf = (e: Endpoint, dir: 'ingress' | 'egress'): readonly CompiledPolicy[] =>
    e.kind === 'workload' ? engine.isolation(e.workload)[dir] : NO_POLICIES;
  const egressRows = new Map<readonly CompiledPolicy[], Array<ConnectionSet | undefined>>();
  const ingressCols = new Map<readonly CompiledPolicy[], Map<Endpoint, ConnectionSet>>();
  const namesPorts = (ps: readonly CompiledPolicy[]): boolean =>
    ps.some((p) => p.ingress.some((r) => r.ports?.some((pe) => typeof pe.port?.value === 'string')));
  const sharedIngress = new Map<readonly CompiledPolicy[], boolean>();
  function* rows(): Generator<ReachEntry[]> {
    const inIso = dsts.map((e) => isoOf(e, 'ingress'));
    for (const src of srcs) {
      const eIso = isoOf(src, 'egress');
      let eRow = egressRows.get(eIso);
      if (!eRow && eIso.length > 0) {
        eRow = new Array<ConnectionSet | undefined>(dsts.length);
        egressRows.set(eIso, eRow);
      }
      const row: ReachEntry[] = [];
      for (let j = 0; j < dsts.length; j++) {
        const dst = dsts[j] as Endpoint;
        if (src === dst) continue;
        if (src.kind === 'external' && dst.kind === 'external') continue;
        const iIso = inIso[j] as readonly CompiledPolicy[];
        // both sides open: everything (the common case in big, lightly protected workspaces)
        if (eIso.length === 0 && iIso.length === 0) {
          const all = q.port ? ConnectionSet.ALL.restrict(q.port.protocol, q.port.port) : ConnectionSet.ALL;
          row.push({ src, dst, conns: all });
          continue;
        }
        let eg = ConnectionSet.ALL;
        if (eRow) eg = eRow[j] ??= engine.egressSide(src, dst).set;
        if (eg.isEmpty) continue;
        let ig = ConnectionSet.ALL;
        if (iIso.length > 0) {
          let shared = sharedIngress.get(iIso);
          if (shared === undefined) {
            shared = !namesPorts(iIso);
            sharedIngress.set(iIso, shared);
          }
          if (shared) {
            let col = ingressCols.get(iIso);
            if (!col) {
              col = new Map();
              ingressCols.set(iIso, col);
            }
            let c = col.get(src);
            if (!c) {
              c = engine.ingressSide(src, dst).set;
              col.set(src, c);
            }
            ig = c;
          } else ig = engine.ingressSide(src, dst).set;
        }
        let conns = eg.intersect(ig);
        if (q.port) conns = conns.restrict(q.port.protocol, q.port.port);
        if (!conns.isEmpty) row.push({ src, dst, conns });
      }
      yield row;
    }
  }
  return { endpoints, total: srcs.length, rows: rows() };
}
