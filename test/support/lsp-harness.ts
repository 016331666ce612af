/**
 * A small LSP client for protocol-level tests: spawns `node server/dist/server.js --stdio` (or
 * `--node-ipc`), speaks JSON-RPC with vscode-jsonrpc, answers the server's requests
 * (configuration, registrations, progress creation, and what a test adds) and records what the
 * server sends. Tests wait for notifications with timeouts; nothing sleeps. `lspSuite` (a server
 * per describe block) and `withServer` (a server for one test) hold the life cycle: a workspace
 * copy, start, the first index, stop, the copy removed.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as esbuild from 'esbuild';
import { after, before } from 'node:test';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type {
  ClientCapabilities,
  CodeAction,
  Diagnostic,
  InitializeResult,
  PublishDiagnosticsParams,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import type { NetpolLensSettings } from '../../server/src/protocol/settings';
import type { StatusParams } from '../../server/src/protocol/requests';

export const REPO_ROOT = resolve(__dirname, '../../..');
export const SERVER_JS = join(REPO_ROOT, 'server/dist/server.js');
export const EXAMPLES = join(REPO_ROOT, 'examples');

/** Default wait for one notification. Generous: the machine is shared and CI is slow. */
export const TIMEOUT = 20_000;

/** A folder of files for a server to read, removed by `dispose`. */
export interface TempWorkspace {
  /** Its path, links resolved (git answers with resolved paths). */
  dir: string;
  uri: string;
  fileUri: (rel: string) => string;
  dispose: () => void;
}

/** Copies `examples/` (or another tree) into a fresh temp folder. */
export function tempWorkspace(from = EXAMPLES): TempWorkspace {
  const ws = emptyWorkspace();
  cpSync(from, ws.dir, { recursive: true });
  return ws;
}

/** Writes `files` (relative path → text) under `dir`, making their folders. */
export function writeTree(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

/** A fresh empty temp folder (for a workspace a test writes itself). */
export function emptyWorkspace(): TempWorkspace {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'netpol-lens-lsp-')));
  return {
    dir,
    uri: pathToFileURL(dir).href,
    fileUri: (rel) => pathToFileURL(join(dir, rel)).href,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The client capabilities of a full-featured client (VS Code-like). */
export function fullCapabilities(): ClientCapabilities {
  return {
    workspace: {
      configuration: true,
      workspaceFolders: true,
      didChangeConfiguration: { dynamicRegistration: true },
      didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true },
      workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
    },
    window: { workDoneProgress: true },
    textDocument: {
      synchronization: { dynamicRegistration: false, didSave: true },
      publishDiagnostics: {
        relatedInformation: true,
        versionSupport: true,
        codeDescriptionSupport: true,
        dataSupport: true,
        tagSupport: { valueSet: [1, 2] },
      },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      codeAction: {
        codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source'] } },
        isPreferredSupport: true,
        dataSupport: true,
      },
      completion: { completionItem: { snippetSupport: true, insertReplaceSupport: true } },
      documentSymbol: { hierarchicalDocumentSymbolSupport: true },
      codeLens: {},
      definition: { linkSupport: false },
      references: {},
    },
  };
}

export interface Recorded {
  method: string;
  params: unknown;
}

type Listener = (r: Recorded) => void;

export interface StartOptions {
  /** Workspace folders (paths). */
  folders?: string[];
  capabilities?: ClientCapabilities;
  /** Answer for `netpolLens` per scope URI (undefined = window). */
  settings?: NetpolLensSettings | ((scopeUri: string | undefined) => NetpolLensSettings | null);
  filesExclude?: Record<string, boolean>;
  /** The server's arguments, `['--stdio']` by default; with `--node-ipc` it is forked and spoken to over IPC. */
  args?: string[];
  /** `initializationOptions` of `initialize` (e.g. `{ testHooks }`, server/src/protocol/testing.ts). */
  initializationOptions?: unknown;
  /** Answers to other server → client requests by method (e.g. `netpolLens/git`); a throw is an error response. */
  requestHandlers?: Record<string, (params: unknown) => unknown>;
}

export class LspClient {
  readonly recorded: Recorded[] = [];
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  readonly logs: string[] = [];
  readonly stderr: string[] = [];
  readonly serverRequests: Recorded[] = [];
  settings: NetpolLensSettings | ((scopeUri: string | undefined) => NetpolLensSettings | null);
  filesExclude: Record<string, boolean>;
  private readonly listeners = new Set<Listener>();
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private exited = false;
  private readonly handlers: Record<string, (params: unknown) => unknown>;

