/**
 * Shared helpers of the section A checks (invalid objects): how to name a policy in a message, and
 * walks over a policy's peers, selectors and ports with a path naming where each one sits.
 */
import type { Report } from './types';
import type { Direction, LabelSelector, NetworkPolicyResource, Peer, PolicyRule, PortEntry } from '../model/types';
import type { Span } from '../text/span';

/** `policy layer1/np-layer1`, as messages name it. */
export function policyLabel(p: NetworkPolicyResource): string {
  return `policy ${p.namespace}/${p.name.value}`;
}

export interface PeerRef {
  readonly direction: Direction;
  readonly rule: PolicyRule;
  readonly peer: Peer;
  /** `spec.ingress[0].from[1]` */
  readonly path: string;
}

export interface PortRef {
  readonly direction: Direction;
  readonly rule: PolicyRule;
  readonly port: PortEntry;
  /** `spec.egress[1].ports[0]` */
  readonly path: string;
}

export interface SelectorRef {
  readonly selector: LabelSelector;
  /** `spec.podSelector`, `spec.ingress[0].from[1].namespaceSelector` */
  readonly path: string;
}

function rulesOf(p: NetworkPolicyResource): Array<{ direction: Direction; rule: PolicyRule; path: string }> {
  const out: Array<{ direction: Direction; rule: PolicyRule; path: string }> = [];
  for (const direction of ['ingress', 'egress'] as const) {
    for (const rule of p[direction]?.rules ?? []) out.push({ direction, rule, path: `spec.${direction}[${rule.index}]` });
  }
  return out;
}

/** Every peer of every ingress and egress rule. */
export function peersOf(p: NetworkPolicyResource): PeerRef[] {
  const out: PeerRef[] = [];
  for (const { direction, rule, path } of rulesOf(p)) {
    const key = direction === 'ingress' ? 'from' : 'to';
    for (const peer of rule.peers ?? []) out.push({ direction, rule, peer, path: `${path}.${key}[${peer.index}]` });
  }
  return out;
}

/** Every ports entry of every ingress and egress rule. */
export function portsOf(p: NetworkPolicyResource): PortRef[] {
  const out: PortRef[] = [];
  for (const { direction, rule, path } of rulesOf(p)) {
    for (const port of rule.ports ?? []) out.push({ direction, rule, port, path: `${path}.ports[${port.index}]` });
  }
  return out;
}

/** `spec.podSelector` and every peer's podSelector and namespaceSelector. */
export function selectorsOf(p: NetworkPolicyResource): SelectorRef[] {
  const out: SelectorRef[] = [];
  if (p.podSelector) out.push({ selector: p.podSelector, path: 'spec.podSelector' });
  for (const { peer, path } of peersOf(p)) {
    if (peer.podSelector) out.push({ selector: peer.podSelector, path: `${path}.podSelector` });
    if (peer.namespaceSelector) out.push({ selector: peer.namespaceSelector, path: `${path}.namespaceSelector` });
  }
  return out;
}

/** A finding of a section A check (at its default severity, error) on one node of the policy's file. */
export function invalid(p: NetworkPolicyResource, span: Span, message: string): Report {
  return { uri: p.doc.uri, span, message };
}

export function within(inner: Span, outer: Span): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/**
 * Drops a check's reports at the same place: YAML aliases let one node appear in many rules or
 * policies, and one diagnostic per node is enough (the first one's message is kept).
 */
export function onePerNode<R extends { readonly uri: string; readonly span: Span }>(reports: readonly R[]): R[] {
  const seen = new Set<string>();
  return reports.filter((f) => {
    const k = `${f.uri}\u0000${f.span.start}\u0000${f.span.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
