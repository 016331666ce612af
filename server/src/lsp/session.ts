/**
 * One language-server session: the open buffers, the AnalysisHost, the disk workspace, the
 * per-folder configuration and the scheduler, wired to the connection. Handlers live in
 * handlers/*; they see the session through the small `ServerContext` surface below.
 */
import {
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocuments,
  TextDocumentSyncKind,
  WatchKind,
  type Connection,
  type Disposable,
  type FileSystemWatcher,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  AnalysisHost,
  FileTally,
  isManifestPath,
  MANIFEST_GLOB,
  type Analysis,
  type BuildInputs,
  tooLargeChange,
  type FileChange,
  type FileFacts,
  type IndexingProgress,
} from '../core/index';
import {
  GitMethod,
  StatusNotification,
  WorkspaceTrustedNotification,
  type InitializationOptions,
  type StatusParams,
} from '../protocol/requests';
import {
  ResumeIndexingNotification,
  StatsRequest,
  type ServerStats,
  type TestHooks,
} from '../protocol/testing';
import type { NetpolLensSettings } from '../protocol/settings';
import { readClientCaps, type ClientCaps, type ServerContext } from './context';
import { FolderAnalyses } from './analyses';
import { Bases, type BaseSnapshot } from './base';
import { EditorGit } from './git-editor';
import { relativePath, type Folder, type ScopeConfig } from './config';
import { DiagnosticsPublisher } from './handlers/diagnostics';
import { registerFeatureHandlers, featureCapabilities } from './handlers/register';
import { matrixTiming } from './handlers/custom';
import { Scheduler } from './scheduler';
import { KustomizeRenderer } from './kustomize';
import { canonicalUri, corePath, inputWatchGlobs, uriOfCorePath } from './uri';
import { DiskWorkspace } from './workspace';
import { WarmCache } from './warm-cache';

/** Requests the client cancelled before they ran (main.ts answers them without running them). */
export const cancelledBeforeRun = { count: 0 };

export const SERVER_NAME = 'netpol-lens';
export const SERVER_VERSION = '0.1.0';

export class Session implements ServerContext {
  readonly documents = new TextDocuments(TextDocument);
  private readonly host = new AnalysisHost({}, true);
  readonly scheduler: Scheduler;
  private readonly disk: DiskWorkspace;
  private readonly publisher: DiagnosticsPublisher;
  /** The status item's file counts, kept from the files that changed. */
  private readonly tally = new FileTally();
  caps: ClientCaps = readClientCaps({});
  /** canonical URI → the client's spelling, for open buffers. */
  private readonly open = new Map<string, string>();
  private readonly analyses: FolderAnalyses;
  readonly bases: Bases;
  private configReady = false;
  /** Settings pushed with didChangeConfiguration by a client that cannot be asked. */
  private pushed: NetpolLensSettings | undefined;
  /**
   * The first scan of the workspace is complete. Until then the index holds only some files, so
   * diagnostics give only the findings that need no other file (`Analysis.fileFindings`) and
   * hovers and code lenses say "indexing" where their answer needs other files.
   */
  private indexed = false;
  private indexing: IndexingProgress | undefined;
  private lastStatus = '';
  private scanChain: Promise<void> = Promise.resolve();
  private shuttingDown = false;
  /** The editor trusts the workspace (protocol `InitializationOptions`): git may run there. */
  private trusted = true;
  /** `netpolLens.kustomize.render`: the user's kustomize, in a trusted workspace only (lsp/kustomize.ts). */
  private readonly renderer: KustomizeRenderer;
  /** Where the facts cache may live (`InitializationOptions.cacheDir`), and the cache when on. */
  private cacheDir: string | undefined;
  private warm: WarmCache | undefined;
  /** The files of the last scan whose facts came from the cache (the status's `fromCache`). */
  private fromCache = 0;

