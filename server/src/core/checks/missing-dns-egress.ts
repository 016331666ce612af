/**
 * missing-dns-egress: a pod selected by this policy is egress-isolated (by the union of the
 * policies that select it) and none of them lets it reach cluster DNS on UDP 53; with UDP allowed
 * but TCP 53 missing, information. The DNS pods are settings.dns (namespace + labels): the
 * workspace's, or a virtual pod with those labels in that namespace when the workspace has none.
 * Everything is asked of the PolicyEngine: namespace scoping, `podSelector: {}`, deny-all
 * policies (egress isolated, no rules) and DNS rules in a second policy come out exactly.
 *
 * When the policy selects no workload of the workspace, a pod it surely selects stands in for its
 * pods, and every egress policy of the namespace whose selector may overlap counts as allowing
 * (pods not in the workspace: no false alarm when another policy might allow DNS).
 *
 * Fix "Allow DNS egress": an egress rule to the DNS pods on UDP and TCP 53.
 *
 * Through the tiers (docs/semantics.md "Cluster-wide policy tiers"): the verdict is the pod's
 * effective egress side (engine `egressSide`, Admin → NetworkPolicy → Baseline), and the deciding
 * tier is read from its trail. Where an Admin or Baseline rule denies DNS (an Admin Deny before the
 * NetworkPolicies; a Baseline Deny for pods no NetworkPolicy isolates), the finding is on that rule
 * of the cluster-wide policy, naming the pods, and its fix inserts an Accept rule to the DNS pods on
 * UDP and TCP 53 right before it in the same policy (it decides only DNS connections that reached the
 * denying rule); a NetworkPolicy finding is made only where the NetworkPolicy tier decides.
 */
import { defineCheck, defineCode, subjectPolicies, lazy, type FixOf, type Report } from './types';
import type { RelatedInfo, YamlOp } from '../model/finding';
import type { NetworkPolicyResource } from '../model/types';
import type { Workload } from '../index/workspace-index';
import { METADATA_NAME_LABEL } from '../index/workspace-index';
import { rulePorts, type CompiledPolicy, type Endpoint } from '../semantics/compile';
import type { ConnectionSet } from '../semantics/port-set';
import type { Settings } from '../settings';
import { labelsText, policyName } from '../semantics/names';
import { allowedEgress, dnsTargets, workloadEndpoint } from '../semantics/queries';
import { reqsMayOverlap, sampleLabels, selectorReqs } from '../semantics/requirements';
import { listText } from '../text/words';
import { compact, policyRelated, specPath, workloadRelated } from './support';
import type { PolicyEngine, SideResult } from '../semantics/engine';
import type { TierRuleRef } from '../semantics/rule-ref';
import { clusterPolicyName, tierRuleLabel } from '../semantics/tiers';
import type { ClusterPolicyResource } from '../model/cluster-policy';
import { track } from '../index/deps';

type Verdict = 'ok' | 'no-udp' | 'udp-via-ipblock-only' | 'no-tcp';

interface Affected {
  readonly label: string;
  /** The label names several pods. */
  readonly many?: boolean;
  readonly verdict: Exclude<Verdict, 'ok'>;
  readonly others: readonly CompiledPolicy[];
  readonly workload?: Workload;
}

/** Who denies a pod's DNS: the NetworkPolicy tier, or a rule of a cluster-wide policy. */
type Decider = { readonly kind: 'np' } | { readonly kind: 'tier'; readonly ref: TierRuleRef };

interface DnsResult {
  readonly verdict: Verdict;
  readonly isolating: readonly CompiledPolicy[];
  /** For a verdict other than ok: who denies the missing protocol (UDP, or TCP for no-tcp). */
  readonly decider: Decider;
}

const NP: Decider = { kind: 'np' };

/** Which tier denied `protocol` 53 on one side (its trail), the NetworkPolicy tier when none. */
function deciderOf(side: SideResult, protocol: 'UDP' | 'TCP'): Decider {
  const t = side.tiers;
  if (!t) return NP;
  const tierRef = (set: ConnectionSet): TierRuleRef | undefined =>
    set
      .restrict(protocol, 53)
      .refs()
      .find((r): r is TierRuleRef => r.tier !== undefined);
  const admin = tierRef(t.admin.deny);
  if (admin) return { kind: 'tier', ref: admin };
  if (t.policiesIsolate) return NP;
  const baseline = tierRef(t.baseline.deny);
  return baseline ? { kind: 'tier', ref: baseline } : NP;
}

