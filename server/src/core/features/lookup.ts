/**
 * Lookups shared by the editor features: which model node sits at an offset (walking the spans the
 * model keeps for every field, not reparsing), and the workload or policy behind a resource. What
 * a selector, peer or rule matches is asked of semantics/queries.ts, as the checks ask it.
 */
import type { Workload, WorkspaceIndex } from '../index/workspace-index';
import type {
  ContainerPort,
  Direction,
  IpBlock,
  LabelSelector,
  NamespaceResource,
  NetworkPolicyResource,
  Peer,
  PolicyRule,
  PortEntry,
  Resource,
  ServiceResource,
  WorkloadResource,
} from '../model/types';
import type { Located, SourceRef, Span } from '../text/span';

/** The model node under the cursor, innermost first. */
export type Target =
  /** The policy's metadata.name or its spec.podSelector. */
  | {
      readonly kind: 'policy';
      readonly policy: NetworkPolicyResource;
      readonly span: Span;
      readonly on: 'name' | 'podSelector';
    }
  | { readonly kind: 'policyTypes'; readonly policy: NetworkPolicyResource; readonly span: Span }
  /** The `ingress:` / `egress:` key. */
  | {
      readonly kind: 'ruleList';
      readonly policy: NetworkPolicyResource;
      readonly direction: Direction;
      readonly span: Span;
    }
  /** Somewhere in a rule, outside its peers' selectors, ipBlocks and ports. */
  | {
      readonly kind: 'rule';
      readonly policy: NetworkPolicyResource;
      readonly direction: Direction;
      readonly rule: PolicyRule;
      readonly span: Span;
    }
  | {
      readonly kind: 'peerSelector';
      readonly policy: NetworkPolicyResource;
      readonly direction: Direction;
      readonly rule: PolicyRule;
      readonly peer: Peer;
      readonly which: 'pod' | 'namespace';
      readonly selector: LabelSelector;
      readonly span: Span;
    }
  | {
      readonly kind: 'ipBlock';
      readonly policy: NetworkPolicyResource;
      readonly direction: Direction;
      readonly rule: PolicyRule;
      readonly peer: Peer;
      readonly ipBlock: IpBlock;
      readonly span: Span;
    }
  | {
      readonly kind: 'port';
      readonly policy: NetworkPolicyResource;
      readonly direction: Direction;
      readonly rule: PolicyRule;
      readonly entry: PortEntry;
      readonly span: Span;
    }
  /** A `metadata.namespace` field of any resource. */
  | { readonly kind: 'namespaceRef'; readonly name: string; readonly span: Span }
  /** A workload's metadata.name or its pod template labels. */
  | { readonly kind: 'workload'; readonly resource: WorkloadResource; readonly span: Span }
  | {
      readonly kind: 'containerPort';
      readonly resource: WorkloadResource;
      readonly port: ContainerPort;
      readonly span: Span;
    }
  /** A Namespace manifest's name or labels. */
  | { readonly kind: 'namespace'; readonly resource: NamespaceResource; readonly span: Span }
  | { readonly kind: 'service'; readonly resource: ServiceResource; readonly span: Span };

export function inSpan(s: Span | undefined, offset: number): s is Span {
  return !!s && offset >= s.start && offset <= s.end;
}

/** The resource of `uri` whose object span holds the offset (the innermost, for List items). */
export function resourceAt(index: WorkspaceIndex, uri: string, offset: number): Resource | undefined {
  let best: Resource | undefined;
  for (const r of index.file(uri)?.resources ?? []) {
    if (!inSpan(r.doc.span, offset)) continue;
    if (!best || r.doc.span.end - r.doc.span.start < best.doc.span.end - best.doc.span.start) best = r;
  }
  return best;
}

/** The NetworkPolicy whose object holds the offset. */
export function policyAt(
  index: WorkspaceIndex,
  uri: string,
  offset: number,
): NetworkPolicyResource | undefined {
  const r = resourceAt(index, uri, offset);
  return r?.kind === 'NetworkPolicy' ? r : undefined;
}

/** The rule of a policy that holds the offset. */
export function ruleAt(
  policy: NetworkPolicyResource,
  offset: number,
): { direction: Direction; rule: PolicyRule } | undefined {
  for (const direction of ['ingress', 'egress'] as const) {
    for (const rule of policy[direction]?.rules ?? [])
      if (inSpan(rule.span, offset)) return { direction, rule };
  }
  return undefined;
}

/** The merged workload a manifest belongs to. */
export function workloadOf(index: WorkspaceIndex, r: WorkloadResource): Workload | undefined {
  return index.workload(r.id);
}

export function workloadLabelRefs(w: Workload): SourceRef[] {
  return w.sources.map((s) => ({ uri: s.doc.uri, span: s.labelsSpan ?? s.objectName.span }));
}

