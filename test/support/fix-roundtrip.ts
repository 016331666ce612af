/**
 * Fix round trips: apply a fix's CoreEdits to the workspace texts, and check what the catalog
 * promises of every fix: only inserted or rewritten lines change (every original line is still
 * there, in order, except the rewritten ones), the file re-parses without errors, and the finding
 * is gone after re-analysis.
 */
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { AnalysisHost, type Analysis, type CoreEdit, type Finding, type FixSpec, type Settings } from '../../server/src/core/index';

export function applyCoreEdits(text: string, edits: readonly CoreEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** Applies edits to a map of uri → text (creating files for `create` edits). */
export function applyToTexts(texts: ReadonlyMap<string, string>, edits: readonly CoreEdit[]): Map<string, string> {
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

/**
 * Every line of `before` is in `after`, in order; the lines of `after` that are not are the
 * changed ones. `rewritten` original lines may be missing (replaced). Returns the lines added.
 */
export function assertOnlyInsertedOrRewritten(before: string, after: string, rewritten = 0): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // longest common subsequence of lines (files are small)
  const n = a.length;
  const m = b.length;
  const L: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) {
    L[i]![j] = a[i] === b[j] ? L[i + 1]![j + 1]! + 1 : Math.max(L[i + 1]![j]!, L[i]![j + 1]!);
  }
  const added: string[] = [];
  const removed: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) { i++; j++; } else if (L[i + 1]![j]! >= L[i]![j + 1]!) removed.push(a[i++]!); else added.push(b[j++]!);
  }
  while (i < n) removed.push(a[i++]!);
  while (j < m) added.push(b[j++]!);
  assert.ok(removed.length <= rewritten, `the fix removed or changed ${removed.length} original line(s), expected at most ${rewritten}:\n${removed.join('\n')}\n--- after:\n${after}`);
  return added;
}

export function assertParses(text: string): unknown[] {
  const docs = parseAllDocuments(text);
  for (const d of docs) assert.deepEqual(d.errors.map((e) => e.message), [], 'the fixed file does not parse');
  return docs.map((d) => d.toJS());
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
  texts: ReadonlyMap<string, string>, analysis: Analysis, finding: Finding, fix: FixSpec,
  opts: { rewritten?: number; settings?: Settings; findingGone?: boolean } = {},
): RoundTrip {
  const edits = analysis.fixEdits(finding.uri, fix);
  assert.ok(edits.length > 0, `fix "${fix.title}" produced no edits`);
  const after = applyToTexts(texts, edits);
  for (const uri of new Set(edits.map((e) => e.uri))) {
    const b = texts.get(uri) ?? '';
    const t = after.get(uri) ?? '';
    assertOnlyInsertedOrRewritten(b, t, opts.rewritten ?? 0);
    assertParses(t);
  }
  const again = analyse(after, opts.settings ?? analysis.settings);
  if (opts.findingGone !== false) {
    const count = (a: Analysis): number => a.findingsFor(finding.uri).filter((f) => f.code === finding.code).length;
    assert.ok(count(again) < count(analysis), `the ${finding.code} finding is still there after "${fix.title}":\n${again.findingsFor(finding.uri).filter((f) => f.code === finding.code).map((f) => f.message).join('\n')}`);
  }
  return { after, analysis: again, edits };
}
