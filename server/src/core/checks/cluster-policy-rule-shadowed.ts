/**
 * cluster-policy-rule-shadowed: a rule of a cluster-wide policy that no connection reaches, because
 * a rule evaluated before it for every pod of its subject (an earlier rule of the policy, a rule of
 * a higher-priority policy of the tier whose subject covers it, or an Admin Accept or Deny for a
 * Baseline rule: semantics/tier-cover.ts `rulesBefore`) matches all of its traffic. Sound, not
 * complete: one covering rule, compared structurally (`ruleCovers`), never a union of several.
 * Files that define one cluster-scoped object with different content (duplicate-policy) are
 * alternatives (examples, test cases, variants), not one cluster: such a policy is compared with
 * the policies of its own file only, and two such files not with each other
 * (duplicate-policy.ts `clusterPoliciesTogether`).
 */
import type { CompiledTierRule } from '../semantics/tiers';
import { ruleCovers, rulesBefore } from '../semantics/tier-cover';
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
        const q = rulesBefore(c, dir, i, all).find((x) => together(x) && covers(x, cr));
        if (!q) return;
        const rule = cr.ref.rule;
        const same = q.ref.policy === c.policy;
        const by = same
          ? `the earlier ${tierRuleLabel(q.ref.rule)}`
          : `${tierRuleLabel(q.ref.rule)} of ${clusterPolicyName(q.ref.policy)} (${q.ref.tier}${q.ref.tier === c.tier ? `, priority ${q.ref.policy.priority?.value ?? 0} before ${c.priority}` : ' tier, evaluated first'})`;
        const what =
          q.peers === 'all'
            ? 'fails closed and denies everything'
            : `matches all of its traffic (${q.action})`;
        out.push({
          uri: c.policy.doc.uri,
          span: rule.name?.span ?? rule.span,
          message: `${tierRuleLabel(rule)} of ${clusterPolicyName(c.policy)} (${cr.action}) is never reached: ${by} ${what}, and it is evaluated first for every pod of this policy's subject. ${same ? 'Move this rule before it, narrow that rule, or remove this one.' : q.ref.tier === c.tier ? 'Narrow that rule, give this policy a lower priority number, or remove this rule.' : 'Narrow that rule or remove this one.'}`,
          related: [
            {
              uri: q.ref.policy.doc.uri,
              span: q.ref.rule.name?.span ?? q.ref.rule.span,
              message: `${tierRuleLabel(q.ref.rule)} of ${clusterPolicyName(q.ref.policy)} decides it first`,
            },
          ],
        });
      });
    }
  }
  return out.filter((r) => subjects.file(r.uri));
});
