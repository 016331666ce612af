/**
 * `explain` on test/fixtures/cli/shop: ids without `[Kind]` (unambiguous and ambiguous), did you
 * mean for unknown ids, and the nearest rule of a denied connection (text and JSON).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';

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

test('explain DENIED names the nearest rule: right peer, other port (text golden and JSON field)', () => {
  const r = cli('explain', 'prod/frontend', 'prod/db', '5432/TCP', SHOP);
  assert.equal(r.code, 1, r.stderr);
  assertGolden('shop_explain_nearest_ports.txt', r.stdout);
  assert.match(
    r.stdout,
    /Nearest: ingress rule 1 of prod\/np-db admits app=frontend on TCP 8080, not TCP 5432\./,
  );
  assert.match(
    r.stdout,
    /nearest rule prod\/np-db ingress rule 1 {2}\(test\/fixtures\/cli\/shop\/policies\.yaml:15:7\)/,
  );
  const j = JSON.parse(
    cli('explain', 'prod/frontend', 'prod/db', '5432/TCP', SHOP, '--format', 'json').stdout,
  ) as {
    egress: { nearestRule?: unknown };
    ingress: { nearestRule?: unknown; isolated: boolean };
  };
  assert.equal(j.egress.nearestRule, undefined, 'the allowing side has none');
  assert.deepEqual(j.ingress.nearestRule, {
    policy: 'prod/np-db',
    direction: 'ingress',
    ruleIndex: 0,
    ref: 'test/fixtures/cli/shop/policies.yaml:15:7',
    differs: 'ports',
    text: 'ingress rule 1 of prod/np-db admits app=frontend on TCP 8080, not TCP 5432',
  });
});

test('explain DENIED: right port, one peer label differs; a port name the pod lacks; nothing near', () => {
  const peer = cli('explain', 'prod/web', 'prod/db', '8080/TCP', SHOP);
  assert.equal(peer.code, 1);
  assertGolden('shop_explain_nearest_peer.txt', peer.stdout);
  assert.match(
    peer.stdout,
    /Nearest: ingress rule 1 of prod\/np-db admits TCP 8080 from app=frontend, but prod\/web\[Deployment\] has app=web \(the peer wants app=frontend\)\./,
  );
  // the right peer on another port comes first: rule 2 admits the monitor, on 9187
  const monitor = cli('explain', 'ops/monitor', 'prod/db', '8080/TCP', SHOP);
  assert.match(
    monitor.stdout,
    /Nearest: ingress rule 2 of prod\/np-db admits app=monitor in namespaces env=ops on TCP 9187, not TCP 8080\./,
  );
  // egress side: the frontend may send 5432 to app=db only
  const egress = cli('explain', 'prod/frontend', 'prod/web', '5432/TCP', SHOP);
  assert.match(
    egress.stdout,
    /Nearest: egress rule 1 of prod\/np-frontend admits TCP 5432 to app=db, but prod\/web\[Deployment\] has app=web/,
  );
  const named = cli('explain', 'prod/batch', 'prod/db', 'any', SHOP);
  assert.match(
    named.stdout,
    /Nearest: ingress rule 3 of prod\/np-db admits app=batch on TCP port "postgres", which prod\/db\[Deployment\] does not declare\./,
  );
  // nothing near: other peer and other port
  const none = cli('explain', 'prod/web', 'prod/db', '5432/TCP', SHOP);
  assert.equal(none.code, 1);
  assert.doesNotMatch(none.stdout, /[Nn]earest/);
  assert.match(none.stdout, /To allow it, add an ingress rule/);
});
