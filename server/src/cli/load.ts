/** The CLI's IO: expand paths into manifest files and read them as FileChanges. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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

/** A file URI as a path relative to the current directory (forward slashes). */
export function displayPath(uri: string): string {
  try {
    return relative(process.cwd(), fileURLToPath(uri)).split('\\').join('/') || '.';
  } catch {
    return uri;
  }
}