  constructor(readonly connection: Connection) {
    this.scheduler = new Scheduler(this.host, () => this.runDiagnostics(), {
      onError: (e) => this.error('The diagnostics pass failed', e),
    });
    this.disk = new DiskWorkspace({
      isOpen: (uri) => this.open.has(uri),
      configFor: (uri) => this.configFor(uri),
      apply: (changes, facts) => this.applyDiskChanges(changes, facts),
      cache: () => this.warm,
      log: (m) => this.log(m),
    });
    this.publisher = new DiagnosticsPublisher(this);
    this.bases = new Bases({
      trusted: () => this.trusted,
      folders: () => this.disk.folders,
      refOf: (folderUri) => this.analyses.configFor(folderUri).diffBase,
      openUris: () => [...this.open.keys()],
      indexable: (uri) => isManifestPath(uri) && this.disk.wants(uri),
      limitOf: (uri) => this.disk.limitOf(uri),
      snapshot: () => this.scheduler.snapshot(),
    });
    this.analyses = new FolderAnalyses(
      this.host,
      (uri) => this.disk.folderOf(uri),
      (m) => this.log(m),
      (m, e) => this.error(m, e),
    );
    this.renderer = new KustomizeRenderer({
      trusted: () => this.trusted,
      snapshot: () => this.scheduler.snapshot(),
      setRenders: (renders) => {
        this.host.setRenders(renders);
        this.scheduler.request(0);
      },
      shown: (dir) => {
        for (const f of this.disk.folders) {
          const rel = relativePath(canonicalUri(f.uri), uriOfCorePath(dir));
          if (rel !== undefined) return rel || '.';
        }
        return dir;
      },
      log: (m) => this.log(m),
      watch: (inputs) => this.watchInputs(inputs),
    });
  }

  /** The registration of the watchers of the builds' inputs (`watchInputs`), while there is one. */
  private inputWatchers: Promise<Disposable | undefined> = Promise.resolve(undefined);

