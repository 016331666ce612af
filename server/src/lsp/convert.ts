/**
 * The only place that builds LSP types: core spans (UTF-16 offsets) → LSP ranges through the
 * file's LineIndex, findings → diagnostics, core edits → workspace edits, and the editor features'
 * plain data → hovers, code lenses, completion items, locations and symbols.
 */
import {
  CodeAction,
  CodeActionKind,
  CompletionItemKind,
  DiagnosticSeverity,
  DiagnosticTag,
  MarkupKind,
  SymbolKind,
  type CodeLens,
  type Command,
  type CompletionItem,
  type DocumentSymbol,
  type Hover,
  type SymbolInformation,
  type Diagnostic,
  type DiagnosticRelatedInformation,
  type Location,
  type Position,
  type Range,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
  type CreateFile,
} from 'vscode-languageserver/node';
import {
  docsUrl,
  type Analysis,
  type CoreCodeLens,
  type CoreCompletion,
  type CoreHover,
  type CoreSymbol,
  type Finding,
  type FixSpec,
  type LineIndex,
  type ReferencesLensArgs,
  type ShowReachabilityLensArgs,
  type SourceRef,
  type Span,
} from '../core/index';
import {
  ShowReachabilityCommand,
  type ShowReachabilityArgs,
  type SourceLocation,
} from '../protocol/requests';

export const SOURCE = 'netpol-lens';

/** Resolves a URI to the line index of the text the core analysed (undefined: not in the index). */
export type LineIndexOf = (uri: string) => LineIndex | undefined;

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

export function range(li: LineIndex | undefined, span: Span): Range {
  if (!li) return ZERO;
  return { start: li.position(span.start), end: li.position(Math.max(span.start, span.end)) };
}

export function offset(li: LineIndex, pos: Position): number {
  return li.offset(pos);
}

export function location(lines: LineIndexOf, ref: SourceRef): Location {
  return { uri: ref.uri, range: range(lines(ref.uri), ref.span) };
}

/** The protocol's SourceLocation (same shape as an LSP Location). */
export function sourceLocation(lines: LineIndexOf, ref: SourceRef): SourceLocation {
  return location(lines, ref);
}

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

const TAGS: Record<string, DiagnosticTag> = {
  unnecessary: DiagnosticTag.Unnecessary,
  deprecated: DiagnosticTag.Deprecated,
};

/** What a diagnostic carries in `data`: the fixes, and the document version it was computed on. */
export interface DiagnosticData {
  fixes: FixSpec[];
  version: number | null;
}

export interface DiagnosticOptions {
  /** The client renders relatedInformation (else the related objects go into the message). */
  relatedInformation: boolean;
  codeDescription: boolean;
  /** Tags the client renders (`tagSupport.valueSet`); none are sent without it. */
  tags: readonly DiagnosticTag[] | undefined;
}

export function diagnostic(
  f: Finding,
  lines: LineIndexOf,
  version: number | undefined,
  opts: DiagnosticOptions,
): Diagnostic {
  const d: Diagnostic = {
    range: range(lines(f.uri), f.span),
    severity: SEVERITY[f.severity] ?? DiagnosticSeverity.Warning,
    code: f.code,
    source: SOURCE,
    message: f.message,
  };
  if (opts.codeDescription) d.codeDescription = { href: docsUrl(f.code) };
  const related = f.related ?? [];
  if (related.length > 0) {
    if (opts.relatedInformation) {
      d.relatedInformation = related.map((r): DiagnosticRelatedInformation => ({
        location: location(lines, r),
        message: r.message,
      }));
    } else {
      d.message += `\n${related.map((r) => `- ${r.message}`).join('\n')}`;
    }
  }
  const tags = (f.tags ?? [])
    .map((t) => TAGS[t])
    .filter((t): t is DiagnosticTag => t !== undefined && (opts.tags?.includes(t) ?? false));
  if (tags.length > 0) d.tags = tags;
  const data: DiagnosticData = { fixes: [...(f.fixes ?? [])], version: version ?? null };
  d.data = data;
  return d;
}

/** Does the finding's range touch the requested range (LSP ranges, inclusive ends)? */
export function overlaps(a: Range, b: Range): boolean {
  return !(before(a.end, b.start) || before(b.end, a.start));
}

function before(p: Position, q: Position): boolean {
  return p.line < q.line || (p.line === q.line && p.character < q.character);
}

