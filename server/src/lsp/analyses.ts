/**
 * Per-folder configuration and analyses. Each workspace folder has its settings and excludes
 * (asked with `workspace/configuration`, or the settings a client pushed); the first folder's
 * settings are the AnalysisHost's, and every other distinct settings in use gets an Analysis of its
 * own over the same index snapshot (cached per snapshot). A file takes the innermost folder's.
 * `netpolLens.defaultNamespace` is read into the index itself, per folder (one index for all);
 * `netpolLens.podProducers` is window-scoped, the host's.
 */
import type { ConfigurationItem } from 'vscode-languageserver/node';
import { Analysis, type AnalysisHost, type FolderNamespace } from '../core/index';
import type { NetpolLensSettings } from '../protocol/settings';
import { defaultScopeConfig, scopeConfig, type Folder, type ScopeConfig } from './config';

/** Where settings come from: the client, asked per scope, or the settings it last pushed. */
export type ConfigSource =
  | { readonly kind: 'ask'; fetch(items: ConfigurationItem[]): Promise<unknown[]> }
  | { readonly kind: 'pushed'; readonly settings: NetpolLensSettings | undefined };

/** One analysis and the files whose diagnostics it gives. */
export interface AnalysisGroup {
  readonly analysis: Analysis;
  owns(uri: string): boolean;
}

export class FolderAnalyses {
  /** Scope configuration per folder URI; `''` is the window (files outside every folder). */
  private configs = new Map<string, ScopeConfig>([['', defaultScopeConfig()]]);
  private hostKey = defaultScopeConfig().key;
  private readonly extra = new WeakMap<Analysis, Map<string, Analysis>>();

  constructor(
    private readonly host: AnalysisHost,
    private readonly folderOf: (uri: string) => Folder | undefined,
    private readonly log: (message: string) => void,
    private readonly error: (message: string, e?: unknown) => void,
  ) {}

  /** Reads the configuration of the window and of every folder; the first folder's settings become the host's. */
  async load(folders: readonly Folder[], source: ConfigSource): Promise<void> {
    const scopes = ['', ...folders.map((f) => f.uri)];
    const next = new Map<string, ScopeConfig>();
    if (source.kind === 'ask') {
      const items = scopes.flatMap((s) => [
        { ...(s ? { scopeUri: s } : {}), section: 'netpolLens' },
        { ...(s ? { scopeUri: s } : {}), section: 'files.exclude' },
      ]);
      let values: unknown[] = [];
      try {
        values = await source.fetch(items);
      } catch (e) {
        this.error('workspace/configuration failed; using the default settings', e);
      }
      scopes.forEach((s, i) => {
        const raw = values[2 * i] as NetpolLensSettings | null | undefined;
        next.set(
          s,
          scopeConfig(raw, values[2 * i + 1], (m) => this.log(m)),
        );
      });
    } else {
      const cfg = source.settings
        ? scopeConfig(source.settings, undefined, (m) => this.log(m))
        : defaultScopeConfig();
      for (const s of scopes) next.set(s, cfg);
    }
    this.configs = next;
    const primary = this.configs.get(folders[0]?.uri ?? '') ?? defaultScopeConfig();
    this.hostKey = primary.key;
    // netpolLens.defaultNamespace is per folder: the index reads each file with its folder's
    // (files outside every folder take the window's), whichever analysis asks
    const defaultNamespaces: FolderNamespace[] = [];
    for (const [scope, cfg] of this.configs)
      defaultNamespaces.push({ folder: scope, namespace: cfg.settings.defaultNamespace ?? '' });
    this.host.setSettings(primary.settings, defaultNamespaces);
    this.prune();
  }

  /** The incremental results kept for settings no folder has any more go (core: `retainSettings`). */
  private prune(): void {
    const inUse = new Set<string>();
    for (const c of this.configs.values()) if (c.key !== this.hostKey) inUse.add(c.key);
    this.host.retainSettings(inUse);
  }

  /** A folder's exclude globs as one string, to tell whether a reload changed them. */
  excludesOf(folderUri: string): string | undefined {
    return this.configs.get(folderUri)?.excludePatterns.join('\n');
  }

  /** A removed folder: its files fall back to the outer folder's (or the window's) configuration. */
  forget(folderUri: string): void {
    this.configs.delete(folderUri);
    this.prune();
  }

  /** The configuration of the innermost folder holding `uri`, else the window's. */
  configFor(uri: string): ScopeConfig {
    const folder = this.folderOf(uri);
    return this.configs.get(folder?.uri ?? '') ?? this.configs.get('') ?? defaultScopeConfig();
  }

  /** The analysis with the settings of the folder holding `uri`, over the snapshot `base`. */
  analysisFor(base: Analysis, uri: string): Analysis {
    const scope = this.configFor(uri);
    return scope.key === this.hostKey ? base : this.analysisWith(base, scope);
  }

  /** One analysis per distinct settings in use, each owning the files of its folders. */
  groups(base: Analysis): AnalysisGroup[] {
    const keys = new Set<string>();
    // one settings everywhere (the usual case): no need to look at every file
    let several = false;
    for (const c of this.configs.values()) if (c.key !== this.hostKey) several = true;
    if (several) for (const uri of base.index.files.keys()) keys.add(this.configFor(uri).key);
    keys.add(this.hostKey);
    return [...keys].map((key) => ({
      analysis: key === this.hostKey ? base : this.analysisWith(base, this.scopeByKey(key)),
      owns: (uri: string) => this.configFor(uri).key === key,
    }));
  }

  private scopeByKey(key: string): ScopeConfig {
    for (const c of this.configs.values()) if (c.key === key) return c;
    return defaultScopeConfig();
  }

  private analysisWith(base: Analysis, scope: ScopeConfig): Analysis {
    let m = this.extra.get(base);
    if (!m) {
      m = new Map();
      this.extra.set(base, m);
    }
    let a = m.get(scope.key);
    if (!a) {
      a = base.withSettings(scope.settings, scope.key);
      m.set(scope.key, a);
    }
    return a;
  }
}
