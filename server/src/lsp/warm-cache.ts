/**
 * The server's warm start: the facts cache (fs/facts-cache.ts, the CLI's `--cache-dir` format)
 * in the extension's storage folder (`InitializationOptions.cacheDir`), on unless
 * `netpolLens.cache.enabled` is false. A disk file whose bytes, size, size limit and reading
 * options match a stored entry takes its facts instead of being parsed and lowered; every other
 * one is read as before. Open buffers never come from it (the workspace reads no open file).
 * The cache is written once after the first scan, then when disk files changed (debounced,
 * `SAVE_DELAY_MS`) and at shutdown: the facts of the disk files the index holds, nothing of
 * deleted ones. A folder that cannot be written turns the cache off for the session, with one
 * log line.
 */
import type { FileChange, FileFacts } from '../core/index';
import { contentDigest, FactsCache, factsKey, type KeyedFacts } from '../fs/facts-cache';

/** After a disk file changed, the cache is written this long after the last change. */
export const SAVE_DELAY_MS = 30_000;

/** What the cache needs of the session when it writes: the index's disk files. */
export interface WarmCacheHost {
  /** The facts the index holds for `uri` (a disk file, or an open buffer's). */
  factsOf(uri: string): FileFacts | undefined;
  /** A buffer open in the editor owns `uri` (its facts are not the disk's). */
  isOpen(uri: string): boolean;
  /** How files are read now (`AnalysisHost.readOptions` as JSON): part of every key. */
  optionsKey(): string;
  /** The size limit of the folder holding `uri`, in bytes. */
  limitOf(uri: string): number;
  log(message: string): void;
}

/** A file's bytes as last read from disk: enough to key its facts under any reading options. */
interface DiskBytes {
  readonly size: number;
  /** SHA-256 of the bytes read (all of them, or an oversized file's first bytes). */
  readonly digest: string;
}

export class WarmCache {
  private readonly cache: FactsCache;
  /** The bytes of every disk file read since the start (dropped when the file is gone). */
  private readonly disk = new Map<string, DiskBytes>();
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private off = false;
  /** Files of the running scan that came from the cache, and that were read (parsed, lowered). */
  readonly counts = { cached: 0, read: 0 };

  constructor(
    readonly dir: string,
    private readonly host: WarmCacheHost,
  ) {
    this.cache = FactsCache.open(dir, (m) => host.log(`The facts cache is off for this session: ${m}.`));
  }

  /** Reads the cache file (once); says what it found in the log. */
  load(): void {
    const r = this.cache.load();
    if ('entries' in r) this.host.log(`Facts cache: ${r.entries} files stored in ${this.dir}.`);
    else if (r.ignored !== 'none')
      this.host.log(`Facts cache in ${this.dir} not used (${r.ignored}); it will be written again.`);
  }

  /**
   * The facts stored for these bytes of the disk file `uri` (`change` is what they read as), or
   * undefined (then the caller reads the change and the next save stores its facts). Records
   * the bytes as the file's on disk.
   */
  take(uri: string, bytes: Uint8Array, size: number, change: FileChange): FileFacts | undefined {
    const digest = contentDigest(bytes);
    const before = this.disk.get(uri);
    this.disk.set(uri, { size, digest });
    const facts = this.off ? undefined : this.cache.get(this.keyOf(uri, { size, digest }), change);
    if (facts) this.counts.cached++;
    else this.counts.read++;
    if (!facts || before?.digest !== digest || before.size !== size) this.changed();
    return facts;
  }

  /** The disk file `uri` is gone (deleted, excluded, outside every folder): its entry goes. */
  drop(uri: string): void {
    if (this.disk.delete(uri)) this.changed();
  }

  /** A new scan: its counts start at 0. */
  startScan(): void {
    this.counts.cached = 0;
    this.counts.read = 0;
  }

  /** The first scan is complete: the cache is written (when anything differs from what it held). */
  scanned(): void {
    this.schedule(0);
  }

  /** The reading options changed (every file was lowered again): the entries are keyed anew. */
  optionsChanged(): void {
    this.changed();
  }

  /** Writes the cache now if anything changed since it was last written (shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty || this.off) return;
    this.dirty = false;
    const files: KeyedFacts[] = [];
    for (const [uri, bytes] of this.disk) {
      const key = this.keyOf(uri, bytes);
      // an open buffer's facts are not the disk's: its stored entry is kept as it was, if any
      if (this.host.isOpen(uri)) files.push({ key });
      else {
        const facts = this.host.factsOf(uri);
        if (facts) files.push({ key, facts });
      }
    }
    if (this.cache.storeFacts(files) !== undefined) this.turnOff();
  }

  /** The setting turned off, or the session ends without writing. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private keyOf(uri: string, b: DiskBytes): string {
    return factsKey(uri, b.size, this.host.limitOf(uri), this.host.optionsKey(), b.digest);
  }

  private changed(): void {
    this.dirty = true;
    if (this.timer === undefined && this.scannedOnce) this.schedule(SAVE_DELAY_MS);
  }

  private scannedOnce = false;

  private schedule(delay: number): void {
    if (delay === 0) this.scannedOnce = true;
    if (this.off) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), delay);
    this.timer.unref();
  }

  private turnOff(): void {
    this.off = true;
    this.disk.clear();
  }
}
