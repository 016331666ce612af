import { ruleLabel } from '../semantics/names';
import type { Explanation } from '../semantics/explain';
import type { SourceRef } from '../text/span';

/** The CLI's explanation: verdict (then `notes`: what the analysis left out), each side with file:line of policies and rules, notes. */
export function explainText(
  x: Explanation,
  loc: (ref: SourceRef) => string,
  notes: readonly string[] = [],
): string {
  const out: string[] = [];
  const [head, ...rest] = x.summary;
  out.push(head ?? '', ...notes);
  const side = (name: string, s: Explanation['egress'], sentence: string | undefined): void => {
    out.push('', `${name}:`);
    if (sentence) out.push(`  ${sentence}`);
    for (const t of s.trail ?? []) out.push(`  ${t.text}${t.ref ? `  (${loc(t.ref)})` : ''}`);
    for (const p of s.isolatingPolicies) out.push(`  isolated by ${p.policy}  (${loc(p.ref)})`);
    for (const r of s.allowingRules)
      if (!r.tier)
        out.push(
          `  allowed by ${r.policy} ${ruleLabel(r.direction, { index: r.ruleIndex })}  (${loc(r.ref)})`,
        );
    const n = s.nearestRule;
    if (n)
      out.push(
        `  nearest rule ${n.policy} ${ruleLabel(n.direction, { index: n.ruleIndex })}  (${loc(n.ref)})`,
      );
  };
  side('egress (source side)', x.egress, rest[0]);
  side('ingress (destination side)', x.ingress, rest[1]);
  for (const n of x.notes) out.push('', `note: ${n}`);
  return out.join('\n') + '\n';
}
