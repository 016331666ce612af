/**
 * Selection and isolation over one index snapshot (semantics.md): the compiled policies per
 * namespace, which policies select a workload and isolate it in each direction, the workloads a
 * policy or a peer selects, and the effective labels of namespaces. Every answer is cached.
 */
import type { Workload, WorkspaceIndex } from '../index/workspace-index';
import type { Labels } from '../model/types';
import { cmp } from '../index/workspace-index';
import { compilePolicy, type CompiledPolicy, type PeerMatcher } from './compile';
import type { SelectorMatcher } from '../model/selector';
import { ClusterTiers } from './tiers';
import { isTracking, memo, track, untracked } from '../index/deps';

/** The policies that isolate a workload, per direction (empty = not isolated). */
export interface Isolation {
  readonly ingress: readonly CompiledPolicy[];
  readonly egress: readonly CompiledPolicy[];
}

/** The one empty list of policies (equal lists are shared arrays: see `PolicySelection.isolation`). */
export const NO_POLICIES: readonly CompiledPolicy[] = [];

interface CompiledSet {
  readonly compiled: readonly CompiledPolicy[];
  readonly policyIx: Map<CompiledPolicy, number>;
  readonly byPolicy: Map<CompiledPolicy['policy'], CompiledPolicy>;
  readonly byNs: ReadonlyMap<string, readonly CompiledPolicy[]>;
}

/** Per list of policies (an index shares its list with the next one while no policy changes): the compiled policies and their lookups. */
const compiledSets = new WeakMap<readonly CompiledPolicy['policy'][], CompiledSet>();

function compiledSet(policies: readonly CompiledPolicy['policy'][]): CompiledSet {
  let set = compiledSets.get(policies);
  if (!set) {
    const compiled = policies.map(compilePolicy);
    const byNs = new Map<string, CompiledPolicy[]>();
    for (const c of compiled) {
      const l = byNs.get(c.namespace);
      if (l) l.push(c);
      else byNs.set(c.namespace, [c]);
    }
    set = {
      compiled,
      policyIx: new Map(compiled.map((c, i) => [c, i])),
      byPolicy: new Map(compiled.map((c) => [c.policy, c])),
      byNs,
    };
    compiledSets.set(policies, set);
  }
  return set;
}

export class PolicySelection {
  readonly compiled: readonly CompiledPolicy[];
  /** The cluster-wide policies (Admin and Baseline tiers) and which select a workload. */
  readonly tiers: ClusterTiers;
  private readonly byNs: ReadonlyMap<string, readonly CompiledPolicy[]>;
  private readonly selectingCache = new Map<string, readonly CompiledPolicy[]>();
  private readonly isolationCache = new Map<string, Isolation>();
  private readonly nsLabelsCache = new Map<string, Labels>();
  private readonly peerCache = new Map<
    PeerMatcher,
    Map<string, { v: readonly Workload[]; deps: readonly string[] }>
  >();
  private readonly interned = new Map<string, readonly CompiledPolicy[]>();
  private readonly policyIx: Map<CompiledPolicy, number>;
  private readonly byPolicy: Map<CompiledPolicy['policy'], CompiledPolicy>;
  private readonly selectedCache = new Map<CompiledPolicy, readonly Workload[]>();

  constructor(readonly index: WorkspaceIndex) {
    const shared = compiledSet(index.policies);
    this.compiled = shared.compiled;
    this.policyIx = shared.policyIx;
    this.byPolicy = shared.byPolicy;
    this.byNs = shared.byNs;
    this.tiers = new ClusterTiers(index, this);
  }

  policiesIn(namespace: string): readonly CompiledPolicy[] {
    track(`pol:${namespace}`);
    return this.byNs.get(namespace) ?? [];
  }

  compiledFor(policy: CompiledPolicy['policy']): CompiledPolicy | undefined {
    return this.byPolicy.get(policy);
  }

  /** Policies of the workload's namespace whose podSelector matches its labels. */
  selecting(w: Workload): readonly CompiledPolicy[] {
    track(`pol:${w.namespace}`);
    let s = this.selectingCache.get(w.id);
    if (!s) {
      s = this.policiesIn(w.namespace).filter((p) => p.subject.matches(w.labels));
      this.selectingCache.set(w.id, s);
    }
    return s;
  }

