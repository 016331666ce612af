/**
 * The facts cache's files (server/src/fs/facts-cache.ts) as the tests read and tamper with them:
 * a SHA-256 of the rest, then the v8-serialized payload.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { deserialize, serialize } from 'node:v8';

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
