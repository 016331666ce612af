/**
 * The questions checks, hovers, code lenses, definitions and completions all ask, answered once:
 * which rules, peers, ports and selectors a policy has (with a path naming where each sits),
 * which namespaces a peer can match (the built-in ones included: every cluster has them), which
 * workloads a policy selects and a rule's peers reach, and where cluster DNS is. Everything that
 * matches is asked of the PolicyEngine; this module only walks the model and picks the question.
 */
import {
  cmp,
  METADATA_NAME_LABEL,
  type NamespaceInfo,
  type Workload,
  type WorkspaceIndex,
} from '../index/workspace-index';
import type {
  Direction,
  LabelSelector,
  Labels,
  NetworkPolicyResource,
  Peer,
  PolicyRule,
  PortEntry,
  ServicePort,
  ServiceResource,
} from '../model/types';
import type { Settings } from '../settings';
import {
  compilePeer,
  peerMatches,
  rulePorts,
  type CompiledPolicy,
  type CompiledRule,
  type Endpoint,
  type PeerMatcher,
} from './compile';
import type { PolicyEngine } from './engine';
import { ConnectionSet } from './port-set';
import { compileSelector, type SelectorMatcher } from '../model/selector';
import { labelsText, selectorText } from './names';
import { reqHolds, selectorReqs } from './requirements';
import { editDistance, listText, noun, similarity } from '../text/words';

// ---------------------------------------------------------------------------------------------
// Walks over a policy

/**
 * Which rules a walk visits: `all` (what the API server validates: section A checks), or `valid`
 * (what takes effect: an invalid rule matches nothing, so semantic questions skip it).
 */
export type RuleSet = 'all' | 'valid';

export interface RuleAt {
  readonly direction: Direction;
  readonly rule: PolicyRule;
  /** `spec.ingress[0]` */
  readonly path: string;
}

export interface PeerAt extends RuleAt {
  readonly peer: Peer;
}

export interface PortAt extends RuleAt {
  readonly port: PortEntry;
}

export interface SelectorAt {
  readonly selector: LabelSelector;
  /** `spec.podSelector`, `spec.ingress[0].from[1].namespaceSelector` */
  readonly path: string;
}

/** `from` for ingress peers, `to` for egress peers. */
export function peerListKey(direction: Direction): 'from' | 'to' {
  return direction === 'ingress' ? 'from' : 'to';
}

/** Every ingress then egress rule of a policy, whatever its policyTypes. */
export function rulesOf(p: NetworkPolicyResource, which: RuleSet): RuleAt[] {
  const out: RuleAt[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    for (const rule of p[direction]?.rules ?? []) {
      if (which === 'valid' && rule.invalid) continue;
      out.push({ direction, rule, path: `spec.${direction}[${rule.index}]` });
    }
  }
  return out;
}

/** Every peer of those rules; `path` is the peer's (`spec.ingress[0].from[1]`). */
export function peersOf(p: NetworkPolicyResource, which: RuleSet): PeerAt[] {
  return rulesOf(p, which).flatMap((r) =>
    (r.rule.peers ?? []).map((peer) => ({
      ...r,
      peer,
      path: `${r.path}.${peerListKey(r.direction)}[${peer.index}]`,
    })),
  );
}

/** Every ports entry of those rules; `path` is the entry's (`spec.egress[1].ports[0]`). */
export function portsOf(p: NetworkPolicyResource, which: RuleSet): PortAt[] {
  return rulesOf(p, which).flatMap((r) =>
    (r.rule.ports ?? []).map((port) => ({ ...r, port, path: `${r.path}.ports[${port.index}]` })),
  );
}

