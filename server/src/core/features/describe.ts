/**
 * Policies in plain English for hovers, code lenses and symbols: selectors ("labeled app=web"),
 * peers ("pods labeled app=web in namespaces labeled team=a"), ports ("on TCP 80") and what a
 * policy does in one direction ("only from …", "denied (no egress rules)"). Also `HoverLinks`,
 * which writes markdown links whose targets are SourceRefs (the adapter turns them into lines).
 */
import { METADATA_NAME_LABEL, type Workload } from '../index/workspace-index';
import type {
  Direction,
  LabelSelector,
  NetworkPolicyResource,
  Peer,
  PolicyRule,
  PortEntry,
} from '../model/types';
import { effectivePolicyTypes } from '../semantics/compile';
import { parseCidr } from '../semantics/ip-set';
import { policyName, policyRuleLabel, ruleLabel } from '../semantics/names';
import type { SourceRef } from '../text/span';
import { plural } from '../text/words';

// ---------- selectors, peers, ports, rules ----------

/** `app=web and tier in (a, b)`; '' for an empty selector `{}`. */
export function selectorPhrase(sel: LabelSelector): string {
  const parts = sel.matchLabels.map((p) => `${p.key.value}=${p.value.value}`);
  for (const r of sel.matchExpressions) {
    const key = r.key?.value ?? '?';
    const values = (r.values ?? []).map((v) => v.value).join(', ');
    switch (r.operator?.value) {
      case 'In':
        parts.push(`${key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${key} not in (${values})`);
        break;
      case 'Exists':
        parts.push(`with a ${key} label`);
        break;
      case 'DoesNotExist':
        parts.push(`without a ${key} label`);
        break;
      default:
        parts.push(`${key} ${r.operator?.value ?? '?'} (${values})`);
    }
  }
  return parts.join(' and ');
}

/** The namespace names a namespaceSelector pins by `kubernetes.io/metadata.name` alone, if that is all it says. */
function namesOnly(sel: LabelSelector): string[] | undefined {
  if (sel.matchLabels.length + sel.matchExpressions.length !== 1) return undefined;
  const ml = sel.matchLabels[0];
  if (ml) return ml.key.value === METADATA_NAME_LABEL ? [ml.value.value] : undefined;
  const me = sel.matchExpressions[0];
  if (
    me &&
    me.key?.value === METADATA_NAME_LABEL &&
    me.operator?.value === 'In' &&
    me.values &&
    me.values.length > 0
  ) {
    return me.values.map((v) => v.value);
  }
  return undefined;
}

function podsPhrase(sel: LabelSelector | undefined): string {
  if (!sel) return 'all pods';
  const s = selectorPhrase(sel);
  if (!s) return 'all pods';
  return s.startsWith('with') ? `pods ${s}` : `pods labeled ${s}`;
}

function namespacesPhrase(sel: LabelSelector | undefined, ownNs: string): string {
  if (!sel) return `in namespace ${ownNs}`;
  const names = namesOnly(sel);
  if (names) return names.length === 1 ? `in namespace ${names[0]}` : `in namespaces ${names.join(', ')}`;
  const s = selectorPhrase(sel);
  if (!s) return 'in all namespaces';
  return s.startsWith('with') ? `in namespaces ${s}` : `in namespaces labeled ${s}`;
}

/** One peer in one sentence: "pods labeled app=web in namespaces labeled team=a". */
export function peerPhrase(peer: Peer, policyNs: string): string {
  if (peer.domainNames) {
    if (peer.podSelector || peer.namespaceSelector || peer.ipBlock)
      return 'nothing (a peer cannot combine domainNames with a selector or an ipBlock)';
    return `domain names ${peer.domainNames.map((n) => n.value).join(', ')}`;
  }
  if (peer.ipBlock) {
    if (peer.podSelector || peer.namespaceSelector)
      return 'nothing (a peer cannot combine ipBlock with a selector)';
    const cidr = peer.ipBlock.cidr?.value;
    if (!cidr || !parseCidr(cidr)) return `nothing (invalid CIDR ${cidr ?? '(missing)'})`;
    const ex = peer.ipBlock.except.map((e) => e.value);
    return `addresses in ${cidr}${ex.length ? ` except ${ex.join(', ')}` : ''}`;
  }
  if (!peer.podSelector && !peer.namespaceSelector) return 'nothing (an empty peer matches nothing)';
  return `${podsPhrase(peer.podSelector)} ${namespacesPhrase(peer.namespaceSelector, policyNs)}`;
}

