/**
 * The server's file-system side: scanning workspace folders for manifests, reading them in slices
 * (the facts cache's entries for files whose bytes it holds, warm-cache.ts) and yielding between
 * slices so the connection is never blocked for long, and turning watched-file and folder changes
 * into FileChanges.
 * Open buffers win over the disk: a file open in the editor is never read here (the buffer is the
 * truth until it is closed, when the disk version is read back).
 */
import { readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileChangeType, type FileEvent } from 'vscode-languageserver/node';
import {
  inSkippedFolder,
  isManifestPath,
  isSkippedFolder,
  maxFileBytes,
  readsAsNothing,
  isKustomizationUri,
  tooLargeChange,
  type FileChange,
  type FileFacts,
} from '../core/index';
import { isInside, relativePath, type Folder, type ScopeConfig } from './config';
import { baseName, canonicalUri, childUri, uriToPath } from './uri';
import type { WarmCache } from './warm-cache';
import { invalidUtf8At, readRegularFile } from '../fs/read';

/**
 * Files read in one slice (synchronously, then the scan yields), and the bytes after which what
 * was read is applied to the index (each application copies the index's file map: not per file).
 */
const BATCH_FILES = 128;
/** Text to parse (files not from the cache) applied at once: about as long a pause as 48 files of a typical repository. */
const BATCH_BYTES = 192 * 1024;

export interface WorkspaceHost {
  /** A buffer open in the editor owns this file. */
  isOpen(uri: string): boolean;
  /** Configuration (exclude globs) of the folder holding `uri`. */
  configFor(uri: string): ScopeConfig;
  /** Apply changes read from disk to the index now, and the facts of files the cache held. */
  apply(changes: FileChange[], facts?: FileFacts[]): void;
  /** The facts cache (warm-cache.ts), when on. */
  cache(): WarmCache | undefined;
  log(message: string): void;
}

export interface ScanProgress {
  /** `paused`: the scan waits here for a test (testHooks.pauseIndexingAt) before reading on. */
  (done: number, total: number, paused?: boolean): void;
}

