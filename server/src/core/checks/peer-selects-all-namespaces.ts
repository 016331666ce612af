/**
 * peer-selects-all-namespaces (information): a peer with `namespaceSelector: {}` matches every
 * namespace, present and future (with a podSelector: those pods in any namespace).
 */
import { defineCheck, defineCode, lazy, type Report } from './types';
import { compileSelector } from '../model/selector';
import { policyName, selectorText } from '../semantics/names';
import { peersOf } from '../semantics/queries';
import { listText, plural } from '../text/words';

const meta = defineCode({
  code: 'peer-selects-all-namespaces',
  defaultSeverity: 'information',
  scope: 'workspace',
  summary: 'A peer with `namespaceSelector: {}` matches every namespace, present and future.',
});

export const peerSelectsAllNamespaces = defineCheck(meta, ({ index, subjects }) => {
  const out: Report<typeof meta>[] = [];
  const allNames = lazy(() => index.namespaceNames);
  for (const p of subjects.policies) {
    for (const { direction: dir, peer } of peersOf(p, 'valid')) {
      const ns = peer.namespaceSelector;
      if (!ns || peer.ipBlock) continue;
      const m = compileSelector(ns);
      if (!m.valid || !m.isEmpty) continue;
      const pods = peer.podSelector ? compileSelector(peer.podSelector) : undefined;
      const what =
        pods && !pods.isEmpty
          ? `pods labeled ${selectorText(peer.podSelector!)} in every namespace`
          : 'every pod of every namespace';
      const names = allNames();
      out.push({
        uri: p.doc.uri,
        span: ns.keySpan,
        message: `namespaceSelector: {} matches every namespace, present and future (${plural(names.length, 'namespace')} in the workspace${names.length ? `: ${listText(names)}` : ''}), so this ${dir === 'ingress' ? 'source' : 'destination'} of ${policyName(p)} is ${what}. If only some namespaces are meant, select them by label or by kubernetes.io/metadata.name.`,
      });
    }
  }
  return out;
});
