/**
 * Go to definition (checks.md D): from a policy's podSelector (or name) and from a peer's selectors
 * to what they match — the workload manifests' pod labels, the Namespace manifests — and from a
 * named port to the container port entries it resolves to.
 */
import type { Workload } from '../index/workspace-index';
import type { Protocol } from '../model/types';
import type { SourceRef } from '../text/span';
import type { FeatureContext } from './context';
import { peerNamespaces, peerWorkloads, ruleDestinations, selectedWorkloads } from '../semantics/queries';
import { targetAt, workloadLabelRefs } from './lookup';

export function definition(ctx: FeatureContext, uri: string, offset: number): SourceRef[] {
  const t = targetAt(ctx.index, uri, offset);
  if (!t) return [];
  switch (t.kind) {
    case 'policy':
      return selectedWorkloads(ctx.engine, t.policy).flatMap(workloadLabelRefs);
    case 'peerSelector':
      if (t.which === 'namespace')
        return namespaceRefs(
          ctx,
          peerNamespaces(ctx.index, ctx.settings, t.policy.namespace, t.peer).map((n) => n.name),
        );
      return peerWorkloads(ctx.engine, t.policy.namespace, t.peer).flatMap(workloadLabelRefs);
    case 'ipBlock':
      return peerWorkloads(ctx.engine, t.policy.namespace, t.peer).flatMap((w) =>
        w.sources.map((s) => ({ uri: s.doc.uri, span: s.objectName.span })),
      );
    case 'port': {
      const port = t.entry.port?.value;
      if (port === undefined) return [];
      const proto = (t.entry.protocol?.value ?? 'TCP') as Protocol;
      return ruleDestinations(ctx.engine, t.policy, t.direction, t.rule).flatMap((w) =>
        containerPortRefs(w, port, proto),
      );
    }
    case 'namespaceRef':
      return namespaceRefs(ctx, [t.name]);
    default:
      return [];
  }
}

function namespaceRefs(ctx: FeatureContext, names: readonly string[]): SourceRef[] {
  return names.flatMap((n) =>
    (ctx.index.namespaces.get(n)?.declared ?? []).map((d) => ({ uri: d.doc.uri, span: d.name.span })),
  );
}

/** The container port entries of a workload's manifests that a port (name or number) resolves to. */
export function containerPortRefs(w: Workload, port: number | string, proto: Protocol): SourceRef[] {
  const out: SourceRef[] = [];
  for (const s of w.sources) {
    for (const cp of s.ports) {
      if (cp.protocol !== proto) continue;
      if (typeof port === 'string' ? cp.name === port : cp.port === port)
        out.push({ uri: s.doc.uri, span: cp.span });
    }
  }
  return out;
}