/** A core edit: `span` in the file the core analysed; `create` (or a file absent from the index) makes a new file. */
export interface CoreEditLike {
  readonly uri: string;
  readonly span: Span;
  readonly newText: string;
  readonly create?: boolean;
}

export interface EditOptions {
  /** The client accepts `documentChanges` (versioned text document edits). */
  documentChanges: boolean;
  /** The client accepts `create` resource operations. */
  createFiles: boolean;
  /** Version of an open document, null for files on disk. */
  versionOf: (uri: string) => number | null;
}

/** Core edits → one WorkspaceEdit; undefined when it cannot be expressed for this client. */
export function workspaceEdit(
  edits: readonly CoreEditLike[],
  lines: LineIndexOf,
  opts: EditOptions,
): WorkspaceEdit | undefined {
  const byUri = new Map<string, TextEdit[]>();
  const created: string[] = [];
  for (const e of edits) {
    const li = e.create ? undefined : lines(e.uri);
    if (!li && !created.includes(e.uri)) created.push(e.uri);
    const list = byUri.get(e.uri) ?? [];
    list.push({ range: range(li, e.span), newText: e.newText });
    byUri.set(e.uri, list);
  }
  if (byUri.size === 0) return undefined;
  if (opts.documentChanges) {
    if (created.length > 0 && !opts.createFiles) return undefined;
    const documentChanges: Array<TextDocumentEdit | CreateFile> = [];
    for (const uri of created)
      documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: true } });
    for (const [uri, list] of byUri) {
      documentChanges.push({
        textDocument: { uri, version: created.includes(uri) ? null : opts.versionOf(uri) },
        edits: list,
      });
    }
    return { documentChanges };
  }
  if (created.length > 0) return undefined; // `changes` cannot create files
  return { changes: Object.fromEntries(byUri) };
}

export function quickFix(
  title: string,
  diagnostics: Diagnostic[],
  edit: WorkspaceEdit,
  preferred: boolean,
): CodeAction {
  const a = CodeAction.create(title, edit, CodeActionKind.QuickFix);
  a.diagnostics = diagnostics;
  if (preferred) a.isPreferred = true;
  return a;
}

export function sourceAction(title: string, kind: string, edit: WorkspaceEdit): CodeAction {
  return CodeAction.create(title, edit, kind);
}

// ---- editor features ------------------------------------------------------------------------

/** `lineIndexOf(uri)` gives the line index of any workspace file: hover links point into other files. */
export function hover(
  h: CoreHover,
  li: LineIndex,
  markdown: boolean,
  lineIndexOf: (uri: string) => LineIndex | undefined,
): Hover {
  return {
    contents: {
      kind: markdown ? MarkupKind.Markdown : MarkupKind.PlainText,
      value: hoverMarkdown(h, lineIndexOf),
    },
    range: range(li, h.span),
  };
}

/** The hover's markdown with each `(link:N)` target written as `file-uri#L<line>` (1-based) of `h.links[N]`. */
export function hoverMarkdown(h: CoreHover, lineIndexOf: (uri: string) => LineIndex | undefined): string {
  return h.markdown.replace(/\]\(link:(\d+)\)/g, (whole, n: string) => {
    const ref = h.links[Number(n)];
    return ref ? `](${ref.uri}#L${lineIndexOf(ref.uri)?.line1(ref.span.start) ?? 1})` : whole;
  });
}

/** Client commands of the lenses (see handlers/code-lens.ts). */
export const CLIENT_COMMANDS = {
  showReachability: ShowReachabilityCommand,
  explain: 'netpolLens.explainConnection',
  /** Needs a client-side command that turns LSP JSON into editor objects (rust-analyzer's showReferences). */
  references: 'netpolLens.showReferences',
} as const;

export interface LensOptions {
  /** Commands the client declared it can run; undefined = unknown (own commands assumed). */
  clientCommands: readonly string[] | undefined;
  clientUri: (uri: string) => string;
}

export function codeLens(l: CoreCodeLens, li: LineIndex, lines: LineIndexOf, opts: LensOptions): CodeLens {
  const r = range(li, l.span);
  return { range: r, command: lensCommand(l, lines, opts) };
}

