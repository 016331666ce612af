/**
 * The reachability matrix: every ordered pair of distinct endpoints with a non-empty allowed set,
 * row by row, computed once per pair of classes of interchangeable endpoints (`ClassPairs`,
 * classes.ts) and expanded to endpoint pairs (ARCHITECTURE.md, "Why this shape"). Each pair is
 * `PolicyEngine`'s egress side ∩ ingress side.
 */
import { cmp } from '../index/workspace-index';
import {
  ANY_FAMILY,
  endpointFamilies,
  type CompiledPolicy,
  type CompiledRule,
  type Endpoint,
} from './compile';
import { meetSides, type PolicyEngine, type SideResult } from './engine';
import { ConnectionSet } from './port-set';
import { endpointClassKey, type WorkloadClasses } from './classes';
import { NO_POLICIES } from './selection';
import { isTracking } from '../index/deps';

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

/**
 * Is an ordered pair of endpoints one the listings show? A workload on at least one end, and a
 * domain name only as a destination (nothing is known of traffic from it).
 */
export function listedPair(src: Endpoint, dst: Endpoint): boolean {
  return src.kind !== 'domain' && (src.kind === 'workload' || dst.kind === 'workload');
}

/** Every ordered pair of distinct endpoints with a non-empty allowed set (external↔external excluded). */
export function computeReachability(
  engine: PolicyEngine,
  q: ReachQuery = {},
): { endpoints: Endpoint[]; entries: ReachEntry[]; sources: Endpoint[]; destinations: Endpoint[] } {
  const { endpoints, rows, sources, destinations } = reachabilityRows(engine, q);
  const entries: ReachEntry[] = [];
  for (const row of rows) for (const e of row) entries.push(e);
  return { endpoints, entries, sources, destinations };
}

/**
 * Why a source reaches none of the destinations of a listing: each destination under the side
 * that denies it — the source's egress isolation, the destination's ingress isolation, or both
 * sides allowing something but no port (or address family) in common.
 */
export interface EmptyRowReason {
  readonly egress: readonly Endpoint[];
  readonly ingress: readonly Endpoint[];
  readonly ports: readonly Endpoint[];
}

/** `EmptyRowReason` of `src` towards `dsts` (itself and external → external left out), from `PolicyEngine.pair`. */
export function emptyRowReason(
  engine: PolicyEngine,
  src: Endpoint,
  dsts: readonly Endpoint[],
  port?: ReachQuery['port'],
): EmptyRowReason {
  const narrow = (c: ConnectionSet): ConnectionSet => (port ? c.restrict(port.protocol, port.port) : c);
  const out = { egress: [] as Endpoint[], ingress: [] as Endpoint[], ports: [] as Endpoint[] };
  for (const dst of dsts) {
    if (dst.id === src.id || !listedPair(src, dst)) continue;
    const p = engine.pair(src, dst);
    if (!narrow(p.conns).isEmpty) continue;
    if (narrow(p.egress.set).isEmpty) out.egress.push(dst);
    else if (narrow(p.ingress.set).isEmpty) out.ingress.push(dst);
    else out.ports.push(dst);
  }
  return out;
}

/**
 * The same listing one source row at a time, so that an adapter can yield to other work (and
 * stop) between rows on big workspaces: `rows` yields the entries of each source in order.
 */
