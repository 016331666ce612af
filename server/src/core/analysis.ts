/**
 * The façade of the core: `AnalysisHost` takes file changes and settings and hands out immutable
 * `Analysis` snapshots that answer every query (rust-analyzer's AnalysisHost/Analysis). No IO.
 */
import type { FileChange } from './index/change';
import {
  WorkspaceIndex,
  changeFacts,
  type FileFacts,
  type FolderNamespace,
  type IndexOptions,
} from './index/workspace-index';
import type { Finding } from './model/finding';
import type { Protocol } from './model/types';
import {
  failedChecks,
  mergedFileFindings,
  mergeFileChecks,
  runChecks,
  runFileChecks,
  type FileCheckResult,
} from './checks/registry';
import { untracked } from './index/deps';
import { PolicyEngine } from './semantics/engine';
import { computeReachability, reachabilityRows, type ReachEntry, type ReachQuery } from './semantics/matrix';
import type { Endpoint } from './semantics/compile';
import { explainConnection, type Explanation } from './semantics/explain';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import type { LineIndex } from './text/line-index';
import type { FixSpec } from './model/finding';
import { computeFix, sourceFixes, type CoreEdit } from './fixes/fix';
import type { SourceRef } from './text/span';
import { hover, type CoreHover } from './features/hover';
import { codeLenses, type CoreCodeLens } from './features/code-lens';
import { completions, type CoreCompletion } from './features/completion';
import { definition } from './features/definition';
import { references } from './features/references';
import { symbols, type CoreSymbol } from './features/symbols';
import { policyAt } from './features/lookup';
import type { FeatureContext, FeatureOptions } from './features/context';
import { planRoots, rootName, type RenderedRoot, type RootKind, type RootSpec } from './roots/roots';
import {
  isRenderedUri,
  relocateRendered,
  RenderedSources,
  renderedUri,
  type KustomizeRender,
  type RenderTarget,
} from './roots/render';
import {
  joinHovers,
  joinLenses,
  joinPlaces,
  joinSymbols,
  renderedHover,
  renderedLenses,
  renderedPlaces,
  renderedSymbols,
} from './features/rendered';
import { isKustomizationUri } from './roots/kustomize';
import { holdsFluxObjects } from './roots/flux';
import { roleIndependent, rootIndex } from './roots/rooted';
import {
  reachabilityView,
  workspaceCounts,
  type ReachView,
  type ReachViewCounts,
  type ReachViewQuery,
} from './view/reachability';

export class AnalysisHost {
  private index: WorkspaceIndex;
  private settings: Settings = DEFAULT_SETTINGS;
  private current: Analysis | undefined;
  /** The adapters' `kustomize build` outputs (`setRenders`), by kustomization URI. */
  private renderList: readonly KustomizeRender[] = [];
  private renders: ReadonlyMap<string, RenderedRoot> = new Map();
  /** Incremental analysis: per analysis root, the last findings per file (see `FindingsStore`). */
  private readonly stores: FindingsStores | undefined;

  /**
   * `incremental`: snapshots reuse the previous snapshots' findings of every file whose checks
   * read no fact that changed (the language server); without, each snapshot runs every check
   * once over the whole workspace (the CLI, which asks once).
   */
  constructor(
    private readonly options: IndexOptions = {},
    incremental = false,
  ) {
    this.index = WorkspaceIndex.empty(options);
    this.stores = incremental ? new FindingsStores() : undefined;
  }

  applyChanges(changes: readonly FileChange[]): void {
    if (changes.length === 0) return;
    this.index = this.index.applyChanges(changes);
    this.current = undefined;
  }

  /**
   * Files whose facts were computed elsewhere (`changeFacts` with `readOptions`, e.g. on a worker
   * thread): as `applyChanges` of their changes.
   */
  applyFacts(facts: readonly FileFacts[]): void {
    if (facts.length === 0) return;
    this.index = this.index.applyFacts(facts);
    this.current = undefined;
  }

  /** The facts the index holds for `uri` (the adapters' facts cache stores them). */
  fileFacts(uri: string): FileFacts | undefined {
    return this.index.file(uri);
  }

  /** How files are read now (after `setSettings`): the options `changeFacts` takes for `applyFacts`. */
  get readOptions(): IndexOptions {
    return this.index.readOptions;
  }

  /**
   * The settings of the analysis. Those that change how files are read (`defaultNamespace`,
   * `podProducers`) re-read every file when they change. `defaultNamespaces` gives the default
   * namespace per folder (the editor's per-folder setting); without it, `settings.defaultNamespace`
   * applies to every file.
   */
  setSettings(settings: Settings, defaultNamespaces?: readonly FolderNamespace[]): void {
    this.settings = settings;
    const namespaces =
      defaultNamespaces ??
      (settings.defaultNamespace ? [{ folder: '', namespace: settings.defaultNamespace }] : []);
    const before = this.index.readOptions;
    this.index = this.index.withOptions({
      ...this.options,
      ...(namespaces.length ? { defaultNamespaces: namespaces } : {}),
      ...(settings.podProducers?.length ? { podProducers: settings.podProducers } : {}),
    });
    if (this.renderList.length && this.index.readOptions !== before) this.setRenders(this.renderList);
    this.current = undefined;
  }

