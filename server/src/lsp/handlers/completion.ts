/**
 * textDocument/completion → Analysis.completions: label keys and values known in the workspace
 * inside selectors, namespace names, port names, protocols, operators and fields.
 */
import type { CompletionList, CompletionParams } from 'vscode-languageserver/node';
import * as convert from '../convert';
import type { ServerContext } from '../context';
import { docTarget, offsetAt } from './common';

/** Characters after which the client asks without the user typing a word first. */
export const TRIGGER_CHARACTERS = [':', ' ', '-', '/', '.', '"', "'"];

export function onCompletion(ctx: ServerContext, p: CompletionParams): CompletionList {
  const t = docTarget(ctx, p.textDocument.uri);
  if (!t) return { isIncomplete: false, items: [] };
  const items = t.analysis
    .completions(t.uri, offsetAt(t, p.position))
    .map((c, i) => convert.completionItem(c, t.lines, i));
  return { isIncomplete: false, items };
}
