/**
 * The workspace index: compact facts per file (resources with spans, parse problems), and the
 * derived views every query needs (namespaces with their effective labels, workloads merged by id,
 * policies, services). Immutable: `applyChanges` returns a new index that shares unchanged files.
 */
import { LineIndex } from '../text/line-index';
import type { Finding } from '../model/finding';
import { lowerDocuments, type CustomResourceRef, type LowerOptions } from '../model/lower';
import type { PodProducer } from '../model/pod-producers';
import type {
  ContainerPort,
  Labels,
  NamespaceResource,
  NetworkPolicyResource,
  Resource,
  ServiceResource,
  WorkloadResource,
  OtherPolicy,
} from '../model/types';
import type { ClusterPolicyResource } from '../model/cluster-policy';
import {
  baseName,
  looksLikeManifest,
  parseFile,
  type ParseOptions,
  type UnanalysedDocument,
} from '../yaml/parse';
import { tooLargeMessage } from '../manifest-files';
import type { FileChange } from './change';
import { track } from './deps';
import { selectorOfKey, type SelectorMatcher } from '../model/selector';

export const METADATA_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The namespace of the manifests without `metadata.namespace` under a folder (`netpolLens.defaultNamespace`). */
export interface FolderNamespace {
  /** A folder URI (files under it, at any depth), or `''` for every file. */
  readonly folder: string;
  /** `''`: none under this folder (`default`, and missing-namespace says so), whatever an outer folder has. */
  readonly namespace: string;
}

/** How the files of an index are read: the parse options, and the lowering options of the settings. */
export interface IndexOptions extends ParseOptions {
  /**
   * Manifests without `metadata.namespace` take the namespace of the innermost folder listed that
   * holds them (`--namespace`, `netpolLens.defaultNamespace` per workspace folder); else `default`.
   * A kustomization's `namespace:` still overrides (roots/transform.ts).
   */
  readonly defaultNamespaces?: readonly FolderNamespace[];
  /** Pod producers besides the built-in ones (`netpolLens.podProducers`). */
  readonly podProducers?: readonly PodProducer[];
}

/** The default namespace of a file: the innermost listed folder's that holds it. */
export function defaultNamespaceOf(
  uri: string,
  list: readonly FolderNamespace[] | undefined,
): string | undefined {
  let best: FolderNamespace | undefined;
  for (const f of list ?? []) {
    const base = f.folder === '' || f.folder.endsWith('/') ? f.folder : `${f.folder}/`;
    if (f.folder !== '' && !uri.startsWith(base)) continue;
    if (!best || f.folder.length > best.folder.length) best = f;
  }
  return best?.namespace || undefined;
}

/** A key telling lowering options apart (equal keys: every file lowers the same). */
function loweringKey(o: IndexOptions): string {
  const ns = (o.defaultNamespaces ?? []).filter((f) => f.namespace !== '');
  return JSON.stringify([ns.length ? o.defaultNamespaces : [], o.podProducers ?? []]);
}

/** Namespaces that exist at run time though no manifest declares them (`netpolLens.namespaces`): name → labels. */
export type RuntimeNamespaces = Readonly<Record<string, Labels>>;

export interface FileFacts {
  readonly uri: string;
  readonly version: number | undefined;
  readonly text: string;
  readonly resources: readonly Resource[];
  readonly problems: readonly Finding[];
  /** Documents left out of the analysis (templates, syntax errors); absent when there are none. */
  readonly unanalysed?: readonly UnanalysedDocument[];
  /** Policies of kinds the engine does not evaluate (Cilium, Calico, ANP…); absent when there are none. */
  readonly otherPolicies?: readonly OtherPolicy[];
  /** Custom resources of kinds netpol-lens does not know; absent when there are none. */
  readonly customResources?: readonly CustomResourceRef[];
  /** ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy (the tiers); absent when there are none. */
  readonly clusterPolicies?: readonly ClusterPolicyResource[];
  /** The file is above the size limit and was not read (`FileChange.tooLarge`); absent otherwise. */
  readonly tooLarge?: { readonly bytes: number; readonly limitBytes: number };
  /** `FileChange.invalidUtf8At`, kept to read the file again under other options. */
  readonly invalidUtf8At?: number;
  /** A kustomization of a tree an analysis root renders with `kustomize build` (roots/render.ts): how it went. */
  readonly render?: { readonly command: string; readonly error?: string };
  /** A kustomization file: what no kustomization lists near it (roots/roots.ts `ListingNote`, kustomize-not-listed). */
  readonly listing?: {
    readonly leftOut?: readonly string[];
    readonly unlisted?: {
      readonly component: string;
      readonly owner?: string;
      readonly ownerPath?: string;
      readonly ownerDir?: string;
      readonly mention?: { readonly start: number; readonly end: number };
    };
  };
  /**
   * A file holding Flux Kustomizations whose `spec.path` the plan of roots could not read
   * (roots/roots.ts, flux-path-not-found): not in the workspace, or from another source.
   */
  readonly flux?: readonly {
    readonly name: string;
    readonly namespace: string;
    readonly path: string;
    readonly span: { readonly start: number; readonly end: number };
    /** `GitRepository flux-system/podinfo`. */
    readonly source: string;
    readonly reason: 'missing' | 'other-source';
  }[];
}

export interface NamespaceInfo {
  readonly name: string;
  /** Effective labels: declared ones plus kubernetes.io/metadata.name. */
  readonly labels: Labels;
  /** The Namespace manifests that declare it (more than one is a duplicate). */
  readonly declared: readonly NamespaceResource[];
  /** Declared by the settings (`netpolLens.namespaces`, `--namespaces`): it exists at run time. */
  readonly runtime?: true;
}

/** A workload: one id, possibly several manifests (Pods of one owner). */
export interface Workload {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  readonly ips: readonly string[];
  readonly sources: readonly WorkloadResource[];
}

export class WorkspaceIndex {
  private derivedCache: Derived | undefined;
  private readonly lineIndexes = new Map<string, LineIndex>();

  private constructor(
    private readonly fileMap: ReadonlyMap<string, FileFacts>,
    private readonly options: IndexOptions,
    /** Namespaces declared by the settings, merged into `namespaces` as if manifests declared them. */
    private readonly runtime: RuntimeNamespaces = {},
    /** Reads are tracked (deps.ts); not for `only` indexes, whose files are the unit's own. */
    private readonly tracked = true,
    /** The index this one was made from by `applyChanges`, whose derived views it may reuse. */
    private base?: { readonly index: WorkspaceIndex; readonly changed: ReadonlySet<string> },
  ) {}

  static empty(options: IndexOptions = {}): WorkspaceIndex {
    return new WorkspaceIndex(new Map(), options);
  }

  /** How its files are read (`changeFacts` with these gives its facts of a change). */
  get readOptions(): IndexOptions {
    return this.options;
  }

  /**
   * The same files read under other lowering options (default namespaces, pod producers): every
   * file that was read is lowered again; `this` when the options lower alike.
   */
  withOptions(options: IndexOptions): WorkspaceIndex {
    if (loweringKey(options) === loweringKey(this.options)) return this;
    const files = new Map<string, FileFacts>();
    for (const [uri, f] of this.fileMap)
      files.set(
        uri,
        f.tooLarge
          ? f
          : indexFile(uri, f.text, f.version, {
              ...options,
              ...(f.invalidUtf8At !== undefined ? { invalidUtf8At: f.invalidUtf8At } : {}),
            }),
      );
    return new WorkspaceIndex(files, options, this.runtime);
  }

