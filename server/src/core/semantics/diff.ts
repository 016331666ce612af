/**
 * The reachability diff: what changes between the connectivity of two snapshots (issue 12). Each
 * side is that snapshot's own matrix (`ClassPairs`, matrix.ts: egress side ∩ ingress side); the
 * external ranges are cut at the ipBlock boundaries of both sides, so that every range is wholly
 * inside or outside every ipBlock of either, and the two sides compare range by range. A workload
 * of one side only has "none" on the other. Each change says which rules opened it (the rules of the
 * new side that allow the opened part) or closed it (the rules of the old side that allowed the
 * closed part), from the RuleRefs the sets carry, the same provenance `explain` reads.
 */
import { cmp, type WorkspaceIndex } from '../index/workspace-index';
import type { CompiledPolicy, Endpoint } from './compile';
import { externalRanges } from './endpoints';
import type { PolicyEngine } from './engine';
import { ClassPairs } from './matrix';
import { policyName, ruleLabel } from './names';
import { ConnectionSet } from './port-set';
import type { RuleRef } from './rule-ref';
import { clusterPolicyName, tierRuleLabel } from './tiers';

/** One ordered pair of distinct endpoints whose allowed connection set differs. */
export interface ReachChange {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  /** Allowed before / after (`ConnectionSet.EMPTY` for none, or where an endpoint is absent). */
  readonly before: ConnectionSet;
  readonly after: ConnectionSet;
  /** After minus before; its intervals carry the new side's rules that allow them. */
  readonly opened: ConnectionSet;
  /** Before minus after; its intervals carry the old side's rules that allowed them. */
  readonly closed: ConnectionSet;
  /**
   * The rules to name for the opened part: those among the opened part's rules that are new or
   * changed (their text, or their policy's, differs from the old side), else all of them.
   */
  readonly openedBy: readonly RuleRef[];
  /** The same for the closed part, of the old side (rules removed or changed first). */
  readonly closedBy: readonly RuleRef[];
  /** The part opened because a policy no longer isolates a side: the policies that isolated it before. */
  readonly noLongerIsolatedBy: readonly CompiledPolicy[];
  /** Policies (of the new side) that now isolate a side that was open before. */
  readonly nowIsolatedBy: readonly CompiledPolicy[];
  /** An endpoint exists on one side only. */
  readonly srcOnly?: 'before' | 'after';
  readonly dstOnly?: 'before' | 'after';
}

export interface ReachDiff {
  /** Sorted by source id, then destination id (Go string order, as the listings). */
  readonly changes: readonly ReachChange[];
  /** The union of both sides' endpoints, sorted by id. */
  readonly endpoints: readonly Endpoint[];
}

/**
 * Compares the connectivity of two snapshots: one entry per ordered pair of distinct endpoints
 * (external ↔ external excluded) whose allowed set differs.
 */
export function reachDiff(before: PolicyEngine, after: PolicyEngine): ReachDiff {
  const oldWl = new Map(before.workloadEndpoints().map((e) => [e.id, e]));
  const newWl = new Map(after.workloadEndpoints().map((e) => [e.id, e]));
  // ad-hoc ranges (no `ix`): each engine matches them peer by peer
  const externals = externalRanges([...before.compiled, ...after.compiled]);
  const ids = [...new Set([...oldWl.keys(), ...newWl.keys(), ...externals.map((e) => e.id)])].sort(cmp);
  const extById = new Map(externals.map((e) => [e.id, e]));
  const oldPairs = new ClassPairs(before);
  const newPairs = new ClassPairs(after);
  interface Slot {
    readonly id: string;
    readonly old?: Endpoint;
    readonly new?: Endpoint;
    readonly oi: number;
    readonly ni: number;
  }
  const slots: Slot[] = ids.map((id) => {
    const ext = extById.get(id);
    const o = ext ?? oldWl.get(id);
    const n = ext ?? newWl.get(id);
    return { id, old: o, new: n, oi: o ? oldPairs.ix(o) : -1, ni: n ? newPairs.ix(n) : -1 };
  });
  const rules = new RuleChanges(before, after);
  const changes: ReachChange[] = [];
  for (const s of slots) {
    for (const d of slots) {
      if (s === d) continue;
      const sx = (s.old ?? s.new) as Endpoint;
      const dx = (d.old ?? d.new) as Endpoint;
      // domain names are destinations only; external ranges talk to workloads only
      if (sx.kind === 'domain' || (sx.kind !== 'workload' && dx.kind !== 'workload')) continue;
      const b = s.old && d.old ? oldPairs.conns(s.oi, d.oi) : ConnectionSet.EMPTY;
      const a = s.new && d.new ? newPairs.conns(s.ni, d.ni) : ConnectionSet.EMPTY;
      if (a === b || a.equals(b)) continue;
      changes.push(change(before, after, rules, s, d, b, a));
    }
  }
  const endpoints = slots.map((s) => (s.new ?? s.old) as Endpoint);
  return { changes, endpoints };
}

/**
 * The changes a policy (`ns/name`) made: those whose opening or closing rules are its rules, or
 * that it isolates now or no longer (what its code lens counts while it is edited).
 */
