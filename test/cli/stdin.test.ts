/**
 * `-` reads a manifest stream from the standard input (`kustomize build … | netpol-lens check -`):
 * the built CLI spawned with the examples piped in, alone and combined with paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');

function cli(input: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', input });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const LAYERS = ['layer1', 'layer2', 'layer3'];
const FILES = ['namespace.yaml', 'apps.yaml', `np-LAYER.yaml`];

/** The examples as one stream, as `kustomize build` prints it: documents separated by `---`. */
function stream(layers = LAYERS): { text: string; lineOf: Map<string, number> } {
  const parts: string[] = [];
  const lineOf = new Map<string, number>(); // examples/<layer>/<file> → its first line in the stream
  let line = 1;
  for (const l of layers) {
    for (const f of FILES) {
      const file = `examples/${l}/${f.replace('LAYER', l)}`;
      const text = readFileSync(join(ROOT, file), 'utf8').replace(/\n*$/, '\n');
      if (parts.length > 0) {
        parts.push('---\n');
        line++;
      }
      lineOf.set(file, line);
      parts.push(text);
      line += text.split('\n').length - 1;
    }
  }
  return { text: parts.join(''), lineOf };
}

test('check -: findings are named <stdin> with the line in the stream (text golden)', () => {
  const { text, lineOf } = stream();
  const r = cli(text, 'check', '-');
  assert.equal(r.code, 0, r.stderr);
  assertGolden('stdin_check.txt', r.stdout);
  // every finding of `check examples`, at its file's offset in the stream
  const fromDisk = spawnSync(process.execPath, [CLI, 'check', 'examples'], { cwd: ROOT, encoding: 'utf8' });
  const expected = fromDisk.stdout
    .trim()
    .split('\n')
    .slice(0, -1)
    .map((l) => {
      const m = /^(\S+):(\d+):(\d+) (.*)$/.exec(l);
      assert.ok(m, l);
      return `<stdin>:${(lineOf.get(m[1] as string) as number) + Number(m[2]) - 1}:${m[3]} ${m[4]}`;
    });
  const got = r.stdout.trim().split('\n').slice(0, -1);
  assert.deepEqual(got, expected);
  assert.match(r.stdout, /3 problems in 1 file /);
});

test('check - --format json and sarif stay valid: path <stdin>, SARIF uri %3Cstdin%3E', () => {
  const { text } = stream();
  const j = JSON.parse(cli(text, 'check', '-', '--format', 'json').stdout) as Array<{ path: string }>;
  assert.equal(j.length, 3);
  assert.ok(j.every((f) => f.path === '<stdin>'));
  const s = JSON.parse(cli(text, 'check', '-', '--format', 'sarif').stdout) as {
    runs: Array<{
      results: Array<{ locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
    }>;
  };
  const uris = s.runs[0]?.results.map((x) => x.locations[0]?.physicalLocation.artifactLocation.uri);
  assert.deepEqual(uris, ['%3Cstdin%3E', '%3Cstdin%3E', '%3Cstdin%3E']);
  assert.equal(decodeURIComponent(uris?.[0] ?? ''), '<stdin>');
});

test('reach -: the same listing as the files; the title names <stdin>', () => {
  const { text } = stream();
  const piped = cli(text, 'reach', '-', '--format', 'json');
  assert.equal(piped.code, 0, piped.stderr);
  const disk = spawnSync(process.execPath, [CLI, 'reach', 'examples', '--format', 'json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(piped.stdout, disk.stdout);
  const summary = cli(text, 'reach', '-', '--format', 'summary');
  assert.match(summary.stdout, /^Reachability of <stdin>: /);
});

test('explain … - combined with a path: stdin and files are one workspace; references name <stdin>', () => {
  const { text, lineOf } = stream(['layer2', 'layer3']);
  const r = cli(
    text,
    'explain',
    'layer3/busybox3[Deployment]',
    'layer1/nginx1[Deployment]',
    '80/TCP',
    '-',
    'examples/layer1',
  );
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stdout, /DENIED/);
  // np-layer3's name is on line 4 of its file
  const np3 = (lineOf.get('examples/layer3/np-layer3.yaml') as number) + 3;
  assert.match(r.stdout, new RegExp(`isolated by layer3/np-layer3 {2}\\(<stdin>:${np3}:9\\)`));
  assert.match(r.stdout, /isolated by layer1\/np-layer1 {2}\(examples\/layer1\/np-layer1\.yaml:4:9\)/);
});

test('check - with an empty standard input: the stream is reported, not skipped silently', () => {
  const r = cli('', 'check', '-', '--format', 'json');
  const j = JSON.parse(r.stdout) as Array<{ path: string; code: string; message: string }>;
  assert.equal(j.length, 1, r.stdout);
  assert.equal(j[0]?.path, '<stdin>');
  assert.match(j[0]?.message ?? '', /^<stdin> holds no Kubernetes object/);
});
