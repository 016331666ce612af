/**
 * duplicate-object: the same object (namespace, kind and name) is defined twice in one analysis
 * root: two Deployments, Services or Namespaces of one id, or two identical NetworkPolicies (a
 * base and an overlay copy, recipes side by side). The cluster holds one object, the last one
 * applied; the analysis merges them silently, so say so. Same-name policies whose content
 * differs are duplicate-policy's. Cluster-scoped objects have no namespace: two identical
 * ClusterNetworkPolicies (AdminNetworkPolicies, BaselineAdminNetworkPolicies) of one name are one
 * object too (Namespaces above).
 */
import { defineCheck, defineCode, type Report } from './types';
import type { DocRef, WorkloadResource } from '../model/types';
import type { NamespaceInfo } from '../index/workspace-index';
import { labelsText } from '../semantics/names';
import { listText } from '../text/words';
import type { Span } from '../text/span';
import { policyName } from '../semantics/names';
import { policyId } from '../model/ids';
import { clusterPolicyContentKey, clusterPolicyCopies, policyContentKey } from './duplicate-policy';

const meta = defineCode({
  code: 'duplicate-object',
  defaultSeverity: 'warning',
  scope: 'workspace',
  // hint: a Namespace declared again with the same labels (kubectl apply is idempotent)
  otherSeverities: ['hint'],
  summary:
    'The same object (namespace, kind, name) is defined more than once: a workload, Service, Namespace or an identical NetworkPolicy or cluster-wide policy.',
});

interface Copy {
  readonly doc: DocRef;
  readonly span: Span;
}

/** The kind of the manifest itself: a Pod with an owner is a Pod (its workload kind is the owner's). */
function manifestKind(w: WorkloadResource): string {
  return w.workloadKind === 'Pod' || w.objectName.value !== w.name ? 'Pod' : w.workloadKind;
}

export const duplicateObject = defineCheck(meta, ({ index, subjects }) => {
  const out: Report<typeof meta>[] = [];
  // each object of the subject files, with every copy of it in the workspace (looked up in its namespace)
  const report = (what: string, c: Copy, copies: readonly Copy[]): void => {
    if (copies.length < 2) return;
    const others = copies.filter((o) => o.doc !== c.doc || o.span !== c.span);
    out.push({
      uri: c.doc.uri,
      span: c.span,
      message: `${what} is defined ${copies.length} times: the cluster holds one object (the last one applied), and netpol-lens merges the copies into one. Remove the extra ${others.length === 1 ? 'copy' : 'copies'}, or give each its own name or namespace.`,
      related: others.map((o) => ({
        uri: o.doc.uri,
        span: o.span,
        message: `another definition of ${what}`,
      })),
    });
  };
  const workloadCopy = (s: WorkloadResource): Copy => ({ doc: s.doc, span: s.objectName.span });
  for (const part of subjects.workloads)
    for (const s of part.sources) {
      const kind = manifestKind(s);
      const copies = index
        .workloadManifestsNamed(s.namespace, s.objectName.value)
        .filter((o) => manifestKind(o) === kind);
      report(
        `${kind} ${policyId(s.namespace, s.objectName.value)}`,
        workloadCopy(s),
        copies.map(workloadCopy),
      );
    }
  for (const s of subjects.services) {
    const copies = index.servicesNamed(s.namespace, s.name.value);
    report(
      `Service ${policyId(s.namespace, s.name.value)}`,
      { doc: s.doc, span: s.name.span },
      copies.map((o) => ({ doc: o.doc, span: o.name.span })),
    );
  }
  // a Namespace declared more than once: reported at each declaration of the subject files
  for (const ns of subjects.namespaces.values()) {
    if (ns.declared.length === 0) continue;
    const all = subjects === index ? ns : index.namespace(ns.name);
    if (!all || all.declared.length < 2) continue;
    for (const r of namespaceCopies(all)) if (subjects.file(r.uri)) out.push(r);
  }
  for (const p of subjects.clusterPolicies) {
    const copies = clusterPolicyCopies(index.clusterPolicies, p);
    // copies that differ are duplicate-policy's
    if (new Set(copies.map(clusterPolicyContentKey)).size !== 1) continue;
    report(
      `${p.sourceKind} ${p.name.value}`,
      { doc: p.doc, span: p.name.span },
      copies.map((o) => ({ doc: o.doc, span: o.name.span })),
    );
  }
  for (const p of subjects.policies) {
    const id = policyName(p);
    const copies = index.policiesNamed(p.namespace, p.name.value);
    // copies that differ are duplicate-policy's
    if (new Set(copies.map(policyContentKey)).size !== 1) continue;
    report(
      `NetworkPolicy ${id}`,
      { doc: p.doc, span: p.name.span },
      copies.map((o) => ({ doc: o.doc, span: o.name.span })),
    );
  }
  return out;
});

/**
 * A Namespace declared more than once. The same labels: harmless (applying it again changes
 * nothing), a hint. Different labels: the cluster keeps those of the copy applied last, and a
 * namespaceSelector may match the namespace or not depending on which that is: a warning naming
 * the labels that differ.
 */
function namespaceCopies(ns: NamespaceInfo): Report<typeof meta>[] {
  const decls = ns.declared;
  const keys = [...new Set(decls.flatMap((d) => Object.keys(d.labels)))].sort();
  const differing = keys.filter((k) => new Set(decls.map((d) => d.labels[k] ?? '\u0000absent')).size > 1);
  const what = `Namespace ${ns.name}`;
  return decls.map((d) => {
    const others = decls.filter((o) => o !== d);
    const related = others.map((o) => ({
      uri: o.doc.uri,
      span: o.name.span,
      message: `another definition of ${what}${differing.length ? `: ${labelsOf(o.labels, differing)}` : ''}`,
    }));
    if (differing.length === 0)
      return {
        uri: d.doc.uri,
        span: d.name.span,
        severity: 'hint' as const,
        message: `${what} is declared ${decls.length} times with the same labels (${Object.keys(d.labels).length ? labelsText(d.labels) : 'none'}): harmless, applying it again changes nothing. Keep one copy so that the labels cannot drift apart.`,
        related,
      };
    return {
      uri: d.doc.uri,
      span: d.name.span,
      message: `${what} is declared ${decls.length} times with different labels: ${listText(differing)} ${differing.length === 1 ? 'differs' : 'differ'} (here ${labelsOf(d.labels, differing)}; ${others.map((o) => labelsOf(o.labels, differing)).join('; ')} in the other ${others.length === 1 ? 'copy' : 'copies'}). The cluster keeps the labels of the copy applied last, so namespaceSelectors on ${differing.length === 1 ? 'that label' : 'those labels'} depend on the order of apply; netpol-lens merges the copies (${labelsOf(ns.labels, differing)}). Make the labels agree, or keep one copy.`,
      related,
    };
  });
}

/** The values of some label keys, `key=value` or `key absent`. */
function labelsOf(labels: Readonly<Record<string, string>>, keys: readonly string[]): string {
  return keys.map((k) => (k in labels ? `${k}=${labels[k]}` : `${k} absent`)).join(', ');
}
