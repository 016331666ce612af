/**
 * Comment- and layout-preserving edits of YAML files, for quick fixes.
 *
 * Every operation takes the full text of a (possibly multi-document) file and the index of the
 * document to edit, and returns the edits to make, never the edited text: the editor applies
 * them, and everything outside them stays byte for byte. Nodes are found with the `yaml`
 * package's ranges and concrete syntax tree (`keepSourceTokens`); new content is inserted as
 * whole lines, so comments, blank lines, quoting and the other documents are untouched.
 *
 * Layout rules:
 * - New block content follows the file: line breaks (LF or CRLF) of the file; indentation step
 *   and sequence style (`key:\n- x`, kubectl style, or `key:\n  - x`, indented) detected in the
 *   document, else in the file, else 2 spaces and kubectl style. An existing collection keeps
 *   the column of its own entries.
 * - An entry of a block collection ends after the last line of its content, its inline comment,
 *   and the comment lines directly below it that are indented deeper than the entry. Comment
 *   lines at or left of the entry's column are not part of it: they introduce what follows (or
 *   close the collection), so new entries go above them and a comment never leaves the key it
 *   precedes. Blank lines, too, stay below inserted entries.
 * - Conversely, removing a block entry removes its lines, its inline and deeper comments, and
 *   the comment lines directly above it at its column. The first key of a compact mapping
 *   (`to` in `- to: …`) is removed up to the next key, which takes its place after the dash.
 * - An empty value (`egress:`, `egress: null`, `egress: []`, `podSelector: {}`) of a block mapping
 *   entry becomes a block collection when it receives a collection; a scalar added to an empty
 *   flow collection (`policyTypes: []`) stays flow (`[Egress]`). Non-empty flow collections stay
 *   flow: new items are written in flow style after the last item.
 * - Removing the last entry of a block collection leaves an empty flow collection (`egress: []`),
 *   so the data keeps its type.
 *
 * Edits of several operations computed on the same text can be applied together when they do
 * not overlap (insertions at one offset keep the order given), as a quick fix that adds an
 * egress rule and a policy type does.
 *
 * Safety: the edit operations never throw. When the path is missing, a node is an alias, the target
 * document has syntax errors, or the edit is not possible, it returns `{ ok: false, reason }`.
 * Before returning edits, it applies them, parses the result and checks that the edited
 * document holds exactly the expected data and that the other documents are unchanged;
 * otherwise it fails with a reason instead of returning edits that would break the file.
 */
import {
  CST,
  Document,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  Pair,
  Scalar,
  stringify,
  visit,
  YAMLMap,
  YAMLSeq,
} from 'yaml';
import { readDocuments } from './documents';

/** Replace the text in `[start, end)` (UTF-16 offsets into the original text) with `newText`. */
export interface TextEdit {
  readonly start: number;
  readonly end: number;
  readonly newText: string;
}

/** The edits that make an operation (possibly none, when there is nothing to do), or why not. */
export type EditResult =
  | { readonly ok: true; readonly edits: readonly TextEdit[] }
  | { readonly ok: false; readonly reason: string };

/** Map keys and sequence indexes from the document root, e.g. `['spec', 'egress', 1]`. */
export type YamlPath = readonly (string | number)[];

export type YamlScalar = string | number | boolean | null;

/** Plain data that the edits write as YAML. */
export type YamlValue = YamlScalar | readonly YamlValue[] | { readonly [key: string]: YamlValue };

/** How new block content is laid out. */
export interface BlockStyle {
  /** Spaces by which a nested mapping is indented under its key. */
  readonly indent: number;
  /** `key:\n  - x` when true; `key:\n- x` (kubectl style, dash at the key's column) when false. */
  readonly indentSequences: boolean;
}

/** Where a new mapping entry goes. */
export interface InsertOptions {
  /** Insert right after this key of the mapping when it is present, else after the last entry. */
  readonly after?: string;
  /**
   * Insert right before this key of a block mapping when it is present and begins its line (above
   * the comment lines directly above it at its column); takes precedence over `after`.
   */
  readonly before?: string;
}

/** Style used when the file shows none: 2 spaces, kubectl-style sequences. */
const DEFAULT_STYLE: BlockStyle = { indent: 2, indentSequences: false };

// ---------------------------------------------------------------------------------------------
// Public operations

/**
 * Applies non-overlapping edits to `text`. Edits that start at the same offset are applied in
 * the order given. Throws a RangeError when edits overlap or fall outside the text, which is a
 * programming error, not bad input.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let pos = 0;
  for (const edit of sorted) {
    if (edit.start < pos || edit.end < edit.start || edit.end > text.length) {
      throw new RangeError(`overlapping or out-of-range edit [${edit.start}, ${edit.end})`);
    }
    out += text.slice(pos, edit.start) + edit.newText;
    pos = edit.end;
  }
  return out + text.slice(pos);
}

/**
 * The index of the document that holds `offset` (a document's `---` marker and the comments
 * before it belong to it; text before the first document belongs to the first), or -1 when the
 * file holds no document.
 */
