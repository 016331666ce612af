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
    readonly files: ReadonlyMap<string, FileFacts>,
    private readonly options: IndexOptions,
    /** Namespaces declared by the settings, merged into `namespaces` as if manifests declared them. */
    private readonly runtime: RuntimeNamespaces = {},
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
    for (const [uri, f] of this.files)
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
    return new WorkspaceIndex(this.files, this.options, next);
  }

  applyChanges(changes: readonly FileChange[]): WorkspaceIndex {
    if (changes.length === 0) return this;
    const files = new Map(this.files);
    for (const c of changes) {
      const facts = changeFacts(c, this.options);
      if (facts) files.set(c.uri, facts);
      else files.delete(c.uri);
    }
    return new WorkspaceIndex(files, this.options, this.runtime);
  }

  /**
   * The index with these files' facts, computed elsewhere with this index's options by
   * `changeFacts` (the CLI's worker threads, its cache): the same index as `applyChanges` of
   * their changes, in the same order.
   */
  applyFacts(facts: readonly FileFacts[]): WorkspaceIndex {
    if (facts.length === 0) return this;
    const files = new Map(this.files);
    for (const f of facts) files.set(f.uri, f);
    return new WorkspaceIndex(files, this.options, this.runtime);
  }

  /** The index of just these files (facts shared, nothing parsed again): what a file says on its own. */
  only(uris: Iterable<string>): WorkspaceIndex {
    const files = new Map<string, FileFacts>();
    for (const uri of uris) {
      const f = this.files.get(uri);
      if (f) files.set(uri, f);
    }
    return new WorkspaceIndex(files, this.options, this.runtime);
  }

  /** An index of these facts (an analysis root's files, as its kustomizations make them), same options. */
  withFiles(files: ReadonlyMap<string, FileFacts>): WorkspaceIndex {
    return new WorkspaceIndex(files, this.options, this.runtime);
  }

  file(uri: string): FileFacts | undefined {
    return this.files.get(uri);
  }

  lineIndex(uri: string): LineIndex | undefined {
    let li = this.lineIndexes.get(uri);
    if (!li) {
      const f = this.files.get(uri);
      if (!f) return undefined;
      li = new LineIndex(f.text);
      this.lineIndexes.set(uri, li);
    }
    return li;
  }

  private get derived(): Derived {
    return (this.derivedCache ??= derive(this.files, this.runtime));
  }

  get namespaces(): ReadonlyMap<string, NamespaceInfo> {
    return this.derived.namespaces;
  }

  get workloads(): readonly Workload[] {
    return this.derived.workloads;
  }

  workload(id: string): Workload | undefined {
    return this.derived.workloadById.get(id);
  }

  workloadsIn(namespace: string): readonly Workload[] {
    return this.derived.workloadsByNs.get(namespace) ?? [];
  }

  get policies(): readonly NetworkPolicyResource[] {
    return this.derived.policies;
  }

  policiesIn(namespace: string): readonly NetworkPolicyResource[] {
    return this.derived.policiesByNs.get(namespace) ?? [];
  }

  /** The cluster-wide policies of both tiers, in file order. */
  get clusterPolicies(): readonly ClusterPolicyResource[] {
    return this.derived.clusterPolicies;
  }

  get services(): readonly ServiceResource[] {
    return this.derived.services;
  }

  /** The custom resources of kinds netpol-lens does not know in a namespace (their controllers may run pods). */
  customResourcesIn(namespace: string): readonly CustomResourceRef[] {
    return this.derived.customResourcesByNs.get(namespace) ?? [];
  }

  namespaceLabels(name: string): Labels {
    return this.derived.namespaces.get(name)?.labels ?? { [METADATA_NAME_LABEL]: name };
  }

  /** Every parse/lowering problem of every file. */
  get problems(): readonly Finding[] {
    return this.derived.problems;
  }
}

