/**
 * host-network-pod-selected: the policy selects a pod that uses `hostNetwork: true`. Such a pod has
 * the node's IP; whether NetworkPolicy applies to it is left to the network plugin (most do not
 * enforce it), so the policy may not protect it.
 */
import { defineCheck, defineCode, type Report, subjectPolicies } from './types';
import { policyName } from '../semantics/names';
import { listText } from '../text/words';
import { compact, workloadRelated } from './support';

const meta = defineCode({
  code: 'host-network-pod-selected',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary: 'A selected pod uses hostNetwork: enforcement is plugin-specific.',
});

export const hostNetworkPodSelected = defineCheck(meta, (ctx) => {
  const out: Report<typeof meta>[] = [];
  const { engine } = ctx;
  for (const c of subjectPolicies(ctx)) {
    const p = c.policy;
    const hn = engine.selectedBy(c).filter((w) => w.hostNetwork);
    if (hn.length === 0) continue;
    out.push({
      uri: p.doc.uri,
      span: p.podSelector?.keySpan ?? p.name.span,
      message: `${policyName(p)} selects ${listText(hn.map((w) => w.id))}, which ${hn.length === 1 ? 'uses' : 'use'} hostNetwork: such pods share the node's network and IP, and whether NetworkPolicy applies to them depends on the network plugin (most do not enforce it). Do not rely on this policy to protect ${hn.length === 1 ? 'it' : 'them'}; use the node's firewall or drop hostNetwork.`,
      related: compact(hn.slice(0, 5).map((w) => workloadRelated(w, `${w.id} uses hostNetwork`))),
    });
  }
  return out;
});
