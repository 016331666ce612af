/**
 * A file's YAML documents as kubectl reads them, with the `yaml` package doing all the parsing.
 *
 * kubectl splits a file at every line that starts with `---` (k8s.io/apimachinery's YAMLReader,
 * before any YAML parsing) and decodes each document with go-yaml, which is more lenient than the
 * YAML spec. Where the `yaml` package rejects a document, two things are done on top of its own
 * error recovery, both by re-parsing with the `yaml` package:
 *
 * 1. **Document boundaries.** A `---` line that the lexer swallowed into an unclosed quoted scalar
 *    (or into a stray token it could not place) still ends the document, as it does for kubectl:
 *    the pieces are parsed on their own, so a broken document never takes the next ones with it.
 * 2. **go-yaml's leniencies** ({@link Leniency}). go-yaml does not check the indentation of the
 *    continuation lines of a flow collection (`args: [ … ]`) or of a multi-line quoted scalar, and
 *    skips TABs there. Where the `yaml` package reports such a line (deficient indentation, a TAB
 *    used as indentation, a quote it therefore found unclosed), the line is re-indented in a copy of
 *    the document text — spaces only, one more than its construct's parent block — and the copy is
 *    parsed again, up to {@link MAX_FIXES} lines per document. Re-indenting a continuation line
 *    never changes a value: the leading white space of such lines is folded away. The node spans
 *    of the result are mapped back to the original text.
 */
import { Composer, Parser, isAlias, isMap, isPair, isScalar, isSeq, type CST, type Document } from 'yaml';
import { leaves, templateMarks, type Leaf } from './tokens';

export interface ReadOptions {
  readonly keepSourceTokens?: boolean;
}

/** How a document was made readable: the original lines (0-based, file-wide) that were re-indented. */
export interface Leniency {
  readonly kind: 'quoted-continuation' | 'flow-continuation';
  /** Offsets (original text) of the first non-blank character of each re-indented line. */
  readonly lines: readonly number[];
  /** The `yaml` package's first error on the original text. */
  readonly error: string;
}

export interface ReadDocuments {
  readonly docs: Document.Parsed[];
  /** Leaf tokens of text[start, end), parsed again on their own (boundaries, kinds of unreadable documents). */
  readonly leavesIn: (start: number, end: number) => Leaf[];
  /** Documents (by index in `docs`) read only thanks to a go-yaml leniency; their srcTokens are unusable. */
  readonly lenient: ReadonlyMap<number, Leniency>;
  /** Offsets of template delimiters that are YAML structure ({@link templateMarks}), sorted. */
  readonly templates: readonly number[];
}

const COMPOSE = { uniqueKeys: true, strict: false } as const;
/** At most this many re-indented lines per document. */
export const MAX_FIXES = 64;
/** At most this many characters re-parsed per document (a huge broken document is not retried for long). */
const MAX_REPARSED = 4 * 1024 * 1024;
/** The `yaml` package's first error on the constructs go-yaml is lenient about. */
const LENIENT_FIRST = new Set(['BAD_INDENT', 'TAB_AS_INDENT', 'MISSING_CHAR']);

export function readDocuments(text: string, options: ReadOptions = {}): ReadDocuments {
  const composeOpts = { ...COMPOSE, ...(options.keepSourceTokens ? { keepSourceTokens: true } : {}) };
  // one streaming pass: the CST is scanned for template delimiters as it goes by, and not kept
  const scan = text.includes('{{') || text.includes('{%');
  const marks: number[] = [];
  function* tee(tokens: Iterable<CST.Token>): Generator<CST.Token> {
    for (const t of tokens) {
      if (scan) templateMarks([t], text, marks);
      yield t;
    }
  }
  const docs = Array.from(new Composer(composeOpts).compose(tee(new Parser().parse(text))));
  const templates = marks.sort((a, b) => a - b);
  // the CST again, only of a document that has errors or a template (boundaries, kinds)
  const leavesIn = (start: number, end: number): Leaf[] => {
    const parser = new Parser();
    parser.offset = start;
    return leaves(Array.from(parser.parse(text.slice(start, end))));
  };
  const lenient = new Map<number, Leniency>();
  if (docs.every((d) => d.errors.length === 0)) return { docs, leavesIn, lenient, templates };

  const out: Document.Parsed[] = [];
  docs.forEach((d, i) => {
    const start = i === 0 ? 0 : d.range[0];
    const end = docs[i + 1]?.range[0] ?? text.length;
    if (d.errors.length === 0) {
      out.push(d);
      return;
    }
    // kubectl's boundaries inside this document: the lexer swallowed them
    const inner = text.indexOf('\n---', start);
    const cuts =
      inner < 0 || inner + 1 >= end
        ? []
        : separatorLines(leavesIn(start, end), text).filter(
            (b) => b > start && b < end && !docs.some((x) => x.range[0] === b),
          );
    const pieces: Array<[number, number]> = [];
    let s = start;
    for (const c of cuts) {
      pieces.push([s, c]);
      s = c;
    }
    pieces.push([s, end]);
    for (const [ps, pe] of pieces) {
      const parts = cuts.length ? parseAt(text, ps, pe, composeOpts) : [d];
      for (const p of parts) {
        const pStart = p === parts[0] ? ps : p.range[0];
        const next = parts[parts.indexOf(p) + 1];
        const pEnd = next ? next.range[0] : pe;
        // a template is not YAML that go-yaml would read either: no leniency for it
        if (p.errors.length > 0 && !templates.some((m) => m >= pStart && m < pEnd)) {
          const fixed = lenientParse(text, pStart, pEnd, p, composeOpts);
          if (fixed) {
            lenient.set(out.length, fixed.leniency);
            out.push(fixed.doc);
            continue;
          }
        }
        out.push(p);
      }
    }
  });
  return { docs: out, leavesIn, lenient, templates };
}

