/**
 * The custom requests of the reachability view (types in protocol/requests.ts):
 *
 * `netpolLens/reachability` (ReachabilityParams → ReachabilityResult)
 *   Every workload of the workspace and the cluster-external address ranges cut at the ipBlock
 *   boundaries (`endpoints`), and one `connections` entry per ordered pair of distinct endpoints
 *   with at least one allowed connection, as in `cli.js reach --format json`. `port` narrows the
 *   connections to one port/protocol. `focusPolicy` adds `focus`: the ids of the workloads the
 *   policy selects (the view highlights them; nothing is filtered out). Answers from the open
 *   buffers, unsaved edits included. Errors: InvalidParams for a malformed port.
 *
 * `netpolLens/explain` (ExplainParams → ExplainResult)
 *   Why traffic from `src` to `dst` (workload ids `<ns>/<name>[<Kind>]`, an IP address, a CIDR or
 *   a range `a-b`) on `port` (absent: any port) is allowed or denied: each side's isolating
 *   policies and allowing rules with their locations, the summary sentences the CLI prints, and
 *   notes where the answer depends on the network plugin. Errors: InvalidParams for an unknown
 *   endpoint (the message suggests ids) or a malformed port.
 */
import { ErrorCodes, LSPErrorCodes, ResponseError, type CancellationToken, type WorkDoneProgressReporter } from 'vscode-languageserver/node';
import type { Analysis, Endpoint, ReachEntry, SourceRef } from '../../core/index';
import {
  ExplainMethod,
  ReachabilityMethod,
  type EndpointDto,
  type ExplainParams,
  type ExplainResult,
  type Protocol,
  REACHABILITY_MAX_WORKLOADS,
  type ReachabilityLimit,
  type ReachabilityParams,
  type ReachabilityResult,
  type SideDto,
  type SourceLocation,
} from '../../protocol/requests';
import { sourceLocation } from '../convert';
import type { ServerContext } from '../context';

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

function portParam(p: unknown): { port: number; protocol: Protocol } | undefined {
  if (p === undefined || p === null) return undefined;
  const o = p as { port?: unknown; protocol?: unknown };
  const protocol = typeof o.protocol === 'string' ? o.protocol.toUpperCase() : 'TCP';
  if (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 1 || o.port > 65535 || !PROTOCOLS.includes(protocol as Protocol)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `port must be {port: 1–65535, protocol: TCP|UDP|SCTP}, got ${JSON.stringify(p)}`);
  }
  return { port: o.port, protocol: protocol as Protocol };
}

function locate(ctx: ServerContext, a: Analysis, ref: SourceRef): SourceLocation {
  const loc = sourceLocation((u) => a.lineIndex(u), ref);
  return { uri: ctx.clientUri(loc.uri), range: loc.range };
}

/** How long the matrix may compute before it yields to other messages (ms). */
const SLICE_MS = 15;

export async function reachability(
  ctx: ServerContext, params: ReachabilityParams | null | undefined, token?: CancellationToken, progress?: WorkDoneProgressReporter,
): Promise<ReachabilityResult> {
  const port = portParam(params?.port);
  const a = ctx.snapshot();
  const engine = a.engine;
  // row by row, yielding to other requests and notifications between slices: a big workspace keeps
  // its diagnostics and hovers flowing while the matrix computes, and a superseded request stops
  const limit = chooseNamespaces(a, params);
  const stepwise = a.reachabilityRows({
    ...(port ? { port } : {}), externals: true, ...(limit ? { namespaces: new Set(limit.shown) } : {}),
  });
  const entries: ReachEntry[] = [];
  let done = 0;
  let slice = Date.now();
  progress?.begin('netpol-lens: reachability', 0, `0/${stepwise.total} sources`, true);
  try {
    for (const row of stepwise.rows) {
      for (const e of row) entries.push(e);
      done++;
      if (Date.now() - slice > SLICE_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (token?.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'netpolLens/reachability cancelled');
        progress?.report(Math.floor((done * 100) / Math.max(1, stepwise.total)), `${done}/${stepwise.total} sources`);
        slice = Date.now();
      }
    }
  } finally {
    progress?.done();
  }
  const r = { endpoints: stepwise.endpoints, entries };
  const endpoints: EndpointDto[] = r.endpoints.map((e: Endpoint): EndpointDto => {
    if (e.kind === 'external') return { id: e.id, kind: 'external' };
    const w = e.workload;
    const iso = engine.isolation(w);
    const src = w.sources[0];
    return {
      id: w.id,
      kind: 'workload',
      namespace: w.namespace,
      name: w.name,
      workloadKind: w.kind,
      labels: { ...w.labels },
      ...(src ? { location: locate(ctx, a, { uri: src.doc.uri, span: src.objectName.span }) } : {}),
      isolatedIngress: iso.ingress.length > 0,
      isolatedEgress: iso.egress.length > 0,
    };
  });
  const connections = r.entries.map((e) => ({ src: e.src.id, dst: e.dst.id, conns: e.conns.toConns() }));
  const result: ReachabilityResult = { version: 1, endpoints, connections, counts: counts(a), ...(limit ? { limited: limit } : {}) };
  const fp = params?.focusPolicy;
  if (fp && typeof fp.name === 'string' && typeof fp.namespace === 'string') {
    const uri = typeof fp.uri === 'string' ? ctx.canonical(fp.uri) : '';
    const policies = a.index.policies.filter((p) => p.name.value === fp.name && p.namespace === fp.namespace);
    const policy = policies.find((p) => p.doc.uri === uri) ?? policies[0];
    const compiled = policy ? engine.compiledFor(policy) : undefined;
    result.focus = compiled ? engine.selectedBy(compiled).map((w) => w.id) : [];
  }
  return result;
}

