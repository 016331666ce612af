/**
 * The CLI's reading of files as committed at a git ref, for `diff --base`: `git ls-tree` lists the
 * files under each path at the ref, `git show` reads them; nothing is checked out. The files keep
 * the uris they have in the working tree, so that both sides name the same files.
 */
import { execFileSync } from 'node:child_process';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DEFAULT_MAX_FILE_SIZE_MIB,
  isManifestPath,
  isSkippedFolder,
  maxFileBytes,
  type FileChange,
} from '../core/index';
import { bytesChange, UsageError } from './load';

function gitBytes(cwd: string, args: readonly string[], maxBuffer = 64 << 20): Buffer {
  return execFileSync('git', args, { cwd, maxBuffer, stdio: ['ignore', 'pipe', 'pipe'] });
}

function git(cwd: string, args: readonly string[]): string {
  return gitBytes(cwd, args).toString('utf8');
}

function gitError(e: unknown): string {
  const err = e as { stderr?: string | Buffer; code?: string; message?: string };
  if (err.code === 'ENOENT') return 'git is not installed (or not on the PATH)';
  const text = err.stderr ? String(err.stderr).trim() : '';
  return text || (err.message ?? String(e));
}

/** The top folder of the git repository holding the current directory, or a usage error. */
export function repositoryRoot(cwd: string = process.cwd()): string {
  try {
    return resolve(git(cwd, ['rev-parse', '--show-toplevel']).trim());
  } catch (e) {
    const why = gitError(e);
    throw new UsageError(
      /not a git repository/i.test(why)
        ? `--base needs a git repository: ${cwd} is not inside one (compare two folders with: diff <old-path> <new-path>)`
        : `--base: cannot run git: ${why}`,
    );
  }
}

/** The commit a ref names, or a usage error naming the ref. */
export function resolveRef(root: string, ref: string): string {
  if (ref.startsWith('-')) throw new UsageError(`--base: bad git ref "${ref}"`);
  try {
    return git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]).trim();
  } catch {
    throw new UsageError(
      `--base: unknown git ref "${ref}" in ${root} (a branch, tag or commit, e.g. HEAD or main)`,
    );
  }
}

export interface CommittedFiles {
  readonly changes: FileChange[];
  readonly skipped: string[];
  /** Paths given that exist at the ref (as files or folders). */
  readonly found: ReadonlySet<string>;
}

/**
 * The manifest files under `paths` as committed at `commit` (the core's manifest-file rules, as
 * the walk of the working tree), with the uris of their working-tree paths.
 */
export function committedFiles(
  root: string,
  commit: string,
  paths: readonly string[],
  limitBytes = maxFileBytes(DEFAULT_MAX_FILE_SIZE_MIB),
): CommittedFiles {
  const changes: FileChange[] = [];
  const skipped: string[] = [];
  const found = new Set<string>();
  const seen = new Set<string>();
  for (const raw of paths) {
    const abs = resolve(raw);
    const rel = relative(root, abs);
    if (rel.startsWith('..') || isAbsolute(rel))
      throw new UsageError(`--base: ${raw} is outside the git repository ${root}`);
    const spec = rel === '' ? '.' : rel.split(sep).join('/');
    let listing: string;
    try {
      // -z: paths unquoted; -l: sizes, to keep the read limit without reading
      listing = git(root, ['ls-tree', '-r', '-l', '-z', commit, ...(spec === '.' ? [] : ['--', spec])]);
    } catch (e) {
      throw new UsageError(`--base: cannot list ${raw} at ${commit.slice(0, 12)}: ${gitError(e)}`);
    }
    for (const entry of listing.split('\0')) {
      if (!entry) continue;
      const tab = entry.indexOf('\t');
      const [mode, type, object, size] = entry.slice(0, tab).split(/\s+/);
      const path = entry.slice(tab + 1);
      // pathspecs match whole segments; kept as a guard
      if (spec !== '.' && path !== spec && !path.startsWith(`${spec}/`)) continue;
      found.add(raw);
      if (type !== 'blob' || mode === '120000' || !object) continue;
      const segments = path.split('/');
      const inner = spec === '.' ? segments : segments.slice(spec.split('/').length);
      if (inner.slice(0, -1).some((s) => isSkippedFolder(s))) continue;
      // a file named on the command line is read whatever its extension, as in the working tree
      if (path !== spec && !isManifestPath(segments[segments.length - 1] ?? '')) continue;
      if (seen.has(path)) continue;
      seen.add(path);
      try {
        // above the limit only its beginning counts (an unreadable-file warning for a manifest), as on disk
        const bytes = gitBytes(root, ['show', `${commit}:${path}`], Number(size) + (1 << 20));
        const change = bytesChange(
          pathToFileURL(join(root, ...segments)).href,
          bytes,
          Number(size),
          limitBytes,
        );
        if (change) changes.push(change);
      } catch (e) {
        skipped.push(`${commit.slice(0, 12)}:${path}: ${gitError(e)}`);
      }
    }
  }
  return { changes, skipped, found };
}