/** Documents of text[start, end), parsed on their own with offsets of the whole text. */
function parseAt(
  text: string,
  start: number,
  end: number,
  opts: object,
  source = text.slice(start, end),
): Document.Parsed[] {
  const parser = new Parser();
  parser.offset = start;
  const docs = Array.from(new Composer(opts).compose(parser.parse(source)));
  const last = start + source.length;
  // an error at the very end of a piece (a quote still open at its `---`) stays inside it
  for (const d of docs)
    for (const e of d.errors) if (e.pos[0] >= last) e.pos = [Math.max(start, last - 1), last];
  return docs;
}

/**
 * Offsets of the lines kubectl splits documents at: `---` at column 0 followed by a blank or the
 * end of the line. The lexer's own document starts, and those inside quoted scalars and stray
 * tokens (where an unclosed quote swallowed them).
 */
function separatorLines(all: readonly Leaf[], text: string): number[] {
  const out: number[] = [];
  for (const t of all) {
    if (t.type === 'doc-start') {
      if (t.offset === 0 || text[t.offset - 1] === '\n') out.push(t.offset);
      continue;
    }
    if (t.type !== 'single-quoted-scalar' && t.type !== 'double-quoted-scalar' && t.type !== 'error')
      continue;
    let i = t.source.indexOf('\n---');
    while (i >= 0) {
      const after = t.source[i + 4];
      if (after === undefined || after === ' ' || after === '\t' || after === '\n' || after === '\r')
        out.push(t.offset + i + 1);
      i = t.source.indexOf('\n---', i + 1);
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}

interface LineEdit {
  /** Original offset of the line start. */
  readonly at: number;
  /** Length of the original leading white space. */
  readonly oldWs: number;
  /** New leading white space (spaces). */
  readonly newWs: number;
}

/**
 * Re-parses text[start, end) with the continuation lines that go-yaml accepts re-indented, one
 * reported line at a time; undefined when a remaining error is of another sort.
 */
function lenientParse(
  text: string,
  start: number,
  end: number,
  first: Document.Parsed,
  opts: object,
): { doc: Document.Parsed; leniency: Leniency } | undefined {
  const firstError = first.errors[0];
  if (!firstError || !LENIENT_FIRST.has(firstError.code)) return undefined;
  if (firstError.code === 'MISSING_CHAR' && !/quote/i.test(firstError.message)) return undefined;
  let budget = MAX_REPARSED;
  const edits = new Map<number, LineEdit>();
  let kind: Leniency['kind'] | undefined;
  let doc = first;
  let source = text.slice(start, end);
  for (let round = 0; round <= MAX_FIXES; round++) {
    const err = doc.errors[0];
    if (!err) break;
    budget -= 2 * (end - start);
    if (round === MAX_FIXES || budget < 0) return undefined;
    // the CST of the current copy tells which construct the error is in, and its parent's indent
    const tokens = Array.from(new Parser().parse(source));
    const pos = err.pos[0] - start; // the copy is parsed with offsets counted from `start`
    const missingQuote = err.code === 'MISSING_CHAR' && /quote/i.test(err.message);
    const inside = construct(tokens, pos, missingQuote);
    if (!inside) return undefined;
    // the line to re-indent: the one after a quote found unclosed, else the reported one
    let lineStart = source.lastIndexOf('\n', Math.max(0, pos - 1)) + 1;
    if (missingQuote) {
      const nl = source.indexOf('\n', pos);
      if (nl < 0) return undefined;
      lineStart = nl + 1;
    }
    let ws = 0;
    while (source[lineStart + ws] === ' ' || source[lineStart + ws] === '\t') ws++;
    const width = ws; // a TAB counts as one column once replaced by a space
    const want = Math.max(width, inside.indent + 1);
    const isTab = source.slice(lineStart, lineStart + ws).includes('\t');
    if (want === ws && !isTab) return undefined; // nothing left to re-indent: another sort of error
    const origLine = toOriginal(edits, start, start + lineStart);
    const prev = edits.get(origLine);
    edits.set(origLine, { at: origLine, oldWs: prev?.oldWs ?? ws, newWs: want });
    kind ??= inside.kind;
    source = rebuild(text, start, end, edits);
    doc = parseAt(text, start, end, opts, source)[0] ?? doc;
  }
  if (doc.errors.length > 0 || !kind) return undefined;
  remap(doc, (o) => toOriginal(edits, start, o));
  const lines = [...edits.values()].map((e) => e.at + e.oldWs).sort((a, b) => a - b);
  return { doc, leniency: { kind, lines, error: firstLine(firstError.message) } };
}

/** The innermost flow collection or quoted scalar at `pos` (or ending there, for an unclosed quote). */
function construct(
  tokens: readonly CST.Token[],
  pos: number,
  quoteEndsHere: boolean,
): { indent: number; kind: Leniency['kind'] } | undefined {
  let best: { indent: number; kind: Leniency['kind']; offset: number } | undefined;
  const consider = (offset: number, endOffset: number, indent: number, kind: Leniency['kind']): void => {
    const covers = quoteEndsHere ? offset < pos && pos <= endOffset + 1 : offset < pos && pos <= endOffset;
    if (covers && (!best || offset > best.offset)) best = { indent, kind, offset };
  };
  const walk = (t: unknown, depth: number): void => {
    if (t == null || typeof t !== 'object' || depth > 10_000) return;
    if (Array.isArray(t)) {
      for (const x of t) walk(x, depth + 1);
      return;
    }
    const o = t as Record<string, unknown> & {
      type?: string;
      offset?: number;
      indent?: number;
      source?: string;
    };
    if (
      (o.type === 'single-quoted-scalar' || o.type === 'double-quoted-scalar') &&
      typeof o.offset === 'number' &&
      typeof o.source === 'string'
    ) {
      consider(o.offset, o.offset + o.source.length, o.indent ?? 0, 'quoted-continuation');
    } else if (o.type === 'flow-collection' && typeof o.offset === 'number') {
      consider(o.offset, flowEnd(o), o.indent ?? 0, 'flow-continuation');
    }
    for (const k of ['start', 'items', 'key', 'sep', 'value', 'end']) if (k in o) walk(o[k], depth + 1);
  };
  walk(tokens, 0);
  return best;
}

/** Where a flow collection's tokens end (its closing bracket, or its last item when it has none). */
function flowEnd(o: Record<string, unknown>): number {
  let max = typeof o.offset === 'number' ? o.offset : 0;
  const walk = (t: unknown, depth: number): void => {
    if (t == null || typeof t !== 'object' || depth > 10_000) return;
    if (Array.isArray(t)) {
      for (const x of t) walk(x, depth + 1);
      return;
    }
    const x = t as Record<string, unknown>;
    if (typeof x.offset === 'number' && typeof x.source === 'string')
      max = Math.max(max, x.offset + x.source.length);
    for (const k of ['start', 'items', 'key', 'sep', 'value', 'end']) if (k in x) walk(x[k], depth + 1);
  };
  walk(o, 0);
  return max;
}

function rebuild(text: string, start: number, end: number, edits: ReadonlyMap<number, LineEdit>): string {
  const sorted = [...edits.values()].sort((a, b) => a.at - b.at);
  let out = '';
  let at = start;
  for (const e of sorted) {
    out += text.slice(at, e.at) + ' '.repeat(e.newWs);
    at = e.at + e.oldWs;
  }
  return out + text.slice(at, end);
}

/** Edited offset (the copy counts from `start`) → original offset. */
function toOriginal(edits: ReadonlyMap<number, LineEdit>, start: number, edited: number): number {
  let shift = 0;
  for (const e of [...edits.values()].sort((a, b) => a.at - b.at)) {
    const eAt = e.at + shift; // the line start in the copy
    if (edited < eAt) break;
    if (edited < eAt + e.newWs) return e.at + Math.min(edited - eAt, e.oldWs);
    shift += e.newWs - e.oldWs;
  }
  return Math.max(start, edited - shift);
}

/** Maps every node span of a document (and the document's own) through `map`. */
function remap(doc: Document.Parsed, map: (o: number) => number): void {
  const seen = new Set<unknown>();
  const visit = (n: unknown, depth: number): void => {
    if (n == null || typeof n !== 'object' || seen.has(n) || depth > 10_000) return;
    seen.add(n);
    if (isPair(n)) {
      visit(n.key, depth + 1);
      visit(n.value, depth + 1);
      return;
    }
    const node = n as { range?: [number, number, number] | null };
    if (node.range) node.range = [map(node.range[0]), map(node.range[1]), map(node.range[2])];
    if (isMap(n) || isSeq(n)) for (const it of n.items) visit(it, depth + 1);
    else if (!isScalar(n) && !isAlias(n)) return;
  };
  visit(doc.contents, 0);
  const r = doc.range;
  doc.range = [map(r[0]), map(r[1]), map(r[2])];
  for (const w of doc.warnings) w.pos = [map(w.pos[0]), map(w.pos[1])];
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? s).replace(/\.$/, '');
}