export function reachabilityRows(
  engine: PolicyEngine,
  q: ReachQuery = {},
): {
  endpoints: Endpoint[];
  total: number;
  rows: Generator<ReachEntry[]>;
  sources: Endpoint[];
  destinations: Endpoint[];
} {
  const nss = q.namespaces;
  const inScope = (e: Endpoint): boolean => !nss || e.kind !== 'workload' || nss.has(e.workload.namespace);
  const byId = (a: Endpoint, b: Endpoint): number => cmp(a.id, b.id);
  let endpoints: Endpoint[];
  let srcs: Endpoint[];
  let dsts: Endpoint[];
  if (q.externals === 'per-direction') {
    const workloads = engine.workloadEndpoints().filter(inScope);
    const from = [...workloads, ...engine.directionalExternals('ingress')].sort(byId);
    const to = [...workloads, ...engine.directionalExternals('egress'), ...engine.domainEndpoints()].sort(
      byId,
    );
    const ids = new Set<string>();
    endpoints = [...from, ...to].filter((e) => !ids.has(e.id) && ids.add(e.id)).sort(byId);
    srcs = q.from ? from.filter((e) => e.id === q.from) : from;
    dsts = q.to ? to.filter((e) => e.id === q.to) : to;
  } else {
    endpoints = (q.externals === false ? engine.workloadEndpoints() : [...engine.endpoints()]).filter(
      inScope,
    );
    srcs = q.from ? endpoints.filter((e) => e.id === q.from) : endpoints;
    dsts = q.to ? endpoints.filter((e) => e.id === q.to) : endpoints;
  }
  // a view of some namespaces groups only their workloads
  const scoped = nss
    ? engine.classesOf(engine.index.workloads.filter((w) => nss.has(w.namespace)))
    : undefined;
  const pairs = new ClassPairs(engine, q.port, scoped);
  function* rows(): Generator<ReachEntry[]> {
    // every endpoint's class first (in the order a walk row by row meets them: the same
    // representatives), so that each row of the cache is allocated once, at its full length
    const dix = dsts.map((e) => pairs.ix(e));
    const six = srcs.map((e) => pairs.ix(e));
    const toWorkload = dsts.map((e) => e.kind === 'workload');
    // the destinations a source class reaches, with what, found once per source class (the
    // pair of a source and a destination is that of their classes) and written for each member
    const reached: Array<{ readonly at: number[]; readonly conns: ConnectionSet[] } | undefined> = [];
    for (let s = 0; s < srcs.length; s++) {
      const src = srcs[s] as Endpoint;
      const row: ReachEntry[] = [];
      // listedPair, by the source's kind: none from a domain name, only to workloads from a range
      if (src.kind !== 'domain') {
        const si = six[s] as number;
        const sr = pairs.sourceOf(si);
        let r = reached[sr];
        if (!r) {
          const fromWorkload = src.kind === 'workload';
          r = { at: [], conns: [] };
          for (let j = 0; j < dsts.length; j++) {
            if (!(fromWorkload || toWorkload[j])) continue;
            const conns = pairs.conns(si, dix[j] as number);
            if (conns.isEmpty) continue;
            r.at.push(j);
            r.conns.push(conns);
          }
          while (reached.length < sr) reached.push(undefined);
          reached[sr] = r;
        }
        const { at, conns } = r;
        for (let k = 0; k < at.length; k++) {
          const dst = dsts[at[k] as number] as Endpoint;
          if (dst !== src) row.push({ src, dst, conns: conns[k] as ConnectionSet });
        }
      }
      yield row;
    }
  }
  return { endpoints, total: srcs.length, rows: rows(), sources: srcs, destinations: dsts };
}

/**
 * The matrix between classes of interchangeable endpoints (classes.ts): endpoints get a local
 * class number, each class is a source class and a destination class, and each pair of a source
 * class and a destination class is computed once, from their representatives, as
 * `PolicyEngine.pair` would (egress side ∩ ingress side). Two distinct members of one class get
 * the pair of its own source and destination classes. The egress side of a pair depends on the source only
 * through the list of policies isolating its egress, so sources sharing that list share it;
 * likewise the ingress side, per list of ingress policies, unless those name ports (resolved on
 * each destination class).
 */
/** The side of an endpoint no policy isolates. */
const OPEN_SIDE: SideResult = { isolating: NO_POLICIES, set: ConnectionSet.ALL, viaPodIp: false };

interface SideRule {
  readonly r: CompiledRule;
  readonly ns: string;
  /** Whether one of its port entries is a name (resolved on each destination). */
  readonly named: boolean;
  /** Its matches by endpoint position (`PolicyEngine.ruleMatchVector`), once read. */
  vec?: Uint8Array;
}

/** `PolicyEngine.ruleMatch` of an endpoint by its position, from the rule's match vector. */
function fastMatch(engine: PolicyEngine, rr: SideRule, ix: number, families: number): number {
  if (rr.r.peers === 'all') return 1;
  const v = (rr.vec ??= engine.ruleMatchVector(rr.r, rr.ns))[ix] as number;
  return v === 1 ? 1 : v & (families << 1);
}

/** A side result and its number (`ClassPairs.meets`). */
interface SideEntry {
  readonly r: SideResult;
  readonly id: number;
}

/**
 * One isolating list's side results by which of its rules match the counterpart (and, where a
 * matching rule names a port, per destination class): up to 16 rules keyed by a number, else by
 * a string.
 */
interface SideMemo {
  readonly rules: readonly SideRule[];
  readonly numbered: boolean;
  readonly sets: Map<string, SideEntry>;
  readonly byNumber: Map<number, SideEntry>;
  readonly atDst: Array<Map<number, SideEntry> | undefined>;
}

/** One side's results towards the counterpart classes, by class number. */
type SideColumn = Array<SideEntry | undefined>;

