/**
 * Inline caret annotations for check fixtures (rust-analyzer style, in YAML comments).
 *
 * An annotation is a comment line that marks a span of the nearest preceding non-annotation line:
 *
 *     spec:
 *       podSelector:
 *         matchExpressions:
 *         - key: app
 *           operator: Within
 *     #               ^^^^^^ error[invalid-selector] "unknown operator"
 *
 * - The carets sit under the columns of the node: first caret = start column, last caret + 1 = end
 *   column (0-based UTF-16 columns of the annotated line). For a span that runs onto later lines,
 *   the carets cover from the start column to the end of the annotated line (trailing blanks
 *   excluded).
 * - Where the node starts in column 0 or the span is empty, so no `#` can precede the carets, write
 *   the columns explicitly: `# @0..4 error[missing-pod-selector]` (start..end, end exclusive).
 * - Severity is one of error, warning, information, hint; the code is in brackets; an optional
 *   double-quoted message substring follows.
 * - Several annotation lines may follow one line; they all annotate that line.
 *
 * Annotation lines are whole-line YAML comments, so a fixture stays valid YAML and the annotated
 * nodes keep their offsets (comments only ever come after what they annotate). Do not put them
 * inside block scalars (`|`, `>`), where a `#` line is content.
 *
 * The comparison is exact: every expected finding must be reported at that line, start column, end
 * column and severity, and every reported finding (of the codes under test) must be annotated.
 */
import type { Finding, Severity } from '../../server/src/core/index';
import { LineIndex } from '../../server/src/core/index';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

/** One expected finding, read from an annotation comment. */
export interface Annotation {
  /** 0-based line of the annotated (target) line. */
  readonly line: number;
  /** 0-based start column, inclusive. */
  readonly start: number;
  /** 0-based end column, exclusive. */
  readonly end: number;
  readonly severity: Severity;
  readonly code: string;
  /** Substring the finding's message must contain. */
  readonly message: string | undefined;
  /** 0-based line of the annotation comment itself. */
  readonly annotationLine: number;
}

/** A reported finding, placed on its start line the way an annotation describes it. */
export interface PlacedFinding {
  readonly line: number;
  readonly start: number;
  readonly end: number;
  readonly severity: Severity;
  readonly code: string;
  readonly message: string;
}

/** A line that is not a well-formed annotation but looks like one (a typo must not pass silently). */
export interface MalformedAnnotation {
  readonly annotationLine: number;
  readonly text: string;
  readonly reason: string;
}

const SEV = '(error|warning|information|hint)\\[([A-Za-z0-9-]+)\\](?:\\s+"((?:[^"\\\\]|\\\\.)*)")?\\s*$';
/** `#   ^^^^ severity[code] "message"` */
const CARET_RE = new RegExp(`^(\\s*#\\s*)(\\^+)\\s+${SEV}`);
/** `# @3..7 severity[code] "message"` */
const EXPLICIT_RE = new RegExp(`^\\s*#\\s*@(\\d+)\\.\\.(\\d+)\\s+${SEV}`);
/** Anything that starts like an annotation. */
const CANDIDATE_RE = /^\s*#\s*(\^|@\d)/;

/** True for a line that is (or tries to be) an annotation comment. */
export function isAnnotationLine(line: string): boolean {
  return CANDIDATE_RE.test(line);
}

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Reads every annotation of a fixture file. */
export function parseAnnotations(text: string): {
  annotations: Annotation[];
  malformed: MalformedAnnotation[];
} {
  const lines = splitLines(text);
  const annotations: Annotation[] = [];
  const malformed: MalformedAnnotation[] = [];
  let target = -1;
  lines.forEach((raw, i) => {
    if (!isAnnotationLine(raw)) {
      target = i;
      return;
    }
    if (target < 0) {
      malformed.push({
        annotationLine: i,
        text: raw,
        reason: 'annotation before any line it could annotate',
      });
      return;
    }
    const unescape = (s: string | undefined): string | undefined =>
      s === undefined ? undefined : s.replace(/\\(.)/g, '$1');
    const c = CARET_RE.exec(raw);
    if (c) {
      const start = (c[1] ?? '').length;
      annotations.push({
        line: target,
        start,
        end: start + (c[2] ?? '').length,
        severity: c[3] as Severity,
        code: c[4] ?? '',
        message: unescape(c[5]),
        annotationLine: i,
      });
      return;
    }
    const x = EXPLICIT_RE.exec(raw);
    if (x) {
      const start = Number(x[1]);
      const end = Number(x[2]);
      if (end < start) {
        malformed.push({
          annotationLine: i,
          text: raw,
          reason: `end column ${end} before start column ${start}`,
        });
        return;
      }
      annotations.push({
        line: target,
        start,
        end,
        severity: x[3] as Severity,
        code: x[4] ?? '',
        message: unescape(x[5]),
        annotationLine: i,
      });
      return;
    }
    malformed.push({
      annotationLine: i,
      text: raw,
      reason:
        'expected `#   ^^^ <error|warning|information|hint>[code] "optional message"` or `# @start..end severity[code]`',
    });
  });
  return { annotations, malformed };
}

