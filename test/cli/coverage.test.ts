/**
 * reach and explain say in their header what the analysis left out (issue 8): documents not
 * analysed (here an unrendered template) and policies of other kinds (here a CiliumNetworkPolicy).
 * Where nothing is left out the headers are unchanged (the goldens of cli.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const DIR = join('test', 'fixtures', 'coverage');

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const DOCS =
  '1 document is not analysed (1 unrendered template): these verdicts may be wrong; "check" shows where.';
const KINDS =
  '1 policy of another kind is not analysed: these verdicts may be wrong (1 CiliumNetworkPolicy).';

test('reach: the header counts the documents not analysed and the policies of other kinds', () => {
  const r = cli('reach', DIR);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(
    lines[0] ?? '',
    /^Reachability of test\/fixtures\/coverage: 2 workloads in 1 namespace, 1 NetworkPolicy$/,
  );
  assert.deepEqual(lines.slice(1, 3), [DOCS, KINDS]);
  assert.match(lines[3] ?? '', /^Legend:/);
});

test('reach --format json keeps its contract and says it on stderr', () => {
  const r = cli('reach', DIR, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { version: number }).version, 1);
  assert.match(r.stderr, /1 policy of another kind is not analysed/);
});

test('explain: the lines follow the verdict', () => {
  const r = cli('explain', 'shop/api[Pod]', 'shop/web[Pod]', '80/TCP', DIR);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  assert.match(lines[0] ?? '', /ALLOWED/);
  assert.deepEqual(lines.slice(1, 3), [DOCS, KINDS]);
});

test('check: the Cilium policy is a warning, the templated NetworkPolicy too', () => {
  const r = cli('check', DIR, '--format', 'json');
  const j = JSON.parse(r.stdout) as Array<{ path: string; code: string; severity: string }>;
  const of = (code: string): string[] =>
    j.filter((f) => f.code === code).map((f) => `${f.path} ${f.severity}`);
  assert.deepEqual(of('policy-kind-not-analysed'), [`${DIR}/cilium.yaml warning`]);
  assert.deepEqual(of('helm-template'), [`${DIR}/chart-policy.yaml warning`]);
});
