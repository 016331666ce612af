/**
 * duplicate-policy: two manifests define the same NetworkPolicy namespace/name with different
 * content. Applying both leaves only the last one applied; the analysis counts both, so it may
 * promise more than the cluster will do. Identical copies are duplicate-object's.
 */
import { defineCheck, defineCode, type Report } from './types';
import type { NetworkPolicyResource } from '../model/types';
import { policyName } from '../semantics/names';
import { policyRelated } from './support';

const meta = defineCode({
  code: 'duplicate-policy',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary: 'Two manifests define the same NetworkPolicy namespace/name with different content.',
});

export const duplicatePolicy = defineCheck(meta, ({ index }) => {
  const out: Report<typeof meta>[] = [];
  const groups = new Map<string, NetworkPolicyResource[]>();
  for (const p of index.policies) {
    const id = policyName(p);
    const l = groups.get(id) ?? [];
    l.push(p);
    groups.set(id, l);
  }
  for (const [id, list] of groups) {
    if (list.length < 2) continue;
    if (new Set(list.map(policyContentKey)).size === 1) continue; // identical copies: duplicate-object

    for (const p of list) {
      const others = list.filter((o) => o !== p);
      out.push({
        uri: p.doc.uri,
        span: p.name.span,
        message: `NetworkPolicy ${id} is defined ${list.length} times in the workspace: applying them leaves only the last one applied, and the others' rules are lost. Rename one, or merge their rules into one policy.`,
        related: others.map((o) => policyRelated(o, `another definition of ${id}`)),
      });
    }
  }
  return out;
});

/**
 * What a policy says, without where it says it: the lowered policy with every span and source
 * pointer left out (formatting, comments and key order do not count), namespace and name included.
 */
export function policyContentKey(p: NetworkPolicyResource): string {
  return JSON.stringify(p, (key, value: unknown) =>
    key === 'doc' ||
    key === 'span' ||
    key.endsWith('Span') ||
    key === 'apiVersion' ||
    key === 'namespaceField' ||
    key === 'podSelectorNullKey'
      ? undefined
      : value,
  );
}
