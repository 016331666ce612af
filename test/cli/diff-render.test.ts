/**
 * `diff --base REF --render-kustomize` (cli/kustomize.ts, cli/git.ts `committedTree`): the
 * committed side is built from a copy of every file under its kustomizations' folders and every
 * file they name, as committed (a `.env` file and a generator's `files:` are no manifests, and a
 * real kustomize fails without them); a build that still fails is said in the diff's header, with
 * its error. A real git repository made in the test (test/fixtures/roots-render/ws plus a
 * configMapGenerator), a fake kustomize that fails as kustomize does when an input is missing.
 * The bound on the copy (64 MiB) is `runDiff`'s parameter: run in this process with a small one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from '../support/golden';
import { commitAll, git } from '../support/git';
import { fakeKustomize } from '../support/fake-kustomize';
import { loadLspModule } from '../support/lsp-harness';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'roots-render');

describe('diff --base --render-kustomize', () => {
  let tmp: string;
  let repo: string;
  let bin: string;
  let log: string;
  const gitDir = dirname(spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim());

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-diff-render-'));
    repo = join(tmp, 'repo');
    bin = join(tmp, 'bin');
    log = join(tmp, 'args.log');
    mkdirSync(bin);
    cpSync(join(FIXTURE, 'ws'), repo, { recursive: true });
    // the overlay's generator reads an env file and a properties file: inputs no manifest walk reads
    writeFileSync(
      join(repo, 'overlays', 'prod', 'kustomization.yaml'),
      `${readFileSync(join(repo, 'overlays', 'prod', 'kustomization.yaml'), 'utf8')}configMapGenerator:\n- name: web-config\n  envs:\n  - config.env\n  files:\n  - ../../config/app.properties\n`,
    );
    writeFileSync(join(repo, 'overlays', 'prod', 'config.env'), 'MODE=prod\n');
    mkdirSync(join(repo, 'config'));
    writeFileSync(join(repo, 'config', 'app.properties'), 'color=blue\n');
    commitAll(repo);
    fakeKustomize(bin, join(FIXTURE, 'kustomize-build-output.txt'), {
      log,
      requires: [
        'kustomization.yaml',
        'patch.yaml',
        'config.env',
        '../../config/app.properties',
        '../../base/policy.yaml',
      ],
    });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const diff = (...args: string[]): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [CLI, 'diff', ...args], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${gitDir}` },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it('the committed side is built with its generator inputs: both sides rendered, no difference', () => {
    rmSync(log, { force: true });
    const r = diff('--base', 'HEAD', '.', '--render-kustomize');
    assert.equal(r.code, 0, `no difference between two renders of one tree:\n${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /failed|exited/);
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(calls.length, 2, 'one build per side');
    // the committed side ran in a copy, not in the working tree
    assert.equal(calls.filter((c) => c.startsWith(`${join(repo, 'overlays', 'prod')}|`)).length, 1);
  });

  it('a committed side whose inputs exceed the copy bound: not built, and the diff says which, how many bytes, what to do', () => {
    const { runDiff } = loadLspModule<{
      runDiff: (argv: readonly string[], copyMaxBytes?: number) => number;
    }>('../cli/commands/diff.ts');
    // what the copy of overlays/prod's build holds: the files under its kustomizations' folders and the one it names
    const sizes = git(
      repo,
      'ls-tree',
      '-r',
      '-l',
      'HEAD',
      '--',
      'overlays/prod',
      'base',
      'config/app.properties',
    )
      .trim()
      .split('\n')
      .map((l) => Number(l.split(/\s+/)[3]));
    const total = sizes.reduce((a, b) => a + b, 0);
    assert.ok(sizes.length >= 5 && total > 0, `the copy's files: ${sizes.join(', ')}`);
    const inProcess = (copyMaxBytes: number): { code: number; stdout: string } => {
      const cwd = process.cwd();
      const path = process.env.PATH;
      const write = process.stdout.write.bind(process.stdout);
      const writeErr = process.stderr.write.bind(process.stderr);
      let stdout = '';
      process.chdir(repo);
      process.env.PATH = `${bin}:${gitDir}`;
      process.stdout.write = (chunk: string | Uint8Array): boolean => {
        stdout += String(chunk);
        return true;
      };
      // its notes on stderr (the sides' several roots) are not what this test is about
      process.stderr.write = (): boolean => true;
      try {
        return { code: runDiff(['--base', 'HEAD', '.', '--render-kustomize'], copyMaxBytes), stdout };
      } finally {
        process.stdout.write = write;
        process.stderr.write = writeErr;
        process.env.PATH = path;
        process.chdir(cwd);
      }
    };
    const calls = (): string[] => readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);

    rmSync(log, { force: true });
    const over = inProcess(total - 1);
    assert.match(
      over.stdout,
      new RegExp(
        `before: \`kustomize build overlays/prod\` could not run: the files it reads at HEAD .* are ${total} bytes together, above the ${total - 1} bytes a copy for the build may hold, so it was not built\\. To build it, compare a checkout of HEAD instead: git worktree add <folder> HEAD, then netpol-lens diff <folder> \\. --render-kustomize\\. .*Its kustomization is analysed as netpol-lens reads it`,
      ),
      over.stdout,
    );
    // the working tree's side is still built (in place); the committed side's build is not run at all
    assert.deepEqual(
      calls().map((c) => c.split('|')[0]),
      [join(repo, 'overlays', 'prod')],
    );
    assert.equal(
      over.code,
      1,
      'docs/cli.md: the reader (app=frontend) against the build (app=ui) is a difference, exit 1',
    );

    // a bound the inputs just fit: both sides built, no difference, nothing said
    rmSync(log, { force: true });
    const fits = inProcess(total);
    assert.equal(fits.code, 0, fits.stdout);
    assert.doesNotMatch(fits.stdout, /could not run|before:/);
    assert.equal(calls().length, 2, 'one build per side');
  });

  it('a committed side whose build still fails: the diff says so, with the error', () => {
    // an input the working tree has and the commit lacks: only the committed side's build fails
    writeFileSync(join(repo, 'overlays', 'prod', 'extra.env'), 'EXTRA=1\n');
    writeFileSync(
      join(repo, 'overlays', 'prod', 'kustomization.yaml'),
      readFileSync(join(repo, 'overlays', 'prod', 'kustomization.yaml'), 'utf8').replace(
        '  - config.env\n',
        '  - config.env\n  - extra.env\n',
      ),
    );
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'extra');
    rmSync(join(repo, 'overlays', 'prod', 'extra.env'));
    git(repo, 'commit', '-q', '-a', '-m', 'extra.env gone');
    // HEAD~1 names extra.env and holds it; HEAD names it and lacks it: make the working tree have it
    writeFileSync(join(repo, 'overlays', 'prod', 'extra.env'), 'EXTRA=1\n');
    const fake = join(bin, 'kustomize');
    writeFileSync(
      fake,
      readFileSync(fake, 'utf8').replace(
        '#!/bin/sh\n',
        '#!/bin/sh\n[ -f "$2/extra.env" ] || { echo "Error: open extra.env: no such file or directory" >&2; exit 1; }\n',
      ),
    );
    const r = diff('--base', 'HEAD', '.', '--render-kustomize');
    assert.match(
      r.stdout,
      /before: `kustomize build overlays\/prod` exited with status 1: Error: open extra\.env: no such file or directory\. .*Its kustomization is analysed as netpol-lens reads it/,
      r.stdout + r.stderr,
    );
    assert.equal(r.code, 1, 'the reader (frontend app=frontend) against the build (app=ui): a difference');
    const md = diff('--base', 'HEAD', '.', '--render-kustomize', '--format', 'md');
    assert.match(md.stdout, /before: `kustomize build overlays\/prod` exited with status 1/);
    const json = diff('--base', 'HEAD', '.', '--render-kustomize', '--format', 'json');
    assert.match(json.stderr, /before: `kustomize build overlays\/prod` exited with status 1/);
    const ok = diff('--base', 'HEAD~1', '.', '--render-kustomize');
    assert.doesNotMatch(ok.stdout, /exited/, 'HEAD~1 holds extra.env: its copy has it');
  });
});

describe('diff --base: the command a too-large copy suggests names the paths compared', () => {
  const { checkoutPaths } = loadLspModule<{
    checkoutPaths(
      this: void,
      c: { root: string; commit: string; ref: string; paths?: readonly string[] },
    ): string;
  }>('../cli/kustomize.ts');
  const root = process.cwd();
  const at = (paths?: string[]): string => checkoutPaths({ root, commit: 'c', ref: 'main', paths });

  it('the one path given, and the same path in the checkout; generic otherwise', () => {
    assert.equal(at(['.']), '<folder> .');
    assert.equal(at(['overlays/prod']), '<folder>/overlays/prod overlays/prod');
    assert.equal(at([join(root, 'k8s')]), `<folder>/k8s ${join(root, 'k8s')}`);
    assert.equal(at(['a', 'b']), '<folder>/<path> <path>');
    assert.equal(at(['../elsewhere']), '<folder>/<path> <path>');
    assert.equal(at(), '<folder>/<path> <path>');
  });
});
