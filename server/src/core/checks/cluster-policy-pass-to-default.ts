/**
 * cluster-policy-pass-to-default: an Admin-tier Pass rule whose traffic no NetworkPolicy and no
 * Baseline rule decides: it goes on to the default, allow. Reported only when, for every subject
 * workload the rule passes something for, no NetworkPolicy isolates it in that direction and no
 * rule of a Baseline policy selecting it matches a peer of the Pass on a port of the Pass (the
 * engine's tiers and matchers, semantics/tiers.ts).
 */
import type { Endpoint } from '../semantics/compile';
import { clusterPolicyName, tierRuleLabel, tierRuleMatches, tierRulePorts } from '../semantics/tiers';
import { defineCheck, defineCode, type Report } from './types';
import { track } from '../index/deps';

const meta = defineCode({
  code: 'cluster-policy-pass-to-default',
  defaultSeverity: 'information',
  scope: 'workspace',
  summary:
    'An Admin-tier Pass rule whose traffic no NetworkPolicy and no Baseline rule decides: it passes to the default, allow.',
});

export const clusterPolicyPassToDefault = defineCheck(meta, ({ engine, index, subjects: subjectFiles }) => {
  // reads every cluster-wide policy and the workloads they select: re-run on any change
  if (index.clusterPolicies.length === 0) return [];
  track('*');
  const out: Report<typeof meta>[] = [];
  const tiers = engine.tiers;
  const admin = tiers.compiled.filter((c) => c.tier === 'Admin' && c.subject);
  if (admin.length === 0) return [];
  const workloads = engine.workloadEndpoints();
  const externals = engine.directionalExternals('egress');
  for (const c of admin) {
    const subjects = workloads.filter(
      (w): w is Endpoint & { kind: 'workload' } => w.kind === 'workload' && tiers.selects(c, w.workload),
    );
    if (subjects.length === 0) continue;
    for (const dir of ['ingress', 'egress'] as const) {
      for (const cr of c[dir]) {
        if (cr.action !== 'Pass' || cr.failClosed) continue;
        const candidates = dir === 'egress' ? [...workloads, ...externals] : workloads;
        const peers = candidates.filter((e) => tierRuleMatches(cr, e, engine));
        let example: { w: Endpoint; e: Endpoint } | undefined;
        let reached = false;
        for (const w of subjects) {
          const passes = peers.filter((e) => e !== w && !tierRulePorts(cr, dir === 'egress' ? e : w).isEmpty);
          if (passes.length === 0) continue;
          example ??= { w, e: passes[0] as Endpoint };
          if (engine.isolation(w.workload)[dir].length > 0) {
            reached = true;
            break;
          }
          const baseline = tiers.selecting(w.workload)[dir].baseline;
          reached = baseline.some((b) =>
            b[dir].some((br) =>
              passes.some((e) => {
                const dst = dir === 'egress' ? e : w;
                return (
                  tierRuleMatches(br, e, engine) &&
                  !tierRulePorts(br, dst).intersect(tierRulePorts(cr, dst)).isEmpty
                );
              }),
            ),
          );
          if (reached) break;
        }
        if (reached || !example) continue;
        const rule = cr.ref.rule;
        const pair =
          dir === 'egress' ? `${example.w.id} → ${example.e.id}` : `${example.e.id} → ${example.w.id}`;
        out.push({
          uri: c.policy.doc.uri,
          span: rule.actionField?.span ?? rule.span,
          message: `${tierRuleLabel(rule)} of ${clusterPolicyName(c.policy)} passes to the default: allow. No NetworkPolicy isolates the subject's pods for ${dir} and no Baseline rule matches the traffic it passes (e.g. ${pair}), so that traffic is allowed. If allowing it is intended, Accept says so; otherwise add a NetworkPolicy for these pods or a Baseline rule for this traffic.`,
        });
      }
    }
  }
  return out.filter((r) => subjectFiles.file(r.uri));
});
