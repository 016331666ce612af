/**
 * cluster-policy-priority-conflict: two policies of one tier with the same priority, whose rules
 * decide the same connection differently. Upstream leaves the outcome undefined (the implementation
 * picks either policy). Found with the engine's matchers on the workspace's endpoints: a workload
 * both policies select, a peer, and a port on which each policy's first matching rule (its own
 * evaluation, semantics/tiers.ts `tierOutcome`) takes a different action. Both rules are reported,
 * each naming the other. Files that define one object differently are alternatives, not paired
 * (duplicate-policy.ts `clusterPoliciesTogether`).
 */
import type { Endpoint } from '../semantics/compile';
import { formatConns } from '../semantics/port-set';
import {
  clusterPolicyName,
  tierOutcome,
  tierRuleLabel,
  tierRuleMatches,
  tierRulePorts,
  type CompiledClusterPolicy,
  type CompiledTierRule,
} from '../semantics/tiers';
import { defineCheck, defineCode, type Report } from './types';
import { track } from '../index/deps';
import { clusterPoliciesTogether } from './duplicate-policy';

const meta = defineCode({
  code: 'cluster-policy-priority-conflict',
  defaultSeverity: 'error',
  scope: 'workspace',
  summary:
    'Two cluster-wide policies of one tier with the same priority decide the same connection differently: upstream leaves the outcome undefined.',
});

type WorkloadEndpoint = Endpoint & { kind: 'workload' };

export const clusterPolicyPriorityConflict = defineCheck(
  meta,
  ({ engine, index, subjects: subjectFiles }) => {
    // reads every cluster-wide policy and the workloads they select: re-run on any change
    if (index.clusterPolicies.length === 0) return [];
    track('*');
    const out: Report<typeof meta>[] = [];
    const tiers = engine.tiers;
    const live = tiers.compiled.filter((c) => c.subject);
    const compared = clusterPoliciesTogether(index.clusterPolicies);
    const workloads = engine.workloadEndpoints();
    const externals = engine.directionalExternals('egress');
    const subjects = new Map<CompiledClusterPolicy, WorkloadEndpoint[]>();
    const subjectsOf = (c: CompiledClusterPolicy): WorkloadEndpoint[] => {
      let s = subjects.get(c);
      if (!s) {
        s = workloads.filter(
          (w): w is WorkloadEndpoint => w.kind === 'workload' && tiers.selects(c, w.workload),
        );
        subjects.set(c, s);
      }
      return s;
    };
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        const a = live[i] as CompiledClusterPolicy;
        const b = live[j] as CompiledClusterPolicy;
        // two manifests of one object (kind and name) are not two policies: one replaces the other
        if (a.tier !== b.tier || a.priority !== b.priority || a.id === b.id) continue;
        if (!compared(a.policy, b.policy)) continue;
        const bSubjects = new Set(subjectsOf(b));
        const both = subjectsOf(a).filter((w) => bSubjects.has(w));
        if (both.length === 0) continue;
        for (const dir of ['ingress', 'egress'] as const) {
          if (a[dir].length === 0 || b[dir].length === 0) continue;
          const found = new Map<string, { ra: CompiledTierRule; rb: CompiledTierRule; example: string }>();
          const peers = dir === 'egress' ? [...workloads, ...externals] : workloads;
          for (const w of both) {
            for (const e of peers) {
              if (e === w) continue;
              const dst = dir === 'egress' ? e : w;
              const matches = (r: CompiledTierRule): boolean => tierRuleMatches(r, e, engine);
              const ports = (r: CompiledTierRule) => tierRulePorts(r, dst);
              const oa = tierOutcome([a], dir, matches, ports);
              const ob = tierOutcome([b], dir, matches, ports);
              for (const ra of a[dir]) {
                const sa = oa[ACTION[ra.action]].only(ra.ref);
                if (sa.isEmpty) continue;
                for (const rb of b[dir]) {
                  if (rb.action === ra.action) continue;
                  const key = `${a[dir].indexOf(ra)}/${b[dir].indexOf(rb)}`;
                  if (found.has(key)) continue;
                  const hit = sa.intersect(ob[ACTION[rb.action]].only(rb.ref));
                  if (hit.isEmpty) continue;
                  const pair = dir === 'egress' ? `${w.id} → ${e.id}` : `${e.id} → ${w.id}`;
                  found.set(key, { ra, rb, example: `${pair} on ${formatConns(hit.plain().toConns())}` });
                }
              }
            }
          }
          for (const { ra, rb, example } of found.values()) {
            for (const [mine, other] of [
              [ra, rb],
              [rb, ra],
            ] as const) {
              const rule = mine.ref.rule;
              const o = other.ref;
              out.push({
                uri: mine.ref.policy.doc.uri,
                span: rule.name?.span ?? rule.span,
                message: `${tierRuleLabel(rule)} of ${clusterPolicyName(mine.ref.policy)} (${mine.action}) and ${tierRuleLabel(o.rule)} of ${clusterPolicyName(o.policy)} (${other.action}) are in policies of the ${a.tier} tier with the same priority ${a.priority} and decide the same traffic (e.g. ${example}): which one wins is undefined upstream, and implementations may differ. Give the two policies different priorities.`,
                related: [
                  {
                    uri: o.policy.doc.uri,
                    span: o.rule.name?.span ?? o.rule.span,
                    message: `${tierRuleLabel(o.rule)} of ${clusterPolicyName(o.policy)} (${other.action}), same priority`,
                  },
                ],
              });
            }
          }
        }
      }
    }
    return out.filter((r) => subjectFiles.file(r.uri));
  },
);

const ACTION = { Accept: 'accept', Deny: 'deny', Pass: 'pass' } as const;
