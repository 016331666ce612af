/**
 * git for tests that build a temporary repository: runs `git` in `cwd` with a committer identity
 * and no commit signing (whatever the machine's configuration), asserts it succeeded, and returns
 * its standard output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

export function git(cwd: string, ...args: string[]): string {
  const r = spawnSync(
    'git',
    ['-c', 'user.email=t@example.com', '-c', 'user.name=t', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8' },
  );
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Makes `dir` a git repository with everything in it committed (message `seed`). */
export function commitAll(dir: string): void {
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'seed');
}
