/**
 * textDocument/codeLens → Analysis.codeLenses (checks.md D). Lens commands are client commands:
 * `netpolLens.showReachability` ([ShowReachabilityArgs]), `netpolLens.explainConnection`
 * ([src, dst, port?]); the "selects N pods" lens runs `netpolLens.showReferences` or
 * `editor.action.showReferences` ([uri, position, locations], LSP JSON) only when the client lists
 * one of them in `experimental.commands.commands`, and is a plain title otherwise. Above a policy
 * that differs from the git base, the change lens (handlers/changes.ts): "opens 2 connections ·
 * closes 1", its tooltip listing them, running `netpolLens.showReachability` with `mode: 'changes'`.
 */
import type { CodeLens, CodeLensParams } from 'vscode-languageserver/node';
import * as convert from '../convert';
import type { ServerContext } from '../context';
import { changeLensesOf } from './changes';
import { docTarget } from './common';

export async function onCodeLens(ctx: ServerContext, p: CodeLensParams): Promise<CodeLens[]> {
  const t = docTarget(ctx, p.textDocument.uri);
  if (!t) return [];
  const opts = { clientCommands: ctx.caps.commands, clientUri: (u: string) => ctx.clientUri(u) };
  const lenses = t.analysis.codeLenses(t.uri, { indexing: ctx.indexingProgress() });
  let changed: typeof lenses = [];
  try {
    changed = await changeLensesOf(ctx, t.uri);
  } catch (e) {
    ctx.error('The change code lens failed', e);
  }
  // the lines of the snapshot the lenses were computed on (the buffer may have moved on meanwhile)
  return [...changed, ...lenses].map((l) => convert.codeLens(l, t.lines, convert.linesOf(t.analysis), opts));
}