  private exitCode: number | null = null;

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: MessageConnection,
    opts: StartOptions,
  ) {
    this.settings = opts.settings ?? {};
    this.filesExclude = opts.filesExclude ?? {};
    this.handlers = opts.requestHandlers ?? {};
  }

  /** Spawns the server and initializes it (initialize + initialized). */
  static async start(opts: StartOptions = {}): Promise<{ client: LspClient; init: InitializeResult }> {
    const args = opts.args ?? ['--stdio'];
    let proc: ChildProcess;
    let conn: MessageConnection;
    if (args.includes('--node-ipc')) {
      // as the VS Code client starts it: forked, messages over the IPC channel, stdio piped
      const child = fork(SERVER_JS, args, { silent: true });
      proc = child;
      conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    } else {
      const child = spawn(process.execPath, [SERVER_JS, ...args], { stdio: 'pipe' });
      proc = child;
      conn = createMessageConnection(
        new StreamMessageReader(child.stdout),
        new StreamMessageWriter(child.stdin),
      );
    }
    const client = new LspClient(proc, conn, opts);
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (d: string) => client.stderr.push(d));
    proc.on('exit', (code) => {
      client.exited = true;
      client.exitCode = code;
    });
    client.wire();
    conn.listen();
    const folders = (opts.folders ?? []).map((p) => ({
      uri: pathToFileURL(p).href,
      name: p.split(/[\\/]/).pop() ?? p,
    }));
    const init = await withTimeout(
      conn.sendRequest<InitializeResult>('initialize', {
        processId: process.pid,
        rootUri: folders[0]?.uri ?? null,
        workspaceFolders: folders.length > 0 ? folders : null,
        capabilities: opts.capabilities ?? fullCapabilities(),
        clientInfo: { name: 'netpol-lens-test-harness' },
        ...(opts.initializationOptions !== undefined
          ? { initializationOptions: opts.initializationOptions }
          : {}),
      }),
      TIMEOUT,
      'initialize result',
    );
    await conn.sendNotification('initialized', {});
    return { client, init };
  }

  private wire(): void {
    const record = (method: string, params: unknown): void => {
      const r = { method, params };
      this.recorded.push(r);
      if (method === 'textDocument/publishDiagnostics') {
        const p = params as PublishDiagnosticsParams;
        this.diagnostics.set(p.uri, p);
      }
      if (method === 'window/logMessage') this.logs.push((params as { message: string }).message);
      for (const l of [...this.listeners]) l(r);
    };
    this.conn.onNotification((method: string, params: unknown) => record(method, params));
    // vscode-jsonrpc routes `$/progress` to progress handlers, not to the star handler
    this.conn.onUnhandledProgress((params) => record('$/progress', params));
    this.conn.onRequest((method: string, params: unknown) => {
      this.serverRequests.push({ method, params });
      record(`request:${method}`, params);
      switch (method) {
        case 'workspace/configuration': {
          const items = (params as { items: Array<{ scopeUri?: string; section?: string }> }).items;
          return items.map((it) => {
            if (it.section === 'netpolLens')
              return typeof this.settings === 'function' ? this.settings(it.scopeUri) : this.settings;
            if (it.section === 'files.exclude') return this.filesExclude;
            return null;
          });
        }
        case 'client/registerCapability':
        case 'client/unregisterCapability':
        case 'window/workDoneProgress/create':
          return null;
        case 'workspace/applyEdit':
          return { applied: false };
        default:
          return this.handlers[method] ? this.handlers[method](params) : null;
      }
    });
  }

  // ---- waiting --------------------------------------------------------------------------------

  /**
   * Resolves with the first recorded message (from now on, or already recorded when `past` is
   * true) that satisfies `pred`; rejects after `timeout` ms with `what` in the message.
   */
  waitFor<T = unknown>(
    what: string,
    pred: (r: Recorded) => boolean,
    opts: { timeout?: number; past?: boolean } = {},
  ): Promise<T> {
    if (opts.past) {
      const hit = this.recorded.find(pred);
      if (hit) return Promise.resolve(hit.params as T);
    }
    return new Promise<T>((resolveP, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(
          new Error(`timed out after ${opts.timeout ?? TIMEOUT} ms waiting for ${what}\n${this.describe()}`),
        );
      }, opts.timeout ?? TIMEOUT);
      const listener: Listener = (r) => {
        let ok: boolean;
        try {
          ok = pred(r);
        } catch {
          ok = false;
        }
        if (!ok) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolveP(r.params as T);
      };
      this.listeners.add(listener);
    });
  }

  /**
   * The diagnostics of `uri` once they satisfy `pred`: the latest published list if it already
   * does, else the next publication that does.
   */
  waitForDiagnostics(
    uri: string,
    pred: (d: Diagnostic[], p: PublishDiagnosticsParams) => boolean,
    what = `diagnostics of ${uri}`,
    timeout = TIMEOUT,
  ): Promise<Diagnostic[]> {
    const latest = this.diagnostics.get(uri);
    if (latest && pred(latest.diagnostics, latest)) return Promise.resolve(latest.diagnostics);
    return this.waitFor<PublishDiagnosticsParams>(
      what,
      (r) => {
        if (r.method !== 'textDocument/publishDiagnostics') return false;
        const p = r.params as PublishDiagnosticsParams;
        return p.uri === uri && pred(p.diagnostics, p);
      },
      { timeout },
    ).then((p) => p.diagnostics);
  }

  /**
   * The next `netpolLens/status` notification with state `ready` (or an earlier one when `past`);
   * `timeout` (ms) for a big workspace on a shared machine: a bound on the wait, not a speed claim.
   */
  waitForReady(past = true, timeout?: number): Promise<StatusParams> {
    return this.waitFor<StatusParams>(
      'netpolLens/status ready',
      (r) => r.method === 'netpolLens/status' && (r.params as StatusParams).state === 'ready',
      { past, ...(timeout !== undefined ? { timeout } : {}) },
    );
  }

  describe(): string {
    const tail = this.recorded
      .slice(-8)
      .map((r) => `  ${r.method} ${JSON.stringify(r.params).slice(0, 300)}`)
      .join('\n');
    const err = this.stderr.join('').slice(-2000);
    return `last messages:\n${tail}${err ? `\nserver stderr:\n${err}` : ''}`;
  }

  // ---- documents ------------------------------------------------------------------------------

  async open(uri: string, text: string, languageId = 'yaml'): Promise<void> {
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId, version: 1, text },
    });
  }

  /** Replaces the whole text (a full-content change event); returns the new version. */
  async change(uri: string, text: string): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    await this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  /** Sends incremental edits (ranges in the current text); returns the new version. */
  async edit(uri: string, edits: TextEdit[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    const before = this.texts.get(uri) ?? '';
    this.versions.set(uri, version);
    this.texts.set(uri, applyTextEdits(before, edits));
    // LSP applies content changes in order, each against the result of the previous one:
    // send them from the end of the document backwards so earlier ranges stay valid.
    const sorted = [...edits].sort(
      (a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character,
    );
    await this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: sorted.map((e) => ({ range: e.range, text: e.newText })),
    });
    return version;
  }

  async close(uri: string): Promise<void> {
    this.versions.delete(uri);
    this.texts.delete(uri);
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  version(uri: string): number | undefined {
    return this.versions.get(uri);
  }

  text(uri: string): string | undefined {
    return this.texts.get(uri);
  }

  request<R>(method: string, params: unknown, timeout = TIMEOUT): Promise<R> {
    return withTimeout(this.conn.sendRequest<R>(method, params), timeout, method);
  }

  /** The code actions the server offers for the diagnostic `d` of `uri` (of the kinds `only`, else all). */
  codeActionsFor(uri: string, d: Diagnostic, only?: string[]): Promise<CodeAction[]> {
    return this.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d], ...(only ? { only } : {}) },
    });
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  /**
   * Shuts the server down (shutdown + exit) and waits for the process to end; returns its exit
   * code (null when it had to be killed, after 5 s).
   */
  async stop(): Promise<number | null> {
    if (this.exited) return this.exitCode;
    const exited = new Promise<void>((res) => {
      if (this.exited) res();
      else this.proc.once('exit', () => res());
    });
    try {
      await withTimeout(this.conn.sendRequest('shutdown'), 5000, 'shutdown');
      await this.conn.sendNotification('exit');
    } catch {
      /* fall through to kill */
    }
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
    this.conn.dispose();
    return this.exitCode;
  }
}

