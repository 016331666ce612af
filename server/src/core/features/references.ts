/**
 * Find references (checks.md D): from a workload (its name or pod labels) to the policies that select
 * it (their podSelector) and the peers that match it; from a Namespace (or a metadata.namespace) to
 * the namespaceSelectors that match it; from a container port to the policy ports that resolve to it.
 */
import type { Workload } from '../index/workspace-index';
import type { SourceRef } from '../text/span';
import type { FeatureContext } from './context';
import { namespaceSelectorsMatching, peersMatching, portEntriesFor } from '../semantics/queries';
import { policySubjectRef, targetAt, workloadOf } from './lookup';

export function references(ctx: FeatureContext, uri: string, offset: number): SourceRef[] {
  const t = targetAt(ctx.index, uri, offset);
  if (!t) return [];
  switch (t.kind) {
    case 'workload': {
      const w = workloadOf(ctx.index, t.resource);
      return w ? workloadReferences(ctx, w) : [];
    }
    case 'namespace':
      return namespaceReferences(ctx, t.resource.name.value);
    case 'namespaceRef':
      return namespaceReferences(ctx, t.name);
    case 'containerPort': {
      const w = workloadOf(ctx.index, t.resource);
      return w
        ? portEntriesFor(ctx.engine, w, t.port).map((x) => ({
            uri: x.policy.policy.doc.uri,
            span: x.entry.port?.span ?? x.entry.span,
          }))
        : [];
    }
    default:
      return [];
  }
}

/** The podSelectors of the policies selecting the workload, then the peers (of effective rules) matching it. */
export function workloadReferences(ctx: FeatureContext, w: Workload): SourceRef[] {
  return [
    ...ctx.engine.selecting(w).map((c) => policySubjectRef(c.policy)),
    ...peersMatching(ctx.engine, w).map(({ policy, matcher: { peer } }) => ({
      uri: policy.policy.doc.uri,
      span: peer.ipBlock?.span ?? peer.podSelector?.span ?? peer.namespaceSelector?.span ?? peer.span,
    })),
  ];
}

/** The namespaceSelectors (of effective rules' peers) that match the namespace. */
export function namespaceReferences(ctx: FeatureContext, name: string): SourceRef[] {
  return namespaceSelectorsMatching(ctx.engine, name).map((x) => ({
    uri: x.policy.policy.doc.uri,
    span: x.selector.span,
  }));
}
