/**
 * Per-file counts over successive indexes, kept up to date from the files that changed rather
 * than recounted over the whole workspace on every change (the language server's status item):
 * the files holding Kubernetes objects, and those with a problem that keeps the file (or some of
 * its documents) from being read — a YAML syntax error, an unreadable file, a Helm template.
 */
import type { FileFacts } from './workspace-index';

/** The problems the status item counts as "files not read". */
const UNREAD_CODES: ReadonlySet<string> = new Set(['yaml-syntax-error', 'unreadable-file', 'helm-template']);

/** What a file counts for: holds objects (1), not read (2). */
const HAS_RESOURCES = 1;
const NOT_READ = 2;

export class FileTally {
  /**
   * What each counted file counts for (`HAS_RESOURCES`, `NOT_READ`), by URI: only files that
   * count for something, and never their facts (the facts of a file deleted or changed since are
   * not kept alive by the counts).
   */
  private readonly counted = new Map<string, number>();
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
      this.counted.clear();
      this.filesWithResources = 0;
      this.filesNotRead = 0;
      for (const [uri, f] of files) this.count(uri, flagsOf(f));
      return;
    }
    for (const uri of changed) {
      const before = this.counted.get(uri) ?? 0;
      const f = files.get(uri);
      const now = f ? flagsOf(f) : 0;
      if (before === now) continue;
      if (before & HAS_RESOURCES) this.filesWithResources--;
      if (before & NOT_READ) this.filesNotRead--;
      this.counted.delete(uri);
      this.count(uri, now);
    }
  }

  /** Files the counts remember (those that count for something): tests hold it to the workspace. */
  get size(): number {
    return this.counted.size;
  }

  private count(uri: string, flags: number): void {
    if (flags === 0) return;
    this.counted.set(uri, flags);
    if (flags & HAS_RESOURCES) this.filesWithResources++;
    if (flags & NOT_READ) this.filesNotRead++;
  }
}

function flagsOf(f: FileFacts): number {
  return (
    (f.resources.length > 0 ? HAS_RESOURCES : 0) |
    (f.problems.some((p) => UNREAD_CODES.has(p.code)) ? NOT_READ : 0)
  );
}