/** How `lspSuite` and `withServer` set a server up. */
export interface ServerOptions extends Omit<StartOptions, 'folders'> {
  /** The tree copied into the workspace (`tempWorkspace`), `examples/` by default. */
  from?: string;
  /** Another workspace instead of a copy of `from` (e.g. `emptyWorkspace()`; disposed with the server). */
  workspace?: TempWorkspace;
  /** Runs on the workspace's folder before the server starts (e.g. `commitAll`). */
  prepare?: (dir: string) => void;
  /** The workspace folders, from the workspace's folder; `[dir]` by default. */
  folders?: (dir: string) => string[];
  /** Wait for the first `ready` status (true), up to `number` ms, or not (false). Default true. */
  ready?: boolean | number;
}

interface Running {
  client: LspClient;
  init: InitializeResult;
  close: () => Promise<void>;
}

async function startServer(opts: ServerOptions, ws: TempWorkspace): Promise<Running> {
  const { prepare, folders, ready = true } = opts;
  let client: LspClient | undefined;
  const close = async (): Promise<void> => {
    try {
      await client?.stop();
    } finally {
      ws.dispose();
    }
  };
  try {
    prepare?.(ws.dir);
    // the other options are LspClient.start's own (it reads only its own)
    const started = await LspClient.start({ ...opts, folders: folders ? folders(ws.dir) : [ws.dir] });
    client = started.client;
    if (ready !== false) await client.waitForReady(true, typeof ready === 'number' ? ready : undefined);
    return { client, init: started.init, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The server of a describe block, once its `before` hook has run. */
export interface LspSuite {
  readonly ws: TempWorkspace;
  readonly client: LspClient;
  readonly init: InitializeResult;
}

/**
 * A server for the tests of the enclosing `describe`: the workspace copied now (so that its URIs
 * can be named), the server started in `before` (after `prepare`, waiting for the first index
 * unless `ready: false`) and stopped in `after`, the workspace removed.
 */
export function lspSuite(opts: ServerOptions = {}): LspSuite {
  const ws = opts.workspace ?? tempWorkspace(opts.from);
  let running: Running | undefined;
  before(async () => {
    running = await startServer(opts, ws);
  });
  after(async () => {
    await (running ? running.close() : ws.dispose());
  });
  const get = (): Running => {
    if (!running) throw new Error('the server of this suite has not started (used outside its tests?)');
    return running;
  };
  return {
    ws,
    get client() {
      return get().client;
    },
    get init() {
      return get().init;
    },
  };
}

/**
 * Runs `fn` with a server of its own on a fresh workspace (`ServerOptions`), then stops the server
 * and removes the workspace, whether `fn` succeeded or not.
 */
export async function withServer<T>(
  opts: ServerOptions,
  fn: (client: LspClient, ws: TempWorkspace, init: InitializeResult) => Promise<T>,
): Promise<T> {
  const ws = opts.workspace ?? tempWorkspace(opts.from);
  const running = await startServer(opts, ws);
  try {
    return await fn(running.client, ws, running.init);
  } finally {
    await running.close();
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        res(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        rej(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'yaml', 0, text), [...edits]);
}

/** The text edits of one file in a WorkspaceEdit (`changes` or `documentChanges`). */
export function editsFor(edit: WorkspaceEdit, uri: string): TextEdit[] {
  const out: TextEdit[] = [];
  for (const dc of edit.documentChanges ?? []) {
    if ('textDocument' in dc && dc.textDocument.uri === uri) out.push(...(dc.edits as TextEdit[]));
  }
  out.push(...(edit.changes?.[uri] ?? []));
  return out;
}

/** Position (0-based line/character) of the first occurrence of `needle` in `text` (after `from`). */
export function positionOf(text: string, needle: string, from = 0): { line: number; character: number } {
  const at = text.indexOf(needle, from);
  if (at < 0) throw new Error(`"${needle}" not found`);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  return { line, character: at - (before.lastIndexOf('\n') + 1) };
}

/**
 * Loads a module of server/src/lsp for unit tests. The test project does not compile lsp/ (its
 * tsconfig references core and protocol only), so the module is bundled on the fly with esbuild,
 * as the server itself is. The caller states the shape it uses.
 */
export function loadLspModule<T>(relative: string): T {
  const out = esbuild.buildSync({
    entryPoints: [join(REPO_ROOT, 'server/src/lsp', relative)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const dir = mkdtempSync(join(tmpdir(), 'netpol-lens-mod-'));
  const file = join(dir, 'module.cjs');
  writeFileSync(file, out.outputFiles[0]?.text ?? '');
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loads the bundle just written, synchronously (a path known only at run time)
    return require(file) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const codes = (ds: readonly Diagnostic[]): string[] => ds.map((d) => String(d.code)).sort();
/** A `waitForDiagnostics` predicate: the list holds a finding of `code`. */
export const has =
  (code: string) =>
  (d: readonly Diagnostic[]): boolean =>
    codes(d).includes(code);
/** A `waitForDiagnostics` predicate: the list holds no finding of `code`. */
export const hasNot =
  (code: string) =>
  (d: readonly Diagnostic[]): boolean =>
    !codes(d).includes(code);
