/**
 * The language client's lifecycle: start (lazily, when a Kubernetes manifest is open or a command
 * needs the server), restart on crash with a quiet but visible error, and a small typed surface
 * (`request`, `onStatus`, `onState`) for the rest of the extension. The server is
 * `server/dist/server.js` of this extension, over node IPC.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type CloseHandlerResult,
  type ErrorHandler,
  type ErrorHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type {
  GitMethod,
  GitParams,
  InitializationOptions,
  StatusParams,
  StatusNotification,
  WorkspaceTrustedNotification,
} from '../../server/src/protocol/requests';
import { readSettings, SECTION } from './config';
import { answerGit, hasGitExtension } from './git';

const STATUS_METHOD: typeof StatusNotification = 'netpolLens/status';
const TRUSTED_METHOD: typeof WorkspaceTrustedNotification = 'netpolLens/workspaceTrusted';
const GIT_METHOD: typeof GitMethod = 'netpolLens/git';
const CRASH_WINDOW_MS = 3 * 60 * 1000;
const MAX_CRASHES = 5;

export type ServerState =
  | { kind: 'stopped' }
  | { kind: 'starting' }
  | { kind: 'running'; restartedAfterCrash: boolean }
  | { kind: 'failed'; message: string };

/**
 * Client-side commands the server may put in code lenses and hovers; announced in the client
 * capabilities as `experimental.commands.commands` (rust-analyzer's convention), so the server
 * leaves a lens inert rather than pointing it at a command this client lacks.
 */
export const CLIENT_COMMANDS = [
  'netpolLens.showReachability',
  'netpolLens.explainConnection',
  'netpolLens.showReferences',
];

export const DOCUMENT_SELECTOR = [
  { scheme: 'file', language: 'yaml' },
  { scheme: 'untitled', language: 'yaml' },
  { scheme: 'file', language: 'json' },
  { scheme: 'untitled', language: 'json' },
  // kustomize's extensionless kustomization file (core KUSTOMIZATION_FILE_NAMES), whatever language it opens in
  { scheme: 'file', pattern: '**/Kustomization' },
];

export class Server implements vscode.Disposable {
  readonly output: vscode.OutputChannel;
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient> | undefined;
  private crashes: number[] = [];
  private crashed = false;
  private _state: ServerState = { kind: 'stopped' };
  private _status: StatusParams | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<ServerState>();
  private readonly statusEmitter = new vscode.EventEmitter<StatusParams>();
  /** Fires on every `netpolLens/status` notification (index changes, indexing progress). */
  readonly onStatus = this.statusEmitter.event;
  readonly onState = this.stateEmitter.event;

