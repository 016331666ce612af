/**
 * Per-file counts over successive indexes, kept up to date from the files that changed rather
 * than recounted over the whole workspace on every change (the language server's status item):
 * the files holding Kubernetes objects, and those with a problem that keeps the file (or some of
 * its documents) from being read — a YAML syntax error, an unreadable file, a Helm template.
 */
import type { FileFacts } from './workspace-index';

/** The problems the status item counts as "files not read". */
const UNREAD_CODES: ReadonlySet<string> = new Set(['yaml-syntax-error', 'unreadable-file', 'helm-template']);

export class FileTally {
  private readonly seen = new Map<string, FileFacts>();
  private full = true;
  /** Files holding at least one resource. */
  filesWithResources = 0;
  /** Files with a syntax error, unreadable, or templated. */
  filesNotRead = 0;

  /** Recount everything at the next `update` (the files were all read again). */
  reset(): void {
    this.full = true;
  }

  /**
   * Brings the counts to `files`, looking only at `changed` (the URIs changed since the last
   * update: written, created or deleted) unless a reset asked for a full count.
   */
  update(files: ReadonlyMap<string, FileFacts>, changed: Iterable<string>): void {
    if (this.full) {
      this.full = false;
      this.seen.clear();
      this.filesWithResources = 0;
      this.filesNotRead = 0;
      for (const [uri, f] of files) this.add(uri, f);
      return;
    }
    for (const uri of changed) {
      const before = this.seen.get(uri);
      const now = files.get(uri);
      if (before === now) continue;
      if (before) {
        this.seen.delete(uri);
        if (before.resources.length > 0) this.filesWithResources--;
        if (notRead(before)) this.filesNotRead--;
      }
      if (now) this.add(uri, now);
    }
  }

  private add(uri: string, f: FileFacts): void {
    this.seen.set(uri, f);
    if (f.resources.length > 0) this.filesWithResources++;
    if (notRead(f)) this.filesNotRead++;
  }
}

function notRead(f: FileFacts): boolean {
  return f.problems.some((p) => UNREAD_CODES.has(p.code));
}
