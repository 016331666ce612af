/**
 * Reads one file into YAML documents with the `yaml` package, without ever throwing. Files that are
 * not Kubernetes manifests are skipped silently; broken manifests become findings.
 */
import { isMap, isScalar, type Document } from 'yaml';
import type { Span } from '../text/span';
import { readDocuments, type Leniency, type ReadDocuments } from './documents';
import { aliasTargets, excessiveAliasing, spanOf } from './node';
import { tooLargeMessage } from '../manifest-files';
import { kindFromLeaves } from './tokens';

export interface ParseOptions {
  /**
   * Texts longer than this are not parsed (default: no limit here; the adapters hold files to the
   * `maxFileSize` setting before reading them, `tooLargeChange`).
   */
  readonly maxFileBytes?: number;
  /** Of one file: its bytes are not valid UTF-8 from this offset on (`FileChange.invalidUtf8At`). */
  readonly invalidUtf8At?: number;
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

const DEFAULT_MAX = Infinity;

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
  // a manifest first: the usual file is one (two searches that stop near its top), and then
  // neither the binary nor the blank test (every line split off and matched) is needed
  return !looksLikeManifest(text) && !isBinary(text) && !isBlank(text);
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
      message: tooLargeMessage(baseName(uri), text.length, max),
    });
    return { uri, docs: [], problems, unanalysed: [] };
  }
  if (isBinary(text)) {
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
  if (options.invalidUtf8At !== undefined) {
    const at = Math.min(Math.max(0, options.invalidUtf8At), text.length);
    problems.push({
      code: 'unreadable-file',
      severity: 'warning',
      uri,
      span: { start: at, end: Math.min(text.length, at + 1) },
      message: `${baseName(uri)} is not valid UTF-8 (the first bad byte is here, shown as \ufffd): kubectl rejects the whole file ("invalid leading UTF-8 octet"), so it was not analysed. Save it as UTF-8.`,
    });
    return { uri, docs: [], problems, unanalysed: [] };
  }
  let read: ReadDocuments;
  try {
    read = readDocuments(text);
  } catch (e) {
    problems.push({
      code: 'yaml-syntax-error',
      severity: 'error',
      uri,
      span: { start: 0, end: 0 },
      message: isStackOverflow(String(e))
        ? `${baseName(uri)}: ${TOO_DEEP.replace('This document', 'this file')}`
        : `${baseName(uri)} could not be parsed: ${String(e)}`,
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
    /** Leaves this document out of the analysis (lowering skips it; the CLI headers count it). */
    const leaveOut = (reason: UnanalysedDocument['reason'], k: string | undefined): void => {
      unanalysed.push({
        uri,
        docIndex,
        span: { start: docStart, end: docEnd },
        reason,
        ...(k ? { kind: k } : {}),
      });
    };
    if (mark !== undefined && mark < docEnd) {
      const k = kind();
      const policy = k !== undefined && isPolicyKind(k);
      const what = k ? `This ${k}` : 'This document';
      const jinja = text.slice(mark, mark + 2) === '{%';
      problems.push({
        code: 'helm-template',
        severity: policy ? 'warning' : 'information',
        uri,
        span: { start: mark, end: mark + 2 },
        message: `${what} is an unrendered template (${jinja ? '{% … %}' : '{{ … }}'} outside a string breaks its YAML); it was not analysed${policy ? ', so verdicts about the pods it selects may be wrong' : ''}. Render it ${renderAdvice(uri, text.slice(docStart, docEnd), jinja)} into a file the workspace holds to have it checked${docs.length > 1 ? '; the other documents of the file are analysed' : ''}.`,
      });
      leaveOut('template', k);
      return;
    }
    const lenient = read.lenient.get(docIndex);
    if (lenient) problems.push(lenientFinding(uri, text, lenient));
    if (d.errors.length === 0) {
      // an alias can only be written with `*`: most documents are not walked at all
      const star = text.indexOf('*', docStart);
      if (star < 0 || star >= docEnd) return;
      const targets = aliasTargets(d);
      if (targets.size === 0 || !excessiveAliasing(d, targets)) return;
      const k = kind();
      problems.push({
        code: 'yaml-syntax-error',
        severity: 'error',
        uri,
        span: spanOf(targets.keys().next().value, { start: docStart, end: docStart }),
        message: `${k ? `This ${k}` : 'This document'} expands to too many nodes through its aliases (a "billion laughs"): kubectl rejects it ("document contains excessive aliasing"), whichever keys hold them. It is left out of the analysis; write the repeated parts out, or use fewer levels of aliases.`,
      });
      leaveOut('syntax-error', k);
      return;
    }
    const deep = d.errors.find((e) => isStackOverflow(e.message));
    for (const err of deep ? [deep] : d.errors.slice(0, 5)) {
      if (err === deep) {
        problems.push({
          code: 'yaml-syntax-error',
          severity: 'error',
          uri,
          span: { start: err.pos[0], end: Math.max(err.pos[0], err.pos[1]) },
          message: TOO_DEEP,
        });
        continue;
      }
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
    leaveOut('syntax-error', k);
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

/**
 * How to render a template, by the evidence: Helm where the document uses Helm's objects
 * (`.Values`, `.Release`, `.Chart`, `include`) or lies in a chart's `templates/` folder; Jinja for
 * `{% … %}`; else a Go template some tool fills (Helm, helmfile, gomplate, a test harness…).
 */
function renderAdvice(uri: string, doc: string, jinja: boolean): string {
  if (jinja) return 'with the tool that fills it (a Jinja template: Ansible, Salt…)';
  if (
    /\{\{-?\s*(?:[^}]*\.(?:Values|Release|Chart|Capabilities)\b|include\s|template\s")/.test(doc) ||
    /\/templates\/[^/]+$/.test(uri)
  )
    return 'with Helm (helm template <release> <chart>)';
  return 'with the tool that fills it (Helm or another Go-template tool: helmfile, gomplate, a test harness…)';
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

/** A NUL byte in the first 8 KiB: binary data, not YAML or JSON. */
function isBinary(text: string): boolean {
  return text.slice(0, 8192).includes('\u0000');
}

/** Only whitespace, comments and document markers (`---`, `...`). */
function isBlank(text: string): boolean {
  if (text.length > 65536) return false;
  return text.split(/\r?\n|\r/).every((l) => /^\s*(#.*)?$/.test(l) || /^(---|\.\.\.)\s*(#.*)?$/.test(l));
}

/** The YAML parser ran out of call stack: a document nested hundreds of levels deep or more. */
function isStackOverflow(message: string): boolean {
  return /Maximum call stack size exceeded/i.test(message);
}

const TOO_DEEP =
  'This document nests its collections too deeply to be read (hundreds of levels or more: the YAML parser ran out of stack). It is left out of the analysis until it is fixed. Kubernetes manifests nest a few dozen levels at most: look for runaway brackets or indentation.';

/**
 * Some of these problems say where the parser ran out of call stack: a place that depends on the
 * stack the parse started with (a worker thread's differs from the main thread's), so a caller
 * that needs the same answer on every thread computes such a file on one thread.
 */
export function dependsOnStackDepth(problems: readonly { readonly message: string }[]): boolean {
  const tail = TOO_DEEP.slice('This document'.length);
  return problems.some((p) => p.message.includes(tail));
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).replace(/\.$/, '');
}

export function baseName(uri: string): string {
  const i = uri.lastIndexOf('/');
  return decodeURIComponent(i >= 0 ? uri.slice(i + 1) : uri);
}