export class ClassPairs {
  private readonly classes: WorkloadClasses;
  private readonly keyIx = new Map<string, number>();
  readonly reps: Endpoint[] = [];
  /** Each class's source and destination class (local numbers: `roles`). */
  private readonly srcOf: number[] = [];
  private readonly dstOf: number[] = [];
  /** Per role (0 source, 1 destination): local numbers by key, and each one's representative. */
  private readonly roleIx = [new Map<string, number>(), new Map<string, number>()] as const;
  private readonly roleReps: [Endpoint[], Endpoint[]] = [[], []];
  /** Each source's egress isolating list, each destination's ingress list, and their numbers. */
  private readonly eIso: Array<readonly CompiledPolicy[]> = [];
  private readonly iIso: Array<readonly CompiledPolicy[]> = [];
  /** (equal lists are one array: `PolicySelection.isolation`) */
  private readonly eList: number[] = [];
  private readonly iList: number[] = [];
  private readonly listIds = new Map<readonly CompiledPolicy[], number>();
  /** The matrix by source class, then destination class (rows allocated at full length once). */
  private readonly cache: Array<Array<ConnectionSet | undefined> | undefined> = [];
  /** Address families of each source and destination (every member of a role class has the same on the bits that count: classes.ts). */
  private readonly sFam: number[] = [];
  private readonly dFam: number[] = [];
  /** Whether each source and destination is a workload (else an external range or a domain name). */
  private readonly sWorkload: boolean[] = [];
  private readonly dWorkload: boolean[] = [];
  /** `engine.hasTiers`, read once (asked for every pair of classes otherwise). */
  private readonly tiered: boolean;
  /**
   * Side results per isolating list and families of the endpoint on that side (`list * 4 +
   * families`), per counterpart (a destination class for egress, a source class for ingress), with
   * each result's number (for `meets`). Dense arrays by class number: asked for every pair.
   */
  private readonly egress: Array<SideColumn | undefined> = [];
  private readonly ingress: Array<SideColumn | undefined> = [];
  /** Per list number: whether its ingress rules name no port (their side is shared by destinations). */
  private readonly sharedIngress: Array<boolean | undefined> = [];
  private readonly sideIds = new Map<SideResult, number>([[OPEN_SIDE, 0]]);
  private readonly open: ConnectionSet;
  private readonly sides = [
    new Map<readonly CompiledPolicy[], SideMemo>(),
    new Map<readonly CompiledPolicy[], SideMemo>(),
  ] as const;
  /** The intersection of two sides, by the egress side's number, then the ingress side's. */
  private readonly meets: Array<Array<ConnectionSet | undefined> | undefined> = [];

  constructor(
    private readonly engine: PolicyEngine,
    private readonly port?: ReachQuery['port'],
    classes?: WorkloadClasses,
  ) {
    this.classes = classes ?? engine.classes();
    this.tiered = engine.hasTiers;
    this.open = port ? ConnectionSet.ALL.restrict(port.protocol, port.port) : ConnectionSet.ALL;
  }

  /** The local class number of an endpoint (its first endpoint seen is the representative). */
  ix(e: Endpoint): number {
    const key = endpointClassKey(this.classes, e);
    let i = this.keyIx.get(key);
    if (i === undefined) {
      i = this.reps.length;
      this.keyIx.set(key, i);
      this.reps.push(e);
      // its roles: those of its class; an external range or a domain name is a class of its own
      const c = e.kind === 'workload' ? this.classes.classOf(e.workload) : undefined;
      const known = c !== undefined && c.ix >= 0;
      this.srcOf.push(this.role(0, known ? `s${c.source}` : key, e));
      this.dstOf.push(this.role(1, known ? `d${c.destination}` : key, e));
    }
    return i;
  }

  /** The local number of a source (0) or destination (1) class, by its key. */
  private role(r: 0 | 1, key: string, e: Endpoint): number {
    let i = this.roleIx[r].get(key);
    if (i !== undefined) return i;
    const reps = this.roleReps[r];
    i = reps.length;
    this.roleIx[r].set(key, i);
    reps.push(e);
    const iso = e.kind === 'workload' ? this.engine.isolation(e.workload) : undefined;
    const fam = e.kind === 'workload' ? endpointFamilies(e) : 0;
    if (r === 0) {
      const l = iso ? iso.egress : NO_POLICIES;
      this.eIso.push(l);
      this.eList.push(this.listId(l));
      this.sFam.push(fam);
      this.sWorkload.push(e.kind === 'workload');
    } else {
      const l = iso ? iso.ingress : NO_POLICIES;
      this.iIso.push(l);
      this.iList.push(this.listId(l));
      this.dFam.push(fam);
      this.dWorkload.push(e.kind === 'workload');
    }
    return i;
  }