  /**
   * The outputs of `kustomize build` the adapter ran for the snapshot's `renderTargets()` (opt-in,
   * roots/render.ts): each replaces the reader's transform of its kustomization's root, a failure
   * is reported on the kustomization. Replaces the previous list; an empty list renders nothing.
   */
  setRenders(renders: readonly KustomizeRender[]): void {
    this.renderList = renders;
    const m = new Map<string, RenderedRoot>();
    for (const r of renders) {
      const facts =
        r.output !== undefined && r.error === undefined
          ? changeFacts({ uri: renderedUri(r.kustomization), text: r.output }, this.index.readOptions)
          : undefined;
      m.set(r.kustomization, { render: r, ...(facts ? { facts } : {}) });
    }
    this.renders = m;
    this.current = undefined;
  }

  snapshot(): Analysis {
    return (this.current ??= new Analysis(
      this.index,
      this.settings,
      false,
      this.stores,
      '',
      this.renders.size ? this.renders : undefined,
    ));
  }

  /** What incremental analysis holds (summed over the stores): per-file results and facts with readers. */
  storeSizes(): { units: number; readerKeys: number; stores: number } {
    return this.stores?.sizes() ?? { units: 0, readerKeys: 0, stores: 0 };
  }

  /**
   * The settings of `Analysis.withSettings` still in use (by key; a folder's own settings): the
   * results kept for any other settings (a folder removed, its settings changed) are dropped.
   */
  retainSettings(keys: Iterable<string>): void {
    this.stores?.retainSettings(new Set(keys));
  }
}

/**
 * What incremental analysis keeps between snapshots, per analysis root: the checks' results per
 * file (`runFileChecks`, with the facts each read) and the index they were computed on. A
 * snapshot's `findings()` re-runs the checks of a file only when a fact they read differs between
 * that index and its own (`WorkspaceIndex.sameFact`), and then stores its own results. Only the
 * last results are kept, never a chain of snapshots.
 */
export class FindingsStores {
  private readonly byRoot = new Map<string, FindingsStore>();
  private passes = 0;

  /** The store of one root (by id), or of an analysis with other settings (by a key of its own). */
  of(key: string): FindingsStore {
    let s = this.byRoot.get(key);
    if (!s) {
      s = { state: undefined, history: [] };
      this.byRoot.set(key, s);
    }
    return s;
  }

  /**
   * Drops the stores whose key starts with `prefix` but is not in `keep` (the roots of the latest
   * plan): their results would otherwise stay for the whole session.
   */
  retain(prefix: string, keep: ReadonlySet<string>): void {
    for (const k of [...this.byRoot.keys()]) if (k.startsWith(prefix) && !keep.has(k)) this.byRoot.delete(k);
  }

  /**
   * Drops the stores of analyses with other settings (`withSettings`: key `\u0000<settings key>`,
   * their roots' after it) whose settings key is not in `keep`; the host's own stores stay.
   */
  retainSettings(keep: ReadonlySet<string>): void {
    for (const k of [...this.byRoot.keys()]) {
      if (!k.startsWith('\u0000') || k.startsWith('\u0000root:')) continue; // the host's own, or its roots'
      const end = k.indexOf('\u0000root:', 1);
      if (!keep.has(end < 0 ? k.slice(1) : k.slice(1, end))) this.byRoot.delete(k);
    }
  }

  /** Per-file results and facts with readers, summed over the stores, and the stores. */
  sizes(): { units: number; readerKeys: number; stores: number } {
    let units = 0;
    let readerKeys = 0;
    for (const s of this.byRoot.values()) {
      units += s.state?.units.size ?? 0;
      readerKeys += s.state?.readers.size ?? 0;
    }
    return { units, readerKeys, stores: this.byRoot.size };
  }

  /** A token no other findings pass of this host has. */
  nextToken(): string {
    return String(++this.passes);
  }

  private lastPlan:
    | {
        readonly key: string;
        readonly files: ReadonlyMap<string, FileFacts>;
        readonly plan: RootSpec[] | undefined;
        readonly renders: ReadonlyMap<string, RenderedRoot> | undefined;
      }
    | undefined;

