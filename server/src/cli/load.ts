/** The CLI's IO: expand paths into manifest files and read them as FileChanges. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import type { FileChange } from '../core/index';

const MANIFEST = /\.(ya?ml|json)$/i;
const SKIP_DIRS = new Set(['node_modules', '.git']);
/** Files above this are not read at all (the core itself reports files above its own limit). */
const READ_LIMIT = 64 * 1024 * 1024;

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
        if (!SKIP_DIRS.has(ent.name)) walk(p);
      } else if (ent.isFile() && MANIFEST.test(ent.name)) out.push(p);
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
      if (statSync(f).size > READ_LIMIT) {
        skipped.push(`${f}: larger than ${READ_LIMIT / 1048576} MiB, not read`);
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
