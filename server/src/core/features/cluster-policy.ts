/**
 * Editor features on cluster-wide policies (ClusterNetworkPolicy v1alpha2 and EKS's,
 * AdminNetworkPolicy, BaselineAdminNetworkPolicy; docs/semantics.md "Cluster-wide policy tiers"):
 * the hover on a policy (its tier and priority, the namespaces and pods its subject selects, each
 * rule's peers in plain words, what the other tiers still decide) and on one of its rules, and the
 * code lens above it (tier, priority, what it selects). What matches is asked of the engine's
 * tiers (semantics/tiers.ts), as reachability asks it.
 */
import type { Workload } from '../index/workspace-index';
import {
  writtenKind,
  type ClusterPolicyResource,
  type TierPeer,
  type TierPort,
  type TierRule,
} from '../model/cluster-policy';
import type { LabelSelector } from '../model/types';
import type { Endpoint } from '../semantics/compile';
import {
  compileClusterPolicy,
  tierRuleLabel,
  tierRuleMatches,
  type CompiledClusterPolicy,
  type CompiledTierRule,
} from '../semantics/tiers';
import type { Span } from '../text/span';
import { bullets, indexingText, listText, plural } from '../text/words';
import type { FeatureContext } from './context';
import { selectorPhrase, type HoverLinks } from './describe';

type Ctx = FeatureContext & { readonly links: HoverLinks };

/** The cluster-wide policy of a file whose document holds `offset`, and the rule under it if any. */
export function clusterPolicyAt(
  ctx: FeatureContext,
  uri: string,
  offset: number,
): { policy: ClusterPolicyResource; rule: TierRule | undefined; span: Span } | undefined {
  for (const p of ctx.index.file(uri)?.clusterPolicies ?? []) {
    if (offset < p.doc.span.start || offset > p.doc.span.end) continue;
    const rule = [...p.ingress, ...p.egress].find((r) => offset >= r.span.start && offset <= r.span.end);
    if (rule) return { policy: p, rule, span: rule.span };
    // the name, the kind, the subject, the tier or priority: the policy
    const spans = [p.name.span, p.kindSpan, p.subject.span, p.tierField?.span, p.priority?.span];
    const on = spans.find((s) => s && offset >= s.start && offset <= s.end);
    return on ? { policy: p, rule: undefined, span: on } : undefined;
  }
  return undefined;
}

/** `Admin tier, priority 10` (a BaselineAdminNetworkPolicy has none). */
export function tierText(p: ClusterPolicyResource): string {
  return p.priority ? `${p.tier} tier, priority ${p.priority.value}` : `${p.tier} tier`;
}

function sel(s: LabelSelector | undefined, every: string, what: string): string {
  const t = s ? selectorPhrase(s) : '';
  return t ? `${what} ${t}` : every;
}

/** A peer in plain words: `pods app=api in namespaces env=prod`, `addresses 10.0.0.0/8`, `domain names db.example.com`. */
export function tierPeerWords(pe: TierPeer): string {
  switch (pe.kind) {
    case 'namespaces':
      return `every pod in ${sel(pe.namespaces, 'every namespace', 'namespaces')}`;
    case 'pods':
      return `${sel(pe.podSelector, 'every pod', 'pods')} in ${sel(pe.namespaceSelector, 'every namespace', 'namespaces')}`;
    case 'networks':
      return `addresses ${listText(pe.cidrs.map((c) => c.value))} (pod IPs included)`;
    case 'nodes':
      return `the IPs of ${sel(pe.nodes, 'every node', 'nodes')} (netpol-lens models no nodes)`;
    case 'domainNames':
      return `domain names ${listText(pe.names.map((n) => n.value))}`;
    case 'invalid':
      return `an invalid peer (${pe.why})`;
  }
}

