/**
 * Connection sets: per protocol, sorted disjoint inclusive port intervals, each remembering the
 * rules that allowed it (netpol-analyzer's augmented intervals). Verdicts, explanations and the
 * matrix all read these sets, so every answer can name its rules.
 */
import { PROTOCOLS, type Protocol } from '../model/types';
import type { RuleRef } from './rule-ref';

export const MIN_PORT = 1;
export const MAX_PORT = 65535;

export interface Interval {
  readonly lo: number;
  readonly hi: number;
  readonly refs: readonly RuleRef[];
}

export type Conns = 'all' | Partial<Record<Protocol, Array<[number, number]>>>;

type ByProto = Readonly<Record<Protocol, readonly Interval[]>>;

const NONE: ByProto = { TCP: [], UDP: [], SCTP: [] };

export class ConnectionSet {
  private allCache: boolean | undefined;

  private constructor(readonly byProto: ByProto) {}

  static readonly EMPTY = new ConnectionSet(NONE);

  /** Every port of every protocol, allowed by no rule in particular (an unisolated side). */
  static readonly ALL: ConnectionSet = ConnectionSet.all();

  static all(refs: readonly RuleRef[] = []): ConnectionSet {
    if (refs.length === 0 && ConnectionSet.ALL) return ConnectionSet.ALL;
    const iv = [{ lo: MIN_PORT, hi: MAX_PORT, refs }];
    return new ConnectionSet({ TCP: iv, UDP: iv, SCTP: iv });
  }

  static ports(protocol: Protocol, lo: number, hi: number, refs: readonly RuleRef[] = []): ConnectionSet {
    const l = Math.max(MIN_PORT, lo);
    const h = Math.min(MAX_PORT, hi);
    if (l > h) return ConnectionSet.EMPTY;
    return new ConnectionSet({ ...NONE, [protocol]: [{ lo: l, hi: h, refs }] });
  }

  get isEmpty(): boolean {
    // PROTOCOLS spelled out: asked for every pair of a listing
    const b = this.byProto;
    return b.TCP.length === 0 && b.UDP.length === 0 && b.SCTP.length === 0;
  }

  get isAll(): boolean {
    return (this.allCache ??= PROTOCOLS.every((p) => {
      const merged = mergePlain(this.byProto[p]);
      return merged.length === 1 && merged[0]?.[0] === MIN_PORT && merged[0]?.[1] === MAX_PORT;
    }));
  }

  union(other: ConnectionSet): ConnectionSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return this.combine(other, (a, b) => a || b);
  }

  intersect(other: ConnectionSet): ConnectionSet {
    if (other === ConnectionSet.ALL) return this;
    if (this === ConnectionSet.ALL) return other;
    if (this.isEmpty || other.isEmpty) return ConnectionSet.EMPTY;
    return this.combine(other, (a, b) => a && b);
  }

  /** The part of this set outside `other`, keeping this set's rules only. */
  minus(other: ConnectionSet): ConnectionSet {
    if (this.isEmpty || other.isEmpty) return this;
    return this.combine(other, (a, b) => a && !b, true);
  }

  /** The same intervals with no rules (what reaches a tier, say). */
  plain(): ConnectionSet {
    if (this.isEmpty) return ConnectionSet.EMPTY;
    return ConnectionSet.ALL.minus(ConnectionSet.ALL.minus(this));
  }

  /** The part of the set on one port (or every port) of one protocol. */
  restrict(protocol: Protocol, port?: number): ConnectionSet {
    const lo = port ?? MIN_PORT;
    const hi = port ?? MAX_PORT;
    return this.intersect(ConnectionSet.ports(protocol, lo, hi));
  }

  has(protocol: Protocol, port: number): boolean {
    return this.byProto[protocol].some((i) => i.lo <= port && port <= i.hi);
  }

  /** The intervals that carry one rule. */
  only(ref: RuleRef): ConnectionSet {
    const res = {} as Record<Protocol, Interval[]>;
    for (const p of PROTOCOLS) res[p] = this.byProto[p].filter((i) => i.refs.includes(ref));
    return new ConnectionSet(res);
  }

  /** Rules behind every interval of the set, deduplicated, in first-seen order. */
  refs(): RuleRef[] {
    const out = new Set<RuleRef>();
    for (const p of PROTOCOLS) for (const i of this.byProto[p]) for (const r of i.refs) out.add(r);
    return [...out];
  }

  /** The plain set (refs dropped): "all" or protocol → merged ranges, empty protocols omitted. */
  toConns(): Conns {
    if (this.isAll) return 'all';
    const out: Partial<Record<Protocol, Array<[number, number]>>> = {};
    for (const p of PROTOCOLS) {
      const m = mergePlain(this.byProto[p]);
      if (m.length) out[p] = m;
    }
    return out;
  }

  equals(other: ConnectionSet): boolean {
    return JSON.stringify(this.toConns()) === JSON.stringify(other.toConns());
  }

  private combine(
    other: ConnectionSet,
    keep: (a: boolean, b: boolean) => boolean,
    ownRefs = false,
  ): ConnectionSet {
    const res = {} as Record<Protocol, Interval[]>;
    for (const p of PROTOCOLS) res[p] = combineIntervals(this.byProto[p], other.byProto[p], keep, ownRefs);
    return new ConnectionSet(res);
  }
}

