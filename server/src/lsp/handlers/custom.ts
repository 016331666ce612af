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
 *
 * `netpolLens/changes` (ChangesParams → ChangesResult): handlers/changes.ts.
 *
 * `netpolLens/policyAt` (PolicyAtParams → PolicyAtResult)
 *   The NetworkPolicy whose manifest holds the position (the innermost, in a List), answered from
 *   the open buffer: `{uri, name, namespace}` as `netpolLens/reachability`'s `focusPolicy` takes
 *   it, or null. Errors: InvalidParams without a document URI and a position.
 */
import {
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver/node';
import type { Analysis, ReachEntry, SourceRef } from '../../core/index';
import {
  ChangesMethod,
  type ChangesParams,
  ExplainMethod,
  PolicyAtMethod,
  ReachabilityMethod,
  type EndpointDto,
  type ExplainParams,
  type ExplainResult,
  type PolicyAtParams,
  type PolicyAtResult,
  type Protocol,
  REACHABILITY_MAX_WORKLOADS,
  type ReachabilityParams,
  type ReachabilityResult,
  type SideDto,
  type SourceLocation,
} from '../../protocol/requests';
import { sourceLocation } from '../convert';
import type { ServerContext } from '../context';
import { changes } from './changes';
import { docTarget, offsetAt } from './common';

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

function portParam(p: unknown): { port: number; protocol: Protocol } | undefined {
  if (p === undefined || p === null) return undefined;
  const o = p as { port?: unknown; protocol?: unknown };
  const protocol = typeof o.protocol === 'string' ? o.protocol.toUpperCase() : 'TCP';
  if (
    typeof o.port !== 'number' ||
    !Number.isInteger(o.port) ||
    o.port < 1 ||
    o.port > 65535 ||
    !PROTOCOLS.includes(protocol as Protocol)
  ) {
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `port must be {port: 1–65535, protocol: TCP|UDP|SCTP}, got ${JSON.stringify(p)}`,
    );
  }
  return { port: o.port, protocol: protocol as Protocol };
}

/** The root a request names (`root`), else the root of `uri`, else the first root. */
function rootAnalysis(a: Analysis, root: unknown, uri?: string): Analysis {
  if (root === undefined || root === null) return a.rootAt(uri);
  const r = typeof root === 'string' ? a.root(root) : undefined;
  if (!r)
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      `unknown analysis root ${JSON.stringify(root)}; the roots are ${a.roots.map((x) => JSON.stringify(x.id)).join(', ')}`,
    );
  return r;
}

function locate(ctx: ServerContext, a: Analysis, ref: SourceRef): SourceLocation {
  const loc = sourceLocation((u) => a.lineIndex(u), ref);
  return { uri: ctx.clientUri(loc.uri), range: loc.range };
}

/** How long the matrix may compute before it yields to other messages (ms). */
export const matrixTiming = { sliceMs: 15 };

export async function reachability(
  ctx: ServerContext,
  params: ReachabilityParams | null | undefined,
  token?: CancellationToken,
  progress?: WorkDoneProgressReporter,
): Promise<ReachabilityResult> {
  const port = portParam(params?.port);
  const ws = ctx.snapshot();
  const fp = params?.focusPolicy;
  const a = rootAnalysis(
    ws,
    params?.root,
    fp && typeof fp.uri === 'string' ? ctx.canonical(fp.uri) : undefined,
  );
  const view = a.reachabilityView({
    maxWorkloads: REACHABILITY_MAX_WORKLOADS,
    ...(port ? { port } : {}),
    ...(fp && typeof fp.name === 'string' && typeof fp.namespace === 'string'
      ? {
          focusPolicy: {
            name: fp.name,
            namespace: fp.namespace,
            ...(typeof fp.uri === 'string' ? { uri: ctx.canonical(fp.uri) } : {}),
          },
        }
      : {}),
    ...(Array.isArray(params?.namespaces) ? { namespaces: params.namespaces } : {}),
  });
  // row by row, yielding to other requests and notifications between slices: a big workspace keeps
  // its diagnostics and hovers flowing while the matrix computes, and a superseded request stops
  const entries: ReachEntry[] = [];
  let done = 0;
  let slice = Date.now();
  progress?.begin('netpol-lens: reachability', 0, `0/${view.total} sources`, true);
  try {
    for (const row of view.rows) {
      for (const e of row) entries.push(e);
      done++;
      if (Date.now() - slice >= matrixTiming.sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (token?.isCancellationRequested)
          throw new ResponseError(LSPErrorCodes.RequestCancelled, 'netpolLens/reachability cancelled');
        progress?.report(Math.floor((done * 100) / Math.max(1, view.total)), `${done}/${view.total} sources`);
        slice = Date.now();
      }
    }
  } finally {
    progress?.done();
  }
  const endpoints = view.endpoints.map((v): EndpointDto => {
    const e = v.endpoint;
    if (e.kind !== 'workload') return { id: e.id, kind: e.kind };
    const w = e.workload;
    return {
      id: w.id,
      kind: 'workload',
      namespace: w.namespace,
      name: w.name,
      workloadKind: w.kind,
      labels: { ...w.labels },
      ...(v.ref ? { location: locate(ctx, a, v.ref) } : {}),
      isolatedIngress: v.isolatedIngress,
      isolatedEgress: v.isolatedEgress,
    };
  });
  const connections = entries.map((e) => ({ src: e.src.id, dst: e.dst.id, conns: e.conns.toConns() }));
  return {
    version: 1,
    endpoints,
    connections,
    counts: { ...view.counts },
    ...(view.limited ? { limited: view.limited } : {}),
    ...(view.focus ? { focus: view.focus } : {}),
    ...(ws.split
      ? {
          roots: ws.roots.map((r) => ({ id: r.id, name: r.name })),
          root: ws.roots.find((r) => r.analysis === a)?.id ?? '',
        }
      : {}),
  };
}

