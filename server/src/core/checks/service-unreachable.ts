/**
 * service-unreachable: a Service routes to pods that no source may reach on its target port.
 * Every workload it selects is isolated for ingress, and on the port the Service sends to (its
 * `targetPort`, a name resolved through the workload's container ports, else `port`) no rule of
 * the isolating policies admits a workload of the workspace (the selected one too: its replicas
 * reach each other) or an external range (the
 * engine's rule ports and rule match vectors, which its ingress side is made of). Sources outside the workspace count as able to
 * reach (no report) when a rule allowing that port has a peer that may match pods netpol-lens
 * cannot see: a namespaceSelector matching no known namespace (it may exist at run time), namespaces
 * whose workloads the workspace does not hold, the cluster DNS pods, or pods evidently made at run
 * time (semantics/queries.ts `peerPods`). Not reported for a Service without selector or one that
 * selects no workload (other checks cover those), nor for a port whose name no selected workload
 * resolves.
 *
 * Through the tiers (docs/semantics.md "Cluster-wide policy tiers"), for a workload a cluster-wide
 * policy selects for ingress: some endpoint (workload or external range) whose ingress side, through
 * Admin → NetworkPolicy → Baseline, admits the port makes it reachable (an Admin Accept lets in what
 * the NetworkPolicies would deny: no alarm); and so does a pod the workspace does not hold unless
 * the tiers surely deny it: walking the rules covering the port in order, an Accept that may match
 * some pod makes it reachable, a Deny matching every pod denies it (named in the finding), a Pass
 * of every pod goes on to the NetworkPolicy tier (the rules above), the end of the Baseline tier is
 * the default allow.
 */
import { defineCheck, defineCode, type Report } from './types';
import type { Workload } from '../index/workspace-index';
import type { CompiledRule } from '../semantics/compile';
import type { PolicyEngine } from '../semantics/engine';
import { policyName, serviceLabel } from '../semantics/names';
import { peerPods, serviceTargetPort, serviceWorkloads, workloadEndpoint } from '../semantics/queries';
import type { Settings } from '../settings';
import type { Protocol } from '../model/types';
import { listText } from '../text/words';
import { compact, policyRelated } from './support';
import type { CompiledTierRule, TierPolicies } from '../semantics/tiers';
import { clusterPolicyName, tierRuleLabel, tierRulePorts } from '../semantics/tiers';
import type { TierRuleRef } from '../semantics/rule-ref';
import type { RelatedInfo } from '../model/finding';
import { track } from '../index/deps';

const meta = defineCode({
  code: 'service-unreachable',
  defaultSeverity: 'warning',
  scope: 'workspace',
  summary:
    'A Service selects pods that are isolated for ingress and that no source may reach on its target port.',
});

export const serviceUnreachable = defineCheck(meta, ({ index, subjects, engine, settings }) => {
  const out: Report<typeof meta>[] = [];
  for (const svc of subjects.services) {
    const pods = serviceWorkloads(index, svc);
    if (pods.length === 0) continue;
    const tiered = (w: Workload): TierPolicies | undefined => {
      const ep = workloadEndpoint(w);
      return ep.kind === 'workload' ? engine.tiersOf(ep, 'ingress') : undefined;
    };
    // a selected workload not isolated for ingress (by NetworkPolicies or a cluster-wide policy) accepts everything
    if (pods.some((w) => engine.isolation(w).ingress.length === 0 && !tiered(w))) continue;
    for (const sp of svc.ports) {
      const targets = pods.flatMap((w) => {
        const port = serviceTargetPort(sp, w);
        return port === undefined ? [] : [{ w, port }];
      });
      if (targets.length === 0) continue;
      const denials = new Map<TierRuleRef['rule'], TierRuleRef>();
      const anyTiered = targets.some(({ w }) => tiered(w));
      if (
        targets.some(({ w, port }) => {
          const t = tiered(w);
          return t
            ? reachableThroughTiers(engine, settings, w, t, sp.protocol, port, denials)
            : reachable(engine, settings, w, sp.protocol, port);
        })
      )
        continue;
      if (anyTiered) {
        out.push(tierFinding(svc, sp, pods, targets, [...denials.values()], engine));
        continue;
      }
      const isolating = [
        ...new Map(
          targets.flatMap(({ w }) => engine.isolation(w).ingress).map((c) => [c.id, c] as const),
        ).values(),
      ];
      const ports = [...new Set(targets.map((t) => t.port))];
      const portText = `${sp.protocol} ${ports.join(', ')}${sp.name ? ` (port ${sp.name})` : ''}`;
      out.push({
        uri: svc.doc.uri,
        span: sp.span,
        message: `${serviceLabel(svc)} routes to the pods of ${listText(pods.map((w) => w.id))}, which no source may reach on ${portText}: ${listText(isolating.map((c) => policyName(c.policy)))} ${isolating.length === 1 ? 'isolates' : 'isolate'} them for ingress, and no rule admits a workload of the workspace, an external address or another namespace on that port. Add an ingress rule for the Service's clients on ${sp.protocol} ${ports.join(', ')}, or fix the rule whose podSelector should match them.`,
        related: compact(
          isolating.slice(0, 6).map((c) => policyRelated(c.policy, `${policyName(c.policy)} isolates them`)),
        ),
      });
    }
  }
  return out;
});

