/** The CLI on analysis roots (test/fixtures/roots): --cluster, one root per reach and explain. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const FLUX = 'test/fixtures/roots/flux';
const KUSTOMIZE = 'test/fixtures/roots/kustomize';

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('check: identical policies in two cluster folders are no duplicates', () => {
  const r = cli('check', FLUX, '--format', 'json');
  assert.equal(r.code, 0, r.stderr);
  const codes = (JSON.parse(r.stdout) as Array<{ code: string }>).map((f) => f.code);
  assert.deepEqual(
    codes.filter((c) => c.startsWith('duplicate-')),
    [],
  );
});

test('check --cluster: only that root, and stderr says which roots were left out', () => {
  const r = cli('check', FLUX, '--cluster', 'clusters/staging');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /checked analysis root clusters\/staging \(not the 1 other root: \(other files\)\)/);
  const none = cli('check', FLUX, '--cluster', 'nowhere/*');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no folder matches --cluster nowhere\/\*/);
});

test('reach with several roots and no --cluster: exit 2, listing the roots', () => {
  const r = cli('reach', FLUX);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    /3 analysis roots \(clusters\/production, clusters\/staging, \(other files\)\).*--cluster clusters\/production/,
  );
});

test('reach --cluster: that cluster alone, named in the title (golden)', () => {
  const r = cli('reach', FLUX, '--cluster', 'clusters/staging', '--format', 'summary');
  assert.equal(r.code, 0, r.stderr);
  assertGolden('roots_reach_staging_summary.txt', r.stdout);
});

test('explain: kustomize namespaces are the ids; the one root knowing both endpoints answers (golden)', () => {
  const r = cli('explain', 'prod/web[Deployment]', 'prod/db[StatefulSet]', '5432/TCP', KUSTOMIZE);
  assert.equal(r.code, 0, r.stderr);
  assertGolden('roots_explain_prod.txt', r.stdout);
  const dev = cli(
    'explain',
    'dev/web[Deployment]',
    'dev/db[StatefulSet]',
    '5432/TCP',
    KUSTOMIZE,
    '--cluster',
    'overlays/dev',
  );
  assert.equal(dev.code, 1, dev.stderr); // default-deny of the component
  assert.match(dev.stdout, /DENIED/);
  assert.match(dev.stdout, /analysis root overlays\/dev/);
  const both = cli('explain', 'shop/web[Deployment]', 'shop/db[Deployment]', '80/TCP', FLUX);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /2 analysis roots \(clusters\/production, clusters\/staging\)/);
});

test('check: a kustomization-set namespace is no missing-namespace (golden)', () => {
  const r = cli('check', KUSTOMIZE);
  assert.equal(r.code, 0, r.stderr);
  assertGolden('roots_check_kustomize.txt', r.stdout);
});

test('diff --cluster: compares that cluster of both sides; an edit elsewhere is not its change', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-diff-roots-'));
  try {
    cpSync(join(ROOT, FLUX), join(dir, 'flux'), { recursive: true });
    // staging's db admits everything now, not only web
    const file = join(dir, 'flux/clusters/staging/policies.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('- from: [{podSelector: {matchLabels: {app: web}}}]', '- {}'),
    );
    const staging = cli('diff', FLUX, join(dir, 'flux'), '--cluster', 'clusters/staging', '--format', 'json');
    assert.equal(staging.code, 1, staging.stderr);
    const changes = (
      JSON.parse(staging.stdout) as { changes: Array<{ src: string; dst: string; before: unknown }> }
    ).changes;
    assert.ok(changes.length > 0 && changes.every((c) => c.dst === 'shop/db[Deployment]'), staging.stdout);
    assert.ok(
      changes.every((c) => c.before === 'none'),
      staging.stdout,
    );
    const text = cli('diff', FLUX, join(dir, 'flux'), '--cluster', 'clusters/staging');
    assert.match(text.stdout, /^Reachability changes from .* \(analysis root clusters\/staging\): /);
    // production is untouched
    const production = cli('diff', FLUX, join(dir, 'flux'), '--cluster', 'clusters/production');
    assert.equal(production.code, 0, production.stdout + production.stderr);
    assert.match(production.stdout, /no change in reachability/);
    // no such cluster: a usage error naming the roots
    const none = cli('diff', FLUX, join(dir, 'flux'), '--cluster', 'nowhere/*');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no folder matches --cluster nowhere\/\*/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an extensionless Kustomization is read as kustomize reads it: its overlay is a root of its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-kustomization-name-'));
  try {
    cpSync(join(ROOT, KUSTOMIZE), dir, { recursive: true });
    const dev = join(dir, 'overlays', 'dev');
    writeFileSync(join(dev, 'Kustomization'), readFileSync(join(dev, 'kustomization.yaml')));
    rmSync(join(dev, 'kustomization.yaml'));
    const r = cli(
      'explain',
      'dev/web[Deployment]',
      'dev/db[StatefulSet]',
      '5432/TCP',
      dir,
      '--cluster',
      'overlays/dev',
    );
    assert.equal(r.code, 1, r.stdout + r.stderr); // default-deny of the component the overlay lists
    assert.match(r.stdout, /DENIED/);
    assert.match(r.stdout, /analysis root overlays\/dev/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
