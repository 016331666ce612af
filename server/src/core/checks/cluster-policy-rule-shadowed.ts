/**
 * cluster-policy-rule-shadowed: a rule of a cluster-wide policy that no connection reaches, because
 * a rule evaluated before it for every pod of its subject (an earlier rule of the policy, a rule of
 * a higher-priority policy of the tier whose subject covers it, or an Admin Accept or Deny for a
 * Baseline rule: semantics/tier-cover.ts `rulesBefore`) matches all of its traffic: one such rule
 * (`ruleCovers`), or several together (`unionCover`: per peer of the rule, the union of the port
 * sets of the earlier rules whose peers cover it). Sound, not complete: peers are compared one
 * earlier peer at a time, never a union of selectors.
 * Files that define one cluster-scoped object with different content (duplicate-policy) are
 * alternatives (examples, test cases, variants), not one cluster: such a policy is compared with
 * the policies of its own file only, and two such files not with each other
 * (duplicate-policy.ts `clusterPoliciesTogether`).
 */
import type { CompiledTierRule } from '../semantics/tiers';
import { ruleCovers, rulesBefore, unionCover } from '../semantics/tier-cover';
import { listText } from '../text/words';
import { clusterPolicyName, tierRuleLabel } from '../semantics/tiers';
import { defineCheck, defineCode, type Report } from './types';
import { track } from '../index/deps';
import { clusterPoliciesTogether } from './duplicate-policy';

const meta = defineCode({
  code: 'cluster-policy-rule-shadowed',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary:
    'A rule of a cluster-wide policy that no connection reaches: an earlier rule or a higher-priority policy decides all of its traffic first.',
});

const covers = (q: CompiledTierRule, r: CompiledTierRule): boolean =>
  q.peers === 'all' || (!q.failClosed && ruleCovers(q.ref.rule, r.ref.rule));

export const clusterPolicyRuleShadowed = defineCheck(meta, ({ engine, index, subjects }) => {
  // reads every cluster-wide policy and the workloads they select: re-run on any change
  if (index.clusterPolicies.length === 0) return [];
  track('*');
  const out: Report<typeof meta>[] = [];
  const all = engine.tiers.compiled;
  const compared = clusterPoliciesTogether(index.clusterPolicies);
  for (const c of all) {
    if (!c.subject) continue;
    const together = (x: CompiledTierRule): boolean =>
      x.ref.policy === c.policy || compared(c.policy, x.ref.policy);
    for (const dir of ['ingress', 'egress'] as const) {
      c[dir].forEach((cr, i) => {
        if (cr.failClosed || cr.peers === 'all') return;
        const before = rulesBefore(c, dir, i, all).filter(together);
        const single = before.find((x) => covers(x, cr));
        let qs: CompiledTierRule[] | undefined = single ? [single] : undefined;
        if (!qs) {
          const candidates = before.filter((x) => x.peers === 'all' || !x.failClosed);
          const used = unionCover(
            candidates.map((x) => ({ rule: x.ref.rule, all: x.peers === 'all' })),
            cr.ref.rule,
          );
          if (used && used.length > 1) qs = used.map((k) => candidates[k] as CompiledTierRule);
        }
        if (!qs) return;
        const rule = cr.ref.rule;
        const own = (q: CompiledTierRule): boolean => q.ref.policy === c.policy;
        const describe = (q: CompiledTierRule): string =>
          own(q)
            ? `the earlier ${tierRuleLabel(q.ref.rule)}`
            : `${tierRuleLabel(q.ref.rule)} of ${clusterPolicyName(q.ref.policy)} (${q.ref.tier}${q.ref.tier === c.tier ? `, priority ${q.ref.policy.priority?.value ?? 0} before ${c.priority}` : ' tier, evaluated first'})`;
        const ruleName = (q: CompiledTierRule): string =>
          q.ref.rule.name?.value ?? String(q.ref.rule.index + 1);
        const q0 = qs[0] as CompiledTierRule;
        const by =
          qs.length === 1
            ? describe(q0)
            : qs.every(own)
              ? `the earlier ${dir} rules ${listText(qs.map(ruleName))}`
              : listText(qs.map(describe));
        const actions = [...new Set(qs.map((q) => q.action))].join(', ');
        const what =
          qs.length > 1
            ? `together match all of its traffic (${actions})`
            : q0.peers === 'all'
              ? 'fails closed and denies everything'
              : `matches all of its traffic (${q0.action})`;
        const those = qs.length > 1 ? 'those rules' : 'that rule';
        const advice = qs.every(own)
          ? `Move this rule before ${qs.length > 1 ? 'them' : 'it'}, narrow ${those}, or remove this one.`
          : qs.some((q) => q.ref.tier === c.tier && !own(q))
            ? `Narrow ${those}, give this policy a lower priority number, or remove this rule.`
            : `Narrow ${those} or remove this one.`;
        out.push({
          uri: c.policy.doc.uri,
          span: rule.name?.span ?? rule.span,
          message: `${tierRuleLabel(rule)} of ${clusterPolicyName(c.policy)} (${cr.action}) is never reached: ${by} ${what}, and ${qs.length > 1 ? 'they are' : 'it is'} evaluated first for every pod of this policy's subject. ${advice}`,
          related: qs.map((q) => ({
            uri: q.ref.policy.doc.uri,
            span: q.ref.rule.name?.span ?? q.ref.rule.span,
            message:
              `${tierRuleLabel(q.ref.rule)} of ${clusterPolicyName(q.ref.policy)} decides ${qs.length > 1 ? 'part of' : ''} it first`.replace(
                '  ',
                ' ',
              ),
          })),
        });
      });
    }
  }
  return out.filter((r) => subjects.file(r.uri));
});
