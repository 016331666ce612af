/**
 * The reachability matrix: every ordered pair of distinct endpoints with a non-empty allowed set,
 * row by row, sharing the per-side sets between endpoints with the same isolating policies
 * (ARCHITECTURE.md, "Why this shape"). Each pair is `PolicyEngine`'s egress side ∩ ingress side.
 */
import { cmp } from '../index/workspace-index';
import type { CompiledPolicy, Endpoint } from './compile';
import type { PolicyEngine } from './engine';
import { ConnectionSet } from './port-set';
import { NO_POLICIES } from './selection';

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
