/** textDocument/hover → Analysis.hover (checks.md C). */
import type { Hover, HoverParams } from 'vscode-languageserver/node';
import * as convert from '../convert';
import type { ServerContext } from '../context';
import { docTarget, offsetAt } from './common';

export function onHover(ctx: ServerContext, p: HoverParams): Hover | null {
  const t = docTarget(ctx, p.textDocument.uri);
  if (!t) return null;
  const h = t.analysis.hover(t.uri, offsetAt(t, p.position), { indexing: ctx.indexingProgress() });
  return h ? convert.hover(h, t.lines, ctx.caps.hoverMarkdown, (uri) => t.analysis.lineIndex(uri)) : null;
}