  /**
   * `planRoots`, again only when a file came or went, or a kustomization changed (a
   * kustomization file, or a file holding a Flux Kustomization before or after): what a plan reads.
   */
  plan(
    files: ReadonlyMap<string, FileFacts>,
    clusters: readonly string[],
    renders?: ReadonlyMap<string, RenderedRoot>,
  ): RootSpec[] | undefined {
    const key = clusters.join('\u0000');
    const last = this.lastPlan;
    if (last && last.key === key && last.renders === renders && last.files.size === files.size) {
      let same = true;
      for (const [uri, f] of files) {
        const g = last.files.get(uri);
        if (g === undefined || (g !== f && (isKustomizationUri(uri) || readsAsRoot(g) || readsAsRoot(f)))) {
          same = false;
          break;
        }
      }
      if (same) {
        this.lastPlan = { key, files, plan: last.plan, renders };
        return last.plan;
      }
    }
    const plan = planRoots(files, clusters, renders);
    this.lastPlan = { key, files, plan, renders };
    return plan;
  }
}

export interface FindingsStore {
  state:
    | {
        readonly index: WorkspaceIndex;
        readonly settingsKey: string;
        readonly units: Map<string, FileCheckResult>;
        /** Fact → the files whose checks read it (the reverse of each result's `deps`). */
        readonly readers: Map<string, Set<string>>;
        /** The files whose result holds a check that threw. */
        readonly failing: Set<string>;
        /** The last pass's token, its failed checks (as a key) and first file. */
        readonly token: string;
        readonly failedKey: string;
        readonly first: string;
      }
    | undefined;
  /**
   * The last passes (at most `HISTORY` of them), oldest first: each pass's token and the files whose
   * findings it may have changed since the one before (`undefined`: any file, e.g. the settings changed).
   */
  history: Array<{ readonly token: string; readonly uris: ReadonlySet<string> | undefined }>;
}

/**
 * A findings pass that would re-check more than this share of the files starts from scratch
 * (every file checked, the old results and readers dropped). Measured on medium (bench/RESULTS.md):
 * with 89–99% of the files to re-check, from scratch took 0.3–0.8× the incremental pass.
 */
const STORM_SHARE = 0.8;

/** How many passes a store remembers for `Analysis.findingsChangedSince`. */
const HISTORY = 64;

/**
 * One incremental findings pass of one root. `units` is the store's map, which the next pass
 * updates in place: it holds this pass's results while the store's token is this pass's
 * (`resultOf`).
 */
interface FindingsPass {
  readonly units: ReadonlyMap<string, FileCheckResult>;
  /** Results computed again for this snapshot after a later pass moved the store on. */
  readonly own: Map<string, FileCheckResult>;
  readonly failed: ReadonlyMap<string, string>;
  readonly first: string;
  readonly token: string;
  readonly store: FindingsStore;
}

/** How many files' checks a findings pass ran and reused (incremental analysis; tests and the bench read it). */
export interface FindingsPassStats {
  readonly files: number;
  readonly rerun: number;
}

export type ExplainOutcome =
  { readonly ok: true; readonly explanation: Explanation } | { readonly ok: false; readonly error: string };

/** One analysis root (roots/roots.ts) and its analysis. */
export interface AnalysisRoot {
  /** Folder relative to the workspace's common folder; `''` for the other files (and for a workspace without roots). */
  readonly id: string;
  /** How messages and listings name it. */
  readonly name: string;
  readonly kind: RootKind | 'workspace';
  readonly analysis: Analysis;
  /** It holds a workload, policy, Service or Namespace. */
  readonly hasResources: boolean;
}

/**
 * A snapshot of the workspace. A workspace with analysis roots (cluster folders, kustomize
 * overlays: roots/roots.ts) has one analysis per root: findings are the union over the roots that
 * hold a file (a finding some of them lack names the roots it is in); hovers, code lenses,
 * definitions, references and symbols at a file several roots hold are asked of each and joined
 * (features/rendered.ts), and the other queries at a file (completion, fixes…) use its first root. The workspace-
 * wide queries (engine, reachability, explain) use the first root; adapters pick a root with
 * `root(id)`. Without roots, everything is exactly one analysis of every file.
 */
export class Analysis {
  private engineCache: PolicyEngine | undefined;
  private findingsCache: Finding[] | undefined;
  private byUri: Map<string, Finding[]> | undefined;
  private readonly fileScoped = new Map<string, readonly Finding[]>();
  private rootsCache: readonly AnalysisRoot[] | undefined;
  private planCache: readonly RootSpec[] | undefined;
  private passStats: FindingsPassStats | undefined;
  private pass: FindingsPass | undefined;
  private sourcesCache: RenderedSources | undefined;

  /** The files, and the namespaces the settings declare (`Settings.namespaces`). */
  readonly index: WorkspaceIndex;

