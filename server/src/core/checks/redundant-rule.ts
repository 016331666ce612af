/**
 * redundant-rule (hint, "unnecessary"): a rule, or a peer of a rule, that takes effect and is fully
 * covered by others in the same policy and direction: every connection it allows is allowed
 * anyway. Coverage is structural and sound: a selector covers another when each of its
 * requirements is implied by the other's; an ipBlock covers another by address ranges; ports by
 * protocol and range (named ports by name). Of identical items the later one is reported. Fix
 * "Remove redundant rule" / "Remove redundant peer".
 */
import { defineCheck, defineCode, type Report, subjectPolicies } from './types';
import type { Direction, NetworkPolicyResource, PortEntry } from '../model/types';
import { normProtocol } from '../model/lower';
import type { CompiledRule, PeerMatcher } from '../semantics/compile';
import type { YamlOp } from '../model/finding';
import { policyName, ruleLabel } from '../semantics/names';
import { namespaceNameReqs, type Req, reqsCover, selectorReqs } from '../semantics/requirements';
import { capitalized, listText } from '../text/words';
import { peerPath, rulePath } from './support';

interface PeerShape {
  readonly ns: readonly Req[] | 'any';
  readonly pods: readonly Req[];
}

/** A compiled peer in comparable form; undefined for peers that match nothing (reported elsewhere). */
function shapeOf(
  pm: PeerMatcher,
  policyNs: string,
): PeerShape | { ip: PeerMatcher & { kind: 'ipBlock' } } | undefined {
  if (pm.kind === 'none' || pm.kind === 'domains') return undefined;
  if (pm.kind === 'ipBlock') return { ip: pm };
  const pods = selectorReqs(pm.peer.podSelector);
  if (!pods) return undefined;
  if (pm.namespaces === 'own') return { ns: namespaceNameReqs(policyNs), pods };
  const ns = selectorReqs(pm.peer.namespaceSelector);
  if (!ns) return undefined;
  return { ns: ns.length === 0 ? 'any' : ns, pods };
}

function peerCovers(wide: PeerMatcher, narrow: PeerMatcher, ns: string): boolean {
  const w = shapeOf(wide, ns);
  const n = shapeOf(narrow, ns);
  if (!w || !n) return false;
  if ('ip' in w || 'ip' in n) {
    if (!('ip' in w) || !('ip' in n)) return false;
    return n.ip.set.ranges.every((r) => w.ip.set.covers(r));
  }
  const nsOk = w.ns === 'any' || (n.ns !== 'any' && reqsCover(w.ns, n.ns));
  return nsOk && reqsCover(w.pods, n.pods);
}

function portCovers(w: PortEntry, n: PortEntry): boolean {
  const wp = w.protocol === undefined ? 'TCP' : normProtocol(w.protocol.value);
  const np = n.protocol === undefined ? 'TCP' : normProtocol(n.protocol.value);
  if (!wp || !np || wp !== np) return false;
  const wv = w.port?.value;
  const nv = n.port?.value;
  if (wv === undefined) return true;
  if (nv === undefined) return false;
  if (typeof wv === 'string' || typeof nv === 'string') return wv === nv && !w.endPort && !n.endPort;
  const wHi = w.endPort?.value ?? wv;
  const nHi = n.endPort?.value ?? nv;
  return wv <= nv && nHi <= wHi;
}

function portsCover(wide: CompiledRule, narrow: CompiledRule): boolean {
  if (!wide.ports) return true;
  if (!narrow.ports) return false;
  return narrow.ports.every((n) => wide.ports?.some((w) => portCovers(w, n)));
}

type Gone = ReadonlyMap<CompiledRule, ReadonlySet<PeerMatcher>>;

/** Does one peer of `cover` (or its "all peers") cover `pm`? Peers already found redundant do not count. */
function coveredBy(pm: PeerMatcher, cover: CompiledRule, ns: string, gone: Gone): boolean {
  if (cover.peers === 'all') return true;
  return cover.peers.some((x) => x !== pm && gone.get(cover)?.has(x) !== true && peerCovers(x, pm, ns));
}

const meta = defineCode({
  code: 'redundant-rule',
  defaultSeverity: 'hint',
  scope: 'file',
  summary: 'A rule or peer fully covered by another in the same policy.',
  fixes: {
    'remove-redundant-rule': 'Remove redundant rule; Remove redundant rule peer',
  },
});