/** Where a policy's subject is written: its podSelector (or its name when the selector is absent). */
export function policySubjectRef(p: NetworkPolicyResource): SourceRef {
  return { uri: p.doc.uri, span: p.podSelector?.span ?? p.name.span };
}

/** Walks the model spans of one resource to the innermost node at the offset. */
export function targetAt(index: WorkspaceIndex, uri: string, offset: number): Target | undefined {
  const r = resourceAt(index, uri, offset);
  if (!r) return undefined;
  switch (r.kind) {
    case 'NetworkPolicy':
      return policyTarget(r, offset);
    case 'Workload': {
      if (inSpan(r.objectName.span, offset))
        return { kind: 'workload', resource: r, span: r.objectName.span };
      if (inSpan(r.namespaceField?.span, offset)) return nsRef(r.namespaceField, offset);
      const cp = r.ports.find((p) => inSpan(p.span, offset));
      if (cp) return { kind: 'containerPort', resource: r, port: cp, span: cp.span };
      if (inSpan(r.labelsSpan, offset)) return { kind: 'workload', resource: r, span: r.labelsSpan };
      return undefined;
    }
    case 'Namespace':
      if (inSpan(r.name.span, offset)) return { kind: 'namespace', resource: r, span: r.name.span };
      for (const p of r.labelPairs) {
        if (inSpan(p.key.span, offset)) return { kind: 'namespace', resource: r, span: p.key.span };
        if (inSpan(p.value.span, offset)) return { kind: 'namespace', resource: r, span: p.value.span };
      }
      if (inSpan(r.labelsSpan, offset)) return { kind: 'namespace', resource: r, span: r.labelsSpan };
      return undefined;
    case 'Service':
      if (inSpan(r.name.span, offset)) return { kind: 'service', resource: r, span: r.name.span };
      return undefined;
  }
}

function nsRef(f: Located<string> | undefined, offset: number): Target | undefined {
  return f && inSpan(f.span, offset)
    ? { kind: 'namespaceRef', name: f.value || 'default', span: f.span }
    : undefined;
}

function policyTarget(p: NetworkPolicyResource, offset: number): Target | undefined {
  if (inSpan(p.name.span, offset)) return { kind: 'policy', policy: p, span: p.name.span, on: 'name' };
  if (inSpan(p.namespaceField?.span, offset)) return nsRef(p.namespaceField, offset);
  const ps = p.podSelector;
  if (ps && (inSpan(ps.keySpan, offset) || inSpan(ps.span, offset))) {
    return {
      kind: 'policy',
      policy: p,
      span: inSpan(ps.keySpan, offset) ? ps.keySpan : ps.span,
      on: 'podSelector',
    };
  }
  // `podSelector:` with no value (null): the API server reads it as {}
  if (!ps && p.podSelectorNullKey && inSpan(p.podSelectorNullKey, offset))
    return { kind: 'policy', policy: p, span: p.podSelectorNullKey, on: 'podSelector' };
  const pt = p.policyTypes;
  if (pt && (inSpan(pt.keySpan, offset) || inSpan(pt.span, offset))) {
    return { kind: 'policyTypes', policy: p, span: inSpan(pt.keySpan, offset) ? pt.keySpan : pt.span };
  }
  for (const direction of ['ingress', 'egress'] as const) {
    const list = p[direction];
    if (!list) continue;
    if (inSpan(list.keySpan, offset)) return { kind: 'ruleList', policy: p, direction, span: list.keySpan };
    for (const rule of list.rules) {
      if (!inSpan(rule.span, offset)) continue;
      for (const peer of rule.peers ?? []) {
        if (!inSpan(peer.span, offset)) continue;
        for (const [which, sel] of [
          ['pod', peer.podSelector],
          ['namespace', peer.namespaceSelector],
        ] as const) {
          if (sel && (inSpan(sel.keySpan, offset) || inSpan(sel.span, offset))) {
            return {
              kind: 'peerSelector',
              policy: p,
              direction,
              rule,
              peer,
              which,
              selector: sel,
              span: inSpan(sel.keySpan, offset) ? sel.keySpan : sel.span,
            };
          }
        }
        const ib = peer.ipBlock;
        if (ib && (inSpan(ib.keySpan, offset) || inSpan(ib.span, offset))) {
          const item = [ib.cidr, ...ib.except].find((x) => x && inSpan(x.span, offset));
          return {
            kind: 'ipBlock',
            policy: p,
            direction,
            rule,
            peer,
            ipBlock: ib,
            span: item?.span ?? (inSpan(ib.keySpan, offset) ? ib.keySpan : ib.span),
          };
        }
      }
      for (const entry of rule.ports ?? []) {
        if (entry.port && inSpan(entry.port.span, offset))
          return { kind: 'port', policy: p, direction, rule, entry, span: entry.port.span };
      }
      return { kind: 'rule', policy: p, direction, rule, span: rule.span };
    }
  }
  return undefined;
}