const meta = defineCode({
  code: 'missing-dns-egress',
  defaultSeverity: 'warning',
  scope: 'workspace',
  otherSeverities: ['information'],
  summary:
    'Egress-isolated pods that no policy lets reach cluster DNS on UDP 53 cannot resolve names (TCP 53 missing alone: information).',
  fixes: {
    'allow-dns-egress': 'Allow DNS egress; Allow DNS egress over TCP',
  },
});

const verdictOf = (sets: ConnectionSet[], ipBlockDns: boolean): Verdict => {
  const udp = sets.some((s) => s.has('UDP', 53));
  const tcp = sets.some((s) => s.has('TCP', 53));
  if (!udp) return ipBlockDns ? 'udp-via-ipblock-only' : 'no-udp';
  return tcp ? 'ok' : 'no-tcp';
};

/** A workload's egress to the DNS endpoints through every tier, and who denies what is missing. */
function dnsResult(engine: PolicyEngine, w: Workload, endpoints: readonly Endpoint[]): DnsResult {
  const isolating = engine.isolation(w).egress;
  const sides = endpoints.map((d) => engine.egressSide(workloadEndpoint(w), d));
  const verdict = verdictOf(
    sides.map((x) => x.set),
    ipBlockAllowsDns(isolating),
  );
  const first = sides[0];
  const decider =
    verdict === 'ok' || verdict === 'udp-via-ipblock-only' || !first
      ? NP
      : deciderOf(first, verdict === 'no-tcp' ? 'TCP' : 'UDP');
  return { verdict, isolating, decider };
}

export const missingDnsEgress = defineCheck(meta, (ctx) => {
  const { index, engine, settings } = ctx;
  const out: Report<typeof meta>[] = [];
  const dnsOf = lazy(() => dnsTargets(index, settings));
  const cache = new Map<string, DnsResult>();
  const resultOf = (w: Workload): DnsResult => {
    let r = cache.get(w.id);
    if (!r) {
      r = dnsResult(engine, w, dnsOf().endpoints);
      cache.set(w.id, r);
    }
    return r;
  };
  for (const c of subjectPolicies(ctx)) {
    if (!c.types.egress) continue;
    const dns = dnsOf();
    const affected: Affected[] = [];
    const selected = engine.selectedBy(c);
    if (selected.length > 0) {
      for (const w of selected) {
        const r = resultOf(w);
        // denied by a cluster-wide rule: reported on that rule (below), not on the NetworkPolicy
        if (r.verdict !== 'ok' && r.decider.kind === 'np')
          affected.push({
            label: w.name,
            verdict: r.verdict,
            others: r.isolating.filter((o) => o !== c),
            workload: w,
          });
      }
    } else {
      // no workload of the workspace: a pod this policy surely selects, and every policy that may select it too
      const sample = sampleLabels(c.policy.podSelector);
      const own = selectorReqs(c.policy.podSelector);
      if (!sample || !own) continue;
      const maybe = engine.policiesIn(c.namespace).filter((o) => {
        if (!o.types.egress) return false;
        const r = selectorReqs(o.policy.podSelector);
        return r !== undefined && reqsMayOverlap(own, r);
      });
      const sets = dns.endpoints.map((d) => allowedEgress(engine, maybe, d));
      const verdict = verdictOf(sets, ipBlockAllowsDns(maybe));
      if (verdict !== 'ok') {
        const sel = Object.keys(sample).length ? `the pods labeled ${labelsText(sample)}` : 'every pod';
        affected.push({
          label: `${sel} of namespace ${c.namespace} (none is in the workspace)`,
          many: true,
          verdict,
          others: maybe.filter((o) => o !== c),
        });
      }
    }
    if (affected.length === 0) continue;
    out.push(finding(c, affected, dns.virtual, dns.workloads, settings));
  }
  // the pods whose DNS a rule of a cluster-wide policy denies, reported on that rule
  if (index.clusterPolicies.length > 0) {
    // reads every workload through every cluster-wide policy: re-run on any change
    track('*');
    const byRule = new Map<TierRuleRef['rule'], { ref: TierRuleRef; tcpOnly: boolean; pods: Workload[] }>();
    for (const w of index.workloads) {
      const ep = workloadEndpoint(w);
      if (ep.kind !== 'workload' || !engine.tiersOf(ep, 'egress')) continue;
      const r = resultOf(w);
      if (r.verdict === 'ok' || r.decider.kind !== 'tier') continue;
      const ref = r.decider.ref;
      if (!ctx.subjects.file(ref.policy.doc.uri)) continue;
      const tcpOnly = r.verdict === 'no-tcp';
      const key = ref.rule;
      const g = byRule.get(key) ?? { ref, tcpOnly, pods: [] };
      g.tcpOnly = g.tcpOnly && tcpOnly;
      g.pods.push(w);
      byRule.set(key, g);
    }
    const dns = dnsOf();
    for (const g of byRule.values()) out.push(tierFinding(g.ref, g.pods, g.tcpOnly, dns, settings));
  }
  return out;
});