export function documentIndexAt(text: string, offset: number): number {
  const docs = readDocuments(text).docs;
  let index = docs.length === 0 ? -1 : 0;
  docs.forEach((doc, i) => {
    if (doc.range[0] <= offset) index = i;
  });
  return index;
}

/** The block style of document `docIndex`, else of the whole file, else {@link DEFAULT_STYLE}. */
export function detectStyle(text: string, docIndex: number): BlockStyle {
  const docs = readDocuments(text, { keepSourceTokens: true }).docs;
  const doc = docs[docIndex];
  return styleOf(text, doc ? [doc] : [], docs);
}

/**
 * Renders `value` as block YAML lines (without line breaks) whose first line starts at column
 * `indent`: a scalar or an empty collection is one line (`x`, `[]`, `{}`), a sequence is a list
 * of `- ` items, a mapping a list of `key: value` entries. Collections nested in collections are
 * laid out per `style`; scalars are quoted only when plain style would read differently.
 */
export function renderBlock(value: YamlValue, indent: number, style: BlockStyle): string[] {
  const pad = ' '.repeat(indent);
  if (isScalarValue(value) || isInlineValue(value)) return [pad + renderInline(value)];
  if (isSeqValue(value)) {
    return value.flatMap((item) => {
      if (isInlineValue(item)) return [`${pad}- ${renderInline(item)}`];
      const [first = '', ...rest] = renderBlock(item, indent + 2, style);
      return [`${pad}- ${first.slice(indent + 2)}`, ...rest];
    });
  }
  return Object.entries(value).flatMap(([key, item]) => {
    const line = `${pad}${renderScalar(key, Scalar.PLAIN, false)}:`;
    return isInlineValue(item)
      ? [`${line} ${renderInline(item)}`]
      : [line, ...renderUnderKey(item, indent, style)];
  });
}

/**
 * Ensures the mapping at `path` holds `key` with `value`. A missing key is inserted as a new
 * entry after `options.after` (when present) or after the last entry; a key that holds a
 * scalar gets its scalar replaced (see {@link replaceNode}); a key that already holds `value`
 * needs no edit. An existing collection value is not replaced: that fails with a reason.
 */
export function setOrAppendInMap(
  text: string,
  docIndex: number,
  path: YamlPath,
  key: string,
  value: YamlValue,
  options: InsertOptions = {},
): EditResult {
  return run(text, docIndex, (ctx) => {
    const located = resolve(ctx.doc, path);
    if (typeof located === 'string') return located;
    const map = located.node;
    const expect = (js: unknown): unknown => {
      const current = getAt(js, path);
      if (isRecord(current)) current[key] = value;
      return isRecord(current) ? js : setAt(js, path, { [key]: value });
    };
    const asBlock = (): TextEdit[] | string =>
      blockValueEdits(ctx, map, located.container, (keyCol) =>
        renderUnderKey({ [key]: value }, keyCol, ctx.style),
      );
    if (isNullScalar(map)) return withExpect(asBlock(), expect);
    if (!isMap(map)) return `${formatPath(path)} is not a mapping`;
    const existing = findPair(map, key);
    if (existing) {
      const current: unknown = isNode(existing.value) ? existing.value.toJS(ctx.doc) : null;
      if (sameData(current, value)) return { edits: [], expect };
      if (isScalar(existing.value) && isScalarValue(value)) {
        return planReplace(ctx, [...path, key], existing.value, map, value);
      }
      if (isNullScalar(existing.value)) {
        const container: Container = { kind: 'pair', map, pair: existing };
        const edits = blockValueEdits(ctx, existing.value, container, (keyCol) =>
          renderUnderKey(value, keyCol, ctx.style),
        );
        return withExpect(edits, expect);
      }
      return `${formatPath([...path, key])} already holds a value that this one cannot replace`;
    }
    if (map.flow) {
      const entry = `${renderScalar(key, Scalar.PLAIN, true)}: ${renderInline(value)}`;
      if (map.items.length > 0) return { edits: [appendInFlow(ctx.text, map, entry)], expect };
      // `{}` becomes a block mapping for a collection value, when it can; a scalar stays flow.
      const block = isScalarValue(value) ? null : asBlock();
      const edits = block === null || typeof block === 'string' ? [insertInFlow(map, entry)] : block;
      return { edits, expect };
    }
    const entries = blockEntries(map);
    if (typeof entries === 'string') return entries;
    const col = columnOf(ctx.text, entries[0]?.start ?? 0);
    const beforeIndex =
      options.before === undefined ? -1 : map.items.findIndex((p) => keyOf(p) === options.before);
    const next = entries[beforeIndex];
    if (next && beginsLine(ctx.text, next.start)) {
      const at = entryLinesStart(ctx.text, next, col);
      const lines = renderBlock({ [key]: value }, col, ctx.style);
      return { edits: [{ start: at, end: at, newText: lines.map((l) => l + ctx.eol).join('') }], expect };
    }
    const afterIndex =
      options.after === undefined ? -1 : map.items.findIndex((p) => keyOf(p) === options.after);
    const previous = entries[afterIndex >= 0 ? afterIndex : entries.length - 1];
    if (!previous) return `${formatPath(path)} has no entries`;
    const at = entryEnd(ctx.text, previous, col);
    return { edits: [insertLinesAfter(ctx, at, renderBlock({ [key]: value }, col, ctx.style))], expect };
  });
}

