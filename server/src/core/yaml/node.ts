/**
 * Small, budgeted readers over `yaml` nodes. Aliases are resolved one step at a time against a
 * budget, so alias bombs cost bounded time; anything of the wrong shape reads as undefined.
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Span } from '../text/span';

export class NodeReader {
  private budget: number;
  exhausted = false;

  constructor(
    private readonly doc: Document.Parsed,
    budget = 200_000,
  ) {
    this.budget = budget;
  }

  /** Follows aliases (bounded) and returns the node, or undefined. */
  deref(n: unknown): Node | undefined {
    let cur = n;
    for (let hops = 0; isAlias(cur); hops++) {
      if (hops > 16 || --this.budget < 0) {
        this.exhausted = true;
        return undefined;
      }
      cur = cur.resolve(this.doc);
    }
    if (--this.budget < 0) {
      this.exhausted = true;
      return undefined;
    }
    return (cur ?? undefined) as Node | undefined;
  }

  map(n: unknown): YAMLMap | undefined {
    const d = this.deref(n);
    return isMap(d) ? d : undefined;
  }

  seq(n: unknown): YAMLSeq | undefined {
    const d = this.deref(n);
    return isSeq(d) ? d : undefined;
  }

  scalar(n: unknown): Scalar | undefined {
    const d = this.deref(n);
    return isScalar(d) ? d : undefined;
  }

  /** Entries of a map whose keys are scalars, with key text. */
  *entries(m: YAMLMap): Generator<{ key: string; pair: Pair; keyNode: Scalar }> {
    for (const pair of m.items) {
      if (--this.budget < 0) {
        this.exhausted = true;
        return;
      }
      const k = this.scalar(pair.key);
      if (!k) continue;
      yield { key: String(k.value), pair, keyNode: k };
    }
  }

  /** The pair of `key` in a map. */
  pair(m: YAMLMap | undefined, key: string): { pair: Pair; keyNode: Scalar } | undefined {
    if (!m) return undefined;
    for (const e of this.entries(m)) if (e.key === key) return e;
    return undefined;
  }

  get(m: YAMLMap | undefined, key: string): unknown {
    return this.pair(m, key)?.pair.value ?? undefined;
  }

  /** Follows a path of keys through maps. */
  path(m: YAMLMap | undefined, ...keys: string[]): unknown {
    let cur: unknown = m;
    for (const k of keys) {
      const mm = this.map(cur);
      if (!mm) return undefined;
      cur = this.get(mm, k);
    }
    return cur;
  }
}

export function spanOf(n: unknown, fallback: Span = { start: 0, end: 0 }): Span {
  const r = (n as { range?: [number, number, number] } | null | undefined)?.range;
  return r ? { start: r[0], end: r[1] } : fallback;
}

/** Span of a pair: from its key to the end of its value. */
export function pairSpan(p: Pair): Span {
  const k = spanOf(p.key);
  const v = p.value ? spanOf(p.value, k) : k;
  return { start: k.start, end: Math.max(k.end, v.end) };
}
