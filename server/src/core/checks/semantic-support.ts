/**
 * Shared vocabulary of the workspace checks (checks.md section B): YAML paths of policy nodes (the
 * input of fixes), related-information pointers, the DNS target, which namespaces a peer applies
 * to, and structural reasoning on label selectors (coverage, possible overlap). Checks reason with
 * the PolicyEngine; this module only names things and compares selectors.
 */
import type { RelatedInfo } from '../model/finding';
import type {
  Direction, LabelSelector, Labels, NetworkPolicyResource, NamespaceResource, Peer, PolicyRule, PortEntry,
} from '../model/types';
import { cmp, METADATA_NAME_LABEL, type NamespaceInfo, type Workload, type WorkspaceIndex } from '../index/workspace-index';
import type { Settings } from '../settings';
import { compileSelector } from '../semantics/selector';
import { peerMatches, rulePorts, type CompiledPolicy, type CompiledRule, type Endpoint } from '../semantics/compile';
import type { PolicyEngine } from '../semantics/engine';
import { ConnectionSet } from '../semantics/port-set';

export type YamlPath = Array<string | number>;

// ---------------------------------------------------------------------------------------------
// YAML paths (document-relative; a List item's path starts with ['items', i])

export function policyPath(p: NetworkPolicyResource): YamlPath {
  return [...p.doc.path];
}

export function specPath(p: NetworkPolicyResource): YamlPath {
  return [...p.doc.path, 'spec'];
}

export function rulePath(p: NetworkPolicyResource, dir: Direction, rule: PolicyRule): YamlPath {
  return [...p.doc.path, 'spec', dir, rule.index];
}

export function peerListKey(dir: Direction): 'from' | 'to' {
  return dir === 'ingress' ? 'from' : 'to';
}

export function peerPath(p: NetworkPolicyResource, dir: Direction, rule: PolicyRule, peer: Peer): YamlPath {
  return [...rulePath(p, dir, rule), peerListKey(dir), peer.index];
}

export function portPath(p: NetworkPolicyResource, dir: Direction, rule: PolicyRule, port: PortEntry): YamlPath {
  return [...rulePath(p, dir, rule), 'ports', port.index];
}

