/**
 * The facts cache's files (server/src/fs/facts-cache.ts) as the tests read and tamper with them:
 * a SHA-256 of the rest, then the v8-serialized payload, whose facts entries are each JSON or
 * v8 data (`entryCodec`: the module's own encodeEntry and decodeEntry).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';
import { loadLspModule } from './lsp-harness';

export interface EntryCodec {
  encodeEntry: (value: unknown) => Buffer;
  decodeEntry: (buf: Buffer) => unknown;
}
let codec: EntryCodec | undefined;
/** fs/facts-cache.ts's entry encoding, bundled on the fly (the test project does not compile fs/). */
export function entryCodec(): EntryCodec {
  return (codec ??= loadLspModule<EntryCodec>('../fs/facts-cache.ts'));
}

/** A cache file's payload; its checksum must hold. */
export function readPayload<T>(file: string): T {
  const raw = readFileSync(file);
  assert.ok(createHash('sha256').update(raw.subarray(32)).digest().equals(raw.subarray(0, 32)), 'checksum');
  return deserialize(raw.subarray(32)) as T;
}

/** Writes `p` as a well-formed cache file (its checksum right). */
export function writePayload(file: string, p: unknown): void {
  const body = serialize(p);
  writeFileSync(file, Buffer.concat([createHash('sha256').update(body).digest(), body]));
}