  private listId(l: readonly CompiledPolicy[]): number {
    let id = this.listIds.get(l);
    if (id === undefined) {
      id = this.listIds.size;
      this.listIds.set(l, id);
    }
    return id;
  }

  /** The column of side results for `key` (`list * 4 + families`), by counterpart class. */
  private column(all: Array<SideColumn | undefined>, key: number): SideColumn {
    let col = all[key];
    if (!col) {
      // left sparse: a side is asked of the few counterparts its rules reach (reach --format summary)
      col = [];
      while (all.length < key) all.push(undefined);
      all[key] = col;
    }
    return col;
  }

  /** A side result's number (OPEN_SIDE is 0). */
  private sideId(r: SideResult): number {
    let id = this.sideIds.get(r);
    if (id === undefined) {
      id = this.sideIds.size;
      this.sideIds.set(r, id);
    }
    return id;
  }

  /** `pairFamilies` of a source and a destination class (the families every member pair has). */
  private pairFamilies(sr: number, dr: number): number {
    return this.sWorkload[sr] && this.dWorkload[dr]
      ? (this.sFam[sr] as number) & (this.dFam[dr] as number)
      : ANY_FAMILY;
  }

  /**
   * What class `si` may send to class `di` (for `si === di`: between two distinct members): the
   * pair of its source class and the other's destination class, computed once.
   */
  conns(si: number, di: number): ConnectionSet {
    const sr = this.srcOf[si] as number;
    const dr = this.dstOf[di] as number;
    let row = this.cache[sr];
    if (!row || row.length <= dr) {
      // preallocated (a sparse array would fall back to slow elements); grown by half at least
      // while destinations are still being met (reach --format summary meets external ranges late)
      const len = Math.max(dr + 1, this.roleReps[1].length, row ? row.length + (row.length >> 1) : 0);
      const grown = new Array<ConnectionSet | undefined>(len).fill(undefined);
      if (row) for (let i = 0; i < row.length; i++) grown[i] = row[i];
      row = grown;
      this.cache[sr] = row;
    }
    let c = row[dr];
    if (!c) {
      c = this.compute(sr, dr);
      row[dr] = c;
    }
    return c;
  }

  /** The number of source and of destination classes met so far (`ix`). */
  get roles(): { readonly sources: number; readonly destinations: number } {
    return { sources: this.roleReps[0].length, destinations: this.roleReps[1].length };
  }

  /** The source class of class `si` and the destination class of `di` (local numbers, `roles`). */
  sourceOf(si: number): number {
    return this.srcOf[si] as number;
  }

  destinationOf(di: number): number {
    return this.dstOf[di] as number;
  }

  /**
   * One side's set (`PolicyEngine.egressSide` / `ingressSide`), shared between the counterparts
   * that the side's rules match alike: the set is the union of the ports of the matching rules, so
   * it depends on the peer only through which of those rules match it (and, where a matching rule
   * names a port, on the destination class that resolves it).
   */
  private side(
    policies: readonly CompiledPolicy[],
    dir: 'ingress' | 'egress',
    src: Endpoint,
    dst: Endpoint,
    peer: Endpoint,
    sr: number,
    dr: number,
  ): SideEntry {
    let memo = this.sides[dir === 'egress' ? 0 : 1].get(policies);
    if (!memo) {
      const rules: SideRule[] = [];
      for (const p of policies) {
        for (const r of p[dir])
          rules.push({
            r,
            ns: p.namespace,
            named: r.ports?.some((pe) => typeof pe.port?.value === 'string') ?? false,
          });
      }
      memo = { rules, sets: new Map(), numbered: rules.length <= 16, byNumber: new Map(), atDst: [] };
      this.sides[dir === 'egress' ? 0 : 1].set(policies, memo);
    }
    // which rules match, in the families the pair can use (and by which family's address); where a
    // matching rule names a port, the destination class too (it resolves the name)
    const families = this.pairFamilies(sr, dr);
    // outside a tracked unit, the rules' match vectors read directly (`ruleMatch` would look each
    // up again, for every pair of classes; inside one it records what it read)
    const ix = peer.ix ?? -1;
    const fast = ix >= 0 && !isTracking();
    let found: Map<number, SideEntry> | Map<string, SideEntry>;
    let at: number | string;
    if (memo.numbered) {
      // the families, then each rule's match (0–7) in 3 bits: at most 2 + 48 bits, exact
      let key = families;
      let unit = 4;
      let named = false;
      for (let k = 0; k < memo.rules.length; k++) {
        const rr = memo.rules[k] as SideRule;
        const m = fast
          ? fastMatch(this.engine, rr, ix, families)
          : this.engine.ruleMatch(rr.r, rr.ns, peer, families);
        if (m !== 0 && rr.named) named = true;
        key += m * unit;
        unit *= 8;
      }
      if (named) {
        let m = memo.atDst[dr];
        if (!m) {
          m = new Map();
          while (memo.atDst.length < dr) memo.atDst.push(undefined);
          memo.atDst[dr] = m;
        }
        found = m;
      } else found = memo.byNumber;
      at = key;
    } else {
      let key = `${families}:`;
      let named = false;
      for (let k = 0; k < memo.rules.length; k++) {
        const rr = memo.rules[k] as SideRule;
        const m = fast
          ? fastMatch(this.engine, rr, ix, families)
          : this.engine.ruleMatch(rr.r, rr.ns, peer, families);
        if (m === 0) continue;
        key += m === 1 ? `${k},` : `${k}~${m},`;
        if (rr.named) named = true;
      }
      if (named) key += `#${dr}`;
      found = memo.sets;
      at = key;
    }
    let entry = (found as Map<number | string, SideEntry>).get(at);
    if (!entry) {
      const r = dir === 'egress' ? this.engine.egressSide(src, dst) : this.engine.ingressSide(src, dst);
      entry = { r, id: this.sideId(r) };
      (found as Map<number | string, SideEntry>).set(at, entry);
    }
    return entry;
  }

