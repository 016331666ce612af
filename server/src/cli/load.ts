/** The CLI's IO: expand paths into manifest files and read them as FileChanges. */
import { readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import {
  isManifestPath,
  isSkippedFolder,
  READ_LIMIT_BYTES,
  READ_LIMIT_MIB,
  type FileChange,
} from '../core/index';

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

export function loadChanges(files: readonly string[]): { changes: FileChange[]; skipped: string[] } {
  const changes: FileChange[] = [];
  const skipped: string[] = [];
  for (const f of files) {
    if (f === STDIN_ARG) {
      const text = readStdin();
      if (typeof text === 'string') changes.push({ uri: STDIN_URI, text });
      else skipped.push(`${STDIN_NAME}: ${text.error}`);
      continue;
    }
    try {
      if (statSync(f).size > READ_LIMIT_BYTES) {
        skipped.push(`${f}: larger than ${READ_LIMIT_MIB} MiB, not read`);
        continue;
      }
      changes.push({ uri: pathToFileURL(f).href, text: readFileSync(f, 'utf8') });
    } catch (e) {
      skipped.push(`${f}: ${(e as Error).message}`);
    }
  }
  return { changes, skipped };
}

/**
 * The whole standard input as UTF-8, read synchronously (a pipe, a file or a terminal until end of
 * input); more than the read limit is an error, like a file that large.
 */
function readStdin(): string | { error: string } {
  const chunks: Buffer[] = [];
  let total = 0;
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
    if (total > READ_LIMIT_BYTES) return { error: `larger than ${READ_LIMIT_MIB} MiB, not read` };
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('utf8');
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