function lensCommand(l: CoreCodeLens, lines: LineIndexOf, opts: LensOptions): Command {
  const inert: Command = { title: l.title, command: '' }; // shown, not clickable
  const c = l.command;
  if (!c) return inert;
  switch (c.name) {
    case 'showReachability': {
      const a = c.args[0] as ShowReachabilityLensArgs | undefined;
      const args: ShowReachabilityArgs[] = a
        ? [
            {
              uri: opts.clientUri(a.uri),
              namespace: a.namespace,
              name: a.name,
              ...(a.mode ? { mode: a.mode } : {}),
              ...(a.mode && l.tooltip ? { summary: l.tooltip } : {}),
            },
          ]
        : [];
      return {
        title: l.title,
        command: CLIENT_COMMANDS.showReachability,
        arguments: args,
        ...(l.tooltip ? { tooltip: l.tooltip } : {}),
      };
    }
    case 'explain': {
      const a = c.args[0] as { src?: string; dst?: string; port?: string } | undefined;
      if (!a?.src || !a.dst) return inert;
      return {
        title: l.title,
        command: CLIENT_COMMANDS.explain,
        arguments: a.port ? [a.src, a.dst, a.port] : [a.src, a.dst],
      };
    }
    case 'references': {
      const a = c.args[0] as ReferencesLensArgs | undefined;
      const id = opts.clientCommands?.find(
        (x) => x === CLIENT_COMMANDS.references || x === 'editor.action.showReferences',
      );
      if (!a || !id) return inert;
      const li = lines(a.uri);
      return {
        title: l.title,
        command: id,
        arguments: [
          opts.clientUri(a.uri),
          li ? li.position(a.offset) : { line: 0, character: 0 },
          a.locations.map((ref) => ({ ...location(lines, ref), uri: opts.clientUri(ref.uri) })),
        ],
      };
    }
    default:
      return inert;
  }
}

const COMPLETION_KIND: Record<CoreCompletion['kind'], CompletionItemKind> = {
  labelKey: CompletionItemKind.Property,
  labelValue: CompletionItemKind.Value,
  namespace: CompletionItemKind.Module,
  portName: CompletionItemKind.Constant,
  protocol: CompletionItemKind.EnumMember,
  operator: CompletionItemKind.Operator,
  field: CompletionItemKind.Field,
};

export function completionItem(c: CoreCompletion, li: LineIndex, index: number): CompletionItem {
  const item: CompletionItem = {
    label: c.label,
    kind: COMPLETION_KIND[c.kind] ?? CompletionItemKind.Text,
    sortText: String(index).padStart(5, '0'),
  };
  if (c.detail) item.detail = c.detail;
  const text = c.insertText ?? c.label;
  if (c.replace) {
    item.textEdit = { range: range(li, c.replace), newText: text };
    item.filterText = c.label;
  } else if (c.insertText !== undefined) {
    item.insertText = c.insertText;
  }
  return item;
}

const SYMBOL_KIND: Record<CoreSymbol['kind'], SymbolKind> = {
  policy: SymbolKind.Class,
  workload: SymbolKind.Struct,
  namespace: SymbolKind.Namespace,
  service: SymbolKind.Interface,
  rule: SymbolKind.Property,
};

export function documentSymbol(s: CoreSymbol, li: LineIndex): DocumentSymbol {
  const r = range(li, s.span);
  let sel = range(li, s.selectionSpan);
  if (before(sel.start, r.start) || before(r.end, sel.end)) sel = { start: r.start, end: r.start }; // must lie inside
  return {
    name: s.name || '(unnamed)',
    ...(s.detail ? { detail: s.detail } : {}),
    kind: SYMBOL_KIND[s.kind] ?? SymbolKind.Object,
    range: r,
    selectionRange: sel,
    children: s.children.map((c) => documentSymbol(c, li)),
  };
}

/** For clients without hierarchical symbols: the tree flattened, children naming their container. */
export function symbolInformation(
  list: readonly CoreSymbol[],
  li: LineIndex,
  uri: string,
  container?: string,
): SymbolInformation[] {
  return list.flatMap((s) => [
    {
      name: s.name || '(unnamed)',
      kind: SYMBOL_KIND[s.kind] ?? SymbolKind.Object,
      location: { uri, range: range(li, s.span) },
      ...(container ? { containerName: container } : {}),
    },
    ...symbolInformation(s.children, li, uri, s.name),
  ]);
}

/** Convenience: an Analysis's line indexes as a LineIndexOf. */
export function linesOf(a: Analysis): LineIndexOf {
  return (uri) => a.lineIndex(uri);
}
