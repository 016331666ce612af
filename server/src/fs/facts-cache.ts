/**
 * The on-disk cache of per-file facts (what the core's `changeFacts` made of a file), shared by the
 * CLI (`--cache-dir DIR`) and the language server (the extension's storage folder,
 * `netpolLens.cache.enabled`). Facts are keyed by the file's uri, its size, the size limit, the
 * index options (default namespaces, pod producers) and a SHA-256 of its bytes, under the hash of
 * the running build (another build, another cache); the CLI also keeps whole `check` outputs,
 * keyed by a SHA-256 of every file's path, size and bytes and of the command's inputs.
 * `DIR/netpol-lens-facts.bin` holds the facts, and each output is a file of its own,
 * `DIR/netpol-lens-output-<key>.bin` (a warm `check` reads only that one, its stdout as UTF-8
 * bytes written in one call; the most recent MAX_OUTPUTS are kept): each a SHA-256 of the rest,
 * then v8-serialized data, written to a temporary file and renamed (atomic). A file that is
 * unreadable, corrupt (checksum, shape of an entry), of another build, another format or another
 * key is ignored and rewritten; an entry is only ever used for the very bytes it was made of.
 * Files whose facts depend on the thread's stack (`dependsOnStackDepth`) are not cached.
 *
 * An entry is JSON where JSON says the same (`encodeEntry`): `JSON.parse` makes the objects of a
 * file's facts in about 60% of the time v8's `deserialize` takes (the warm start of a large
 * workspace materialises every file's). The properties a value holds as `undefined` (JSON leaves
 * them out) are listed with the entry and set again; an entry with what JSON cannot say
 * (NaN, ±Infinity, -0, a hole or `undefined` in an array, an object that is not plain) is
 * v8-serialized as before. The first byte tells them apart: `[` (JSON) or v8's version tag.
 */
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { dependsOnStackDepth, type FileChange, type FileFacts } from '../core/index';

export const FACTS_FILE = 'netpol-lens-facts.bin';
/** An output's file: this, its key, `.bin`. */
export const OUTPUT_PREFIX = 'netpol-lens-output-';
const MAGIC = 'netpol-lens-cache';
/** 3: the key holds the file's size (an oversized file's facts name it). 4: entries may be JSON. */
const FORMAT = 4;
/** The facts file is bounded: entries beyond this many serialized bytes are not stored. */
export const MAX_FACTS_BYTES = 256 * 1024 * 1024;
/** Outputs kept: this run's and the most recent others'. */
const MAX_OUTPUTS = 8;

/** A file's facts as stored: without the text when it is the change's own text (read again anyway). */
interface StoredFacts {
  readonly facts: Omit<FileFacts, 'text'> & { readonly text?: string };
  readonly sameText: boolean;
}

/** A command's output as stored (`check`): what it wrote (stdout as UTF-8) and its exit code. */
export interface StoredOutput {
  readonly stdout: Uint8Array;
  readonly stderr: string;
  readonly code: number;
}

/** An output file's payload: the output under its key. */
interface OutputPayload extends StoredOutput {
  readonly magic: string;
  readonly format: number;
  readonly tool: string;
  readonly key: string;
}

interface Payload<T> {
  readonly magic: string;
  readonly format: number;
  readonly tool: string;
  readonly entries: Map<string, T>;
}

/** The first byte of a JSON entry (`encodeEntry`); a v8-serialized one starts with its version tag, 0xff. */
const JSON_ENTRY = 0x5b; // '['

/**
 * A stored entry: `[paths, value]` as JSON, `paths` the property paths (keys and array indices)
 * whose value is `undefined`, when JSON says exactly `value` with them; else `value` v8-serialized.
 */