type Svc = Parameters<typeof serviceLabel>[0];
type SvcPort = Svc['ports'][number];

function tierFinding(
  svc: Svc,
  sp: SvcPort,
  pods: readonly Workload[],
  targets: ReadonlyArray<{ w: Workload; port: number }>,
  denials: readonly TierRuleRef[],
  engine: PolicyEngine,
): Report<typeof meta> {
  const ports = [...new Set(targets.map((t) => t.port))];
  const portText = `${sp.protocol} ${ports.join(', ')}${sp.name ? ` (port ${sp.name})` : ''}`;
  const isolating = [
    ...new Map(
      targets.flatMap(({ w }) => engine.isolation(w).ingress).map((c) => [c.id, c] as const),
    ).values(),
  ];
  const rules = denials.map(
    (d) => `${tierRuleLabel(d.rule)} of ${clusterPolicyName(d.policy)} (${d.tier} tier, ${d.action})`,
  );
  const by = [
    ...rules,
    ...(isolating.length
      ? [
          `${isolating.length === 1 ? 'NetworkPolicy' : 'NetworkPolicies'} ${listText(isolating.map((c) => c.id))} (the NetworkPolicy tier, for what the Admin tier leaves)`,
        ]
      : []),
  ];
  const related: RelatedInfo[] = [
    ...denials.slice(0, 6).map((d) => ({
      uri: d.policy.doc.uri,
      span: d.rule.name?.span ?? d.rule.span,
      message: `${tierRuleLabel(d.rule)} of ${clusterPolicyName(d.policy)} denies it`,
    })),
    ...compact(
      isolating.slice(0, 6).map((c) => policyRelated(c.policy, `${policyName(c.policy)} isolates them`)),
    ),
  ];
  return {
    uri: svc.doc.uri,
    span: sp.span,
    message: `${serviceLabel(svc)} routes to the pods of ${listText(pods.map((w) => w.id))}, which no source may reach on ${portText}: ${by.length ? `denied by ${listText(by)}` : 'the tiers deny it'}. Accept the Service's clients on ${sp.protocol} ${ports.join(', ')} before ${denials.length ? (denials.length === 1 ? 'that rule' : 'those rules') : 'the denial'}, or narrow ${denials.length === 1 ? 'it' : 'them'}.`,
    ...(related.length ? { related } : {}),
  };
}

/** Does a tier rule's peer match every pod (a fail-closed Deny; `namespaces: {}`; `pods` with both selectors empty)? */
function matchesEveryPod(r: CompiledTierRule): boolean {
  if (r.peers === 'all') return true;
  return r.peers.some((m) => m.kind === 'pods' && m.namespaces.isEmpty && m.pods.isEmpty);
}

/**
 * May some source reach workload `w`, which cluster-wide policies select for ingress, on
 * `protocol`/`port`? An endpoint of the workspace whose ingress side admits it, or a pod the
 * workspace does not hold that the tiers do not surely deny (see the module comment). The tier
 * rules that denied are added to `denials`.
 */
