/**
 * Reads one file into YAML documents with the `yaml` package, without ever throwing. Files that are
 * not Kubernetes manifests are skipped silently; broken manifests become findings.
 */
import { isMap, isScalar, type Document } from 'yaml';
import type { Span } from '../text/span';
import { readDocuments, type Leniency, type ReadDocuments } from './documents';
import { kindFromLeaves } from './tokens';

export interface ParseOptions {
  /** Files larger than this are not parsed (default 8 MiB). */
  readonly maxFileBytes?: number;
}

/**
 * A problem found while reading a file (unreadable-file, empty-file, yaml-syntax-error, helm-template,
 * lenient-yaml): a finding without fixes or related information. The index lists these among the
 * file's findings (model/finding.ts), before those of lowering.
 */
export interface ParseProblem {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'information' | 'hint';
  readonly message: string;
  readonly uri: string;
  readonly span: Span;
}

/**
 * A document of a file that is left out of the analysis: an unrendered template, or YAML that could
 * not be read. The CLI's reach and explain headers count them; `kind` where it could still be read.
 */
export interface UnanalysedDocument {
  readonly uri: string;
  readonly docIndex: number;
  readonly span: Span;
  readonly reason: 'template' | 'syntax-error';
  readonly kind?: string;
}

export interface ParsedFile {
  readonly uri: string;
  readonly docs: ReadonlyArray<Document.Parsed>;
  readonly problems: readonly ParseProblem[];
  /** Documents left out of the analysis (unrendered templates, syntax errors), by docIndex. */
  readonly unanalysed: readonly UnanalysedDocument[];
}

const DEFAULT_MAX = 8 * 1024 * 1024;

/** True when the text may hold a Kubernetes object (cheap pre-filter for YAML and JSON files). */
export function looksLikeManifest(text: string): boolean {
  return /\bkind\b/.test(text) && /\bapiVersion\b/.test(text);
}

/**
 * True when `parseFile` reads nothing from the text and reports nothing about it (no manifest, and
 * neither blank, binary nor oversized): an adapter may leave such a file out of the index. The
 * server's workspace scan and the CLI thus read the same files the same way (a comments-only file
 * still gets its `empty-file` hint, a binary one its `unreadable-file`).
 */
export function readsAsNothing(text: string, options: ParseOptions = {}): boolean {
  if (text.length > (options.maxFileBytes ?? DEFAULT_MAX)) return !looksLikeManifest(text.slice(0, 65536));
  return !text.slice(0, 8192).includes('\u0000') && !isBlank(text) && !looksLikeManifest(text);
}

export function isJsonUri(uri: string): boolean {
  return /\.json$/i.test(uri);
}