export function encodeEntry(value: unknown): Buffer {
  const undef: Array<Array<string | number>> = [];
  const path: Array<string | number> = [];
  const plain = (v: unknown): boolean => {
    if (v === null) return true;
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return true;
      case 'number':
        return Number.isFinite(v) && !Object.is(v, -0);
      case 'object':
        break;
      default:
        return false; // bigint, symbol, function (undefined is handled by the holder)
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        if (!(i in v) || v[i] === undefined) return false;
        path.push(i);
        const ok = plain(v[i]);
        path.pop();
        if (!ok) return false;
      }
      return Object.keys(v).length === v.length;
    }
    if (Object.getPrototypeOf(v) !== Object.prototype) return false;
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      path.push(k);
      if (x === undefined) undef.push([...path]);
      else if (!plain(x)) return false;
      path.pop();
    }
    return true;
  };
  if (plain(value)) return Buffer.from(JSON.stringify([undef, value]), 'utf8');
  return serialize(value);
}

/** An entry's value (`encodeEntry`); throws when it is neither JSON nor v8 data. */
export function decodeEntry(buf: Buffer): unknown {
  if (buf[0] !== JSON_ENTRY) return deserialize(buf);
  const [undef, value] = JSON.parse(buf.toString('utf8')) as [Array<Array<string | number>>, unknown];
  if (!Array.isArray(undef)) throw new Error('malformed entry');
  for (const p of undef) {
    // only along the value's own properties (a corrupt list never reaches a prototype)
    if (!Array.isArray(p) || p.length === 0) throw new Error('malformed entry');
    let o = value as Record<string, unknown>;
    for (let i = 0; i < p.length; i++) {
      const k = String(p[i]);
      if (o === null || typeof o !== 'object' || k === '__proto__') throw new Error('malformed entry');
      if (i === p.length - 1) o[k] = undefined;
      else if (Object.hasOwn(o, k)) o = o[k] as Record<string, unknown>;
      else throw new Error('malformed entry');
    }
  }
  return value;
}

let toolHash: string | undefined;
/** The hash of the running build (the bundle, or this module compiled) and Node: a cache is only read by the build that wrote it. */
export function tool(): string {
  if (toolHash === undefined) {
    let self: Buffer | string;
    try {
      self = readFileSync(__filename);
    } catch {
      self = `${__filename} ${process.pid} ${Date.now()}`; // unreadable: a cache of its own, never reused
    }
    toolHash = createHash('sha256').update(self).update(process.version).digest('hex');
  }
  return toolHash;
}

/** A SHA-256 of a file's bytes (all of them, or an oversized file's first bytes), for `factsKey`. */
export function contentDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The key of a file's facts: its uri, its size, the size limit and the index options it was read
 * under, and the digest of its bytes (`contentDigest`).
 */
export function factsKey(
  uri: string,
  size: number,
  limitBytes: number,
  optionsKey: string,
  digest: string,
): string {
  return createHash('sha256')
    .update(`${uri}\0${size}\0${limitBytes}\0${optionsKey}\0${digest}`)
    .digest('hex');
}

/** A cache file's deserialized body when its checksum holds, or why it is not used. */
function readChecked(file: string): { body: unknown } | { ignored: string } {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ignored: code === 'ENOENT' || code === 'ENOTDIR' ? 'none' : 'unreadable' };
  }
  if (raw.length < 32) return { ignored: 'truncated' };
  const body = raw.subarray(32);
  if (!createHash('sha256').update(body).digest().equals(raw.subarray(0, 32))) return { ignored: 'checksum' };
  try {
    return { body: deserialize(body) };
  } catch {
    return { ignored: 'unreadable' };
  }
}

/** One cache file's entries, or why it is not used. */
function readEntries<T>(file: string): { entries: Map<string, T> } | { ignored: string } {
  const r = readChecked(file);
  if (!('body' in r)) return r;
  const o = r.body as Partial<Payload<T>> | null;
  if (!o || typeof o !== 'object' || o.magic !== MAGIC || o.format !== FORMAT) return { ignored: 'format' };
  if (o.tool !== tool()) return { ignored: 'other build' };
  if (!(o.entries instanceof Map)) return { ignored: 'format' };
  return { entries: o.entries };
}

