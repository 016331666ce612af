/**
 * non-canonical-cidr (hint): a CIDR with host bits set, e.g. `10.0.1.1/4`, which Kubernetes reads as
 * its network `0.0.0.0/4`: almost never what was meant. Fix "Rewrite as the network address <network>".
 */
import { defineCheck, defineCode, type Report } from './types';
import type { Located } from '../text/span';
import { formatCidr, formatIp, parseCidr } from '../semantics/ip-set';
import type { YamlOp } from '../model/finding';
import { policyName } from '../semantics/names';
import { peersOf } from '../semantics/queries';
import { peerPath, type YamlPath } from './support';

const meta = defineCode({
  code: 'non-canonical-cidr',
  defaultSeverity: 'hint',
  scope: 'file',
  summary: 'A CIDR with host bits set, e.g. 10.0.1.1/4, which means 0.0.0.0/4.',
  fixes: {
    'rewrite-cidr': 'Rewrite as the network address …',
  },
});

export const nonCanonicalCidr = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    for (const { direction: dir, rule, peer } of peersOf(p, 'valid')) {
      const b = peer.ipBlock;
      if (!b) continue;
      const base = [...peerPath(p, dir, rule, peer), 'ipBlock'];
      const items: Array<{ v: Located<string>; path: YamlPath; what: string }> = [];
      if (b.cidr) items.push({ v: b.cidr, path: [...base, 'cidr'], what: 'cidr' });
      b.except.forEach((e, i) => items.push({ v: e, path: [...base, 'except', i], what: 'except' }));
      for (const { v, path, what } of items) {
        const c = parseCidr(v.value);
        if (!c || !c.nonCanonical) continue;
        const canonical = formatCidr(c);
        const host = v.value.trim().split('/')[0] ?? '';
        const single = `${host}/${c.family === 4 ? 32 : 128}`;
        const ops: YamlOp[] = [{ op: 'replace', docIndex: p.doc.docIndex, path, value: canonical }];
        out.push({
          uri: p.doc.uri,
          span: v.span,
          message: `${what} ${v.value} in ${policyName(p)} has host bits set: Kubernetes reads it as ${canonical} (${formatIp(c.family, c.range.lo)} to ${formatIp(c.family, c.range.hi)}). Write ${canonical}, or ${single} if you meant the single address.`,
          fixes: [
            { kind: 'rewrite-cidr', title: `Rewrite as the network address ${canonical}`, data: { ops } },
          ],
        });
      }
    }
  }
  return out;
});
