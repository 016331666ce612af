/**
 * textDocument/codeAction:
 * - quick fixes: every FixSpec of every finding whose range touches the request's range becomes a
 *   `quickfix` CodeAction titled with the fix's title, tied to its diagnostic, its edit computed
 *   by Analysis.fixEdits on the current text (versioned `documentChanges` when the client takes
 *   them, so a stale edit is refused by the client rather than misapplied);
 * - source actions (`source.netpolLens.generateDefaultDeny`): "Generate default-deny policy for
 *   namespace …" for the namespace of the object under the cursor (Analysis.sourceFixes).
 * Fixes whose edits cannot be computed any more (the text moved on) are left out.
 */
import {
  CodeActionKind,
  type CodeAction,
  type CodeActionParams,
  type Diagnostic,
  type Range,
} from 'vscode-languageserver/node';
import type { FixSpec } from '../../core/index';
import * as convert from '../convert';
import type { ServerContext } from '../context';
import { docTarget, type DocTarget } from './common';

export const GENERATE_DEFAULT_DENY_KIND = `${CodeActionKind.Source}.netpolLens.generateDefaultDeny`;
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, GENERATE_DEFAULT_DENY_KIND];

function wanted(only: readonly string[] | undefined, kind: string): boolean {
  if (!only || only.length === 0) return true;
  return only.some((k) => k === '' || kind === k || kind.startsWith(`${k}.`));
}

function sameRange(a: Range, b: Range): boolean {
  return (
    a.start.line === b.start.line &&
    a.start.character === b.start.character &&
    a.end.line === b.end.line &&
    a.end.character === b.end.character
  );
}

export function onCodeAction(ctx: ServerContext, p: CodeActionParams): CodeAction[] {
  if (!ctx.caps.codeActionLiterals) return []; // the server has no commands to offer instead
  const t = docTarget(ctx, p.textDocument.uri);
  if (!t) return [];
  const out: CodeAction[] = [];
  if (wanted(p.context.only, CodeActionKind.QuickFix)) out.push(...quickFixes(ctx, t, p));
  if (wanted(p.context.only, GENERATE_DEFAULT_DENY_KIND)) out.push(...sourceActions(ctx, t, p.range));
  return out;
}

/**
 * The edit of a fix, or undefined. Each file's edits carry the version of the text they were
 * computed on (the analysed one), so that a client refuses them once the buffer has moved on; an
 * edit for an open buffer whose analysed version is not the editor's current one is not offered.
 */
function editOf(ctx: ServerContext, t: DocTarget, fix: FixSpec) {
  const edits = t.analysis.fixEdits(t.uri, fix);
  if (edits.length === 0) return undefined;
  const analysedVersion = (u: string): number | null => {
    const open = ctx.versionOf(u);
    const analysed = t.analysis.index.file(u)?.version;
    return open === null ? null : (analysed ?? null);
  };
  for (const e of edits) {
    const open = ctx.versionOf(e.uri);
    if (open !== null && !e.create && analysedVersion(e.uri) !== open) return undefined; // computed on older text
  }
  const caps = ctx.caps;
  const edit = convert.workspaceEdit(edits, convert.linesOf(t.analysis), {
    documentChanges: caps.documentChanges,
    createFiles: caps.createFiles,
    versionOf: analysedVersion,
  });
  if (!edit) return undefined;
  // the client knows open buffers by its own spelling of their URIs
  if (edit.documentChanges) {
    for (const dc of edit.documentChanges) {
      if ('textDocument' in dc) dc.textDocument.uri = ctx.clientUri(dc.textDocument.uri);
      else if (dc.kind === 'create') dc.uri = ctx.clientUri(dc.uri);
    }
  }
  if (edit.changes)
    edit.changes = Object.fromEntries(Object.entries(edit.changes).map(([u, e]) => [ctx.clientUri(u), e]));
  return edit;
}

function quickFixes(ctx: ServerContext, t: DocTarget, p: CodeActionParams): CodeAction[] {
  const out: CodeAction[] = [];
  const lines = convert.linesOf(t.analysis);
  const caps = ctx.caps;
  const opts = {
    relatedInformation: caps.relatedInformation,
    codeDescription: caps.codeDescription,
    tags: caps.diagnosticTags,
  };
  const version = t.analysis.index.file(t.uri)?.version;
  for (const f of t.analysis.findingsFor(t.uri)) {
    const fixes = f.fixes ?? [];
    if (fixes.length === 0) continue;
    const ours = convert.diagnostic(f, lines, version, opts);
    if (!convert.overlaps(ours.range, p.range)) continue;
    const theirs: Diagnostic | undefined = p.context.diagnostics.find(
      (d) => d.source === convert.SOURCE && String(d.code) === f.code && sameRange(d.range, ours.range),
    );
    fixes.forEach((fix, i) => {
      const edit = editOf(ctx, t, fix);
      if (edit) out.push(convert.quickFix(fix.title, [theirs ?? ours], edit, i === 0 && fixes.length === 1));
    });
  }
  return out;
}

function sourceActions(ctx: ServerContext, t: DocTarget, at: Range): CodeAction[] {
  const cursor = t.lines.offset(at.start);
  const file = t.analysis.index.file(t.uri);
  const here = file?.resources.find((r) => r.doc.span.start <= cursor && cursor <= r.doc.span.end);
  const namespace = here ? (here.kind === 'Namespace' ? here.name.value : here.namespace) : undefined;
  const out: CodeAction[] = [];
  for (const fix of t.analysis.sourceFixes(t.uri)) {
    const ns = (fix.data as { namespace?: unknown } | undefined)?.namespace;
    if (namespace !== undefined && ns !== namespace) continue;
    const edit = editOf(ctx, t, fix);
    if (edit) out.push(convert.sourceAction(fix.title, GENERATE_DEFAULT_DENY_KIND, edit));
  }
  return out;
}
