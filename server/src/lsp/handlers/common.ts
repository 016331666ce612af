/** What every per-document handler starts with: the canonical URI, the analysis and the line index. */
import type { Position } from 'vscode-languageserver/node';
import type { Analysis, LineIndex } from '../../core/index';
import type { ServerContext } from '../context';

export interface DocTarget {
  readonly uri: string;
  readonly analysis: Analysis;
  readonly lines: LineIndex;
}

/** undefined when the document is not in the index (not a manifest, excluded, unknown). */
export function docTarget(ctx: ServerContext, clientUri: string): DocTarget | undefined {
  const uri = ctx.canonical(clientUri);
  const analysis = ctx.analysisFor(uri);
  const lines = analysis.lineIndex(uri);
  return lines ? { uri, analysis, lines } : undefined;
}

export function offsetAt(t: DocTarget, pos: Position): number {
  return t.lines.offset(pos);
}
