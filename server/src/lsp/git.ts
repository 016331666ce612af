/**
 * The server's reading of git, for the changes mode and the change code lens: which files of a
 * repository differ from a ref (tracked files changed, added or deleted in the working tree,
 * untracked files), and their text at the ref. Nothing is checked out; git runs asynchronously,
 * so the server keeps answering. Blobs at a commit never change, so their texts are cached.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** Something git could not do, in words for the user. */
export class GitError extends Error {}

function run(cwd: string, args: readonly string[], maxBuffer = 64 << 20): Promise<Buffer> {
  return new Promise((done, fail) => {
    execFile(
      'git',
      args,
      { cwd, maxBuffer, encoding: 'buffer', windowsHide: true },
      (err, stdout, stderr) => {
        if (!err) return done(stdout);
        const e = err as NodeJS.ErrnoException;
        const text = stderr?.toString('utf8').trim();
        fail(
          new GitError(e.code === 'ENOENT' ? 'git is not installed (or not on the PATH)' : text || e.message),
        );
      },
    );
  });
}

/** The files of a repository that differ from a commit, as paths relative to its top folder. */
export interface RepoDifferences {
  readonly commit: string;
  /** Tracked at the commit or in the working tree, with a different content (deleted included). */
  readonly changed: readonly string[];
  /** Untracked (not ignored) files: absent at the commit. */
  readonly untracked: readonly string[];
}

/** What read a repository: the editor's git extension, or the git command line. */
export type GitSource = 'vscode.git' | 'git';

/** The questions base.ts asks of git (the command line here, the editor in git-editor.ts). */
export interface GitReader {
  top(dir: string): Promise<string | undefined>;
  forgetTops(): void;
  commit(top: string, ref: string): Promise<string>;
  differences(top: string, ref: string): Promise<RepoDifferences>;
  show(top: string, commit: string, path: string): Promise<Buffer | null>;
  /** Who answers for a repository found by `top`. */
  sourceOf(top: string): GitSource;
}

/** A ref the user may name: not an option, not empty (both git and the editor get it as an argument). */
export function checkRef(ref: string): void {
  if (ref.startsWith('-') || ref.trim() === '') throw new GitError(`bad git ref "${ref}"`);
}

/** Unknown ref, in words that say where to change it. */
export function unknownRef(ref: string, top: string): GitError {
  return new GitError(
    `unknown git ref "${ref}" in ${top} (set netpolLens.diff.base to a branch, tag or commit)`,
  );
}

const MAX_CACHED_BLOBS = 2000;

/** Blobs at a commit never change: a bounded cache of them, shared by both readers. */
export class BlobCache {
  private readonly blobs = new Map<string, Buffer | null>();
  get(top: string, commit: string, path: string): Buffer | null | undefined {
    return this.blobs.get(`${top}\0${commit}\0${path}`);
  }
  set(top: string, commit: string, path: string, bytes: Buffer | null): void {
    if (this.blobs.size >= MAX_CACHED_BLOBS) this.blobs.clear();
    this.blobs.set(`${top}\0${commit}\0${path}`, bytes);
  }
}

export class Git implements GitReader {
  private readonly tops = new Map<string, Promise<string | undefined>>();
  constructor(private readonly blobs = new BlobCache()) {}

  sourceOf(): GitSource {
    return 'git';
  }

  /**
   * The top folder of the repository holding `dir`, or undefined (not in a repository, or no
   * git). Only a found repository is remembered: a later `git init` is seen on the next call.
   */
  top(dir: string): Promise<string | undefined> {
    let p = this.tops.get(dir);
    if (!p) {
      p = run(dir, ['rev-parse', '--show-toplevel']).then(
        (out) => resolve(out.toString('utf8').trim()),
        () => {
          this.tops.delete(dir);
          return undefined;
        },
      );
      this.tops.set(dir, p);
    }
    return p;
  }

  /** Forget the repositories found (a folder was added or removed, `git init` ran). */
  forgetTops(): void {
    this.tops.clear();
  }

  /** The commit a ref names, or a GitError that names the ref. */
  async commit(top: string, ref: string): Promise<string> {
    checkRef(ref);
    try {
      const out = await run(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
      return out.toString('utf8').trim();
    } catch {
      throw unknownRef(ref, top);
    }
  }

  /** What differs between the working tree and `ref` (staged or not). */
  async differences(top: string, ref: string): Promise<RepoDifferences> {
    const commit = await this.commit(top, ref);
    const [diff, others] = await Promise.all([
      run(top, ['diff', '--name-only', '--no-renames', '-z', commit, '--']),
      run(top, ['ls-files', '--others', '--exclude-standard', '-z']),
    ]);
    const split = (b: Buffer): string[] =>
      b
        .toString('utf8')
        .split('\0')
        .filter((x) => x !== '');
    return { commit, changed: split(diff), untracked: split(others) };
  }

  /** A file's bytes at a commit, or null when the commit has no such file. */
  async show(top: string, commit: string, path: string): Promise<Buffer | null> {
    const cached = this.blobs.get(top, commit, path);
    if (cached !== undefined) return cached;
    let bytes: Buffer | null;
    try {
      const entry = (await run(top, ['ls-tree', '-z', commit, '--', path])).toString('utf8');
      // a blob, not a folder, a submodule or a symbolic link (as the CLI's `diff --base`)
      bytes = /^100[0-7]{3} blob /.test(entry) ? await run(top, ['show', `${commit}:${path}`]) : null;
    } catch (e) {
      throw new GitError(`cannot read ${path} at ${commit.slice(0, 12)}: ${(e as Error).message}`);
    }
    this.blobs.set(top, commit, path, bytes);
    return bytes;
  }
}
