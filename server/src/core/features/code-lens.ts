/**
 * Code lenses above each policy (checks.md D): "selects 3 pods · ingress 1 rule · egress denied",
 * whose command lists the selected workloads, and "Show reachability".
 */
import type { SourceRef, Span } from '../text/span';
import type { FeatureContext } from './context';
import { isNullSelector } from '../semantics/names';
import { selectedWorkloads } from '../semantics/queries';
import { indexingText, plural } from '../text/words';
import { directionLensPhrase } from './describe';
import { workloadLabelRefs } from './lookup';

/**
 * What a lens runs; the adapter maps it to a client command:
 * - `showReachability`: args `[{uri, namespace, name}]` (protocol `ShowReachabilityArgs`).
 * - `references`: args `[{uri, offset, locations: SourceRef[]}]`, to show as a peek
 *   (VS Code `editor.action.showReferences(uri, position(offset), locations)`).
 * - `explain`: args `[{src, dst}]` workload ids (not produced yet).
 */
export interface CoreLensCommand {
  readonly name: 'showReachability' | 'explain' | 'references';
  readonly args: unknown[];
}

export interface CoreCodeLens {
  readonly span: Span;
  readonly title: string;
  readonly command?: CoreLensCommand;
}

export interface ShowReachabilityLensArgs {
  readonly uri: string;
  readonly namespace: string;
  readonly name: string;
}

export interface ReferencesLensArgs {
  readonly uri: string;
  readonly offset: number;
  readonly locations: readonly SourceRef[];
}

export function codeLenses(ctx: FeatureContext, uri: string): CoreCodeLens[] {
  const out: CoreCodeLens[] = [];
  const policies = (ctx.index.file(uri)?.resources ?? []).flatMap((r) =>
    r.kind === 'NetworkPolicy' ? [r] : [],
  );
  for (const p of policies) {
    const span: Span = { start: p.doc.span.start, end: p.doc.span.start };
    // while the workspace is being indexed, what the policy selects is not known yet
    const indexing = ctx.indexing;
    const pods = indexing ? [] : selectedWorkloads(ctx.engine, p);
    // a null selector (`podSelector:` or `matchLabels:` with no value) reads as `{}`: say so
    const isNull = p.podSelector ? isNullSelector(p.podSelector) : p.podSelectorNullKey !== undefined;
    const parts = [
      indexing
        ? indexingText(indexing.done, indexing.total)
        : isNull
          ? `selects every pod of namespace ${p.namespace} (null selector, as {}): ${pods.length === 0 ? 'none in the workspace' : plural(pods.length, 'pod')}`
          : pods.length === 0
            ? 'selects no pods'
            : `selects ${plural(pods.length, 'pod')}`,
    ];
    for (const dir of ['ingress', 'egress'] as const) {
      const s = directionLensPhrase(p, dir);
      if (s) parts.push(s);
    }
    const refArgs: ReferencesLensArgs = {
      uri,
      offset: p.podSelector?.keySpan.start ?? p.name.span.start,
      locations: pods.flatMap(workloadLabelRefs),
    };
    out.push({
      span,
      title: parts.join(' · '),
      ...(indexing ? {} : { command: { name: 'references', args: [refArgs] } }),
    });
    const reachArgs: ShowReachabilityLensArgs = { uri, namespace: p.namespace, name: p.name.value };
    out.push({ span, title: 'Show reachability', command: { name: 'showReachability', args: [reachArgs] } });
  }
  return out;
}
