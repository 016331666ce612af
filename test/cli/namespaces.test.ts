/**
 * The CLI's run-time settings (issue 8 item 8 and the size limit): `--namespace NS` (kubectl -n),
 * `--namespaces FILE` (namespaces that exist only at run time), `--config` with podProducers, and
 * `--max-file-size` on check, reach and explain alike.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'netpol-lens-ns-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const write = (name: string, text: string): string => {
  writeFileSync(join(dir, name), text);
  return name;
};

const app = write(
  'app.yaml',
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-team-a
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: a}}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
`,
);
const client = write(
  'client.yaml',
  `apiVersion: v1
kind: Pod
metadata: {name: client, namespace: team-a}
spec: {containers: [{name: c, image: busybox}]}
`,
);
const nsMap = write('namespaces.yaml', 'team-a: {team: a}\n');
const nsManifests = write(
  'namespaces-list.yaml',
  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels: {team: a}\n',
);

const codes = (stdout: string): string[] =>
  (JSON.parse(stdout) as Array<{ code: string }>).map((f) => f.code);

describe('--namespace and --namespaces', () => {
  it('check --namespace: the manifests without metadata.namespace are in it, no missing-namespace', () => {
    const before = cli('check', '--format', 'json', app);
    assert.ok(codes(before.stdout).includes('missing-namespace'), before.stdout);
    const r = cli('check', '--format', 'json', '--namespace', 'prod', app);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.ok(!codes(r.stdout).includes('missing-namespace'), r.stdout);
    assert.match(r.stdout, /prod\/from-team-a/);
  });

  it('reach and explain --namespace name the workloads by that namespace', () => {
    const r = cli('reach', '--format', 'json', '--namespace', 'prod', app, client);
    assert.equal(r.code, 0, r.stderr);
    const ids = (JSON.parse(r.stdout) as { workloads: Array<{ id: string }> }).workloads.map((w) => w.id);
    assert.deepEqual(ids, ['prod/web[Deployment]', 'team-a/client[Pod]']);
    const e = cli('explain', 'team-a/client', 'prod/web', '80/TCP', app, client, '--namespace', 'prod');
    assert.equal(e.code, 1, e.stderr);
    assert.match(e.stdout, /^team-a\/client\[Pod\] → prod\/web\[Deployment\] on TCP 80: DENIED\./);
  });

  it('--namespaces FILE (a map, or Namespace manifests) declares namespaces: check, reach and explain agree', () => {
    const before = cli('check', '--format', 'json', '--namespace', 'prod', app, client);
    assert.ok(codes(before.stdout).includes('namespace-selector-matches-nothing'));
    for (const file of [nsMap, nsManifests]) {
      const r = cli('check', '--format', 'json', '--namespace', 'prod', '--namespaces', file, app, client);
      assert.ok(!codes(r.stdout).includes('namespace-selector-matches-nothing'), `${file}: ${r.stdout}`);
      const e = cli(
        'explain',
        'team-a/client',
        'prod/web',
        '80/TCP',
        app,
        client,
        '--namespace',
        'prod',
        '--namespaces',
        file,
      );
      assert.equal(e.code, 0, e.stdout + e.stderr);
      assert.match(e.stdout, /: ALLOWED\./);
      const reach = cli('reach', '--no-external', '--namespace', 'prod', '--namespaces', file, app, client);
      assert.match(
        reach.stdout,
        /client\[Pod\] {2}in: open, out: open\n {4}→ prod\/web\[Deployment\] {2}all/,
      );
    }
    // the namespace of the file exists even with no manifest in it: no workload needed
    const alone = cli('check', '--format', 'json', '--namespace', 'prod', '--namespaces', nsMap, app);
    assert.ok(!codes(alone.stdout).includes('namespace-selector-matches-nothing'), alone.stdout);
  });

  it('usage errors: a bad --namespace, an unreadable or empty --namespaces file (exit 2)', () => {
    const bad = cli('check', '--namespace', 'Not_OK', app);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad --namespace "Not_OK"/);
    const missing = cli('reach', '--namespaces', 'nowhere.yaml', app);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read --namespaces nowhere\.yaml/);
    const empty = cli('explain', 'a/b', 'c/d', 'any', app, '--namespaces', write('empty.yaml', '# none\n'));
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /--namespaces empty\.yaml declares no namespace: it is empty/);
  });
  it('--namespaces in manifest form: every document left out is named on stderr with its line and kind', () => {
    const mixed = write(
      'namespaces-mixed.yaml',
      [
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a, labels: {team: a}}',
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}',
        'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: team-b}\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cfg}',
      ].join('\n---\n') + '\n',
    );
    const r = cli('check', '--format', 'json', '--namespace', 'prod', '--namespaces', mixed, app);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('left out of --namespaces'));
    assert.deepEqual(
      warnings.map((l) => /namespaces-mixed\.yaml:(\d+): (\S+ \S+) is not a Namespace/.exec(l)?.slice(1)),
      [
        ['5', 'Deployment web'],
        ['15', 'ConfigMap cfg'],
      ],
    );
    assert.ok(warnings.every((l) => l.startsWith('netpol-lens: warning: ')));
  });
});

describe('--config on reach and explain (podProducers)', () => {
  it('a custom resource kind of the config is a workload explain names', () => {
    const cr = write(
      'cache.yaml',
      `apiVersion: example.com/v1
kind: Cache
metadata: {name: sessions, namespace: shop}
spec:
  pod: {labels: {app: cache}}
  containers: [{name: redis, ports: [{name: redis, containerPort: 6379}]}]
`,
    );
    const cfg = write(
      'config.json',
      JSON.stringify({
        podProducers: [
          {
            apiVersion: 'example.com/v1',
            kind: 'Cache',
            labelsPath: 'spec.pod.labels',
            portsPath: 'spec.containers',
            name: '{name}-cache',
            workloadKind: 'StatefulSet',
          },
        ],
      }),
    );
    const without = cli('explain', 'team-a/client', 'shop/sessions-cache', '6379/TCP', client, cr);
    assert.equal(without.code, 2);
    const r = cli('explain', 'team-a/client', 'shop/sessions-cache', '6379/TCP', client, cr, '--config', cfg);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /→ shop\/sessions-cache\[StatefulSet\] on TCP 6379: ALLOWED\./);
    const reach = cli('reach', '--format', 'json', '--config', cfg, client, cr);
    assert.match(reach.stdout, /shop\/sessions-cache\[StatefulSet\]/);
  });
});

describe('--max-file-size on reach and explain', () => {
  it('a manifest above the limit is not read, and the header says so', () => {
    // a manifest first (a file above the limit is told from other data by its first 64 KiB), then padding
    const big = write(
      'big.yaml',
      `${readFileSync(join(dir, client), 'utf8')}${'# padding\n'.repeat(120_000)}`,
    );
    const small = cli('reach', '--max-file-size', '1', app, big);
    assert.equal(small.code, 0, small.stderr);
    assert.match(small.stdout, /1 file above the 1 MiB size limit is not read \(--max-file-size raises it\)/);
    assert.doesNotMatch(small.stdout, /team-a\/client/);
    const raised = cli('reach', '--max-file-size', '8', app, big);
    assert.match(raised.stdout, /team-a\/client\[Pod\]/);
    assert.doesNotMatch(raised.stdout, /size limit/);
    const e = cli('explain', 'default/web', 'default/web', 'any', app, big, '--max-file-size', '1');
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /1 file above the 1 MiB size limit is not read/);
    const check = cli('check', '--max-file-size', '1', big);
    assert.match(check.stdout, /unreadable-file/);
    const bad = cli('explain', 'default/web', 'default/web', 'any', app, '--max-file-size', 'lots');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad --max-file-size "lots"/);
  });
});