function portWords(p: TierPort): string {
  switch (p.kind) {
    case 'range':
      return p.lo === p.hi ? `${p.protocol} ${p.lo}` : `${p.protocol} ${p.lo}-${p.hi}`;
    case 'protocol':
      return `every ${p.protocol} port`;
    case 'named':
      return `port "${p.name}"`;
    case 'invalid':
      return `an invalid entry (${p.why})`;
  }
}

/** `Accept to domain names db.example.com on TCP 5432`. */
export function tierRuleWords(r: TierRule): string {
  const toFrom = r.direction === 'egress' ? 'to' : 'from';
  const peers = r.peers.length ? r.peers.map(tierPeerWords).join('; or ') : 'no peers';
  const ports = r.ports ? ` on ${listText(r.ports.map(portWords))}` : ' on every port';
  return `${r.action ?? `no valid action (${r.actionField?.value ?? 'missing'})`} ${toFrom} ${peers}${ports}`;
}

const asEndpoint = (w: Workload): Endpoint => ({ kind: 'workload', id: w.id, workload: w });

export function subjectPods(ctx: FeatureContext, c: CompiledClusterPolicy): Workload[] {
  return ctx.index.workloads.filter((w) => ctx.engine.tiers.selects(c, w));
}

/** What the tiers after a rule decide for its subject pods: the NetworkPolicies isolating them, then Baseline, then allow. */
function afterText(
  ctx: Ctx,
  p: ClusterPolicyResource,
  dir: 'ingress' | 'egress',
  pods: readonly Workload[],
): string {
  if (p.tier === 'Baseline') return 'the default: allow';
  const by = new Map<string, string[]>();
  const open: string[] = [];
  for (const w of pods) {
    const iso = ctx.engine.isolation(w)[dir];
    if (iso.length === 0) open.push(w.id);
    else for (const np of iso) by.set(np.id, [...(by.get(np.id) ?? []), w.id]);
  }
  const np = [...by].map(([id, ws]) => `${id} decides (for ${listText(ws, 3)})`);
  const baseline = ctx.engine.tiers.compiled.filter(
    (c) => c.tier === 'Baseline' && c[dir].length > 0 && pods.some((w) => ctx.engine.tiers.selects(c, w)),
  );
  const rest = baseline.length
    ? `the Baseline tier (${listText(baseline.map((c) => c.id))}), then the default: allow`
    : 'the default: allow';
  if (pods.length === 0) return 'the NetworkPolicy tier (no subject pod in the workspace)';
  if (open.length === 0) return `the NetworkPolicy tier, where ${listText(np, 4)}`;
  const openText = `${plural(open.length, 'pod')} no NetworkPolicy isolates in ${dir} (${listText(open, 3)})`;
  return np.length
    ? `the NetworkPolicy tier, where ${listText(np, 4)}; for the ${openText}, ${rest}`
    : `the NetworkPolicy tier, which decides nothing for the ${openText}: ${rest}`;
}

/** A Baseline rule sees only what no NetworkPolicy isolates: the subject pods it never applies to. */
function baselineText(ctx: Ctx, dir: 'ingress' | 'egress', pods: readonly Workload[]): string | undefined {
  const isolated = pods.filter((w) => ctx.engine.isolation(w)[dir].length > 0);
  if (isolated.length === 0) return undefined;
  const by = [...new Set(isolated.flatMap((w) => ctx.engine.isolation(w)[dir].map((p) => p.id)))];
  return `it never applies to ${listText(
    isolated.map((w) => w.id),
    3,
  )}: NetworkPolicies isolate ${isolated.length === 1 ? 'it' : 'them'} in ${dir} (${listText(by, 3)}) and decide first`;
}