/** v1alpha2 allows 25 egress rules per policy, v1alpha1 100. */
const maxRules = (p: ClusterPolicyResource): number => (p.sourceKind === 'ClusterNetworkPolicy' ? 25 : 100);

function tierFinding(
  ref: TierRuleRef,
  pods: readonly Workload[],
  tcpOnly: boolean,
  dns: { virtual: boolean; workloads: readonly Workload[] },
  settings: Settings,
): Report<typeof meta> {
  const p = ref.policy;
  const rule = ref.rule;
  const { namespace, podLabels } = settings.dns;
  const dnsText = `cluster DNS (pods ${labelsText(podLabels)} in namespace ${namespace}${dns.virtual ? ', assumed: the workspace has none' : ''})`;
  const shown = pods.slice(0, 5).map((w) => w.id);
  const podsText = listText(pods.length > 5 ? [...shown, `${pods.length - 5} more`] : shown);
  const many = pods.length > 1;
  const where =
    ref.tier === 'Admin'
      ? 'Admin tier, evaluated before any NetworkPolicy'
      : 'Baseline tier: no NetworkPolicy isolates their egress, so the Baseline tier decides';
  const protocols: ReadonlyArray<'UDP' | 'TCP'> = tcpOnly ? ['TCP'] : ['UDP', 'TCP'];
  const title = tcpOnly ? 'Allow DNS egress over TCP' : 'Allow DNS egress';
  const full = p.egress.length >= maxRules(p);
  const fixText = full
    ? `Its policy already has ${p.egress.length} egress rules, the most the API server takes: allow DNS in a policy of a lower priority number.`
    : `Accept DNS before it (quick fix "${title}": a rule to the DNS pods on ${protocols.map((x) => `${x} 53`).join(' and ')} right before this one), or set netpolLens.dns if your cluster DNS runs elsewhere.`;
  const message = tcpOnly
    ? `${tierRuleLabel(rule)} of ${clusterPolicyName(p)} (${where}) denies TCP 53 to ${dnsText} for ${podsText}, whose UDP 53 is allowed: answers too large for UDP (DNSSEC, long records) fail. ${fixText}`
    : `${tierRuleLabel(rule)} of ${clusterPolicyName(p)} (${where}) denies UDP 53 to ${dnsText} for ${podsText}: ${many ? 'they' : 'it'} cannot resolve any name. ${fixText}`;
  const related: RelatedInfo[] = compact([
    ...pods.slice(0, 5).map((w) => workloadRelated(w, `${w.id}: DNS denied by this rule`)),
    ...dns.workloads.slice(0, 3).map((w) => workloadRelated(w, `cluster DNS pods ${w.id}`)),
  ]);
  return {
    ...(tcpOnly ? { severity: 'information' as const } : {}),
    uri: p.doc.uri,
    span: rule.name?.span ?? rule.actionField?.span ?? rule.span,
    message,
    ...(related.length ? { related } : {}),
    ...(full ? {} : { fixes: [allowDnsTierFix(ref, settings, protocols, title)] }),
  };
}

