/**
 * The reachability view's host side: creates or revives the webview panel, performs the ready
 * handshake, relays the webview's messages to the server's custom requests
 * (`netpolLens/reachability`, `netpolLens/explain`) and pushes a fresh model whenever the server
 * reports an index change (`netpolLens/status`), unsaved buffers included.
 *
 * All computation runs in the server; the webview only renders. Messages are typed by
 * `HostToWebview` / `WebviewToHost` (server/src/protocol/webview.ts).
 */
import * as vscode from 'vscode';
import type {
  ChangesMethod,
  ChangesParams,
  ChangesResult,
  ExplainMethod,
  ExplainParams,
  ExplainResult,
  ReachabilityMethod,
  ReachabilityParams,
  ReachabilityResult,
  SourceLocation,
} from '../../../server/src/protocol/requests';
import type {
  FocusPolicy,
  HostToWebview,
  ViewMode,
  ViewState,
  WebviewToHost,
} from '../../../server/src/protocol/webview';
import type { Server } from '../client';
import { makeNonce, renderHtml } from './html';
import { parseWebviewMessage } from './messages';

const REACHABILITY: typeof ReachabilityMethod = 'netpolLens/reachability';
const EXPLAIN: typeof ExplainMethod = 'netpolLens/explain';
const CHANGES: typeof ChangesMethod = 'netpolLens/changes';

export const VIEW_TYPE = 'netpolLens.reachability';

/** Parses `any`, `80`, `80/TCP`, `53/udp`; undefined when invalid. */
export function parsePort(text: string): { port?: ExplainParams['port'] } | undefined {
  const t = text.trim();
  if (t === '' || t.toLowerCase() === 'any') return {};
  const m = /^(\d{1,5})(?:\s*\/\s*(tcp|udp|sctp))?$/i.exec(t);
  if (!m) return undefined;
  const port = Number(m[1]);
  if (port < 1 || port > 65535) return undefined;
  const protocol = (m[2] ?? 'TCP').toUpperCase() as 'TCP' | 'UDP' | 'SCTP';
  return { port: { port, protocol } };
}

export class ReachabilityPanel implements vscode.Disposable {
  static current: ReachabilityPanel | undefined;
  private static readonly createdEmitter = new vscode.EventEmitter<ReachabilityPanel>();
  /** Fires when a panel is created or revived (tests use it). */
  static readonly onDidCreate = ReachabilityPanel.createdEmitter.event;

  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private readonly queue: HostToWebview[] = [];
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshSeq = 0;
  private pending: vscode.CancellationTokenSource | undefined;
  private hostRequestId = 0;
  private port: string;
  private focusPolicy: FocusPolicy | undefined;
  /** Namespaces chosen in the webview's namespace picker; undefined = the server chooses. */
  private namespaces: string[] | undefined;
  /** The changes mode (against the git base) is on. */
  private mode: ViewMode = 'matrix';
  /** The analysis root chosen in the cluster picker; undefined = the server chooses. */
  private root: string | undefined;
  private lastModel: ReachabilityResult | undefined;
  private lastChanges: ChangesResult | undefined;
  private readonly postedEmitter = new vscode.EventEmitter<HostToWebview>();
  /** Every message sent to the webview (tests observe the view through it). */
  readonly onDidPost = this.postedEmitter.event;
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  readonly onDidBecomeReady = this.readyEmitter.event;

