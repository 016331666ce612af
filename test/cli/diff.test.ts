/** The built CLI's `diff` (docs/cli.md): goldens on the seed example, the JSON contract, exit codes, `--base`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';
import { git } from '../support/git';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
/** A copy of the seed example with one edit: np-layer1 lets layer2 in on TCP 80. */
const OPENS = 'test/fixtures/diff/seed-opens-layer2';

function cli(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

for (const format of ['text', 'md', 'json', 'sarif']) {
  test(`diff examples ${OPENS} --format ${format} matches its golden`, () => {
    const r = cli(ROOT, 'diff', 'examples', OPENS, '--format', format);
    assert.equal(r.code, 1, r.stderr);
    assertGolden(`examples_diff_opens_layer2.${format === 'text' ? 'txt' : format}`, r.stdout);
  });
}

test('diff json follows the contract: version 1, one entry per changed ordered pair, before and after', () => {
  const r = cli(ROOT, 'diff', 'examples', OPENS, '--format', 'json');
  const j = JSON.parse(r.stdout) as { version: number; changes: Array<Record<string, unknown>> };
  assert.deepEqual(Object.keys(j), ['version', 'changes']);
  assert.equal(j.version, 1);
  // layer2's two workloads to layer1's two, TCP 80 only (the seed's layer2 egress allows it)
  assert.deepEqual(
    j.changes.map((c) => `${String(c.src)} → ${String(c.dst)}`),
    [
      'layer2/busybox2[Deployment] → layer1/busybox1[Deployment]',
      'layer2/busybox2[Deployment] → layer1/nginx1[Deployment]',
      'layer2/nginx2[Deployment] → layer1/busybox1[Deployment]',
      'layer2/nginx2[Deployment] → layer1/nginx1[Deployment]',
    ],
  );
  for (const c of j.changes) {
    assert.deepEqual(Object.keys(c), ['src', 'dst', 'before', 'after']);
    assert.equal(c.before, 'none');
    assert.deepEqual(c.after, { TCP: [[80, 80]] });
  }
  // the other way round it closes
  const back = JSON.parse(cli(ROOT, 'diff', OPENS, 'examples', '--format', 'json').stdout) as {
    changes: Array<{ before: unknown; after: unknown }>;
  };
  assert.equal(back.changes.length, 4);
  assert.ok(back.changes.every((c) => c.after === 'none'));
});

test('diff exit codes: 0 same, 1 different, --fail-on opened only when opened, 2 usage', () => {
  assert.equal(cli(ROOT, 'diff', 'examples', 'examples').code, 0);
  assert.match(cli(ROOT, 'diff', 'examples', 'examples').stdout, /no change in reachability/);
  assert.equal(cli(ROOT, 'diff', 'examples', OPENS, '--fail-on', 'opened').code, 1);
  const closing = cli(ROOT, 'diff', OPENS, 'examples', '--fail-on', 'opened');
  assert.equal(closing.code, 0, 'closing only is not a failure with --fail-on opened');
  assert.match(
    closing.stdout,
    /closed: busybox2 → nginx1 TCP 80 \(allowed before by `layer1\/np-layer1` ingress rule 2, /,
  );
  assert.equal(cli(ROOT, 'diff', OPENS, 'examples').code, 1);
  for (const bad of [
    ['diff', 'examples'],
    ['diff', 'examples', OPENS, '--format', 'csv'],
    ['diff', 'examples', OPENS, '--fail-on', 'error'],
    ['diff', 'examples', 'no-such-folder'],
    ['diff', '--base'],
  ]) {
    const r = cli(ROOT, ...bad);
    assert.equal(r.code, 2, `${bad.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, /^netpol-lens: /);
  }
});

test('diff sarif marks each opened connection on the rule that opened it', () => {
  const r = cli(ROOT, 'diff', 'examples', OPENS, '--format', 'sarif');
  const s = JSON.parse(r.stdout) as {
    runs: Array<{
      results: Array<{
        ruleId: string;
        message: { text: string };
        locations: Array<{
          physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }>;
      }>;
    }>;
  };
  const results = s.runs[0]?.results ?? [];
  assert.equal(results.length, 4);
  for (const res of results) {
    assert.equal(res.ruleId, 'reachability-opened');
    assert.match(
      res.message.text,
      /^opened: layer2\/\w+\[Deployment\] → layer1\/\w+\[Deployment\] TCP 80 by layer1\/np-layer1 ingress rule 2$/,
    );
    assert.deepEqual(
      res.locations.map((l) => [
        l.physicalLocation.artifactLocation.uri,
        l.physicalLocation.region.startLine,
      ]),
      [[`${OPENS}/layer1/np-layer1.yaml`, 19]],
    );
  }
  const lines = readFileSync(join(ROOT, OPENS, 'layer1', 'np-layer1.yaml'), 'utf8').split('\n');
  assert.match(lines[18] ?? '', /^ {2}- from:/);
});

test('diff --base reads the old side with git (committed, modified, added, deleted files) without checking out', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'netpol-diff-')));
  try {
    git(dir, 'init', '-q');
    cpSync(join(ROOT, 'examples'), join(dir, 'k8s'), { recursive: true });
    writeFileSync(join(dir, 'k8s', 'notes.txt'), 'not a manifest\n');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'seed');
    const head = git(dir, 'rev-parse', 'HEAD').trim();
    // unchanged: nothing
    let r = cli(dir, 'diff', '--base', 'HEAD', 'k8s');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /against HEAD: no change in reachability/);
    // modified: the edit of np-layer1 opens layer2 → layer1 on TCP 80
    cpSync(join(ROOT, OPENS, 'layer1', 'np-layer1.yaml'), join(dir, 'k8s', 'layer1', 'np-layer1.yaml'));
    r = cli(dir, 'diff', '--base', 'HEAD', 'k8s', '--format', 'json');
    assert.equal(r.code, 1, r.stderr);
    const opened = JSON.parse(r.stdout) as { changes: Array<{ src: string; dst: string }> };
    assert.equal(opened.changes.length, 4);
    assert.ok(opened.changes.every((c) => c.src.startsWith('layer2/') && c.dst.startsWith('layer1/')));
    // deleted: np-layer3 gone opens layer3; the old side is named as HEAD:<path>
    rmSync(join(dir, 'k8s', 'layer3', 'np-layer3.yaml'));
    r = cli(dir, 'diff', '--base', 'HEAD', 'k8s');
    assert.match(
      r.stdout,
      /\n {2}opened, no longer isolated by `layer3\/np-layer3`, HEAD:k8s\/layer3\/np-layer3\.yaml:4:\n(?: {4}.*\n)*? {4}busybox3 → nginx3 all ports\n/,
    );
    // added (untracked): a new workload in layer3 has "none" before
    mkdirSync(join(dir, 'k8s', 'extra'));
    writeFileSync(
      join(dir, 'k8s', 'extra', 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: cache\n  namespace: layer3\n  labels:\n    app: cache\nspec:\n  containers:\n  - name: c\n    image: x\n',
    );
    r = cli(dir, 'diff', '--base', head, 'k8s', '--format', 'json');
    const all = JSON.parse(r.stdout) as { changes: Array<{ src: string; dst: string; before: unknown }> };
    const cache = all.changes.filter((c) => c.src === 'layer3/cache[Pod]' || c.dst === 'layer3/cache[Pod]');
    assert.ok(cache.length > 0);
    assert.ok(cache.every((c) => c.before === 'none'));
    // a path named from a sub-folder, and a folder that only exists at the ref
    r = cli(join(dir, 'k8s'), 'diff', '--base', 'HEAD', 'layer1');
    assert.equal(
      r.code,
      0,
      `only layer1 read: its policy alone opens nothing between read workloads: ${r.stdout}`,
    );
    rmSync(join(dir, 'k8s', 'layer2'), { recursive: true });
    r = cli(dir, 'diff', '--base', 'HEAD', 'k8s/layer2', '--format', 'json');
    assert.equal(r.code, 1, r.stderr);
    const gone = JSON.parse(r.stdout) as { changes: Array<{ after: unknown }> };
    assert.ok(gone.changes.length > 0 && gone.changes.every((c) => c.after === 'none'));
    // nothing was checked out or changed in the repository
    assert.match(git(dir, 'status', '--porcelain'), /^ D k8s\/layer3\/np-layer3\.yaml$/m);
    assert.equal(git(dir, 'rev-parse', 'HEAD').trim(), head);
    // a bad ref, a path in neither
    r = cli(dir, 'diff', '--base', 'no-such-ref', 'k8s');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown git ref "no-such-ref"/);
    r = cli(dir, 'diff', '--base', 'HEAD', 'nowhere');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no such file or directory: nowhere \(neither in the working tree nor at HEAD\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('diff --base outside a git repository is a clear usage error', () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'netpol-nogit-')));
  try {
    cpSync(join(ROOT, 'examples'), join(dir, 'k8s'), { recursive: true });
    const r = spawnSync(process.execPath, [CLI, 'diff', '--base', 'HEAD', 'k8s'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_CEILING_DIRECTORIES: dir.replace(/[/\\][^/\\]*$/, '') },
    });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--base needs a git repository: .* is not inside one/);
    assert.equal(r.stdout, '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('diff text and md say "now isolated by" once for the pairs of a group that share it', () => {
  const dir = 'test/fixtures/corpus/netpol-analyzer';
  const args = [
    `${dir}/test_with_named_ports_changed_netpol/input`,
    `${dir}/test_with_named_ports_changed_netpol_2/input`,
  ];
  const cause = 'now isolated by `kube-system/ingress-based-on-named-ports`';
  const text = spawnSync(process.execPath, [CLI, 'diff', ...args], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(text.status, 1, text.stderr);
  assert.match(
    text.stdout,
    new RegExp(
      `\\n  closed, ${cause.replace(/[`/]/g, '.')}, [^\\n]*policies\\.yaml:4:\\n    cog-agents-analyzer → tiller-deploy-5c45c9966b all ports\\n`,
    ),
  );
  // the shared cause is not repeated on the pairs it gathers
  assert.doesNotMatch(text.stdout, /closed: cog-agents-analyzer → tiller-deploy-5c45c9966b/);
  // the same for what opened because a policy no longer isolates a side
  assert.match(
    text.stdout,
    /\n {2}opened, no longer isolated by `kube-system-dummy-to-ignore\/ingress-based-on-named-ports`, [^\n]*:\n {4}cog-agents-analyzer → calico-kube-controllers-7694668c77 all ports\n/,
  );
  const md = spawnSync(process.execPath, [CLI, 'diff', ...args, '--format', 'md'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.match(
    md.stdout,
    /\n- \*\*closed\*\*, now isolated by `kube-system\/ingress-based-on-named-ports`, [^\n]*:\n {2}- `cog-agents-analyzer` → `tiller-deploy-5c45c9966b` all ports\n/,
  );
});