  constructor(
    index: WorkspaceIndex,
    readonly settings: Settings,
    /** This is one root's analysis (not split again). */
    private readonly isRoot = false,
    /** Incremental analysis (`AnalysisHost`): the results earlier snapshots left, per root. */
    private readonly stores?: FindingsStores,
    /** The store of this root's results (set for a root's analysis; `''` for the workspace without roots). */
    private readonly storeKey = '',
    /** The kustomizations rendered by the adapter (`AnalysisHost.setRenders`). */
    private readonly renders?: ReadonlyMap<string, RenderedRoot>,
  ) {
    this.index = index.withRuntimeNamespaces(settings.namespaces);
  }

  /** The same snapshot with other settings (a workspace folder's own), incremental like this one. */
  withSettings(settings: Settings, key: string): Analysis {
    return new Analysis(
      this.index,
      settings,
      this.isRoot,
      this.stores,
      `${this.storeKey}\u0000${key}`,
      this.renders,
    );
  }

  /** The analysis roots, in order (cluster folders, overlays, the other files); one, this, without roots. */
  get roots(): readonly AnalysisRoot[] {
    if (!this.rootsCache) {
      const clusters = this.settings.clusters ?? [];
      const plan = this.isRoot
        ? undefined
        : this.stores
          ? this.stores.plan(this.index.files, clusters, this.renders)
          : planRoots(this.index.files, clusters, this.renders);
      this.planCache = plan;
      // the stores of roots this plan no longer has (a folder gone, a storm's files deleted) go
      if (this.stores && !this.isRoot)
        this.stores.retain(
          `${this.storeKey}\u0000root:`,
          new Set((plan ?? []).map((spec) => `${this.storeKey}\u0000root:${spec.id}`)),
        );
      this.rootsCache = plan
        ? plan.map((spec) => {
            const analysis = new Analysis(
              rootIndex(this.index, spec),
              this.settings,
              true,
              this.stores,
              `${this.storeKey}\u0000root:${spec.id}`,
              spec.rendered ? this.renders : undefined,
            );
            return {
              id: spec.id,
              name: rootName(spec.id),
              kind: spec.kind,
              analysis,
              hasResources: [...analysis.index.files.values()].some((f) => f.resources.length > 0),
            };
          })
        : [{ id: '', name: 'the workspace', kind: 'workspace', analysis: this, hasResources: true }];
    }
    return this.rootsCache;
  }

  /**
   * The kustomizations the adapters may render with `kustomize build` (opt-in, roots/render.ts):
   * the tops of kustomize roots whose tree uses what the reader cannot apply (patches, generators,
   * Helm charts, replacements…), remote bases aside.
   */
  renderTargets(): readonly RenderTarget[] {
    void this.roots;
    const out = new Map<string, RenderTarget>();
    for (const spec of this.planCache ?? []) for (const t of spec.targets ?? []) out.set(t.uri, t);
    return [...out.values()];
  }

  /** The workspace has more than one analysis root. */
  get split(): boolean {
    return this.roots.length > 1;
  }

  /**
   * The workspace has a plan of roots (one root's analysis answers even where there is one root:
   * its files as its kustomizations make them).
   */
  private get planned(): boolean {
    const roots = this.roots;
    return roots.length > 1 || (roots[0] !== undefined && roots[0].analysis !== this);
  }

  /** The analysis of a root by id. */
  root(id: string): Analysis | undefined {
    return this.roots.find((r) => r.id === id)?.analysis;
  }

  /** The roots that hold a file, in order. */
  rootsOf(uri: string): readonly AnalysisRoot[] {
    return this.roots.filter((r) => r.analysis.index.file(uri) !== undefined);
  }

  /**
   * The analysis of one root, the adapters' one answer to "which root": `id`'s when it names a
   * root, else the first root holding `uri`, else the first root (this analysis without roots).
   */
  rootAt(uri?: string, id?: string): Analysis {
    const named = id !== undefined ? this.root(id) : undefined;
    if (named) return named;
    return uri !== undefined ? this.at(uri) : (this.roots[0]?.analysis ?? this);
  }

  /** The analysis that answers queries at a file: its first root's. */
  private at(uri: string): Analysis {
    const roots = this.roots;
    if (roots.length === 1) return roots[0]?.analysis ?? this;
    return (this.rootsOf(uri)[0] ?? roots[0])?.analysis ?? this;
  }

  /** The first root's analysis (this one without roots). */
  private get primary(): Analysis {
    return this.roots[0]?.analysis ?? this;
  }

  get engine(): PolicyEngine {
    if (this.planned) return this.primary.engine;
    // built outside any tracked unit: its readers track what their answers depend on (index/deps.ts)
    return (this.engineCache ??= untracked(() => new PolicyEngine(this.index)));
  }