function ruleLine(
  ctx: Ctx,
  p: ClusterPolicyResource,
  c: CompiledTierRule,
  pods: readonly Workload[],
): string {
  const r = c.ref.rule;
  const label = ctx.links.to(tierRuleLabel(r), { uri: p.doc.uri, span: r.span });
  const parts = [`${label}: ${tierRuleWords(r)}`];
  if (c.failClosed)
    parts.push(
      c.peers === 'all'
        ? `the API server rejects it (${c.failClosed}): it fails closed, denying everything`
        : `the API server rejects it (${c.failClosed}): it matches nothing`,
    );
  else {
    const matched = ctx.index.workloads.filter((w) => tierRuleMatches(c, asEndpoint(w), ctx.engine));
    if (r.peers.some((pe) => pe.kind === 'namespaces' || pe.kind === 'pods'))
      parts.push(`its peers match ${plural(matched.length, 'workload')} of the workspace`);
  }
  if (c.action === 'Pass') parts.push(`Pass hands this traffic to ${afterText(ctx, p, r.direction, pods)}`);
  else if (p.tier === 'Admin' && !c.failClosed)
    parts.push(
      `${c.action === 'Accept' ? 'Accept' : 'Deny'} is final: no NetworkPolicy or Baseline rule sees this traffic`,
    );
  if (p.tier === 'Baseline') {
    const b = baselineText(ctx, r.direction, pods);
    if (b) parts.push(b);
  }
  return parts.join('; ');
}

/** The hover on a cluster-wide policy, or on one of its rules. */
export function clusterPolicyHover(ctx: Ctx, p: ClusterPolicyResource, rule: TierRule | undefined): string[] {
  const c = compileClusterPolicy(p);
  const out = [`**${writtenKind(p.sourceKind)}** \`${c.id}\` (${p.apiVersion.value}) — ${tierText(p)}`, ''];
  const pending = ctx.indexing
    ? `What it selects: known once the workspace is indexed (${indexingText(ctx.indexing.done, ctx.indexing.total)}).`
    : undefined;
  const pods = pending || !c.subject ? [] : subjectPods(ctx, c);
  if (rule) {
    const cr = c[rule.direction].find((x) => x.ref.rule === rule);
    if (cr) out.push(ruleLine(ctx, p, cr, pods));
    return out;
  }
  if (pending) out.push(pending);
  else if (!c.subject)
    out.push(
      p.subject.kind === 'invalid'
        ? `Selects no pods: its subject is invalid (${p.subject.why}).`
        : 'Selects no pods: the API server rejects the policy (a limit it enforces is broken).',
    );
  else {
    const subject =
      p.subject.kind === 'namespaces'
        ? `subject: every pod in ${sel(p.subject.namespaces, 'every namespace', 'namespaces')}`
        : p.subject.kind === 'pods'
          ? `subject: ${sel(p.subject.podSelector, 'every pod', 'pods')} in ${sel(p.subject.namespaceSelector, 'every namespace', 'namespaces')}`
          : 'subject';
    const nss = [...new Set(pods.map((w) => w.namespace))].sort();
    if (pods.length === 0) out.push(`Selects no pods of the workspace (${subject}).`);
    else {
      out.push(
        `Selects ${plural(pods.length, 'pod')} (workloads) in ${plural(nss.length, 'namespace')} (${subject}): ${listText(nss, 8)}`,
      );
      out.push(...bullets(pods.map((w) => `${ctx.links.workload(w)} — ${w.kind}`)));
    }
  }
  for (const dir of ['ingress', 'egress'] as const) {
    if (c[dir].length === 0) continue;
    out.push(
      '',
      `${dir === 'ingress' ? 'Ingress' : 'Egress'} rules, in the order they are evaluated (the first that matches decides):`,
    );
    out.push(...bullets(c[dir].map((cr) => ruleLine(ctx, p, cr, pods))));
    out.push(
      '',
      `Traffic none of its ${dir} rules matches goes on to ${
        p.tier === 'Admin' ? 'the Admin policies after it, then ' : 'the Baseline policies after it, then '
      }${afterText(ctx, p, dir, pods)}.`,
    );
  }
  if (c.ingress.length === 0 && c.egress.length === 0) out.push('', 'It has no rules: it decides nothing.');
  return out;
}
