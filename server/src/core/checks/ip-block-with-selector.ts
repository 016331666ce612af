/**
 * ip-block-with-selector: a peer that has `ipBlock` and also a `podSelector` or `namespaceSelector`.
 * The API server rejects it: a peer is either an address block or a selection of pods.
 */
import { defineCheck, defineCode, type Report } from './types';
import { policyLabel } from '../semantics/names';
import { peersOf } from '../semantics/queries';
import { invalid, onePerNode } from './support';

const CODE = 'ip-block-with-selector';

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  scope: 'file',
  summary: 'A peer has both ipBlock and a pod or namespace selector, which the API server rejects.',
});

export const ipBlockWithSelector = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    for (const { peer, path } of peersOf(p, 'all')) {
      if (!peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) continue;
      const sel = [peer.podSelector && 'podSelector', peer.namespaceSelector && 'namespaceSelector']
        .filter(Boolean)
        .join(' and ');
      out.push(
        invalid(
          p,
          peer.ipBlock.keySpan,
          `${path} of ${policyLabel(p)} has ipBlock and ${sel} in the same peer: a peer is either an ipBlock or selectors. Split them into two peers ("- ipBlock: …" and "- ${sel.split(' ')[0]}: …"), which are ORed. The API server rejects the policy.`,
        ),
      );
    }
  }
  return onePerNode(out);
});
