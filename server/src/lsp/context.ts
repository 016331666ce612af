/**
 * What the handlers see of the session: the client's capabilities and the small `ServerContext`
 * surface. Its own module, so that the session (which registers the handlers) and the handlers
 * (which use this surface) do not import each other.
 */
import type { ClientCapabilities, Connection, DiagnosticTag } from 'vscode-languageserver/node';
import type { Analysis, IndexingProgress } from '../core/index';
import type { BaseSnapshot, Bases } from './base';

/** What the client can do, read once from `initialize`. */
export interface ClientCaps {
  configuration: boolean;
  configurationDynamic: boolean;
  watchedFilesDynamic: boolean;
  /** File watchers may be given a base URI and a pattern (LSP 3.17 `RelativePattern`). */
  watchedFilesRelative: boolean;
  workspaceFolders: boolean;
  workDoneProgress: boolean;
  relatedInformation: boolean;
  codeDescription: boolean;
  diagnosticTags: DiagnosticTag[] | undefined;
  versionedDiagnostics: boolean;
  documentChanges: boolean;
  createFiles: boolean;
  codeActionLiterals: boolean;
  hoverMarkdown: boolean;
  hierarchicalSymbols: boolean;
  /** `workspace/codeLens/refresh`: the server may ask the client to ask for code lenses again. */
  codeLensRefresh: boolean;
  completionSnippets: boolean;
  completionReplaceRanges: boolean;
  /** Client-side commands the client says it can run (`experimental.commands.commands`, as rust-analyzer). */
  commands: readonly string[] | undefined;
}

export function readClientCaps(c: ClientCapabilities): ClientCaps {
  const td = c.textDocument;
  const pd = td?.publishDiagnostics;
  const experimental = c.experimental as { commands?: { commands?: unknown } } | undefined;
  const commands = experimental?.commands?.commands;
  return {
    configuration: c.workspace?.configuration === true,
    configurationDynamic: c.workspace?.didChangeConfiguration?.dynamicRegistration === true,
    watchedFilesDynamic: c.workspace?.didChangeWatchedFiles?.dynamicRegistration === true,
    watchedFilesRelative: c.workspace?.didChangeWatchedFiles?.relativePatternSupport === true,
    workspaceFolders: c.workspace?.workspaceFolders === true,
    workDoneProgress: c.window?.workDoneProgress === true,
    relatedInformation: pd?.relatedInformation === true,
    codeDescription: pd?.codeDescriptionSupport === true,
    diagnosticTags: pd?.tagSupport?.valueSet,
    versionedDiagnostics: pd?.versionSupport === true,
    documentChanges: c.workspace?.workspaceEdit?.documentChanges === true,
    createFiles: c.workspace?.workspaceEdit?.resourceOperations?.includes('create') === true,
    codeActionLiterals: td?.codeAction?.codeActionLiteralSupport !== undefined,
    hoverMarkdown: td?.hover?.contentFormat?.includes('markdown') ?? true,
    hierarchicalSymbols: td?.documentSymbol?.hierarchicalDocumentSymbolSupport === true,
    codeLensRefresh: c.workspace?.codeLens?.refreshSupport === true,
    completionSnippets: td?.completion?.completionItem?.snippetSupport === true,
    completionReplaceRanges: td?.completion?.completionItem?.insertReplaceSupport === true,
    commands: Array.isArray(commands)
      ? commands.filter((x): x is string => typeof x === 'string')
      : undefined,
  };
}

/** The surface handlers use. */
export interface ServerContext {
  readonly connection: Connection;
  readonly caps: ClientCaps;
  /** Analysis for requests about `uri` (canonical), with pending edits applied and the folder's settings. */
  analysisFor(uri: string): Analysis;
  /** The workspace-wide analysis (the first folder's settings). */
  snapshot(): Analysis;
  /**
   * While the workspace is being indexed (or not yet indexed once), how far it has got: features
   * then say so where their answer needs other files. undefined once indexed.
   */
  indexingProgress(): IndexingProgress | undefined;
  /** The workspace at the git base (`netpolLens.diff.base`) beside the current snapshot. */
  base(): Promise<BaseSnapshot>;
  /** Diffs between bases and snapshots, cached (base.ts). */
  readonly bases: Bases;
  /** The canonical key of a URI the client sent. */
  canonical(uri: string): string;
  /** The URI to send back to the client for a canonical URI (the client's own spelling when open). */
  clientUri(uri: string): string;
  /** Version of an open buffer, null for files on disk. */
  versionOf(uri: string): number | null;
  log(message: string): void;
  error(message: string, e?: unknown): void;
}