/** A file that exists but could not be read (permissions, size): reported as a diagnostic. */
export interface ReadFailure {
  readonly uri: string;
  readonly message: string;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class DiskWorkspace {
  private folderList: Folder[] = [];
  /** Files on disk whose text is in the index (not counting open buffers). */
  readonly tracked = new Set<string>();
  readonly failures = new Map<string, ReadFailure>();
  /**
   * The reads in flight, by file: the latest one's token. A read whose token is no longer there
   * when it finishes (a newer read took the file, or it was deleted meanwhile) is dropped; an entry
   * goes when its read finishes, so files read once, or deleted, leave nothing here.
   */
  private readonly tokens = new Map<string, number>();
  private nextToken = 1;
  private scanGeneration = 0;
  /** A scan has not yet read every kustomization file it found (`rolesKnown`); true until the first scan. */
  private rolesPending = true;
  /** testHooks.pauseIndexingAt: the first scan waits after this many files until `resume()`. */
  private pause: { at: number; resumed: Promise<void>; resume: () => void } | undefined;

  constructor(private readonly host: WorkspaceHost) {}

  get folders(): readonly Folder[] {
    return this.folderList;
  }

  setFolders(folders: readonly Folder[]): void {
    this.folderList = folders.map((f) => ({ uri: canonicalUri(f.uri).replace(/\/+$/, ''), name: f.name }));
  }

  addFolders(folders: readonly Folder[]): Folder[] {
    const added: Folder[] = [];
    for (const f of folders) {
      const uri = canonicalUri(f.uri).replace(/\/+$/, '');
      if (this.folderList.some((x) => x.uri === uri)) continue;
      const folder = { uri, name: f.name };
      this.folderList.push(folder);
      added.push(folder);
    }
    return added;
  }

  /** Drops the folders and forgets the files that only they held. */
  removeFolders(folders: readonly Folder[]): void {
    const removed = new Set(folders.map((f) => canonicalUri(f.uri).replace(/\/+$/, '')));
    this.folderList = this.folderList.filter((f) => !removed.has(f.uri));
    const gone: FileChange[] = [];
    for (const uri of [...this.tracked]) {
      if (this.folderOf(uri)) continue;
      this.untrack(uri);
      this.failures.delete(uri);
      this.tokens.delete(uri); // a read in flight is superseded
      if (!this.host.isOpen(uri)) gone.push({ uri, text: null });
    }
    for (const uri of [...this.failures.keys()]) if (!this.folderOf(uri)) this.failures.delete(uri);
    if (gone.length > 0) this.host.apply(gone);
  }

  /** The innermost workspace folder holding `uri`. */
  folderOf(uri: string): Folder | undefined {
    let best: Folder | undefined;
    for (const f of this.folderList) {
      if (isInside(f.uri, uri) && (!best || f.uri.length > best.uri.length)) best = f;
    }
    return best;
  }

  /** Should a file at `uri` be in the index (inside a folder, not excluded, not in node_modules/.git)? */
  wants(uri: string): boolean {
    const folder = this.folderOf(uri);
    if (!folder) return false;
    const rel = relativePath(folder.uri, uri);
    if (rel === undefined || rel === '') return false;
    if (inSkippedFolder(rel)) return false;
    return !this.host.configFor(uri).isExcluded(rel);
  }

  /** Excluded by the user's globs (open buffers too are left out when excluded). */
  isExcluded(uri: string): boolean {
    const folder = this.folderOf(uri);
    if (!folder) return false;
    const rel = relativePath(folder.uri, uri);
    return rel !== undefined && rel !== '' && this.host.configFor(uri).isExcluded(rel);
  }

  /**
   * Scans `folders` (default: all) and brings the index in line with the disk: files not yet in
   * the index are read, files no longer wanted (excluded, gone) are dropped. Files already indexed
   * are not read again: watched-file events keep them current. Scans run one after the other (the
   * caller chains them); `cancel()` stops the running one at its next batch.
   */
  /** Reads the files of `folders` that are not in the index yet (`reread`: all of them). */
  async scan(
    progress: ScanProgress,
    folders: readonly Folder[] = this.folderList,
    reread = false,
  ): Promise<{ files: number; cancelled: boolean }> {
    const generation = this.scanGeneration;
    const cancelled = (): boolean => generation !== this.scanGeneration;
    const listed: string[] = [];
    this.rolesPending = true;
    for (const folder of folders) {
      await this.walk(folder, listed, cancelled);
      if (cancelled()) return { files: 0, cancelled: true };
    }
    // nested folders are listed twice, and take the excludes of the innermost folder
    const found = [...new Set(listed)].filter((u) => this.wants(u)).sort();
    // files tracked in the scanned folders that the scan no longer finds
    const seen = new Set(found);
    const scanned = new Set(folders.map((f) => f.uri));
    const stale: FileChange[] = [];
    for (const uri of [...this.tracked]) {
      const f = this.folderOf(uri);
      if (!f || !scanned.has(f.uri) || seen.has(uri)) continue;
      this.untrack(uri);
      this.tokens.delete(uri); // a read in flight is superseded
      if (!this.host.isOpen(uri)) stale.push({ uri, text: null });
    }
    for (const uri of [...this.failures.keys()]) {
      const f = this.folderOf(uri);
      if (f && scanned.has(f.uri) && !seen.has(uri)) this.failures.delete(uri);
    }
    if (stale.length > 0) this.host.apply(stale);
    // kustomization files first: they decide other files' roles (a patch is no resource), which
    // the findings published while indexing must not guess (`rolesKnown`)
    const unread = reread ? found : found.filter((u) => !this.tracked.has(u));
    const todo = [...unread.filter(isKustomizationUri), ...unread.filter((u) => !isKustomizationUri(u))];
    const roleFiles = todo.length - unread.filter((u) => !isKustomizationUri(u)).length;
    this.rolesPending = roleFiles > 0;
    const total = todo.length;
    progress(0, total);
    let done = 0;
    const pauseAt = this.pause?.at;
    await this.pausedAt(done, total, progress);
    while (done < total) {
      if (cancelled()) return { files: done, cancelled: true };
      const end =
        pauseAt !== undefined && done < pauseAt ? Math.min(done + BATCH_FILES, pauseAt) : done + BATCH_FILES;
      const batch = todo.slice(done, end);
      await this.readAndApply(
        batch.filter((u) => !this.host.isOpen(u)),
        BATCH_BYTES,
      );
      done += batch.length;
      if (done >= roleFiles) this.rolesPending = false;
      progress(done, total);
      await this.pausedAt(done, total, progress);
      await yieldToEventLoop();
    }
    return { files: total, cancelled: cancelled() };
  }

  /**
   * Every kustomization file the scans found is read: the roles files take from other files (a
   * kustomize patch or configuration is no resource) are known. False from the start of a scan
   * until it has read them (they are read first).
   */
  rolesKnown(): boolean {
    return !this.rolesPending;
  }

  /** Stops the running scan (shutdown). */
  cancel(): void {
    this.scanGeneration++;
    this.resume();
  }

  /** For protocol tests only (protocol/testing.ts): the first scan pauses once `at` files are read. */
  pauseFirstScanAt(at: number): void {
    let resume = (): void => undefined;
    const resumed = new Promise<void>((r) => {
      resume = r;
    });
    this.pause = { at: Math.max(0, Math.floor(at)), resumed, resume };
  }

  /** Lets a paused scan go on (and no later scan pause). */
  resume(): void {
    const p = this.pause;
    this.pause = undefined;
    p?.resume();
  }

  /** The test hook: wait at `done` files while a pause is set there. */
  private async pausedAt(done: number, total: number, progress: ScanProgress): Promise<void> {
    const p = this.pause;
    if (!p || done !== Math.min(p.at, total)) return;
    progress(done, total, true);
    await p.resumed;
  }

  /** Lists the manifest files under `start` (default: the folder itself), relative paths from the folder. */
  private async walk(
    folder: Folder,
    out: string[],
    cancelled: () => boolean,
    start?: { uri: string; rel: string },
  ): Promise<void> {
    const root = uriToPath(start?.uri ?? folder.uri);
    if (!root) return;
    const config = this.host.configFor(folder.uri);
    const stack: Array<{ path: string; uri: string; rel: string }> = [
      { path: root, uri: start?.uri ?? folder.uri, rel: start?.rel ?? '' },
    ];
    let visited = 0;
    while (stack.length > 0) {
      if (cancelled()) return;
      const dir = stack.pop();
      if (!dir) break;
      let entries;
      try {
        // synchronous, a folder at a time (the walk yields every 64 folders): a promise per
        // folder left the thread idle between them
        entries = readdirSync(dir.path, { withFileTypes: true });
      } catch (e) {
        if (dir.uri === folder.uri)
          this.host.log(`Cannot read the workspace folder ${root}: ${(e as Error).message}`);
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)); // popped in name order
      const subdirs: Array<{ path: string; uri: string; rel: string }> = [];
      for (const ent of entries) {
        const rel = dir.rel ? `${dir.rel}/${ent.name}` : ent.name;
        const uri = childUri(dir.uri, ent.name);
        if (ent.isDirectory()) {
          if (isSkippedFolder(ent.name) || config.isExcluded(rel)) continue;
          subdirs.push({ path: join(dir.path, ent.name), uri, rel });
        } else if ((ent.isFile() || ent.isSymbolicLink()) && isManifestPath(ent.name)) {
          if (config.isExcluded(rel)) continue;
          out.push(uri);
        }
        // symbolic links to folders are not followed (cycles)
      }
      stack.push(...subdirs.reverse());
      if (++visited % 64 === 0) await yieldToEventLoop();
    }
    out.sort();
  }