  /** Every finding of the workspace, severities as configured. */
  findings(): readonly Finding[] {
    if (this.planned) return (this.findingsCache ??= mergeRootFindings(this, (a) => a.findings()));
    if (this.findingsCache) return this.findingsCache;
    let found: Finding[];
    if (this.stores) {
      const pass = this.findingsPass();
      const inOrder: FileCheckResult[] = [];
      for (const uri of this.index.files.keys()) {
        const r = this.resultOf(pass, uri);
        if (r) inOrder.push(r);
      }
      found = mergeFileChecks(this.checkContext(), inOrder, pass.first);
    } else found = runChecks({ index: this.index, engine: this.engine, settings: this.settings });
    // a rendered root: the findings on a build's output go back to the files it comes from
    const sources = this.renderedSources();
    return (this.findingsCache = sources ? [...relocateRendered(found, sources)] : found);
  }

  /** How many files' checks the last findings pass ran (incremental analysis), summed over the roots. */
  findingsStats(): FindingsPassStats | undefined {
    if (this.planned) {
      let files = 0;
      let rerun = 0;
      for (const r of this.roots) {
        const s = r.analysis.findingsStats();
        files += s?.files ?? 0;
        rerun += s?.rerun ?? 0;
      }
      return { files, rerun };
    }
    return this.passStats;
  }

  private checkContext(): { index: WorkspaceIndex; engine: PolicyEngine; settings: Settings } {
    return { index: this.index, engine: this.engine, settings: this.settings };
  }

  /**
   * The findings file by file: a file's results from an earlier snapshot are reused when every
   * fact its checks read is the same in this one; the others are computed again (runFileChecks).
   * The store records which files' findings the pass may have changed (`findingsChangedSince`).
   */
  private findingsPass(): FindingsPass {
    if (this.pass) return this.pass;
    const stores = this.stores;
    if (!stores) throw new Error('findingsPass: not an incremental analysis');
    const store = stores.of(this.storeKey);
    const ctx = this.checkContext();
    const settingsKey = JSON.stringify(this.settings);
    const files = this.index.files;
    const last = store.state?.settingsKey === settingsKey ? store.state : undefined;
    // the files to check again: those whose checks read a fact that changed, and new files
    let stale = new Set<string>();
    const changed = new Set<string>();
    let removed: string[] = [];
    if (last) {
      const changedFiles = this.index.changedFiles(last.index);
      for (const k of this.index.changedFacts(last.index, () => last.readers.keys(), changedFiles))
        for (const uri of last.readers.get(k) ?? []) stale.add(uri);
      for (const uri of changedFiles)
        if (!files.has(uri)) removed.push(uri);
        else if (!last.units.has(uri)) stale.add(uri);
    }
    // nearly every file to check again (a checkout, a Namespace many files read): one pass from
    // scratch is cheaper than forgetting and re-checking them one by one (STORM_SHARE, measured)
    const prev = last && stale.size <= STORM_SHARE * files.size ? last : undefined;
    if (!prev) {
      stale = new Set(files.keys());
      removed = [];
    }
    const units = prev?.units ?? new Map<string, FileCheckResult>();
    const readers = prev?.readers ?? new Map<string, Set<string>>();
    const failing = prev?.failing ?? new Set<string>();
    const forget = (uri: string): void => {
      for (const k of units.get(uri)?.deps ?? []) {
        const s = readers.get(k);
        if (!s) continue;
        s.delete(uri);
        if (s.size === 0) readers.delete(k); // no reader left: the fact is not kept for deleted files
      }
      units.delete(uri);
      failing.delete(uri);
    };
    for (const uri of removed) {
      forget(uri);
      changed.add(uri);
    }
    for (const uri of [...stale].sort()) {
      forget(uri);
      if (!files.has(uri)) {
        stale.delete(uri); // deleted: its results and its facts' readers are gone (forget)
        continue;
      }
      const r = runFileChecks(ctx, uri);
      units.set(uri, r);
      if (r.failed) failing.add(uri);
      for (const k of r.deps) {
        let s = readers.get(k);
        if (!s) readers.set(k, (s = new Set()));
        s.add(uri);
      }
      changed.add(uri);
    }
    // the checks that threw anywhere: their findings are left out everywhere (mergeFileChecks)
    let failed = new Map<string, string>();
    if (failing.size > 0) {
      const inOrder: FileCheckResult[] = [];
      for (const uri of files.keys()) if (failing.has(uri)) inOrder.push(units.get(uri)!);
      failed = failedChecks(inOrder);
    }
    const failedKey = failed.size > 0 ? JSON.stringify([...failed]) : '';
    const first: string = files.keys().next().value ?? '';
    let delta: ReadonlySet<string> | undefined = changed;
    if (!prev || failedKey !== prev.failedKey) delta = undefined;
    else if (failed.size > 0 && first !== prev.first) changed.add(first).add(prev.first);
    const token = stores.nextToken();
    store.state = { index: this.index, settingsKey, units, readers, failing, token, failedKey, first };
    if (!prev) store.history = [];
    store.history.push({ token, uris: delta });
    if (store.history.length > HISTORY) store.history.splice(0, store.history.length - HISTORY);
    this.passStats = { files: units.size, rerun: stale.size };
    this.pass = { units, own: new Map(), failed, first, token, store };
    return this.pass;
  }

