/**
 * Where the cursor is in a YAML document that may be mid-edit and invalid: read from the text lines
 * alone (indentation, the key before the cursor, the parent keys by indentation, and flow
 * collections `{…}` / `[…]` on the cursor's line), never from the parsed model.
 */
import type { Span } from '../text/span';

export interface YamlCursor {
  /**
   * Keys from the document root to the collection holding the cursor. For `item`, the last key is
   * the list's key (`values`, `except`, `policyTypes`).
   */
  readonly path: readonly string[];
  /** Typing a key, the value of `key`, or an item of a list. */
  readonly pos: 'key' | 'value' | 'item';
  /** For `value`: the key whose value is typed. */
  readonly key?: string;
  /** What is typed so far of the token under the cursor (without an opening quote). */
  readonly partial: string;
  /** The token under the cursor, to be replaced by a completion. */
  readonly replace: Span;
  /** True right after `key:` with no space yet: a completion must start with a space. */
  readonly needsSpace: boolean;
  /** The token is inside quotes: insert it unquoted. */
  readonly quoted: boolean;
  /** A scalar sibling of the map holding the cursor (for `item`: of the map holding the list). */
  sibling(key: string): string | undefined;
  /** The text of the YAML document holding the cursor, and where it starts. */
  readonly docText: string;
  readonly docStart: number;
}

interface Line {
  readonly text: string;
  readonly start: number;
  /** Blank, comment-only or a document separator. */
  readonly empty: boolean;
  readonly separator: boolean;
  /** Column of the key (after indentation and `- ` markers), when the line holds `key:`. */
  readonly keyCol: number;
  readonly key: string | undefined;
  /** Column of the first `-` marker, when the line starts a list item. */
  readonly dashCol: number | undefined;
  readonly value: string | undefined;
}

const KEY_RE =
  /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"{}[\],:&*!|>%@`-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?=[ \t]|$)/;

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  const re = /\r\n|\r|\n/g;
  for (;;) {
    const m = re.exec(text);
    const end = m ? m.index : text.length;
    out.push(parseLine(text.slice(start, end), start));
    if (!m) break;
    start = m.index + m[0].length;
  }
  return out;
}

function unquote(k: string): string {
  const t = k.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'"))))
    return t.slice(1, -1);
  return t;
}

