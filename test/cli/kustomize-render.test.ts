/**
 * `--render-kustomize` (core/roots/render.ts, cli/kustomize.ts) with a fake `kustomize` the test
 * puts on the PATH (kustomize is not installed here): it records its arguments and prints the
 * canned build of test/fixtures/roots-render. Findings on the output go back to the source files
 * through the origin annotations, else onto the kustomization; failures are a warning on the
 * kustomization and the reader's transform is analysed instead; nothing runs without the flag.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/golden';
import { fakeKustomize } from '../support/fake-kustomize';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'roots-render');
const WS = join(FIXTURE, 'ws');

interface Found {
  code: string;
  severity: string;
  path: string;
  line: number;
  message: string;
}

describe('check --render-kustomize', () => {
  let tmp: string;
  let bin: string;
  let empty: string;
  let log: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-kustomize-'));
    bin = join(tmp, 'bin');
    empty = join(tmp, 'empty');
    mkdirSync(bin);
    mkdirSync(empty);
    log = join(tmp, 'args.log');
    fakeKustomize(bin, join(FIXTURE, 'kustomize-build-output.txt'), { log });
    writeFileSync(
      join(bin, 'failing'),
      `#!/bin/sh\necho "Error: accumulating resources: 'patch.yaml' not found" >&2\nexit 1\n`,
    );
    chmodSync(join(bin, 'failing'), 0o755);
  });

  after(() => rmSync(tmp, { recursive: true, force: true }));

  const run = (
    path: string,
    ...args: string[]
  ): { code: number; found: Found[]; stderr: string; stdout: string } => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: WS,
      encoding: 'utf8',
      env: { ...process.env, PATH: path },
    });
    let found: Found[] = [];
    try {
      found = args.includes('json') ? (JSON.parse(r.stdout) as Found[]) : [];
    } catch {
      /* not json */
    }
    return { code: r.status ?? -1, found, stderr: r.stderr, stdout: r.stdout };
  };

  it('without the flag: nothing runs, and the information says how to turn rendering on', () => {
    rmSync(log, { force: true });
    const r = run(bin, 'check', '.', '--format', 'json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(log), false, 'kustomize ran without --render-kustomize');
    const info = r.found.find((f) => f.code === 'kustomize-not-rendered');
    assert.equal(info?.severity, 'information');
    assert.match(info?.message ?? '', /--render-kustomize/);
    assert.match(info?.message ?? '', /netpolLens\.kustomize\.render/);
    assert.deepEqual(
      r.found.map((f) => f.code),
      ['kustomize-not-rendered'],
      "the reader does not apply the patch: the base policy's peer matches the frontend",
    );
  });

  it('with it: the output is analysed and each finding is on its source file', () => {
    rmSync(log, { force: true });
    const r = run(bin, 'check', '.', '--format', 'json', '--render-kustomize');
    assert.equal(r.code, 0, r.stderr);
    // kustomize build <dir>, run in the kustomization's folder, no --enable-helm
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    assert.equal(calls.length, 1);
    const [cwd, args] = (calls[0] ?? '').split('|');
    assert.equal(args, `build ${join(WS, 'overlays', 'prod')}`);
    assert.equal(cwd, join(WS, 'overlays', 'prod'));
    const byCode = new Map(r.found.map((f) => [f.code, f]));
    assert.equal(
      byCode.has('kustomize-not-rendered'),
      false,
      'a rendered kustomization is not "not rendered"',
    );
    // the patch relabelled the frontend: the base policy's peer matches nothing, on base/policy.yaml
    const peer = byCode.get('pod-selector-matches-nothing');
    assert.equal(peer?.path, 'base/policy.yaml');
    assert.equal(peer?.line, 10, 'the podSelector of the ingress peer in the source file');
    assert.match(peer?.message ?? '', /\(found in the output of `kustomize build overlays\/prod`\)$/);
    // no origin annotation: on the kustomization, saying how to get them
    const gen = byCode.get('policy-selects-no-pods');
    assert.equal(gen?.path, 'overlays/prod/kustomization.yaml');
    assert.match(gen?.message ?? '', /NetworkPolicy generated.*buildMetadata: \[originAnnotations\]/);
  });

  it('reach and explain answer from the output, and the header says so', () => {
    const r = run(bin, 'reach', '.', '--render-kustomize');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Analysed as `kustomize build overlays\/prod` prints it/);
    const e = run(bin, 'explain', 'prod/frontend', 'prod/web', '80/TCP', '.', '--render-kustomize');
    assert.equal(e.code, 1, `the patched frontend (app=ui) is denied: ${e.stdout}${e.stderr}`);
    const plain = run(bin, 'explain', 'prod/frontend', 'prod/web', '80/TCP', '.');
    assert.equal(plain.code, 0, `as the reader reads it the frontend is allowed: ${plain.stdout}`);
  });

  it('a failing build: a warning on the kustomization with its error, and the reader is used', () => {
    const r = run(
      bin,
      'check',
      '.',
      '--format',
      'json',
      '--render-kustomize',
      '--kustomize-command',
      'failing',
    );
    assert.equal(r.code, 0, r.stderr);
    const w = r.found.find((f) => f.code === 'kustomize-not-rendered');
    assert.equal(w?.severity, 'warning');
    assert.equal(w?.path, 'overlays/prod/kustomization.yaml');
    assert.match(
      w?.message ?? '',
      /`failing overlays\/prod` exited with status 1: Error: accumulating resources/,
    );
    assert.ok(
      !r.found.some((f) => f.code === 'pod-selector-matches-nothing'),
      'the reader transform is analysed',
    );
  });

  it('no kustomize and no kubectl on the PATH: a warning saying what to install or set', () => {
    const r = run(empty, 'check', '.', '--format', 'json', '--render-kustomize');
    assert.equal(r.code, 0, r.stderr);
    const w = r.found.find((f) => f.code === 'kustomize-not-rendered');
    assert.equal(w?.severity, 'warning');
    assert.match(w?.message ?? '', /neither kustomize nor kubectl is on the PATH\. Install kustomize/);
    assert.match(w?.message ?? '', /--kustomize-command/);
  });

  it('diff of two trees renders both sides', () => {
    const r = run(bin, 'diff', '.', '.', '--render-kustomize');
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
});