/**
 * Which namespaces the matrix shows: the requested ones; or, in a workspace with more than
 * REACHABILITY_MAX_WORKLOADS workloads, the focused policy's namespace and the namespaces its peers
 * match, else the first namespaces in name order, as many as fit. Undefined: everything.
 */
export function chooseNamespaces(a: Analysis, params: ReachabilityParams | null | undefined): ReachabilityLimit | undefined {
  const idx = a.index;
  const all = [...idx.namespaces.keys()].map((name) => ({ name, workloads: idx.workloadsIn(name).length }));
  const known = new Set(all.map((n) => n.name));
  const size = (names: Iterable<string>): number => [...names].reduce((n, ns) => n + idx.workloadsIn(ns).length, 0);
  const max = REACHABILITY_MAX_WORKLOADS;
  const requested = Array.isArray(params?.namespaces) ? params.namespaces.filter((n): n is string => typeof n === 'string' && known.has(n)) : [];
  if (requested.length > 0) return { maxWorkloads: max, namespaces: all, shown: [...new Set(requested)].sort(), reason: 'requested' };
  if (idx.workloads.length <= max) return undefined;
  const fill = (start: string[], candidates: Iterable<string>): string[] => {
    const shown = [...start];
    let total = size(shown);
    for (const ns of candidates) {
      if (shown.includes(ns)) continue;
      const n = idx.workloadsIn(ns).length;
      if (n === 0 || total + n > max) continue;
      shown.push(ns);
      total += n;
    }
    return shown.sort();
  };
  const fp = params?.focusPolicy;
  const policy = fp && typeof fp.name === 'string' ? idx.policies.find((p) => p.name.value === fp.name && p.namespace === fp.namespace) : undefined;
  const compiled = policy ? a.engine.compiledFor(policy) : undefined;
  if (compiled) {
    const peers = new Set<string>();
    for (const r of [...compiled.ingress, ...compiled.egress]) {
      if (r.peers === 'all') continue;
      for (const pm of r.peers) for (const w of a.engine.workloadsMatching(pm, compiled.namespace)) peers.add(w.namespace);
    }
    return { maxWorkloads: max, namespaces: all, shown: fill([compiled.namespace], [...peers].sort()), reason: 'focus' };
  }
  const first = all.find((n) => n.workloads > 0)?.name;
  return { maxWorkloads: max, namespaces: all, shown: fill(first ? [first] : [], all.map((n) => n.name)), reason: 'first' };
}

export function counts(a: Analysis): ReachabilityResult['counts'] {
  const idx = a.index;
  let files = 0;
  for (const f of idx.files.values()) if (f.resources.length > 0) files++;
  return { policies: idx.policies.length, workloads: idx.workloads.length, namespaces: idx.namespaces.size, files };
}

export function explain(ctx: ServerContext, params: ExplainParams | null | undefined): ExplainResult {
  if (!params || typeof params.src !== 'string' || typeof params.dst !== 'string') {
    throw new ResponseError(ErrorCodes.InvalidParams, 'netpolLens/explain needs {src, dst, port?}: endpoint ids such as layer1/nginx1[Deployment]');
  }
  const port = portParam(params.port);
  const a = ctx.snapshot();
  const r = a.explain(params.src.trim(), params.dst.trim(), port);
  if (!r.ok) throw new ResponseError(ErrorCodes.InvalidParams, r.error);
  const x = r.explanation;
  const side = (s: typeof x.egress): SideDto => ({
    isolated: s.isolated,
    isolatingPolicies: s.isolatingPolicies.map((p) => ({ policy: p.policy, location: locate(ctx, a, p.ref) })),
    allowingRules: s.allowingRules.map((rule) => ({
      policy: rule.policy, direction: rule.direction, ruleIndex: rule.ruleIndex, location: locate(ctx, a, rule.ref),
    })),
    allowed: s.allowed,
    conns: s.conns,
  });
  return {
    src: x.src,
    dst: x.dst,
    ...(x.port ? { port: { port: x.port.port, protocol: x.port.protocol } } : {}),
    allowed: x.allowed,
    partial: x.partial,
    conns: x.conns,
    egress: side(x.egress),
    ingress: side(x.ingress),
    summary: [...x.summary],
    notes: [...x.notes],
  };
}

export function registerCustomRequests(ctx: ServerContext, guard: <P, R>(name: string, fn: (p: P) => R) => (p: P) => R): void {
  ctx.connection.onRequest(ReachabilityMethod, async (p: ReachabilityParams, token: CancellationToken, progress: WorkDoneProgressReporter) => {
    try {
      return await reachability(ctx, p, token, progress);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      ctx.error('netpolLens/reachability failed', e);
      throw new ResponseError(ErrorCodes.InternalError, `netpolLens/reachability failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
  ctx.connection.onRequest(ExplainMethod, guard('netpolLens/explain', (p: ExplainParams) => explain(ctx, p)));
}
