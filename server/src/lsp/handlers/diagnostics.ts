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
  /**
   * While indexing: every kustomization file is read, so a file's role (a kustomize patch is no
   * resource) is known (`Analysis.fileFindings`); absent: known.
   */
  rolesKnown?: boolean;
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
  /** The findings pass each group's last publication read (`Analysis.findingsToken`), in group order. */
  private tokens: Array<string | undefined> = [];
  /** Files a pass left out (edit queued, stale version, conversion failed): the next pass looks again. */
  private readonly retry = new Set<string>();
  /** The files of the last pass's read failures. */
  private failed = new Set<string>();

  constructor(private readonly ctx: PublisherContext) {}

  publish(input: PublishInput): void {
    const onlyOpen = input.scope === 'file';
    const wanted = new Map<string, { findings: readonly Finding[]; analysis: Analysis }>();
    // the files to look at: those whose findings a pass may have changed since the last
    // publication (the host knows which files it re-checked), open buffers, failures, retries
    const candidates = new Set<string>(this.retry);
    this.retry.clear();
    for (const uri of this.ctx.openUris()) candidates.add(uri);
    if (onlyOpen) {
      for (const uri of this.ctx.openUris()) {
        const g = input.groups.find((x) => x.owns(uri));
        if (g?.analysis.index.file(uri))
          wanted.set(uri, {
            findings: [...g.analysis.fileFindings(uri, input.rolesKnown ?? true)],
            analysis: g.analysis,
          });
      }
      this.tokens = [];
    } else {
      const tokens = input.groups.map((g) => g.analysis.findingsToken());
      let all = tokens.length !== this.tokens.length;
      for (let i = 0; i < input.groups.length && !all; i++) {
        const uris = input.groups[i]!.analysis.findingsChangedSince(this.tokens[i]);
        if (uris) for (const u of uris) candidates.add(u);
        else all = true;
      }
      if (all) {
        for (const g of input.groups) for (const uri of g.analysis.index.files.keys()) candidates.add(uri);
        for (const uri of this.published.keys()) candidates.add(uri);
      }
      this.tokens = tokens;
      for (const uri of candidates) {
        const g = input.groups.find((x) => x.owns(uri));
        if (!g) continue;
        const findings = g.analysis.findingsFor(uri);
        if (findings.length > 0) wanted.set(uri, { findings, analysis: g.analysis });
      }
    }
    const failures = new Set<string>();
    for (const fail of input.failures) {
      failures.add(fail.uri);
      const g = input.groups.find((x) => x.owns(fail.uri)) ?? input.groups[0];
      if (!g) continue;
      const sev = g.analysis.settings.severities['unreadable-file'];
      if (sev === 'off') continue;
      const e = wanted.get(fail.uri) ?? { findings: [], analysis: g.analysis };
      wanted.set(fail.uri, {
        analysis: e.analysis,
        findings: [
          ...e.findings,
          {
            code: 'unreadable-file',
            severity: sev ?? 'warning',
            message: fail.message,
            uri: fail.uri,
            span: { start: 0, end: 0 },
          },
        ],
      });
    }
    for (const uri of failures) candidates.add(uri);
    for (const uri of this.failed) candidates.add(uri);
    this.failed = failures;
    for (const uri of wanted.keys()) candidates.add(uri);
    const caps = this.ctx.caps;
    const opts = {
      relatedInformation: caps.relatedInformation,
      codeDescription: caps.codeDescription,
      tags: caps.diagnosticTags,
    };
    for (const uri of [...candidates].sort()) {
      if (onlyOpen && !this.ctx.isOpen(uri)) continue;
      if (this.ctx.hasPending(uri)) {
        this.retry.add(uri);
        continue;
      }
      const entry = wanted.get(uri);
      const analysis = entry?.analysis ?? input.groups[0]?.analysis;
      const analysedVersion = analysis?.index.file(uri)?.version;
      const openVersion = this.ctx.versionOf(uri);
      if (openVersion !== null && analysedVersion !== undefined && analysedVersion !== openVersion) {
        this.retry.add(uri); // stale
        continue;
      }
      const lines: LineIndexOf = (u) => analysis?.lineIndex(u);
      let diagnostics: Diagnostic[];
      try {
        diagnostics = (entry?.findings ?? []).map((f) => diagnostic(f, lines, analysedVersion, opts));
      } catch (e) {
        this.ctx.error(`Converting the findings of ${uri} failed`, e);
        this.retry.add(uri);
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

  /** Files whose last publication is remembered (test hook `stats`). */
  get size(): number {
    return this.published.size;
  }

  /** Forget what was sent (the next pass republishes everything). */
  reset(): void {
    this.published.clear();
    this.tokens = [];
  }
}