  /** Reads files and applies them to the index; files that do not look like manifests are dropped. */
  private async readAndApply(uris: readonly string[], maxBytes = Infinity): Promise<void> {
    if (uris.length === 0) return;
    const reads = uris.map((uri) => ({ uri, token: this.take(uri) }));
    const changes: FileChange[] = [];
    const facts: FileFacts[] = [];
    let bytes = 0;
    // each file read when its turn comes: a watcher storm's thousands of files are never all read
    // (their buffers held) at once; their changes are still applied together below
    for (const { uri, token } of reads) {
      if (!this.finished(uri, token) || this.host.isOpen(uri)) continue; // a newer read or a buffer owns it
      const r = readManifest(uri, this.limitOf(uri));
      if (r.kind === 'text' && !this.wants(uri)) continue; // its folder was removed (or excluded) while it was read
      if (r.kind === 'text') {
        this.failures.delete(uri);
        this.tracked.add(uri);
        const hit = this.cached(uri, r);
        if (hit) facts.push(hit);
        else {
          changes.push(r.change);
          bytes += r.change.text?.length ?? 0;
        }
      } else {
        if (r.kind === 'failed') this.failures.set(uri, { uri, message: r.message });
        else this.failures.delete(uri);
        if (this.untrack(uri)) changes.push({ uri, text: null });
      }
      if (bytes >= maxBytes) {
        this.host.apply(changes.splice(0), facts.splice(0));
        bytes = 0;
        await yieldToEventLoop();
      }
    }
    if (changes.length > 0 || facts.length > 0) this.host.apply(changes, facts);
  }