/**
 * Appends `item` to the sequence at `path`, following its style: a block item after the last
 * one, at the column of the existing dashes, or `, item` in a flow sequence. A missing final
 * key is created as a new entry of its mapping (placed per `options`); an empty value becomes a
 * block sequence, or stays flow for a scalar item in `[]`.
 */
export function appendToSequence(
  text: string,
  docIndex: number,
  path: YamlPath,
  item: YamlValue,
  options: InsertOptions = {},
): EditResult {
  const parentPath = path.slice(0, -1);
  const last = path[path.length - 1];
  return run(text, docIndex, (ctx) => {
    const parent = resolve(ctx.doc, parentPath);
    if (
      typeof last === 'string' &&
      typeof parent !== 'string' &&
      isMap(parent.node) &&
      !findPair(parent.node, last)
    ) {
      return setOrAppendInMap(text, docIndex, parentPath, last, [item], options);
    }
    const located = resolve(ctx.doc, path);
    if (typeof located === 'string') return located;
    const { node, container } = located;
    const expect = (js: unknown): unknown => {
      const current = getAt(js, path);
      if (!Array.isArray(current)) return setAt(js, path, [item]);
      current.push(item);
      return js;
    };
    const asBlock = (): TextEdit[] | string =>
      blockValueEdits(ctx, node, container, (keyCol) => renderUnderKey([item], keyCol, ctx.style));
    if (isNullScalar(node)) return withExpect(asBlock(), expect);
    if (!isSeq(node)) return `${formatPath(path)} is not a sequence`;
    if (node.flow) {
      if (node.items.length > 0) return { edits: [appendInFlow(ctx.text, node, renderInline(item))], expect };
      // `[]` becomes a block sequence for a collection item, when it can; a scalar stays flow.
      const block = isScalarValue(item) ? null : asBlock();
      const edits =
        block === null || typeof block === 'string' ? [insertInFlow(node, renderInline(item))] : block;
      return { edits, expect };
    }
    const entries = blockEntries(node);
    if (typeof entries === 'string') return entries;
    const col = columnOf(ctx.text, entries[0]?.start ?? 0);
    const lastEntry = entries[entries.length - 1];
    if (!lastEntry) return `${formatPath(path)} has no items`;
    const at = entryEnd(ctx.text, lastEntry, col);
    return { edits: [insertLinesAfter(ctx, at, renderBlock([item], col, ctx.style))], expect };
  });
}

/**
 * Inserts `item` into the sequence at `path` before item `index` (an index at or past the end
 * appends): in a block sequence as whole lines at the column of the dashes, above the comment
 * lines directly above that item at its column; in a flow sequence as `item, ` before it.
 */
export function insertIntoSequence(
  text: string,
  docIndex: number,
  path: YamlPath,
  index: number,
  item: YamlValue,
): EditResult {
  return run(text, docIndex, (ctx) => {
    const located = resolve(ctx.doc, path);
    if (typeof located === 'string') return located;
    const seq = located.node;
    if (!isSeq(seq)) return `${formatPath(path)} is not a sequence`;
    if (!Number.isInteger(index) || index < 0) return `${index} is not an index`;
    if (index >= seq.items.length) return appendToSequence(text, docIndex, path, item);
    const expect = (js: unknown): unknown => {
      const current = getAt(js, path);
      if (Array.isArray(current)) current.splice(index, 0, item);
      return js;
    };
    if (seq.flow) {
      const start = flowItemStart(seq.items[index]);
      if (start < 0) return 'the item could not be located';
      return { edits: [{ start, end: start, newText: `${renderInline(item)}, ` }], expect };
    }
    const entries = blockEntries(seq);
    if (typeof entries === 'string') return entries;
    const entry = entries[index];
    if (!entry || !beginsLine(ctx.text, entry.start)) return 'the item does not begin its line';
    const col = columnOf(ctx.text, entry.start);
    const at = entryLinesStart(ctx.text, entry, col);
    const lines = renderBlock([item], col, ctx.style);
    return { edits: [{ start: at, end: at, newText: lines.map((l) => l + ctx.eol).join('') }], expect };
  });
}

