/**
 * named-port-with-ip-block: an egress rule that takes effect names a port (`port: http`) and has an
 * ipBlock peer. A named port is resolved on the destination pod's containers, and an address
 * outside the cluster has none, so the entry allows nothing to the ipBlock's addresses (peers.md
 * P16, netpol-analyzer's WarnNamedPortIgnoredForIP). Ingress rules are fine: there the port is the
 * selected pods', whatever the source. When the rule's pod destinations agree on one number for
 * the name, the message suggests it.
 */
import { defineCheck, defineCode, type Report, subjectPolicies } from './types';
import { normProtocol } from '../model/lower';
import { policyName, ruleLabel } from '../semantics/names';
import { ruleDestinations } from '../semantics/queries';
import { listText } from '../text/words';

const meta = defineCode({
  code: 'named-port-with-ip-block',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary:
    'An egress rule with an ipBlock peer names a port: named ports resolve on pods, so the rule allows nothing on it to those addresses.',
});

export const namedPortWithIpBlock = defineCheck(meta, (ctx) => {
  const out: Report<typeof meta>[] = [];
  const { engine } = ctx;
  for (const c of subjectPolicies(ctx)) {
    const p = c.policy;
    for (const r of c.egress) {
      if (r.peers === 'all') continue;
      const blocks = r.peers.flatMap((m) =>
        m.kind === 'ipBlock' && m.peer.ipBlock?.cidr ? [m.peer.ipBlock.cidr.value] : [],
      );
      if (blocks.length === 0) continue;
      const rule = r.ref.rule;
      for (const pe of r.ports ?? []) {
        const name = pe.port?.value;
        if (typeof name !== 'string' || !pe.port) continue;
        const proto = pe.protocol === undefined ? 'TCP' : normProtocol(pe.protocol.value);
        if (!proto) continue;
        // what the name means on the pods this rule reaches (its pod peers, and pods whose known IPs an ipBlock holds)
        const numbers = [
          ...new Set(
            ruleDestinations(engine, p, 'egress', rule).flatMap((w) =>
              w.ports.filter((cp) => cp.name === name && cp.protocol === proto).map((cp) => cp.port),
            ),
          ),
        ];
        const instead =
          numbers.length === 1
            ? `Write the number, ${numbers[0]} (what "${name}" names on the pods this rule reaches), or move the ipBlock to a rule of its own with numeric ports.`
            : 'Write the port number, or move the ipBlock to a rule of its own with numeric ports.';
        out.push({
          uri: p.doc.uri,
          span: pe.port.span,
          message: `Port name "${name}" (${proto}) in ${ruleLabel('egress', rule)} of ${policyName(p)} allows nothing to its ipBlock ${listText(blocks)}: a named port is resolved on the destination pod's containers, and an address outside the cluster has none. ${instead}`,
        });
      }
    }
  }
  return out;
});