function reachableThroughTiers(
  engine: PolicyEngine,
  settings: Settings,
  w: Workload,
  tiers: TierPolicies,
  protocol: Protocol,
  port: number,
  denials: Map<TierRuleRef['rule'], TierRuleRef>,
): boolean {
  // reads every endpoint's side (engine.endpoints tracks '*')
  track('*');
  const dst = workloadEndpoint(w);
  for (const src of engine.endpoints()) {
    const side = engine.ingressSide(src, dst);
    if (side.set.has(protocol, port)) return true;
    const t = side.tiers;
    if (!t) continue;
    for (const r of [
      ...t.admin.deny.restrict(protocol, port).refs(),
      ...t.baseline.deny.restrict(protocol, port).refs(),
    ])
      if (r.tier !== undefined) denials.set(r.rule, r);
  }
  // a pod the workspace does not hold
  const walk = (policies: TierPolicies['admin']): 'accept' | 'deny' | 'next' => {
    for (const p of policies)
      for (const r of p.ingress) {
        if (!tierRulePorts(r, dst).has(protocol, port)) continue;
        const every = matchesEveryPod(r);
        if (r.action === 'Accept') {
          if (r.peers !== 'all' && r.peers.length === 0) continue; // fails closed: matches nothing
          return 'accept';
        }
        if (!every) continue; // denies or passes some pods only
        if (r.action === 'Deny') {
          denials.set(r.ref.rule, r.ref);
          return 'deny';
        }
        return 'next'; // a Pass of every pod
      }
    return 'next';
  };
  const admin = walk(tiers.admin);
  if (admin !== 'next') return admin === 'accept';
  const isolating = engine.isolation(w).ingress;
  if (isolating.length > 0)
    // the NetworkPolicy tier decides: a rule on the port that may match pods the workspace does not hold
    return isolating.some((c) =>
      c.ingress.some(
        (r) => engine.rulePorts(r, dst).has(protocol, port) && openWorld(engine, settings, c.namespace, r),
      ),
    );
  const baseline = walk(tiers.baseline);
  return baseline !== 'deny';
}

/**
 * May some source reach workload `w` on `protocol`/`port`? A rule of the policies isolating it for
 * ingress that allows the port (engine `rulePorts`, as the ingress side reads it) and whose peers
 * match an endpoint, the workload itself included (engine `ruleMatchVector`: workloads and external ranges), or pods the
 * workspace does not hold (`openWorld`).
 */
function reachable(
  engine: PolicyEngine,
  settings: Settings,
  w: Workload,
  protocol: Protocol,
  port: number,
): boolean {
  // the ports a rule allows depend on the destination workload alone (its named ports)
  const dst = workloadEndpoint(w);
  for (const c of engine.isolation(w).ingress) {
    for (const r of c.ingress) {
      if (!engine.rulePorts(r, dst).has(protocol, port)) continue;
      if (r.peers === 'all') return true;
      // the workload itself counts: its other replicas (and the pod itself, through the Service) are sources
      if (matchesSomeEndpoint(engine, c.namespace, r)) return true;
      if (openWorld(engine, settings, c.namespace, r)) return true;
    }
  }
  return false;
}

/**
 * Does a rule's peer match some endpoint (a workload or an external range)? A pod peer, when some
 * workload of the namespaces it can match has its labels (`workloadsMatching`, which reads only
 * those namespaces); an ipBlock, by the engine's match vector over every endpoint.
 */
function matchesSomeEndpoint(engine: PolicyEngine, policyNs: string, r: CompiledRule): boolean {
  if (r.peers === 'all') return true;
  for (const m of r.peers) {
    if (m.kind === 'pods' && engine.anyWorkloadMatching(m, policyNs)) return true;
  }
  if (!r.peers.some((m) => m.kind === 'ipBlock')) return false;
  const v = engine.ruleMatchVector(r, policyNs);
  for (let i = 0; i < v.length; i++) if (v[i] !== 0) return true;
  return false;
}

/** Has a rule a pod peer that may match pods the workspace does not hold? */
function openWorld(engine: PolicyEngine, settings: Settings, policyNs: string, r: CompiledRule): boolean {
  if (r.peers === 'all') return true;
  for (const m of r.peers) {
    if (m.kind !== 'pods') continue;
    const found = peerPods(engine, settings, policyNs, m.peer, false);
    if (found.kind === 'none' ? found.runTime !== undefined : found.kind !== 'workloads') return true;
  }
  return false;
}
