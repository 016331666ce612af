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
    const fake = (name: string, body: string): void => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    fake(
      'kustomize',
      `echo "$PWD|$@" >> '${log}'\n/bin/cat '${join(FIXTURE, 'kustomize-build-output.txt')}'`,
    );
    fake('failing', `echo "Error: accumulating resources: 'patch.yaml' not found" >&2\nexit 1`);
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