  static createOrShow(
    context: vscode.ExtensionContext,
    server: Server,
    options: { focusPolicy?: FocusPolicy | undefined; mode?: ViewMode } = {},
  ): ReachabilityPanel {
    const column = vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active;
    if (ReachabilityPanel.current) {
      const p = ReachabilityPanel.current;
      p.panel.reveal(undefined, false);
      if (options.mode && options.mode !== p.mode) {
        p.mode = options.mode;
        p.scheduleRefresh(0);
      }
      if (options.focusPolicy !== undefined || p.focusPolicy !== undefined) {
        // A new focus shows its own namespaces (the webview drops its choice on the same condition).
        if (options.focusPolicy !== undefined && !sameFocus(options.focusPolicy, p.focusPolicy))
          p.namespaces = undefined;
        p.focusPolicy = options.focusPolicy;
        p.scheduleRefresh(0);
      }
      return p;
    }
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'Reachability',
      column,
      webviewOptions(context),
    );
    return new ReachabilityPanel(panel, context, server, {
      port: 'any',
      focusPolicy: options.focusPolicy,
      namespaces: undefined,
      mode: options.mode ?? 'matrix',
      root: undefined,
    });
  }

  static revive(
    panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    server: Server,
    state: unknown,
  ): ReachabilityPanel {
    const s = isViewState(state) ? state : undefined;
    panel.webview.options = webviewOptions(context);
    return new ReachabilityPanel(panel, context, server, {
      port: s?.port ?? 'any',
      focusPolicy: s?.focusPolicy,
      namespaces: namespaceList(s?.namespaces),
      mode: s?.mode === 'changes' ? 'changes' : 'matrix',
      root: typeof s?.root === 'string' ? s.root : undefined,
    });
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly server: Server,
    initial: {
      port: string;
      focusPolicy: FocusPolicy | undefined;
      namespaces: string[] | undefined;
      mode: ViewMode;
      root: string | undefined;
    },
  ) {
    ReachabilityPanel.current?.dispose();
    ReachabilityPanel.current = this;
    this.port = initial.port;
    this.focusPolicy = initial.focusPolicy;
    this.namespaces = initial.namespaces;
    this.mode = initial.mode;
    this.root = initial.root;
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    const dist = vscode.Uri.joinPath(context.extensionUri, 'client', 'dist');
    panel.webview.html = renderHtml({
      cspSource: panel.webview.cspSource,
      nonce: makeNonce(),
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false; // its webview is torn down; wait for the next `ready`
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => this.receiveRaw(m)),
      // The server sends a status notification whenever its index changes (edits, files, settings).
      server.onStatus((s) => {
        if (s.state === 'ready') this.scheduleRefresh(50);
      }),
      server.onState((s) => {
        if (s.kind === 'running') this.scheduleRefresh(50);
        if (s.kind === 'failed') this.post({ type: 'error', message: s.message });
      }),
      // Fallback for servers that are slow to report: refresh after typing pauses.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (
          (e.document.languageId === 'yaml' || e.document.languageId === 'json') &&
          e.contentChanges.length > 0
        ) {
          this.scheduleRefresh(700);
        }
      }),
    );
    ReachabilityPanel.createdEmitter.fire(this);
  }

  get isReady(): boolean {
    return this.ready;
  }
  get model(): ReachabilityResult | undefined {
    return this.lastModel;
  }
  /** The namespaces chosen in the picker (sent as `params.namespaces`); undefined = the server chooses. */
  get chosenNamespaces(): readonly string[] | undefined {
    return this.namespaces;
  }
  /** The changes the view shows (or why none: `available: false`). */
  get changes(): ChangesResult | undefined {
    return this.lastChanges;
  }
  get viewMode(): ViewMode {
    return this.mode;
  }

  /**
   * A message as the webview posted it: checked against its type (messages.ts) before anything is
   * done with it; a malformed or unknown one is dropped, and logged in the output channel.
   */
  receiveRaw(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (typeof message === 'string') {
      this.server.output.appendLine(`Reachability view: dropped ${message}.`);
      return;
    }
    this.receive(message);
  }

  /** Handles a message from the webview (public so the editor-level tests can drive the view). */
  receive(message: WebviewToHost): void {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        for (const m of this.queue.splice(0)) this.doPost(m);
        this.readyEmitter.fire();
        this.scheduleRefresh(0);
        break;
      case 'setPort':
        if (parsePort(message.port)) this.port = message.port;
        break;
      case 'explain':
        // fire and forget: explain() posts the answer, or the error, to the view itself
        void this.explain(
          { src: message.src, dst: message.dst, ...(message.port ? { port: message.port } : {}) },
          message.requestId,
        );
        break;
      case 'open':
        // fire and forget: open() reports a failure in a warning itself
        void this.open(message.location);
        break;
      case 'stateChanged':
        if (parsePort(message.state.port)) this.port = message.state.port;
        this.mode = message.state.mode === 'changes' ? 'changes' : 'matrix';
        break;
      case 'clearFocus':
        this.focusPolicy = undefined;
        this.scheduleRefresh(0);
        break;
      case 'setNamespaces': {
        // empty (or nothing valid) = let the server choose again
        const next = namespaceList(message.namespaces);
        if (!sameList(next, this.namespaces)) {
          this.namespaces = next;
          this.scheduleRefresh(0);
        }
        break;
      }
      case 'setMode':
        if (message.mode !== this.mode) {
          this.mode = message.mode;
          this.scheduleRefresh(0);
        }
        break;
      case 'setRoot':
        if (message.root !== this.root) {
          // another cluster has namespaces of its own
          this.root = message.root;
          this.namespaces = undefined;
          this.scheduleRefresh(0);
        }
        break;
      default: {
        const never: never = message;
        void never;
      }
    }
  }

  /** Asks the server for an explanation and shows it; `requestId` < 0 when the host asks. */
  async explain(params: ExplainParams, requestId = --this.hostRequestId): Promise<ExplainResult | undefined> {
    try {
      const explanation = await this.server.request<ExplainResult>(EXPLAIN, params);
      this.post({ type: 'explanation', requestId, explanation });
      return explanation;
    } catch (e) {
      this.post({ type: 'error', message: `Explain failed: ${errorMessage(e)}` });
      return undefined;
    }
  }

  private scheduleRefresh(delayMs: number): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh(); // fire and forget: refresh() posts its errors to the view, and a newer one supersedes it
    }, delayMs);
  }

  /** Fetches the matrix and posts it; stale answers (a newer refresh started) are dropped. */
  async refresh(): Promise<void> {
    // A hidden panel has no live webview (no retainContextWhenHidden); when shown again it reloads
    // from its saved state and sends `ready`, which refreshes.
    if (!this.ready || !this.panel.visible) return;
    const seq = ++this.refreshSeq;
    // a newer refresh supersedes this one: the server stops computing the stale matrix
    this.pending?.cancel();
    this.pending?.dispose();
    const pending = new vscode.CancellationTokenSource();
    this.pending = pending;
    this.post({ type: 'busy', busy: true });
    try {
      const params: ReachabilityParams = {};
      if (this.focusPolicy) params.focusPolicy = this.focusPolicy;
      if (this.namespaces) params.namespaces = [...this.namespaces];
      if (this.root !== undefined) params.root = this.root;
      const model = await this.server.request<ReachabilityResult>(REACHABILITY, params, pending.token);
      if (seq !== this.refreshSeq) return;
      // what changed against the git base, in the root shown (of the focused policy, when focused)
      const cp: ChangesParams = {};
      if (model.root !== undefined) cp.root = model.root;
      if (this.focusPolicy) cp.focusPolicy = this.focusPolicy;
      const changes = await this.server
        .request<ChangesResult>(CHANGES, cp, pending.token)
        .catch((e: unknown): ChangesResult => ({ available: false, reason: errorMessage(e) }));
      if (seq !== this.refreshSeq) return;
      this.lastModel = model;
      this.lastChanges = changes;
      const message: HostToWebview = { type: 'model', model, port: this.port, changes, mode: this.mode };
      if (model.focus) message.focus = model.focus;
      if (this.focusPolicy) message.focusPolicy = this.focusPolicy;
      this.post(message);
    } catch (e) {
      if (seq === this.refreshSeq)
        this.post({ type: 'error', message: `The language server did not answer: ${errorMessage(e)}` });
    } finally {
      if (seq === this.refreshSeq) this.post({ type: 'busy', busy: false });
    }
  }

  private async open(location: SourceLocation): Promise<void> {
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(location.uri, true);
    } catch {
      this.server.output.appendLine(`Reachability view: dropped a link to ${location.uri.slice(0, 200)}.`);
      return;
    }
    // links lead only to the files the workspace holds (or that are open): never elsewhere
    const known =
      vscode.workspace.getWorkspaceFolder(uri) !== undefined ||
      vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
    if (!known) {
      this.server.output.appendLine(
        `Reachability view: dropped a link to ${uri.toString().slice(0, 200)}, which is not a file of the workspace.`,
      );
      return;
    }
    const r = location.range;
    const range = new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
    // Open the policy next to the view, not on top of it.
    const other = vscode.window.visibleTextEditors.find(
      (e) => e.viewColumn !== undefined && e.viewColumn !== this.panel.viewColumn,
    );
    const viewColumn =
      other?.viewColumn ??
      (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
    try {
      const editor = await vscode.window.showTextDocument(uri, {
        selection: range,
        viewColumn,
        preview: false,
      });
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } catch (e) {
      // a notification: its promise settles when the user dismisses it, and nothing waits for that
      void vscode.window.showWarningMessage(`netpol-lens: cannot open ${uri.fsPath}: ${errorMessage(e)}`);
    }
  }

  private post(message: HostToWebview): void {
    if (!this.ready) {
      // Only the latest of each kind matters before the handshake.
      const i = this.queue.findIndex((m) => m.type === message.type && m.type !== 'explanation');
      if (i >= 0) this.queue.splice(i, 1);
      this.queue.push(message);
      return;
    }
    this.doPost(message);
  }

  private doPost(message: HostToWebview): void {
    void this.panel.webview.postMessage(message); // resolves to false once the panel is gone: nothing to do then
    this.postedEmitter.fire(message);
  }

  dispose(): void {
    if (ReachabilityPanel.current === this) ReachabilityPanel.current = undefined;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.pending?.cancel();
    this.pending?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.postedEmitter.dispose();
    this.readyEmitter.dispose();
    this.panel.dispose();
  }

  get extensionUri(): vscode.Uri {
    return this.context.extensionUri;
  }
}

function webviewOptions(
  context: vscode.ExtensionContext,
): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    retainContextWhenHidden: false,
    localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'client', 'dist')],
  };
}

function isViewState(v: unknown): v is ViewState {
  return typeof v === 'object' && v !== null && typeof (v as { port?: unknown }).port === 'string';
}

/** The distinct non-empty strings of `v`, in order; undefined when there are none (or `v` is no array). */
function namespaceList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = [...new Set(v.filter((n): n is string => typeof n === 'string' && n !== ''))];
  return out.length > 0 ? out : undefined;
}

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameFocus(a: FocusPolicy | undefined, b: FocusPolicy | undefined): boolean {
  if (!a || !b) return a === b;
  return a.uri === b.uri && a.name === b.name && a.namespace === b.namespace;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function registerSerializer(context: vscode.ExtensionContext, server: Server): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
    deserializeWebviewPanel(panel, state) {
      ReachabilityPanel.revive(panel, context, server, state);
      return Promise.resolve();
    },
  });
}
