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

export const duplicatePolicy = defineCheck(meta, ({ index, subjects }) => {
  const out: Report<typeof meta>[] = [];
  for (const p of subjects.policies) {
    const id = policyName(p);
    // every definition of it: the policies of its namespace with its name, in file order
    const list = index.policiesNamed(p.namespace, p.name.value);
    if (list.length < 2) continue;
    if (new Set(list.map(policyContentKey)).size === 1) continue; // identical copies: duplicate-object
    const others = list.filter((o) => o !== p);
    out.push({
      uri: p.doc.uri,
      span: p.name.span,
      message: `NetworkPolicy ${id} is defined ${list.length} times in the workspace: applying them leaves only the last one applied, and the others' rules are lost. Rename one, or merge their rules into one policy.`,
      related: others.map((o) => policyRelated(o, `another definition of ${id}`)),
    });
  }
  return out;
});

/**
 * What a policy says, without where it says it: the lowered policy with every span and source
 * pointer left out (formatting, comments and key order do not count), namespace and name included.
 */
export function policyContentKey(p: NetworkPolicyResource): string {
  let key = contentKeys.get(p);
  if (key === undefined) {
    key = contentKeyOf(p);
    contentKeys.set(p, key);
  }
  return key;
}

const contentKeys = new WeakMap<NetworkPolicyResource, string>();

function contentKeyOf(p: NetworkPolicyResource): string {
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