function combineIntervals(
  a: readonly Interval[],
  b: readonly Interval[],
  keep: (a: boolean, b: boolean) => boolean,
  ownRefs = false,
): Interval[] {
  if (a.length === 0 && b.length === 0) return [];
  const pts = new Set<number>();
  for (const i of a) {
    pts.add(i.lo);
    pts.add(i.hi + 1);
  }
  for (const i of b) {
    pts.add(i.lo);
    pts.add(i.hi + 1);
  }
  const sorted = [...pts].sort((x, y) => x - y);
  const out: Interval[] = [];
  let ia = 0;
  let ib = 0;
  for (let k = 0; k + 1 < sorted.length; k++) {
    const lo = sorted[k] as number;
    const hi = (sorted[k + 1] as number) - 1;
    while (ia < a.length && (a[ia] as Interval).hi < lo) ia++;
    while (ib < b.length && (b[ib] as Interval).hi < lo) ib++;
    const ra = ia < a.length && (a[ia] as Interval).lo <= lo ? a[ia] : undefined;
    const rb = ib < b.length && (b[ib] as Interval).lo <= lo ? b[ib] : undefined;
    if (!keep(!!ra, !!rb)) continue;
    const refs = ownRefs ? (ra?.refs ?? EMPTY_REFS) : mergeRefs(ra?.refs, rb?.refs);
    const last = out[out.length - 1];
    if (last && last.hi + 1 === lo && sameRefs(last.refs, refs))
      out[out.length - 1] = { lo: last.lo, hi, refs: last.refs };
    else out.push({ lo, hi, refs });
  }
  return out;
}

const EMPTY_REFS: readonly RuleRef[] = [];

function mergeRefs(a: readonly RuleRef[] | undefined, b: readonly RuleRef[] | undefined): readonly RuleRef[] {
  if (!a || a.length === 0) return b ?? EMPTY_REFS;
  if (!b || b.length === 0 || a === b) return a;
  const out = [...a];
  for (const r of b) if (!out.includes(r)) out.push(r);
  return out;
}

function sameRefs(a: readonly RuleRef[], b: readonly RuleRef[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((r) => b.includes(r));
}

function mergePlain(iv: readonly Interval[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const i of iv) {
    const last = out[out.length - 1];
    if (last && last[1] + 1 >= i.lo) last[1] = Math.max(last[1], i.hi);
    else out.push([i.lo, i.hi]);
  }
  return out;
}

/** `TCP 80,UDP 53` style, or `All Connections` / `No Connections`. */
export function formatConns(c: Conns | 'none'): string {
  if (c === 'none') return 'No Connections';
  if (c === 'all') return 'All Connections';
  const parts: string[] = [];
  for (const p of ['SCTP', 'TCP', 'UDP'] as Protocol[]) {
    const r = c[p];
    if (!r || r.length === 0) continue;
    parts.push(`${p} ${r.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)).join(',')}`);
  }
  return parts.length ? parts.join(',') : 'No Connections';
}