  /** One file's results at this snapshot's pass (computed again if a later pass moved the store on). */
  private resultOf(pass: FindingsPass, uri: string): FileCheckResult | undefined {
    if (pass.store.state?.token === pass.token) return pass.units.get(uri);
    if (!this.index.files.has(uri)) return undefined;
    let r = pass.own.get(uri);
    if (!r) pass.own.set(uri, (r = runFileChecks(this.checkContext(), uri)));
    return r;
  }

  /**
   * A token naming this snapshot's findings pass (incremental analysis), for
   * `findingsChangedSince`; undefined for an analysis that is not incremental.
   */
  findingsToken(): string | undefined {
    // planned, even with one root: the root's index is the files as its kustomizations make them
    if (this.planned)
      return this.roots.map((r) => `${r.id}\u0001${r.analysis.findingsToken() ?? ''}`).join('\u0002');
    if (!this.stores) return undefined;
    return this.findingsPass().token;
  }

  /**
   * The files whose findings (`findingsFor`) may differ between the pass named `token` (an earlier
   * snapshot's `findingsToken()`) and this snapshot's: a superset, never fewer. Undefined when it
   * cannot tell (another host, another root plan, settings changed, too long ago): any file.
   */
  findingsChangedSince(token: string | undefined): ReadonlySet<string> | undefined {
    if (token === undefined) return undefined;
    if (this.planned) {
      const parts = token.split('\u0002');
      const roots = this.roots;
      if (parts.length !== roots.length) return undefined;
      const out = new Set<string>();
      for (let i = 0; i < roots.length; i++) {
        const r = roots[i]!;
        const sep = parts[i]!.indexOf('\u0001');
        if (parts[i]!.slice(0, sep) !== r.id) return undefined;
        const uris = r.analysis.findingsChangedSince(parts[i]!.slice(sep + 1));
        if (!uris) return undefined;
        for (const u of uris) out.add(u);
      }
      return out;
    }
    if (!this.stores || this.renders?.size) return undefined; // a rendered root: findings move between files
    const pass = this.findingsPass();
    if (token === pass.token) return new Set();
    const history = pass.store.history;
    const from = history.findIndex((h) => h.token === token);
    if (from < 0) return undefined;
    const out = new Set<string>();
    // every pass after `token`: up to this one, and any later (a superset is still right)
    for (let i = from + 1; i < history.length; i++) {
      const uris = history[i]!.uris;
      if (!uris) return undefined;
      for (const u of uris) out.add(u);
    }
    return out;
  }

  /** The findings of some roots only (by id), merged as `findings()` merges them. */
  findingsIn(ids: readonly string[]): readonly Finding[] {
    if (!this.planned) return this.findings();
    return mergeRootFindings(
      this,
      (a) => a.findings(),
      this.roots.filter((r) => ids.includes(r.id)),
    );
  }

  /** Findings located in one file. */
  findingsFor(uri: string): readonly Finding[] {
    if (this.planned || (this.stores && !this.renders?.size)) {
      // one file at a time, without merging the whole workspace's findings (a rendered root's
      // findings move between files, relocateRendered: those are read from the merged list)
      this.byUri ??= new Map();
      let out = this.byUri.get(uri);
      if (!out) {
        // one root or several: the roots' findings (not this index's: read as written, a
        // kustomization's namespace and labels not applied)
        if (this.planned) out = mergeRootFindings(this, (a) => a.findingsFor(uri));
        else {
          const pass = this.findingsPass();
          out = mergedFileFindings(
            this.checkContext(),
            this.resultOf(pass, uri),
            pass.failed,
            uri === pass.first ? uri : undefined,
          );
        }
        this.byUri.set(uri, out);
      }
      return out;
    }
    if (!this.byUri) {
      this.byUri = new Map();
      for (const f of this.findings()) {
        const l = this.byUri.get(f.uri) ?? [];
        l.push(f);
        this.byUri.set(f.uri, l);
      }
    }
    return this.byUri.get(uri) ?? [];
  }

  /**
   * The findings of one file that depend on that file alone (parse problems and checks of scope
   * `file`), computed from the file by itself: right even while the rest of the workspace is not
   * indexed yet. The same as the file-scoped part of `findingsFor(uri)`. `rolesKnown` false: the
   * index may still lack a kustomization that reads the file as input (a patch, which is no
   * resource): only what the file gets in either role (its parse problems, `roleIndependent`).
   */
  fileFindings(uri: string, rolesKnown = true): readonly Finding[] {
    if (!rolesKnown) {
      const f = this.index.file(uri);
      return f ? roleIndependent(f, this.fileFindings(uri)) : [];
    }
    let out = this.fileScoped.get(uri);
    if (!out && this.planned) {
      const roots = this.rootsOf(uri);
      out = mergeRootFindings(this, (a) => a.fileFindings(uri), roots);
      this.fileScoped.set(uri, out);
    }
    if (!out) {
      const index = this.index.only([uri]);
      out = runChecks({ index, engine: new PolicyEngine(index), settings: this.settings }, 'file');
      this.fileScoped.set(uri, out);
    }
    return out;
  }

