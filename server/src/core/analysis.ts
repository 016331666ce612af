/**
 * The façade of the core: `AnalysisHost` takes file changes and settings and hands out immutable
 * `Analysis` snapshots that answer every query (rust-analyzer's AnalysisHost/Analysis). No IO.
 */
import type { FileChange } from './index/change';
import { WorkspaceIndex } from './index/workspace-index';
import type { Finding } from './model/finding';
import type { Protocol } from './model/types';
import { runChecks } from './checks/registry';
import { PolicyEngine } from './semantics/engine';
import { computeReachability, reachabilityRows, type ReachEntry, type ReachQuery } from './semantics/matrix';
import type { Endpoint } from './semantics/compile';
import { explainConnection, type Explanation } from './semantics/explain';
import { DEFAULT_SETTINGS, type Settings } from './settings';
import type { LineIndex } from './text/line-index';
import type { ParseOptions } from './yaml/parse';
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

  constructor(options: ParseOptions = {}) {
    this.index = WorkspaceIndex.empty(options);
  }

  applyChanges(changes: readonly FileChange[]): void {
    if (changes.length === 0) return;
    this.index = this.index.applyChanges(changes);
    this.current = undefined;
  }

  setSettings(settings: Settings): void {
    this.settings = settings;
    this.current = undefined;
  }

  snapshot(): Analysis {
    return (this.current ??= new Analysis(this.index, this.settings));
  }
}

export type ExplainOutcome =
  { readonly ok: true; readonly explanation: Explanation } | { readonly ok: false; readonly error: string };

export class Analysis {
  private engineCache: PolicyEngine | undefined;
  private findingsCache: Finding[] | undefined;
  private byUri: Map<string, Finding[]> | undefined;
  private readonly fileScoped = new Map<string, readonly Finding[]>();

  constructor(
    readonly index: WorkspaceIndex,
    readonly settings: Settings,
  ) {}

  get engine(): PolicyEngine {
    return (this.engineCache ??= new PolicyEngine(this.index));
  }

  /** Every finding of the workspace, severities as configured. */
  findings(): readonly Finding[] {
    return (this.findingsCache ??= runChecks({
      index: this.index,
      engine: this.engine,
      settings: this.settings,
    }));
  }

  /** Findings located in one file. */
  findingsFor(uri: string): readonly Finding[] {
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
   * indexed yet. The same as the file-scoped part of `findingsFor(uri)`.
   */
  fileFindings(uri: string): readonly Finding[] {
    let out = this.fileScoped.get(uri);
    if (!out) {
      const index = this.index.only([uri]);
      out = runChecks({ index, engine: new PolicyEngine(index), settings: this.settings }, 'file');
      this.fileScoped.set(uri, out);
    }
    return out;
  }

  lineIndex(uri: string): LineIndex | undefined {
    return this.index.lineIndex(uri);
  }

  reachability(q: ReachQuery = {}): {
    endpoints: Endpoint[];
    entries: ReachEntry[];
    sources: Endpoint[];
    destinations: Endpoint[];
  } {
    return computeReachability(this.engine, q);
  }

  /** The listing row by row (one source at a time), for adapters that must stay responsive. */
  reachabilityRows(q: ReachQuery = {}): {
    endpoints: Endpoint[];
    total: number;
    rows: Generator<ReachEntry[]>;
  } {
    return reachabilityRows(this.engine, q);
  }

  /** The reachability view's model: namespaces shown, endpoints, rows, focus and counts. */
  reachabilityView(q: ReachViewQuery): ReachView {
    return reachabilityView(this.index, this.engine, q);
  }

  /** Policies, workloads, namespaces and manifest files of the workspace. */
  counts(): ReachViewCounts {
    return workspaceCounts(this.index);
  }

  explain(srcId: string, dstId: string, port?: { port: number; protocol: Protocol }): ExplainOutcome {
    const src = this.engine.endpoint(srcId);
    const dst = this.engine.endpoint(dstId);
    if (!src) return { ok: false, error: this.engine.unresolvedEndpoint(srcId) };
    if (!dst) return { ok: false, error: this.engine.unresolvedEndpoint(dstId) };
    return { ok: true, explanation: explainConnection(this.engine, src, dst, port) };
  }

  // ---------- editor features (features/*): plain data, UTF-16 offsets ----------

  /** With `indexing` (the workspace is still being indexed), the parts that depend on other files say so. */
  hover(uri: string, offset: number, opts: FeatureOptions = {}): CoreHover | undefined {
    return hover(this.featureContext(opts), uri, offset);
  }

  /** With `indexing`, "selects N pods" gives the indexing progress instead. */
  codeLenses(uri: string, opts: FeatureOptions = {}): CoreCodeLens[] {
    return codeLenses(this.featureContext(opts), uri);
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
    return completions(this, uri, offset);
  }

  definition(uri: string, offset: number): SourceRef[] {
    return definition(this, uri, offset);
  }

  references(uri: string, offset: number): SourceRef[] {
    return references(this, uri, offset);
  }

  symbols(uri: string): CoreSymbol[] {
    return symbols(this, uri);
  }

  /** The NetworkPolicy whose manifest holds the offset (the innermost, for List items). */
  policyAt(uri: string, offset: number): { readonly name: string; readonly namespace: string } | undefined {
    const p = policyAt(this.index, uri, offset);
    return p ? { name: p.name.value, namespace: p.namespace } : undefined;
  }

  // ---------- fixes (fixes/fix.ts) ----------

  /** The edits that apply a fix of a finding in `uri` (a FixSpec from `findings()` or `sourceFixes`); empty when it no longer applies. */
  fixEdits(uri: string, fix: FixSpec): CoreEdit[] {
    return computeFix(this.index, uri, fix);
  }

  /** Source actions for a file ("Generate default-deny policy for namespace …"), applied with `fixEdits`. */
  sourceFixes(uri: string): FixSpec[] {
    return sourceFixes(this.index, uri);
  }
}
