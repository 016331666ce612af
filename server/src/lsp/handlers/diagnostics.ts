/**
 * Publishing diagnostics. Every pass recomputes the findings of the whole workspace (a change in
 * one file can change findings in any other: a Namespace's labels decide what the policies that
 * select it match), converts them, and sends `textDocument/publishDiagnostics` only for the files
 * whose diagnostics changed, including an empty list for files that no longer have any. An open
 * buffer gets one publication per analysed version (with `version`), even an empty one, so a
 * client knows which text the list belongs to.
 *
 * Until the workspace is first indexed (`scope: 'file'`), only open buffers get diagnostics, and
 * only the findings that need no other file (`Analysis.fileFindings`): a finding about what a
 * selector matches would read the half-built index as the workspace. The pass that follows the
 * index publishes everything, for every file.
 *
 * Never stale: a file with an edit still queued, or an open buffer whose version moved on since
 * the analysed text, is skipped; the pass that follows the edit publishes it.
 */
import type { Diagnostic } from 'vscode-languageserver/node';
import type { Analysis, Finding } from '../../core/index';
import { diagnostic, type LineIndexOf } from '../convert';
import type { ServerContext } from '../context';
import type { ReadFailure } from '../workspace';

export interface PublishInput {
  /**
   * `file` while the workspace is being indexed for the first time: open buffers only, and only
   * their file-scoped findings; `workspace` after: every finding of every file.
   */
  scope: 'file' | 'workspace';
  /** One analysis per settings in use, each owning the files of its folders. */
  groups: ReadonlyArray<{ analysis: Analysis; owns: (uri: string) => boolean }>;
  /** Files that exist but could not be read. */
  failures: readonly ReadFailure[];
}

export interface PublisherContext extends ServerContext {
  isOpen(uri: string): boolean;
  /** Open buffers in the index: each gets a publication per analysed version, empty or not. */
  openUris(): Iterable<string>;
  hasPending(uri: string): boolean;
}

export class DiagnosticsPublisher {
  /** What was last sent per (canonical) file, as a comparable string. */
  private readonly published = new Map<string, string>();

  constructor(private readonly ctx: PublisherContext) {}

  publish(input: PublishInput): void {
    const wanted = new Map<string, { findings: Finding[]; analysis: Analysis }>();
    const onlyOpen = input.scope === 'file';
    if (onlyOpen) {
      for (const uri of this.ctx.openUris()) {
        const g = input.groups.find((x) => x.owns(uri));
        if (g?.analysis.index.file(uri))
          wanted.set(uri, { findings: [...g.analysis.fileFindings(uri)], analysis: g.analysis });
      }
    } else {
      for (const g of input.groups) {
        for (const f of g.analysis.findings()) {
          if (!g.owns(f.uri)) continue;
          const e = wanted.get(f.uri) ?? { findings: [], analysis: g.analysis };
          e.findings.push(f);
          wanted.set(f.uri, e);
        }
      }
    }
    for (const fail of input.failures) {
      const g = input.groups.find((x) => x.owns(fail.uri)) ?? input.groups[0];
      if (!g) continue;
      const sev = g.analysis.settings.severities['unreadable-file'];
      if (sev === 'off') continue;
      const e = wanted.get(fail.uri) ?? { findings: [], analysis: g.analysis };
      e.findings.push({
        code: 'unreadable-file',
        severity: sev ?? 'warning',
        message: fail.message,
        uri: fail.uri,
        span: { start: 0, end: 0 },
      });
      wanted.set(fail.uri, e);
    }
    const caps = this.ctx.caps;
    const opts = {
      relatedInformation: caps.relatedInformation,
      codeDescription: caps.codeDescription,
      tags: caps.diagnosticTags,
    };
    const uris = new Set([...wanted.keys(), ...this.published.keys(), ...this.ctx.openUris()]);
    for (const uri of [...uris].sort()) {
      if (onlyOpen && !this.ctx.isOpen(uri)) continue;
      if (this.ctx.hasPending(uri)) continue;
      const entry = wanted.get(uri);
      const analysis = entry?.analysis ?? input.groups[0]?.analysis;
      const analysedVersion = analysis?.index.file(uri)?.version;
      const openVersion = this.ctx.versionOf(uri);
      if (openVersion !== null && analysedVersion !== undefined && analysedVersion !== openVersion) continue; // stale
      const lines: LineIndexOf = (u) => analysis?.lineIndex(u);
      let diagnostics: Diagnostic[];
      try {
        diagnostics = (entry?.findings ?? []).map((f) => diagnostic(f, lines, analysedVersion, opts));
      } catch (e) {
        this.ctx.error(`Converting the findings of ${uri} failed`, e);
        continue;
      }
      if (!analysis?.index.file(uri) && diagnostics.length === 0 && !this.published.has(uri)) continue; // never analysed
      const key = JSON.stringify([analysedVersion ?? null, diagnostics]);
      if (this.published.get(uri) === key) continue;
      if (diagnostics.length === 0 && openVersion === null) this.published.delete(uri);
      else this.published.set(uri, key);
      const version =
        caps.versionedDiagnostics && analysedVersion !== undefined ? { version: analysedVersion } : {};
      void this.ctx.connection
        .sendDiagnostics({ uri: this.ctx.clientUri(uri), diagnostics, ...version })
        .catch((e: unknown) => this.ctx.error(`Publishing diagnostics for ${uri} failed`, e));
    }
  }

  /** Forget what was sent (the next pass republishes everything). */
  reset(): void {
    this.published.clear();
  }
}