  /** The same files with these namespaces declared by the settings; `this` when they are the ones it has. */
  withRuntimeNamespaces(runtime: RuntimeNamespaces | undefined): WorkspaceIndex {
    const next = runtime ?? {};
    if (JSON.stringify(next) === JSON.stringify(this.runtime)) return this;
    return new WorkspaceIndex(this.fileMap, this.options, next);
  }

  /** Every file's facts by URI. */
  get files(): ReadonlyMap<string, FileFacts> {
    if (this.tracked) track('*files');
    return this.fileMap;
  }

  applyChanges(changes: readonly FileChange[]): WorkspaceIndex {
    if (changes.length === 0) return this;
    return this.withChanged(changes.map((c) => [c.uri, changeFacts(c, this.options)]));
  }

  /**
   * The index with these files' facts, computed elsewhere with this index's options by
   * `changeFacts` (the CLI's worker threads, the facts cache of both adapters): the same index as
   * `applyChanges` of their changes, in the same order (its views derived from this one's alike).
   */
  applyFacts(facts: readonly FileFacts[]): WorkspaceIndex {
    if (facts.length === 0) return this;
    return this.withChanged(facts.map((f) => [f.uri, f]));
  }

  /** These files' new facts (undefined: deleted); the views derive from this index's. */
  private withChanged(next: ReadonlyArray<readonly [string, FileFacts | undefined]>): WorkspaceIndex {
    const files = new Map(this.fileMap);
    const changed = new Set<string>();
    for (const [uri, facts] of next) {
      changed.add(uri);
      if (facts) files.set(uri, facts);
      else files.delete(uri);
    }
    // not derived yet: the next one derives from this one's base (one link, never a chain)
    const base =
      !this.derivedCache && this.base
        ? { index: this.base.index, changed: new Set([...this.base.changed, ...changed]) }
        : { index: this, changed };
    return new WorkspaceIndex(files, this.options, this.runtime, true, base);
  }

  /** The index of just these files (facts shared, nothing parsed again): what a file says on its own. */
  only(uris: Iterable<string>): WorkspaceIndex {
    const files = new Map<string, FileFacts>();
    for (const uri of uris) {
      const f = this.fileMap.get(uri);
      if (f) files.set(uri, f);
    }
    return new WorkspaceIndex(files, this.options, this.runtime, false);
  }

  /** An index of these facts (an analysis root's files, as its kustomizations make them), same options. */
  withFiles(files: ReadonlyMap<string, FileFacts>, previous?: WorkspaceIndex): WorkspaceIndex {
    if (!previous) return new WorkspaceIndex(files, this.options, this.runtime);
    const changed = new Set<string>();
    for (const [uri, f] of files) if (previous.fileMap.get(uri) !== f) changed.add(uri);
    for (const uri of previous.fileMap.keys()) if (!files.has(uri)) changed.add(uri);
    return new WorkspaceIndex(files, this.options, this.runtime, true, { index: previous, changed });
  }

  file(uri: string): FileFacts | undefined {
    if (this.tracked) track(`f:${uri}`);
    return this.fileMap.get(uri);
  }

  lineIndex(uri: string): LineIndex | undefined {
    if (this.tracked) track(`f:${uri}`);
    let li = this.lineIndexes.get(uri);
    if (!li) {
      const f = this.fileMap.get(uri);
      if (!f) return undefined;
      li = new LineIndex(f.text);
      this.lineIndexes.set(uri, li);
    }
    return li;
  }

  private get derived(): Derived {
    if (!this.derivedCache) {
      const base = this.base;
      this.base = undefined; // never a chain of old snapshots
      this.derivedCache =
        base?.index.derivedCache && base.index.runtime === this.runtime
          ? deriveFrom(base.index.derivedCache, base.index.fileMap, this.fileMap, base.changed)
          : derive(this.fileMap, this.runtime);
    }
    return this.derivedCache;
  }

  get namespaces(): ReadonlyMap<string, NamespaceInfo> {
    if (this.tracked) track('*ns');
    return this.derived.namespaces;
  }

  /** The names of the namespaces (declared or implied), sorted: the fact `*nsnames`, not their labels. */
  get namespaceNames(): readonly string[] {
    if (this.tracked) track('*nsnames');
    return [...this.derived.namespaces.keys()];
  }

  /** One namespace (declared or implied), undefined when nothing names it. */
  namespace(name: string): NamespaceInfo | undefined {
    if (this.tracked) track(`ns:${name}`);
    return this.derived.namespaces.get(name);
  }

  /**
   * Some manifest declares or uses the namespace: the fact `nsx:<name>`, which its labels and
   * declarations changing leave the same (a reader of `namespace(name)` depends on those too).
   */
  hasNamespace(name: string): boolean {
    if (this.tracked) track(`nsx:${name}`);
    return this.derived.namespaces.has(name);
  }

  get workloads(): readonly Workload[] {
    if (this.tracked) track('*wl');
    return this.derived.workloads;
  }

  /** The workloads with known pod IPs (what an ipBlock can match), in id order. */
  get workloadsWithIps(): readonly Workload[] {
    if (this.tracked) track('*wlip');
    return this.derived.workloadsWithIps;
  }

  /** The Services with cluster IPs, in file order. */
  get servicesWithClusterIps(): readonly ServiceResource[] {
    if (this.tracked) track('*svcip');
    return this.derived.servicesWithClusterIps;
  }

  /**
   * The names of the namespaces (declared or implied) whose effective labels the selector matches,
   * in name order: the fact `nsm:<key>` is this list, so a change of some namespace's labels
   * concerns only the selectors whose answer it changes.
   */
  namespacesMatching(m: SelectorMatcher): readonly string[] {
    if (this.tracked) track(`nsm:${m.key}`);
    return this.derived.matching(m.key);
  }

  /** Some namespace (declared or implied) matches the selector: the fact `nsa:<key>`, not which. */
  anyNamespaceMatching(m: SelectorMatcher): boolean {
    if (this.tracked) track(`nsa:${m.key}`);
    return this.derived.matching(m.key).length > 0;
  }

  /**
   * Does the selector match the namespace's effective labels? The fact `nsq:<name>\u0001<key>`:
   * a change of the namespace's labels concerns only the selectors whose answer for it changes.
   */
  namespaceMatches(name: string, m: SelectorMatcher): boolean {
    if (this.tracked) track(`nsq:${name}\u0001${m.key}`);
    return m.matches(this.derived.labelsOf(name));
  }

  /**
   * The workloads, in id order, whose pod labels `pods` matches in the namespaces `namespaces`
   * matches: the fact `pw:<namespaces key>\u0001<pods key>` is this list (a pod peer's answer), so
   * a change of a namespace's labels or workloads concerns its readers only when the answer changes.
   */
  peerWorkloads(namespaces: SelectorMatcher, pods: SelectorMatcher): readonly Workload[] {
    if (this.tracked) track(`pw:${namespaces.key}\u0001${pods.key}`);
    return this.derived.peerWorkloads(namespaces.key, pods.key);
  }

