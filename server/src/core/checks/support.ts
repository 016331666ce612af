/**
 * What checks share beyond the queries (semantics/queries.ts) and the names (semantics/names.ts):
 * YAML paths of policy nodes (the input of fixes), related-information pointers, selectors as
 * plain data for fixes that move them, and the reports of section A checks.
 */
import type { RelatedInfo } from '../model/finding';
import type {
  Direction,
  LabelSelector,
  NetworkPolicyResource,
  NamespaceResource,
  Peer,
  PolicyRule,
  PortEntry,
} from '../model/types';
import type { Workload } from '../index/workspace-index';
import { peerListKey } from '../semantics/queries';
import type { Span } from '../text/span';
import type { Report } from './types';

export type YamlPath = Array<string | number>;

// ---------------------------------------------------------------------------------------------
// YAML paths (document-relative; a List item's path starts with ['items', i])

export function specPath(p: NetworkPolicyResource): YamlPath {
  return [...p.doc.path, 'spec'];
}

export function rulePath(p: NetworkPolicyResource, dir: Direction, rule: PolicyRule): YamlPath {
  return [...p.doc.path, 'spec', dir, rule.index];
}

export function peerPath(p: NetworkPolicyResource, dir: Direction, rule: PolicyRule, peer: Peer): YamlPath {
  return [...rulePath(p, dir, rule), peerListKey(dir), peer.index];
}

export function portPath(
  p: NetworkPolicyResource,
  dir: Direction,
  rule: PolicyRule,
  port: PortEntry,
): YamlPath {
  return [...rulePath(p, dir, rule), 'ports', port.index];
}

/** A selector as plain data, for fixes that move it. */
export function selectorData(sel: LabelSelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (sel.matchLabels.length)
    out.matchLabels = Object.fromEntries(sel.matchLabels.map((p) => [p.key.value, p.value.value]));
  if (sel.matchExpressions.length) {
    out.matchExpressions = sel.matchExpressions.map((r) => {
      const e: Record<string, unknown> = {};
      if (r.key) e.key = r.key.value;
      if (r.operator) e.operator = r.operator.value;
      if (r.values) e.values = r.values.map((v) => v.value);
      return e;
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Related information

export function policyRelated(p: NetworkPolicyResource, message: string): RelatedInfo {
  return { uri: p.doc.uri, span: p.name.span, message };
}

export function workloadRelated(w: Workload, message: string): RelatedInfo | undefined {
  const s = w.sources[0];
  if (!s) return undefined;
  return { uri: s.doc.uri, span: s.labelsSpan ?? s.objectName.span, message };
}

export function namespaceRelated(ns: NamespaceResource, message: string): RelatedInfo {
  return { uri: ns.doc.uri, span: ns.labelsSpan ?? ns.name.span, message };
}

export function compact<T>(xs: ReadonlyArray<T | undefined>): T[] {
  return xs.filter((x): x is T => x !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Reports

/** A report of a section A check (at its default severity, error) on one node of the policy's file. */
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
export function onePerNode<R extends { readonly uri: string; readonly span: Span }>(
  reports: readonly R[],
): R[] {
  const seen = new Set<string>();
  return reports.filter((f) => {
    const k = `${f.uri}\u0000${f.span.start}\u0000${f.span.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
