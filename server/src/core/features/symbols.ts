/**
 * Document symbols (checks.md D): policies with their ingress and egress rules as children,
 * workloads, namespaces and services, in file order.
 */
import type { Resource } from '../model/types';
import type { Span } from '../text/span';
import type { FeatureContext } from './context';
import { labelsText, ruleLabel } from '../semantics/names';
import { policyTypesPhrase, rulePhrase, selectorPhrase } from './describe';
import { effectivePolicyTypes } from '../semantics/compile';

export type CoreSymbolKind = 'policy' | 'workload' | 'namespace' | 'service' | 'rule';

export interface CoreSymbol {
  readonly name: string;
  readonly detail: string;
  readonly kind: CoreSymbolKind;
  /** The whole object (or rule). */
  readonly span: Span;
  /** The name to highlight, inside `span`. */
  readonly selectionSpan: Span;
  readonly children: readonly CoreSymbol[];
}

export function symbols(ctx: FeatureContext, uri: string): CoreSymbol[] {
  const rs = [...(ctx.index.file(uri)?.resources ?? [])].sort((a, b) => a.doc.span.start - b.doc.span.start);
  return rs.map(symbolOf);
}

function within(outer: Span, inner: Span): Span {
  return inner.start >= outer.start && inner.end <= outer.end
    ? inner
    : { start: outer.start, end: outer.start };
}

function symbolOf(r: Resource): CoreSymbol {
  const span = r.doc.span;
  switch (r.kind) {
    case 'NetworkPolicy': {
      const types = effectivePolicyTypes(r);
      const children: CoreSymbol[] = [];
      for (const dir of ['ingress', 'egress'] as const) {
        for (const rule of r[dir]?.rules ?? []) {
          children.push({
            name: ruleLabel(dir, rule),
            detail: `${types[dir] ? '' : '(ignored) '}${rulePhrase(rule, dir, r.namespace)}`,
            kind: 'rule',
            span: rule.span,
            selectionSpan: rule.span,
            children: [],
          });
        }
      }
      const sel = r.podSelector ? selectorPhrase(r.podSelector) || 'all pods' : 'all pods';
      return {
        name: r.name.value,
        detail: `NetworkPolicy · ${r.namespace} · ${sel} · ${policyTypesPhrase(r)}`,
        kind: 'policy',
        span,
        selectionSpan: within(span, r.name.span),
        children,
      };
    }
    case 'Workload': {
      const own = r.objectName.value !== r.name; // a Pod named after its owner's id
      const labels = Object.keys(r.labels).length ? labelsText(r.labels) : '';
      return {
        name: r.objectName.value,
        detail: `${own ? `Pod of ${r.workloadKind} ${r.name}` : r.workloadKind} · ${r.namespace}${labels ? ` · ${labels}` : ''}`,
        kind: 'workload',
        span,
        selectionSpan: within(span, r.objectName.span),
        children: [],
      };
    }
    case 'Namespace': {
      const labels = Object.keys(r.labels).length ? labelsText(r.labels) : '';
      return {
        name: r.name.value,
        detail: `Namespace${labels ? ` · ${labels}` : ''}`,
        kind: 'namespace',
        span,
        selectionSpan: within(span, r.name.span),
        children: [],
      };
    }
    case 'Service': {
      const sel = r.selector
        ? Object.entries(r.selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')
        : 'no selector';
      return {
        name: r.name.value,
        detail: `Service · ${r.namespace} · ${sel}`,
        kind: 'service',
        span,
        selectionSpan: within(span, r.name.span),
        children: [],
      };
    }
  }
}