  /**
   * Asks the client to report changes of the kustomize builds' inputs: every file under their
   * kustomizations' folders (a `.env`, a patch of any name) and the files they name, replacing
   * the watchers asked before. Creations and deletions of any path are watched already.
   */
  private watchInputs(inputs: BuildInputs): void {
    if (!this.caps.watchedFilesDynamic) return;
    // core paths (lsp/uri.ts): a base URI, or the native path with `/` (`c:/Users/…` on Windows)
    const watchers: FileSystemWatcher[] = inputWatchGlobs(inputs, this.caps.watchedFilesRelative).map(
      (globPattern) => ({ globPattern, kind: WatchKind.Change }),
    );
    const before = this.inputWatchers;
    this.inputWatchers = (async () => {
      (await before)?.dispose();
      if (watchers.length === 0 || this.shuttingDown) return undefined;
      return this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers });
    })().catch((e) => {
      this.error('Registering the watchers of the kustomize inputs failed', e);
      return undefined;
    });
  }

  listen(): void {
    const c = this.connection;
    c.onInitialize((p) => this.initialize(p));
    c.onInitialized(() => void this.initialized().catch((e) => this.error('Initialization failed', e)));
    c.onShutdown(() => {
      this.shuttingDown = true;
      this.disk.cancel();
      this.scheduler.dispose();
      // what changed on disk since the cache was last written (debounced) is written now
      try {
        this.warm?.flush();
      } catch (e) {
        this.error('Writing the facts cache failed', e);
      }
    });
    c.onDidChangeConfiguration((p) => {
      // clients without workspace/configuration push the settings instead (`settings.netpolLens`)
      const pushed = (p?.settings as { netpolLens?: unknown } | null | undefined)?.netpolLens;
      if (!this.caps.configuration && pushed && typeof pushed === 'object') this.pushed = pushed;
      void this.reloadConfig().catch((e) => this.error('Reading the configuration failed', e));
    });
    c.onDidChangeWatchedFiles((p) => {
      // an input of a kustomize build (a .env, a patch of any name) changed: build again
      const inputs = this.renderer.filesChanged(
        p.changes.flatMap((ev) => {
          const path = corePath(ev.uri); // the form of the builds' inputs, whatever the URI's spelling
          return path === undefined ? [] : [{ path, structural: ev.type !== FileChangeType.Changed }];
        }),
      );
      void this.disk
        .onWatchedFiles(p.changes)
        .then(() => {
          if (inputs && this.indexed) this.renderer.update();
        })
        .catch((e) => this.error('Handling file changes failed', e));
    });
    this.documents.onDidChangeContent((e) => this.guard('didChange', () => this.onBuffer(e.document)));
    this.documents.onDidClose((e) => this.guard('didClose', () => this.onClosed(e.document)));
    registerFeatureHandlers(this);
    this.documents.listen(c);
    c.listen();
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  private initialize(params: InitializeParams): InitializeResult {
    this.caps = readClientCaps(params.capabilities);
    this.installTestHooks(params.initializationOptions);
    const opts = params.initializationOptions as InitializationOptions | null | undefined;
    if (opts && typeof opts === 'object' && typeof opts.cacheDir === 'string' && opts.cacheDir.trim() !== '')
      this.cacheDir = opts.cacheDir;
    if (opts && typeof opts === 'object' && opts.workspaceTrusted === false) {
      this.trusted = false;
      this.connection.onNotification(WorkspaceTrustedNotification, () => {
        this.trusted = true;
        this.bases.reset();
        if (this.indexed) this.renderer.update();
        this.refreshCodeLenses();
      });
    }
    if (opts && typeof opts === 'object' && opts.gitExtension === true)
      // the base through VS Code's git extension (git-editor.ts), the command line where it cannot answer
      this.bases.useGit(
        new EditorGit(
          (p) => this.connection.sendRequest(GitMethod, p),
          undefined,
          undefined,
          (m) => this.log(m),
        ),
      );
    const folders: Folder[] =
      params.workspaceFolders?.map((f) => ({ uri: f.uri, name: f.name })) ??
      (params.rootUri ? [{ uri: params.rootUri, name: params.rootUri.split('/').pop() ?? 'root' }] : []);
    this.disk.setFolders(folders);
    const capabilities: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      ...featureCapabilities(this.caps),
    };
    return { capabilities, serverInfo: { name: SERVER_NAME, version: SERVER_VERSION } };
  }

  /** protocol/testing.ts: only when the client asks in initializationOptions (protocol tests). */
  private installTestHooks(options: unknown): void {
    const hooks = (options as { testHooks?: TestHooks } | null | undefined)?.testHooks;
    if (!hooks || typeof hooks !== 'object') return;
    if (typeof hooks.pauseIndexingAt === 'number') {
      this.disk.pauseFirstScanAt(hooks.pauseIndexingAt);
      this.connection.onNotification(ResumeIndexingNotification, () => this.disk.resume());
      this.log(
        `Test hook: the first scan pauses after ${hooks.pauseIndexingAt} files until ${ResumeIndexingNotification}.`,
      );
    }
    if (hooks.stats === true) this.connection.onRequest(StatsRequest, () => this.stats());
    if (typeof hooks.matrixSliceMs === 'number' && hooks.matrixSliceMs >= 0)
      matrixTiming.sliceMs = hooks.matrixSliceMs;
  }

  /** The counters of the `stats` test hook (protocol/testing.ts). */
  private stats(): ServerStats {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) gc();
    const mem = process.memoryUsage();
    const last = this.host.snapshot().findingsStats();
    return {
      indexChanges: this.scheduler.counts.applied,
      passes: this.scheduler.counts.passes,
      lastPass: last,
      queued: this.scheduler.queued,
      cancelled: cancelledBeforeRun.count,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      heapTotalBytes: mem.heapTotal,
      externalBytes: mem.external,
      ...this.host.storeSizes(),
      files: this.host.snapshot().index.files.size,
      published: this.publisher.size,
      tallied: this.tally.size,
      tracked: this.disk.tracked.size,
      reading: this.disk.reading,
    };
  }

  private async initialized(): Promise<void> {
    const c = this.connection;
    if (this.caps.configurationDynamic) {
      void c.client
        .register(DidChangeConfigurationNotification.type, { section: ['netpolLens', 'files.exclude'] })
        .catch((e) => this.error('Registering for configuration changes failed', e));
    }
    if (this.caps.watchedFilesDynamic) {
      void c.client
        .register(DidChangeWatchedFilesNotification.type, {
          watchers: [
            { globPattern: MANIFEST_GLOB, kind: WatchKind.Create | WatchKind.Change | WatchKind.Delete },
            // any path: a deleted or moved folder is reported once, for the folder, not per file
            { globPattern: '**/*', kind: WatchKind.Create | WatchKind.Delete },
          ],
        })
        .catch((e) => this.error('Registering file watchers failed', e));
    }
    if (this.caps.workspaceFolders) {
      try {
        c.workspace.onDidChangeWorkspaceFolders(
          (e) =>
            void this.foldersChanged(e.added, e.removed).catch((err) =>
              this.error('Handling workspace folder changes failed', err),
            ),
        );
      } catch (e) {
        this.error('Listening to workspace folder changes failed', e);
      }
    }
    this.indexing = { done: 0, total: 0 };
    await this.loadConfig();
    this.configReady = true;
    this.scheduler.request(0); // open buffers first
    await this.indexFolders(this.disk.folders);
  }

  // ---- indexing -------------------------------------------------------------------------------

  /** Scans run one after the other: a folder added (or an exclude changed) during a scan waits for it. */
  private indexFolders(folders: readonly Folder[], reread = false): Promise<void> {
    const run = this.scanChain.then(() => this.scanFolders(folders, reread));
    this.scanChain = run.catch((e) => this.error('Indexing failed', e));
    return run;
  }

  /** `reread`: read every file again, those already in the index too (the size limit changed). */
  private async scanFolders(folders: readonly Folder[], reread = false): Promise<void> {
    if (this.shuttingDown) return;
    const reporter = await this.connection.window.createWorkDoneProgress().catch((e) => {
      this.error('Creating a progress report failed', e);
      return undefined;
    });
    const started = Date.now();
    this.indexing = { done: 0, total: 0 };
    this.warm?.startScan();
    this.fromCache = 0;
    reporter?.begin(
      'netpol-lens: indexing manifests',
      0,
      `Scanning ${folders.length} workspace folder${folders.length === 1 ? '' : 's'}`,
      false,
    );
    this.sendStatus(true);
    let lastReport = 0;
    let lastStatus = 0;
    let rolesSeen = false;
    let result: { files: number; cancelled: boolean };
    try {
      result = await this.disk.scan(
        (done, total, paused) => {
          this.indexing = { done, total };
          // the kustomization files are read (they come first; none at all: at once): the open
          // buffers' findings that need only their file may come now (the roles of files are
          // known), not only at the end of the scan. Before, a buffer opened with the workspace got
          // its parse problems only until the whole index was read (8 s on the large bench).
          // Only on the first index: a later scan (a folder added) publishes at its end, as every
          // pass over a half-read folder would read it as the workspace.
          if (!rolesSeen && this.disk.rolesKnown()) {
            rolesSeen = true;
            if (!this.indexed && this.open.size > 0) this.scheduler.request(0);
          }
          this.fromCache = this.warm?.counts.cached ?? 0;
          const now = Date.now();
          if (paused) lastStatus = 0; // a test waits for this count
          if (done === 0 || done === total || now - lastReport > 100) {
            lastReport = now;
            const cached = this.fromCache ? ` (${this.fromCache} from the cache)` : '';
            reporter?.report(
              total === 0 ? 100 : Math.floor((done / total) * 100),
              `${done}/${total} files${cached}`,
            );
          }
          // the status counts derive the whole index: once a second is plenty while it grows
          if (done === 0 || done === total || now - lastStatus > 1000) {
            lastStatus = now;
            this.sendStatus(true);
          }
        },
        folders,
        reread,
      );
    } finally {
      reporter?.done();
    }
    this.indexing = undefined;
    if (result.cancelled) return; // shutting down
    this.indexed = true;
    const cached = this.warm
      ? `: ${this.warm.counts.cached} from the facts cache, ${this.warm.counts.read} read`
      : '';
    this.log(
      `Indexed ${result.files} file${result.files === 1 ? '' : 's'} in ${Date.now() - started} ms${cached}.`,
    );
    this.warm?.scanned();
    // the log line and the last progress reach the client before the long first pass
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.shuttingDown) return;
    // every file's findings, the workspace-dependent ones included (open files too)
    this.scheduler.runNow();
    // lenses asked during indexing said "indexing: …"
    this.refreshCodeLenses();
  }

  private refreshCodeLenses(): void {
    if (!this.caps.codeLensRefresh) return;
    void this.connection
      .sendRequest('workspace/codeLens/refresh')
      .catch((e) => this.error('Refreshing code lenses failed', e));
  }

  private applyDiskChanges(changes: FileChange[], facts?: FileFacts[]): void {
    this.scheduler.applyNow(changes, facts);
    // while a scan runs, its end runs the pass: no pass per batch over a half-read folder
    if (this.indexed && !this.indexing) this.scheduler.request();
  }

  private async foldersChanged(
    added: readonly WorkspaceFolder[],
    removed: readonly WorkspaceFolder[],
  ): Promise<void> {
    this.bases.reset();
    if (removed.length > 0) {
      this.disk.removeFolders(removed);
      for (const f of removed) this.analyses.forget(canonicalUri(f.uri).replace(/\/+$/, ''));
      this.scheduler.request();
    }
    const fresh = this.disk.addFolders(added);
    if (fresh.length > 0) {
      await this.loadConfig();
      await this.indexFolders(fresh);
    }
    this.syncOpenBuffers();
  }

  // ---- configuration --------------------------------------------------------------------------

  private async loadConfig(): Promise<void> {
    const read = this.host.readOptions;
    await this.analyses.load(
      this.disk.folders,
      this.caps.configuration
        ? { kind: 'ask', fetch: (items) => this.connection.workspace.getConfiguration(items) }
        : { kind: 'pushed', settings: this.pushed },
    );
    // settings that read every file again (default namespaces, pod producers): count them all
    const reread = this.host.readOptions !== read;
    if (reread) this.tally.reset();
    this.configureCache(reread);
  }

  /**
   * The facts cache on (a storage folder given, `netpolLens.cache.enabled` not false) or off;
   * `reread`: the reading options changed, every file was lowered again.
   */
  private configureCache(reread: boolean): void {
    const enabled = this.cacheDir !== undefined && this.analyses.configFor('').cacheEnabled;
    if (!enabled || !this.cacheDir) {
      if (this.warm) this.log('The facts cache is off (netpolLens.cache.enabled).');
      this.warm?.dispose();
      this.warm = undefined;
      return;
    }
    if (this.warm) {
      if (reread) this.warm.optionsChanged();
      return;
    }
    this.warm = new WarmCache(this.cacheDir, {
      factsOf: (uri) => this.host.fileFacts(uri),
      isOpen: (uri) => this.open.has(uri),
      optionsKey: () => JSON.stringify(this.host.readOptions),
      limitOf: (uri) => this.disk.limitOf(uri),
      log: (m) => this.log(m),
    });
    this.warm.load();
  }

  private async reloadConfig(): Promise<void> {
    if (!this.configReady) return;
    const before = new Map(this.disk.folders.map((f) => [f.uri, this.analyses.excludesOf(f.uri)]));
    const limits = new Map(this.disk.folders.map((f) => [f.uri, this.disk.limitOf(f.uri)]));
    await this.loadConfig();
    const rescan = this.disk.folders.filter((f) => before.get(f.uri) !== this.analyses.excludesOf(f.uri));
    // a new size limit: every file of the folder is read again (one above the old limit was not read)
    const reread = this.disk.folders.filter((f) => limits.get(f.uri) !== this.disk.limitOf(f.uri));
    this.syncOpenBuffers();
    // open buffers are held to the (new) size limit too
    if (reread.length > 0)
      for (const doc of this.documents.all()) if (this.open.has(canonicalUri(doc.uri))) this.onBuffer(doc);
    this.scheduler.request(0);
    if (reread.length > 0) await this.indexFolders(reread, true);
    const others = rescan.filter((f) => !reread.includes(f));
    if (others.length > 0) await this.indexFolders(others);
  }

  /** The configuration of the innermost folder holding `uri`, else the window's. */
  configFor(uri: string): ScopeConfig {
    return this.analyses.configFor(uri);
  }

  // ---- open buffers ---------------------------------------------------------------------------

  private isCandidate(doc: TextDocument, uri: string): boolean {
    const lang = doc.languageId.toLowerCase();
    return (
      (isManifestPath(uri) || ['yaml', 'json', 'jsonc', 'helm', 'dockercompose'].includes(lang)) &&
      !this.disk.isExcluded(uri)
    );
  }

  private onBuffer(doc: TextDocument): void {
    const uri = canonicalUri(doc.uri);
    if (!this.isCandidate(doc, uri)) {
      // no longer ours (language changed, excluded): the disk version, if any, takes over
      if (this.open.delete(uri)) this.readBack(uri);
      return;
    }
    this.open.set(uri, doc.uri);
    const text = doc.getText();
    // an open buffer is held to the size limit too (in characters), as its file on disk would be
    this.scheduler.edit(
      tooLargeChange(uri, text, text.length, this.disk.limitOf(uri), doc.version) ?? {
        uri,
        text,
        version: doc.version,
      },
    );
  }

  private onClosed(doc: TextDocument): void {
    const uri = canonicalUri(doc.uri);
    if (!this.open.delete(uri)) return;
    this.readBack(uri);
  }

  /** A buffer no longer ours: the disk's version of the file takes over. */
  private readBack(uri: string): void {
    try {
      this.disk.onClosed(uri);
    } catch (e) {
      this.error(`Reading ${uri} back from disk failed`, e);
    }
  }

  /** After an exclude change: buffers that became excluded leave the index, and the other way round. */
  private syncOpenBuffers(): void {
    for (const doc of this.documents.all()) {
      const uri = canonicalUri(doc.uri);
      const wanted = this.isCandidate(doc, uri);
      if (wanted && !this.open.has(uri)) this.onBuffer(doc);
      else if (!wanted && this.open.has(uri)) this.onBuffer(doc);
    }
  }

  // ---- diagnostics and status -----------------------------------------------------------------

  private runDiagnostics(): void {
    if (!this.configReady || this.shuttingDown) return;
    this.publisher.publish({
      scope: this.indexed ? 'workspace' : 'file',
      groups: this.analyses.groups(this.scheduler.snapshot()),
      failures: [...this.disk.failures.values()],
      rolesKnown: this.disk.rolesKnown(),
    });
    this.sendStatus(false);
    // kustomize roots to render (opt-in, trusted only): their builds come back as a new pass
    if (this.indexed) this.renderer.update();
  }

  analysisFor(uri: string): Analysis {
    return this.analyses.analysisFor(this.scheduler.snapshot(), uri);
  }

  snapshot(): Analysis {
    return this.scheduler.snapshot();
  }

  base(): Promise<BaseSnapshot> {
    return this.bases.snapshot();
  }

  indexingProgress(): IndexingProgress | undefined {
    return this.indexing ?? (this.indexed ? undefined : { done: 0, total: 0 });
  }

  private sendStatus(force: boolean): void {
    if (this.shuttingDown) return;
    const a = this.scheduler.snapshot();
    // kept from the files that changed since the last status, not recounted over the workspace
    this.tally.update(a.index.files, this.scheduler.takeChanged());
    const status: StatusParams = {
      state: this.indexing ? 'indexing' : 'ready',
      ...(this.indexing ? { done: this.indexing.done, total: this.indexing.total } : {}),
      counts: { ...a.counts(this.tally.filesWithResources) },
      problems: this.disk.failures.size + this.tally.filesNotRead,
      findings: this.indexed ? 'all' : 'file',
      ...(this.fromCache > 0 ? { fromCache: this.fromCache } : {}),
    };
    const key = JSON.stringify(status);
    if (!force && key === this.lastStatus) return;
    this.lastStatus = key;
    void this.connection.sendNotification(StatusNotification, status).catch(() => undefined);
  }

  // ---- ServerContext --------------------------------------------------------------------------

  canonical(uri: string): string {
    return canonicalUri(uri);
  }

  clientUri(uri: string): string {
    return this.open.get(uri) ?? uri;
  }

  isOpen(uri: string): boolean {
    return this.open.has(uri);
  }

  openUris(): Iterable<string> {
    return this.open.keys();
  }

  hasPending(uri: string): boolean {
    return this.scheduler.hasPending(uri);
  }

  versionOf(uri: string): number | null {
    const client = this.open.get(uri);
    return client ? (this.documents.get(client)?.version ?? null) : null;
  }

  log(message: string): void {
    if (this.shuttingDown) return;
    this.connection.console.log(message);
  }

  error(message: string, e?: unknown): void {
    const detail = describeError(e);
    try {
      this.connection.console.error(detail ? `${message}: ${detail}` : message);
    } catch {
      /* the connection is gone */
    }
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.error(`${what} failed`, e);
    }
  }
}

/** What went wrong, for the log: an Error's message and stack; anything else as JSON (or its type). */
function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.message}\n${e.stack ?? ''}`;
  if (e === undefined) return '';
  if (typeof e === 'string') return e;
  try {
    return JSON.stringify(e) ?? typeof e; // undefined for a function or a symbol
  } catch {
    return typeof e; // a bigint, or a cycle
  }
}