  /**
   * Workloads of the workspace one peer matches, in id order: pod peers look only at the namespaces
   * they can match (the policy's own, or those its namespaceSelector matches); ipBlocks at pods with
   * known IPs. Cached per matcher.
   */
  workloadsMatching(m: PeerMatcher, policyNs: string): readonly Workload[] {
    const key = m.kind === 'pods' && m.namespaces === 'own' ? `${policyNs}` : '';
    let perNs = this.peerCache.get(m);
    if (!perNs) {
      perNs = new Map();
      this.peerCache.set(m, perNs);
    }
    // the answer's facts are tracked on every call, hit or miss (deps.ts `memo`)
    return memo(perNs, key, () => {
      if (m.kind === 'none' || m.kind === 'domains') return [];
      if (m.kind === 'ipBlock')
        return this.index.workloadsWithIps.filter((w) => w.ips.some((ip) => m.set.containsIp(ip)));
      // a namespaceSelector peer: the answer is its own fact (early cut-off, WorkspaceIndex.peerWorkloads)
      if (m.namespaces !== 'own') return this.index.peerWorkloads(m.namespaces, m.pods);
      return this.index
        .workloadsIn(policyNs)
        .filter((w) => m.pods.matches(w.labels))
        .sort((a, b) => cmp(a.id, b.id));
    });
  }

  /**
   * Does the peer match some workload (`workloadsMatching` not empty)? Tracked as that alone for a
   * namespaceSelector peer (`pwa:`), not as which workloads.
   */
  anyWorkloadMatching(m: PeerMatcher, policyNs: string): boolean {
    if (m.kind === 'pods' && m.namespaces !== 'own') return this.index.anyPeerWorkload(m.namespaces, m.pods);
    return this.workloadsMatching(m, policyNs).length > 0;
  }

  /** Workloads a policy selects. */
  selectedBy(p: CompiledPolicy): Workload[] {
    track(`wl:${p.namespace}`);
    let sel = this.selectedCache.get(p);
    if (!sel) {
      sel = this.index.workloadsIn(p.namespace).filter((w) => p.subject.matches(w.labels));
      this.selectedCache.set(p, sel);
    }
    return [...sel];
  }

  /** The policies isolating a workload per direction; equal lists are one shared array (they key caches). */
  isolation(w: Workload): Isolation {
    track(`pol:${w.namespace}`);
    let iso = this.isolationCache.get(w.id);
    if (!iso) {
      const sel = this.selecting(w);
      iso = {
        ingress: this.intern(sel.filter((p) => p.types.ingress)),
        egress: this.intern(sel.filter((p) => p.types.egress)),
      };
      this.isolationCache.set(w.id, iso);
    }
    return iso;
  }

  /** One shared array per distinct list of policies, so that equal lists can key caches. */
  private intern(list: CompiledPolicy[]): readonly CompiledPolicy[] {
    if (list.length === 0) return NO_POLICIES;
    const key = list.map((p) => this.policyIx.get(p)).join(',');
    let shared = this.interned.get(key);
    if (!shared) {
      shared = list;
      this.interned.set(key, shared);
    }
    return shared;
  }

  /**
   * Does the selector match the namespace's effective labels? Tracked as that answer
   * (`nsq:<ns>\u0001<key>`), not as the labels: a label edit that leaves it alone re-checks nothing.
   */
  namespaceMatches(ns: string, sel: SelectorMatcher): boolean {
    if (isTracking()) track(`nsq:${ns}\u0001${sel.key}`);
    let l = this.nsLabelsCache.get(ns);
    if (!l) {
      l = untracked(() => this.index.namespaceLabels(ns));
      this.nsLabelsCache.set(ns, l);
    }
    return sel.matches(l);
  }

  /** Effective labels of a namespace (cached per snapshot). */
  namespaceLabels(ns: string): Labels {
    track(`nsl:${ns}`);
    let l = this.nsLabelsCache.get(ns);
    if (!l) {
      l = this.index.namespaceLabels(ns);
      this.nsLabelsCache.set(ns, l);
    }
    return l;
  }
}