  /** `peerWorkloads` is not empty: the fact `pwa:<namespaces key>\u0001<pods key>`, not which. */
  anyPeerWorkload(namespaces: SelectorMatcher, pods: SelectorMatcher): boolean {
    if (this.tracked) track(`pwa:${namespaces.key}\u0001${pods.key}`);
    return this.derived.hasPeerWorkload(namespaces.key, pods.key);
  }

  /** The workloads carrying the label `key=value` (any value without one), in id order. */
  workloadsLabeled(key: string, value?: string): readonly Workload[] {
    if (this.tracked) track(value === undefined ? `lblk:${key}` : `lbl:${key}=${value}`);
    return this.derived.labeled(key, value);
  }

  workload(id: string): Workload | undefined {
    if (this.tracked) track(`wid:${id}`);
    return this.derived.workload(id);
  }

  workloadsIn(namespace: string): readonly Workload[] {
    if (this.tracked) track(`wl:${namespace}`);
    return this.derived.workloadsByNs.get(namespace) ?? [];
  }

  get policies(): readonly NetworkPolicyResource[] {
    if (this.tracked) track('*pol');
    return this.derived.policies;
  }

  policiesIn(namespace: string): readonly NetworkPolicyResource[] {
    if (this.tracked) track(`pol:${namespace}`);
    return this.derived.policiesByNs.get(namespace) ?? [];
  }

  /** The cluster-wide policies of both tiers, in file order. */
  get clusterPolicies(): readonly ClusterPolicyResource[] {
    if (this.tracked) track('*cp');
    return this.derived.clusterPolicies;
  }

  get services(): readonly ServiceResource[] {
    if (this.tracked) track('*svc');
    return this.derived.services;
  }

  /** The NetworkPolicies of a namespace with this name, in file order (copies of one object). */
  policiesNamed(namespace: string, name: string): readonly NetworkPolicyResource[] {
    if (this.tracked) track(`pol:${namespace}`);
    return namesOf(this.derived.buckets.get(namespace)).policies.get(name) ?? [];
  }

  /** The Services of a namespace with this name, in file order. */
  servicesNamed(namespace: string, name: string): readonly ServiceResource[] {
    if (this.tracked) track(`svc:${namespace}`);
    return namesOf(this.derived.buckets.get(namespace)).services.get(name) ?? [];
  }

  /** The workload manifests of a namespace whose own metadata.name is this, in workload id order. */
  workloadManifestsNamed(namespace: string, name: string): readonly WorkloadResource[] {
    if (this.tracked) track(`wl:${namespace}`);
    return namesOf(this.derived.buckets.get(namespace)).workloads.get(name) ?? [];
  }

  /** The Services of a namespace, in file order. */
  servicesIn(namespace: string): readonly ServiceResource[] {
    if (this.tracked) track(`svc:${namespace}`);
    return this.derived.servicesByNs.get(namespace) ?? [];
  }

  /** The custom resources of kinds netpol-lens does not know in a namespace (their controllers may run pods). */
  customResourcesIn(namespace: string): readonly CustomResourceRef[] {
    if (this.tracked) track(`cr:${namespace}`);
    return this.derived.customResourcesByNs.get(namespace) ?? [];
  }

  namespaceLabels(name: string): Labels {
    if (this.tracked) track(`nsl:${name}`);
    return this.derived.labelsOf(name);
  }

  /** Every parse/lowering problem of every file. */
  get problems(): readonly Finding[] {
    if (this.tracked) track('*problems');
    return this.derived.problems;
  }

  /**
   * The facts (deps.ts keys) that differ between `prev` and this index: found from the files that
   * changed (their namespaces, workload ids and labels, before and after), each confirmed with
   * `sameFact`; `*` whenever any file changed. A key not listed is the same in both.
   */
  changedFacts(
    prev: WorkspaceIndex,
    readKeys?: () => Iterable<string>,
    changed: readonly string[] = this.changedFiles(prev),
  ): Set<string> {
    const out = new Set<string>();
    if (changed.length === 0) return out;
    out.add('*');
    const candidates = new Set<string>(GLOBAL_FACTS);
    const ids = new Set<string>();
    const touched = new Set<string>();
    for (const uri of changed) {
      candidates.add(`f:${uri}`);
      for (const f of [prev.fileMap.get(uri), this.fileMap.get(uri)]) {
        for (const ns of namespacesOf(f)) {
          touched.add(ns);
          for (const kind of NAMESPACE_FACTS) candidates.add(`${kind}:${ns}`);
        }
        for (const r of f?.resources ?? []) if (r.kind === 'Workload') ids.add(r.id);
      }
    }
    const labels = new Set<string>();
    for (const id of ids) {
      candidates.add(`wid:${id}`);
      for (const w of [prev.derived.workload(id), this.derived.workload(id)])
        for (const [k, v] of Object.entries(w?.labels ?? {})) {
          labels.add(`lbl:${k}=${v}`);
          labels.add(`lblk:${k}`);
        }
    }
    for (const k of candidates) if (!this.sameFact(k, prev)) out.add(k);
    // the facts read that are answers over namespaces and workloads (of the facts read): a
    // selector's namespaces, whether it matches one namespace, a pod peer's workloads — changed
    // only when the answer did, whatever labels or workloads changed under it (early cut-off)
    const nsChanged = out.has('*ns');
    const nslChanged = new Set<string>();
    const wlChanged = new Set<string>();
    for (const k of out)
      if (k.startsWith('nsl:')) nslChanged.add(k.slice(4));
      else if (k.startsWith('wl:')) wlChanged.add(k.slice(3));
    if (readKeys && (nsChanged || wlChanged.size > 0))
      for (const k of readKeys()) {
        const kind = k.slice(0, k.indexOf(':'));
        if (kind === 'nsm' || kind === 'nsa') {
          if (nsChanged && !this.sameFact(k, prev)) out.add(k);
        } else if (kind === 'nsq') {
          if (nslChanged.has(k.slice(4, k.indexOf('\u0001'))) && !this.sameFact(k, prev)) out.add(k);
        } else if (kind === 'pw') {
          if (this.peerChanged(k.slice(3), prev, nsChanged, wlChanged)) out.add(k);
        } else if (kind === 'pwa') {
          if (this.peerChanged(k.slice(4), prev, nsChanged, wlChanged) && !this.sameFact(k, prev)) out.add(k);
        }
      }
    // a label's workloads can differ only in the namespaces the changed files name
    for (const k of labels) {
      const [key, value] = k.startsWith('lblk:') ? [k.slice(5), undefined] : splitLabel(k.slice(4));
      for (const ns of touched) {
        const a = this.derived.labeledIn(ns, key, value);
        if (!sameList(a, prev.derived.labeledIn(ns, key, value), sameWorkload)) {
          out.add(k);
          break;
        }
      }
    }
    return out;
  }

