/**
 * What a kustomization does to the lowered resources of a file, as kustomize's builtin
 * transformers do it (api/konfig/builtinpluginconsts: namespace.go, commonlabels.go,
 * metadatalabels.go, templatelabels.go):
 * - `namespace:` sets metadata.namespace of every namespaced object, overriding, and renames a
 *   Namespace object (`metadata/name` of kind Namespace); the outermost kustomization wins;
 * - labels always go to metadata.labels (a Pod's own labels, a Namespace's labels); with
 *   templates to the pod template of workloads; with selectors (commonLabels, includeSelectors)
 *   also to a Service's spec.selector (created) and to a NetworkPolicy's spec.podSelector and its
 *   peers' podSelector matchLabels, where those exist (`create: false`: `podSelector: {}` stays
 *   every pod).
 * The spans of what a kustomization adds are empty, at the start of the node it was added to.
 */
import type { FileFacts } from '../index/workspace-index';
import { workloadId } from '../model/ids';
import type {
  LabelPair,
  LabelSelector,
  NetworkPolicyResource,
  Peer,
  Resource,
  RuleList,
  WorkloadResource,
} from '../model/types';
import type { Span } from '../text/span';
import type { LabelStep, Transform } from './kustomize';

/** A transform that changes nothing. */
export function isIdentity(t: Transform): boolean {
  return t.every((s) => s.namespace === undefined && s.labels.length === 0);
}

/** A key telling transforms apart (equal keys: equal results). */
export function transformKey(t: Transform): string {
  return JSON.stringify(t.map((s) => [s.namespace ?? null, s.labels]));
}

/** The facts of a file as one or more kustomization paths see it: one copy of its resources per transform. */
export function transformFacts(facts: FileFacts, transforms: readonly Transform[]): FileFacts {
  if (transforms.length === 1 && transforms[0] && isIdentity(transforms[0])) return facts;
  const resources: Resource[] = [];
  for (const t of transforms) for (const r of facts.resources) resources.push(transformResource(r, t));
  return { ...facts, resources };
}

/** The manifest is a Pod (its workload kind is its owner's when it has one). */
function isPodManifest(w: WorkloadResource): boolean {
  return w.workloadKind === 'Pod' || w.objectName.value !== w.name;
}

function at(span: Span): Span {
  return { start: span.start, end: span.start };
}

function withLabels(
  labels: Readonly<Record<string, string>>,
  steps: readonly LabelStep[],
): Record<string, string> {
  const out = { ...labels };
  for (const s of steps) Object.assign(out, s.labels);
  return out;
}

function selectorWith(
  sel: LabelSelector | undefined,
  steps: readonly LabelStep[],
): LabelSelector | undefined {
  if (!sel || sel.matchLabelsSpan === undefined || steps.length === 0) return sel;
  const pairs: LabelPair[] = [...sel.matchLabels];
  const where = at(sel.matchLabelsSpan);
  for (const s of steps)
    for (const [key, value] of Object.entries(s.labels)) {
      const i = pairs.findIndex((p) => p.key.value === key);
      const old = pairs[i];
      if (old) pairs[i] = { key: old.key, value: { value, span: old.value.span } };
      else pairs.push({ key: { value: key, span: where }, value: { value, span: where } });
    }
  return { ...sel, matchLabels: pairs };
}

function rulesWith(list: RuleList | undefined, steps: readonly LabelStep[]): RuleList | undefined {
  if (!list || steps.length === 0) return list;
  return {
    ...list,
    rules: list.rules.map((r) =>
      r.peers
        ? {
            ...r,
            peers: r.peers.map((p): Peer => ({ ...p, podSelector: selectorWith(p.podSelector, steps) })),
          }
        : r,
    ),
  };
}

export function transformResource(r: Resource, t: Transform): Resource {
  if (isIdentity(t)) return r;
  let namespace: string | undefined;
  let namespaceSource: string | undefined;
  const labels: LabelStep[] = [];
  for (const s of t) {
    if (s.namespace !== undefined) {
      namespace = s.namespace;
      namespaceSource = s.kustomization;
    }
    labels.push(...s.labels);
  }
  const selectors = labels.filter((l) => l.selectors);
  switch (r.kind) {
    case 'NetworkPolicy': {
      const p: NetworkPolicyResource = {
        ...r,
        ...(namespace !== undefined ? { namespace, namespaceSource } : {}),
        podSelector: selectorWith(r.podSelector, selectors),
        ingress: rulesWith(r.ingress, selectors),
        egress: rulesWith(r.egress, selectors),
      };
      return p;
    }
    case 'Workload': {
      const ns = namespace ?? r.namespace;
      const applied = isPodManifest(r) ? labels : labels.filter((l) => l.templates);
      return {
        ...r,
        namespace: ns,
        id: workloadId(ns, r.name, r.workloadKind),
        labels: withLabels(r.labels, applied),
      };
    }
    case 'Service':
      return {
        ...r,
        namespace: namespace ?? r.namespace,
        selector: selectors.length === 0 ? r.selector : withLabels(r.selector ?? {}, selectors),
      };
    case 'Namespace':
      return {
        ...r,
        name: namespace !== undefined ? { value: namespace, span: r.name.span } : r.name,
        labels: withLabels(r.labels, labels),
      };
  }
}
