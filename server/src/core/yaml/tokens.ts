/**
 * Questions answered from the `yaml` package's CST (its lexer's tokens), never from regexes over the
 * raw text: where template syntax (`{{ … }}`, `{% … %}`) sits in the YAML structure rather than
 * inside a string, and which `kind` a document that could not be composed declares.
 */
import type { CST } from 'yaml';

/** A lexer token with its place: scalars (plain, quoted, block), indicators, errors, spaces. */
export interface Leaf {
  readonly offset: number;
  readonly type: string;
  readonly source: string;
}

/** Every leaf token of CST tokens (documents, collections, and the error tokens between them), by offset. */
export function leaves(tokens: readonly CST.Token[]): Leaf[] {
  const out: Leaf[] = [];
  const walk = (t: unknown, depth: number): void => {
    if (t == null || typeof t !== 'object' || depth > 10_000) return;
    if (Array.isArray(t)) {
      for (const x of t) walk(x, depth + 1);
      return;
    }
    const o = t as Record<string, unknown>;
    if (typeof o.source === 'string' && typeof o.offset === 'number' && typeof o.type === 'string') {
      out.push({ offset: o.offset, type: o.type, source: o.source });
    }
    for (const k of ['start', 'props', 'items', 'key', 'sep', 'value', 'end'])
      if (k in o) walk(o[k], depth + 1);
  };
  walk(tokens, 0);
  return out.sort((a, b) => a.offset - b.offset);
}

/**
 * The offsets of template delimiters that break the YAML structure: a `{` the lexer read as YAML (a
 * flow-map start, or a stray `{` it could not place) immediately followed by `{` or `%`. Text inside
 * a scalar — quoted (`"Rate: {{ $value }}"`), plain (`summary: Instance {{ $labels.x }} down`) or a
 * block (`|`, e.g. a Grafana dashboard, an Istio injection template, a Flux commit message) — is a
 * string whatever it holds, and is never taken for a template.
 */
export function templateMarks(tokens: Iterable<CST.Token>, text: string, out: number[] = []): number[] {
  const check = (t: CST.SourceToken | CST.Token | undefined): void => {
    if (t && 'source' in t && t.source === '{' && (text[t.offset + 1] === '{' || text[t.offset + 1] === '%'))
      out.push(t.offset);
  };
  const items = (list: readonly CST.CollectionItem[], depth: number): void => {
    for (const it of list) {
      for (const x of it.start) check(x);
      visit(it.key, depth + 1);
      for (const x of it.sep ?? []) check(x);
      visit(it.value, depth + 1);
    }
  };
  const visit = (t: CST.Token | null | undefined, depth: number): void => {
    if (!t || depth > 10_000) return;
    switch (t.type) {
      case 'document':
        for (const x of t.start) check(x);
        visit(t.value, depth + 1);
        break;
      case 'block-map':
      case 'block-seq':
        items(t.items, depth);
        break;
      case 'flow-collection':
        check(t.start);
        items(t.items, depth);
        break;
      case 'error':
        check(t);
        break;
      default:
    }
  };
  for (const t of tokens) visit(t, 0);
  return out;
}

/**
 * The `kind` a document declares at its top level (`kind: NetworkPolicy` at column 0), read from the
 * tokens of [start, end) when the document itself could not be composed into a map.
 */
export function kindFromLeaves(
  all: readonly Leaf[],
  text: string,
  start: number,
  end: number,
): string | undefined {
  for (let i = lowerBound(all, start); i < all.length; i++) {
    const t = all[i];
    if (!t || t.offset >= end) break;
    if (t.source !== 'kind' || (t.offset > 0 && text[t.offset - 1] !== '\n')) continue;
    let j = i + 1;
    while (all[j]?.type === 'space') j++;
    if (all[j]?.source !== ':') continue;
    j++;
    while (all[j]?.type === 'space') j++;
    const v = all[j];
    if (v && /^[A-Za-z][A-Za-z0-9]*$/.test(v.source)) return v.source;
  }
  return undefined;
}

function lowerBound(all: readonly Leaf[], offset: number): number {
  let lo = 0;
  let hi = all.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((all[mid]?.offset ?? 0) < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