  /** The facts the cache holds for the bytes just read of `uri`, if any (they become the file's). */
  private cached(uri: string, r: TextRead): FileFacts | undefined {
    return this.host.cache()?.take(uri, r.bytes, r.size, r.change);
  }

  /** `uri` is no longer read from disk into the index (nor kept in the cache); true if it was. */
  private untrack(uri: string): boolean {
    this.host.cache()?.drop(uri);
    return this.tracked.delete(uri);
  }

  /** The size limit of the folder holding `uri` (netpolLens.maxFileSize), in bytes. */
  limitOf(uri: string): number {
    return maxFileBytes(this.host.configFor(uri).settings.maxFileSize);
  }

  private take(uri: string): number {
    const t = this.nextToken++;
    this.tokens.set(uri, t);
    return t;
  }

  /** The read `token` of `uri` finished: whether it is still the latest (its entry goes either way). */
  private finished(uri: string, token: number): boolean {
    if (this.tokens.get(uri) !== token) return false;
    this.tokens.delete(uri);
    return true;
  }

  /** Reads in flight (test hook `stats`: after the reads, nothing is left for files read or deleted). */
  get reading(): number {
    return this.tokens.size;
  }

  /** `workspace/didChangeWatchedFiles`: created, changed and deleted files (renames come as delete + create). */
  async onWatchedFiles(events: readonly FileEvent[]): Promise<void> {
    const toRead = new Set<string>();
    const deleted = new Set<string>();
    const dirs: string[] = [];
    for (const ev of events) {
      const uri = canonicalUri(ev.uri);
      if (ev.type === FileChangeType.Deleted) {
        deleted.add(uri);
        toRead.delete(uri);
        continue;
      }
      deleted.delete(uri); // deleted, then created again in the same batch
      if (!this.folderOf(uri)) continue;
      if (isManifestPath(uri)) {
        if (this.host.isOpen(uri)) continue; // the buffer wins; the disk is read back on close
        if (this.wants(uri)) toRead.add(uri);
        else deleted.add(uri); // excluded now: forget it if it was indexed
      } else if (ev.type === FileChangeType.Created && this.wants(uri)) {
        dirs.push(uri); // maybe a folder moved or copied in: scan it
      }
    }
    const gone: FileChange[] = [];
    if (deleted.size > 0) {
      // a deleted path is a file or a folder: drop the tracked files at it or under it (one pass)
      const hit = (uri: string): boolean => {
        if (deleted.has(uri)) return true;
        for (let i = uri.lastIndexOf('/'); i > 0; i = uri.lastIndexOf('/', i - 1))
          if (deleted.has(uri.slice(0, i))) return true;
        return false;
      };
      // a read still in flight (a file created just before) must not bring the file back: every
      // read of a path at or under a deleted one is superseded, tracked or not
      for (const t of [...this.tokens.keys()]) if (hit(t)) this.tokens.delete(t);
      for (const t of [...this.tracked]) {
        if (!hit(t)) continue;
        this.untrack(t);
        if (!this.host.isOpen(t)) gone.push({ uri: t, text: null });
      }
      for (const t of [...this.failures.keys()]) if (hit(t)) this.failures.delete(t);
    }
    if (gone.length > 0) this.host.apply(gone);
    if (toRead.size > 0) await this.readAndApply([...toRead]);
    for (const dir of dirs) await this.scanDirectory(dir);
  }

