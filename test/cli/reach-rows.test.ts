/**
 * `reach` table rows of sources that reach nothing: the wording says what is true for the listed
 * destinations (egress isolation, the destinations' ingress isolation, no common port), and
 * `--from` lists only that source.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const SHOP = 'test/fixtures/cli/shop';
const LOCKED = 'test/fixtures/cli/locked';

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test("reach --to: a source with open egress is denied by the destination's ingress isolation; no common port; no row for the destination itself", () => {
  const r = cli('reach', SHOP, '--to', 'prod/db');
  assert.equal(r.code, 0, r.stderr);
  assertGolden('shop_reach_to_db.txt', r.stdout);
  assert.doesNotMatch(r.stdout, /every outgoing connection is denied/);
  assert.match(
    r.stdout,
    / {2}web\[Deployment\] {2}in: open, out: open\n {4}→ \(nothing: denied by prod\/db\[Deployment\]'s ingress isolation \(prod\/np-db\)\)\n/,
  );
  assert.match(
    r.stdout,
    /→ \(nothing: its egress allows TCP 5432 to prod\/db\[Deployment\], whose ingress isolation \(prod\/np-db\) admits TCP 8080 from it: no port in common\)/,
  );
  assert.doesNotMatch(r.stdout, / {2}db\[Deployment\] {2}in:/, 'db is not a source of --to itself');
});

test('reach --no-external: egress isolation and a common-port miss counted in one row', () => {
  const r = cli('reach', SHOP, '--no-external');
  assertGolden('shop_reach_no_external.txt', r.stdout);
  assert.match(
    r.stdout,
    /frontend\[Deployment\] {2}in: open, out: isolated\n {4}→ \(nothing: its egress isolation \(prod\/np-frontend\) denies 5 destinations; prod\/db\[Deployment\] admits other ports than its egress allows\)\n/,
  );
});

test('reach: open egress, every destination isolated for ingress; egress isolation allowing none', () => {
  const locked = cli('reach', LOCKED, '--no-external');
  assertGolden('locked_reach_no_external.txt', locked.stdout);
  assert.equal(
    (
      locked.stdout.match(
        /→ \(nothing: its egress is open, but the ingress isolation of both destinations \(locked\/deny-ingress\) denies it\)/g,
      ) ?? []
    ).length,
    3,
  );
  const ex = cli('reach', 'examples');
  assert.match(
    ex.stdout,
    /busybox3\[Deployment\] {2}in: isolated, out: isolated\n {4}→ \(nothing: its egress isolation \(layer3\/np-layer3\) allows none of the 6 destinations\)\n/,
  );
});

test('reach --from lists only that source (no "nothing" rows for the others)', () => {
  const r = cli('reach', SHOP, '--from', 'prod/web', '--no-external');
  assert.equal(r.code, 0, r.stderr);
  assert.equal((r.stdout.match(/ {2}in: /g) ?? []).length, 1, r.stdout);
  assert.match(r.stdout, / {2}web\[Deployment\] {2}in: open, out: open\n/);
  assert.doesNotMatch(r.stdout, /nothing/);
});