  /** The same as `conns` (kept: a pair of roles is met by many pairs of classes). */
  between(si: number, di: number): ConnectionSet {
    return this.conns(si, di);
  }

  /** The pair of source class `sr` and destination class `dr`, from their representatives. */
  private compute(sr: number, dr: number): ConnectionSet {
    const src = this.roleReps[0][sr] as Endpoint;
    const dst = this.roleReps[1][dr] as Endpoint;
    if (!listedPair(src, dst)) return ConnectionSet.EMPTY;
    // cluster-wide policies: sides depend on the tiers too (tiers.ts), so the pair in full; so
    // for a domain name (matched by name, or by a block holding a whole family: compile.ts)
    if (this.tiered || dst.kind === 'domain') {
      const conns = this.engine.pair(src, dst).conns;
      return this.port ? conns.restrict(this.port.protocol, this.port.port) : conns;
    }
    const eIso = this.eIso[sr] as readonly CompiledPolicy[];
    const iIso = this.iIso[dr] as readonly CompiledPolicy[];
    // both sides open: everything (the common case in big, lightly protected workspaces)
    if (eIso.length === 0 && iIso.length === 0) return this.open;
    let eg = OPEN_SIDE;
    let egId = 0;
    if (eIso.length > 0) {
      const col = this.column(this.egress, (this.eList[sr] as number) * 4 + (this.sFam[sr] as number));
      const e = (col[dr] ??= this.side(eIso, 'egress', src, dst, dst, sr, dr));
      eg = e.r;
      egId = e.id;
    }
    if (eg.set.isEmpty) return ConnectionSet.EMPTY;
    let ig = OPEN_SIDE;
    let igId = 0;
    if (iIso.length > 0) {
      const il = this.iList[dr] as number;
      let shared = this.sharedIngress[il];
      if (shared === undefined) {
        shared = !iIso.some((p) =>
          p.ingress.some((r) => r.ports?.some((pe) => typeof pe.port?.value === 'string')),
        );
        while (this.sharedIngress.length < il) this.sharedIngress.push(undefined);
        this.sharedIngress[il] = shared;
      }
      if (shared) {
        const col = this.column(this.ingress, il * 4 + (this.dFam[dr] as number));
        const e = (col[sr] ??= this.side(iIso, 'ingress', src, dst, src, sr, dr));
        ig = e.r;
        igId = e.id;
      } else {
        const e = this.side(iIso, 'ingress', src, dst, src, sr, dr);
        ig = e.r;
        igId = e.id;
      }
    }
    // side sets are shared between many pairs of classes: so are their intersections
    let byIg = this.meets[egId];
    if (!byIg) {
      byIg = [];
      while (this.meets.length < egId) this.meets.push(undefined);
      this.meets[egId] = byIg;
    }
    let conns = byIg[igId];
    if (!conns) {
      conns = meetSides(eg, ig);
      if (this.port) conns = conns.restrict(this.port.protocol, this.port.port);
      while (byIg.length < igId) byIg.push(undefined);
      byIg[igId] = conns;
    }
    return conns;
  }
}
