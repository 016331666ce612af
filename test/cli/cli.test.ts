/** The built CLI (server/dist/cli.js) on the seed example: goldens, filters, exit codes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

for (const format of ['table', 'json', 'csv', 'dot']) {
  test(`reach examples --format ${format} matches its golden`, () => {
    const r = cli('reach', 'examples', '--format', format);
    assert.equal(r.code, 0, r.stderr);
    assertGolden(`examples_reach.${format === 'table' ? 'txt' : format}`, r.stdout);
  });
}

test('reach examples --format summary matches its golden (the other formats are unchanged)', () => {
  const r = cli('reach', 'examples', '--format', 'summary');
  assert.equal(r.code, 0, r.stderr);
  assertGolden('examples_reach_summary.txt', r.stdout);
  const port = cli('reach', 'examples', '--format', 'summary', '--port', '80/TCP');
  assert.equal(port.code, 0, port.stderr);
  assert.match(port.stdout, /^Reachability of examples on 80\/TCP: /);
  assert.match(port.stdout, /layer2 → layer1: nothing allowed/);
});

test('reach json follows the contract: workloads, no self pairs, sorted disjoint ranges', () => {
  const r = cli('reach', 'examples', '--format', 'json', '--no-external');
  const j = JSON.parse(r.stdout) as {
    version: number;
    workloads: Array<{ id: string }>;
    connections: Array<{ src: string; dst: string; conns: unknown }>;
  };
  assert.equal(j.version, 1);
  assert.deepEqual(
    j.workloads.map((w) => w.id),
    [
      'layer1/busybox1[Deployment]',
      'layer1/nginx1[Deployment]',
      'layer2/busybox2[Deployment]',
      'layer2/nginx2[Deployment]',
      'layer3/busybox3[Deployment]',
      'layer3/nginx3[Deployment]',
    ],
  );
  assert.ok(j.connections.every((c) => c.src !== c.dst));
  // layer3 sends nothing (np-layer3 has no egress rules); layer2 cannot reach layer1
  assert.ok(!j.connections.some((c) => c.src.startsWith('layer3/')));
  assert.ok(!j.connections.some((c) => c.src.startsWith('layer2/') && c.dst.startsWith('layer1/')));
  assert.ok(
    j.connections.some(
      (c) =>
        c.src === 'layer1/busybox1[Deployment]' && c.dst === 'layer3/nginx3[Deployment]' && c.conns === 'all',
    ),
  );
});

test('reach --from/--to/--port narrow the listing', () => {
  const r = cli(
    'reach',
    'examples',
    '--format',
    'json',
    '--from',
    'layer1/busybox1[Deployment]',
    '--port',
    '80/TCP',
  );
  const j = JSON.parse(r.stdout) as { connections: Array<{ src: string; dst: string; conns: unknown }> };
  assert.ok(j.connections.length > 0);
  assert.ok(j.connections.every((c) => c.src === 'layer1/busybox1[Deployment]'));
  assert.ok(j.connections.every((c) => JSON.stringify(c.conns) === '{"TCP":[[80,80]]}'));
  const to = JSON.parse(
    cli('reach', 'examples', '--format', 'json', '--to', 'layer1/nginx1[Deployment]').stdout,
  ) as { connections: Array<{ src: string }> };
  assert.deepEqual(
    to.connections.map((c) => c.src),
    ['layer1/busybox1[Deployment]'],
  );
});

test('explain: allowed and denied connections with file:line reasons', () => {
  const ok = cli('explain', 'layer1/busybox1[Deployment]', 'layer3/nginx3[Deployment]', '80/TCP', 'examples');
  assert.equal(ok.code, 0, ok.stderr);
  assertGolden('examples_explain_allowed.txt', ok.stdout);
  assert.match(
    ok.stdout,
    /allowed by layer3\/np-layer3 ingress rule 1 {2}\(examples\/layer3\/np-layer3\.yaml:\d+:\d+\)/,
  );
  const denied = cli(
    'explain',
    'layer3/busybox3[Deployment]',
    'layer1/nginx1[Deployment]',
    '80/TCP',
    'examples',
  );
  assert.equal(denied.code, 1);
  assertGolden('examples_explain_denied.txt', denied.stdout);
  assert.match(denied.stdout, /DENIED/);
  assert.match(denied.stdout, /isolated by layer3\/np-layer3 {2}\(examples\/layer3\/np-layer3\.yaml:4:9\)/);
});

test('usage errors: one line on stderr, exit 2', () => {
  for (const args of [
    ['reach', 'examples', '--bogus'],
    ['reach', 'no/such/dir'],
    ['reach'],
    ['frobnicate'],
    ['reach', 'examples', '--format', 'xml'],
    ['explain', 'a', 'b'],
    ['explain', 'layer1/nope[Pod]', 'layer1/nginx1[Deployment]', '80/TCP', 'examples'],
    ['explain', 'layer1/busybox1[Deployment]', 'layer1/nginx1[Deployment]', '99999/TCP', 'examples'],
    ['check', 'examples', '--fail-on', 'nope'],
  ]) {
    const r = cli(...args);
    assert.equal(r.code, 2, `${args.join(' ')} → ${r.code}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^netpol-lens: /);
  }
});

test('reach --from/--to with an address picks the external range holding it (per-direction ranges)', () => {
  const dir = join(ROOT, 'test', 'fixtures', 'corpus', 'netpol-analyzer', 'ipblockstest', 'input');
  const from = JSON.parse(cli('reach', dir, '--format', 'json', '--from', '10.1.2.3').stdout) as {
    connections: Array<{ src: string; dst: string }>;
  };
  assert.ok(from.connections.length > 0);
  assert.ok(
    from.connections.every((c) => c.src === '10.0.0.0-10.255.255.255'),
    JSON.stringify(from.connections.slice(0, 3)),
  );
  const to = JSON.parse(cli('reach', dir, '--format', 'json', '--to', '8.8.8.8').stdout) as {
    connections: Array<{ src: string; dst: string }>;
  };
  assert.ok(to.connections.length > 0);
  assert.ok(to.connections.every((c) => c.dst === '0.0.0.0-255.255.255.255'));
  const all = JSON.parse(cli('reach', dir, '--format', 'json').stdout) as {
    connections: Array<{ src: string; dst: string }>;
  };
  const srcRanges = new Set(all.connections.map((c) => c.src).filter((s) => !s.includes('[')));
  const dstRanges = new Set(all.connections.map((c) => c.dst).filter((s) => !s.includes('[')));
  assert.ok(srcRanges.size > 1, 'ingress ipBlocks cut the source ranges');
  assert.deepEqual([...dstRanges], ['0.0.0.0-255.255.255.255'], 'no egress ipBlock: one destination range');
});

test('explain: the pods the prometheus-operator makes of a Prometheus resource are endpoints', () => {
  const r = cli(
    'explain',
    'monitoring/prometheus-k8s[StatefulSet]',
    'monitoring/grafana[Deployment]',
    '3000/TCP',
    'test/fixtures/realworld/kube-prometheus/manifests',
  );
  assert.equal(r.code, 0, r.stderr);
  assertGolden('kube-prometheus_explain_prometheus_grafana.txt', r.stdout);
});
