/**
 * namespace-selector-matches-nothing: a peer's namespaceSelector matches none of the namespaces
 * known in the workspace (declared, or implied by a `metadata.namespace`, which carry only
 * `kubernetes.io/metadata.name`), nor the built-in ones every cluster has (default, kube-system,
 * kube-public, kube-node-lease, and the configured DNS namespace).
 *
 * Fixes, for the namespace(s) the user most likely meant (the closest name or label value to the
 * selector's values, e.g. value `layer1` → namespace `layer1`):
 * - "Add label k=v to Namespace x": only when that Namespace is declared in a file and adding
 *   labels (not changing existing ones) makes the selector match it;
 * - "Select namespace by kubernetes.io/metadata.name": replace the selector with the immutable
 *   name label (`In` over several names when an `In` listed several).
 */
import { defineCheck, defineCode, lazy, type FixOf, type Report } from './types';
import type { RelatedInfo, YamlOp } from '../model/finding';
import type { LabelSelector, NetworkPolicyResource, Direction, PolicyRule, Peer } from '../model/types';
import { METADATA_NAME_LABEL, type NamespaceInfo } from '../index/workspace-index';
import { compileSelector } from '../model/selector';
import { labelsText, policyName, selectorText } from '../semantics/names';
import {
  knownNamespaces,
  matchesKnownNamespace,
  nearestNamespaces,
  nearestNamespacesText,
} from '../semantics/queries';
import { type Req, selectorReqs } from '../semantics/requirements';
import { listText, plural, similarity } from '../text/words';
import { namespaceRelated, peerPath } from './support';

const meta = defineCode({
  code: 'namespace-selector-matches-nothing',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary: 'A namespaceSelector matches none of the namespaces known in the workspace.',
  fixes: {
    'add-namespace-label': 'Add label … to Namespace …',
    'select-namespace-by-name': 'Select namespace by kubernetes.io/metadata.name …',
  },
});

export const namespaceSelectorMatchesNothing = defineCheck(meta, ({ index, subjects, settings }) => {
  const out: Report<typeof meta>[] = [];
  const knownOf = lazy(() => knownNamespaces(index, settings));
  for (const p of subjects.policies) {
    for (const dir of ['ingress', 'egress'] as const) {
      for (const rule of p[dir]?.rules ?? []) {
        if (rule.invalid) continue;
        for (const peer of rule.peers ?? []) {
          const sel = peer.namespaceSelector;
          if (!sel || peer.ipBlock) continue;
          const m = compileSelector(sel);
          if (!m.valid || m.isEmpty) continue;
          if (matchesKnownNamespace(index, settings, m)) continue;
          out.push(report(p, dir, rule, peer, sel, knownOf(), [...index.namespaces.values()]));
        }
      }
    }
  }
  return out;
});

function report(
  p: NetworkPolicyResource,
  dir: Direction,
  rule: PolicyRule,
  peer: Peer,
  sel: LabelSelector,
  known: readonly NamespaceInfo[],
  inWorkspace: readonly NamespaceInfo[],
): Report<typeof meta> {
  const reqs = selectorReqs(sel) ?? [];
  const targets = nearestNamespaces(sel, known);
  const fixes: Array<FixOf<'add-namespace-label' | 'select-namespace-by-name'>> = [];
  for (const ns of targets) {
    const decl = ns.declared[0];
    if (!decl) continue;
    const add = labelsToAdd(reqs, ns);
    if (!add || Object.keys(add).length === 0) continue;
    if (!compileSelector(sel).matches({ ...ns.labels, ...add })) continue;
    const ops: YamlOp[] = Object.entries(add).map(([key, value]) => ({
      op: 'set',
      uri: decl.doc.uri,
      docIndex: decl.doc.docIndex,
      path: [...decl.doc.path, 'metadata', 'labels'],
      key,
      value,
    }));
    fixes.push({
      kind: 'add-namespace-label',
      title: `Add label ${labelsText(add)} to Namespace ${ns.name}`,
      data: { ops, namespace: ns.name, labels: add },
    });
  }
  if (targets.length)
    fixes.push(
      selectByNameFix(
        p,
        dir,
        rule,
        peer,
        sel,
        targets.map((t) => t.name),
      ),
    );

  const shown = inWorkspace.length ? inWorkspace : known;
  const nsList = listText(
    shown.map((n) => `${n.name} (labels: ${labelsText(n.labels)})`),
    8,
  );
  const builtins = known.filter((n) => !inWorkspace.includes(n)).map((n) => n.name);
  const where = inWorkspace.length
    ? `none of the ${plural(inWorkspace.length, 'namespace')} in the workspace: ${nsList}${builtins.length ? `; nor the built-in ${listText(builtins)}` : ''}`
    : `no namespace: the workspace declares none, and the built-in ones are ${nsList}`;
  const labelFixes = fixes
    .filter((f) => f.kind === 'add-namespace-label')
    .map(
      (f) =>
        `${labelsText((f.data?.labels ?? {}) as Record<string, string>)} to Namespace ${String(f.data?.namespace)}`,
    );
  const them = targets.length === 1 ? 'it' : 'them';
  const todo = targets.length
    ? ` Did you mean ${nearestNamespacesText(sel, targets)}? ${labelFixes.length ? `Add the label ${listText(labelFixes)}` : `Label ${them} accordingly`}, or select ${them} by kubernetes.io/metadata.name.`
    : ' Add the label to the Namespace you mean, or select it by kubernetes.io/metadata.name; a namespace that exists only at run time (made by a controller or a Helm release) can be declared with the netpolLens.namespaces setting (on the command line --namespaces FILE).';
  const message = `namespaceSelector ${selectorText(sel)} of ${policyName(p)} matches ${where}.${todo}`;
  const related: RelatedInfo[] = inWorkspace.flatMap((n) =>
    n.declared.map((d) => namespaceRelated(d, `Namespace ${n.name}: ${labelsText(n.labels)}`)),
  );
  return {
    uri: p.doc.uri,
    span: sel.keySpan,
    message,
    ...(related.length ? { related } : {}),
    ...(fixes.length ? { fixes } : {}),
  };
}