function parseLine(text: string, start: number): Line {
  const separator = /^(---|\.\.\.)(\s|$)/.test(text);
  const lead = /^([ \t]*)((?:-(?:[ \t]+|$))*)/.exec(text);
  const indent = lead?.[1]?.length ?? 0;
  const dashes = lead?.[2] ?? '';
  const keyCol = indent + dashes.length;
  const rest = text.slice(keyCol);
  const empty = separator || /^\s*(#.*)?$/.test(text);
  const km = empty ? null : KEY_RE.exec(rest);
  const key = km ? unquote(km[1] ?? '') : undefined;
  const value = km ? stripComment(rest.slice(km[0].length)).trim() : undefined;
  return { text, start, empty, separator, keyCol, key, dashCol: dashes ? indent : undefined, value };
}

function stripComment(s: string): string {
  const m = /(^|\s)#/.exec(s);
  return m ? s.slice(0, m.index) : s;
}

function scalarOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = unquote(v);
  return t === '' || /^[[{|>]/.test(t) ? undefined : t;
}

interface Frame {
  readonly key: string | undefined;
  readonly type: '{' | '[';
  readonly entries: Map<string, string>;
}

/** The cursor's context, or undefined inside a comment. */
export function yamlCursor(text: string, offset: number): YamlCursor | undefined {
  const off = Math.max(0, Math.min(offset, text.length));
  const lines = splitLines(text);
  let li = lines.length - 1;
  while (li > 0 && (lines[li]?.start ?? 0) > off) li--;
  const line = lines[li];
  if (!line) return undefined;
  // document bounds
  let first = li;
  while (first > 0 && !lines[first - 1]?.separator) first--;
  if (line.separator) return undefined;
  let last = li;
  while (last + 1 < lines.length && !lines[last + 1]?.separator) last++;
  const docStart = lines[first]?.start ?? 0;
  const lastLine = lines[last];
  const docEnd = lastLine ? lastLine.start + lastLine.text.length : text.length;

  const col = off - line.start;
  const prefix = line.text.slice(0, col);
  const lead = /^([ \t]*)((?:-(?:[ \t]+|$))*)/.exec(prefix);
  const curKeyCol = (lead?.[0] ?? '').length;
  const lineHasDash = !!lead?.[2];

  // block parents by indentation
  const parents: Array<{ key: string; line: number; keyCol: number }> = [];
  let threshold = curKeyCol;
  for (let j = li - 1; j >= first && threshold > 0; j--) {
    const l = lines[j];
    if (!l || l.empty || l.key === undefined) continue;
    if (l.keyCol < threshold) {
      parents.unshift({ key: l.key, line: j, keyCol: l.keyCol });
      threshold = l.keyCol;
    }
  }
  const blockPath = parents.map((p) => p.key);

  // the rest of the line before the cursor: block key, flow collections, the token
  const rest = prefix.slice(curKeyCol);
  const restStart = line.start + curKeyCol;
  const frames: Frame[] = [];
  let tok = '';
  let tokStart = restStart;
  let pendingKey: string | undefined;
  let afterColon = false;
  let lineKey: string | undefined;
  let quoted = false;
  const reset = (at: number): void => {
    tok = '';
    tokStart = at;
  };
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i] as string;
    const at = restStart + i;
    if (c === '"' || c === "'") {
      if (tok.trim() === '') tokStart = at;
      const close = rest.indexOf(c, i + 1);
      if (close < 0) {
        tok += rest.slice(i);
        quoted = true;
        break;
      }
      tok += rest.slice(i, close + 1);
      i = close;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(rest[i - 1] ?? ''))) return undefined; // in a comment
    if (c === ':' && (i + 1 === rest.length || /[\s,{}[\]]/.test(rest[i + 1] ?? ''))) {
      pendingKey = unquote(tok);
      if (frames.length === 0 && lineKey === undefined) lineKey = pendingKey;
      afterColon = true;
      reset(at + 1);
      continue;
    }
    if ((c === '{' || c === '[') && tok.trim() === '') {
      frames.push({ key: afterColon ? pendingKey : undefined, type: c, entries: new Map() });
      pendingKey = undefined;
      afterColon = false;
      reset(at + 1);
      continue;
    }
    if ((c === '}' || c === ']') && frames.length > 0) {
      const top = frames.pop();
      if (top && afterColon && pendingKey !== undefined) top.entries.set(pendingKey, unquote(tok));
      pendingKey = undefined;
      afterColon = false;
      reset(at + 1);
      continue;
    }
    if (c === ',' && frames.length > 0) {
      const top = frames[frames.length - 1];
      if (top && afterColon && pendingKey !== undefined) top.entries.set(pendingKey, unquote(tok));
      pendingKey = undefined;
      afterColon = false;
      reset(at + 1);
      continue;
    }
    if (tok.trim() === '' && !/\s/.test(c)) tokStart = at;
    tok += c;
  }
  let partial = tok.trimStart();
  if (partial.startsWith('"') || partial.startsWith("'")) {
    partial = partial.slice(1);
    tokStart += 1;
    quoted = true;
  }
  if (tok.trim() === '') tokStart = off;
  // extend the token to the right of the cursor
  let end = off;
  while (end < line.start + line.text.length && !/[\s,:{}[\]#"']/.test(text[end] ?? ' ')) end++;
  const replace: Span = { start: Math.min(tokStart, off), end };
  const needsSpace = afterColon && prefix.endsWith(':');

  // path, position and siblings
  const path = [...blockPath];
  let pos: YamlCursor['pos'];
  let key: string | undefined;
  let flowSiblings: Map<string, string> | undefined;
  let blockMap: { line: number; col: number } | undefined;
  if (frames.length === 0) {
    // `- x` is an item of the parent's list; in a list of maps that is where a key is typed (the caller decides)
    pos = afterColon ? 'value' : lineHasDash ? 'item' : 'key';
    key = afterColon ? pendingKey : undefined;
    if (pos === 'item') {
      // `- x` under `values:`: the list's key is the last parent
      const p = parents[parents.length - 1];
      if (p) blockMap = { line: p.line, col: p.keyCol };
    } else blockMap = { line: li, col: curKeyCol };
  } else {
    if (lineKey !== undefined && frames[0]?.key === lineKey) blockMap = { line: li, col: curKeyCol };
    for (const f of frames) if (f.key !== undefined) path.push(f.key);
    const top = frames[frames.length - 1] as Frame;
    if (top.type === '[') {
      pos = 'item';
      const below = frames[frames.length - 2];
      if (below?.type === '{') {
        flowSiblings = below.entries;
        blockMap = undefined;
      }
    } else {
      pos = afterColon ? 'value' : 'key';
      key = afterColon ? pendingKey : undefined;
      flowSiblings = top.entries;
      blockMap = undefined;
    }
  }
  const sibling = (k: string): string | undefined => {
    if (flowSiblings) {
      const v = flowSiblings.get(k);
      if (v !== undefined) return v;
    }
    if (!blockMap) return undefined;
    return blockSibling(lines, blockMap.line, blockMap.col, k, first, last);
  };
  return {
    path,
    pos,
    ...(key !== undefined ? { key } : {}),
    partial,
    replace,
    needsSpace,
    quoted,
    sibling,
    docText: text.slice(docStart, docEnd),
    docStart,
  };
}

/** The scalar value of `key` in the block map whose keys sit at `col`, around line `at`. */
function blockSibling(
  lines: readonly Line[],
  at: number,
  col: number,
  key: string,
  first: number,
  last: number,
): string | undefined {
  const here = lines[at];
  if (here && here.keyCol === col && here.key === key) {
    const v = scalarOf(here.value);
    if (v !== undefined) return v;
  }
  // upwards, to the start of the map (a `- ` item start or a shallower key)
  if (!(here && here.dashCol !== undefined && here.keyCol === col)) {
    for (let j = at - 1; j >= first; j--) {
      const l = lines[j];
      if (!l || l.empty) continue;
      if (l.key === undefined) {
        if (l.keyCol <= col && l.dashCol === undefined) break;
        continue;
      }
      if (l.keyCol < col) break;
      if (l.keyCol === col && l.key === key) return scalarOf(l.value);
      if (l.keyCol === col && l.dashCol !== undefined) break;
    }
  }
  for (let j = at + 1; j <= last; j++) {
    const l = lines[j];
    if (!l || l.empty) continue;
    if (l.keyCol < col || (l.dashCol !== undefined && l.dashCol < col)) break;
    if (l.keyCol === col && l.key === key) return scalarOf(l.value);
  }
  return undefined;
}

/** The document's top-level `kind` (for a List, the nearest `kind:` above the cursor). */
export function docKind(cur: YamlCursor, offset: number): string | undefined {
  const top = /^kind:[ \t]*["']?([\w.-]+)/m.exec(cur.docText)?.[1];
  if (top && !top.endsWith('List')) return top;
  const before = cur.docText.slice(0, Math.max(0, offset - cur.docStart));
  const all = [...before.matchAll(/^[ \t]*(?:-[ \t]+)?kind:[ \t]*["']?([\w.-]+)/gm)];
  const near = all[all.length - 1]?.[1];
  return near && !near.endsWith('List') ? near : top;
}

/** The document's metadata.namespace, when written. */
export function docNamespace(cur: YamlCursor): string | undefined {
  const m = /^metadata:[ \t]*(?:#.*)?\r?\n((?:(?:[ \t]+.*|[ \t]*)(?:\r?\n|$))*)/m.exec(cur.docText);
  const ns = m ? /^[ \t]+namespace:[ \t]*["']?([\w.-]+)/m.exec(m[1] ?? '')?.[1] : undefined;
  return ns;
}
