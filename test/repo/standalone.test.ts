/**
 * The repository stands alone: a user's clone has no sibling `shared` folder (the team's design
 * inputs), so nothing the project builds, tests, benchmarks or runs may read it. Rule: no file of
 * the checkout other than a Markdown (`.md`) file names a path into it — `..` or `/work` then
 * `/shared`, or a path join of the segments `..` and `shared` (see PATTERNS). Markdown may cite it
 * as a design source.
 * Files are those git knows (tracked, or untracked and not ignored); without git, every file
 * outside the ignored build and install folders.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');
/** Not part of the sources: installs, build output, generated benchmark workspaces. */
const SKIP_DIRS = new Set(['.git', 'node_modules', '.e2e', 'out', 'dist', '.work', '.vscode-test']);
const PATTERNS: readonly RegExp[] = [
  /(?:\.\.|\/work)[\\/]shared(?![\w-])/,
  /['"`]\.\.['"`]\s*,\s*['"`]shared['"`]/,
];

function projectFiles(): string[] {
  const git = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (git.status === 0 && git.stdout) {
    return git.stdout
      .split('\0')
      .filter((f) => f && existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).isFile());
  }
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(join(dir, e.name));
      } else if (e.isFile()) out.push(relative(ROOT, join(dir, e.name)).split(sep).join('/'));
    }
  };
  walk(ROOT);
  return out;
}

test('standalone: no file but Markdown names a path into the sibling shared folder (build, test, bench and run read only the checkout)', () => {
  const files = projectFiles();
  assert.ok(
    files.some((f) => f === 'package.json'),
    `project files not found under ${ROOT}`,
  );
  const offences: string[] = [];
  for (const f of files) {
    if (f.endsWith('.md')) continue;
    const buf = readFileSync(join(ROOT, f));
    if (buf.includes(0)) continue; // binary (images, archives)
    buf
      .toString('utf8')
      .split('\n')
      .forEach((line, i) => {
        if (PATTERNS.some((p) => p.test(line))) offences.push(`${f}:${i + 1}: ${line.trim().slice(0, 160)}`);
      });
  }
  const where = `..${'/'}shared`;
  assert.ok(
    offences.length === 0,
    `${offences.length} line(s) reach into ${where} (copy what they need into the repository; only .md files may cite it):\n${offences.join('\n')}`,
  );
});

test('standalone: the scan sees every spelling of a path into the sibling shared folder, and nothing else', () => {
  const up = '..'; // spelt apart, so that this file passes its own scan
  const reads = [
    `join(ROOT, '${up}', 'shared', 'bench')`,
    `"${up}/shared/corpus"`,
    `resolve('${up}\\shared')`,
    `/work${'/'}shared/x`,
  ];
  const fine = [
    'shared/design/checks.md',
    "join(ROOT, 'shared')",
    '../shared-cache',
    'the sibling shared folder',
  ];
  assert.deepEqual(
    reads.filter((l) => !PATTERNS.some((p) => p.test(l))),
    [],
  );
  assert.deepEqual(
    fine.filter((l) => PATTERNS.some((p) => p.test(l))),
    [],
  );
});

test('standalone: the copied inputs are in the repository, with their licence and source', () => {
  const corpus = join(ROOT, 'test', 'fixtures', 'corpus', 'netpol-analyzer');
  assert.ok(existsSync(join(corpus, 'LICENSE')), 'corpus LICENSE');
  const index = JSON.parse(readFileSync(join(corpus, 'index.json'), 'utf8')) as {
    source: { commit: string; license: string };
  };
  assert.match(index.source.commit, /^[0-9a-f]{40}$/);
  assert.equal(index.source.license, 'Apache-2.0');
  assert.match(readFileSync(join(ROOT, 'bench', 'gen-workspace.mjs'), 'utf8'), /Provenance: /);
});
