/**
 * egress-to-metadata-endpoint (information): an egress rule that takes effect lets the selected
 * pods reach the cloud metadata endpoint 169.254.169.254 on TCP 80 (an ipBlock covering it, or a
 * rule with no `to` but with ports; a rule with neither is egress-allows-all's), where cloud
 * credentials can be read. Fix for an ipBlock: "Add except
 * 169.254.169.254/32".
 */
import { defineCheck, defineCode, type Report, subjectPolicies } from './types';
import { rulePorts, type Endpoint } from '../semantics/compile';
import { parseCidr, parseRange } from '../semantics/ip-set';
import type { YamlOp } from '../model/finding';
import { policyName } from '../semantics/names';
import { peerPath } from './support';

export const METADATA_IP = '169.254.169.254';

const meta = defineCode({
  code: 'egress-to-metadata-endpoint',
  defaultSeverity: 'information',
  scope: 'file',
  summary: 'Allowed egress covers the cloud metadata address 169.254.169.254.',
  fixes: {
    'add-metadata-except': 'Add except 169.254.169.254/32',
  },
});

export const egressToMetadataEndpoint = defineCheck(meta, (ctx) => {
  const out: Report<typeof meta>[] = [];
  const range = parseRange(METADATA_IP);
  if (!range) return out;
  const ep: Endpoint = { kind: 'external', id: METADATA_IP, range };

  for (const c of subjectPolicies(ctx)) {
    const p = c.policy;
    for (const r of c.egress) {
      if (!rulePorts(r, ep).has('TCP', 80)) continue;
      const rule = r.ref.rule;
      if (r.peers === 'all') {
        // no `to` and no `ports` (`egress: [{}]`): egress-allows-all reports that rule, metadata included
        if (rule.invalid || !r.ports) continue;
        out.push({
          uri: p.doc.uri,
          span: rule.span,
          message: `This egress rule of ${policyName(p)} has no "to", so it also lets the selected pods reach the cloud metadata endpoint ${METADATA_IP} (instance credentials on most clouds). List the destinations the pods need; for internet access, use an ipBlock 0.0.0.0/0 with except ${METADATA_IP}/32.`,
        });
        continue;
      }
      for (const pm of r.peers) {
        if (pm.kind !== 'ipBlock' || !pm.set.covers(range)) continue;
        const b = pm.peer.ipBlock;
        if (!b?.cidr) continue;
        const cidr = parseCidr(b.cidr.value);
        // an except must lie strictly inside its cidr (the API server rejects anything else)
        if (!cidr || cidr.family !== 4 || cidr.prefix >= 32) {
          out.push({
            uri: p.doc.uri,
            span: b.cidr.span,
            message: `ipBlock ${b.cidr.value} in ${policyName(p)} is the cloud metadata endpoint ${METADATA_IP} itself (instance credentials on most clouds). Remove this peer unless the pods need it.`,
          });
          continue;
        }
        const ops: YamlOp[] = [
          {
            op: 'append',
            docIndex: p.doc.docIndex,
            path: [...peerPath(p, 'egress', rule, pm.peer), 'ipBlock', 'except'],
            item: `${METADATA_IP}/32`,
          },
        ];
        out.push({
          uri: p.doc.uri,
          span: b.cidr.span,
          message: `ipBlock ${b.cidr.value} in ${policyName(p)} covers the cloud metadata endpoint ${METADATA_IP} (instance credentials on most clouds). Add except: [${METADATA_IP}/32] unless the pods need it.`,
          fixes: [{ kind: 'add-metadata-except', title: `Add except ${METADATA_IP}/32`, data: { ops } }],
        });
      }
    }
  }
  return out;
});
