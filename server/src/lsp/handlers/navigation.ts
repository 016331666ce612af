/**
 * Navigation: go to definition (from a selector to what it matches, from a named port to the
 * container ports), references (from a workload or Namespace to the policies that select it) and
 * document symbols (policies with their rules, workloads, namespaces, services).
 */
import type {
  DefinitionParams,
  DocumentSymbol,
  DocumentSymbolParams,
  Location,
  ReferenceParams,
  SymbolInformation,
} from 'vscode-languageserver/node';
import type { SourceRef } from '../../core/index';
import * as convert from '../convert';
import type { ServerContext } from '../context';
import { docTarget, offsetAt, type DocTarget } from './common';

function locations(ctx: ServerContext, t: DocTarget, refs: readonly SourceRef[]): Location[] {
  const lines = convert.linesOf(t.analysis);
  const seen = new Set<string>();
  const out: Location[] = [];
  for (const ref of refs) {
    const loc = convert.location(lines, ref);
    const key = `${ref.uri}#${ref.span.start}-${ref.span.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...loc, uri: ctx.clientUri(loc.uri) });
  }
  return out;
}

export function onDefinition(ctx: ServerContext, p: DefinitionParams): Location[] | null {
  const t = docTarget(ctx, p.textDocument.uri);
  if (!t) return null;
  const refs = t.analysis.definition(t.uri, offsetAt(t, p.position));
  return refs.length > 0 ? locations(ctx, t, refs) : null;
}

export function onReferences(ctx: ServerContext, p: ReferenceParams): Location[] | null {
  const t = docTarget(ctx, p.textDocument.uri);
  if (!t) return null;
  return locations(ctx, t, t.analysis.references(t.uri, offsetAt(t, p.position)));
}

export function onDocumentSymbol(
  ctx: ServerContext,
  p: DocumentSymbolParams,
): DocumentSymbol[] | SymbolInformation[] {
  const t = docTarget(ctx, p.textDocument.uri);
  if (!t) return [];
  const symbols = t.analysis.symbols(t.uri);
  return ctx.caps.hierarchicalSymbols
    ? symbols.map((s) => convert.documentSymbol(s, t.lines))
    : convert.symbolInformation(symbols, t.lines, p.textDocument.uri);
}
