/**
 * The CLI's one conversion of core offsets into places: findings and SourceRefs become
 * `path:line:column` (1-based, paths relative to the current directory) for the renderers.
 */
import type { Analysis, Finding, PlacedFinding, SourceRef } from '../core/index';
import { displayPath } from './load';

/** Every finding with its path and 1-based start and end, sorted by path, line, column and code. */
export function placeFindings(analysis: Analysis, findings: readonly Finding[]): PlacedFinding[] {
  const placed: PlacedFinding[] = findings.map((f) => {
    const li = analysis.lineIndex(f.uri);
    const s = li ? li.lineCol1(f.span.start) : { line: 1, column: 1 };
    const e = li ? li.lineCol1(f.span.end) : s;
    return {
      finding: f,
      path: displayPath(f.uri),
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
    };
  });
  return placed.sort((x, y) =>
    x.path < y.path
      ? -1
      : x.path > y.path
        ? 1
        : x.line - y.line || x.column - y.column || (x.finding.code < y.finding.code ? -1 : 1),
  );
}

/** `path:line:column` of where a reference starts. */
export function refLocation(analysis: Analysis): (ref: Pick<SourceRef, 'uri' | 'span'>) => string {
  return (ref) => {
    const li = analysis.lineIndex(ref.uri);
    const lc = li ? li.lineCol1(ref.span.start) : { line: 1, column: 1 };
    return `${displayPath(ref.uri)}:${lc.line}:${lc.column}`;
  };
}

/** `path:line` of where a reference starts (`prefix` before the path: `HEAD:` for a git ref's side). */
export function refLine(analysis: Analysis, prefix = ''): (ref: Pick<SourceRef, 'uri' | 'span'>) => string {
  return (ref) => {
    const li = analysis.lineIndex(ref.uri);
    return `${prefix}${displayPath(ref.uri)}:${li ? li.lineCol1(ref.span.start).line : 1}`;
  };
}

/** A reference's path with its 1-based start and end (SARIF regions); undefined for an unknown file. */
export function refPlace(
  analysis: Analysis,
): (
  ref: Pick<SourceRef, 'uri' | 'span'>,
) => { path: string; line: number; column: number; endLine: number; endColumn: number } | undefined {
  return (ref) => {
    const li = analysis.lineIndex(ref.uri);
    if (!li) return undefined;
    const s = li.lineCol1(ref.span.start);
    const e = li.lineCol1(ref.span.end);
    return {
      path: displayPath(ref.uri),
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
    };
  };
}