// ---------------------------------------------------------------------------------------------
// Text

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** `a, b and c`, or `a, b, c and 4 more`. */
export function listText(items: readonly string[], max = 6): string {
  if (items.length === 0) return '(none)';
  const shown = items.slice(0, max);
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length === 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

export function labelsText(labels: Labels): string {
  const e = Object.entries(labels);
  return e.length ? e.map(([k, v]) => `${k}=${v}`).join(', ') : '(no labels)';
}

/** The distinct label sets of some workloads: `{app=web}, {app=db, tier=x}`. */
export function labelSetsText(ws: readonly Workload[], max = 5): string {
  return listText([...new Set(ws.map((w) => `{${labelsText(w.labels)}}`))], max);
}

export function policyName(p: NetworkPolicyResource): string {
  return `${p.namespace}/${p.name.value}`;
}

export function selectorText(sel: LabelSelector): string {
  return compileSelector(sel).describe();
}

/** `nginx1 (Deployment)` style, within a namespace that the message already names. */
export function workloadText(w: Workload): string {
  return `${w.namespace}/${w.name} (${w.kind})`;
}

// ---------------------------------------------------------------------------------------------
// Related information

export function policyRelated(p: NetworkPolicyResource, message: string): RelatedInfo {
  return { uri: p.doc.uri, span: p.name.span, message };
}

export function workloadRelated(w: Workload, message: string): RelatedInfo | undefined {
  const s = w.sources[0];
  if (!s) return undefined;
  return { uri: s.doc.uri, span: s.labelsSpan ?? s.objectName.span, message };
}

export function namespaceRelated(ns: NamespaceResource, message: string): RelatedInfo {
  return { uri: ns.doc.uri, span: ns.labelsSpan ?? ns.name.span, message };
}

export function compact<T>(xs: ReadonlyArray<T | undefined>): T[] {
  return xs.filter((x): x is T => x !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Namespaces

/** Namespaces every cluster has, whether or not the workspace declares them. */
export const BUILTIN_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/**
 * The namespaces a namespaceSelector is compared with: those of the workspace (declared or
 * implied), plus the built-in ones and the configured DNS namespace, which exist in every cluster
 * (with only `kubernetes.io/metadata.name` unless the workspace declares them).
 */
export function knownNamespaces(index: WorkspaceIndex, settings: Settings): NamespaceInfo[] {
  const out = [...index.namespaces.values()];
  for (const name of [...BUILTIN_NAMESPACES, settings.dns.namespace]) {
    if (!index.namespaces.has(name) && !out.some((n) => n.name === name)) {
      out.push({ name, labels: { [METADATA_NAME_LABEL]: name }, declared: [] });
    }
  }
  return out;
}

/** The known namespaces a peer's pods may live in: its namespaceSelector's matches, or the policy's own. */
export function peerNamespaces(index: WorkspaceIndex, settings: Settings, policyNs: string, peer: Peer): NamespaceInfo[] {
  if (!peer.namespaceSelector) {
    return [index.namespaces.get(policyNs) ?? { name: policyNs, labels: { [METADATA_NAME_LABEL]: policyNs }, declared: [] }];
  }
  const m = compileSelector(peer.namespaceSelector);
  return knownNamespaces(index, settings).filter((n) => m.matches(n.labels));
}

// ---------------------------------------------------------------------------------------------
// Endpoints

export function workloadEndpoint(w: Workload): Endpoint {
  return { kind: 'workload', id: w.id, workload: w };
}

/**
 * The cluster DNS pods (settings.dns): the workspace's workloads of that namespace with those labels,
 * or, when it holds none, one virtual pod with those labels there (CoreDNS's container ports
 * `dns` UDP 53, `dns-tcp` TCP 53 and `metrics` TCP 9153).
 */
export function dnsTargets(index: WorkspaceIndex, settings: Settings): { endpoints: Endpoint[]; workloads: Workload[]; virtual: boolean } {
  const { namespace, podLabels } = settings.dns;
  const matchesDns = (labels: Labels): boolean => Object.entries(podLabels).every(([k, v]) => labels[k] === v);
  const real = index.workloadsIn(namespace).filter((w) => matchesDns(w.labels));
  if (real.length) return { endpoints: real.map(workloadEndpoint), workloads: real, virtual: false };
  const span = { start: 0, end: 0 };
  const w: Workload = {
    id: `${namespace}/cluster-dns[virtual]`, namespace, name: 'cluster-dns', kind: 'virtual', labels: { ...podLabels },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', span },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', span },
      { name: 'metrics', port: 9153, protocol: 'TCP', span },
    ],
    hostNetwork: false, ips: [], sources: [],
  };
  return { endpoints: [workloadEndpoint(w)], workloads: [], virtual: true };
}

/** Is this workload one of the DNS pods, real or virtual? */
export function isDnsPeer(index: WorkspaceIndex, settings: Settings, policyNs: string, peer: Peer): boolean {
  if (peer.ipBlock || !peer.podSelector) return false;
  const pod = compileSelector(peer.podSelector);
  if (pod.isEmpty || !pod.matches(settings.dns.podLabels)) return false;
  const ns = settings.dns.namespace;
  if (!peer.namespaceSelector) return policyNs === ns;
  return compileSelector(peer.namespaceSelector).matches(index.namespaceLabels(ns));
}

/** What `policies` (egress rules) allow towards `dst`: the engine's rule matching, over a chosen policy set. */
export function allowedEgress(engine: PolicyEngine, policies: readonly CompiledPolicy[], dst: Endpoint): ConnectionSet {
  let set = ConnectionSet.EMPTY;
  for (const p of policies) {
    for (const r of p.egress) {
      if (engine.ruleMatchesPeer(r, p.namespace, dst).match) set = set.union(rulePorts(r, dst));
    }
  }
  return set;
}

/** Workloads a rule's peers match (pod peers only; ipBlock and "all peers" give none). */
export function peerWorkloads(engine: PolicyEngine, rule: CompiledRule, policyNs: string, extra: readonly Workload[] = []): Workload[] {
  if (rule.peers === 'all') return [];
  const found = new Set<Workload>();
  for (const pm of rule.peers) {
    if (pm.kind !== 'pods') continue;
    for (const w of engine.workloadsMatching(pm, policyNs)) found.add(w);
    for (const w of extra) if (peerMatches(pm, policyNs, workloadEndpoint(w), engine).match) found.add(w);
  }
  const inIndex = [...found].filter((w) => !extra.includes(w)).sort((a, b) => cmp(a.id, b.id));
  return [...inIndex, ...extra.filter((w) => found.has(w))];
}

// ---------------------------------------------------------------------------------------------
// Structural reasoning on selectors

export interface Req {
  readonly key: string;
  readonly op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: ReadonlySet<string>;
}

/** The requirements of a selector (matchLabels as `In [v]`); undefined for an invalid selector. */
export function selectorReqs(sel: LabelSelector | undefined): Req[] | undefined {
  if (!sel) return [];
  if (!compileSelector(sel).valid) return undefined;
  const out: Req[] = sel.matchLabels.map((p) => ({ key: p.key.value, op: 'In', values: new Set([p.value.value]) }));
  for (const r of sel.matchExpressions) {
    const op = r.operator?.value;
    if (!r.key || (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist')) return undefined;
    out.push({ key: r.key.value, op, values: new Set((r.values ?? []).map((v) => v.value)) });
  }
  return out;
}

/** The requirement a namespace name stands for (`kubernetes.io/metadata.name In [ns]`). */
export function namespaceNameReqs(ns: string): Req[] {
  return [{ key: METADATA_NAME_LABEL, op: 'In', values: new Set([ns]) }];
}

function subset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function disjoint(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return false;
  return true;
}

/** Does requirement `x` (of the narrower selector) imply `y`? */
function implies(x: Req, y: Req): boolean {
  if (x.key !== y.key) return false;
  switch (y.op) {
    case 'In':
      return x.op === 'In' && subset(x.values, y.values);
    case 'NotIn':
      return (x.op === 'In' && disjoint(x.values, y.values)) || (x.op === 'NotIn' && subset(y.values, x.values)) || x.op === 'DoesNotExist';
    case 'Exists':
      return x.op === 'In' || x.op === 'Exists';
    case 'DoesNotExist':
      return x.op === 'DoesNotExist';
  }
}

/** True when every object matching `narrow` also matches `wide` (sufficient, structural test). */
export function reqsCover(wide: readonly Req[], narrow: readonly Req[]): boolean {
  return wide.every((y) => narrow.some((x) => implies(x, y)));
}

/** False only when no object can match both (a conflicting requirement on one key). */
export function reqsMayOverlap(a: readonly Req[], b: readonly Req[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x.key !== y.key) continue;
      if (x.op === 'In' && y.op === 'In' && disjoint(x.values, y.values)) return false;
      if ((x.op === 'In' || x.op === 'Exists') && y.op === 'DoesNotExist') return false;
      if ((y.op === 'In' || y.op === 'Exists') && x.op === 'DoesNotExist') return false;
      if (x.op === 'In' && y.op === 'NotIn' && subset(x.values, y.values)) return false;
      if (y.op === 'In' && x.op === 'NotIn' && subset(y.values, x.values)) return false;
    }
  }
  return true;
}

/** Labels of a pod `sel` surely selects (first value of each In, "" for Exists); undefined when none can be built. */
export function sampleLabels(sel: LabelSelector | undefined): Record<string, string> | undefined {
  const reqs = selectorReqs(sel);
  if (!reqs) return undefined;
  const labels: Record<string, string> = {};
  for (const r of reqs) {
    if (r.op === 'In') {
      const v = [...r.values][0];
      if (v !== undefined && !(r.key in labels)) labels[r.key] = v;
    } else if (r.op === 'Exists' && !(r.key in labels)) labels[r.key] = '';
  }
  if (sel && !compileSelector(sel).matches(labels)) return undefined;
  return labels;
}

/** A selector as plain data, for fixes that move it. */
export function selectorData(sel: LabelSelector): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (sel.matchLabels.length) out.matchLabels = Object.fromEntries(sel.matchLabels.map((p) => [p.key.value, p.value.value]));
  if (sel.matchExpressions.length) {
    out.matchExpressions = sel.matchExpressions.map((r) => {
      const e: Record<string, unknown> = {};
      if (r.key) e.key = r.key.value;
      if (r.operator) e.operator = r.operator.value;
      if (r.values) e.values = r.values.map((v) => v.value);
      return e;
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Iteration

/** Every peer of every rule of a policy (both directions, whatever its policyTypes), skipping rules of the wrong type. */
export function* peersOf(p: NetworkPolicyResource): Generator<{ dir: Direction; rule: PolicyRule; peer: Peer }> {
  for (const dir of ['ingress', 'egress'] as const) {
    for (const rule of p[dir]?.rules ?? []) {
      if (rule.invalid) continue;
      for (const peer of rule.peers ?? []) yield { dir, rule, peer };
    }
  }
}

/** Similarity of two strings in [0, 1] (1 - normalised edit distance). */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const n = Math.max(x.length, y.length);
  if (n === 0) return 1;
  let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  const edit = 1 - (prev[y.length] ?? n) / n;
  // an abbreviation (`prod` in `production`) counts as close
  const short = x.length < y.length ? x : y;
  const long = x.length < y.length ? y : x;
  return short.length >= 3 && long.includes(short) ? Math.max(edit, 0.7) : edit;
}
