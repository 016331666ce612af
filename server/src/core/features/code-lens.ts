/**
 * Code lenses above each policy (checks.md D): "selects 3 pods · ingress 1 rule · egress denied",
 * whose command lists the selected workloads, and "Show reachability".
 */
import type { SourceRef, Span } from '../text/span';
import type { FeatureContext } from './context';
import type { WorkspaceIndex } from '../index/workspace-index';
import { changesByPolicy, type ReachChange, type ReachDiff } from '../semantics/diff';
import { isNullSelector, policyName } from '../semantics/names';
import { selectedWorkloads } from '../semantics/queries';
import { indexingText, plural } from '../text/words';
import { directionLensPhrase } from './describe';
import { workloadLabelRefs } from './lookup';
import { subjectPods, tierText } from './cluster-policy';
import { compileClusterPolicy } from '../semantics/tiers';

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
  /** Shown when the pointer rests on the lens. */
  readonly tooltip?: string;
  readonly command?: CoreLensCommand;
}

export interface ShowReachabilityLensArgs {
  readonly uri: string;
  readonly namespace: string;
  readonly name: string;
  /** Open the view in changes mode. */
  readonly mode?: 'changes';
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
  out.push(...clusterPolicyLenses(ctx, uri));
  return out;
}

/** At most this many changes are listed in a change lens's tooltip. */
const CHANGE_LENS_LIST = 20;

/**
 * While a policy differs from the base (the changes mode's, e.g. git HEAD), a lens above it says
 * what its edit changes: "opens 2 connections · closes 1", the changes listed in its tooltip, and
 * clicking opens the reachability view in changes mode focused on it. Nothing for a policy as it
 * is at the base, nor for an edit that changes no connection. `diff` is base → `index` in the
 * root of `uri`; `describe` words a change for the tooltip (render/diff.ts `changeLines`).
 */
export function changeLenses(
  index: WorkspaceIndex,
  base: WorkspaceIndex,
  uri: string,
  diff: ReachDiff,
  describe: (c: ReachChange) => string[],
): CoreCodeLens[] {
  const out: CoreCodeLens[] = [];
  const baseTexts = new Map<string, string[]>();
  for (const p of base.policies) {
    const list = baseTexts.get(policyName(p)) ?? [];
    list.push(docText(base, p.doc));
    baseTexts.set(policyName(p), list);
  }
  for (const r of index.file(uri)?.resources ?? []) {
    if (r.kind !== 'NetworkPolicy') continue;
    const name = policyName(r);
    if (baseTexts.get(name)?.includes(docText(index, r.doc))) continue; // not edited
    const changes = changesByPolicy(diff, name);
    const opened = changes.filter((c) => !c.opened.isEmpty).length;
    const closed = changes.filter((c) => !c.closed.isEmpty).length;
    if (opened === 0 && closed === 0) continue;
    const title =
      opened && closed
        ? `opens ${plural(opened, 'connection')} · closes ${closed}`
        : opened
          ? `opens ${plural(opened, 'connection')}`
          : `closes ${plural(closed, 'connection')}`;
    const lines = changes.flatMap(describe);
    const shown = lines.slice(0, CHANGE_LENS_LIST);
    if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
    const args: ShowReachabilityLensArgs = {
      uri,
      namespace: r.namespace,
      name: r.name.value,
      mode: 'changes',
    };
    out.push({
      span: { start: r.doc.span.start, end: r.doc.span.start },
      title,
      tooltip: shown.join('\n'),
      command: { name: 'showReachability', args: [args] },
    });
  }
  return out;
}

function docText(index: WorkspaceIndex, doc: { uri: string; span: Span }): string {
  return (index.file(doc.uri)?.text ?? '').slice(doc.span.start, doc.span.end).replace(/\s+/g, ' ').trim();
}

/** The lens above a cluster-wide policy: `Admin tier, priority 10 · selects 3 pods in 2 namespaces · egress 3 rules`. */
export function clusterPolicyLenses(ctx: FeatureContext, uri: string): CoreCodeLens[] {
  const out: CoreCodeLens[] = [];
  for (const p of ctx.index.file(uri)?.clusterPolicies ?? []) {
    const c = compileClusterPolicy(p);
    const span: Span = { start: p.doc.span.start, end: p.doc.span.start };
    const indexing = ctx.indexing;
    const pods = indexing || !c.subject ? [] : subjectPods(ctx, c);
    const nss = new Set(pods.map((w) => w.namespace)).size;
    const parts = [
      tierText(p),
      indexing
        ? indexingText(indexing.done, indexing.total)
        : pods.length === 0
          ? 'selects no pods'
          : `selects ${plural(pods.length, 'pod')} in ${plural(nss, 'namespace')}`,
    ];
    for (const dir of ['ingress', 'egress'] as const)
      if (p[dir].length) parts.push(`${dir} ${plural(p[dir].length, 'rule')}`);
    const refArgs: ReferencesLensArgs = {
      uri,
      offset: p.subject.span.start,
      locations: pods.flatMap(workloadLabelRefs),
    };
    out.push({
      span,
      title: parts.join(' · '),
      ...(indexing ? {} : { command: { name: 'references', args: [refArgs] } }),
    });
  }
  return out;
}
