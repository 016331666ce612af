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

type Verdict = 'ok' | 'no-udp' | 'udp-via-ipblock-only' | 'no-tcp';

interface Affected {
  readonly label: string;
  /** The label names several pods. */
  readonly many?: boolean;
  readonly verdict: Exclude<Verdict, 'ok'>;
  readonly others: readonly CompiledPolicy[];
  readonly workload?: Workload;
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

export const missingDnsEgress = defineCheck(meta, (ctx) => {
  const { index, engine, settings } = ctx;
  const out: Report<typeof meta>[] = [];
  const dnsOf = lazy(() => dnsTargets(index, settings));
  const verdictOf = (sets: ConnectionSet[], ipBlockDns: boolean): Verdict => {
    const udp = sets.some((s) => s.has('UDP', 53));
    const tcp = sets.some((s) => s.has('TCP', 53));
    if (!udp) return ipBlockDns ? 'udp-via-ipblock-only' : 'no-udp';
    return tcp ? 'ok' : 'no-tcp';
  };
  const cache = new Map<string, { verdict: Verdict; isolating: readonly CompiledPolicy[] }>();
  for (const c of subjectPolicies(ctx)) {
    if (!c.types.egress) continue;
    const dns = dnsOf();
    const affected: Affected[] = [];
    const selected = engine.selectedBy(c);
    if (selected.length > 0) {
      for (const w of selected) {
        let r = cache.get(w.id);
        if (!r) {
          const isolating = engine.isolation(w).egress;
          const sets = dns.endpoints.map((d) => engine.egressSide(workloadEndpoint(w), d).set);
          r = { verdict: verdictOf(sets, ipBlockAllowsDns(isolating)), isolating };
          cache.set(w.id, r);
        }
        if (r.verdict !== 'ok')
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
  return out;
});

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
