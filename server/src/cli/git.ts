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

/** The entries of `git ls-tree -l -z` output. */
function* treeEntries(
  listing: string,
): Generator<{ mode?: string; type?: string; object?: string; size?: string; path: string }> {
  for (const entry of listing.split('\0')) {
    if (!entry) continue;
    const tab = entry.indexOf('\t');
    const [mode, type, object, size] = entry.slice(0, tab).split(/\s+/);
    yield { mode, type, object, size, path: entry.slice(tab + 1) };
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
    for (const { mode, type, object, size, path } of treeEntries(listing)) {
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

/** What `committedTree` read: the files by repository-relative path, or why it read none. */
export type CommittedTree =
  | { readonly files: ReadonlyMap<string, Buffer>; readonly skipped: readonly string[] }
  | { readonly tooLarge: number };

/**
 * Every file under the folders `dirs` and the files `paths` (repository-relative, `/`-separated;
 * `''` is the whole repository) as committed at `commit`, whatever their names (a kustomize build
 * reads `.env` files, generator `files:`, patches of any extension): one `git ls-tree` for the
 * listing, one `git cat-file --batch` for the contents. Symbolic links and submodules are left out
 * (`skipped` says which); more than `maxBytes` together and nothing is read (`tooLarge`: the size).
 */
export function committedTree(
  root: string,
  commit: string,
  dirs: readonly string[],
  paths: readonly string[],
  maxBytes: number,
): CommittedTree {
  const specs = [...new Set([...dirs, ...paths])];
  const whole = specs.includes('');
  const listing = git(root, [
    'ls-tree',
    '-r',
    '-l',
    '-z',
    '--full-tree',
    commit,
    ...(whole ? [] : ['--', ...specs]),
  ]);
  const wanted: { path: string; object: string; size: number }[] = [];
  const skipped: string[] = [];
  let total = 0;
  for (const { mode, type, object, size, path } of treeEntries(listing)) {
    if (type !== 'blob' || mode === '120000' || !object) {
      skipped.push(
        `${path} (${type === 'commit' ? 'a submodule' : mode === '120000' ? 'a symbolic link' : type})`,
      );
      continue;
    }
    const n = Number(size);
    total += n;
    wanted.push({ path, object, size: n });
  }
  if (total > maxBytes) return { tooLarge: total };
  const files = new Map<string, Buffer>();
  if (wanted.length === 0) return { files, skipped };
  // `<object> blob <size>\n<bytes>\n` per object, in the order asked
  const out = execFileSync('git', ['cat-file', '--batch'], {
    cwd: root,
    input: wanted.map((w) => w.object).join('\n') + '\n',
    maxBuffer: total + wanted.length * 128 + (1 << 20),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let at = 0;
  for (const w of wanted) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol).toString('utf8').split(' ');
    const size = Number(header[2]);
    if (header[1] !== 'blob' || !Number.isFinite(size)) {
      skipped.push(`${w.path} (${header.join(' ')})`);
      break;
    }
    files.set(w.path, out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return { files, skipped };
}
