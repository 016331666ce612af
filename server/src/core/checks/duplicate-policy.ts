/**
 * duplicate-policy: two manifests define the same NetworkPolicy namespace/name with different
 * content. Applying both leaves only the last one applied; the analysis counts both, so it may
 * promise more than the cluster will do. Identical copies are duplicate-object's. The same for a
 * cluster-wide policy (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy: no
 * namespace, so the same kind and name is the same object).
 */
import { defineCheck, defineCode, type Report } from './types';
import type { NetworkPolicyResource } from '../model/types';
import type { ClusterPolicyResource } from '../model/cluster-policy';
import { clusterPolicyName } from '../semantics/tiers';
import { policyName } from '../semantics/names';
import { policyRelated } from './support';

const meta = defineCode({
  code: 'duplicate-policy',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary:
    'Two manifests define the same NetworkPolicy namespace/name, or the same cluster-wide policy kind/name, with different content.',
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
  for (const p of subjects.clusterPolicies) {
    const list = clusterPolicyCopies(index.clusterPolicies, p);
    if (list.length < 2 || new Set(list.map(clusterPolicyContentKey)).size === 1) continue;
    const id = `${p.sourceKind} ${p.name.value}`;
    out.push({
      uri: p.doc.uri,
      span: p.name.span,
      message: `${id} (${clusterPolicyName(p)}) is defined ${list.length} times in the workspace with different content: it is cluster-scoped, so applying them leaves only the last one applied, and the others' rules are lost. netpol-lens evaluates every copy, and compares the rules of a copy with the policies of its own file only (cluster-policy-rule-shadowed, cluster-policy-priority-conflict): files that define one object differently are read as alternatives. Rename one, or keep one definition.`,
      related: list
        .filter((o) => o !== p)
        .map((o) => ({ uri: o.doc.uri, span: o.name.span, message: `another definition of ${id}` })),
    });
  }
  return out;
});

/** The manifests of a cluster-wide policy's object: the same kind and name (cluster-scoped). */
export function clusterPolicyCopies(
  all: readonly ClusterPolicyResource[],
  p: ClusterPolicyResource,
): ClusterPolicyResource[] {
  return all.filter((o) => o.sourceKind === p.sourceKind && o.name.value === p.name.value);
}

/** What a cluster-wide policy says, without where (spans, the planned migration's paths) it says it. */
export function clusterPolicyContentKey(p: ClusterPolicyResource): string {
  let key = clusterKeys.get(p);
  if (key === undefined) {
    key = JSON.stringify(p, (k, value: unknown) =>
      k === 'doc' || k === 'span' || k.endsWith('Span') || k === 'migration' || k === 'index'
        ? undefined
        : value,
    );
    clusterKeys.set(p, key);
  }
  return key;
}

const clusterKeys = new WeakMap<ClusterPolicyResource, string>();

/**
 * Which cluster-wide policies are compared with which (cluster-policy-rule-shadowed,
 * cluster-policy-priority-conflict): files that define one cluster-scoped object with different
 * content are alternatives (examples, test cases, variants), not one cluster. So a policy defined
 * more than once differently is compared with the policies of its own file only, and two such
 * files are never compared with each other.
 */
export function clusterPoliciesTogether(
  all: readonly ClusterPolicyResource[],
): (a: ClusterPolicyResource, b: ClusterPolicyResource) => boolean {
  const alternatives = alternativeClusterPolicies(all);
  // uri → the uris of the files that define some object differently from it
  const apart = new Map<string, Set<string>>();
  const byObject = new Map<string, ClusterPolicyResource[]>();
  for (const p of alternatives) {
    const k = `${p.sourceKind}/${p.name.value}`;
    byObject.set(k, [...(byObject.get(k) ?? []), p]);
  }
  for (const list of byObject.values())
    for (const a of list)
      for (const b of list)
        if (a.doc.uri !== b.doc.uri && clusterPolicyContentKey(a) !== clusterPolicyContentKey(b)) {
          const s = apart.get(a.doc.uri) ?? new Set<string>();
          s.add(b.doc.uri);
          apart.set(a.doc.uri, s);
        }
  return (a, b) =>
    a.doc.uri === b.doc.uri ||
    (!alternatives.has(a) && !alternatives.has(b) && !(apart.get(a.doc.uri)?.has(b.doc.uri) ?? false));
}

/** The cluster-wide policies defined more than once (the same kind and name) with different content. */
export function alternativeClusterPolicies(
  all: readonly ClusterPolicyResource[],
): Set<ClusterPolicyResource> {
  const byObject = new Map<string, ClusterPolicyResource[]>();
  for (const p of all) {
    const k = `${p.sourceKind}/${p.name.value}`;
    const l = byObject.get(k) ?? [];
    l.push(p);
    byObject.set(k, l);
  }
  const out = new Set<ClusterPolicyResource>();
  for (const l of byObject.values())
    if (l.length > 1 && new Set(l.map(clusterPolicyContentKey)).size > 1) for (const p of l) out.add(p);
  return out;
}

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
