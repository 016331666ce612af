/**
 * invalid-field: a field of the wrong type or an unknown field. Lowering (model/lower.ts) reports
 * those while it reads the YAML, with "did you mean" for misspelt keys; this check adds what only
 * the whole peer shows: an empty peer (`- {}`, or only null selectors) with neither a selector nor
 * an ipBlock, which the API server rejects. A peer whose fields lowering already reported (e.g. the
 * misspelt `- podselector: …`) is left to that report.
 */
import { defineCheck, defineCode, type Report } from './types';
import { policyLabel } from '../semantics/names';
import { peersOf } from '../semantics/queries';
import { invalid, onePerNode, within } from './support';

const CODE = 'invalid-field';

const meta = defineCode({
  code: CODE,
  defaultSeverity: 'error',
  scope: 'file',
  summary:
    'A field of the wrong type (e.g. `from:` given a map), an unknown field (with "did you mean"), an empty peer, or a NetworkPolicy without metadata.name.',
});

export const invalidField = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  const lowering = subjects.problems.filter((f) => f.code === CODE);
  for (const p of subjects.policies) {
    for (const { peer, path, direction } of peersOf(p, 'all')) {
      // (an ApplicationNetworkPolicy's domainNames peer is not empty)
      if (peer.podSelector || peer.namespaceSelector || peer.ipBlock || peer.domainNames) continue;
      if (lowering.some((f) => f.uri === p.doc.uri && within(f.span, peer.span))) continue;
      const key = direction === 'ingress' ? 'from' : 'to';
      out.push(
        invalid(
          p,
          peer.span,
          `${path} of ${policyLabel(p)} is an empty peer: give it a podSelector, a namespaceSelector or an ipBlock. The API server rejects an empty peer; to allow every ${direction === 'ingress' ? 'source' : 'destination'}, remove "${key}" from the rule instead.`,
        ),
      );
    }
  }
  return onePerNode(out);
});
