/**
 * How the core names the objects it talks about, in messages, hovers, code lenses, symbols and
 * explanations: policies (`layer1/np-layer1`, or `policy layer1/np-layer1` in a sentence), rules
 * (`ingress rule 2`, numbered from 1 as the explanations, the CLI and the view number them), label
 * selectors (`app=web, tier notin (a)`, kubectl's notation) and label sets. Generic wording (counts,
 * lists) is text/words.ts; workload ids are model/ids.ts (`Workload.id`).
 */
import { policyId } from '../model/ids';
import type {
  Direction,
  LabelSelector,
  Labels,
  NetworkPolicyResource,
  PolicyRule,
  ServiceResource,
} from '../model/types';
import { listText } from '../text/words';
import { compileSelector } from '../model/selector';

/** `layer1/np-layer1`: the policy id. */
export function policyName(p: NetworkPolicyResource): string {
  const id = policyId(p.namespace, p.name.value);
  return p.sourceKind ? `${id}[${p.sourceKind}]` : id;
}

/** `Service shop/web`. */
export function serviceLabel(s: ServiceResource): string {
  return `Service ${policyId(s.namespace, s.name.value)}`;
}

/** `policy layer1/np-layer1`, as a sentence names it. */
export function policyLabel(p: NetworkPolicyResource): string {
  return `policy ${policyName(p)}`;
}

/** `ingress rule 1`: 1-based. */
export function ruleLabel(direction: Direction, rule: Pick<PolicyRule, 'index'>): string {
  return `${direction} rule ${rule.index + 1}`;
}

/** `layer1/np-layer1 ingress rule 1`. */
export function policyRuleLabel(
  p: NetworkPolicyResource,
  direction: Direction,
  rule: Pick<PolicyRule, 'index'>,
): string {
  return `${policyName(p)} ${ruleLabel(direction, rule)}`;
}

/** A selector in kubectl's notation: `app=web, tier in (a, b), canary, !legacy`; `(all)` for `{}`. */
export function selectorText(sel: LabelSelector): string {
  return compileSelector(sel).describe();
}

/** `app=web, tier=x`, or `(no labels)`. */
export function labelsText(labels: Labels): string {
  const e = Object.entries(labels);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(', ') : '(no labels)';
}

/** The distinct label sets of some objects: `{app=web}, {app=db, tier=x}`. */
export function labelSetsText(objects: ReadonlyArray<{ readonly labels: Labels }>, max = 5): string {
  return listText([...new Set(objects.map((w) => `{${labelsText(w.labels)}}`))], max);
}

/** A selector written as null: `podSelector:` with no value is lowered as absent; this is `matchLabels:` with no value and nothing else. */
export function isNullSelector(sel: LabelSelector): boolean {
  return sel.matchLabelsNull === true && sel.matchLabels.length === 0 && sel.matchExpressions.length === 0;
}