/** `spec.podSelector` and every peer's podSelector and namespaceSelector, of every rule. */
export function selectorsOf(p: NetworkPolicyResource): SelectorAt[] {
  const out: SelectorAt[] = [];
  if (p.podSelector) out.push({ selector: p.podSelector, path: 'spec.podSelector' });
  for (const { peer, path } of peersOf(p, 'all')) {
    if (peer.podSelector) out.push({ selector: peer.podSelector, path: `${path}.podSelector` });
    if (peer.namespaceSelector)
      out.push({ selector: peer.namespaceSelector, path: `${path}.namespaceSelector` });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Namespaces

/** Namespaces every cluster has, whether or not the workspace declares them. */
export const BUILTIN_NAMESPACES: readonly string[] = [
  'default',
  'kube-node-lease',
  'kube-public',
  'kube-system',
];

function implied(name: string): NamespaceInfo {
  return { name, labels: { [METADATA_NAME_LABEL]: name }, declared: [] };
}

/**
 * The namespaces a namespaceSelector is compared with: those of the workspace (declared or
 * implied), then the built-in ones and the configured DNS namespace, which exist in every cluster
 * (with only `kubernetes.io/metadata.name` unless the workspace declares them).
 */
export function knownNamespaces(index: WorkspaceIndex, settings: Settings): NamespaceInfo[] {
  const out = [...index.namespaces.values()];
  for (const name of [...BUILTIN_NAMESPACES, settings.dns.namespace]) {
    if (!out.some((n) => n.name === name)) out.push(implied(name));
  }
  return out;
}

/**
 * The known namespaces a peer's pods may live in: those its namespaceSelector matches (built-in
 * ones included), or the policy's own for a podSelector-only peer; none for an ipBlock or an
 * empty peer.
 */
export function peerNamespaces(
  index: WorkspaceIndex,
  settings: Settings,
  policyNs: string,
  peer: Peer,
): NamespaceInfo[] {
  if (peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) return [];
  if (!peer.namespaceSelector) return [index.namespace(policyNs) ?? implied(policyNs)];
  return knownNamespacesMatching(index, settings, compileSelector(peer.namespaceSelector));
}

/**
 * The names of `peerNamespaces`, reading only which namespaces the selector matches (not their
 * labels or declarations): what a check that needs the names depends on.
 */
export function peerNamespaceNames(
  index: WorkspaceIndex,
  settings: Settings,
  policyNs: string,
  peer: Peer,
): string[] {
  if (peer.ipBlock || (!peer.podSelector && !peer.namespaceSelector)) return [];
  if (!peer.namespaceSelector) return [policyNs];
  const m = compileSelector(peer.namespaceSelector);
  return [...index.namespacesMatching(m), ...builtinsMatching(index, settings, m).map((n) => n.name)];
}

/**
 * Does a namespace selector match some known namespace (`knownNamespacesMatching` not empty)?
 * Reads only whether it matches one (`nsa:`), not which nor their labels.
 */
export function matchesKnownNamespace(
  index: WorkspaceIndex,
  settings: Settings,
  m: SelectorMatcher,
): boolean {
  return index.anyNamespaceMatching(m) || builtinsMatching(index, settings, m).length > 0;
}

/** The built-in namespaces (and the DNS one) the workspace neither declares nor uses that `m` matches. */
function builtinsMatching(index: WorkspaceIndex, settings: Settings, m: SelectorMatcher): NamespaceInfo[] {
  const out: NamespaceInfo[] = [];
  const seen = new Set<string>();
  for (const name of [...BUILTIN_NAMESPACES, settings.dns.namespace]) {
    if (seen.has(name)) continue;
    seen.add(name);
    if (index.hasNamespace(name)) continue; // declared or used: among the index's namespaces
    const n = implied(name);
    if (m.matches(n.labels)) out.push(n);
  }
  return out;
}

/**
 * `knownNamespaces` that a namespace selector matches, in the same order, reading only the
 * namespaces it matches (and whether the built-in ones are declared).
 */
export function knownNamespacesMatching(
  index: WorkspaceIndex,
  settings: Settings,
  m: SelectorMatcher,
): NamespaceInfo[] {
  const out: NamespaceInfo[] = [];
  for (const name of index.namespacesMatching(m)) {
    const n = index.namespace(name);
    if (n) out.push(n);
  }
  return [...out, ...builtinsMatching(index, settings, m)];
}

/** How near a namespace's name or label value must be to a selector's value to be suggested. */
const MIN_NAMESPACE_SIMILARITY = 0.5;

/**
 * The namespaces a namespaceSelector that matches none of `known` most likely meant, only from
 * namespaces that exist: per value it asks for (matchLabels values and `In` values, in order), the
 * known namespace whose name or label values (but `kubernetes.io/metadata.name`) are nearest
 * (text/words.ts `similarity`, at least 0.5; a declared one wins a tie); the single nearest, or one
 * per value for an `In` with several values. Empty when nothing is near.
 */
export function nearestNamespaces(sel: LabelSelector, known: readonly NamespaceInfo[]): NamespaceInfo[] {
  const reqs = selectorReqs(sel) ?? [];
  const best = (v: string): { ns: NamespaceInfo; score: number } | undefined => {
    let top: { ns: NamespaceInfo; score: number } | undefined;
    for (const ns of known) {
      const strings = [
        ns.name,
        ...Object.entries(ns.labels)
          .filter(([k]) => k !== METADATA_NAME_LABEL)
          .map(([, x]) => x),
      ];
      const score = Math.max(...strings.map((x) => similarity(v, x)));
      if (
        score >= MIN_NAMESPACE_SIMILARITY &&
        (!top || score > top.score || (score === top.score && ns.declared.length > top.ns.declared.length))
      )
        top = { ns, score };
    }
    return top;
  };
  const multi = reqs.some((r) => r.op === 'In' && r.values.size > 1);
  const picks = reqs
    .flatMap((r) => (r.op === 'In' ? [...r.values] : []))
    .map(best)
    .filter((x): x is { ns: NamespaceInfo; score: number } => x !== undefined);
  if (picks.length === 0) return [];
  if (!multi) return [picks.reduce((a, b) => (b.score > a.score ? b : a)).ns];
  const out: NamespaceInfo[] = [];
  for (const x of picks) if (!out.includes(x.ns)) out.push(x.ns);
  return out;
}

/**
 * The nearest namespaces (`nearestNamespaces`) as the check and the hover name them: each with
 * its labels of the keys the selector asks about (`layer1 (role=web)`), or its name alone.
 */
export function nearestNamespacesText(sel: LabelSelector, targets: readonly NamespaceInfo[]): string {
  const keys = new Set((selectorReqs(sel) ?? []).map((r) => r.key));
  return listText(
    targets.map((t) => {
      const shared = Object.entries(t.labels).filter(([k]) => k !== METADATA_NAME_LABEL && keys.has(k));
      return shared.length ? `${t.name} (${labelsText(Object.fromEntries(shared))})` : t.name;
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Workloads

export function workloadEndpoint(w: Workload): Endpoint {
  return { kind: 'workload', id: w.id, workload: w };
}

/** Workloads a policy's spec.podSelector selects (in its namespace). */
export function selectedWorkloads(engine: PolicyEngine, policy: NetworkPolicyResource): Workload[] {
  const c = engine.compiledFor(policy);
  return c ? engine.selectedBy(c) : [];
}

/** Workloads one peer matches (ipBlocks: the pods whose known IPs it holds). */
export function peerWorkloads(
  engine: PolicyEngine,
  policyNs: string,
  peer: Peer | PeerMatcher,
): readonly Workload[] {
  return engine.workloadsMatching('kind' in peer ? peer : compilePeer(peer), policyNs);
}

/** The peer matchers of a rule as the engine compiled it; compiled here when policyTypes makes the engine skip it. */
function ruleMatchers(
  engine: PolicyEngine,
  policy: NetworkPolicyResource,
  direction: Direction,
  rule: PolicyRule,
): readonly PeerMatcher[] | 'all' {
  const compiled = engine.compiledFor(policy)?.[direction].find((r) => r.ref.rule === rule);
  if (compiled) return compiled.peers;
  if (rule.invalid) return [];
  return !rule.peers || rule.peers.length === 0 ? 'all' : rule.peers.map(compilePeer);
}

/**
 * The destination workloads of a rule's ports, in id order: the selected pods (ingress), or the
 * pods its peers match (egress; every workload for a rule without peers). `extra` workloads
 * outside the index (the virtual DNS pod) are tested against the peers too and come last.
 */
export function ruleDestinations(
  engine: PolicyEngine,
  policy: NetworkPolicyResource,
  direction: Direction,
  rule: PolicyRule | undefined,
  extra: readonly Workload[] = [],
): Workload[] {
  if (direction === 'ingress') return selectedWorkloads(engine, policy);
  if (!rule) return [...engine.index.workloads];
  const matchers = ruleMatchers(engine, policy, direction, rule);
  if (matchers === 'all') return [...engine.index.workloads, ...extra];
  const found = new Set<Workload>();
  for (const m of matchers) for (const w of engine.workloadsMatching(m, policy.namespace)) found.add(w);
  const more = extra.filter((w) =>
    matchers.some((m) => peerMatches(m, policy.namespace, workloadEndpoint(w), engine).match),
  );
  return [...[...found].sort((a, b) => cmp(a.id, b.id)), ...more];
}

/**
 * What a pod peer's podSelector matches, as the hover says it and pod-selector-matches-nothing
 * reports it (only `none` is reported):
 * - `workloads`: pods of the workspace;
 * - `no-namespace`: its namespaceSelector matches no known namespace (namespace-selector-matches-nothing says so);
 * - `dns`: the configured cluster DNS pods, which the workspace does not hold;
 * - `elsewhere`: a namespace it applies to has no workloads in the workspace, so its pods are defined elsewhere;
 * - `none`: no pod, though every namespace it applies to has its workloads here.
 */
export type PeerPods =
  | { readonly kind: 'workloads'; readonly workloads: readonly Workload[] }
  | { readonly kind: 'no-namespace' }
  | { readonly kind: 'dns' }
  | { readonly kind: 'elsewhere'; readonly namespaces: readonly string[] }
  | {
      readonly kind: 'none';
      /** The namespaces it applies to, by name (their labels are not read). */
      readonly namespaces: readonly string[];
      readonly workloads: readonly Workload[];
      /** Why such pods likely exist at run time anyway (`runTimePods`), one sentence. */
      readonly runTime?: string;
      /** What the selector most likely meant, from workloads that exist (`nearestPods`): sentences. */
      readonly nearest?: readonly string[];
    };

export function peerPods(
  engine: PolicyEngine,
  settings: Settings,
  policyNs: string,
  peer: Peer,
  /** Also say what the selector most likely meant (`nearest`, which reads every namespace). */
  withNearest = true,
): PeerPods {
  const found = peerWorkloads(engine, policyNs, peer);
  if (found.length) return { kind: 'workloads', workloads: found };
  // the names only, until a message needs the namespaces themselves (their labels are not read)
  const names = peerNamespaceNames(engine.index, settings, policyNs, peer);
  if (names.length === 0) return { kind: 'no-namespace' };
  if (isDnsPeer(engine.index, settings, policyNs, peer)) return { kind: 'dns' };
  const empty = names.filter((n) => engine.index.workloadsIn(n).length === 0);
  if (empty.length) return { kind: 'elsewhere', namespaces: empty };
  const sel = peer.podSelector ? compileSelector(peer.podSelector) : undefined;
  const runTime = runTimePods(engine, names, (labels) => sel?.matches(labels) ?? true);
  const nearest = withNearest && peer.podSelector ? nearestPods(engine.index, names, peer.podSelector) : [];
  return {
    kind: 'none',
    namespaces: names,
    workloads: names.flatMap((n) => engine.index.workloadsIn(n)),
    ...(runTime ? { runTime } : {}),
    ...(nearest.length ? { nearest } : {}),
  };
}

/** The workloads of the workspace a Service routes to: its namespace's, labeled with every pair of its selector. */
export function serviceWorkloads(index: WorkspaceIndex, svc: ServiceResource): Workload[] {
  const sel = svc.selector;
  if (!sel || Object.keys(sel).length === 0) return [];
  return index
    .workloadsIn(svc.namespace)
    .filter((w) => Object.entries(sel).every(([k, v]) => w.labels[k] === v));
}

/**
 * The container port a Service port sends to on a workload: `targetPort` (a number, or a port name
 * resolved through the workload's container ports of that protocol), else `port`; undefined when a
 * name does not resolve.
 */
export function serviceTargetPort(sp: ServicePort, w: Workload): number | undefined {
  const tp = sp.targetPort?.value;
  if (typeof tp === 'number') return tp;
  if (typeof tp === 'string') {
    if (/^\d+$/.test(tp)) return Number(tp);
    return w.ports.find((cp) => cp.name === tp && cp.protocol === sp.protocol)?.port;
  }
  return sp.port;
}

/**
 * Why pods that `matches` accepts likely exist at run time in one of these namespaces though no
 * manifest of the workspace defines them, as a sentence; undefined without evidence. Evidence: a
 * Service there whose (non-empty) selector `matches` accepts and that selects no workload of the
 * workspace (something makes the pods it routes to), or custom resources there of kinds
 * netpol-lens does not know (their controllers, operators, may run pods).
 */
/**
 * What a podSelector that matches no pod of `namespaces` most likely meant, only from workloads
 * that exist: the other namespaces holding pods it matches (`Pods app=ui exist in namespace ui
 * (ui/web[Deployment]).`), and labels of pods in `namespaces` that fail exactly one of its
 * requirements, a `key=value` one, by a near value (edit distance, text/words.ts) or by carrying
 * that value under another key (`Did you mean app=web (app/web[Pod])?`): with that label in place
 * of the requirement the selector would match them. Empty when nothing is near.
 */
export function nearestPods(
  index: WorkspaceIndex,
  namespaces: readonly string[],
  sel: LabelSelector,
): string[] {
  const m = compileSelector(sel);
  const reqs = selectorReqs(sel);
  if (!m.valid || !reqs) return [];
  const out: string[] = [];
  const searched = new Set(namespaces);
  // the pods it matches carry a label of its first `key in (…)` requirement, or the key of its
  // first `key` (Exists) one: look only at those
  const first = reqs.find((q) => q.op === 'In');
  const exists = reqs.find((q) => q.op === 'Exists');
  const candidates = first
    ? [...new Set([...first.values].flatMap((v) => index.workloadsLabeled(first.key, v)))].sort((a, b) =>
        cmp(a.id, b.id),
      )
    : exists
      ? index.workloadsLabeled(exists.key)
      : index.workloads;
  const elsewhere = candidates.filter((w) => !searched.has(w.namespace) && m.matches(w.labels));
  if (elsewhere.length) {
    const nss = [...new Set(elsewhere.map((w) => w.namespace))].sort(cmp);
    out.push(
      `Pods ${selectorText(sel)} exist in ${noun(nss.length, 'namespace')} ${listText(nss, 4)} (${listText(
        elsewhere.map((w) => w.id),
        3,
      )}).`,
    );
  }
  // `key=value` → how far it is from what the selector asks, and the ids of the pods that carry it
  const near = new Map<string, { d: number; ids: string[] }>();
  for (const w of namespaces.flatMap((n) => index.workloadsIn(n))) {
    const failed = reqs.filter((q) => !reqHolds(q, w.labels));
    const q = failed[0];
    if (failed.length !== 1 || !q || q.op !== 'In') continue;
    const wanted = [...q.values];
    const have = w.labels[q.key];
    let label: string | undefined;
    let d = 0;
    if (have !== undefined) {
      d = Math.min(...wanted.map((v) => valueDistance(v, have)));
      if (d <= 2 && d < Math.max(have.length, 2) / 2) label = `${q.key}=${have}`;
    }
    if (!label) {
      // the value sits under another key
      const key = Object.keys(w.labels).find((k) => k !== q.key && wanted.includes(w.labels[k] as string));
      if (key !== undefined) {
        label = `${key}=${w.labels[key]}`;
        d = 1;
      }
    }
    if (label) near.set(label, { d, ids: [...(near.get(label)?.ids ?? []), w.id] });
  }
  const best = Math.min(...[...near.values()].map((x) => x.d));
  for (const [k, x] of near) if (x.d > best) near.delete(k);
  if (near.size) {
    const items = [...near].slice(0, 3).map(([label, x]) => `${label} (${listText(x.ids, 2)})`);
    out.push(
      `Did you mean ${items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}` : items[0]}?`,
    );
  }
  return out;
}

/** Edit distance (text/words.ts) of two label values, a swap of letters counting as one. */
function valueDistance(a: string, b: string): number {
  const d = editDistance(a, b, 3);
  const sorted = (x: string): string => [...x].sort().join('');
  return d > 1 && a.length === b.length && sorted(a) === sorted(b) ? Math.min(d, 2) - 1 : d;
}

export function runTimePods(
  engine: PolicyEngine,
  namespaces: readonly string[],
  matches: (labels: Labels) => boolean,
): string | undefined {
  const index = engine.index;
  // the first such Service in file order (URI, then place in its file), read namespace by namespace
  let svc: ServiceResource | undefined;
  let at: { uri: string; ix: number } | undefined;
  for (const ns of new Set(namespaces))
    for (const s of index.servicesIn(ns)) {
      if (!s.selector || Object.keys(s.selector).length === 0 || !matches(s.selector)) continue;
      if (serviceWorkloads(index, s).length > 0) continue;
      const here = { uri: s.doc.uri, ix: index.file(s.doc.uri)?.resources.indexOf(s) ?? 0 };
      if (!at || cmp(here.uri, at.uri) < 0 || (here.uri === at.uri && here.ix < at.ix)) {
        svc = s;
        at = here;
      }
      break; // later ones of this namespace come after it
    }
  if (svc?.selector) {
    return `pods labeled ${labelsText(svc.selector)} likely exist at run time: Service ${svc.namespace}/${svc.name.value} selects them, though no manifest here defines them`;
  }
  for (const ns of namespaces) {
    const crs = index.customResourcesIn(ns);
    if (crs.length === 0) continue;
    const kinds = [...new Set(crs.map((c) => c.kind))].sort(cmp);
    return `such pods may exist at run time: namespace ${ns} holds ${crs.length === 1 ? 'a custom resource' : `${crs.length} custom resources`} of ${kinds.length === 1 ? 'a kind' : 'kinds'} netpol-lens does not know (${kinds.slice(0, 4).join(', ')}${kinds.length > 4 ? ', …' : ''}), whose controllers may run pods no manifest defines (netpolLens.podProducers describes such kinds)`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// What refers to a workload, a namespace, a container port

/** A rule that takes effect (the engine compiled it), with its policy and direction. */
export interface EffectiveRule {
  readonly policy: CompiledPolicy;
  readonly direction: Direction;
  readonly rule: CompiledRule;
}

export function effectiveRules(engine: PolicyEngine): EffectiveRule[] {
  return engine.compiled.flatMap((policy) =>
    (['ingress', 'egress'] as const).flatMap((direction) =>
      policy[direction].map((rule) => ({ policy, direction, rule })),
    ),
  );
}

/** The peers of effective rules that match a workload (ipBlocks by its known IPs), rule by rule. */
export function peersMatching(
  engine: PolicyEngine,
  w: Workload,
): Array<EffectiveRule & { readonly matcher: PeerMatcher }> {
  const ep = workloadEndpoint(w);
  return effectiveRules(engine).flatMap((r) =>
    (r.rule.peers === 'all' ? [] : r.rule.peers)
      .filter((m) => peerMatches(m, r.policy.namespace, ep, engine).match)
      .map((matcher) => ({ ...r, matcher })),
  );
}

/** The namespaceSelectors of effective rules' pod peers that match a namespace. */
export function namespaceSelectorsMatching(
  engine: PolicyEngine,
  name: string,
): Array<EffectiveRule & { readonly peer: Peer; readonly selector: LabelSelector }> {
  const labels = engine.index.namespaceLabels(name);
  return effectiveRules(engine).flatMap((r) =>
    (r.rule.ref.rule.peers ?? []).flatMap((peer) => {
      const selector = peer.namespaceSelector;
      return selector && !peer.ipBlock && compileSelector(selector).matches(labels)
        ? [{ ...r, peer, selector }]
        : [];
    }),
  );
}

/**
 * The ports entries of effective rules that a container port of a workload answers: same protocol
 * (TCP when omitted) and its name or its number, on a rule whose destinations include the workload.
 */
export function portEntriesFor(
  engine: PolicyEngine,
  w: Workload,
  cp: { readonly name?: string | undefined; readonly port: number; readonly protocol: string },
): Array<EffectiveRule & { readonly entry: PortEntry }> {
  const answers = (pe: PortEntry): boolean => {
    const v = pe.port?.value;
    if (v === undefined || (pe.protocol?.value ?? 'TCP') !== cp.protocol) return false;
    return typeof v === 'string' ? v === cp.name : v === cp.port;
  };
  return effectiveRules(engine).flatMap((r) => {
    const entries = (r.rule.ports ?? []).filter(answers);
    if (entries.length === 0) return [];
    if (!ruleDestinations(engine, r.policy.policy, r.direction, r.rule.ref.rule).some((d) => d.id === w.id))
      return [];
    return entries.map((entry) => ({ ...r, entry }));
  });
}

// ---------------------------------------------------------------------------------------------
// Cluster DNS

/**
 * The cluster DNS pods (settings.dns): the workspace's workloads of that namespace with those labels,
 * or, when it holds none, one virtual pod with those labels there (CoreDNS's container ports
 * `dns` UDP 53, `dns-tcp` TCP 53 and `metrics` TCP 9153).
 */
export function dnsTargets(
  index: WorkspaceIndex,
  settings: Settings,
): { endpoints: Endpoint[]; workloads: Workload[]; virtual: boolean } {
  const { namespace, podLabels } = settings.dns;
  const matchesDns = (labels: Labels): boolean =>
    Object.entries(podLabels).every(([k, v]) => labels[k] === v);
  const real = index.workloadsIn(namespace).filter((w) => matchesDns(w.labels));
  if (real.length) return { endpoints: real.map(workloadEndpoint), workloads: real, virtual: false };
  const span = { start: 0, end: 0 };
  const w: Workload = {
    id: `${namespace}/cluster-dns[virtual]`,
    namespace,
    name: 'cluster-dns',
    kind: 'virtual',
    labels: { ...podLabels },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP', span },
      { name: 'dns-tcp', port: 53, protocol: 'TCP', span },
      { name: 'metrics', port: 9153, protocol: 'TCP', span },
    ],
    hostNetwork: false,
    ips: [],
    sources: [],
  };
  return { endpoints: [workloadEndpoint(w)], workloads: [], virtual: true };
}

/** Does a peer select the DNS pods (settings.dns), real or virtual? */
export function isDnsPeer(index: WorkspaceIndex, settings: Settings, policyNs: string, peer: Peer): boolean {
  if (peer.ipBlock || !peer.podSelector) return false;
  const pod = compileSelector(peer.podSelector);
  if (pod.isEmpty || !pod.matches(settings.dns.podLabels)) return false;
  const ns = settings.dns.namespace;
  if (!peer.namespaceSelector) return policyNs === ns;
  return index.namespaceMatches(ns, compileSelector(peer.namespaceSelector));
}

/** What `policies` (egress rules) allow towards `dst`: the engine's rule matching, over a chosen policy set. */
export function allowedEgress(
  engine: PolicyEngine,
  policies: readonly CompiledPolicy[],
  dst: Endpoint,
): ConnectionSet {
  let set = ConnectionSet.EMPTY;
  for (const p of policies) {
    for (const r of p.egress) {
      if (engine.ruleMatchesPeer(r, p.namespace, dst).match) set = set.union(rulePorts(r, dst));
    }
  }
  return set;
}