/**
 * Replaces the entry `key` of the mapping at `path` by `newKey: value`, in place: the new key
 * starts where the old one did (the comment lines above the entry and the comments after its
 * content stay); the old value, with any comment inside it, is replaced by `value`, in flow style
 * on the key's line when the old value was a flow collection or the mapping is flow, else as block
 * YAML under the key. Fails when `newKey` is another key already present or the value is anchored.
 */
export function replaceEntry(
  text: string,
  docIndex: number,
  path: YamlPath,
  key: string,
  newKey: string,
  value: YamlValue,
): EditResult {
  return run(text, docIndex, (ctx) => {
    const located = resolve(ctx.doc, path);
    if (typeof located === 'string') return located;
    const map = located.node;
    if (!isMap(map)) return `${formatPath(path)} is not a mapping`;
    const pair = findPair(map, key);
    if (!pair) return `${formatPath([...path, key])} not found`;
    if (newKey !== key && findPair(map, newKey)) return `${formatPath([...path, newKey])} already exists`;
    if (!isNode(pair.key) || !pair.key.range) return `${formatPath([...path, key])} could not be located`;
    if (isNode(pair.value) && (pair.value.anchor !== undefined || pair.value.tag !== undefined))
      return `${formatPath([...path, key])} has an anchor or a tag`;
    const expect = (js: unknown): unknown => {
      const current = getAt(js, path);
      if (isRecord(current)) {
        delete current[key];
        current[newKey] = value;
      }
      return js;
    };
    const start = pair.key.range[0];
    const end = contentEnd(pair);
    if (end < start) return `${formatPath([...path, key])} could not be located`;
    const inline =
      map.flow || isInlineValue(value) || ((isMap(pair.value) || isSeq(pair.value)) && pair.value.flow);
    if (inline) {
      const entry = `${renderScalar(newKey, Scalar.PLAIN, map.flow === true)}: ${renderInline(value)}`;
      return { edits: [{ start, end, newText: entry }], expect };
    }
    const col = columnOf(ctx.text, start);
    const lines = renderBlock({ [newKey]: value }, col, ctx.style);
    const newText = lines.map((l, i) => (i === 0 ? l.slice(col) : l)).join(ctx.eol);
    return { edits: [{ start, end, newText }], expect };
  });
}

/**
 * Replaces the scalar at `path` with `value`, in place. A string keeps the node's quoting
 * (plain, 'single' or "double") unless that style cannot hold it (then it is double-quoted);
 * numbers, booleans and null are written plain. Block scalars (`|`, `>`), anchored or tagged
 * scalars and collections are not replaced.
 */
export function replaceNode(text: string, docIndex: number, path: YamlPath, value: YamlScalar): EditResult {
  return run(text, docIndex, (ctx) => {
    const located = resolve(ctx.doc, path);
    if (typeof located === 'string') return located;
    const { node, container } = located;
    if (!isScalar(node)) return `${formatPath(path)} is not a scalar`;
    const parent =
      container.kind === 'pair' ? container.map : container.kind === 'item' ? container.seq : null;
    return planReplace(ctx, path, node, parent, value);
  });
}

/**
 * Removes the sequence item or mapping entry at `path`. In a block collection that is its
 * whole lines with their comments (see the module comment); the last entry of a block
 * collection leaves `[]` or `{}`. In a flow collection, the item and one separating comma.
 */
export function removeNode(text: string, docIndex: number, path: YamlPath): EditResult {
  return run(text, docIndex, (ctx) => {
    const last = path[path.length - 1];
    if (last === undefined) return 'cannot remove the document root';
    const located = resolve(ctx.doc, path.slice(0, -1));
    if (typeof located === 'string') return located;
    const coll = located.node;
    let index: number;
    if (typeof last === 'string' && isMap(coll)) index = coll.items.findIndex((p) => keyOf(p) === last);
    else if (typeof last === 'number' && isSeq(coll))
      index = last >= 0 && last < coll.items.length ? last : -1;
    else
      return `${formatPath(path.slice(0, -1))} is not a ${typeof last === 'string' ? 'mapping' : 'sequence'}`;
    if (index < 0) return `${formatPath(path)} not found`;
    const edits = coll.flow
      ? removeFromFlow(coll, index)
      : removeFromBlock(ctx, coll, index, located.container);
    return withExpect(edits, (js) => removeAt(js, path));
  });
}

// ---------------------------------------------------------------------------------------------
// Running an operation: parse, plan, verify

/** What an operation works on. */
interface Context {
  readonly text: string;
  readonly docs: readonly Document.Parsed[];
  readonly docIndex: number;
  readonly doc: Document.Parsed;
  readonly eol: string;
  readonly style: BlockStyle;
}

/** The edits of an operation and the data the edited document must hold, or a reason. */
type Plan = { readonly edits: readonly TextEdit[]; readonly expect: (js: unknown) => unknown } | string;

