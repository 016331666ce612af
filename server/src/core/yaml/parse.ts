/**
 * Reads one file into YAML documents with the `yaml` package, without ever throwing. Files that are
 * not Kubernetes manifests are skipped silently; broken manifests become findings.
 */
import { parseAllDocuments, type Document } from 'yaml';
import type { Finding } from '../model/finding';

export interface ParseOptions {
  /** Files larger than this are not parsed (default 8 MiB). */
  readonly maxFileBytes?: number;
}

export interface ParsedFile {
  readonly uri: string;
  readonly docs: ReadonlyArray<Document.Parsed>;
  readonly problems: readonly Finding[];
}

const DEFAULT_MAX = 8 * 1024 * 1024;

/** True when the text may hold a Kubernetes object (cheap pre-filter for YAML and JSON files). */
export function looksLikeManifest(text: string): boolean {
  return /\bkind\b/.test(text) && /\bapiVersion\b/.test(text);
}

export function isJsonUri(uri: string): boolean {
  return /\.json$/i.test(uri);
}

export function parseFile(uri: string, text: string, options: ParseOptions = {}): ParsedFile {
  const problems: Finding[] = [];
  const max = options.maxFileBytes ?? DEFAULT_MAX;
  if (text.length > max) {
    if (!looksLikeManifest(text.slice(0, 65536))) return { uri, docs: [], problems };
    problems.push({
      code: 'unreadable-file', severity: 'warning', uri, span: { start: 0, end: 0 },
      message: `${baseName(uri)} is ${(text.length / 1048576).toFixed(1)} MiB, above the ${(max / 1048576).toFixed(0)} MiB limit; it was not analysed. Split it or raise the limit.`,
    });
    return { uri, docs: [], problems };
  }
  if (text.slice(0, 8192).includes('\u0000')) {
    problems.push({
      code: 'unreadable-file', severity: 'warning', uri, span: { start: 0, end: 0 },
      message: `${baseName(uri)} holds binary data (a NUL byte), not YAML or JSON; it was not analysed. Exclude it (netpolLens.exclude) or give it another extension.`,
    });
    return { uri, docs: [], problems };
  }
  if (isBlank(text)) {
    problems.push({
      code: 'empty-file', severity: 'hint', uri, span: { start: 0, end: 0 },
      message: `${baseName(uri)} holds no Kubernetes object (it is empty${text.trim() ? ' but for comments and document markers' : ''}). Add manifests or remove the file.`,
    });
    return { uri, docs: [], problems };
  }
  if (!looksLikeManifest(text)) return { uri, docs: [], problems };
  // a template: `{{` unquoted at a line start or as a value (quoted ones parse and are kept)
  const unquotedTemplate = /(^|\n)[ \t]*(- )?\{\{|:[ \t]+\{\{/.test(text);
  let docs: Document.Parsed[];
  try {
    const parsed = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true, strict: false });
    docs = Array.isArray(parsed) ? parsed : [];
  } catch (e) {
    problems.push({
      code: 'yaml-syntax-error', severity: 'error', uri, span: { start: 0, end: 0 },
      message: `${baseName(uri)} could not be parsed: ${String(e)}`,
    });
    return { uri, docs: [], problems };
  }
  if (unquotedTemplate) {
    const at = text.indexOf('{{');
    problems.push({
      code: 'helm-template', severity: 'information', uri, span: { start: at, end: Math.min(text.length, at + 2) },
      message: `${baseName(uri)} is a template ({{ … }}), not a manifest; it was not analysed. Render it (helm template …) into a file the workspace holds to have its policies checked.`,
    });
    return { uri, docs: [], problems };
  }
  const good: Document.Parsed[] = [];
  for (const d of docs) {
    if (d.errors.length === 0) {
      good.push(d);
      continue;
    }
    const [docStart, docEnd] = d.range;
    const templateHint = text.slice(docStart, docEnd).includes('{{') ? ' (the document holds a template expression {{ … }}: render the template first)' : '';
    for (const err of d.errors.slice(0, 5)) {
      const [start, end] = err.pos;
      problems.push({
        code: 'yaml-syntax-error', severity: 'error', uri, span: { start, end: Math.max(start, end) },
        message: `YAML syntax error: ${firstLine(err.message)}${templateHint}. This document is left out of the analysis until it is fixed; the other documents of the file are still read.`,
      });
    }
    good.push(d); // keep its position in the docs list; lowering skips documents with errors
  }
  return { uri, docs: good, problems };
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
