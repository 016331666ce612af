/**
 * The command table (rust-analyzer style): one factory per command id. Every command is
 * registered at activation, whether or not the server runs; a command that needs the server
 * starts it.
 */
import * as vscode from 'vscode';
import type {
  EndpointDto,
  ExplainParams,
  ExplainResult,
  PolicyAtMethod,
  PolicyAtParams,
  PolicyAtResult,
  ReachabilityMethod,
  ReachabilityResult,
  ShowReachabilityArgs,
} from '../../server/src/protocol/requests';
import type { Server } from './client';
import { parsePort, ReachabilityPanel } from './reachability/panel';

const REACHABILITY: typeof ReachabilityMethod = 'netpolLens/reachability';
const POLICY_AT: typeof PolicyAtMethod = 'netpolLens/policyAt';

export interface Ctx {
  context: vscode.ExtensionContext;
  server: Server;
}

type CommandFactory = (ctx: Ctx) => (...args: unknown[]) => unknown;

function isFocusPolicy(v: unknown): v is ShowReachabilityArgs {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.uri === 'string' && typeof o.name === 'string' && typeof o.namespace === 'string';
}

const showReachability: CommandFactory = (ctx) => async (arg?: unknown) => {
  let focusPolicy: ShowReachabilityArgs | undefined;
  let mode: 'changes' | undefined;
  if (isFocusPolicy(arg)) {
    // the change code lens asks for the changes mode
    focusPolicy = { uri: arg.uri, name: arg.name, namespace: arg.namespace };
    if (arg.mode === 'changes') mode = 'changes';
  } else if (
    typeof arg === 'object' &&
    arg !== null &&
    isFocusPolicy((arg as { focusPolicy?: unknown }).focusPolicy)
  ) {
    focusPolicy = (arg as { focusPolicy: ShowReachabilityArgs }).focusPolicy;
  } else if (arg instanceof vscode.Uri) {
    // From the editor context menu: focus on the policy under the cursor, if any.
    const editor = vscode.window.activeTextEditor;
    if (editor && editor.document.uri.toString() === arg.toString())
      focusPolicy = await policyUnderCursor(ctx, editor);
  }
  void ctx.server.ensureStarted().catch(() => undefined);
  return ReachabilityPanel.createOrShow(ctx.context, ctx.server, { focusPolicy, ...(mode ? { mode } : {}) });
};

