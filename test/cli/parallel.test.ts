/**
 * The CLI reads files on worker threads as well as the main thread (cli/parallel.ts): the same
 * analysis as one thread, byte for byte — findings, listings, stderr and exit codes — whatever
 * thread read which file, the standard input included, and for a file nested too deep for the
 * parser's stack (where it overflows depends on the thread's stack: such a file is read again on
 * the main thread).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { ROOT } from '../support/golden';

interface Parallel {
  collectFiles: (paths: readonly string[]) => string[];
  readAllFacts: (
    files: readonly string[],
    limitBytes: number,
    options: object,
    byThread?: number[],
  ) => unknown[];
}

const CLI = join(ROOT, 'server', 'dist', 'cli.js');

function cli(
  workers: number,
  args: string[],
  input?: string,
): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    env: { ...process.env, NETPOL_LENS_WORKERS: String(workers) },
    ...(input !== undefined ? { input } : {}),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function withDir(files: Record<string, string>, fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-lens-parallel-'));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('check of every fixture and the examples: two worker threads give the one-thread output byte for byte', () => {
  const args = ['check', 'test/fixtures', 'examples', '-', '--format', 'json', '--fail-on', 'warning'];
  const input = readFileSync(join(ROOT, 'examples', 'layer1', 'apps.yaml'), 'utf8');
  const one = cli(0, args, input);
  const two = cli(2, args, input);
  assert.ok(one.stdout.length > 100_000, one.stderr);
  assert.equal(two.code, one.code);
  assert.equal(two.stderr, one.stderr);
  assert.ok(two.stdout === one.stdout, 'the check JSON differs between one and two threads');
});

test('settings that change how files are read (--namespace) reach the worker threads', () => {
  const args = ['check', 'test/fixtures/realworld', '--namespace', 'elsewhere', '--format', 'json'];
  const one = cli(0, args);
  const two = cli(2, args);
  assert.notEqual(one.stdout, cli(0, ['check', 'test/fixtures/realworld', '--format', 'json']).stdout);
  assert.deepEqual(two, one);
});

test('reach of the examples: the same listing with worker threads', () => {
  for (const format of ['json', 'summary']) {
    const one = cli(0, ['reach', 'examples', '--format', format]);
    const two = cli(2, ['reach', 'examples', '--format', format]);
    assert.equal(one.code, 0, one.stderr);
    assert.deepEqual(two, one);
  }
});

test('the worker threads read files, and every outcome equals the one thread read', () => {
  // cli/ is bundled, not compiled by the test project: bundle cli/parallel.ts (its workers load
  // the same file) and keep it while they run
  const dir = mkdtempSync(join(tmpdir(), 'netpol-lens-parallel-mod-'));
  const file = join(dir, 'parallel.cjs');
  const saved = process.env.NETPOL_LENS_WORKERS;
  try {
    esbuild.buildSync({
      stdin: {
        contents: "export { collectFiles } from './load'; export { readAllFacts } from './parallel';",
        resolveDir: join(ROOT, 'server', 'src', 'cli'),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: file,
      logLevel: 'silent',
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the bundle just written (a path known only at run time)
    const { collectFiles, readAllFacts } = require(file) as Parallel;
    const files = collectFiles([join(ROOT, 'test', 'fixtures')]);
    process.env.NETPOL_LENS_WORKERS = '0';
    const alone: number[] = [];
    const one = readAllFacts(files, 8 * 1024 * 1024, {}, alone);
    process.env.NETPOL_LENS_WORKERS = '2';
    const counts: number[] = [];
    const two = readAllFacts(files, 8 * 1024 * 1024, {}, counts);
    assert.deepEqual(alone, [files.length]);
    assert.equal(counts.length, 3);
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      files.length,
    );
    assert.ok((counts[1] ?? 0) + (counts[2] ?? 0) > 0, `no file was read by a worker: ${counts.join(', ')}`);
    assert.deepEqual(two, one);
  } finally {
    if (saved === undefined) delete process.env.NETPOL_LENS_WORKERS;
    else process.env.NETPOL_LENS_WORKERS = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a file nested too deep for the stack reports the same place with worker threads (read on the main thread)', () => {
  const deep = 20_000;
  const policy = (name: string, spec: string): string =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: web\nspec:\n${spec}`;
  const files: Record<string, string> = {
    'deep.yaml': policy('deep', `  podSelector: {}\n  ingress: ${'['.repeat(deep)}${']'.repeat(deep)}\n`),
    'deep-block.yaml': policy('deepb', `  podSelector: {}\n  ingress:\n  ${'- '.repeat(deep)}x\n`),
  };
  // enough other files that the workers take some, the deep ones among them
  for (let i = 0; i < 40; i++)
    files[`p${String(i).padStart(2, '0')}.yaml`] = policy(`p${i}`, '  podSelector: {}\n');
  withDir(files, (dir) => {
    const one = cli(0, ['check', dir, '--format', 'json']);
    assert.match(one.stdout, /nests its collections too deeply/);
    for (let run = 0; run < 3; run++) {
      const many = cli(3, ['check', dir, '--format', 'json']);
      assert.deepEqual(many, one);
    }
  });
});
