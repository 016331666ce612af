/**
 * textDocument/codeLens → Analysis.codeLenses (checks.md D). Lens commands are client commands:
 * `netpolLens.showReachability` ([ShowReachabilityArgs]), `netpolLens.explainConnection`
 * ([src, dst, port?]); the "selects N pods" lens runs `netpolLens.showReferences` or
 * `editor.action.showReferences` ([uri, position, locations], LSP JSON) only when the client lists
 * one of them in `experimental.commands.commands`, and is a plain title otherwise.
 */
import type { CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import * as convert from '../convert';
import type { ServerContext } from '../context';
import { docTarget } from './common';

export function onCodeLens(ctx: ServerContext, p: CodeLensParams): CodeLens[] {
  const t = docTarget(ctx, p.textDocument.uri);
  if (!t) return [];
  const opts = { clientCommands: ctx.caps.commands, clientUri: (u: string) => ctx.clientUri(u) };
  return t.analysis
    .codeLenses(t.uri, { indexing: ctx.indexingProgress() })
    .map((l) => convert.codeLens(l, t.lines, convert.linesOf(t.analysis), opts));
}