/** Writes `data` atomically (a temporary file renamed); the error's message when it cannot. */
function writeChecked(dir: string, name: string, data: unknown): string | undefined {
  const body = serialize(data);
  const sum = createHash('sha256').update(body).digest();
  const tmp = join(dir, `${name}.${process.pid}.tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp, Buffer.concat([sum, body]));
    renameSync(tmp, join(dir, name));
    return undefined;
  } catch (e) {
    remove(tmp);
    return (e as Error).message;
  }
}

function writeEntries<T>(dir: string, name: string, entries: Map<string, T>): string | undefined {
  return writeChecked(dir, name, {
    magic: MAGIC,
    format: FORMAT,
    tool: tool(),
    entries,
  } satisfies Payload<T>);
}

/**
 * A file's facts as the language server hands them to `storeFacts`: read from disk under `key`;
 * without facts (an open buffer's are not the disk's), the entry stored under `key` is kept if any.
 */
export interface KeyedFacts {
  readonly key: string;
  readonly facts?: FileFacts;
}

/** The file of the output stored under `key` (a hex digest). */
export function outputFile(key: string): string {
  return `${OUTPUT_PREFIX}${key}.bin`;
}

export class FactsCache {
  private facts: Map<string, Buffer> | undefined;
  private factsRead = false;
  /** Facts used or made by this run: what is saved (entries of files gone are dropped). */
  private readonly keep = new Map<string, Buffer>();
  private factsChanged = false;
  private readonly newOutputs = new Map<string, StoredOutput>();

  /** Why the stored facts were not used ('none': there were none), once they were read. */
  private ignored: string | undefined;

  private constructor(
    readonly dir: string,
    /** Where a failure to write is told (default: stderr, the CLI's). */
    private readonly warn: (message: string) => void,
  ) {}

  /** The cache in `dir` (made when missing); what is not a valid cache of this build is ignored. */
  static open(
    dir: string,
    warn: (message: string) => void = (m) => process.stderr.write(`netpol-lens: ${m}\n`),
  ): FactsCache {
    return new FactsCache(dir, warn);
  }

  private storedFacts(): Map<string, Buffer> {
    if (!this.factsRead) {
      this.factsRead = true;
      const f = readEntries<Buffer>(join(this.dir, FACTS_FILE));
      this.facts = 'entries' in f ? f.entries : undefined;
      this.ignored = 'ignored' in f ? f.ignored : undefined;
    }
    return this.facts ?? new Map<string, Buffer>();
  }

  /**
   * Reads the stored facts now (else at the first `get`): how many entries, or why none is used
   * ('none': no cache file yet; else it was corrupt, truncated, of another build or format).
   */
  load(): { entries: number } | { ignored: string } {
    const m = this.storedFacts();
    return this.ignored !== undefined ? { ignored: this.ignored } : { entries: m.size };
  }

  /** The facts stored for `key`, the text taken from `change`; undefined when absent or malformed. */
  get(key: string, change: FileChange): FileFacts | undefined {
    const buf = this.storedFacts().get(key);
    if (!buf || !Buffer.isBuffer(buf)) return undefined;
    let s: StoredFacts;
    try {
      s = decodeEntry(buf) as StoredFacts;
    } catch {
      return undefined;
    }
    const f = s?.facts;
    if (
      !f ||
      f.uri !== change.uri ||
      !Array.isArray(f.resources) ||
      !Array.isArray(f.problems) ||
      (s.sameText ? change.text === null : typeof f.text !== 'string')
    )
      return undefined;
    this.keep.set(key, buf);
    return { ...f, text: s.sameText ? (change.text as string) : (f.text as string) };
  }

  /** `sameText`: the facts' text is the text of the file's change (not stored: read again anyway). */
  put(key: string, facts: FileFacts, sameText: boolean): void {
    if (dependsOnStackDepth(facts.problems)) return;
    const { text, ...rest } = facts;
    const stored: StoredFacts = { facts: sameText ? rest : { ...rest, text }, sameText };
    this.keep.set(key, encodeEntry(stored));
    this.factsChanged = true;
  }

  /**
   * The whole output of a command stored under `key` (a hex digest of every file's path, size and
   * bytes and of the command's inputs): only that output's file is read.
   */
  output(key: string): StoredOutput | undefined {
    const file = join(this.dir, outputFile(key));
    const r = readChecked(file);
    if (!('body' in r)) return undefined;
    const o = r.body as Partial<OutputPayload> | null;
    if (
      !o ||
      typeof o !== 'object' ||
      o.magic !== MAGIC ||
      o.format !== FORMAT ||
      o.tool !== tool() ||
      o.key !== key ||
      !(o.stdout instanceof Uint8Array) ||
      typeof o.stderr !== 'string' ||
      typeof o.code !== 'number'
    )
      return undefined;
    try {
      const now = new Date();
      utimesSync(file, now, now); // the most recently used is kept longest
    } catch {
      // read-only: kept by its age
    }
    return { stdout: o.stdout, stderr: o.stderr, code: o.code };
  }

  putOutput(key: string, out: StoredOutput): void {
    this.newOutputs.set(key, out);
  }

  /** Writes what changed: the facts of this run's files (when any was read or added), the outputs. */
  save(): void {
    const stored = this.factsRead ? this.facts : undefined;
    if (this.factsRead && (this.factsChanged || stored === undefined || stored.size !== this.keep.size))
      this.failed(writeEntries(this.dir, FACTS_FILE, this.keep));
    if (this.newOutputs.size === 0) return;
    for (const [key, out] of this.newOutputs)
      this.failed(
        writeChecked(this.dir, outputFile(key), {
          magic: MAGIC,
          format: FORMAT,
          tool: tool(),
          key,
          ...out,
        } satisfies OutputPayload),
      );
    this.pruneOutputs();
  }

  /**
   * The language server: the stored facts become exactly these files' (the disk files of its
   * index; entries of files gone are dropped), each the facts of the bytes its key was made of,
   * with the file's own text unless it was too large (then the text is stored). An entry already
   * stored under its key is written again as it was (not serialized again). At most
   * MAX_FACTS_BYTES are stored (the files first in the order given). Returns the error's message
   * when the folder cannot be written (told once to `warn` as well), else undefined.
   */
  storeFacts(files: Iterable<KeyedFacts>): string | undefined {
    const stored = this.storedFacts();
    const next = new Map<string, Buffer>();
    let bytes = 0;
    let added = false;
    for (const { key, facts } of files) {
      if (next.has(key)) continue;
      let buf = this.keep.get(key) ?? stored.get(key);
      if (!buf) {
        if (!facts || dependsOnStackDepth(facts.problems)) continue;
        added = true;
        const { text, ...rest } = facts;
        const sameText = facts.tooLarge === undefined;
        buf = encodeEntry({ facts: sameText ? rest : { ...rest, text }, sameText } satisfies StoredFacts);
      }
      if (bytes + buf.length > MAX_FACTS_BYTES) continue;
      bytes += buf.length;
      next.set(key, buf);
    }
    // every entry as stored, none gone: nothing to write
    if (!added && this.ignored === undefined && next.size === stored.size) return undefined;
    const error = writeEntries(this.dir, FACTS_FILE, next);
    if (error === undefined) {
      this.facts = next;
      this.ignored = undefined;
      this.keep.clear();
    }
    return this.failed(error);
  }

  private failed(error: string | undefined): string | undefined {
    if (error !== undefined) this.warn(`cannot write the cache in ${this.dir}: ${error}`);
    return error;
  }

  /** Keeps the MAX_OUTPUTS most recently used outputs (and drops the format-1 outputs file). */
  private pruneOutputs(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    const outputs: Array<{ name: string; t: number }> = [];
    for (const name of names) {
      if (name === 'netpol-lens-outputs.bin') remove(join(this.dir, name));
      else if (name.startsWith(OUTPUT_PREFIX) && name.endsWith('.bin'))
        try {
          outputs.push({ name, t: statSync(join(this.dir, name)).mtimeMs });
        } catch {
          // gone meanwhile
        }
    }
    outputs.sort((a, b) => b.t - a.t || (a.name < b.name ? -1 : 1));
    for (const o of outputs.slice(MAX_OUTPUTS)) remove(join(this.dir, o.name));
  }
}

function remove(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // another process's, or gone: left alone
  }
}