  /** A folder created inside the workspace (moved or copied in): read its manifests. */
  private async scanDirectory(uri: string): Promise<void> {
    const path = uriToPath(uri);
    const folder = this.folderOf(uri);
    if (!path || !folder) return;
    try {
      if (!(await stat(path)).isDirectory()) return;
    } catch {
      return;
    }
    if (!this.wants(uri)) return;
    const found: string[] = [];
    await this.walk(folder, found, () => false, { uri, rel: relativePath(folder.uri, uri) ?? '' });
    const wanted = found.filter((u) => !this.host.isOpen(u));
    for (let i = 0; i < wanted.length; i += BATCH_FILES)
      await this.readAndApply(wanted.slice(i, i + BATCH_FILES), BATCH_BYTES);
  }

  /**
   * An open buffer was closed: the disk version (if the workspace holds the file) takes over again,
   * read now (a scan's reads of it still to be applied are superseded).
   */
  onClosed(uri: string): void {
    const token = this.take(uri);
    const r: ReadResult =
      this.wants(uri) && isManifestPath(uri) ? readManifest(uri, this.limitOf(uri)) : { kind: 'skip' };
    if (!this.finished(uri, token) || this.host.isOpen(uri)) return; // reopened
    if (r.kind === 'text') {
      this.failures.delete(uri);
      this.tracked.add(uri);
      const hit = this.cached(uri, r);
      this.host.apply(hit ? [] : [r.change], hit ? [hit] : []);
      return;
    }
    if (r.kind === 'failed') this.failures.set(uri, { uri, message: r.message });
    this.untrack(uri);
    this.host.apply([{ uri, text: null }]); // unsaved, deleted, outside the workspace or not a manifest
  }
}

/** A manifest read: its change, and the bytes read (all, or above the limit the first ones) and its size, for the cache. */
interface TextRead {
  kind: 'text';
  change: FileChange;
  bytes: Buffer;
  size: number;
}

type ReadResult = TextRead | { kind: 'skip' } | { kind: 'failed'; message: string };

/**
 * Reads a manifest as the CLI does (cli/load.ts, fs/read.ts): above `limitBytes` only its
 * beginning (`tooLarge`). Synchronous (open, fstat, read, close): the scan reads a slice of files
 * at a time and yields between slices, cheaper than a promise per system call.
 */
function readManifest(uri: string, limitBytes: number): ReadResult {
  const path = uriToPath(uri);
  if (!path) return { kind: 'skip' };
  try {
    const read = readRegularFile(path, limitBytes);
    if (!read) return { kind: 'skip' };
    const { bytes, size } = read;
    if (size > limitBytes) {
      const big = tooLargeChange(uri, bytes.toString('utf8'), size, limitBytes);
      if (!big?.text || (readsAsNothing(big.text) && !isKustomizationUri(uri))) return { kind: 'skip' };
      return { kind: 'text', change: big, bytes, size };
    }
    const text = bytes.toString('utf8');
    // as the CLI: a comments-only file gets its empty-file hint; kustomization files make analysis roots
    if (readsAsNothing(text) && !isKustomizationUri(uri)) return { kind: 'skip' };
    const bad = invalidUtf8At(bytes);
    return { kind: 'text', change: { uri, text, ...(bad >= 0 ? { invalidUtf8At: bad } : {}) }, bytes, size };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return { kind: 'skip' };
    return {
      kind: 'failed',
      message: `${baseName(uri)} could not be read (${code ?? (e as Error).message}); it was not analysed.`,
    };
  }
}