/** The rule accepting egress to cluster DNS, in the shape of the policy's kind and version. */
export function dnsTierRule(
  p: ClusterPolicyResource,
  settings: Settings,
  protocols: ReadonlyArray<'UDP' | 'TCP'>,
): Record<string, unknown> {
  const names = new Set(p.egress.map((r) => r.name?.value));
  let name = 'allow-dns';
  for (let i = 2; names.has(name); i++) name = `allow-dns-${i}`;
  // v1alpha2: Accept and protocols; v1alpha1: Allow and ports; EKS: Accept and v1alpha1-style ports
  const v2 = p.sourceKind === 'ClusterNetworkPolicy';
  const v1 = p.sourceKind === 'AdminNetworkPolicy' || p.sourceKind === 'BaselineAdminNetworkPolicy';
  return {
    name,
    action: v1 ? 'Allow' : 'Accept',
    to: [
      {
        pods: {
          namespaceSelector: { matchLabels: { [METADATA_NAME_LABEL]: settings.dns.namespace } },
          podSelector: { matchLabels: { ...settings.dns.podLabels } },
        },
      },
    ],
    [v2 ? 'protocols' : 'ports']: protocols.map((protocol) =>
      v2
        ? { [protocol.toLowerCase()]: { destinationPort: { number: 53 } } }
        : { portNumber: { protocol, port: 53 } },
    ),
  };
}

/** "Allow DNS egress" on a cluster-wide policy: the DNS Accept inserted right before the denying rule. */
export function allowDnsTierFix(
  ref: TierRuleRef,
  settings: Settings,
  protocols: ReadonlyArray<'UDP' | 'TCP'>,
  title: string,
): FixOf<'allow-dns-egress'> {
  const p = ref.policy;
  const ops: YamlOp[] = [
    {
      op: 'insert',
      docIndex: p.doc.docIndex,
      path: [...p.doc.path, 'spec', 'egress'],
      index: ref.rule.index,
      item: dnsTierRule(p, settings, protocols) as never,
    },
  ];
  return {
    kind: 'allow-dns-egress',
    title,
    data: {
      ops,
      namespace: settings.dns.namespace,
      podLabels: settings.dns.podLabels,
      protocols: [...protocols],
      policy: clusterPolicyName(p),
      tier: ref.tier,
    },
  };
}

/** Some egress rule allows UDP 53 to an ipBlock (NodeLocal DNSCache, or a plugin that matches pod IPs). */
function ipBlockAllowsDns(policies: readonly CompiledPolicy[]): boolean {
  for (const p of policies) {
    for (const r of p.egress) {
      if (r.peers === 'all') continue;
      for (const pm of r.peers) {
        if (pm.kind !== 'ipBlock') continue;
        for (const range of pm.set.ranges) {
          const ep: Endpoint = { kind: 'external', id: 'dns', range };
          if (rulePorts(r, ep).has('UDP', 53)) return true;
        }
      }
    }
  }
  return false;
}