/** The server's answer to "which policy is under the cursor"; none when it cannot tell (not running, not indexed). */
async function policyUnderCursor(
  ctx: Ctx,
  editor: vscode.TextEditor,
): Promise<ShowReachabilityArgs | undefined> {
  const { line, character } = editor.selection.active;
  const params: PolicyAtParams = {
    textDocument: { uri: editor.document.uri.toString() },
    position: { line, character },
  };
  try {
    return (await ctx.server.request<PolicyAtResult>(POLICY_AT, params)) ?? undefined;
  } catch (e) {
    ctx.server.output.appendLine(`netpolLens/policyAt failed: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

interface EndpointItem extends vscode.QuickPickItem {
  id?: string;
}

function endpointItems(endpoints: EndpointDto[]): EndpointItem[] {
  const items: EndpointItem[] = [];
  let group: string | undefined;
  const sorted = [...endpoints].sort(
    (a, b) =>
      (a.kind === b.kind ? 0 : a.kind === 'workload' ? -1 : 1) ||
      (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
      a.id.localeCompare(b.id),
  );
  for (const e of sorted) {
    const g =
      e.kind === 'external'
        ? 'External IP ranges'
        : e.kind === 'domain'
          ? 'Domain names'
          : `namespace ${e.namespace ?? 'default'}`;
    if (g !== group) {
      items.push({ label: g, kind: vscode.QuickPickItemKind.Separator });
      group = g;
    }
    const labels = e.labels
      ? Object.entries(e.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')
      : '';
    items.push({
      id: e.id,
      label: e.kind === 'workload' ? `${e.name ?? e.id}` : e.id,
      description: e.kind === 'external' ? 'IP range' : e.kind === 'domain' ? 'domain name' : e.workloadKind,
      detail: labels || undefined,
    });
  }
  return items;
}

/**
 * `netpolLens.explainConnection`: with `(src, dst, port?)` arguments it explains directly and
 * returns the `ExplainResult`; without, it asks for the source, destination and port.
 * The explanation is shown in the reachability view.
 */
const explainConnection: CommandFactory =
  (ctx) =>
  async (src?: unknown, dst?: unknown, port?: unknown): Promise<ExplainResult | undefined> => {
    let params: ExplainParams;
    if (typeof src === 'string' && typeof dst === 'string') {
      params = { src, dst };
      const p = typeof port === 'string' ? parsePort(port)?.port : isPortObject(port) ? port : undefined;
      if (p) params.port = p;
    } else {
      let model: ReachabilityResult;
      try {
        model = await ctx.server.request<ReachabilityResult>(REACHABILITY, {});
      } catch (e) {
        // a notification: the command ends now, not when the user dismisses it
        void vscode.window.showErrorMessage(
          `netpol-lens: the language server is not available (${e instanceof Error ? e.message : String(e)}).`,
        );
        return undefined;
      }
      const items = endpointItems(model.endpoints);
      const from = await vscode.window.showQuickPick(items, {
        title: 'Explain Connection (1/3): source',
        placeHolder: 'Source workload or IP range',
        matchOnDetail: true,
      });
      if (!from?.id) return undefined;
      const to = await vscode.window.showQuickPick(
        items.filter((i) => i.id !== from.id),
        {
          title: 'Explain Connection (2/3): destination',
          placeHolder: `From ${from.id} to…`,
          matchOnDetail: true,
        },
      );
      if (!to?.id) return undefined;
      const portText = await vscode.window.showInputBox({
        title: 'Explain Connection (3/3): port',
        prompt: 'A port and protocol such as 80/TCP or 53/UDP, or "any"',
        value: 'any',
        validateInput: (v) =>
          parsePort(v) ? undefined : 'Write a port 1–65535 with an optional /TCP, /UDP or /SCTP, or "any".',
      });
      if (portText === undefined) return undefined;
      params = { src: from.id, dst: to.id };
      const p = parsePort(portText)?.port;
      if (p) params.port = p;
    }
    const panel = ReachabilityPanel.createOrShow(ctx.context, ctx.server);
    return panel.explain(params);
  };

function isPortObject(v: unknown): v is NonNullable<ExplainParams['port']> {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { port?: unknown }).port === 'number' &&
    typeof (v as { protocol?: unknown }).protocol === 'string'
  );
}

const restartServer: CommandFactory = (ctx) => async () => {
  try {
    await ctx.server.restart();
  } catch (e) {
    // a notification: the command ends now, not when the user picks (or dismisses) it
    void vscode.window
      .showErrorMessage(`netpol-lens: ${e instanceof Error ? e.message : String(e)}`, 'Show Output')
      .then((pick) => {
        if (pick) ctx.server.output.show(true);
      });
  }
};

const showOutput: CommandFactory = (ctx) => () => ctx.server.output.show(true);

interface LspLocation {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/**
 * `netpolLens.showReferences(uri, position, locations)` with LSP JSON arguments, as the server's
 * "selects N pods" code lens sends them: opens the references peek on those locations
 * (`editor.action.showReferences` wants editor objects).
 */
const showReferences: CommandFactory = () => (uri?: unknown, position?: unknown, locations?: unknown) => {
  if (
    typeof uri !== 'string' ||
    typeof position !== 'object' ||
    position === null ||
    !Array.isArray(locations)
  )
    return undefined;
  const p = position as { line: number; character: number };
  const range = (r: LspLocation['range']): vscode.Range =>
    new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
  return vscode.commands.executeCommand(
    'editor.action.showReferences',
    vscode.Uri.parse(uri),
    new vscode.Position(p.line, p.character),
    (locations as LspLocation[]).map((l) => new vscode.Location(vscode.Uri.parse(l.uri), range(l.range))),
  );
};

export const COMMANDS: Record<string, CommandFactory> = {
  'netpolLens.showReachability': showReachability,
  'netpolLens.explainConnection': explainConnection,
  'netpolLens.restartServer': restartServer,
  'netpolLens.showOutput': showOutput,
  // internal: the target of the server's "selects N pods" code lens (not in the palette)
  'netpolLens.showReferences': showReferences,
};

export function registerCommands(ctx: Ctx): vscode.Disposable[] {
  return Object.entries(COMMANDS).map(([id, factory]) => vscode.commands.registerCommand(id, factory(ctx)));
}
