/**
 * Explanations: the verdict for one connection and why, read from the same connection sets as the
 * matrix. Plain data with SourceRefs; renderers turn the refs into file:line or links.
 */
import { policyName, policyRuleLabel } from './names';
import type { SourceRef } from '../text/span';
import type { Protocol } from '../model/types';
import type { CompiledPolicy, Endpoint } from './compile';
import type { PolicyEngine, SideResult } from './engine';
import { ConnectionSet, formatConns, type Conns } from './port-set';
import type { RuleRef } from './rule-ref';

export interface PolicyPointer {
  readonly policy: string;
  readonly ref: SourceRef;
}

export interface RulePointer {
  readonly policy: string;
  readonly direction: 'ingress' | 'egress';
  readonly ruleIndex: number;
  readonly ref: SourceRef;
}

export interface SideExplanation {
  readonly isolated: boolean;
  readonly isolatingPolicies: readonly PolicyPointer[];
  readonly allowingRules: readonly RulePointer[];
  readonly allowed: boolean;
  readonly conns: Conns | 'none';
}

export interface Explanation {
  readonly src: string;
  readonly dst: string;
  readonly port?: { readonly port: number; readonly protocol: Protocol };
  readonly allowed: boolean;
  /** Allowed on some ports only (no port given). */
  readonly partial: boolean;
  readonly conns: Conns | 'none';
  /** Source and destination are the same workload. */
  readonly self: boolean;
  readonly egress: SideExplanation;
  readonly ingress: SideExplanation;
  /** The sentences the CLI prints, with `{ref:N}` markers resolved by the caller via `refs`. */
  readonly summary: readonly string[];
  readonly notes: readonly string[];
}

export function policyPointer(p: CompiledPolicy): PolicyPointer {
  return { policy: p.id, ref: { uri: p.policy.doc.uri, span: p.policy.name.span } };
}

export function rulePointer(r: RuleRef): RulePointer {
  return {
    policy: policyName(r.policy),
    direction: r.direction,
    ruleIndex: r.rule.index,
    ref: { uri: r.policy.doc.uri, span: r.rule.span },
  };
}

function connsOf(set: ConnectionSet): Conns | 'none' {
  return set.isEmpty ? 'none' : set.toConns();
}

export function explainConnection(
  engine: PolicyEngine, src: Endpoint, dst: Endpoint, port?: { port: number; protocol: Protocol },
): Explanation {
  const r = engine.pair(src, dst);
  const narrow = (s: ConnectionSet): ConnectionSet => (port ? s.restrict(port.protocol, port.port) : s);
  const eg = narrow(r.egress.set);
  const ing = narrow(r.ingress.set);
  const conns = narrow(r.conns);
  const self = src.id === dst.id;
  const allowed = self || !conns.isEmpty;
  const partial = !self && !port && !conns.isEmpty && !conns.isAll;
  const side = (s: SideResult, set: ConnectionSet): SideExplanation => ({
    isolated: s.isolating.length > 0,
    isolatingPolicies: s.isolating.map(policyPointer),
    allowingRules: set.refs().map(rulePointer),
    allowed: !set.isEmpty,
    conns: connsOf(set),
  });
  const notes: string[] = [];
  if (r.egress.viaPodIp || r.ingress.viaPodIp) {
    notes.push('An ipBlock matched a pod by its IP address (status.podIP). Whether ipBlocks apply to pod IPs is up to the network plugin; most plugins match them, but do not rely on it across plugins.');
  }
  for (const ep of [src, dst]) {
    if (ep.kind === 'workload' && ep.workload.hostNetwork) {
      notes.push(`${ep.id} uses hostNetwork: its traffic uses the node's address, and whether policies apply to it is up to the network plugin.`);
    }
  }
  if (dst.kind === 'external' || src.kind === 'external') {
    notes.push('External ranges are matched only by ipBlock rules and by rules that allow all peers; traffic to a Service ClusterIP is matched after translation to pod IPs.');
  }
  const what = port ? `${port.protocol} ${port.port}` : 'any port';
  const summary: string[] = [];
  if (self) {
    summary.push(`${src.id} → itself: ALLOWED. Traffic from a pod to itself never leaves its network namespace and is always allowed.`);
    summary.push(`Between different pods of ${src.id} the policies allow: ${formatConns(connsOf(conns))}.`);
  } else {
    const verdict = conns.isEmpty ? 'DENIED' : partial ? `ALLOWED on ${formatConns(conns.toConns())} only` : 'ALLOWED';
    summary.push(`${src.id} → ${dst.id} on ${what}: ${verdict}.`);
  }
  summary.push(sideSentence('egress', src, dst, r.egress, eg, what));
  summary.push(sideSentence('ingress', src, dst, r.ingress, ing, what));
  return {
    src: src.id, dst: dst.id, ...(port ? { port } : {}), allowed, partial, conns: self ? 'all' : connsOf(conns), self,
    egress: side(r.egress, eg), ingress: side(r.ingress, ing), summary, notes,
  };
}

function sideSentence(dir: 'ingress' | 'egress', src: Endpoint, dst: Endpoint, s: SideResult, set: ConnectionSet, what: string): string {
  const pod = dir === 'egress' ? src : dst;
  const other = dir === 'egress' ? dst : src;
  const Dir = dir === 'egress' ? `Egress from ${pod.id}` : `Ingress to ${pod.id}`;
  if (pod.kind === 'external') return `${Dir}: an external address; no NetworkPolicy applies to it.`;
  if (s.isolating.length === 0) {
    return `${Dir}: not isolated (no policy selecting it has ${dir === 'egress' ? 'Egress' : 'Ingress'} in its policyTypes), so all ${dir} is allowed.`;
  }
  const iso = `isolated by ${s.isolating.map((p) => p.id).join(', ')}`;
  if (set.isEmpty) {
    return `${Dir}: ${iso}; no ${dir} rule of ${s.isolating.length === 1 ? 'that policy' : 'those policies'} allows ${other.id} on ${what}. To allow it, add an ${dir} rule whose "${dir === 'egress' ? 'to' : 'from'}" matches ${other.id}${what === 'any port' ? '' : ` and whose ports include ${what}`}.`;
  }
  const rules = set.refs().map((r) => policyRuleLabel(r.policy, r.direction, r.rule));
  return `${Dir}: ${iso}; allowed (${formatConns(set.toConns())}) by ${rules.join(', ')}.`;
}