/** Labels to add to `ns` so that the requirements hold; undefined when adding cannot (a label would change). */
function labelsToAdd(reqs: readonly Req[], ns: NamespaceInfo): Record<string, string> | undefined {
  const add: Record<string, string> = {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(ns.labels, r.key);
    const v = ns.labels[r.key];
    switch (r.op) {
      case 'In': {
        if (has && v !== undefined && r.values.has(v)) break;
        if (has || r.key === METADATA_NAME_LABEL) return undefined;
        const values = [...r.values];
        const pick = values.reduce(
          (a, b) => (similarity(b, ns.name) > similarity(a, ns.name) ? b : a),
          values[0] ?? '',
        );
        if (add[r.key] !== undefined && add[r.key] !== pick && !r.values.has(add[r.key] as string))
          return undefined;
        if (add[r.key] === undefined) add[r.key] = pick;
        break;
      }
      case 'Exists':
        if (!has && add[r.key] === undefined) return undefined;
        break;
      case 'NotIn':
        if (has && v !== undefined && r.values.has(v)) return undefined;
        break;
      case 'DoesNotExist':
        if (has) return undefined;
        break;
    }
  }
  return add;
}

function selectByNameFix(
  p: NetworkPolicyResource,
  dir: Direction,
  rule: PolicyRule,
  peer: Peer,
  sel: LabelSelector,
  names: readonly string[],
): FixOf<'select-namespace-by-name'> {
  const path = [...peerPath(p, dir, rule, peer), 'namespaceSelector'];
  const docIndex = p.doc.docIndex;
  const ops: YamlOp[] = [];
  if (names.length === 1) {
    const name = names[0] ?? '';
    if (sel.matchLabelsSpan) {
      // add the name label next to the old ones, then remove them: the block keeps its layout
      if (!sel.matchLabels.some((l) => l.key.value === METADATA_NAME_LABEL)) {
        ops.push({
          op: 'set',
          docIndex,
          path: [...path, 'matchLabels'],
          key: METADATA_NAME_LABEL,
          value: name,
        });
      } else {
        ops.push({
          op: 'replace',
          docIndex,
          path: [...path, 'matchLabels', METADATA_NAME_LABEL],
          value: name,
        });
      }
      for (const l of sel.matchLabels) {
        if (l.key.value !== METADATA_NAME_LABEL)
          ops.push({ op: 'remove', docIndex, path: [...path, 'matchLabels', l.key.value] });
      }
    } else {
      ops.push({ op: 'set', docIndex, path, key: 'matchLabels', value: { [METADATA_NAME_LABEL]: name } });
    }
    if (sel.matchExpressionsSpan) ops.push({ op: 'remove', docIndex, path: [...path, 'matchExpressions'] });
  } else {
    const expr = { key: METADATA_NAME_LABEL, operator: 'In', values: [...names] };
    if (sel.matchExpressionsSpan && sel.matchExpressions.length) {
      ops.push({ op: 'append', docIndex, path: [...path, 'matchExpressions'], item: expr });
      for (let i = 0; i < sel.matchExpressions.length; i++)
        ops.push({ op: 'remove', docIndex, path: [...path, 'matchExpressions', 0] });
    } else {
      ops.push({ op: 'set', docIndex, path, key: 'matchExpressions', value: [expr] });
      if (sel.matchExpressionsSpan)
        ops.unshift({ op: 'remove', docIndex, path: [...path, 'matchExpressions'] });
    }
    if (sel.matchLabelsSpan) ops.push({ op: 'remove', docIndex, path: [...path, 'matchLabels'] });
  }
  const title =
    names.length === 1
      ? `Select namespace by kubernetes.io/metadata.name: ${names[0]}`
      : `Select namespace by kubernetes.io/metadata.name in (${names.join(', ')})`;
  return { kind: 'select-namespace-by-name', title, data: { ops, namespaces: [...names] } };
}
