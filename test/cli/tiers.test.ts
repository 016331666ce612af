/**
 * The cluster-wide tiers in the CLI views (test/fixtures/cli/tiers): the explain trail of one
 * connection decided in each tier (Admin, a Pass to the NetworkPolicy tier, Baseline) and of a
 * domain name, and domain names as endpoints of `reach` (text, json, summary).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const TIERS = 'test/fixtures/cli/tiers';

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const TRAILS: Array<[string, string, string, string, number, RegExp]> = [
  // Admin: delegate's deny-dev decides prod/db's ingress before any NetworkPolicy
  [
    'admin',
    'dev/web',
    'prod/db',
    '5432/TCP',
    1,
    /Admin tier: cnp\/delegate priority 20, ingress rule deny-dev → Deny/,
  ],
  // Pass: delegate's pass-team-traffic hands it to the NetworkPolicy tier, where prod/np-db allows it
  [
    'pass',
    'prod/api',
    'prod/db',
    '5432/TCP',
    0,
    /Admin tier: passed to the NetworkPolicy tier by cnp\/delegate priority 20, ingress rule pass-team-traffic \(TCP 5432\); NetworkPolicy tier: isolated by prod\/np-db; allowed \(TCP 5432\) by prod\/np-db ingress rule 1/,
  ],
  // Baseline: no NetworkPolicy isolates dev/web, dev-baseline denies prod's traffic
  [
    'baseline',
    'prod/api',
    'dev/web',
    '80/TCP',
    1,
    /NetworkPolicy tier: no NetworkPolicy isolates it in this direction, so TCP 80 goes on to the Baseline tier; Baseline tier: cnp\/dev-baseline priority 10, ingress rule deny-from-prod → Deny/,
  ],
  // a domain name: Admin Accept by name, with the enforcement note
  [
    'domain',
    'prod/api',
    'db.example.com',
    '5432/TCP',
    0,
    /Admin tier: cnp\/platform-egress priority 10, egress rule accept-rds → Accept \(TCP 5432\)[\s\S]*DNS-aware support/,
  ],
];

for (const [name, src, dst, port, code, trail] of TRAILS)
  test(`explain: the trail of a connection decided in the ${name} tier`, () => {
    const r = cli('explain', src, dst, port, TIERS);
    assert.equal(r.stderr, '');
    assert.equal(r.code, code, r.stdout);
    assert.match(r.stdout, trail);
    assertGolden(`tiers_explain_${name}.txt`, r.stdout);
  });

test('explain: a wildcard domainNames entry matches names one or more labels below it, not the name itself', () => {
  const deep = cli('explain', 'prod/api', 'a.redis.cache.example.com', '6379/TCP', TIERS);
  assert.equal(deep.code, 0, deep.stdout);
  assert.match(deep.stdout, /accept-rds → Accept \(TCP 6379\)/);
  const apex = cli('explain', 'prod/api', 'cache.example.com', '6379/TCP', TIERS);
  assert.equal(apex.code, 1, apex.stdout); // not matched by name: the Deny of every address decides
  assert.match(apex.stdout, /egress rule deny-everything-else → Deny \(TCP 6379\)/);
  assert.doesNotMatch(apex.stdout, /accept-rds/);
  // on another port the rule does not apply
  const other = cli('explain', 'prod/api', 'db.example.com', '443/TCP', TIERS);
  assert.doesNotMatch(other.stdout, /accept-rds/);
});

test('explain: a domain name is a destination only', () => {
  const r = cli('explain', 'db.example.com', 'prod/api', '80/TCP', TIERS);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"db.example.com" is a domain name, and domain names are destinations only/);
});

test('reach: domain names are endpoints of their own (text, json, summary)', () => {
  const text = cli('reach', TIERS);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /→ db\.example\.com\s+TCP 5432,6379/);
  assert.match(
    text.stdout,
    /Domain names \(db\.example\.com, \*\.example\.com\) are the names of domainNames peers/,
  );
  assertGolden('tiers_reach.txt', text.stdout);
  const json = cli('reach', TIERS, '--format', 'json');
  assert.equal(json.code, 0, json.stderr);
  const j = JSON.parse(json.stdout) as {
    connections: Array<{ src: string; dst: string; conns: unknown }>;
    domains?: Array<{ id: string; note: string }>;
  };
  assert.deepEqual(
    j.domains?.map((d) => d.id),
    ['*.cache.example.com', 'db.example.com'],
  );
  // never a source; every workload reaches the names on 5432 and 6379 (accept-rds), nothing else
  assert.ok(j.connections.every((c) => c.src !== 'db.example.com' && c.src !== '*.cache.example.com'));
  const toDb = j.connections.filter((c) => c.dst === 'db.example.com');
  assert.deepEqual(
    toDb.map((c) => c.src),
    ['dev/web[Deployment]', 'prod/api[Deployment]', 'prod/db[Deployment]'],
  );
  assert.ok(
    toDb.every(
      (c) =>
        JSON.stringify(c.conns) ===
        JSON.stringify({
          TCP: [
            [5432, 5432],
            [6379, 6379],
          ],
        }),
    ),
  );
  assertGolden('tiers_reach.json', json.stdout);
  const summary = cli('reach', TIERS, '--format', 'summary');
  assert.equal(summary.code, 0, summary.stderr);
  assert.match(summary.stdout, /→ domain names:/);
  // dev-baseline denies prod's traffic into dev: the summary reads the tiers too
  assert.match(summary.stdout, /prod → dev, outside the cluster: nothing allowed/);
  assertGolden('tiers_reach_summary.txt', summary.stdout);
});
