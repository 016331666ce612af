/**
 * peer-and-or-ambiguity (hint): a `podSelector`-only peer right next to a `namespaceSelector`-only
 * peer in one `from`/`to` list. As two list items they are ORed (pods of the policy's namespace,
 * OR every pod of the selected namespaces); the common intent is one peer with both selectors
 * (AND). Fix "Merge into one peer": move the second selector into the first item. An empty
 * `podSelector: {}` next to a namespaceSelector is the deliberate "my namespace OR those
 * namespaces" (Kubeflow): not reported.
 */
import { compileSelector } from '../model/selector';
import { defineCheck, defineCode, type Report } from './types';
import type { Peer } from '../model/types';
import type { YamlOp } from '../model/finding';
import { policyName, selectorText } from '../semantics/names';
import { peerPath, selectorData } from './support';

const podOnly = (x: Peer): boolean => !!x.podSelector && !x.namespaceSelector && !x.ipBlock;
const nsOnly = (x: Peer): boolean => !!x.namespaceSelector && !x.podSelector && !x.ipBlock;

const meta = defineCode({
  code: 'peer-and-or-ambiguity',
  defaultSeverity: 'hint',
  scope: 'file',
  summary: 'A podSelector-only peer next to a namespaceSelector-only peer: they are ORed, not ANDed.',
  fixes: {
    'merge-peers': 'Merge into one peer (pods AND namespaces)',
  },
});

export const peerAndOrAmbiguity = defineCheck(meta, ({ subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    for (const dir of ['ingress', 'egress'] as const) {
      for (const rule of p[dir]?.rules ?? []) {
        const peers = rule.peers ?? [];
        if (rule.invalid) continue;
        for (let i = 0; i + 1 < peers.length; i++) {
          const a = peers[i] as Peer;
          const b = peers[i + 1] as Peer;
          if (!((podOnly(a) && nsOnly(b)) || (nsOnly(a) && podOnly(b)))) continue;
          const pod = (podOnly(a) ? a : b).podSelector;
          const ns = (nsOnly(a) ? a : b).namespaceSelector;
          if (!pod || !ns) continue;
          // `- podSelector: {}` next to a namespaceSelector is the deliberate "my namespace OR those
          // namespaces" (and merging would cut the same-namespace traffic): nothing to report
          if (compileSelector(pod).isEmpty) continue;
          const moved = podOnly(b) ? { key: 'podSelector', sel: pod } : { key: 'namespaceSelector', sel: ns };
          const movedSpan = moved.sel.keySpan;
          const ops: YamlOp[] = [
            {
              op: 'set',
              docIndex: p.doc.docIndex,
              path: peerPath(p, dir, rule, a),
              key: moved.key,
              value: selectorData(moved.sel) as never,
            },
            { op: 'remove', docIndex: p.doc.docIndex, path: peerPath(p, dir, rule, b) },
          ];
          const pods = compileSelector(pod).isEmpty ? 'every pod' : `pods labeled ${selectorText(pod)}`;
          const nss = compileSelector(ns).isEmpty
            ? 'every namespace'
            : `namespaces labeled ${selectorText(ns)}`;
          out.push({
            uri: p.doc.uri,
            span: movedSpan,
            message: `These are two separate peers of ${policyName(p)}, and peers are ORed: ${pods} in namespace ${p.namespace}, OR every pod in ${nss}. If you meant ${pods} in ${nss}, put both selectors in one list item (no "-" before the second).`,
            related: [
              {
                uri: p.doc.uri,
                span: (moved.key === 'podSelector' ? ns : pod).keySpan,
                message: 'the other peer, ORed with this one',
              },
            ],
            fixes: [
              { kind: 'merge-peers', title: 'Merge into one peer (pods AND namespaces)', data: { ops } },
            ],
          });
          i++;
        }
      }
    }
  }
  return out;
});