  lineIndex(uri: string): LineIndex | undefined {
    const li = this.index.lineIndex(uri);
    if (li || !this.planned || !isRenderedUri(uri)) return li;
    // a build's output (reach and explain point into it): the root that holds it
    return this.rootsOf(uri)[0]?.analysis.lineIndex(uri);
  }

  reachability(q: ReachQuery = {}): {
    endpoints: Endpoint[];
    entries: ReachEntry[];
    sources: Endpoint[];
    destinations: Endpoint[];
  } {
    if (this.planned) return this.primary.reachability(q);
    return computeReachability(this.engine, q);
  }

  /** The listing row by row (one source at a time), for adapters that must stay responsive. */
  reachabilityRows(q: ReachQuery = {}): {
    endpoints: Endpoint[];
    total: number;
    rows: Generator<ReachEntry[]>;
  } {
    if (this.planned) return this.primary.reachabilityRows(q);
    return reachabilityRows(this.engine, q);
  }

  /** The reachability view's model: namespaces shown, endpoints, rows, focus and counts. */
  reachabilityView(q: ReachViewQuery): ReachView {
    if (this.planned) return this.primary.reachabilityView(q);
    return reachabilityView(this.index, this.engine, q);
  }

  /**
   * Policies, workloads, namespaces and manifest files of the workspace; `filesWithResources`: the
   * last count, kept by the caller (`FileTally`), instead of counting every file again.
   */
  counts(filesWithResources?: number): ReachViewCounts {
    return workspaceCounts(this.index, filesWithResources);
  }

  explain(srcId: string, dstId: string, port?: { port: number; protocol: Protocol }): ExplainOutcome {
    if (this.planned) return this.primary.explain(srcId, dstId, port);
    // an address asked is explained as itself, not as the external range it falls in
    const src = this.engine.endpoint(srcId, undefined, true);
    const dst = this.engine.endpoint(dstId, undefined, true);
    if (!src) return { ok: false, error: this.engine.unresolvedEndpoint(srcId) };
    if (!dst) return { ok: false, error: this.engine.unresolvedEndpoint(dstId) };
    if (src.kind === 'domain')
      return {
        ok: false,
        error: `"${srcId}" is a domain name, and domain names are destinations only (domainNames is an egress peer): explain a workload → ${src.id} instead`,
      };
    return { ok: true, explanation: explainConnection(this.engine, src, dst, port) };
  }

  // ---------- editor features (features/*): plain data, UTF-16 offsets ----------

  /**
   * With `indexing` (the workspace is still being indexed), the parts that depend on other files
   * say so. On a source file of a rendered root, the answer at the place of the output it became
   * (features/rendered.ts); where several roots hold such a file, each root's answer under its name.
   */
  hover(uri: string, offset: number, opts: FeatureOptions = {}): CoreHover | undefined {
    const roots = this.rendering(uri);
    if (roots)
      return joinHovers(
        roots.flatMap((r) => {
          const h = r.analysis.hover(uri, offset, opts);
          return h ? [{ title: `analysis root ${r.name}`, hover: h }] : [];
        }),
      );
    const a = this.at(uri);
    if (a !== this) return a.hover(uri, offset, opts);
    const sources = this.renderedSources();
    if (sources?.outputsFrom(uri).length)
      return renderedHover(this.featureContext(opts), sources, uri, offset);
    return hover(this.featureContext(opts), uri, offset);
  }

  /** With `indexing`, "selects N pods" gives the indexing progress instead. Source files of rendered roots as `hover`. */
  codeLenses(uri: string, opts: FeatureOptions = {}): CoreCodeLens[] {
    const roots = this.rendering(uri);
    if (roots)
      return joinLenses(roots.map((r) => ({ title: r.name, lenses: r.analysis.codeLenses(uri, opts) })));
    const a = this.at(uri);
    if (a !== this) return a.codeLenses(uri, opts);
    const sources = this.renderedSources();
    if (sources?.outputsFrom(uri).length) return renderedLenses(this.featureContext(opts), sources, uri);
    return codeLenses(this.featureContext(opts), uri);
  }

  /** The mapping between this root's builds' outputs and their sources, when it has any. */
  private renderedSources(): RenderedSources | undefined {
    const renders = this.renders;
    if (!renders?.size) return undefined;
    return (this.sourcesCache ??= new RenderedSources(
      this.index,
      new Map([...renders].map(([k, r]) => [k, r.render])),
    ));
  }

