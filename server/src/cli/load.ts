/** The CLI's IO: expand paths into manifest files and read them as FileChanges. */
import { readdirSync, readSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import {
  DEFAULT_MAX_FILE_SIZE_MIB,
  HEAD_BYTES,
  isManifestPath,
  isSkippedFolder,
  maxFileBytes,
  tooLargeChange,
  type FileChange,
} from '../core/index';
import { invalidUtf8At, readFileContent } from '../fs/read';

export { readFileContent };

export class UsageError extends Error {}

/** The path argument that stands for the standard input (`kustomize build … | netpol-lens check -`). */
export const STDIN_ARG = '-';

/**
 * The uri the standard input is analysed under. Its last segment decodes to `<stdin>` (the name the
 * core's messages give a file, `baseName`), and `displayPath` prints it as `<stdin>`.
 */
export const STDIN_URI = 'stdin:///%3Cstdin%3E';
export const STDIN_NAME = '<stdin>';

/** Files under `paths` by the core's manifest-file rules; `-` (the standard input) is kept, in place, once. */
export function collectFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new UsageError(`cannot read directory ${dir}: ${(e as Error).message}`);
    }
    for (const ent of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(dir, ent.name);
      if (ent.isDirectory()) {
        if (!isSkippedFolder(ent.name)) walk(p);
      } else if (ent.isFile() && isManifestPath(ent.name)) out.push(p);
    }
  };
  for (const raw of paths) {
    if (raw === STDIN_ARG) {
      out.push(STDIN_ARG);
      continue;
    }
    const p = resolve(raw);
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`no such file or directory: ${raw}`);
    }
    if (st.isDirectory()) walk(p);
    else out.push(p);
  }
  return [...new Set(out)];
}

/**
 * Reads the files as FileChanges. A file above `limitBytes` is not read: only its beginning, so that
 * the core can tell a manifest (which gets its unreadable-file warning) from other data.
 */
export function loadChanges(
  files: readonly string[],
  limitBytes = maxFileBytes(DEFAULT_MAX_FILE_SIZE_MIB),
): { changes: FileChange[]; skipped: string[] } {
  const changes: FileChange[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    if (f === STDIN_ARG) {
      const read = readStdinChange(limitBytes);
      if ('skipped' in read) skipped.push(read.skipped);
      else if (read.change) changes.push(read.change);
      continue;
    }
    try {
      const change = fileChange(f, limitBytes);
      if (change) changes.push(change);
    } catch (e) {
      skipped.push(`${f}: ${(e as Error).message}`);
    }
  }
  return { changes, skipped };
}

/** One file as a FileChange (undefined: oversized and no manifest); throws when it cannot be read. */
export function fileChange(file: string, limitBytes: number): FileChange | undefined {
  const { uri, bytes, size } = readFileBytes(file, limitBytes);
  return bytesChange(uri, bytes, size, limitBytes);
}

/** A file's uri, size and bytes (all, or above `limitBytes` the first HEAD_BYTES); throws when it cannot be read. */
export function readFileBytes(
  file: string,
  limitBytes: number,
): { uri: string; bytes: Buffer; size: number } {
  return { uri: pathToFileURL(file).href, ...readFileContent(file, limitBytes) };
}

/** The standard input as a FileChange, or why it could not be read (the `skipped` line). */
export function readStdinChange(
  limitBytes: number,
): { change: FileChange | undefined } | { skipped: string } {
  const read = readStdin(limitBytes);
  if ('error' in read) return { skipped: `${STDIN_NAME}: ${read.error}` };
  return { change: bytesChange(STDIN_URI, read.bytes, read.total, limitBytes) };
}

/**
 * The change for a file of `size` bytes, of which `bytes` were read (all of them, or the first
 * HEAD_BYTES above the limit); undefined for an oversized file that is no manifest.
 */
export function bytesChange(
  uri: string,
  bytes: Buffer,
  size: number,
  limitBytes: number,
): FileChange | undefined {
  if (size > limitBytes) return tooLargeChange(uri, bytes.toString('utf8'), size, limitBytes);
  const bad = invalidUtf8At(bytes);
  return { uri, text: bytes.toString('utf8'), ...(bad >= 0 ? { invalidUtf8At: bad } : {}) };
}

/**
 * The standard input, read synchronously (a pipe, a file or a terminal until end of input): all of
 * it, or past `limitBytes` only its first HEAD_BYTES (the rest is read and dropped), like a file.
 */
function readStdin(limitBytes: number): { bytes: Buffer; total: number } | { error: string } {
  const chunks: Buffer[] = [];
  let total = 0;
  let kept = 0;
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        // a non-blocking pipe with nothing yet: wait a little and read again
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
        continue;
      }
      if (code === 'EOF') break; // Windows: end of a pipe
      return { error: `cannot read the standard input: ${(e as Error).message}` };
    }
    if (n === 0) break;
    total += n;
    if (total <= limitBytes || kept < HEAD_BYTES) {
      chunks.push(Buffer.from(buf.subarray(0, n)));
      kept += n;
    }
  }
  const bytes = Buffer.concat(chunks);
  return { bytes: total > limitBytes ? bytes.subarray(0, HEAD_BYTES) : bytes, total };
}

/** A file URI as a path relative to the current directory (forward slashes); the standard input as `<stdin>`. */
export function displayPath(uri: string): string {
  if (uri === STDIN_URI) return STDIN_NAME;
  try {
    return relative(process.cwd(), fileURLToPath(uri)).split('\\').join('/') || '.';
  } catch {
    return uri;
  }
}