/** How a node is held: by the document, by a mapping entry, or by a sequence. */
type Container =
  | { readonly kind: 'root' }
  | { readonly kind: 'pair'; readonly map: YAMLMap; readonly pair: Pair }
  | { readonly kind: 'item'; readonly seq: YAMLSeq };

interface Located {
  readonly node: unknown;
  readonly container: Container;
}

function run(text: string, docIndex: number, plan: (ctx: Context) => Plan | EditResult): EditResult {
  try {
    const read = readDocuments(text, { keepSourceTokens: true });
    const docs = read.docs;
    const doc = docs[docIndex];
    if (!doc) return fail(`the file has no document #${docIndex}`);
    if (read.lenient.has(docIndex))
      return fail(
        `document #${docIndex} is YAML only kubectl reads (lenient-yaml): fix its indentation first`,
      );
    const firstError = doc.errors[0];
    if (firstError) return fail(`document #${docIndex} has YAML errors: ${firstError.message}`);
    const eolAt = text.indexOf('\n');
    const eol = eolAt > 0 && text[eolAt - 1] === '\r' ? '\r\n' : '\n';
    const ctx: Context = { text, docs, docIndex, doc, eol, style: styleOf(text, [doc], docs) };
    const planned = plan(ctx);
    if (typeof planned === 'string') return fail(planned);
    if ('ok' in planned) return planned;
    return planned.edits.length === 0 ? { ok: true, edits: [] } : verify(ctx, planned.edits, planned.expect);
  } catch (error) {
    return fail(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function fail(reason: string): EditResult {
  return { ok: false, reason };
}

function withExpect(edits: readonly TextEdit[] | string, expect: (js: unknown) => unknown): Plan {
  return typeof edits === 'string' ? edits : { edits, expect };
}

/**
 * Applies the edits, re-parses, and checks that the edited document parses cleanly and holds
 * `expect(old data)`, and that every other document kept its text.
 */
function verify(ctx: Context, edits: readonly TextEdit[], expect: (js: unknown) => unknown): EditResult {
  const output = applyEdits(ctx.text, edits);
  const afterRead = readDocuments(output);
  const after = afterRead.docs;
  if (afterRead.lenient.has(ctx.docIndex)) return fail('the edit would give YAML only kubectl reads');
  if (after.length !== ctx.docs.length) return fail('the edit would change the number of documents');
  for (const [i, doc] of after.entries()) {
    const before = ctx.docs[i];
    if (!before) return fail('the edit would change the number of documents');
    if (i === ctx.docIndex) {
      const firstError = doc.errors[0];
      if (firstError) return fail(`the edit would not parse: ${firstError.message}`);
      const data = readData(doc);
      if (typeof data === 'string') return fail(`the edit would not read back: ${data}`);
      if (!sameData(data.value, expect(ctx.doc.toJS())))
        return fail('the edit would not give the expected data');
    } else if (sourceOf(output, doc) !== sourceOf(ctx.text, before)) {
      return fail(`the edit would change document #${i}`);
    }
  }
  return { ok: true, edits };
}

/** The data of a document, or why it cannot be read (for example an alias without its anchor). */
function readData(doc: Document.Parsed): { value: unknown } | string {
  try {
    return { value: doc.toJS() };
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function sourceOf(text: string, doc: Document.Parsed): string {
  return text.slice(doc.range[0], doc.range[2]);
}

// ---------------------------------------------------------------------------------------------
// Finding nodes

function resolve(doc: Document.Parsed, path: YamlPath): Located | string {
  let node: unknown = doc.contents;
  let container: Container = { kind: 'root' };
  for (const [depth, segment] of path.entries()) {
    const here = formatPath(path.slice(0, depth));
    if (isAlias(node)) return `${here} is an alias; edit the anchored node instead`;
    if (typeof segment === 'string' && isMap(node)) {
      const pair = findPair(node, segment);
      if (!pair) return `${formatPath(path.slice(0, depth + 1))} not found`;
      container = { kind: 'pair', map: node, pair };
      node = pair.value;
    } else if (typeof segment === 'number' && isSeq(node)) {
      if (segment < 0 || segment >= node.items.length)
        return `${formatPath(path.slice(0, depth + 1))} not found`;
      container = { kind: 'item', seq: node };
      node = node.items[segment];
    } else {
      return `${here} is not a ${typeof segment === 'string' ? 'mapping' : 'sequence'}`;
    }
  }
  if (isAlias(node)) return `${formatPath(path)} is an alias; edit the anchored node instead`;
  return { node, container };
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => keyOf(pair) === key);
}

function keyOf(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

function formatPath(path: YamlPath): string {
  const text = path.map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`)).join('');
  return text === '' ? 'the document root' : text.replace(/^\./, '');
}

// ---------------------------------------------------------------------------------------------
// Text positions

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The end of the line holding `pos`, before its line break. */
function lineEnd(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  if (nl < 0) return text.length;
  return nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
}

/** The start of the line after the one holding `pos`, or the end of the text. */
function nextLineStart(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

/** The column of `pos` (a byte-order mark does not count). */
function columnOf(text: string, pos: number): number {
  const start = lineStart(text, pos);
  return pos - start - (start === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0);
}

/** The indentation of a comment-only line, or -1 for any other line. */
function commentIndent(text: string, start: number): number {
  const line = text.slice(start, lineEnd(text, start));
  const body = line.trimStart();
  return body.startsWith('#') ? line.length - body.length : -1;
}

/** An edit that inserts `lines` as whole lines after the line holding `pos`. */
function insertLinesAfter(ctx: Context, pos: number, lines: readonly string[]): TextEdit {
  const end = lineEnd(ctx.text, pos);
  if (end < ctx.text.length) {
    const at = nextLineStart(ctx.text, end);
    return { start: at, end: at, newText: lines.map((line) => line + ctx.eol).join('') };
  }
  // The last line has no line break: keep it that way.
  return { start: end, end, newText: lines.map((line) => ctx.eol + line).join('') };
}

// ---------------------------------------------------------------------------------------------
// Entries of block collections

/** A mapping entry or sequence item: where it starts (key or dash) and its nodes. */
interface Entry {
  readonly start: number;
  readonly nodes: readonly unknown[];
}

/** The entries of a block collection, with the dash offsets of sequence items from the CST. */
function blockEntries(coll: YAMLMap | YAMLSeq): Entry[] | string {
  if (isMap(coll)) {
    const entries: Entry[] = [];
    for (const pair of coll.items) {
      if (!isNode(pair.key) || !pair.key.range) return 'a mapping entry has no key';
      entries.push({ start: pair.key.range[0], nodes: [pair.key, pair.value] });
    }
    return entries;
  }
  const token = coll.srcToken;
  const dashes = token?.type === 'block-seq' ? token.items.flatMap((it) => dashOf(it.start)) : [];
  if (dashes.length !== coll.items.length) return 'the sequence items could not be located';
  return coll.items.map((item, i) => ({ start: dashes[i] ?? 0, nodes: [item] }));
}

function dashOf(tokens: readonly CST.SourceToken[]): number[] {
  const dash = tokens.find((t) => t.type === 'seq-item-ind');
  return dash ? [dash.offset] : [];
}

/** The offset after the last character of a node's content (not of the comments after it). */
function contentEnd(node: unknown): number {
  if (isPair(node)) return Math.max(contentEnd(node.key), contentEnd(node.value));
  if ((isMap(node) || isSeq(node)) && !node.flow) return Math.max(-1, ...node.items.map(contentEnd));
  return isNode(node) && node.range ? node.range[1] : -1;
}

/**
 * The end (before the line break) of the last line of an entry at column `col`: its content
 * and inline comment, then the comment lines right below it indented deeper than `col`.
 */
function entryEnd(text: string, entry: Entry, col: number): number {
  let end = Math.max(entry.start, ...entry.nodes.map(contentEnd));
  if (end > entry.start && text[end - 1] === '\n') end -= 1; // a block scalar ends after its line break
  end = lineEnd(text, end);
  for (let next = nextLineStart(text, end); next < text.length; next = nextLineStart(text, end)) {
    if (commentIndent(text, next) <= col) break;
    end = lineEnd(text, next);
  }
  return end;
}

/** The start of the first line of an entry that begins its line, with comments right above it at its column. */
function entryLinesStart(text: string, entry: Entry, col: number): number {
  let start = lineStart(text, entry.start);
  while (start > 0) {
    const previous = lineStart(text, start - 1);
    if (commentIndent(text, previous) !== col) break;
    start = previous;
  }
  return start;
}

/** Whether only indentation (and a byte-order mark) precedes `pos` on its line. */
function beginsLine(text: string, pos: number): boolean {
  return (
    text
      .slice(lineStart(text, pos), pos)
      .replace(/^\uFEFF/, '')
      .trim() === ''
  );
}

// ---------------------------------------------------------------------------------------------
// Edits

/**
 * Turns an empty value (`key:`, `key: null`, `key: []`, `key: {}`) of a block mapping entry into
 * the block content `render(column of the key)`, inserted as lines below the key's line.
 */
function blockValueEdits(
  ctx: Context,
  value: unknown,
  container: Container,
  render: (keyColumn: number) => string[],
): TextEdit[] | string {
  if (
    container.kind !== 'pair' ||
    container.map.flow ||
    !isNode(container.pair.key) ||
    !container.pair.key.range
  ) {
    return 'only the value of a block mapping entry can become a block collection';
  }
  if (!isNode(value) || !value.range) return 'the value could not be located';
  if (value.anchor !== undefined || value.tag !== undefined) return 'the value has an anchor or a tag';
  const [start, end] = value.range;
  const edits: TextEdit[] = [];
  if (end > start) {
    let from = start;
    while (from > 0 && (ctx.text[from - 1] === ' ' || ctx.text[from - 1] === '\t')) from -= 1;
    edits.push({ start: from, end, newText: '' });
  }
  edits.push(insertLinesAfter(ctx, end, render(columnOf(ctx.text, container.pair.key.range[0]))));
  return edits;
}

/** Inserts `entry` into an empty flow collection, right after its opening bracket. */
function insertInFlow(coll: YAMLMap | YAMLSeq, entry: string): TextEdit {
  const at = (coll.range?.[0] ?? 0) + 1;
  return { start: at, end: at, newText: entry };
}

/**
 * Appends `entry` after the last item of a non-empty flow collection, with the separator found
 * between the last two items when it is a comma on one line (`[a,b]` → `[a,b,c]`), else `, `.
 */
function appendInFlow(text: string, coll: YAMLMap | YAMLSeq, entry: string): TextEdit {
  const items: unknown[] = coll.items;
  const at = contentEnd(items[items.length - 1]);
  const previous = items.length > 1 ? contentEnd(items[items.length - 2]) : -1;
  const between = previous < 0 ? '' : text.slice(previous, flowItemStart(items[items.length - 1]));
  const separator = /^[ \t]*,[ \t]*$/.test(between) ? between : ', ';
  return { start: at, end: at, newText: separator + entry };
}

/** Where an item of a flow collection starts (its key, for a pair), or -1. */
function flowItemStart(item: unknown): number {
  const node = isPair(item) ? item.key : item;
  return isNode(node) && node.range ? node.range[0] : -1;
}

function planReplace(
  ctx: Context,
  path: YamlPath,
  node: Scalar,
  parent: YAMLMap | YAMLSeq | null,
  value: YamlScalar,
): Plan {
  if (!node.range) return `${formatPath(path)} could not be located`;
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    return `${formatPath(path)} is a block scalar`;
  }
  if (node.anchor !== undefined || node.tag !== undefined)
    return `${formatPath(path)} has an anchor or a tag`;
  const [start, end] = node.range;
  let newText = renderScalar(value, node.type, parent?.flow === true);
  if (start === end) {
    // An empty value (`key:`): keep a space after the indicator and before a comment.
    if (start > 0 && !/\s/.test(ctx.text[start - 1] ?? '')) newText = ` ${newText}`;
    if (ctx.text[start] === '#') newText = `${newText} `;
  }
  return { edits: [{ start, end, newText }], expect: (js) => setAt(js, path, value) };
}

/** Removes entry `index` of a flow collection with one separating comma. */
function removeFromFlow(coll: YAMLMap | YAMLSeq, index: number): TextEdit[] | string {
  const items: unknown[] = coll.items;
  const item = items[index];
  const start = flowItemStart(item);
  if (start < 0) return 'the item could not be located';
  if (index + 1 < items.length) return [{ start, end: flowItemStart(items[index + 1]), newText: '' }];
  const end = contentEnd(item);
  return [{ start: index > 0 ? contentEnd(items[index - 1]) : start, end, newText: '' }];
}

/** Removes entry `index` of a block collection held by `container` (see the module comment). */
function removeFromBlock(
  ctx: Context,
  coll: YAMLMap | YAMLSeq,
  index: number,
  container: Container,
): TextEdit[] | string {
  const { text } = ctx;
  const entries = blockEntries(coll);
  if (typeof entries === 'string') return entries;
  const entry = entries[index];
  if (!entry) return 'the entry could not be located';
  const col = columnOf(text, entries[0]?.start ?? 0);
  const end = entryEnd(text, entry, col);
  const empty = isMap(coll) ? '{}' : '[]';
  if (!beginsLine(text, entry.start)) {
    // The first entry of a compact collection, as `to` in `- to: …`.
    const next = entries[index + 1];
    return [{ start: entry.start, end: next ? next.start : end, newText: next ? '' : empty }];
  }
  const start = entryLinesStart(text, entry, col);
  const lines: TextEdit =
    end < text.length
      ? { start, end: nextLineStart(text, end), newText: '' }
      : { start: Math.max(0, start - (text[start - 2] === '\r' ? 2 : 1)), end, newText: '' };
  if (entries.length > 1) return [lines];
  const colon =
    container.kind === 'pair'
      ? container.pair.srcToken?.sep?.find((t) => t.type === 'map-value-ind')
      : undefined;
  if (!colon) {
    return 'removing the only entry would leave an empty collection that cannot be written here';
  }
  return [{ start: colon.offset + 1, end: colon.offset + 1, newText: ` ${empty}` }, lines];
}

// ---------------------------------------------------------------------------------------------
// Rendering

function isNullScalar(node: unknown): node is Scalar {
  return isScalar(node) && node.value === null;
}

function isSeqValue(value: YamlValue): value is readonly YamlValue[] {
  return Array.isArray(value);
}

function isScalarValue(value: YamlValue): value is YamlScalar {
  return value === null || typeof value !== 'object';
}

/** Scalars and empty collections, which render on the line of their key or dash. */
function isInlineValue(value: YamlValue): boolean {
  return isScalarValue(value) || (isSeqValue(value) ? value.length === 0 : Object.keys(value).length === 0);
}

/** Renders the block value of a key at column `keyColumn`, on the lines below the key. */
function renderUnderKey(value: YamlValue, keyColumn: number, style: BlockStyle): string[] {
  const column = isSeqValue(value) && !style.indentSequences ? keyColumn : keyColumn + style.indent;
  return renderBlock(value, column, style);
}

/** A value on one line in flow style: `x`, `[]`, `{a: 1}`. */
function renderInline(value: YamlValue): string {
  if (isScalarValue(value)) return renderScalar(value, Scalar.PLAIN, true);
  return withoutFinalNewline(
    stringify(value, {
      lineWidth: 0,
      blockQuote: false,
      collectionStyle: 'flow',
      flowCollectionPadding: false,
    }),
  );
}

/**
 * A scalar on one line, in the requested quoting style when the value is a string that the
 * style can hold, else double-quoted; plain for numbers, booleans and null. In flow context,
 * plain strings holding flow indicators are quoted.
 */
function renderScalar(value: YamlScalar, type: Scalar.Type | undefined, inFlow: boolean): string {
  const render = (as: Scalar.Type | undefined): string => {
    const node = new Scalar(value);
    if (as !== undefined) node.type = as;
    return withoutFinalNewline(stringify(node, { lineWidth: 0, blockQuote: false }));
  };
  const first = render(typeof value === 'string' ? type : undefined);
  const plainInFlow = inFlow && typeof value === 'string' && !/^["']/.test(first) && /[,[\]{}]/.test(first);
  return first.includes('\n') || plainInFlow ? render(Scalar.QUOTE_DOUBLE) : first;
}

function withoutFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}

/**
 * The most common indentation step and sequence style among block collections under mapping
 * keys in `docs`, else in `fallback`, else the defaults.
 */
function styleOf(
  text: string,
  docs: readonly Document.Parsed[],
  fallback: readonly Document.Parsed[],
): BlockStyle {
  const steps = new Map<number, number>();
  let indented = 0;
  let kubectl = 0;
  for (const doc of docs) {
    visit(doc, {
      Pair(_, pair) {
        if (!isNode(pair.key) || !pair.key.range) return;
        const keyCol = columnOf(text, pair.key.range[0]);
        const entries =
          (isMap(pair.value) || isSeq(pair.value)) && !pair.value.flow ? blockEntries(pair.value) : [];
        const first = typeof entries === 'string' ? undefined : entries[0];
        if (!first || !beginsLine(text, first.start)) return;
        const offset = columnOf(text, first.start) - keyCol;
        if (isSeq(pair.value)) {
          if (offset > 0) indented += 1;
          else kubectl += 1;
        } else if (offset > 0) {
          steps.set(offset, (steps.get(offset) ?? 0) + 1);
        }
      },
    });
  }
  if (steps.size === 0 && indented + kubectl === 0) {
    return docs === fallback ? DEFAULT_STYLE : styleOf(text, fallback, fallback);
  }
  let indent = DEFAULT_STYLE.indent;
  let best = 0;
  for (const [step, count] of steps) {
    if (count > best) [indent, best] = [step, count];
  }
  return {
    indent,
    indentSequences: indented + kubectl === 0 ? DEFAULT_STYLE.indentSequences : indented > kubectl,
  };
}

// ---------------------------------------------------------------------------------------------
// Expected data (plain JS from `toJS()`), for verification

/** Deep equality of plain data. */
function sameData(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameData(x, b[i]))
    );
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => k in b && sameData(a[k], b[k]));
  }
  return Object.is(a, b);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function getAt(js: unknown, path: YamlPath): unknown {
  let node = js;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isRecord(node) && typeof segment === 'string') node = node[segment];
    else return undefined;
  }
  return node;
}

function setAt(js: unknown, path: YamlPath, value: unknown): unknown {
  const last = path[path.length - 1];
  if (last === undefined) return value;
  const parent = getAt(js, path.slice(0, -1));
  if (Array.isArray(parent) && typeof last === 'number') parent[last] = value;
  else if (isRecord(parent)) parent[String(last)] = value;
  return js;
}

function removeAt(js: unknown, path: YamlPath): unknown {
  const last = path[path.length - 1];
  const parent = getAt(js, path.slice(0, -1));
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isRecord(parent) && typeof last === 'string') delete parent[last];
  return js;
}