describe('--render-kustomize on a Flux tree (test/fixtures/roots-render/flux)', () => {
  const FLUX = join(FIXTURE, 'flux');
  let tmp: string;
  let bin: string;
  let log: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-kustomize-flux-'));
    bin = join(tmp, 'bin');
    mkdirSync(bin);
    log = join(tmp, 'args.log');
    fakeKustomize(
      bin,
      {
        'apps/prod': join(FIXTURE, 'flux-build-apps-prod.txt'),
        'clusters/prod/monitoring': join(FIXTURE, 'flux-build-monitoring.txt'),
      },
      { log },
    );
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const run = (...args: string[]): { code: number; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [CLI, ...args], {
      cwd: FLUX,
      encoding: 'utf8',
      env: { ...process.env, PATH: bin },
    });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it('each spec.path with patches or generators is built once, and the output is analysed with its targetNamespace', () => {
    rmSync(log, { force: true });
    const r = run('check', '.', '--format', 'json', '--render-kustomize');
    assert.equal(r.code, 0, r.stderr);
    const calls = readFileSync(log, 'utf8').trim().split('\n').sort();
    assert.deepEqual(calls, [
      `${join(FLUX, 'apps', 'prod')}|build ${join(FLUX, 'apps', 'prod')}`,
      `${join(FLUX, 'clusters', 'prod', 'monitoring')}|build ${join(FLUX, 'clusters', 'prod', 'monitoring')}`,
    ]);
    const found = JSON.parse(r.stdout) as Found[];
    assert.deepEqual(
      found.filter((f) => f.code === 'kustomize-not-rendered'),
      [],
      'both folders are rendered',
    );
    // the patched frontend: the base policy's peer matches nothing, in each cluster's namespace
    const peers = found.filter((f) => f.code === 'pod-selector-matches-nothing');
    assert.deepEqual(
      peers.map((f) => `${f.path}:${f.line} ${/ of (\S+) matches/.exec(f.message)?.[1]}`).sort(),
      ['apps/base/policy.yaml:10 shop-staging/web', 'apps/base/policy.yaml:10 shop/web'],
    );
    for (const f of peers) assert.match(f.message, /found in the output of `kustomize build apps\/prod`/);
  });

  it('reach and explain: the folder inside the cluster folder is rendered too, in its targetNamespace', () => {
    const r = run('reach', '.', '--cluster', 'clusters/prod', '--render-kustomize');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Analysed as `kustomize build apps\/prod` prints it/);
    assert.match(r.stdout, /Analysed as `kustomize build clusters\/prod\/monitoring` prints it/);
    assert.match(r.stdout, /namespace monitoring\n\s+prometheus\[Deployment\]/);
    const e = run(
      'explain',
      'shop/frontend',
      'shop/web',
      '80/TCP',
      '.',
      '--cluster',
      'clusters/prod',
      '--render-kustomize',
    );
    assert.equal(e.code, 1, `the patched frontend (app=ui) is denied: ${e.stdout}${e.stderr}`);
    const plain = run('explain', 'shop/frontend', 'shop/web', '80/TCP', '.', '--cluster', 'clusters/prod');
    assert.equal(plain.code, 0, `as the reader reads it the frontend is allowed: ${plain.stdout}`);
    const m = run(
      'explain',
      'shop/web',
      'monitoring/prometheus',
      '9090/TCP',
      '.',
      '--cluster',
      'clusters/prod',
      '--render-kustomize',
    );
    assert.equal(m.code, 0, `the patch admits namespace shop: ${m.stdout}${m.stderr}`);
    const mPlain = run(
      'explain',
      'shop/web',
      'monitoring/prometheus',
      '9090/TCP',
      '.',
      '--cluster',
      'clusters/prod',
    );
    assert.equal(mPlain.code, 1, `unpatched, prometheus admits its own namespace only: ${mPlain.stdout}`);
  });
});
