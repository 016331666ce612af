/**
 * `--cache-dir DIR`: an on-disk cache of per-file facts (what the core's `changeFacts` made of a
 * file), keyed by the file's uri, the size limit, the index options (default namespaces, pod
 * producers) and a SHA-256 of its bytes, under the hash of the running build (another build,
 * another cache); and of whole `check` outputs, keyed by every file's key and the command's
 * inputs. Two files, `DIR/netpol-lens-facts.bin` and `DIR/netpol-lens-outputs.bin` (a warm `check`
 * reads only the second): each a SHA-256 of the rest, then v8-serialized data. A file that is
 * unreadable, corrupt (checksum, shape of an entry), of another build or another format is
 * ignored and rewritten; an entry is only ever used for the very bytes it was made of. Files whose
 * facts depend on the thread's stack (`dependsOnStackDepth`) are not cached.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { dependsOnStackDepth, type FileChange, type FileFacts } from '../core/index';

export const FACTS_FILE = 'netpol-lens-facts.bin';
export const OUTPUTS_FILE = 'netpol-lens-outputs.bin';
const MAGIC = 'netpol-lens-cache';
const FORMAT = 1;
/** Outputs kept: this run's and the most recent others'. */
const MAX_OUTPUTS = 8;

/** A file's facts as stored: without the text when it is the change's own text (read again anyway). */
interface StoredFacts {
  readonly facts: Omit<FileFacts, 'text'> & { readonly text?: string };
  readonly sameText: boolean;
}

/** A command's output as stored (`check`): what it wrote and its exit code. */
export interface StoredOutput {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

interface Payload<T> {
  readonly magic: string;
  readonly format: number;
  readonly tool: string;
  readonly entries: Map<string, T>;
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

/** The key of a file's facts: its uri, the size limit and the index options it was read under, its bytes. */
export function factsKey(uri: string, limitBytes: number, optionsKey: string, bytes: Buffer): string {
  return createHash('sha256').update(`${uri}\0${limitBytes}\0${optionsKey}\0`).update(bytes).digest('hex');
}

/** One cache file's entries, or why it is not used. */
function readEntries<T>(file: string): { entries: Map<string, T> } | { ignored: string } {
  let raw: Buffer;
  try {
    raw = readFileSync(file);
  } catch {
    return { ignored: 'none' };
  }
  if (raw.length < 32) return { ignored: 'truncated' };
  const body = raw.subarray(32);
  if (!createHash('sha256').update(body).digest().equals(raw.subarray(0, 32))) return { ignored: 'checksum' };
  let p: unknown;
  try {
    p = deserialize(body);
  } catch {
    return { ignored: 'unreadable' };
  }
  const o = p as Partial<Payload<T>> | null;
  if (!o || typeof o !== 'object' || o.magic !== MAGIC || o.format !== FORMAT) return { ignored: 'format' };
  if (o.tool !== tool()) return { ignored: 'other build' };
  if (!(o.entries instanceof Map)) return { ignored: 'format' };
  return { entries: o.entries };
}

function writeEntries<T>(dir: string, name: string, entries: Map<string, T>): void {
  const body = serialize({ magic: MAGIC, format: FORMAT, tool: tool(), entries } satisfies Payload<T>);
  const sum = createHash('sha256').update(body).digest();
  try {
    mkdirSync(dir, { recursive: true });
    const tmp = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(tmp, Buffer.concat([sum, body]));
    renameSync(tmp, join(dir, name));
  } catch (e) {
    process.stderr.write(`netpol-lens: cannot write the cache in ${dir}: ${(e as Error).message}\n`);
  }
}

export class FactsCache {
  private facts: Map<string, Buffer> | undefined;
  private factsRead = false;
  private readonly outputs: Map<string, StoredOutput>;
  private readonly outputsValid: boolean;
  /** Facts used or made by this run: what is saved (entries of files gone are dropped). */
  private readonly keep = new Map<string, Buffer>();
  private factsChanged = false;
  private readonly newOutputs = new Map<string, StoredOutput>();

  private constructor(readonly dir: string) {
    const o = readEntries<StoredOutput>(join(dir, OUTPUTS_FILE));
    this.outputs = 'entries' in o ? o.entries : new Map<string, StoredOutput>();
    this.outputsValid = 'entries' in o;
  }

  /** The cache in `dir` (made when missing); what is not a valid cache of this build is ignored. */
  static open(dir: string): FactsCache {
    return new FactsCache(dir);
  }

  private storedFacts(): Map<string, Buffer> {
    if (!this.factsRead) {
      this.factsRead = true;
      const f = readEntries<Buffer>(join(this.dir, FACTS_FILE));
      this.facts = 'entries' in f ? f.entries : undefined;
    }
    return this.facts ?? new Map<string, Buffer>();
  }

  /** The facts stored for `key`, the text taken from `change`; undefined when absent or malformed. */
  get(key: string, change: FileChange): FileFacts | undefined {
    const buf = this.storedFacts().get(key);
    if (!buf || !Buffer.isBuffer(buf)) return undefined;
    let s: StoredFacts;
    try {
      s = deserialize(buf) as StoredFacts;
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
    this.keep.set(key, serialize(stored));
    this.factsChanged = true;
  }

  /** The whole output of a command stored under `key` (every file's key and the command's inputs). */
  output(key: string): StoredOutput | undefined {
    const o = this.outputs.get(key);
    if (!o || typeof o.stdout !== 'string' || typeof o.stderr !== 'string' || typeof o.code !== 'number')
      return undefined;
    return o;
  }

  putOutput(key: string, out: StoredOutput): void {
    this.newOutputs.set(key, out);
  }

  /** Writes what changed: the facts of this run's files (when any was read or added), the outputs. */
  save(): void {
    const stored = this.factsRead ? this.facts : undefined;
    if (this.factsRead && (this.factsChanged || stored === undefined || stored.size !== this.keep.size))
      writeEntries(this.dir, FACTS_FILE, this.keep);
    if (this.newOutputs.size > 0 || (!this.outputsValid && this.factsRead)) {
      // this run's outputs last, after the most recent others
      const outputs = [...this.outputs].filter(([k]) => !this.newOutputs.has(k));
      outputs.push(...this.newOutputs);
      writeEntries(this.dir, OUTPUTS_FILE, new Map(outputs.slice(-MAX_OUTPUTS)));
    }
  }
}