  /**
   * Does the pod peer's answer (`pw:` fact, `nsKey\u0001podKey`) differ from `prev`'s? Only the
   * namespaces whose workloads changed, or that the namespace selector now matches or no longer
   * matches, can change it: those alone are compared.
   */
  private peerChanged(
    arg: string,
    prev: WorkspaceIndex,
    nsChanged: boolean,
    wlChanged: ReadonlySet<string>,
  ): boolean {
    const sep = arg.indexOf('\u0001');
    const nsKey = arg.slice(0, sep);
    const podKey = arg.slice(sep + 1);
    const a = this.derived;
    const b = prev.derived;
    const before = b.matching(nsKey);
    // the namespaces are the same in both unless some changed: the answer too
    const now = nsChanged ? a.matching(nsKey) : before;
    const compare = new Set<string>();
    if (nsChanged) {
      if (!sameList(now, before, same)) {
        const was = new Set(before);
        const is = new Set(now);
        for (const ns of now) if (!was.has(ns)) compare.add(ns);
        for (const ns of before) if (!is.has(ns)) compare.add(ns);
      }
      if (wlChanged.size > 0) {
        const is = new Set(now);
        for (const ns of wlChanged) if (is.has(ns)) compare.add(ns);
      }
    }
    if (wlChanged.size > 0) {
      const was = wlChanged.size > 4 ? new Set(before) : undefined;
      for (const ns of wlChanged) if (was ? was.has(ns) : before.includes(ns)) compare.add(ns);
    }
    for (const ns of compare) {
      // a namespace matched on one side only contributes nothing to the other
      const inA = now.includes(ns);
      const inB = before.includes(ns);
      const x = inA ? a.peerWorkloadsIn([ns], podKey) : [];
      const y = inB ? b.peerWorkloadsIn([ns], podKey) : [];
      if (!sameList(x, y, sameWorkload)) return true;
    }
    return false;
  }

  /** The files whose facts differ between `prev` and this index: changed, added or deleted. */
  changedFiles(prev: WorkspaceIndex): string[] {
    const changed: string[] = [];
    if (prev.fileMap === this.fileMap) return changed;
    let added = 0;
    for (const [uri, f] of this.fileMap) {
      const before = prev.fileMap.get(uri);
      if (before === f) continue;
      changed.push(uri);
      if (before === undefined) added++;
    }
    // files of `prev` not in this one: only looked for when some are gone
    if (prev.fileMap.size > this.fileMap.size - added)
      for (const uri of prev.fileMap.keys()) if (!this.fileMap.has(uri)) changed.push(uri);
    return changed;
  }

  /**
   * Is the fact `key` (deps.ts) the same in this index as in `other`? Objects are compared by
   * identity: a file's facts are shared between snapshots until the file changes.
   */
  sameFact(key: string, other: WorkspaceIndex): boolean {
    const a = this.derived;
    const b = other.derived;
    const colon = key.indexOf(':');
    if (colon < 0) {
      switch (key) {
        case '*ns':
          return sameMap(a.namespaces, b.namespaces, sameNamespace);
        case '*nsnames':
          return sameList([...a.namespaces.keys()], [...b.namespaces.keys()], same);
        case '*wl':
          return sameList(a.workloads, b.workloads, sameWorkload);
        case '*wlip':
          return sameList(a.workloadsWithIps, b.workloadsWithIps, sameWorkload);
        case '*svcip':
          return sameList(a.servicesWithClusterIps, b.servicesWithClusterIps, same);
        case '*pol':
          return sameList(a.policies, b.policies, same);
        case '*svc':
          return sameList(a.services, b.services, same);
        case '*cp':
          return sameList(a.clusterPolicies, b.clusterPolicies, same);
        case '*problems':
          return sameList(a.problems, b.problems, same);
        case '*files':
          return sameMap(this.fileMap, other.fileMap, same);
        default:
          return false; // '*': anything
      }
    }
    const kind = key.slice(0, colon);
    const arg = key.slice(colon + 1);
    switch (kind) {
      case 'f':
        return this.fileMap.get(arg) === other.fileMap.get(arg);
      case 'ns':
        return sameOptional(a.namespaces.get(arg), b.namespaces.get(arg), sameNamespace);
      case 'nsx':
        return a.namespaces.has(arg) === b.namespaces.has(arg);
      case 'nsl':
        return sameLabels(
          a.namespaces.get(arg)?.labels ?? { [METADATA_NAME_LABEL]: arg },
          b.namespaces.get(arg)?.labels ?? { [METADATA_NAME_LABEL]: arg },
        );
      case 'wl':
        return sameList(a.workloadsByNs.get(arg) ?? [], b.workloadsByNs.get(arg) ?? [], sameWorkload);
      case 'nsm':
        return sameList(a.matching(arg), b.matching(arg), same);
      case 'nsa':
        return a.matching(arg).length > 0 === b.matching(arg).length > 0;
      case 'nsq': {
        const sep = arg.indexOf('\u0001');
        const m = selectorOfKey(arg.slice(sep + 1));
        const ns = arg.slice(0, sep);
        return m.matches(a.labelsOf(ns)) === m.matches(b.labelsOf(ns));
      }
      case 'pwa': {
        const sep = arg.indexOf('\u0001');
        const [ns, pods] = [arg.slice(0, sep), arg.slice(sep + 1)];
        return a.hasPeerWorkload(ns, pods) === b.hasPeerWorkload(ns, pods);
      }
      case 'pw': {
        const sep = arg.indexOf('\u0001');
        return sameList(
          a.peerWorkloads(arg.slice(0, sep), arg.slice(sep + 1)),
          b.peerWorkloads(arg.slice(0, sep), arg.slice(sep + 1)),
          sameWorkload,
        );
      }
      case 'lblk':
        return sameList(a.labeled(arg), b.labeled(arg), sameWorkload);
      case 'lbl': {
        const [k, v] = splitLabel(arg);
        return sameList(a.labeled(k, v), b.labeled(k, v), sameWorkload);
      }
      case 'wid':
        return sameOptional(a.workload(arg), b.workload(arg), sameWorkload);
      case 'pol':
        return sameList(a.policiesByNs.get(arg) ?? [], b.policiesByNs.get(arg) ?? [], same);
      case 'svc':
        return sameList(a.servicesByNs.get(arg) ?? [], b.servicesByNs.get(arg) ?? [], same);
      case 'cr':
        return sameList(a.customResourcesByNs.get(arg) ?? [], b.customResourcesByNs.get(arg) ?? [], same);
      default:
        return false;
    }
  }
}

/** The workspace-wide facts (deps.ts). */
const GLOBAL_FACTS = [
  '*ns',
  '*nsnames',
  '*wl',
  '*wlip',
  '*pol',
  '*svc',
  '*svcip',
  '*cp',
  '*problems',
  '*files',
];
/** The facts per namespace (deps.ts). */
const NAMESPACE_FACTS = ['ns', 'nsx', 'nsl', 'wl', 'pol', 'svc', 'cr'];

/** `key=value` (a key holds no `=`). */
function splitLabel(text: string): [string, string] {
  const eq = text.indexOf('=');
  return [text.slice(0, eq), text.slice(eq + 1)];
}

function same<T>(a: T, b: T): boolean {
  return a === b;
}

function sameList<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i] as T, b[i] as T)) return false;
  return true;
}