export function explain(ctx: ServerContext, params: ExplainParams | null | undefined): ExplainResult {
  if (!params || typeof params.src !== 'string' || typeof params.dst !== 'string') {
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      'netpolLens/explain needs {src, dst, port?}: endpoint ids such as layer1/nginx1[Deployment]',
    );
  }
  const port = portParam(params.port);
  const a = rootAnalysis(ctx.snapshot(), params.root);
  const r = a.explain(params.src.trim(), params.dst.trim(), port);
  if (!r.ok) throw new ResponseError(ErrorCodes.InvalidParams, r.error);
  const x = r.explanation;
  const side = (s: typeof x.egress): SideDto => ({
    isolated: s.isolated,
    isolatingPolicies: s.isolatingPolicies.map((p) => ({
      policy: p.policy,
      location: locate(ctx, a, p.ref),
    })),
    allowingRules: s.allowingRules.map((rule) => ({
      policy: rule.policy,
      direction: rule.direction,
      ruleIndex: rule.ruleIndex,
      location: locate(ctx, a, rule.ref),
    })),
    allowed: s.allowed,
    conns: s.conns,
    ...(s.trail
      ? {
          trail: s.trail.map((t) => ({
            tier: t.tier,
            text: t.text,
            ...(t.ref ? { location: locate(ctx, a, t.ref) } : {}),
          })),
        }
      : {}),
    ...(s.nearestRule
      ? {
          nearestRule: {
            policy: s.nearestRule.policy,
            direction: s.nearestRule.direction,
            ruleIndex: s.nearestRule.ruleIndex,
            location: locate(ctx, a, s.nearestRule.ref),
            differs: s.nearestRule.differs,
            text: s.nearestRule.text,
          },
        }
      : {}),
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

export function policyAt(ctx: ServerContext, params: PolicyAtParams | null | undefined): PolicyAtResult {
  const uri = params?.textDocument?.uri;
  const pos = params?.position;
  if (typeof uri !== 'string' || !pos || !Number.isInteger(pos.line) || !Number.isInteger(pos.character)) {
    throw new ResponseError(
      ErrorCodes.InvalidParams,
      'netpolLens/policyAt needs {textDocument: {uri}, position: {line, character}}',
    );
  }
  const t = docTarget(ctx, uri);
  const p = t ? t.analysis.policyAt(t.uri, offsetAt(t, pos)) : undefined;
  return p ? { uri, name: p.name, namespace: p.namespace } : null;
}

export function registerCustomRequests(
  ctx: ServerContext,
  guard: <P, R>(name: string, fn: (p: P) => R) => (p: P) => R,
): void {
  ctx.connection.onRequest(
    ReachabilityMethod,
    async (p: ReachabilityParams, token: CancellationToken, progress: WorkDoneProgressReporter) => {
      try {
        return await reachability(ctx, p, token, progress);
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        ctx.error('netpolLens/reachability failed', e);
        throw new ResponseError(
          ErrorCodes.InternalError,
          `netpolLens/reachability failed: ${e instanceof Error ? e.message : String(e)}`,
        );
      }
    },
  );
  ctx.connection.onRequest(ChangesMethod, async (p: ChangesParams) => {
    try {
      return await changes(ctx, p);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      ctx.error('netpolLens/changes failed', e);
      throw new ResponseError(
        ErrorCodes.InternalError,
        `netpolLens/changes failed: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  });
  ctx.connection.onRequest(
    ExplainMethod,
    guard('netpolLens/explain', (p: ExplainParams) => explain(ctx, p)),
  );
  ctx.connection.onRequest(
    PolicyAtMethod,
    guard('netpolLens/policyAt', (p: PolicyAtParams) => policyAt(ctx, p)),
  );
}
