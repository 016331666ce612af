/**
 * Small, budgeted readers over `yaml` nodes. Aliases are resolved one step at a time against a
 * budget, so alias bombs cost bounded time; anything of the wrong shape reads as undefined.
 */
import {
  isAlias,
  isNode,
  isMap,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type Node,
  type Pair,
  type Scalar,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import type { Span } from '../text/span';

/**
 * The node each alias of the document stands for: the last node before it (in document order)
 * with its anchor, as `Alias.resolve` finds it, in one walk for all aliases (`resolve` walks the
 * document on every call). Iterative: documents can nest deeper than the call stack.
 */
export function aliasTargets(doc: Document.Parsed): Map<Alias, Node> {
  const out = new Map<Alias, Node>();
  const anchors = new Map<string, Node>();
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop();
    if (isAlias(n)) {
      const t = anchors.get(n.source);
      if (t) out.set(n, t);
      continue;
    }
    if (!isNode(n)) continue;
    if (n.anchor) anchors.set(n.anchor, n);
    if (isMap(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) {
        const p = n.items[i] as Pair;
        stack.push(p.value, p.key);
      }
    } else if (isSeq(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) stack.push(n.items[i]);
    }
  }
  return out;
}

/**
 * go-yaml's alias budget (gopkg.in/yaml.v2 `allowedAliasRatio`, which kubectl's decoder
 * sigs.k8s.io/yaml uses): the share of decode steps that may come from alias expansion, 99 % up to
 * 400,000 steps, falling to 10 % at 4,000,000.
 */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

/**
 * True when kubectl rejects the document with "document contains excessive aliasing" (a billion
 * laughs), whether or not netpol-lens reads the keys that hold the aliases: kubectl decodes the whole
 * document, unknown keys included, before it looks at any field. The walk follows go-yaml's
 * decoder step by step (every node of the document once, an alias's target again each time the
 * alias is met, a merge key's value but not the `<<` itself) and stops as soon as go-yaml would:
 * more than 100 steps inside aliases, more than 1,000 steps in all, and a share of alias steps
 * above {@link allowedAliasRatio}. It therefore costs at most the document's own nodes plus about
 * 400,000 alias steps. An alias that contains itself is rejected too ("anchor value contains itself").
 */
export function excessiveAliasing(doc: Document.Parsed, targets = aliasTargets(doc)): boolean {
  let decodeCount = 1; // the document node
  let aliasCount = 0;
  // explicit stack (documents can nest deeper than the call stack): node, alias depth, and the
  // aliases being expanded around it (their targets, for the self-containment check)
  type Frame = { n: unknown; depth: number; open: ReadonlySet<Node> | undefined };
  const stack: Frame[] = [{ n: doc.contents, depth: 0, open: undefined }];
  while (stack.length > 0) {
    const f = stack.pop() as Frame;
    decodeCount++;
    if (f.depth > 0) aliasCount++;
    if (aliasCount > 100 && decodeCount > 1000 && aliasCount / decodeCount > allowedAliasRatio(decodeCount))
      return true;
    const n = f.n;
    if (isAlias(n)) {
      const target = targets.get(n);
      if (!target) continue;
      if (f.open?.has(target)) return true;
      const open = new Set(f.open ?? []);
      open.add(target);
      stack.push({ n: target, depth: f.depth + 1, open });
    } else if (isMap(n)) {
      for (let i = n.items.length - 1; i >= 0; i--) {
        const p = n.items[i] as Pair;
        stack.push({ n: p.value, depth: f.depth, open: f.open });
        const merge = isScalar(p.key) && p.key.value === '<<';
        if (!merge) stack.push({ n: p.key, depth: f.depth, open: f.open });
      }
    } else if (isSeq(n)) {
      for (let i = n.items.length - 1; i >= 0; i--)
        stack.push({ n: n.items[i], depth: f.depth, open: f.open });
    }
  }
  return false;
}

export class NodeReader {
  private budget: number;
  exhausted = false;
  private targets: Map<Alias, Node> | undefined;

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
      cur = (this.targets ??= aliasTargets(this.doc)).get(cur);
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