export function parseFile(uri: string, text: string, options: ParseOptions = {}): ParsedFile {
  const problems: ParseProblem[] = [];
  const max = options.maxFileBytes ?? DEFAULT_MAX;
  if (text.length > max) {
    if (!looksLikeManifest(text.slice(0, 65536))) return { uri, docs: [], problems, unanalysed: [] };
    problems.push({
      code: 'unreadable-file',
      severity: 'warning',
      uri,
      span: { start: 0, end: 0 },
      message: `${baseName(uri)} is ${(text.length / 1048576).toFixed(1)} MiB, above the ${(max / 1048576).toFixed(0)} MiB limit; it was not analysed. Split it or raise the limit.`,
    });
    return { uri, docs: [], problems, unanalysed: [] };
  }
  if (text.slice(0, 8192).includes('\u0000')) {
    problems.push({
      code: 'unreadable-file',
      severity: 'warning',
      uri,
      span: { start: 0, end: 0 },
      message: `${baseName(uri)} holds binary data (a NUL byte), not YAML or JSON; it was not analysed. Exclude it (netpolLens.exclude) or give it another extension.`,
    });
    return { uri, docs: [], problems, unanalysed: [] };
  }
  if (isBlank(text)) {
    problems.push({
      code: 'empty-file',
      severity: 'hint',
      uri,
      span: { start: 0, end: 0 },
      message: `${baseName(uri)} holds no Kubernetes object (it is empty${text.trim() ? ' but for comments and document markers' : ''}). Add manifests or remove the file.`,
    });
    return { uri, docs: [], problems, unanalysed: [] };
  }
  if (!looksLikeManifest(text)) return { uri, docs: [], problems, unanalysed: [] };
  let read: ReadDocuments;
  try {
    read = readDocuments(text);
  } catch (e) {
    problems.push({
      code: 'yaml-syntax-error',
      severity: 'error',
      uri,
      span: { start: 0, end: 0 },
      message: `${baseName(uri)} could not be parsed: ${String(e)}`,
    });
    return { uri, docs: [], problems, unanalysed: [] };
  }
  const { docs, templates: marks } = read;
  const unanalysed: UnanalysedDocument[] = [];
  let m = 0;
  docs.forEach((d, docIndex) => {
    const docStart = docIndex === 0 ? 0 : d.range[0];
    const docEnd = docs[docIndex + 1]?.range[0] ?? text.length;
    while (m < marks.length && (marks[m] ?? 0) < docStart) m++;
    const mark = marks[m];
    const kind = (): string | undefined =>
      topKind(d) ?? kindFromLeaves(read.leavesIn(docStart, docEnd), text, docStart, docEnd);
    if (mark !== undefined && mark < docEnd) {
      const k = kind();
      const policy = k !== undefined && isPolicyKind(k);
      const what = k ? `This ${k}` : 'This document';
      problems.push({
        code: 'helm-template',
        severity: policy ? 'warning' : 'information',
        uri,
        span: { start: mark, end: mark + 2 },
        message: `${what} is an unrendered template (${text.slice(mark, mark + 2) === '{%' ? '{% … %}' : '{{ … }}'} outside a string breaks its YAML); it was not analysed${policy ? ', so verdicts about the pods it selects may be wrong' : ''}. Render it (helm template …) into a file the workspace holds to have it checked${docs.length > 1 ? '; the other documents of the file are analysed' : ''}.`,
      });
      unanalysed.push({
        uri,
        docIndex,
        span: { start: docStart, end: docEnd },
        reason: 'template',
        ...(k ? { kind: k } : {}),
      });
      return;
    }
    const lenient = read.lenient.get(docIndex);
    if (lenient) problems.push(lenientFinding(uri, text, lenient));
    if (d.errors.length === 0) return;
    for (const err of d.errors.slice(0, 5)) {
      const [start, end] = err.pos;
      problems.push({
        code: 'yaml-syntax-error',
        severity: 'error',
        uri,
        span: { start, end: Math.max(start, end) },
        message: `YAML syntax error: ${firstLine(err.message)}. This document is left out of the analysis until it is fixed; the other documents of the file are still read.`,
      });
    }
    const k = kind();
    unanalysed.push({
      uri,
      docIndex,
      span: { start: docStart, end: docEnd },
      reason: 'syntax-error',
      ...(k ? { kind: k } : {}),
    });
  });
  // every document keeps its position in the list (its docIndex); lowering skips the unanalysed ones
  return { uri, docs, problems, unanalysed };
}

/** The hint for a document read only as kubectl (go-yaml) reads it. */
function lenientFinding(uri: string, text: string, l: Leniency): ParseProblem {
  const at = l.lines[0] ?? 0;
  let end = text.indexOf('\n', at);
  if (end < 0) end = text.length;
  if (text[end - 1] === '\r') end--;
  const what =
    l.kind === 'quoted-continuation'
      ? 'a continuation line of a multi-line quoted string is indented no deeper than its key'
      : 'a continuation line of a flow collection ([…] or {…}) starts with a TAB or is indented no deeper than its key';
  const more = l.lines.length > 1 ? ` (${l.lines.length} such lines)` : '';
  return {
    code: 'lenient-yaml',
    severity: 'hint',
    uri,
    span: { start: at, end: Math.max(at, end) },
    message: `kubectl reads this document, but other YAML tools reject it: ${what}${more} ("${l.error}"). netpol-lens reads it as kubectl does. Indent such lines with spaces, deeper than their key, so that editors, linters and YAML libraries accept the file too.`,
  };
}

/** Kinds whose documents, when unreadable, are at least a warning: the verdicts depend on them. */
export function isPolicyKind(kind: string): boolean {
  return /NetworkPolicy$/.test(kind);
}

function topKind(d: Document.Parsed): string | undefined {
  const c = d.contents;
  if (!isMap(c)) return undefined;
  const k = c.get('kind', true);
  return isScalar(k) && typeof k.value === 'string' ? k.value : undefined;
}

/** Only whitespace, comments and document markers (`---`, `...`). */
function isBlank(text: string): boolean {
  if (text.length > 65536) return false;
  return text.split(/\r?\n|\r/).every((l) => /^\s*(#.*)?$/.test(l) || /^(---|\.\.\.)\s*(#.*)?$/.test(l));
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).replace(/\.$/, '');
}

export function baseName(uri: string): string {
  const i = uri.lastIndexOf('/');
  return decodeURIComponent(i >= 0 ? uri.slice(i + 1) : uri);
}
