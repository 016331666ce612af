/**
 * Renderers of the reachability diff (semantics/diff.ts) for the CLI: the JSON contract
 * (docs/cli.md), text and Markdown grouped by namespace pair in words, and SARIF marking each
 * opened connection on the rule that opened it.
 */
import type { Endpoint } from '../semantics/compile';
import { refPolicyName, refRuleLabel, type ReachChange, type ReachDiff } from '../semantics/diff';
import type { ConnectionSet, Conns } from '../semantics/port-set';
import type { RuleRef } from '../semantics/rule-ref';
import type { SourceRef } from '../text/span';
import { listText, plural } from '../text/words';
import { sarifLog, sarifUri } from './findings';
import { connsWords } from './reach';

/** Where a reference of one side is, as the reader should see it (`db.yaml:14`). */
export type DiffLocator = (side: 'before' | 'after', ref: SourceRef) => string;

/** A reference of the new side as a SARIF region (1-based). */
export interface DiffPlace {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

function conns(set: ConnectionSet): Conns | 'none' {
  return set.isEmpty ? 'none' : set.toConns();
}

/** `{"version": 1, "changes": [{"src", "dst", "before", "after"}]}` (docs/cli.md, keep exactly). */
export function diffJson(d: ReachDiff): string {
  const changes = d.changes.map((c) => ({
    src: c.src.id,
    dst: c.dst.id,
    before: conns(c.before),
    after: conns(c.after),
  }));
  return JSON.stringify({ version: 1, changes }, null, 2) + '\n';
}

/** How many pairs had something opened, and closed. */
export function diffCounts(d: ReachDiff): { opened: number; closed: number } {
  let opened = 0;
  let closed = 0;
  for (const c of d.changes) {
    if (!c.opened.isEmpty) opened++;
    if (!c.closed.isEmpty) closed++;
  }
  return { opened, closed };
}

interface Line {
  readonly verb: 'opened' | 'closed';
  readonly src: string;
  readonly dst: string;
  readonly ports: string;
  /** Pieces of the cause: rule or policy names (code) and where they are (loc). */
  readonly cause: ReadonlyArray<{ readonly text: string; readonly code?: string; readonly loc?: string }>;
  /**
   * Closed only because a policy isolates a side now (no rule allowed it before: the side was not
   * isolated), or opened only because a policy no longer does: the renderers say this cause once
   * for all the lines of a group that share it.
   */
  readonly isolatedOnly?: boolean;
}

interface Group {
  readonly title: [string, string];
  readonly lines: Line[];
}

function groups(d: ReachDiff, loc: DiffLocator): Group[] {
  // a workload is named by its name alone unless another of its namespace shares it
  const names = new Map<string, number>();
  for (const e of d.endpoints) {
    if (e.kind !== 'workload') continue;
    const k = `${e.workload.namespace}/${e.workload.name}`;
    names.set(k, (names.get(k) ?? 0) + 1);
  }
  const label = (e: Endpoint, only: 'before' | 'after' | undefined): string => {
    const base =
      e.kind !== 'workload'
        ? e.id
        : (names.get(`${e.workload.namespace}/${e.workload.name}`) ?? 0) > 1
          ? `${e.workload.name}[${e.workload.kind}]`
          : e.workload.name;
    return only === 'after' ? `${base} (new)` : only === 'before' ? `${base} (removed)` : base;
  };
  const ns = (e: Endpoint): string =>
    e.kind === 'workload' ? e.workload.namespace : e.kind === 'domain' ? 'domain names' : 'external';
  const byPair = new Map<string, Group>();
  for (const c of d.changes) {
    const title: [string, string] = [ns(c.src), ns(c.dst)];
    const key = title.join('\u0000');
    let g = byPair.get(key);
    if (!g) {
      g = { title, lines: [] };
      byPair.set(key, g);
    }
    const src = label(c.src, c.srcOnly);
    const dst = label(c.dst, c.dstOnly);
    if (!c.opened.isEmpty)
      g.lines.push({
        verb: 'opened',
        src,
        dst,
        ports: connsWords(c.opened.toConns()),
        cause: openedCause(c, loc),
        ...(c.openedBy.length === 0 && c.noLongerIsolatedBy.length > 0 && !c.srcOnly && !c.dstOnly
          ? { isolatedOnly: true }
          : {}),
      });
    if (!c.closed.isEmpty)
      g.lines.push({
        verb: 'closed',
        src,
        dst,
        ports: connsWords(c.closed.toConns()),
        cause: closedCause(c, loc),
        ...(c.closedBy.length === 0 && c.nowIsolatedBy.length > 0 && !c.srcOnly && !c.dstOnly
          ? { isolatedOnly: true }
          : {}),
      });
  }
  return [...byPair.values()].sort(
    (a, b) => cmpStr(a.title[0], b.title[0]) || cmpStr(a.title[1], b.title[1]),
  );
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ruleCause(r: RuleRef, side: 'before' | 'after', loc: DiffLocator): Line['cause'][number] {
  return {
    text: ` ${refRuleLabel(r)}`,
    code: refPolicyName(r),
    loc: loc(side, { uri: r.policy.doc.uri, span: r.rule.span }),
  };
}

function openedCause(c: ReachChange, loc: DiffLocator): Line['cause'] {
  const out: Array<Line['cause'][number]> = [];
  for (const r of c.openedBy) out.push(ruleCause(r, 'after', loc));
  const pieces: Array<Line['cause'][number]> = out.length ? [{ text: 'by ' }, ...joinCauses(out)] : [];
  if (c.noLongerIsolatedBy.length) {
    if (pieces.length) pieces.push({ text: '; ' });
    pieces.push({ text: 'no longer isolated by ' });
    pieces.push(
      ...joinCauses(
        c.noLongerIsolatedBy.map((p) => ({
          text: '',
          code: p.id,
          loc: loc('before', { uri: p.policy.doc.uri, span: p.policy.name.span }),
        })),
      ),
    );
  }
  if (!pieces.length && (c.srcOnly === 'after' || c.dstOnly === 'after'))
    pieces.push({ text: 'a new workload no policy isolates' });
  if (!pieces.length) pieces.push({ text: 'no policy isolates either side' });
  return pieces;
}

function closedCause(c: ReachChange, loc: DiffLocator): Line['cause'] {
  const out: Array<Line['cause'][number]> = [];
  for (const r of c.closedBy) out.push(ruleCause(r, 'before', loc));
  const pieces: Array<Line['cause'][number]> = out.length
    ? [{ text: 'allowed before by ' }, ...joinCauses(out)]
    : [];
  if (c.nowIsolatedBy.length) {
    if (pieces.length) pieces.push({ text: '; ' });
    pieces.push({ text: 'now isolated by ' });
    pieces.push(
      ...joinCauses(
        c.nowIsolatedBy.map((p) => ({
          text: '',
          code: p.id,
          loc: loc('after', { uri: p.policy.doc.uri, span: p.policy.name.span }),
        })),
      ),
    );
  }
  if (c.srcOnly === 'before' || c.dstOnly === 'before') {
    if (pieces.length) pieces.push({ text: '; ' });
    pieces.push({ text: 'the workload was removed' });
  }
  if (!pieces.length) pieces.push({ text: 'no rule allows it any more' });
  return pieces;
}

/**
 * One change in words with full endpoint ids, one line per opened or closed part, as the text
 * renderer words them: `opened: a/x[Deployment] → b/y[Deployment] TCP 80 (by \`b/np\` ingress rule 1, np.yaml:9)`.
 * For the editor (the changes mode's explanation pane, the code lens's list).
 */
export function changeLines(c: ReachChange, loc: DiffLocator): string[] {
  const id = (e: Endpoint, only: 'before' | 'after' | undefined): string =>
    only === 'after' ? `${e.id} (new)` : only === 'before' ? `${e.id} (removed)` : e.id;
  const pair = `${id(c.src, c.srcOnly)} → ${id(c.dst, c.dstOnly)}`;
  const out: string[] = [];
  if (!c.opened.isEmpty)
    out.push(`opened: ${pair} ${connsWords(c.opened.toConns())} (${causeText(openedCause(c, loc), false)})`);
  if (!c.closed.isEmpty)
    out.push(`closed: ${pair} ${connsWords(c.closed.toConns())} (${causeText(closedCause(c, loc), false)})`);
  return out;
}

/** Causes joined with `, ` and a final `and`. */
function joinCauses(items: Array<Line['cause'][number]>): Array<Line['cause'][number]> {
  const out: Array<Line['cause'][number]> = [];
  items.forEach((it, i) => {
    if (i > 0) out.push({ text: i === items.length - 1 ? ' and ' : ', ' });
    out.push(it);
  });
  return out;
}

function causeText(cause: Line['cause'], md: boolean): string {
  return cause
    .map((p) =>
      p.code === undefined
        ? p.text
        : `\`${p.code}\`${p.text}${p.loc ? `, ${md ? `\`${p.loc}\`` : p.loc}` : ''}`,
    )
    .join('');
}

function summary(d: ReachDiff): string {
  const { opened, closed } = diffCounts(d);
  return `${plural(opened, 'connection')} opened, ${closed} closed`;
}

/**
 * Text: a summary line, then per namespace pair (source → destination) one line per opened or
 * closed part: `opened: frontend → db TCP 5432 (by \`prod/np-db\` ingress rule 2, db.yaml:14)`.
 */
export function diffText(
  d: ReachDiff,
  loc: DiffLocator,
  title: string,
  notes: readonly string[] = [],
): string {
  const out = [`${title}: ${d.changes.length === 0 ? 'no change in reachability' : summary(d)}`, ...notes];
  for (const g of groups(d, loc)) {
    out.push('', `${g.title[0]} → ${g.title[1]}`);
    for (const item of shared(g.lines, false)) {
      if (item.kind === 'line') {
        const l = item.line;
        out.push(`  ${l.verb}: ${l.src} → ${l.dst} ${l.ports} (${causeText(l.cause, false)})`);
      } else {
        out.push(`  ${item.verb}, ${item.cause}:`);
        for (const l of item.lines) out.push(`    ${l.src} → ${l.dst} ${l.ports}`);
      }
    }
  }
  return out.join('\n') + '\n';
}

type Item =
  | { readonly kind: 'line'; readonly line: Line }
  | { readonly kind: 'shared'; readonly verb: Line['verb']; readonly cause: string; readonly lines: Line[] };

/**
 * The lines of a group, those closed only by a policy that isolates a side now (or opened only by
 * one that no longer does) gathered under their shared cause ("closed, now isolated by `ns/deny`,
 * deny.yaml:4:") where two or more share it, at the place of the first; the others as they are.
 */
function shared(lines: readonly Line[], md: boolean): Item[] {
  const byCause = new Map<string, Line[]>();
  const key = (l: Line): string => `${l.verb} ${causeText(l.cause, md)}`;
  for (const l of lines) {
    if (!l.isolatedOnly) continue;
    const k = key(l);
    byCause.set(k, [...(byCause.get(k) ?? []), l]);
  }
  const out: Item[] = [];
  const done = new Set<string>();
  for (const l of lines) {
    const k = l.isolatedOnly ? key(l) : undefined;
    const same = k === undefined ? undefined : byCause.get(k);
    if (k === undefined || !same || same.length < 2) out.push({ kind: 'line', line: l });
    else if (!done.has(k)) {
      done.add(k);
      out.push({ kind: 'shared', verb: l.verb, cause: causeText(l.cause, md), lines: same });
    }
  }
  return out;
}

/** Markdown ready to paste as a pull-request comment: a heading, then a list per namespace pair. */
export function diffMarkdown(
  d: ReachDiff,
  loc: DiffLocator,
  title: string,
  notes: readonly string[] = [],
): string {
  const out = [`### ${title}`, ''];
  if (d.changes.length === 0) out.push('No change in reachability.');
  else out.push(`**${summary(d)}** between ${plural(d.changes.length, 'pair')} of endpoints.`);
  for (const n of notes) out.push('', `> ${n}`);
  for (const g of groups(d, loc)) {
    out.push('', `#### \`${g.title[0]}\` → \`${g.title[1]}\``, '');
    for (const item of shared(g.lines, true)) {
      if (item.kind === 'line') {
        const l = item.line;
        out.push(`- **${l.verb}**: \`${l.src}\` → \`${l.dst}\` ${l.ports} (${causeText(l.cause, true)})`);
      } else {
        out.push(`- **${item.verb}**, ${item.cause}:`);
        for (const l of item.lines) out.push(`  - \`${l.src}\` → \`${l.dst}\` ${l.ports}`);
      }
    }
  }
  return out.join('\n') + '\n';
}

export const DIFF_RULE_ID = 'reachability-opened';

/**
 * SARIF 2.1.0: one result per pair with something opened, located on the rules of the new side
 * that opened it (or, where no rule did, on the new workload's or destination's manifest).
 */
export function diffSarif(
  d: ReachDiff,
  place: (ref: SourceRef) => DiffPlace | undefined,
  version: string,
  helpUri: string,
): string {
  const results = d.changes
    .filter((c) => !c.opened.isEmpty)
    .map((c) => {
      const refs: SourceRef[] = c.openedBy.map((r) => ({ uri: r.policy.doc.uri, span: r.rule.span }));
      if (refs.length === 0) {
        const w =
          c.srcOnly === 'after' ? c.src : c.dstOnly === 'after' || c.dst.kind === 'workload' ? c.dst : c.src;
        const res = w.kind === 'workload' ? w.workload.sources[0] : undefined;
        if (res) refs.push({ uri: res.doc.uri, span: res.objectName.span });
      }
      const why = c.openedBy.length
        ? ` by ${listText(
            c.openedBy.map((r) => `${refPolicyName(r)} ${refRuleLabel(r)}`),
            10,
          )}`
        : c.noLongerIsolatedBy.length
          ? `: no longer isolated by ${listText(
              c.noLongerIsolatedBy.map((p) => p.id),
              10,
            )}`
          : '';
      const locations = refs.flatMap((r) => {
        const p = place(r);
        return p
          ? [
              {
                physicalLocation: {
                  artifactLocation: { uri: sarifUri(p.path) },
                  region: {
                    startLine: p.line,
                    startColumn: p.column,
                    endLine: p.endLine,
                    endColumn: p.endColumn,
                  },
                },
              },
            ]
          : [];
      });
      return {
        ruleId: DIFF_RULE_ID,
        ruleIndex: 0,
        level: 'warning',
        message: {
          text: `opened: ${c.src.id} → ${c.dst.id} ${connsWords(c.opened.toConns())}${why}`,
        },
        locations,
      };
    });
  const summaryText = 'A change opens connections that were not allowed before.';
  return sarifLog(
    version,
    helpUri,
    [{ id: DIFF_RULE_ID, summary: summaryText, helpUri, level: 'warning' }],
    results,
  );
}