  /**
   * The roots holding `uri`, when several do (variants: overlays of one base, rendered or not):
   * hovers, code lenses, definitions, references and symbols are then asked of each; undefined
   * otherwise (the one root answers).
   */
  private rendering(uri: string): readonly AnalysisRoot[] | undefined {
    if (!this.planned) return undefined;
    const roots = this.rootsOf(uri);
    return roots.length < 2 ? undefined : roots;
  }

  private featureContext(opts: FeatureOptions): FeatureContext {
    if (!opts.indexing) return this;
    const engine = (): PolicyEngine => this.engine;
    return {
      index: this.index,
      settings: this.settings,
      indexing: opts.indexing,
      get engine() {
        return engine(); // built only if a part of the answer needs it
      },
    };
  }

  completions(uri: string, offset: number): CoreCompletion[] {
    return completions(this.at(uri), uri, offset);
  }

  /** Source files of rendered roots, and files several roots hold, as `hover`: every root's places once. */
  definition(uri: string, offset: number): SourceRef[] {
    return this.placesAt(uri, offset, definition);
  }

  references(uri: string, offset: number): SourceRef[] {
    return this.placesAt(uri, offset, references);
  }

  private placesAt(
    uri: string,
    offset: number,
    query: (ctx: FeatureContext, uri: string, offset: number) => SourceRef[],
  ): SourceRef[] {
    const roots = this.rendering(uri);
    if (roots) return joinPlaces(roots.map((r) => r.analysis.placesAt(uri, offset, query)));
    const a = this.at(uri);
    if (a !== this) return a.placesAt(uri, offset, query);
    const sources = this.renderedSources();
    if (sources?.outputsFrom(uri).length)
      return renderedPlaces(sources, uri, offset, (u, o) => query(this, u, o));
    return query(this, uri, offset);
  }

  /** The objects as the build makes them on a rendered root's source file; per root where roots differ. */
  symbols(uri: string): CoreSymbol[] {
    const roots = this.rendering(uri);
    if (roots) return joinSymbols(roots.map((r) => ({ title: r.name, symbols: r.analysis.symbols(uri) })));
    const a = this.at(uri);
    if (a !== this) return a.symbols(uri);
    const sources = this.renderedSources();
    if (sources?.outputsFrom(uri).length) return renderedSymbols(this, sources, uri);
    return symbols(this, uri);
  }

  /** The NetworkPolicy whose manifest holds the offset (the innermost, for List items). */
  policyAt(uri: string, offset: number): { readonly name: string; readonly namespace: string } | undefined {
    const p = policyAt(this.at(uri).index, uri, offset);
    return p ? { name: p.name.value, namespace: p.namespace } : undefined;
  }

  // ---------- fixes (fixes/fix.ts) ----------

  /** The edits that apply a fix of a finding in `uri` (a FixSpec from `findings()` or `sourceFixes`); empty when it no longer applies. */
  fixEdits(uri: string, fix: FixSpec): CoreEdit[] {
    return computeFix(this.at(uri).index, uri, fix);
  }

  /** Source actions for a file ("Generate default-deny policy for namespace …"), applied with `fixEdits`. */
  sourceFixes(uri: string): FixSpec[] {
    return sourceFixes(this.at(uri).index, uri);
  }
}

/**
 * The union of the roots' findings, once each: a finding that some of the roots holding its file
 * lack (or words that differ between roots) names the roots it comes from.
 */
function mergeRootFindings(
  a: Analysis,
  of: (root: Analysis) => readonly Finding[],
  roots: readonly AnalysisRoot[] = a.roots,
): Finding[] {
  const seen = new Map<string, { finding: Finding; roots: string[] }>();
  for (const r of roots)
    for (const f of of(r.analysis)) {
      const key = `${f.uri}\u0000${f.code}\u0000${f.span.start}\u0000${f.span.end}\u0000${f.message}`;
      const e = seen.get(key);
      if (e) {
        if (!e.roots.includes(r.name)) e.roots.push(r.name);
      } else seen.set(key, { finding: f, roots: [r.name] });
    }
  const holders = new Map<string, number>();
  const out: Finding[] = [];
  for (const { finding, roots: names } of seen.values()) {
    let n = holders.get(finding.uri);
    if (n === undefined) {
      n = roots.filter((r) => r.analysis.index.file(finding.uri) !== undefined).length;
      holders.set(finding.uri, n);
    }
    out.push(
      names.length < n
        ? {
            ...finding,
            message: `${finding.message} (analysis ${names.length === 1 ? 'root' : 'roots'} ${names.join(', ')})`,
          }
        : finding,
    );
  }
  return out;
}

/** A file a roots plan reads for more than its path: one holding Flux Kustomizations or GitRepositories. */
function readsAsRoot(f: FileFacts): boolean {
  return holdsFluxObjects(f);
}
