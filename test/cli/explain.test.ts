/**
 * `explain` on test/fixtures/cli/shop: ids without `[Kind]` (unambiguous and ambiguous), did you
 * mean for unknown ids.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const SHOP = 'test/fixtures/cli/shop';

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('explain ns/name without [Kind]: the one workload of that name, the same answer as its full id', () => {
  const short = cli('explain', 'prod/frontend', 'prod/db', '5432/TCP', SHOP);
  const full = cli('explain', 'prod/frontend[Deployment]', 'prod/db[Deployment]', '5432/TCP', SHOP);
  assert.equal(short.stderr, '');
  assert.equal(short.code, full.code);
  assert.equal(short.stdout, full.stdout);
  assert.match(short.stdout, /^prod\/frontend\[Deployment\] → prod\/db\[Deployment\] on TCP 5432: /);
  // and in reach --from/--to
  const reach = cli('reach', SHOP, '--format', 'json', '--from', 'prod/frontend', '--no-external');
  assert.equal(reach.code, 0, reach.stderr);
  const j = JSON.parse(reach.stdout) as { connections: Array<{ src: string }> };
  assert.ok(j.connections.every((c) => c.src === 'prod/frontend[Deployment]'));
});

test('explain ns/name shared by several kinds: a usage error listing the candidates with their [Kind]', () => {
  const r = cli('explain', 'prod/cache', 'prod/db', 'any', SHOP);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr,
    'netpol-lens: "prod/cache" is ambiguous: 2 workloads of namespace prod are named cache; give the kind: prod/cache[Deployment] and prod/cache[StatefulSet]\n',
  );
  const reach = cli('reach', SHOP, '--to', 'prod/cache');
  assert.equal(reach.code, 2);
  assert.match(reach.stderr, /"prod\/cache" is ambiguous: .*prod\/cache\[StatefulSet\]/);
});

test('explain with an unknown id: did you mean the nearest id (edit distance), never one that does not exist', () => {
  const typo = cli('explain', 'prod/frontnd', 'prod/db', 'any', SHOP);
  assert.equal(typo.code, 2);
  assert.match(
    typo.stderr,
    /unknown endpoint "prod\/frontnd": .*\(did you mean prod\/frontend\[Deployment\]\?\)\n$/,
  );
  const kind = cli('explain', 'prod/db[Deploymnet]', 'prod/web', 'any', SHOP);
  assert.match(kind.stderr, /\(did you mean prod\/db\[Deployment\]\?\)\n$/);
  const ambiguous = cli('explain', 'prod/cach', 'prod/web', 'any', SHOP);
  assert.match(
    ambiguous.stderr,
    /\(did you mean prod\/cache\[Deployment\] or prod\/cache\[StatefulSet\]\?\)\n$/,
  );
  const far = cli('explain', 'prod/zzzzzzzz', 'prod/web', 'any', SHOP);
  assert.doesNotMatch(far.stderr, /did you mean/);
});
