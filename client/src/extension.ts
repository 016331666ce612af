/**
 * Entry point. Activation is cheap: the commands, the status item and the view serializer are
 * registered at once, but the language server (a separate Node process) starts only when a
 * YAML/JSON document holding a Kubernetes manifest is open, or when a command needs it.
 *
 * Nothing from the workspace is executed, so the extension runs in untrusted workspaces; one
 * server serves every folder of a multi-root workspace (the index spans them all).
 */
import * as vscode from 'vscode';
import { Server } from './client';
import { registerCommands } from './commands';
import { holdsPolicy, isCandidate } from './manifests';
import { ReachabilityPanel, registerSerializer } from './reachability/panel';
import { StatusItem, type StatusSnapshot } from './status';

/** Returned by `activate` outside production mode, for the editor-level tests. */
export interface TestApi {
  server: Server;
  status(): StatusSnapshot;
  currentPanel(): ReachabilityPanel | undefined;
  onDidCreatePanel: vscode.Event<ReachabilityPanel>;
}

export interface Api {
  testing?: TestApi;
}

let server: Server | undefined;

export function activate(context: vscode.ExtensionContext): Api {
  server = new Server(context);
  const s = server;
  const status = new StatusItem(s);
  context.subscriptions.push(
    status,
    ...registerCommands({ context, server: s }),
    registerSerializer(context, s),
  );

  const startIfManifest = (doc: vscode.TextDocument): boolean => {
    if (s.state.kind !== 'stopped' || !isCandidate(doc)) return false;
    s.ensureStarted().catch(() => undefined); // failures are shown by the status item and the output
    return true;
  };
  if (!vscode.workspace.textDocuments.some(startIfManifest)) {
    const watchers: vscode.Disposable[] = [];
    const stopWatching = (): void => {
      for (const d of watchers.splice(0)) d.dispose();
    };
    let timer: ReturnType<typeof setTimeout> | undefined;
    watchers.push(
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (startIfManifest(d)) stopWatching();
      }),
      // An untitled buffer becomes a manifest as the user types.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          if (startIfManifest(e.document)) stopWatching();
        }, 500);
      }),
      s.onState((st) => {
        if (st.kind !== 'stopped') stopWatching();
      }),
      { dispose: () => timer && clearTimeout(timer) },
    );
    context.subscriptions.push({ dispose: stopWatching });
  }

  // `netpolLens.policyDocument`: the active editor holds a NetworkPolicy (the context menu's when-clause)
  const updatePolicyContext = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    // fire and forget: the next editor change sets it again
    void vscode.commands.executeCommand('setContext', 'netpolLens.policyDocument', !!doc && holdsPolicy(doc));
  };
  let contextTimer: ReturnType<typeof setTimeout> | undefined;
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(updatePolicyContext),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document !== vscode.window.activeTextEditor?.document) return;
      if (contextTimer) clearTimeout(contextTimer);
      contextTimer = setTimeout(updatePolicyContext, 300);
    }),
    { dispose: () => contextTimer && clearTimeout(contextTimer) },
  );
  updatePolicyContext();

  const api: Api = {};
  if (context.extensionMode !== vscode.ExtensionMode.Production) {
    api.testing = {
      server: s,
      status: () => status.snapshot(),
      currentPanel: () => ReachabilityPanel.current,
      onDidCreatePanel: ReachabilityPanel.onDidCreate,
    };
  }
  return api;
}

export async function deactivate(): Promise<void> {
  ReachabilityPanel.current?.dispose();
  const s = server;
  server = undefined;
  await s?.dispose();
}
