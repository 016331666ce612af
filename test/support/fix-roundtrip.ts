/**
 * Fix round trips: apply a fix's CoreEdits to the workspace texts, and check what the catalog
 * promises of every fix: only inserted or rewritten lines change (every original line is still
 * there, in order, except the rewritten ones), the file re-parses without errors, and the finding
 * is gone after re-analysis.
 */
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import {
  AnalysisHost,
  type Analysis,
  type CoreEdit,
  type Finding,
  type FixSpec,
  type Settings,
} from '../../server/src/core/index';

export function applyCoreEdits(text: string, edits: readonly CoreEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** Applies edits to a map of uri → text (creating files for `create` edits). */
export function applyToTexts(
  texts: ReadonlyMap<string, string>,
  edits: readonly CoreEdit[],
): Map<string, string> {
  const out = new Map(texts);
  const byUri = new Map<string, CoreEdit[]>();
  for (const e of edits) byUri.set(e.uri, [...(byUri.get(e.uri) ?? []), e]);
  for (const [uri, list] of byUri) {
    if (list.some((e) => e.create)) {
      assert.ok(!texts.has(uri), `fix creates ${uri}, which exists`);
      out.set(uri, list.map((e) => e.newText).join(''));
    } else {
      const t = texts.get(uri);
      assert.ok(t !== undefined, `fix edits unknown file ${uri}`);
      out.set(uri, applyCoreEdits(t, list));
    }
  }
  return out;
}

export function analyse(texts: ReadonlyMap<string, string>, settings?: Settings): Analysis {
  const host = new AnalysisHost();
  if (settings) host.setSettings(settings);
  host.applyChanges([...texts].map(([uri, text]) => ({ uri, text })));
  return host.snapshot();
}

export interface LineChanges {
  /** Lines of `after` that are not original lines (inserted or rewritten). */
  readonly added: string[];
  /** Original lines that are gone (removed or rewritten), with their 0-based line numbers. */
  readonly removed: Array<{ readonly line: number; readonly text: string }>;
}

/** The line-level difference of two texts (a longest common subsequence of lines). */
export function lineChanges(before: string, after: string): LineChanges {
  const a = before.split('\n');
  const b = after.split('\n');
  const n = a.length;
  const m = b.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) {
      L[i]![j] = a[i] === b[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
    }
  const added: string[] = [];
  const removed: Array<{ line: number; text: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      i++;
      j++;
    } else if (L[i + 1]![j]! >= L[i]![j + 1]!) {
      removed.push({ line: i, text: a[i]! });
      i++;
    } else added.push(b[j++]!);
  }
  while (i < n) {
    removed.push({ line: i, text: a[i]! });
    i++;
  }
  while (j < m) added.push(b[j++]!);
  return { added, removed };
}

/**
 * Every line of `before` is in `after`, in order, except at most `rewritten` lines (or, with a
 * predicate, except the lines it allows). Returns the lines added.
 */
export function assertOnlyInsertedOrRewritten(
  before: string,
  after: string,
  rewritten: number | ((line: number, text: string) => boolean) = 0,
): string[] {
  const { added, removed } = lineChanges(before, after);
  const bad =
    typeof rewritten === 'number'
      ? removed.length > rewritten
        ? removed
        : []
      : removed.filter((r) => !rewritten(r.line, r.text));
  assert.deepEqual(
    bad.map((r) => `${r.line + 1}: ${r.text}`),
    [],
    `the fix removed or changed original lines it should have kept\n--- after:\n${after}`,
  );
  return added;
}

/** Original lines an edit rewrites or removes (an insertion of whole lines at a line start touches none). */
export function touchedLines(text: string, edits: readonly CoreEdit[]): Set<number> {
  const lineOf = (o: number): number => text.slice(0, o).split('\n').length - 1;
  const out = new Set<number>();
  for (const e of edits) {
    const { start, end } = e.span;
    const atLineStart = start === 0 || text[start - 1] === '\n';
    if (start === end) {
      const wholeLines = atLineStart && (e.newText === '' || e.newText.endsWith('\n'));
      const atEnd = start === text.length && (e.newText === '' || /^\r?\n/.test(e.newText));
      if (!wholeLines && !atEnd) out.add(lineOf(start));
      continue;
    }
    for (let l = lineOf(start); l <= lineOf(end - 1); l++) out.add(l);
    // a replacement that does not end at a line end also rewrites its last line
  }
  return out;
}

export function assertParses(text: string): unknown[] {
  const docs = parseAllDocuments(text);
  for (const d of docs)
    assert.deepEqual(
      d.errors.map((e) => e.message),
      [],
      'the fixed file does not parse',
    );
  return docs.map((d) => d.toJS() as unknown);
}

export interface RoundTrip {
  readonly after: Map<string, string>;
  readonly analysis: Analysis;
  readonly edits: CoreEdit[];
}

/**
 * Applies `fix` of `finding`, checks the line and parse invariants on every edited file, and
 * that the file has fewer findings of that code afterwards.
 */
export function roundTrip(
  texts: ReadonlyMap<string, string>,
  analysis: Analysis,
  finding: Finding,
  fix: FixSpec,
  opts: {
    rewritten?: number | ((uri: string, line: number, text: string) => boolean);
    settings?: Settings;
    findingGone?: boolean;
  } = {},
): RoundTrip {
  const edits = analysis.fixEdits(finding.uri, fix);
  assert.ok(edits.length > 0, `fix "${fix.title}" produced no edits`);
  const after = applyToTexts(texts, edits);
  for (const uri of new Set(edits.map((e) => e.uri))) {
    const b = texts.get(uri) ?? '';
    const t = after.get(uri) ?? '';
    const rw = opts.rewritten;
    if (typeof rw === 'function') {
      // the original lines the edits touch must be allowed ones …
      const touched = touchedLines(
        b,
        edits.filter((e) => e.uri === uri && !e.create),
      );
      const lines = b.split('\n');
      const bad = [...touched].filter((l) => !rw(uri, l, lines[l] ?? ''));
      assert.deepEqual(
        bad.map((l) => `${l + 1}: ${lines[l]}`),
        [],
        `the fix changed original lines it should have kept\n--- after:\n${t}`,
      );
      // … and every other original line is still there, in order
      assertOnlyInsertedOrRewritten(b, t, touched.size);
    } else {
      assertOnlyInsertedOrRewritten(b, t, rw ?? 0);
    }
    assertParses(t);
  }
  const again = analyse(after, opts.settings ?? analysis.settings);
  if (opts.findingGone !== false) {
    const count = (a: Analysis): number =>
      a.findingsFor(finding.uri).filter((f) => f.code === finding.code).length;
    assert.ok(
      count(again) < count(analysis),
      `the ${finding.code} finding is still there after "${fix.title}":\n${again
        .findingsFor(finding.uri)
        .filter((f) => f.code === finding.code)
        .map((f) => f.message)
        .join('\n')}`,
    );
  }
  return { after, analysis: again, edits };
}