function finding(
  c: CompiledPolicy,
  affected: readonly Affected[],
  virtual: boolean,
  dnsWorkloads: readonly Workload[],
  settings: Settings,
): Report<typeof meta> {
  const p = c.policy;
  const { namespace, podLabels } = settings.dns;
  const dnsText = `cluster DNS (pods ${labelsText(podLabels)} in namespace ${namespace}${virtual ? ', assumed: the workspace has none' : ''})`;
  const noUdp = affected.filter((a) => a.verdict === 'no-udp');
  const viaIp = affected.filter((a) => a.verdict === 'udp-via-ipblock-only');
  const noTcp = affected.filter((a) => a.verdict === 'no-tcp');
  const names = (l: readonly Affected[]): string => listText(l.map((a) => a.label));
  const many = (l: readonly Affected[]): boolean => l.length > 1 || l.some((a) => a.many === true);
  const others = [...new Set(affected.flatMap((a) => a.others))];
  const alsoText = others.length
    ? ` (nor ${others.length === 1 ? 'does' : 'do'} ${listText(others.map((o) => o.id))}, which also select${others.length === 1 ? 's' : ''} them)`
    : '';
  let severity: 'information' | undefined;
  let message: string;
  let fix: FixOf<'allow-dns-egress'>;
  if (noUdp.length) {
    severity = undefined;
    message = `${policyName(p)} isolates egress of ${names(noUdp)} and no policy selecting ${many(noUdp) ? 'them' : 'it'} allows UDP 53 to ${dnsText}${alsoText}: ${many(noUdp) ? 'they' : 'it'} cannot resolve any name. Add an egress rule to the DNS pods on UDP and TCP 53 (quick fix "Allow DNS egress"), or set netpolLens.dns if your cluster DNS runs elsewhere.`;
    fix = allowDnsFix(p, settings, ['UDP', 'TCP'], 'Allow DNS egress');
  } else if (viaIp.length) {
    severity = 'information';
    message = `${policyName(p)} isolates egress of ${names(viaIp)}, whose policies allow UDP 53 only to ipBlock addresses, not to ${dnsText}. That reaches DNS only through a node-local cache on that address, or where the network plugin matches ipBlocks against pod IPs. To be sure, allow egress to the DNS pods on UDP and TCP 53 (quick fix "Allow DNS egress").`;
    fix = allowDnsFix(p, settings, ['UDP', 'TCP'], 'Allow DNS egress');
  } else {
    severity = 'information';
    message = `${policyName(p)} isolates egress of ${names(noTcp)}, whose policies allow DNS on UDP 53 but not TCP 53 to ${dnsText}: answers too large for UDP (DNSSEC, long records) fail. Allow TCP 53 too (quick fix "Allow DNS egress over TCP").`;
    fix = allowDnsFix(p, settings, ['TCP'], 'Allow DNS egress over TCP');
  }
  const related: RelatedInfo[] = [
    ...others.map((o) =>
      policyRelated(o.policy, `${o.id} also isolates egress of these pods and allows no DNS`),
    ),
    ...compact(
      affected
        .slice(0, 5)
        .map((a) =>
          a.workload ? workloadRelated(a.workload, `${a.workload.id}: egress-isolated, no DNS`) : undefined,
        ),
    ),
    ...compact(dnsWorkloads.slice(0, 3).map((w) => workloadRelated(w, `cluster DNS pods ${w.id}`))),
  ];
  return {
    ...(severity ? { severity } : {}),
    uri: p.doc.uri,
    span: dnsSpan(p),
    message,
    ...(related.length ? { related } : {}),
    fixes: [fix],
  };
}

/** The node that makes the policy egress-isolating: `egress:`, else `Egress` in policyTypes, else the name. */
function dnsSpan(p: NetworkPolicyResource): { start: number; end: number } {
  if (p.egress) return p.egress.keySpan;
  const t = p.policyTypes?.items.find((i) => i.value === 'Egress');
  return t ? t.span : p.name.span;
}

/** The egress rule to cluster DNS. */
export function dnsRule(
  settings: Settings,
  protocols: ReadonlyArray<'UDP' | 'TCP'>,
): Record<string, unknown> {
  return {
    to: [
      {
        namespaceSelector: { matchLabels: { [METADATA_NAME_LABEL]: settings.dns.namespace } },
        podSelector: { matchLabels: { ...settings.dns.podLabels } },
      },
    ],
    ports: protocols.map((protocol) => ({ protocol, port: 53 })),
  };
}

export function allowDnsFix(
  p: NetworkPolicyResource,
  settings: Settings,
  protocols: ReadonlyArray<'UDP' | 'TCP'>,
  title: string,
): FixOf<'allow-dns-egress'> {
  const after = p.ingress
    ? 'ingress'
    : p.policyTypes
      ? 'policyTypes'
      : p.podSelector
        ? 'podSelector'
        : undefined;
  const ops: YamlOp[] = [
    {
      op: 'append',
      docIndex: p.doc.docIndex,
      path: [...specPath(p), 'egress'],
      item: dnsRule(settings, protocols) as never,
      ...(after ? { after } : {}),
    },
  ];
  if (
    p.policyTypes &&
    p.policyTypes.items.length > 0 &&
    !p.policyTypes.items.some((i) => i.value === 'Egress')
  ) {
    ops.push({
      op: 'append',
      docIndex: p.doc.docIndex,
      path: [...specPath(p), 'policyTypes'],
      item: 'Egress',
    });
  }
  return {
    kind: 'allow-dns-egress',
    title,
    data: {
      ops,
      namespace: settings.dns.namespace,
      podLabels: settings.dns.podLabels,
      protocols: [...protocols],
      policy: policyName(p),
    },
  };
}