  constructor(private readonly context: vscode.ExtensionContext) {
    this.output = vscode.window.createOutputChannel('netpol-lens');
    // a server started in restricted mode may compare with git from now on
    context.subscriptions.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => {
        if (this.client?.isRunning())
          void this.client.sendNotification(TRUSTED_METHOD).catch(() => undefined);
      }),
    );
  }

  get state(): ServerState {
    return this._state;
  }
  get status(): StatusParams | undefined {
    return this._status;
  }
  get isRunning(): boolean {
    return this.client?.isRunning() ?? false;
  }

  private setState(state: ServerState): void {
    this._state = state;
    this.stateEmitter.fire(state);
  }

  /** Starts the server if needed; resolves once it is initialized. */
  ensureStarted(): Promise<LanguageClient> {
    if (this.client?.isRunning()) return Promise.resolve(this.client);
    if (!this.starting) {
      this.starting = this.start().finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private async start(): Promise<LanguageClient> {
    const module = this.context.asAbsolutePath('server/dist/server.js');
    if (!fs.existsSync(module)) {
      const message = `The language server bundle is missing (${module}). Build it with "npm run build".`;
      this.output.appendLine(message);
      this.setState({ kind: 'failed', message });
      throw new Error(message);
    }
    this.setState({ kind: 'starting' });
    if (!this.client) this.client = this.createClient(module);
    try {
      await this.client.start();
    } catch (e) {
      const message = `The language server failed to start: ${e instanceof Error ? e.message : String(e)}`;
      this.output.appendLine(message);
      this.setState({ kind: 'failed', message });
      throw e;
    }
    this.setState({ kind: 'running', restartedAfterCrash: false });
    return this.client;
  }

  private createClient(module: string): LanguageClient {
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      diagnosticCollectionName: 'netpol-lens',
      // no git in an untrusted workspace until trust is granted (protocol InitializationOptions)
      // and git through VS Code's git extension when it is installed (git.ts answers netpolLens/git)
      // the facts cache (a warm start) in the workspace's storage folder, the global one without a folder
      initializationOptions: (): InitializationOptions => ({
        workspaceTrusted: vscode.workspace.isTrusted,
        gitExtension: hasGitExtension(),
        cacheDir: (this.context.storageUri ?? this.context.globalStorageUri).fsPath,
      }),
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      synchronize: {
        configurationSection: SECTION,
        // the server's MANIFEST_GLOB (core/manifest-files.ts; the client imports no core, a test compares them)
        fileEvents: vscode.workspace.createFileSystemWatcher('**/{*.yaml,*.yml,*.json,Kustomization}'),
      },
      errorHandler: this.errorHandler(),
      initializationFailedHandler: (error) => {
        this.output.appendLine(
          `Initialization failed: ${error instanceof Error ? error.message : String(error)}`,
        );
        return false;
      },
      middleware: {
        // the change lens's list as its tooltip (vscode-languageclient 9 drops Command.tooltip)
        provideCodeLenses: async (document, token, next) => {
          const lenses = await next(document, token);
          for (const l of lenses ?? []) {
            const arg: unknown = l.command?.arguments?.[0];
            const summary = (arg as { summary?: unknown } | undefined)?.summary;
            if (l.command && typeof summary === 'string') l.command.tooltip = summary;
          }
          return lenses;
        },
        workspace: {
          // The server asks per resource; answer with the typed NetpolLensSettings.
          configuration: async (params, token, next) => {
            const mine = params.items.map((item) => item.section === SECTION);
            const others = mine.some((m) => !m) ? await next(params, token) : [];
            if (others instanceof Error) return others;
            return params.items.map((item, i) =>
              mine[i]
                ? readSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined)
                : ((others as unknown[])[i] ?? null),
            );
          },
        },
      },
    };
    // The id `netpolLens` makes the client honour `netpolLens.trace.server` by itself.
    const client = new LanguageClient('netpolLens', 'netpol-lens', serverOptions, clientOptions);
    client.registerFeature({
      fillClientCapabilities(capabilities) {
        const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>;
        capabilities.experimental = { ...experimental, commands: { commands: CLIENT_COMMANDS } };
      },
      initialize() {
        /* nothing to set up */
      },
      getState: () => ({ kind: 'static' }),
      clear() {
        /* nothing to clear */
      },
    });
    client.onRequest(GIT_METHOD, (params: GitParams) => answerGit(params));
    client.onNotification(STATUS_METHOD, (params: StatusParams) => {
      this._status = params;
      this.statusEmitter.fire(params);
    });
    client.onDidChangeState((e) => {
      if (e.newState === State.Running && this.crashed) {
        this.crashed = false;
        this.setState({ kind: 'running', restartedAfterCrash: true });
      }
    });
    return client;
  }

  private errorHandler(): ErrorHandler {
    return {
      error: (error, _message, count): ErrorHandlerResult => {
        this.output.appendLine(`Connection error (${count ?? 1}): ${error.message}`);
        return { action: count && count > 3 ? ErrorAction.Shutdown : ErrorAction.Continue, handled: true };
      },
      closed: (): CloseHandlerResult => {
        const now = Date.now();
        this.crashes = this.crashes.filter((t) => now - t < CRASH_WINDOW_MS);
        this.crashes.push(now);
        if (this.crashes.length < MAX_CRASHES) {
          this.crashed = true;
          this.output.appendLine(
            `The language server stopped unexpectedly; restarting (${this.crashes.length}/${MAX_CRASHES}).`,
          );
          this.setState({ kind: 'starting' });
          return { action: CloseAction.Restart, handled: true };
        }
        const message = `The language server crashed ${MAX_CRASHES} times in 3 minutes and was not restarted.`;
        this.output.appendLine(message);
        this.setState({ kind: 'failed', message });
        // a notification: the error handler answers now, whatever the user picks later
        void vscode.window
          .showErrorMessage(`netpol-lens: ${message}`, 'Show Output', 'Restart')
          .then((pick) => {
            if (pick === 'Show Output') this.output.show(true);
            if (pick === 'Restart') void vscode.commands.executeCommand('netpolLens.restartServer'); // the command reports its own failure
          });
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }

  async restart(): Promise<void> {
    this.crashes = [];
    const client = this.client;
    if (client) {
      this.client = undefined;
      this.output.appendLine('Restarting the language server.');
      try {
        if (client.isRunning()) await client.stop(2000);
      } catch (e) {
        this.output.appendLine(`Stopping the server: ${e instanceof Error ? e.message : String(e)}`);
      }
      try {
        await client.dispose(2000);
      } catch {
        /* already stopped */
      }
      this.setState({ kind: 'stopped' });
    }
    await this.ensureStarted();
  }

  /** Sends a request to the server (started on demand); `token` cancels it ($/cancelRequest). */
  async request<R>(method: string, params: unknown, token?: vscode.CancellationToken): Promise<R> {
    const client = await this.ensureStarted();
    return token ? client.sendRequest<R>(method, params, token) : client.sendRequest<R>(method, params);
  }

  async dispose(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.stateEmitter.dispose();
    this.statusEmitter.dispose();
    if (client) {
      try {
        await client.dispose(2000);
      } catch {
        /* shutting down */
      }
    }
    this.output.dispose();
  }
}