export function changesByPolicy(d: ReachDiff, policy: string): ReachChange[] {
  const ruleOf = (r: RuleRef): boolean => !r.tier && policyName(r.policy) === policy;
  return d.changes.filter(
    (c) =>
      c.openedBy.some(ruleOf) ||
      c.closedBy.some(ruleOf) ||
      c.noLongerIsolatedBy.some((p) => p.id === policy) ||
      c.nowIsolatedBy.some((p) => p.id === policy),
  );
}

function change(
  before: PolicyEngine,
  after: PolicyEngine,
  rules: RuleChanges,
  s: { old?: Endpoint; new?: Endpoint },
  d: { old?: Endpoint; new?: Endpoint },
  b: ConnectionSet,
  a: ConnectionSet,
): ReachChange {
  // the pair itself (with its sides) from each engine, for the rules and the isolation
  const pb = s.old && d.old ? before.pair(s.old, d.old) : undefined;
  const pa = s.new && d.new ? after.pair(s.new, d.new) : undefined;
  const bSet = pb?.conns ?? ConnectionSet.EMPTY;
  const aSet = pa?.conns ?? ConnectionSet.EMPTY;
  const opened = aSet.minus(b);
  const closed = bSet.minus(a);
  const isoB = pb ? [...pb.egress.isolating, ...pb.ingress.isolating] : [];
  const isoA = pa ? [...pa.egress.isolating, ...pa.ingress.isolating] : [];
  const idsB = new Set(isoB.map((p) => p.id));
  const idsA = new Set(isoA.map((p) => p.id));
  const only = (x: { old?: Endpoint; new?: Endpoint }): 'before' | 'after' | undefined =>
    x.old && !x.new ? 'before' : x.new && !x.old ? 'after' : undefined;
  const srcOnly = only(s);
  const dstOnly = only(d);
  return {
    src: (s.new ?? s.old) as Endpoint,
    dst: (d.new ?? d.old) as Endpoint,
    before: b,
    after: a,
    opened,
    closed,
    openedBy: rules.pick(opened.refs(), 'after'),
    closedBy: rules.pick(closed.refs(), 'before'),
    noLongerIsolatedBy: pa && !opened.isEmpty ? unique(isoB.filter((p) => !idsA.has(p.id))) : [],
    nowIsolatedBy: pb && !closed.isEmpty ? unique(isoA.filter((p) => !idsB.has(p.id))) : [],
    ...(srcOnly ? { srcOnly } : {}),
    ...(dstOnly ? { dstOnly } : {}),
  };
}

function unique(ps: readonly CompiledPolicy[]): CompiledPolicy[] {
  const seen = new Set<string>();
  return ps.filter((p) => !seen.has(p.id) && seen.add(p.id));
}

/** Which rules and policies differ between the two sides, by their text (whitespace aside). */
class RuleChanges {
  private readonly texts: [Map<string, string>, Map<string, string>];

  constructor(before: PolicyEngine, after: PolicyEngine) {
    this.texts = [policyTexts(before.index), policyTexts(after.index)];
  }

  /** The refs whose rule is new or changed on `side`, else those whose policy is; else all of them. */
  pick(refs: readonly RuleRef[], side: 'before' | 'after'): RuleRef[] {
    if (refs.length <= 1) return [...refs];
    const [mine, theirs] = side === 'after' ? this.texts : [this.texts[1], this.texts[0]];
    const differs = (key: string): boolean => mine.get(key) !== theirs.get(key);
    const byRule = refs.filter((r) => differs(ruleKey(refPolicyName(r), r.direction, r.rule.index)));
    if (byRule.length) return byRule;
    const byPolicy = refs.filter((r) => differs(refPolicyName(r)));
    return byPolicy.length ? byPolicy : [...refs];
  }
}

function ruleKey(policy: string, direction: string, index: number): string {
  return `${policy} ${direction} ${index}`;
}

/** The policy a rule reference points at, as explanations name it (`cnp/x` for a tier rule). */
export function refPolicyName(r: RuleRef): string {
  return r.tier ? clusterPolicyName(r.policy) : policyName(r.policy);
}

/** The rule a reference points at: `ingress rule 2`, or a tier rule by its name. */
export function refRuleLabel(r: RuleRef): string {
  return r.tier ? tierRuleLabel(r.rule) : ruleLabel(r.direction, r.rule);
}

/** Each policy's and each rule's text, whitespace collapsed (several same-name policies: joined). */
function policyTexts(index: WorkspaceIndex): Map<string, string> {
  const out = new Map<string, string>();
  const add = (key: string, text: string): void => {
    const prev = out.get(key);
    out.set(key, prev === undefined ? text : `${prev}\u0000${text}`);
  };
  for (const p of index.policies) {
    const text = index.file(p.doc.uri)?.text ?? '';
    const slice = (span: { start: number; end: number }): string =>
      text.slice(span.start, span.end).replace(/\s+/g, ' ').trim();
    add(policyName(p), slice(p.doc.span));
    for (const direction of ['ingress', 'egress'] as const) {
      const list = p[direction];
      if (!list) continue;
      for (const r of list.rules) add(ruleKey(policyName(p), direction, r.index), slice(r.span));
    }
  }
  return out;
}