function sameMap<T>(
  a: ReadonlyMap<string, T>,
  b: ReadonlyMap<string, T>,
  eq: (x: T, y: T) => boolean,
): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || !eq(v, w)) return false;
  }
  return true;
}

function sameOptional<T>(a: T | undefined, b: T | undefined, eq: (x: T, y: T) => boolean): boolean {
  return a === undefined || b === undefined ? a === b : eq(a, b);
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

function sameNamespace(a: NamespaceInfo, b: NamespaceInfo): boolean {
  return (
    a === b ||
    (a.runtime === b.runtime && sameLabels(a.labels, b.labels) && sameList(a.declared, b.declared, same))
  );
}

/** The same workload: made of the very same manifests (its merged fields are functions of them). */
function sameWorkload(a: Workload, b: Workload): boolean {
  return a === b || sameList(a.sources, b.sources, same);
}

/** What one namespace holds, from the files that name it (in URI order). */
interface NsBucket {
  readonly declared: readonly NamespaceResource[];
  /** Merged by id, in id order. */
  readonly workloads: readonly Workload[];
  readonly policies: readonly NetworkPolicyResource[];
  readonly services: readonly ServiceResource[];
  readonly customResources: readonly CustomResourceRef[];
  /** Some workload, policy or Service lives there (an implied namespace when none declares it). */
  readonly used: boolean;
  /** Its workloads by label (built on first use; a bucket is shared by snapshots until its namespace changes). */
  byLabel?: Map<string, { all: Workload[]; byValue: Map<string, Workload[]> }>;
  /** Its objects by name (built on first use). */
  byName?: BucketNames;
}

interface BucketNames {
  readonly policies: Map<string, NetworkPolicyResource[]>;
  readonly services: Map<string, ServiceResource[]>;
  readonly workloads: Map<string, WorkloadResource[]>;
}

const NO_NAMES: BucketNames = { policies: new Map(), services: new Map(), workloads: new Map() };

function namesOf(b: NsBucket | undefined): BucketNames {
  if (!b) return NO_NAMES;
  if (!b.byName) {
    const names: BucketNames = { policies: new Map(), services: new Map(), workloads: new Map() };
    const add = <T>(m: Map<string, T[]>, k: string, v: T): void => {
      const l = m.get(k);
      if (l) l.push(v);
      else m.set(k, [v]);
    };
    for (const p of b.policies) add(names.policies, p.name.value, p);
    for (const s of b.services) add(names.services, s.name.value, s);
    for (const w of b.workloads) for (const s of w.sources) add(names.workloads, s.objectName.value, s);
    b.byName = names;
  }
  return b.byName;
}

/** The link from views to the views they were made from: what is reused. */
interface Previous {
  readonly derived: Derived;
  /** Namespaces whose buckets were rebuilt. */
  readonly touched: ReadonlySet<string>;
  /** Some changed file held (before or after) a policy, a Service, a cluster-wide policy, a problem. */
  readonly lists: { policies: boolean; services: boolean; clusterPolicies: boolean; problems: boolean };
  /** The sorted URIs, when no file came or went. */
  readonly sameUris: boolean;
  /** The files that changed, and the previous views' files. */
  readonly changed: ReadonlySet<string>;
  readonly oldFiles: ReadonlyMap<string, FileFacts>;
}

/** Selector answers a chain of snapshots shares before it starts a new map (bounded memory). */
const MATCHING_MAX = 5000;

/** Up to this many changed files, the file-order lists are spliced rather than rebuilt. */
const SPLICE_MAX = 256;

/**
 * The derived views: per namespace (buckets, rebuilt only for the namespaces a change touches:
 * `deriveFrom`) and the workspace-wide lists in file order or id order, reused from the previous
 * views where the change could not alter them (built as soon as views are derived from previous
 * ones, `settle`, so that no link to an older snapshot stays; lazily for views derived from scratch).
 */
class Derived {
  private namespacesCache: Map<string, NamespaceInfo> | undefined;
  private workloadsCache: readonly Workload[] | undefined;
  private fileOrder: FileOrder | undefined;
  private urisCache: readonly string[] | undefined;
  private withIps: readonly Workload[] | undefined;
  private svcWithIps: readonly ServiceResource[] | undefined;

  constructor(
    readonly buckets: ReadonlyMap<string, NsBucket>,
    /** Per namespace, the files naming it, sorted. */
    readonly filesByNs: ReadonlyMap<string, readonly string[]>,
    private readonly files: ReadonlyMap<string, FileFacts>,
    /** Namespaces declared by the settings. */
    readonly runtime: RuntimeNamespaces,
    /** The previous views, whose NamespaceInfo objects and lists are reused where nothing changed. */
    private previous?: Previous,
  ) {}

  get namespaces(): ReadonlyMap<string, NamespaceInfo> {
    if (!this.namespacesCache) {
      const prev = this.previous;
      const names = [
        ...new Set([
          ...[...this.buckets.entries()].filter(([, b]) => b.used || b.declared.length > 0).map(([n]) => n),
          ...Object.keys(this.runtime),
        ]),
      ].sort(cmp);
      const out = new Map<string, NamespaceInfo>();
      for (const name of names) {
        const old = prev && !prev.touched.has(name) ? prev.derived.namespaces.get(name) : undefined;
        if (old) {
          out.set(name, old);
          continue;
        }
        const decls = this.buckets.get(name)?.declared ?? [];
        // a namespace of the settings is one more declaration of it, before the manifests'
        const own = Object.prototype.hasOwnProperty.call(this.runtime, name) ? this.runtime[name] : undefined;
        const labels: Record<string, string> = { ...(own ?? {}) };
        for (const d of decls) Object.assign(labels, d.labels);
        labels[METADATA_NAME_LABEL] = name;
        out.set(name, { name, labels, declared: decls, ...(own ? { runtime: true as const } : {}) });
      }
      this.namespacesCache = out;
    }
    return this.namespacesCache;
  }

  /** Every workload in id order: the previous list without the touched namespaces', merged with theirs. */
  get workloads(): readonly Workload[] {
    if (!this.workloadsCache) {
      const prev = this.previous;
      if (prev) {
        const kept = prev.derived.workloads.filter((w) => !prev.touched.has(w.namespace));
        const fresh = [...prev.touched]
          .flatMap((ns) => this.buckets.get(ns)?.workloads ?? [])
          .sort((x, y) => cmp(x.id, y.id));
        this.workloadsCache = mergeById(kept, fresh);
      } else
        this.workloadsCache = [...this.buckets.values()]
          .flatMap((b) => b.workloads)
          .sort((x, y) => cmp(x.id, y.id));
    }
    return this.workloadsCache;
  }

  /** A workload by id, from its namespace's bucket (`<namespace>/…`: a namespace holds no `/`). */
  workload(id: string): Workload | undefined {
    const slash = id.indexOf('/');
    const list = slash < 0 ? undefined : this.buckets.get(id.slice(0, slash))?.workloads;
    if (!list) return undefined;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const w = list[mid] as Workload;
      const c = cmp(w.id, id);
      if (c === 0) return w;
      if (c < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The workloads labeled `key=value`, or with the key at all, in id order (per-namespace label indexes). */
  labeled(key: string, value?: string): readonly Workload[] {
    const out: Workload[] = [];
    for (const b of this.buckets.values()) {
      if (b.workloads.length === 0) continue;
      const e = labelIndex(b).get(key);
      const l = value === undefined ? e?.all : e?.byValue.get(value);
      if (l) out.push(...l);
    }
    return out.sort((x, y) => cmp(x.id, y.id));
  }

  private matchingCache: Map<string, readonly string[]> | undefined;
  /** The views this one was derived from, until `matchingMap` has decided whether to share theirs. */
  matchingFrom: Derived | undefined;

  /**
   * The selectors' answers by key: shared with the views this one was derived from when their
   * namespaces are the same (a change of workloads, policies or Services), so that the answers are
   * not computed again for every snapshot.
   */
  private get matchingMap(): Map<string, readonly string[]> {
    if (!this.matchingCache) {
      const from = this.matchingFrom;
      this.matchingFrom = undefined;
      const shared =
        from && sameMap(this.namespaces, from.namespaces, sameNamespace) ? from.matchingMap : undefined;
      this.matchingCache = shared && shared.size < MATCHING_MAX ? shared : new Map();
    }
    return this.matchingCache;
  }

  /** The namespaces whose labels a selector matches (by its key, `selectorOfKey`; cached). */
  matching(key: string): readonly string[] {
    const cache = this.matchingMap;
    let out = cache.get(key);
    if (!out) {
      const m = selectorOfKey(key);
      out = [...this.namespaces.values()].filter((n) => m.matches(n.labels)).map((n) => n.name);
      cache.set(key, out);
    }
    return out;
  }

  private anyPeerCache: Map<string, boolean> | undefined;
  /** `peerWorkloads` is not empty: stops at the first workload found (cached). */
  hasPeerWorkload(nsKey: string, podKey: string): boolean {
    this.anyPeerCache ??= new Map();
    const key = `${nsKey}\u0001${podKey}`;
    let out = this.anyPeerCache.get(key) ?? this.peerCache?.get(key)?.length;
    if (out === undefined) {
      const pods = selectorOfKey(podKey);
      out = this.matching(nsKey).some((ns) =>
        (this.buckets.get(ns)?.workloads ?? []).some((w) => pods.matches(w.labels)),
      );
      this.anyPeerCache.set(key, out);
    }
    return typeof out === 'number' ? out > 0 : out;
  }

  /** A namespace's effective labels (only `kubernetes.io/metadata.name` when nothing names it). */
  labelsOf(name: string): Labels {
    return this.namespaces.get(name)?.labels ?? { [METADATA_NAME_LABEL]: name };
  }

  private peerCache: Map<string, readonly Workload[]> | undefined;
  /** The workloads of the namespaces `nsKey` matches whose labels `podKey` matches, in id order (cached). */
  peerWorkloads(nsKey: string, podKey: string): readonly Workload[] {
    this.peerCache ??= new Map();
    const key = `${nsKey}\u0001${podKey}`;
    let out = this.peerCache.get(key);
    if (!out) {
      out = this.peerWorkloadsIn(this.matching(nsKey), podKey);
      this.peerCache.set(key, out);
    }
    return out;
  }

  /** The workloads of these namespaces whose labels `podKey` matches, in id order. */
  peerWorkloadsIn(namespaces: Iterable<string>, podKey: string): Workload[] {
    const pods = selectorOfKey(podKey);
    const out: Workload[] = [];
    for (const ns of namespaces)
      for (const w of this.buckets.get(ns)?.workloads ?? []) if (pods.matches(w.labels)) out.push(w);
    return out.sort((x, y) => cmp(x.id, y.id));
  }

  /** `labeled` in one namespace. */
  labeledIn(ns: string, key: string, value?: string): readonly Workload[] {
    const b = this.buckets.get(ns);
    if (!b || b.workloads.length === 0) return [];
    const e = labelIndex(b).get(key);
    return (value === undefined ? e?.all : e?.byValue.get(value)) ?? [];
  }

  get workloadsWithIps(): readonly Workload[] {
    if (!this.withIps) {
      const prev = this.previous;
      if (prev) {
        const kept = prev.derived.workloadsWithIps.filter((w) => !prev.touched.has(w.namespace));
        const fresh = [...prev.touched]
          .flatMap((ns) => this.buckets.get(ns)?.workloads ?? [])
          .filter((w) => w.ips.length > 0)
          .sort((x, y) => cmp(x.id, y.id));
        this.withIps =
          fresh.length === 0 && kept.length === prev.derived.workloadsWithIps.length
            ? prev.derived.workloadsWithIps
            : mergeById(kept, fresh);
      } else this.withIps = this.workloads.filter((w) => w.ips.length > 0);
    }
    return this.withIps;
  }

  get servicesWithClusterIps(): readonly ServiceResource[] {
    if (!this.svcWithIps) {
      const prev = this.previous;
      this.svcWithIps =
        prev && !prev.lists.services
          ? prev.derived.servicesWithClusterIps
          : this.services.filter((x) => x.clusterIPs.length > 0);
    }
    return this.svcWithIps;
  }

  get workloadsByNs(): { get(ns: string): readonly Workload[] | undefined } {
    return { get: (ns) => nonEmpty(this.buckets.get(ns)?.workloads) };
  }

  get policiesByNs(): { get(ns: string): readonly NetworkPolicyResource[] | undefined } {
    return { get: (ns) => nonEmpty(this.buckets.get(ns)?.policies) };
  }

  get servicesByNs(): { get(ns: string): readonly ServiceResource[] | undefined } {
    return { get: (ns) => nonEmpty(this.buckets.get(ns)?.services) };
  }

  get customResourcesByNs(): { get(ns: string): readonly CustomResourceRef[] | undefined } {
    return { get: (ns) => nonEmpty(this.buckets.get(ns)?.customResources) };
  }

  /** The file URIs, sorted. */
  get uris(): readonly string[] {
    const prev = this.previous;
    return (this.urisCache ??= prev?.sameUris ? prev.derived.uris : [...this.files.keys()].sort());
  }

  private get ordered(): FileOrder {
    if (!this.fileOrder) {
      const prev = this.previous;
      const old = prev?.derived.ordered;
      const rebuild = (which: keyof FileOrder): boolean => !old || !prev || prev.lists[which];
      let fresh: FileOrder | undefined;
      // a few files changed: their items are taken out of the old lists and theirs put in, in place
      const list = <K extends keyof FileOrder>(which: K): FileOrder[K] => {
        if (!rebuild(which) && old) return old[which];
        if (old && prev && prev.changed.size <= SPLICE_MAX) {
          const spliced = spliceFileOrder(
            old[which] as readonly FileOrder[K][number][],
            prev.changed,
            prev.oldFiles,
            this.files,
            FILE_ORDER_ITEMS[which] as FileOrderItems<FileOrder[K][number]>,
          );
          if (spliced) return spliced as FileOrder[K];
        }
        return (fresh ??= inFileOrder(this.files, this.uris))[which];
      };
      this.fileOrder = {
        policies: list('policies'),
        services: list('services'),
        clusterPolicies: list('clusterPolicies'),
        problems: list('problems'),
      };
    }
    return this.fileOrder;
  }

  get policies(): readonly NetworkPolicyResource[] {
    return this.ordered.policies;
  }

  get services(): readonly ServiceResource[] {
    return this.ordered.services;
  }

  get clusterPolicies(): readonly ClusterPolicyResource[] {
    return this.ordered.clusterPolicies;
  }

  get problems(): readonly Finding[] {
    return this.ordered.problems;
  }

  /** Builds every view from the previous views, then drops the link to them (what they held can go). */
  settle(): void {
    if (this.previous) {
      void this.namespaces;
      void this.workloads;
      void this.workloadsWithIps;
      void this.servicesWithClusterIps;
      void this.uris;
      void this.ordered;
    }
    void this.matchingMap;
    this.previous = undefined;
  }
}

interface FileOrder {
  readonly policies: readonly NetworkPolicyResource[];
  readonly services: readonly ServiceResource[];
  readonly clusterPolicies: readonly ClusterPolicyResource[];
  readonly problems: readonly Finding[];
}

/** Two lists in id order, merged. */
function mergeById(a: readonly Workload[], b: readonly Workload[]): Workload[] {
  const out: Workload[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as Workload;
    const y = b[j] as Workload;
    if (cmp(x.id, y.id) <= 0) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++] as Workload);
  while (j < b.length) out.push(b[j++] as Workload);
  return out;
}

function labelIndex(b: NsBucket): Map<string, { all: Workload[]; byValue: Map<string, Workload[]> }> {
  if (!b.byLabel) {
    const m = new Map<string, { all: Workload[]; byValue: Map<string, Workload[]> }>();
    for (const w of b.workloads)
      for (const [k, v] of Object.entries(w.labels)) {
        let e = m.get(k);
        if (!e) m.set(k, (e = { all: [], byValue: new Map() }));
        e.all.push(w);
        const l = e.byValue.get(v);
        if (l) l.push(w);
        else e.byValue.set(v, [w]);
      }
    b.byLabel = m;
  }
  return b.byLabel;
}

function nonEmpty<T>(l: readonly T[] | undefined): readonly T[] | undefined {
  return l && l.length > 0 ? l : undefined;
}

/** How to find a file-order list's items in a file, and the file an item belongs to. */
interface FileOrderItems<T> {
  of(f: FileFacts): readonly T[];
  uriOf(item: T): string;
}

const FILE_ORDER_ITEMS: { readonly [K in keyof FileOrder]: FileOrderItems<FileOrder[K][number]> } = {
  policies: {
    of: (f) => f.resources.filter((r): r is NetworkPolicyResource => r.kind === 'NetworkPolicy'),
    uriOf: (r) => r.doc.uri,
  },
  services: {
    of: (f) => f.resources.filter((r): r is ServiceResource => r.kind === 'Service'),
    uriOf: (r) => r.doc.uri,
  },
  clusterPolicies: { of: (f) => f.clusterPolicies ?? [], uriOf: (r) => r.doc.uri },
  problems: { of: (f) => f.problems, uriOf: (p) => p.uri },
};

/**
 * A file-order list after some files changed (`inFileOrder` of the new files, without visiting
 * the others): each changed file's run of items, found by binary search (the list is sorted by
 * file), replaced by its new items. Undefined when an item of a changed file names another file
 * (then the list is rebuilt).
 */
function spliceFileOrder<T>(
  old: readonly T[],
  changed: ReadonlySet<string>,
  oldFiles: ReadonlyMap<string, FileFacts>,
  files: ReadonlyMap<string, FileFacts>,
  items: FileOrderItems<T>,
): T[] | undefined {
  const sorted = [...changed].sort();
  for (const uri of sorted)
    for (const f of [oldFiles.get(uri), files.get(uri)])
      if (f) for (const e of items.of(f)) if (items.uriOf(e) !== uri) return undefined;
  // the first index at or after `from` whose item's file is not before `uri` (or, `after`, not at it)
  const seek = (uri: string, from: number, after: boolean): number => {
    let lo = from;
    let hi = old.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const u = items.uriOf(old[mid] as T);
      if (u < uri || (after && u === uri)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const parts: T[][] = [];
  let at = 0;
  for (const uri of sorted) {
    const lo = seek(uri, at, false);
    const hi = seek(uri, lo, true);
    if (lo > at) parts.push(old.slice(at, lo));
    const f = files.get(uri);
    if (f) parts.push([...items.of(f)]);
    at = hi;
  }
  if (at < old.length) parts.push(old.slice(at));
  return ([] as T[]).concat(...parts);
}

/** The workspace-wide lists in file order (URIs sorted, then each file's order). */
function inFileOrder(files: ReadonlyMap<string, FileFacts>, uris: readonly string[]): FileOrder {
  const policies: NetworkPolicyResource[] = [];
  const services: ServiceResource[] = [];
  const clusterPolicies: ClusterPolicyResource[] = [];
  const problems: Finding[] = [];
  for (const uri of uris) {
    const f = files.get(uri);
    if (!f) continue;
    problems.push(...f.problems);
    if (f.clusterPolicies) clusterPolicies.push(...f.clusterPolicies);
    for (const r of f.resources) {
      if (r.kind === 'NetworkPolicy') policies.push(r);
      else if (r.kind === 'Service') services.push(r);
    }
  }
  return { policies, services, clusterPolicies, problems };
}

/**
 * The facts of one change (undefined for a deletion): what `applyChanges` stores. Pure, and its
 * result is plain structured-cloneable data, so that a worker thread may compute it.
 */
export function changeFacts(c: FileChange, options: IndexOptions = {}): FileFacts | undefined {
  if (c.text === null) return undefined;
  if (c.tooLarge) return tooLargeFile(c.uri, c.text, c.version, c.tooLarge);
  return indexFile(
    c.uri,
    c.text,
    c.version,
    c.invalidUtf8At === undefined ? options : { ...options, invalidUtf8At: c.invalidUtf8At },
  );
}

export function indexFile(
  uri: string,
  text: string,
  version: number | undefined,
  options: IndexOptions = {},
): FileFacts {
  const parsed = parseFile(uri, text, options);
  const skip = parsed.unanalysed.length ? new Set(parsed.unanalysed.map((u) => u.docIndex)) : undefined;
  const defaultNamespace = defaultNamespaceOf(uri, options.defaultNamespaces);
  const lowerOptions: LowerOptions = {
    ...(defaultNamespace ? { defaultNamespace } : {}),
    ...(options.podProducers?.length ? { podProducers: options.podProducers } : {}),
  };
  const lowered = lowerDocuments(uri, parsed.docs, skip, lowerOptions);
  const facts = {
    uri,
    version,
    text,
    resources: lowered.resources,
    problems: [...parsed.problems, ...lowered.problems],
  };
  return {
    ...facts,
    ...(options.invalidUtf8At !== undefined ? { invalidUtf8At: options.invalidUtf8At } : {}),
    ...(parsed.unanalysed.length ? { unanalysed: parsed.unanalysed } : {}),
    ...(lowered.otherPolicies.length ? { otherPolicies: lowered.otherPolicies } : {}),
    ...(lowered.customResources.length ? { customResources: lowered.customResources } : {}),
    ...(lowered.clusterPolicies.length ? { clusterPolicies: lowered.clusterPolicies } : {}),
  };
}

/** A file above the size limit: not read (`head` is its beginning); a warning if it is a manifest. */
function tooLargeFile(
  uri: string,
  head: string,
  version: number | undefined,
  size: { readonly bytes: number; readonly limitBytes: number },
): FileFacts {
  const problems: Finding[] = looksLikeManifest(head)
    ? [
        {
          code: 'unreadable-file',
          severity: 'warning',
          uri,
          span: { start: 0, end: 0 },
          message: tooLargeMessage(baseName(uri), size.bytes, size.limitBytes),
        },
      ]
    : [];
  return { uri, version, text: '', resources: [], problems, tooLarge: size };
}

/** The namespaces a file's facts name: its resources' and its custom resources'. */
function namespacesOf(f: FileFacts | undefined): Set<string> {
  const out = new Set<string>();
  if (!f) return out;
  for (const r of f.resources) out.add(r.kind === 'Namespace' ? r.name.value : r.namespace);
  for (const cr of f.customResources ?? []) if (cr.namespace !== undefined) out.add(cr.namespace);
  return out;
}

function derive(files: ReadonlyMap<string, FileFacts>, runtime: RuntimeNamespaces): Derived {
  const filesByNs = new Map<string, string[]>();
  for (const uri of [...files.keys()].sort())
    for (const ns of namespacesOf(files.get(uri))) {
      const l = filesByNs.get(ns);
      if (l) l.push(uri);
      else filesByNs.set(ns, [uri]);
    }
  const buckets = new Map<string, NsBucket>();
  for (const [ns, uris] of filesByNs) buckets.set(ns, bucket(ns, uris, files));
  return new Derived(buckets, filesByNs, files, runtime);
}

/**
 * The views after some files changed: only the namespaces the old or new facts of those files name
 * are rebuilt; every other namespace keeps its bucket (and its NamespaceInfo).
 */
function deriveFrom(
  prev: Derived,
  oldFiles: ReadonlyMap<string, FileFacts>,
  files: ReadonlyMap<string, FileFacts>,
  changed: ReadonlySet<string>,
): Derived {
  const touched = new Set<string>();
  const filesByNs = new Map<string, readonly string[]>(prev.filesByNs);
  for (const uri of changed) {
    const before = namespacesOf(oldFiles.get(uri));
    const after = namespacesOf(files.get(uri));
    for (const ns of before) {
      touched.add(ns);
      if (after.has(ns)) continue;
      const l = (filesByNs.get(ns) ?? []).filter((u) => u !== uri);
      if (l.length) filesByNs.set(ns, l);
      else filesByNs.delete(ns);
    }
    for (const ns of after) {
      touched.add(ns);
      if (before.has(ns)) continue;
      const l = [...(filesByNs.get(ns) ?? [])];
      let i = l.length;
      while (i > 0 && cmp(l[i - 1] as string, uri) > 0) i--;
      l.splice(i, 0, uri);
      filesByNs.set(ns, l);
    }
  }
  const lists = { policies: false, services: false, clusterPolicies: false, problems: false };
  let sameUris = true;
  for (const uri of changed) {
    const before = oldFiles.get(uri);
    const after = files.get(uri);
    if ((before === undefined) !== (after === undefined)) sameUris = false;
    for (const f of [before, after]) {
      if (!f) continue;
      if (f.problems.length) lists.problems = true;
      if (f.clusterPolicies?.length) lists.clusterPolicies = true;
      for (const r of f.resources) {
        if (r.kind === 'NetworkPolicy') lists.policies = true;
        else if (r.kind === 'Service') lists.services = true;
      }
    }
  }
  const buckets = new Map(prev.buckets);
  for (const ns of touched) {
    const uris = filesByNs.get(ns);
    if (uris) buckets.set(ns, bucket(ns, uris, files));
    else buckets.delete(ns);
  }
  const next = new Derived(buckets, filesByNs, files, prev.runtime, {
    derived: prev,
    touched,
    lists,
    sameUris,
    changed,
    oldFiles,
  });
  next.matchingFrom = prev;
  // the views are built now, while the previous ones are at hand, and the link to them dropped:
  // kept until the next change, it held the previous snapshot's files and views (after a watcher
  // storm's files were deleted, every one of them) for as long as the workspace stayed unchanged
  next.settle();
  return next;
}

/** One namespace's bucket from the files naming it (sorted). */
function bucket(ns: string, uris: readonly string[], files: ReadonlyMap<string, FileFacts>): NsBucket {
  const declared: NamespaceResource[] = [];
  const byId = new Map<string, WorkloadResource[]>();
  const policies: NetworkPolicyResource[] = [];
  const services: ServiceResource[] = [];
  const customResources: CustomResourceRef[] = [];
  for (const uri of uris) {
    const f = files.get(uri);
    if (!f) continue;
    for (const cr of f.customResources ?? []) if (cr.namespace === ns) customResources.push(cr);
    for (const r of f.resources) {
      switch (r.kind) {
        case 'Namespace':
          if (r.name.value === ns) declared.push(r);
          break;
        case 'Workload': {
          if (r.namespace !== ns) break;
          const list = byId.get(r.id);
          if (list) list.push(r);
          else byId.set(r.id, [r]);
          break;
        }
        case 'NetworkPolicy':
          if (r.namespace === ns) policies.push(r);
          break;
        case 'Service':
          if (r.namespace === ns) services.push(r);
          break;
      }
    }
  }
  const workloads: Workload[] = [];
  for (const [id, srcs] of [...byId.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const w = mergeWorkload(id, srcs);
    if (w) workloads.push(w);
  }
  return {
    declared,
    workloads,
    policies,
    services,
    customResources,
    used: workloads.length > 0 || policies.length > 0 || services.length > 0,
  };
}

/** A workload from its manifests (Pods of one owner: the first one's labels for keys the others share… ). */
function mergeWorkload(id: string, srcs: readonly WorkloadResource[]): Workload | undefined {
  const first = srcs[0];
  if (!first) return undefined;
  if (srcs.length === 1)
    return {
      id,
      namespace: first.namespace,
      name: first.name,
      kind: first.workloadKind,
      labels: first.labels,
      ports: first.ports,
      hostNetwork: first.hostNetwork,
      ips: first.ips,
      sources: srcs,
    };
  const labels: Record<string, string> = {};
  for (const s of srcs) for (const [k, v] of Object.entries(s.labels)) if (!(k in labels)) labels[k] = v;
  const ports: ContainerPort[] = [];
  const seen = new Set<string>();
  for (const s of srcs)
    for (const p of s.ports) {
      const key = `${p.name ?? ''}/${p.port}/${p.protocol}`;
      if (!seen.has(key)) {
        seen.add(key);
        ports.push(p);
      }
    }
  return {
    id,
    namespace: first.namespace,
    name: first.name,
    kind: first.workloadKind,
    labels,
    ports,
    hostNetwork: srcs.some((s) => s.hostNetwork),
    ips: [...new Set(srcs.flatMap((s) => s.ips))],
    sources: srcs,
  };
}

/** Byte-wise string order (Go's), used for every listing. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