interface Derived {
  namespaces: Map<string, NamespaceInfo>;
  workloads: Workload[];
  workloadById: Map<string, Workload>;
  workloadsByNs: Map<string, Workload[]>;
  policies: NetworkPolicyResource[];
  policiesByNs: Map<string, NetworkPolicyResource[]>;
  services: ServiceResource[];
  customResourcesByNs: Map<string, CustomResourceRef[]>;
  clusterPolicies: ClusterPolicyResource[];
  problems: Finding[];
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

function derive(files: ReadonlyMap<string, FileFacts>, runtime: RuntimeNamespaces): Derived {
  const declared = new Map<string, NamespaceResource[]>();
  const used = new Set<string>();
  const byId = new Map<string, WorkloadResource[]>();
  const policies: NetworkPolicyResource[] = [];
  const services: ServiceResource[] = [];
  const clusterPolicies: ClusterPolicyResource[] = [];
  const problems: Finding[] = [];
  const customResourcesByNs = new Map<string, CustomResourceRef[]>();
  const uris = [...files.keys()].sort();
  for (const uri of uris) {
    const f = files.get(uri);
    if (!f) continue;
    problems.push(...f.problems);
    for (const cr of f.customResources ?? []) {
      if (cr.namespace === undefined) continue;
      const l = customResourcesByNs.get(cr.namespace) ?? [];
      l.push(cr);
      customResourcesByNs.set(cr.namespace, l);
    }
    if (f.clusterPolicies) clusterPolicies.push(...f.clusterPolicies);
    for (const r of f.resources) {
      switch (r.kind) {
        case 'Namespace': {
          const list = declared.get(r.name.value) ?? [];
          list.push(r);
          declared.set(r.name.value, list);
          break;
        }
        case 'Workload': {
          used.add(r.namespace);
          const list = byId.get(r.id) ?? [];
          list.push(r);
          byId.set(r.id, list);
          break;
        }
        case 'NetworkPolicy':
          used.add(r.namespace);
          policies.push(r);
          break;
        case 'Service':
          used.add(r.namespace);
          services.push(r);
          break;
      }
    }
  }
  const namespaces = new Map<string, NamespaceInfo>();
  const runtimeNames = Object.keys(runtime);
  for (const name of [...new Set([...declared.keys(), ...used, ...runtimeNames])].sort(cmp)) {
    const decls = declared.get(name) ?? [];
    // a namespace of the settings is one more declaration of it, before the manifests'
    const own = Object.prototype.hasOwnProperty.call(runtime, name) ? runtime[name] : undefined;
    const labels: Record<string, string> = { ...(own ?? {}) };
    for (const d of decls) Object.assign(labels, d.labels);
    labels[METADATA_NAME_LABEL] = name;
    namespaces.set(name, { name, labels, declared: decls, ...(own ? { runtime: true as const } : {}) });
  }
  const workloads: Workload[] = [];
  for (const [id, srcs] of [...byId.entries()].sort((a, b) => cmp(a[0], b[0]))) {
    const first = srcs[0];
    if (!first) continue;
    if (srcs.length === 1) {
      workloads.push({
        id,
        namespace: first.namespace,
        name: first.name,
        kind: first.workloadKind,
        labels: first.labels,
        ports: first.ports,
        hostNetwork: first.hostNetwork,
        ips: first.ips,
        sources: srcs,
      });
      continue;
    }
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
    workloads.push({
      id,
      namespace: first.namespace,
      name: first.name,
      kind: first.workloadKind,
      labels,
      ports,
      hostNetwork: srcs.some((s) => s.hostNetwork),
      ips: [...new Set(srcs.flatMap((s) => s.ips))],
      sources: srcs,
    });
  }
  const workloadById = new Map(workloads.map((w) => [w.id, w]));
  const workloadsByNs = new Map<string, Workload[]>();
  for (const w of workloads) {
    const l = workloadsByNs.get(w.namespace) ?? [];
    l.push(w);
    workloadsByNs.set(w.namespace, l);
  }
  const policiesByNs = new Map<string, NetworkPolicyResource[]>();
  for (const p of policies) {
    const l = policiesByNs.get(p.namespace) ?? [];
    l.push(p);
    policiesByNs.set(p.namespace, l);
  }
  return {
    namespaces,
    workloads,
    workloadById,
    workloadsByNs,
    policies,
    policiesByNs,
    services,
    customResourcesByNs,
    clusterPolicies,
    problems,
  };
}

/** Byte-wise string order (Go's), used for every listing. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