/** Places a finding on its start line: columns on that line, end clipped to the line end for multi-line spans. */
export function placeFinding(f: Finding, lines: LineIndex): PlacedFinding {
  const s = lines.position(f.span.start);
  const e = lines.position(f.span.end);
  let end: number;
  if (e.line === s.line) end = e.character;
  else end = Math.max(s.character, lines.lineText(s.line).trimEnd().length);
  return { line: s.line, start: s.character, end, severity: f.severity, code: f.code, message: f.message };
}

export function placeFindings(findings: readonly Finding[], text: string): PlacedFinding[] {
  const li = new LineIndex(text);
  return findings
    .map((f) => placeFinding(f, li))
    .sort((a, b) => a.line - b.line || a.start - b.start || a.end - b.end);
}

/** The annotation line that would describe a placed finding (suggested in failure reports). */
export function annotationFor(
  p: Pick<PlacedFinding, 'start' | 'end' | 'severity' | 'code'>,
  lineText: string,
): string {
  const tail = `${p.severity}[${p.code}]`;
  if (p.start < 1 || p.end <= p.start) return `# @${p.start}..${p.end} ${tail}`;
  const indent = Math.min(lineText.length - lineText.trimStart().length, p.start - 1);
  return `${' '.repeat(indent)}#${' '.repeat(p.start - indent - 1)}${'^'.repeat(p.end - p.start)} ${tail}`;
}

export interface Comparison {
  readonly ok: boolean;
  /** Expected but not reported. */
  readonly missing: readonly Annotation[];
  /** Reported but not annotated. */
  readonly unexpected: readonly PlacedFinding[];
  readonly malformed: readonly MalformedAnnotation[];
  /** Human-readable report (empty when ok). */
  readonly report: string;
}

function matches(a: Annotation, p: PlacedFinding): boolean {
  return (
    a.line === p.line &&
    a.start === p.start &&
    a.end === p.end &&
    a.severity === p.severity &&
    a.code === p.code &&
    (a.message === undefined || p.message.includes(a.message))
  );
}

/**
 * Compares the annotations of `text` with the reported findings of that file. `include` selects the
 * codes under test: annotations and findings of other codes are ignored (their annotations may stay
 * in the file for documentation).
 */
export function compareAnnotations(
  text: string,
  findings: readonly Finding[],
  include: (code: string) => boolean,
  label = '<fixture>',
): Comparison {
  const { annotations, malformed } = parseAnnotations(text);
  const expected = annotations
    .filter((a) => include(a.code))
    // the most specific (with a message) claim a finding first
    .sort((a, b) => (a.message === undefined ? 1 : 0) - (b.message === undefined ? 1 : 0));
  const actual = placeFindings(
    findings.filter((f) => include(f.code)),
    text,
  );
  const used = new Set<number>();
  const missing: Annotation[] = [];
  for (const a of expected) {
    const i = actual.findIndex((p, j) => !used.has(j) && matches(a, p));
    if (i >= 0) used.add(i);
    else missing.push(a);
  }
  const unexpected = actual.filter((_, j) => !used.has(j));
  missing.sort((a, b) => a.annotationLine - b.annotationLine);
  const ok = missing.length === 0 && unexpected.length === 0 && malformed.length === 0;
  return {
    ok,
    missing,
    unexpected,
    malformed,
    report: ok ? '' : formatReport(text, label, missing, unexpected, malformed),
  };
}

function formatReport(
  text: string,
  label: string,
  missing: readonly Annotation[],
  unexpected: readonly PlacedFinding[],
  malformed: readonly MalformedAnnotation[],
): string {
  const lines = splitLines(text);
  const out: string[] = [`${label}: findings differ from the annotations`];
  const show = (line: number, start: number, end: number): string[] => {
    const t = lines[line] ?? '';
    return [
      `      ${String(line + 1).padStart(4)} | ${t}`,
      `           | ${' '.repeat(start)}${'^'.repeat(Math.max(1, end - start))}`,
    ];
  };
  if (missing.length) {
    out.push('  expected but not reported:');
    for (const a of missing) {
      out.push(
        `    line ${a.line + 1} col ${a.start + 1}-${a.end} ${a.severity}[${a.code}]${a.message !== undefined ? ` "${a.message}"` : ''} (annotation on line ${a.annotationLine + 1})`,
      );
      out.push(...show(a.line, a.start, a.end));
    }
  }
  if (unexpected.length) {
    out.push('  reported but not annotated:');
    for (const p of unexpected) {
      out.push(`    line ${p.line + 1} col ${p.start + 1}-${p.end} ${p.severity}[${p.code}] "${p.message}"`);
      out.push(...show(p.line, p.start, p.end));
      out.push(`      annotation: ${annotationFor(p, lines[p.line] ?? '')}`);
    }
  }
  if (malformed.length) {
    out.push('  malformed annotations:');
    for (const m of malformed) out.push(`    line ${m.annotationLine + 1}: ${m.reason}`, `      ${m.text}`);
  }
  return out.join('\n');
}

/**
 * The text without its annotation lines, and for each line of the result the line it had in the
 * original. Analysing both and comparing placed findings proves that annotations shift nothing.
 */
export function stripAnnotations(text: string): { text: string; originalLine: number[] } {
  const kept: string[] = [];
  const originalLine: number[] = [];
  splitLines(text).forEach((l, i) => {
    if (isAnnotationLine(l)) return;
    kept.push(l);
    originalLine.push(i);
  });
  return { text: kept.join('\n'), originalLine };
}