function portEntryPhrase(pe: PortEntry): string {
  const proto = pe.protocol?.value ?? 'TCP';
  const port = pe.port?.value;
  if (port === undefined) return `all ${proto} ports`;
  if (typeof port === 'number' && pe.endPort) return `${proto} ${port}-${pe.endPort.value}`;
  return `${proto} ${port}`;
}

/** "on TCP 80, UDP 53"; '' when the rule allows every port. */
export function portsPhrase(ports: readonly PortEntry[] | undefined): string {
  if (!ports || ports.length === 0) return '';
  return `on ${ports.map(portEntryPhrase).join(', ')}`;
}

export function allowsEverything(rule: PolicyRule): boolean {
  return (!rule.peers || rule.peers.length === 0) && (!rule.ports || rule.ports.length === 0);
}

/** "from pods labeled app=web in namespace layer1 on TCP 80". */
export function rulePhrase(rule: PolicyRule, direction: Direction, policyNs: string): string {
  const fromTo = direction === 'ingress' ? 'from' : 'to';
  const peers =
    !rule.peers || rule.peers.length === 0
      ? `${fromTo} anywhere`
      : `${fromTo} ${rule.peers.map((p) => peerPhrase(p, policyNs)).join(' or ')}`;
  const ports = portsPhrase(rule.ports);
  return ports ? `${peers} ${ports}` : allowsEverything(rule) ? `${peers} on any port` : peers;
}

/** What a policy does in one direction, after "ingress: " / "egress: ". */
export function directionPhrase(p: NetworkPolicyResource, direction: Direction): string {
  const types = effectivePolicyTypes(p);
  const rules = p[direction]?.rules ?? [];
  const Type = direction === 'ingress' ? 'Ingress' : 'Egress';
  if (!types[direction]) {
    if (rules.length > 0) {
      return `not restricted by this policy: its ${plural(rules.length, `${direction} rule`)} ${rules.length === 1 ? 'is' : 'are'} ignored because policyTypes lacks ${Type}`;
    }
    return `not restricted by this policy (policyTypes has no ${Type})`;
  }
  if (rules.length === 0) return `denied (no ${direction} rules)`;
  const all = rules.find(allowsEverything);
  if (all)
    return `all allowed (${ruleLabel(direction, all)} is an empty rule, which allows all ${direction})`;
  return `only ${rules.map((r) => rulePhrase(r, direction, p.namespace)).join('; or ')}`;
}

/** The code-lens fragment for one direction: "ingress 1 rule", "egress denied", or '' when not isolated. */
export function directionLensPhrase(p: NetworkPolicyResource, direction: Direction): string {
  const types = effectivePolicyTypes(p);
  const rules = p[direction]?.rules ?? [];
  if (!types[direction])
    return rules.length > 0 ? `${direction} ${plural(rules.length, 'rule')} ignored` : '';
  if (rules.length === 0) return `${direction} denied`;
  if (rules.some(allowsEverything)) return `${direction} allows all`;
  return `${direction} ${plural(rules.length, 'rule')}`;
}

/** "Ingress, Egress" with "(defaulted)" marks where policyTypes is absent. */
export function policyTypesPhrase(p: NetworkPolicyResource): string {
  const t = effectivePolicyTypes(p);
  const mark = t.defaulted ? ' (defaulted)' : '';
  const out: string[] = [];
  if (t.ingress) out.push(`Ingress${mark}`);
  if (t.egress) out.push(`Egress${mark}`);
  return out.length ? out.join(', ') : '(none)';
}

// ---------- links ----------

/**
 * The links of one hover: `[text](link:N)` in its markdown points at `refs[N]`. Only the adapter
 * (lsp/convert.ts) knows how a SourceRef becomes a link target (`file-uri#L<line>`).
 */
export class HoverLinks {
  readonly refs: SourceRef[] = [];

  to(text: string, ref: SourceRef | undefined): string {
    if (!ref) return text;
    return `[${text}](link:${this.refs.push(ref) - 1})`;
  }

  workload(w: Workload): string {
    const s = w.sources[0];
    return this.to(w.id, s ? { uri: s.doc.uri, span: s.objectName.span } : undefined);
  }

  policy(p: NetworkPolicyResource): string {
    return this.to(policyName(p), { uri: p.doc.uri, span: p.name.span });
  }

  rule(p: NetworkPolicyResource, direction: Direction, rule: PolicyRule): string {
    return this.to(policyRuleLabel(p, direction, rule), { uri: p.doc.uri, span: rule.span });
  }
}
