/**
 * ip-block-matches-cluster-ips: an ipBlock (cidr minus excepts) overlaps known pod IPs, Service
 * ClusterIPs, or the configured pod / Service CIDRs. ipBlocks are meant for cluster-external
 * addresses: whether one matches pod IPs depends on the network plugin, and ClusterIPs never match
 * (traffic to a Service is matched after translation to pod IPs). `0.0.0.0/0` / `::/0` without
 * excepts ("anywhere") is not reported.
 */
import { defineCheck, defineCode, lazy, type Report } from './types';
import type { RelatedInfo } from '../model/finding';
import { ipBlockSet } from '../semantics/compile';
import { parseCidr } from '../semantics/ip-set';
import { policyName, serviceLabel } from '../semantics/names';
import { peersOf } from '../semantics/queries';
import { listText, noun } from '../text/words';
import { compact, workloadRelated } from './support';

const meta = defineCode({
  code: 'ip-block-matches-cluster-ips',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary:
    'An ipBlock overlaps pod IPs, Service ClusterIPs or the configured pod/service CIDRs: plugin-specific, and ClusterIPs never match.',
});

export const ipBlockMatchesClusterIps = defineCheck(meta, ({ index, subjects, settings }) => {
  const out: Report<typeof meta>[] = [];
  const podCidrs = compact(
    settings.podCidrs
      .map((c) => ({ text: c, p: parseCidr(c) }))
      .map((x) => (x.p ? { text: x.text, range: x.p.range } : undefined)),
  );
  const svcCidrs = compact(
    settings.serviceCidrs
      .map((c) => ({ text: c, p: parseCidr(c) }))
      .map((x) => (x.p ? { text: x.text, range: x.p.range } : undefined)),
  );
  const podsWithIps = lazy(() => index.workloadsWithIps);
  const servicesWithIps = lazy(() => index.servicesWithClusterIps);
  for (const p of subjects.policies) {
    for (const { peer } of peersOf(p, 'valid')) {
      const b = peer.ipBlock;
      if (!b || !b.cidr || peer.podSelector || peer.namespaceSelector) continue;
      const parsed = parseCidr(b.cidr.value);
      if (!parsed) continue;
      if (parsed.prefix === 0 && b.except.length === 0) continue;
      const set = ipBlockSet(
        b.cidr.value,
        b.except.map((e) => e.value),
      );
      if (!set || set.isEmpty) continue;
      const pods = podsWithIps().filter((w) => w.ips.some((ip) => set.containsIp(ip)));
      const svcs = servicesWithIps().filter((sv) => sv.clusterIPs.some((ip) => set.containsIp(ip)));
      const pc = podCidrs.filter((c) => set.overlaps(c.range));
      const sc = svcCidrs.filter((c) => set.overlaps(c.range));
      if (!pods.length && !svcs.length && !pc.length && !sc.length) continue;
      const parts: string[] = [];
      if (pods.length)
        parts.push(
          `the IPs of ${listText(
            pods.map((w) => `${w.id} (${w.ips.join(', ')})`),
            4,
          )}`,
        );
      if (pc.length) parts.push(`the ${noun(pc.length, 'pod CIDR')} ${listText(pc.map((c) => c.text))}`);
      if (svcs.length)
        parts.push(
          `the ${noun(svcs.length, 'ClusterIP')} of ${listText(
            svcs.map((s) => `${serviceLabel(s)} (${s.clusterIPs.join(', ')})`),
            4,
          )}`,
        );
      if (sc.length) parts.push(`the ${noun(sc.length, 'Service CIDR')} ${listText(sc.map((c) => c.text))}`);
      const advice: string[] = [];
      if (pods.length || pc.length)
        advice.push(
          'Whether an ipBlock matches pod IPs depends on the network plugin (many ignore pod IPs in ipBlocks).',
        );
      if (svcs.length || sc.length)
        advice.push(
          "ClusterIPs never match an ipBlock, because Service traffic is matched after translation to the pods' IPs.",
        );
      const related: RelatedInfo[] = [
        ...compact(pods.slice(0, 4).map((w) => workloadRelated(w, `${w.id}: pod IPs ${w.ips.join(', ')}`))),
        ...svcs.slice(0, 4).map((s) => ({
          uri: s.doc.uri,
          span: s.name.span,
          message: `${serviceLabel(s)}: ClusterIP ${s.clusterIPs.join(', ')}`,
        })),
      ];
      out.push({
        uri: p.doc.uri,
        span: b.cidr.span,
        message: `ipBlock ${b.cidr.value}${b.except.length ? ` (except ${b.except.map((e) => e.value).join(', ')})` : ''} in ${policyName(p)} covers ${listText(parts)}. ${advice.join(' ')} Select pods with podSelector/namespaceSelector instead, and keep ipBlocks for addresses outside the cluster.`,
        ...(related.length ? { related } : {}),
      });
    }
  }
  return out;
});