export const redundantRule = defineCheck(meta, (ctx) => {
  const out: Report<typeof meta>[] = [];

  for (const c of subjectPolicies(ctx)) {
    const p = c.policy;
    for (const dir of ['ingress', 'egress'] as const) {
      const rules = c[dir].filter(
        (r) => !r.ref.rule.invalid && (r.peers === 'all' || r.peers.every((pm) => pm.kind !== 'none')),
      );
      const removed = new Set<CompiledRule>();
      const gone = new Map<CompiledRule, Set<PeerMatcher>>();
      // later rules go first: of two identical rules, the second is the redundant one
      for (let i = rules.length - 1; i >= 0; i--) {
        const a = rules[i] as CompiledRule;
        const others = rules.filter((b) => b !== a && !removed.has(b) && portsCover(b, a));
        let coverers: CompiledRule[] | undefined;
        if (a.peers === 'all') {
          const b = others.find((o) => o.peers === 'all');
          coverers = b ? [b] : undefined;
        } else {
          const used = new Set<CompiledRule>();
          for (const pm of a.peers) {
            const b = others.find((o) => coveredBy(pm, o, c.namespace, gone));
            if (!b) {
              coverers = undefined;
              break;
            }
            used.add(b);
            coverers = [...used];
          }
        }
        if (coverers?.length) {
          removed.add(a);
          out.push(ruleFinding(p, dir, a, coverers));
        }
      }
      for (const a of [...rules].reverse()) {
        if (removed.has(a) || a.peers === 'all') continue;
        const peers = a.peers;
        const dropped = new Set<PeerMatcher>();
        gone.set(a, dropped);
        for (let j = peers.length - 1; j >= 0; j--) {
          const pm = peers[j] as PeerMatcher;
          if (peers.length - dropped.size <= 1) break;
          const inRule = peers.some((x) => x !== pm && !dropped.has(x) && peerCovers(x, pm, c.namespace));
          const inOther =
            !inRule &&
            rules.some(
              (b) => b !== a && !removed.has(b) && portsCover(b, a) && coveredBy(pm, b, c.namespace, gone),
            );
          if (!inRule && !inOther) continue;
          dropped.add(pm);
          out.push(peerFinding(p, dir, a, pm, inRule));
        }
      }
    }
  }
  return out;
});

function ruleFinding(
  p: NetworkPolicyResource,
  dir: Direction,
  a: CompiledRule,
  others: readonly CompiledRule[],
): Report<typeof meta> {
  const rule = a.ref.rule;
  const ops: YamlOp[] = [{ op: 'remove', docIndex: p.doc.docIndex, path: rulePath(p, dir, rule) }];
  const by = listText(others.map((o) => ruleLabel(dir, o.ref.rule)));
  return {
    uri: p.doc.uri,
    span: rule.span,
    tags: ['unnecessary'],
    message: `${capitalized(ruleLabel(dir, rule))} of ${policyName(p)} is redundant: everything it allows is already allowed by ${by} of the same policy. Remove it, or narrow the other rule if this one was meant to be the limit.`,
    related: others.slice(0, 3).map((o) => ({
      uri: p.doc.uri,
      span: o.ref.rule.span,
      message: `${ruleLabel(dir, o.ref.rule)}, which covers it`,
    })),
    fixes: [{ kind: 'remove-redundant-rule', title: 'Remove redundant rule', data: { ops } }],
  };
}

function peerFinding(
  p: NetworkPolicyResource,
  dir: Direction,
  a: CompiledRule,
  pm: PeerMatcher,
  inRule: boolean,
): Report<typeof meta> {
  const rule = a.ref.rule;
  const ops: YamlOp[] = [{ op: 'remove', docIndex: p.doc.docIndex, path: peerPath(p, dir, rule, pm.peer) }];
  return {
    uri: p.doc.uri,
    span: pm.peer.span,
    tags: ['unnecessary'],
    message: `This peer of ${ruleLabel(dir, rule)} of ${policyName(p)} is redundant: ${inRule ? 'another peer of the same rule' : 'another rule of the same policy, on the same or more ports,'} already covers everything it matches. Remove it.`,
    fixes: [{ kind: 'remove-redundant-rule', title: 'Remove redundant rule peer', data: { ops } }],
  };
}
