/**
 * The reachability view's model (what `netpolLens/reachability` answers, before positions): which
 * namespaces the matrix shows, the endpoints with their isolation, the listing row by row, the
 * workloads a focused policy selects and the workspace counts. Adapters slice the rows, yield and
 * cancel between them, and turn the SourceRefs into their own locations.
 */
import type { WorkspaceIndex } from '../index/workspace-index';
import type { Protocol } from '../model/types';
import type { CompiledPolicy, Endpoint } from '../semantics/compile';
import type { PolicyEngine } from '../semantics/engine';
import { reachabilityRows, type ReachEntry } from '../semantics/matrix';
import type { SourceRef } from '../text/span';

export interface ReachViewQuery {
  /** The matrix is limited beyond this many workloads (the protocol's limit). */
  readonly maxWorkloads: number;
  /** Narrow to one port and protocol; absent = any port. */
  readonly port?: { readonly port: number; readonly protocol: Protocol };
  /**
   * The policy whose selected workloads the view highlights (`focus`); with a `uri`, the policy of
   * that file is preferred among policies of the same namespace and name.
   */
  readonly focusPolicy?: { readonly name: string; readonly namespace: string; readonly uri?: string };
  /** Only the workloads of these namespaces (unknown names are ignored). */
  readonly namespaces?: readonly string[];
}

/** The namespaces shown when the matrix does not show them all, and why (protocol: ReachabilityLimit). */
export interface ReachViewLimit {
  readonly maxWorkloads: number;
  /** Every namespace of the workspace with its number of workloads. */
  readonly namespaces: Array<{ name: string; workloads: number }>;
  readonly shown: string[];
  readonly reason: 'requested' | 'focus' | 'first';
}

export interface ReachViewCounts {
  readonly policies: number;
  readonly workloads: number;
  readonly namespaces: number;
  /** Files holding at least one Kubernetes object. */
  readonly files: number;
}

export interface ReachViewEndpoint {
  readonly endpoint: Endpoint;
  /** For workloads: where it is written (its first manifest's metadata.name). */
  readonly ref?: SourceRef;
  readonly isolatedIngress: boolean;
  readonly isolatedEgress: boolean;
}

export interface ReachView {
  readonly endpoints: readonly ReachViewEndpoint[];
  /** Number of source rows `rows` yields. */
  readonly total: number;
  /** The entries of each source row in order (lazy: adapters pace and stop it). */
  readonly rows: Generator<ReachEntry[]>;
  /** Ids of the workloads the focused policy selects; absent without `focusPolicy`, empty when no such policy. */
  readonly focus?: string[];
  readonly counts: ReachViewCounts;
  /** Present when the matrix shows only some namespaces. */
  readonly limited?: ReachViewLimit;
}

export function reachabilityView(index: WorkspaceIndex, engine: PolicyEngine, q: ReachViewQuery): ReachView {
  const limited = chooseNamespaces(index, engine, q);
  const stepwise = reachabilityRows(engine, {
    ...(q.port ? { port: q.port } : {}),
    externals: true,
    ...(limited ? { namespaces: new Set(limited.shown) } : {}),
  });
  const endpoints = stepwise.endpoints.map((e): ReachViewEndpoint => {
    if (e.kind !== 'workload') return { endpoint: e, isolatedIngress: false, isolatedEgress: false };
    const iso = engine.isolation(e.workload);
    const src = e.workload.sources[0];
    return {
      endpoint: e,
      ...(src ? { ref: { uri: src.doc.uri, span: src.objectName.span } } : {}),
      isolatedIngress: iso.ingress.length > 0,
      isolatedEgress: iso.egress.length > 0,
    };
  });
  const fp = q.focusPolicy;
  let focus: string[] | undefined;
  if (fp) {
    const policies = index.policies.filter((p) => p.name.value === fp.name && p.namespace === fp.namespace);
    const policy = policies.find((p) => p.doc.uri === fp.uri) ?? policies[0];
    const compiled = policy ? engine.compiledFor(policy) : undefined;
    focus = compiled ? engine.selectedBy(compiled).map((w) => w.id) : [];
  }
  return {
    endpoints,
    total: stepwise.total,
    rows: stepwise.rows,
    counts: workspaceCounts(index),
    ...(focus ? { focus } : {}),
    ...(limited ? { limited } : {}),
  };
}

/**
 * Which namespaces the matrix shows: the requested ones; or, in a workspace with more than
 * `maxWorkloads` workloads, the focused policy's namespace and the namespaces its peers match, else
 * the first namespaces in name order, as many as fit. Undefined: everything.
 */
export function chooseNamespaces(
  index: WorkspaceIndex,
  engine: PolicyEngine,
  q: ReachViewQuery,
): ReachViewLimit | undefined {
  const all = [...index.namespaces.keys()].map((name) => ({
    name,
    workloads: index.workloadsIn(name).length,
  }));
  const known = new Set(all.map((n) => n.name));
  const size = (names: Iterable<string>): number =>
    [...names].reduce((n, ns) => n + index.workloadsIn(ns).length, 0);
  const max = q.maxWorkloads;
  const requested = (q.namespaces ?? []).filter((n) => typeof n === 'string' && known.has(n));
  if (requested.length > 0)
    return { maxWorkloads: max, namespaces: all, shown: [...new Set(requested)].sort(), reason: 'requested' };
  if (index.workloads.length <= max) return undefined;
  const fill = (start: string[], candidates: Iterable<string>): string[] => {
    const shown = [...start];
    let total = size(shown);
    for (const ns of candidates) {
      if (shown.includes(ns)) continue;
      const n = index.workloadsIn(ns).length;
      if (n === 0 || total + n > max) continue;
      shown.push(ns);
      total += n;
    }
    return shown.sort();
  };
  const fp = q.focusPolicy;
  const policy = fp
    ? index.policies.find((p) => p.name.value === fp.name && p.namespace === fp.namespace)
    : undefined;
  const compiled = policy ? engine.compiledFor(policy) : undefined;
  if (compiled) {
    return {
      maxWorkloads: max,
      namespaces: all,
      shown: fill([compiled.namespace], peerNamespaces(engine, compiled)),
      reason: 'focus',
    };
  }
  const first = all.find((n) => n.workloads > 0)?.name;
  return {
    maxWorkloads: max,
    namespaces: all,
    shown: fill(
      first ? [first] : [],
      all.map((n) => n.name),
    ),
    reason: 'first',
  };
}

/** The namespaces of the workloads a policy's peers match, in name order. */
function peerNamespaces(engine: PolicyEngine, compiled: CompiledPolicy): string[] {
  const peers = new Set<string>();
  for (const r of [...compiled.ingress, ...compiled.egress]) {
    if (r.peers === 'all') continue;
    for (const pm of r.peers)
      for (const w of engine.workloadsMatching(pm, compiled.namespace)) peers.add(w.namespace);
  }
  return [...peers].sort();
}

/**
 * Policies, workloads and namespaces of the workspace, and the files holding Kubernetes objects
 * (counted here unless the caller keeps that count, `FileTally.filesWithResources`).
 */
export function workspaceCounts(index: WorkspaceIndex, filesWithResources?: number): ReachViewCounts {
  let files = filesWithResources ?? 0;
  if (filesWithResources === undefined)
    for (const f of index.files.values()) if (f.resources.length > 0) files++;
  return {
    policies: index.policies.length,
    workloads: index.workloads.length,
    namespaces: index.namespaces.size,
    files,
  };
}
