/**
 * Find references (checks.md D): from a workload (its name or pod labels) to the policies that select
 * it (their podSelector) and the peers that match it; from a Namespace (or a metadata.namespace) to
 * the namespaceSelectors that match it; from a container port to the policy ports that resolve to it.
 */
import type { Workload } from '../index/workspace-index';
import { peerMatches } from '../semantics/compile';
import { compileSelector } from '../semantics/selector';
import type { SourceRef } from '../text/span';
import type { FeatureContext } from './context';
import { ruleDestinations } from '../semantics/queries';
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
      if (!w) return [];
      const out: SourceRef[] = [];
      for (const c of ctx.engine.compiled) {
        for (const dir of ['ingress', 'egress'] as const) {
          for (const r of c[dir]) {
            for (const pe of r.ports ?? []) {
              const v = pe.port?.value;
              if (v === undefined || (pe.protocol?.value ?? 'TCP') !== t.port.protocol) continue;
              if (v !== t.port.name && v !== t.port.port) continue;
              if (ruleDestinations(ctx.engine, c.policy, dir, r.ref.rule).some((d) => d.id === w.id)) {
                out.push({ uri: c.policy.doc.uri, span: pe.port?.span ?? pe.span });
              }
            }
          }
        }
      }
      return out;
    }
    default:
      return [];
  }
}

/** The podSelectors of the policies selecting the workload, then the peers (of effective rules) matching it. */
export function workloadReferences(ctx: FeatureContext, w: Workload): SourceRef[] {
  const out: SourceRef[] = ctx.engine.selecting(w).map((c) => policySubjectRef(c.policy));
  const ep = { kind: 'workload' as const, id: w.id, workload: w };
  for (const c of ctx.engine.compiled) {
    for (const dir of ['ingress', 'egress'] as const) {
      for (const r of c[dir]) {
        if (r.peers === 'all') continue;
        for (const pm of r.peers) {
          if (!peerMatches(pm, c.namespace, ep, ctx.index).match) continue;
          const peer = pm.peer;
          const span = peer.ipBlock?.span ?? peer.podSelector?.span ?? peer.namespaceSelector?.span ?? peer.span;
          out.push({ uri: c.policy.doc.uri, span });
        }
      }
    }
  }
  return out;
}

/** The namespaceSelectors (of effective rules' peers) that match the namespace. */
export function namespaceReferences(ctx: FeatureContext, name: string): SourceRef[] {
  const labels = ctx.index.namespaceLabels(name);
  const out: SourceRef[] = [];
  for (const c of ctx.engine.compiled) {
    for (const dir of ['ingress', 'egress'] as const) {
      for (const r of c[dir]) {
        for (const peer of r.ref.rule.peers ?? []) {
          const ns = peer.namespaceSelector;
          if (ns && !peer.ipBlock && compileSelector(ns).matches(labels)) out.push({ uri: c.policy.doc.uri, span: ns.span });
        }
      }
    }
  }
  return out;
}
