/** Unit tests of the engine's parts: IP sets, connection sets with provenance, lowering, explain. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  IpRangeSet,
  formatRange,
  parseCidr,
  parseIp,
  parseRange,
} from '../../server/src/core/semantics/ip-set';
import { ConnectionSet, formatConns } from '../../server/src/core/semantics/port-set';
import { EndpointSpace, externalRanges } from '../../server/src/core/semantics/endpoints';
import { NO_POLICIES, PolicySelection } from '../../server/src/core/semantics/selection';
import { listedPair } from '../../server/src/core/semantics/matrix';
import { analyseTexts, analyseTree } from '../support/load';
import { loadSemanticsFixtures } from '../support/semantics-fixtures';

test('ip-set: IPv4 and IPv6 parsing, canonical networks, formatting', () => {
  assert.equal(parseIp('10.0.0.256'), undefined);
  assert.equal(parseIp('01.2.3.4'), undefined);
  assert.deepEqual(parseIp('::1'), { family: 6, value: 1n });
  assert.deepEqual(parseIp('::ffff:10.0.0.1'), { family: 6, value: 0xffff0a000001n });
  assert.equal(parseIp('1::2::3'), undefined);
  const c = parseCidr('10.0.1.1/4');
  assert.ok(c && c.nonCanonical);
  assert.equal(formatRange(c.range), '0.0.0.0-15.255.255.255');
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0.0'), undefined);
  const v6 = parseCidr('2001:db8::/32');
  assert.ok(v6 && !v6.nonCanonical);
  assert.equal(formatRange(v6.range), '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff');
  assert.deepEqual(parseRange('10.0.0.1-10.0.0.9')?.hi, 0x0a000009n);
  assert.equal(parseRange('10.0.0.9-10.0.0.1'), undefined);
});

test('ip-set: cidr minus except', () => {
  const block = parseCidr('10.0.0.0/8');
  const ex = parseCidr('10.1.0.0/16');
  assert.ok(block && ex);
  const set = IpRangeSet.of([block.range]).minus(IpRangeSet.of([ex.range]));
  assert.deepEqual(set.ranges.map(formatRange), ['10.0.0.0-10.0.255.255', '10.2.0.0-10.255.255.255']);
  assert.ok(set.containsIp('10.0.0.1'));
  assert.ok(!set.containsIp('10.1.2.3'));
  assert.ok(!set.containsIp('fd00::1'));
});

test('port-set: union and intersection keep the rules behind each interval', () => {
  const r1 = { id: 'r1' } as never;
  const r2 = { id: 'r2' } as never;
  const a = ConnectionSet.ports('TCP', 80, 90, [r1]);
  const b = ConnectionSet.ports('TCP', 85, 100, [r2]).union(ConnectionSet.ports('UDP', 53, 53, [r2]));
  const u = a.union(b);
  assert.equal(formatConns(u.toConns()), 'TCP 80-100,UDP 53');
  assert.deepEqual(u.restrict('TCP', 80).refs(), [r1]);
  assert.deepEqual(u.restrict('TCP', 87).refs(), [r1, r2]);
  assert.deepEqual(u.restrict('TCP', 95).refs(), [r2]);
  const i = a.intersect(b);
  assert.equal(formatConns(i.toConns()), 'TCP 85-90');
  assert.ok(ConnectionSet.all().isAll);
  assert.ok(!ConnectionSet.all().restrict('TCP').isAll);
  assert.equal(ConnectionSet.all().toConns(), 'all');
  assert.ok(ConnectionSet.ports('TCP', 90, 80).isEmpty);
});

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
  namespace: shop
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: client
    ports:
    - port: 8080
`;
const PODS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata:
  name: client-7d9f-abcde
  namespace: shop
  labels: {app: client}
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: client-7d9f, controller: true}
`;

test('explain: names the isolating policy and the allowing rule with spans', () => {
  const a = analyseTexts({ 'policy.yaml': POLICY, 'pods.yaml': PODS });
  const r = a.explain('shop/client-7d9f[ReplicaSet]', 'shop/web[Deployment]', {
    port: 8080,
    protocol: 'TCP',
  });
  assert.ok(r.ok);
  const x = r.explanation;
  assert.equal(x.allowed, true);
  assert.equal(x.egress.isolated, false);
  assert.equal(x.ingress.isolated, true);
  assert.deepEqual(
    x.ingress.isolatingPolicies.map((p) => p.policy),
    ['shop/web'],
  );
  const rule = x.ingress.allowingRules[0];
  assert.ok(rule);
  assert.equal(rule.direction, 'ingress');
  assert.equal(rule.ruleIndex, 0);
  assert.equal(a.lineIndex(rule.ref.uri)?.line1(rule.ref.span.start), 11);
  const denied = a.explain('shop/client-7d9f[ReplicaSet]', 'shop/web[Deployment]', {
    port: 9090,
    protocol: 'TCP',
  });
  assert.ok(denied.ok && !denied.explanation.allowed);
  assert.match(denied.explanation.summary.join('\n'), /isolated by shop\/web; no ingress rule/);
  const unknown = a.explain('shop/nope[Pod]', 'shop/web[Deployment]');
  assert.ok(!unknown.ok && /unknown endpoint/.test(unknown.error));
});

test('lowering: a Pod with a controller ownerReference is its owner; spans point at the nodes', () => {
  const a = analyseTexts({ 'policy.yaml': POLICY, 'pods.yaml': PODS });
  assert.deepEqual(
    a.index.workloads.map((w) => w.id),
    ['shop/client-7d9f[ReplicaSet]', 'shop/web[Deployment]'],
  );
  const p = a.index.policies[0];
  assert.ok(p);
  assert.equal(POLICY.slice(p.name.span.start, p.name.span.end), 'web');
  const sel = p.podSelector;
  assert.ok(sel);
  assert.equal(POLICY.slice(sel.keySpan.start, sel.keySpan.end), 'podSelector');
  const port = p.ingress?.rules[0]?.ports?.[0]?.port;
  assert.equal(port && POLICY.slice(port.span.start, port.span.end), '8080');
});

test('robustness: broken input becomes findings, the rest is analysed', () => {
  const bomb =
    'apiVersion: v1\nkind: Pod\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\nmetadata: {name: bomb, labels: *f}\n';
  const a = analyseTexts({
    'policy.yaml': POLICY,
    'pods.yaml': PODS,
    'broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: x\n',
    'helm.yaml':
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{ include "x" . | nindent 4 }}\n',
    'empty.yaml': '',
    'binary.yaml': 'apiVersion\u0000kind\u0000\u0001\u0002',
    'wrong-types.yaml':
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: w, namespace: shop}\nspec:\n  podSelector: 3\n  ingress: {from: 1}\n  egress:\n  - to: nope\n    ports: 80\n',
    'bomb.yaml': bomb,
    'json.json': '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j", "namespace": "shop"}}',
    'package.json': '{"name": "not-a-manifest"}',
  });
  const codes = a.findings().map((f) => `${f.uri.replace('file:///ws/', '')}:${f.code}`);
  assert.ok(codes.includes('broken.yaml:yaml-syntax-error'), codes.join(' '));
  assert.ok(codes.includes('helm.yaml:helm-template'), codes.join(' '));
  assert.ok(
    codes.some((c) => c.startsWith('wrong-types.yaml:invalid-field')),
    codes.join(' '),
  );
  assert.ok(codes.includes('binary.yaml:unreadable-file'), codes.join(' '));
  assert.ok(codes.includes('empty.yaml:empty-file'), codes.join(' '));
  assert.ok(
    !codes.some((c) => c.startsWith('package.json')),
    'a JSON file that is no manifest is skipped silently',
  );
  // kubectl rejects the bomb document (excessive aliasing): it is reported, and not analysed
  assert.ok(codes.includes('bomb.yaml:yaml-syntax-error'), codes.join(' '));
  assert.equal(a.index.workload('default/bomb[Pod]'), undefined);
  assert.ok(a.index.workload('shop/j[Pod]'));
  assert.ok(a.index.workload('shop/web[Deployment]'));
  assert.ok(a.reachability().endpoints.length >= 3);
});

test('settings: a severity for workload-not-isolated turns it on; off keeps it off', async () => {
  const { settingsFromConfig } = await import('../../server/src/core/index');
  const files = { 'pods.yaml': PODS };
  const on = analyseTexts(files, settingsFromConfig({ checks: { 'workload-not-isolated': 'warning' } }));
  assert.deepEqual(
    on
      .findings()
      .filter((f) => f.code === 'workload-not-isolated')
      .map((f) => f.severity),
    ['warning', 'warning'],
  );
  const off = analyseTexts(
    files,
    settingsFromConfig({ checks: { 'workload-not-isolated': 'off' }, reportUnisolatedWorkloads: true }),
  );
  assert.equal(off.findings().filter((f) => f.code === 'workload-not-isolated').length, 0);
  const dflt = analyseTexts(files);
  assert.equal(dflt.findings().filter((f) => f.code === 'workload-not-isolated').length, 0);
});

test('reachability rows (shared egress rows, ingress columns) equal the pair-by-pair verdicts', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'netpol-lens-rows-')), 'ws');
  const gen = join(__dirname, '..', '..', '..', 'bench', 'gen-workspace.mjs');
  const g = spawnSync(process.execPath, [
    gen,
    '--out',
    dir,
    '--namespaces',
    '8',
    '--workloads',
    '120',
    '--policies',
    '60',
    '--seed',
    '11',
    '--quiet',
  ]);
  assert.equal(g.status, 0, String(g.stderr));
  const analyses = [
    analyseTree(dir),
    ...loadSemanticsFixtures().map((fx) => analyseTexts({ [fx.name]: fx.text })),
  ];
  rmSync(join(dir, '..'), { recursive: true, force: true });
  for (const a of analyses) {
    for (const port of [undefined, { port: 53, protocol: 'UDP' as const }]) {
      const listed = new Map(
        a
          .reachability(port ? { port } : {})
          .entries.map((e) => [`${e.src.id} ${e.dst.id}`, JSON.stringify(e.conns.toConns())]),
      );
      const eps = a.engine.endpoints();
      for (const s of eps) {
        for (const d of eps) {
          if (s === d || !listedPair(s, d)) continue;
          let c = a.engine.pair(s, d).conns;
          if (port) c = c.restrict(port.protocol, port.port);
          assert.equal(
            listed.get(`${s.id} ${d.id}`),
            c.isEmpty ? undefined : JSON.stringify(c.toConns()),
            `${s.id} → ${d.id}`,
          );
        }
      }
    }
  }
});

const EGRESS_TO = (name: string, cidr: string, except = ''): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: shop
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: ${cidr}${except ? `, except: [${except}]` : ''}}
`;

test('selection: the policies isolating a workload, one shared list per distinct set of policies', () => {
  const a = analyseTexts({
    'web.yaml': POLICY,
    'apps.yaml': ['web-1', 'web-2', 'db']
      .map(
        (n) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${n}, namespace: shop}
spec: {template: {metadata: {labels: {app: ${n.startsWith('web') ? 'web' : 'db'}}}}}
`,
      )
      .join('---\n'),
    'egress.yaml': EGRESS_TO('out', '10.0.0.0/8'),
  });
  const sel = new PolicySelection(a.index);
  const [w1, w2, db] = ['shop/web-1[Deployment]', 'shop/web-2[Deployment]', 'shop/db[Deployment]'].map((id) =>
    a.index.workload(id),
  );
  assert.ok(w1 && w2 && db);
  assert.deepEqual(
    sel
      .selecting(w1)
      .map((p) => p.policy.name.value)
      .sort(),
    ['out', 'web'],
  );
  assert.equal(sel.isolation(w1).ingress, sel.isolation(w2).ingress, 'equal lists are one array');
  assert.deepEqual(
    sel.isolation(w1).egress.map((p) => p.policy.name.value),
    ['out'],
  );
  assert.equal(sel.isolation(db).ingress, NO_POLICIES);
  const web = sel.policiesIn('shop').find((p) => p.policy.name.value === 'web');
  assert.ok(web);
  assert.deepEqual(
    sel.selectedBy(web).map((w) => w.id),
    ['shop/web-1[Deployment]', 'shop/web-2[Deployment]'],
  );
  assert.equal(sel.compiledFor(web.policy), web);
  // the engine answers the same through its façade
  assert.deepEqual(
    a.engine.isolation(w1).egress.map((p) => p.policy.name.value),
    ['out'],
  );
  assert.deepEqual(
    a.engine.selectedBy(a.engine.compiledFor(web.policy) ?? web).map((w) => w.id),
    sel.selectedBy(web).map((w) => w.id),
  );
});

test('endpoints: external ranges cut at every ipBlock boundary, coarser per direction; addresses resolve to their range', () => {
  const a = analyseTexts({ 'a.yaml': EGRESS_TO('a', '10.0.0.0/8', '10.1.0.0/16') });
  const compiled = a.engine.compiled;
  assert.deepEqual(
    externalRanges(compiled).map((e) => e.id),
    [
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.0.255.255',
      '10.1.0.0-10.1.255.255',
      '10.2.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
    ],
  );
  assert.deepEqual(
    externalRanges(compiled, 'ingress').map((e) => e.id),
    ['0.0.0.0-255.255.255.255'],
    'no ingress ipBlock',
  );
  const space = new EndpointSpace(a.index, compiled);
  assert.deepEqual(
    space.all().map((e) => e.ix),
    space.all().map((_, i) => i),
  );
  assert.equal(space.resolve('10.1.2.3')?.id, '10.1.0.0-10.1.255.255');
  assert.equal(space.resolve('10.1.2.3', 'ingress')?.id, '0.0.0.0-255.255.255.255');
  assert.equal(space.resolve('192.168.0.0/24', 'egress')?.id, '11.0.0.0-255.255.255.255');
  assert.equal(space.resolve('fd00::1')?.id, 'fd00::1-fd00::1', 'outside every range: the range itself');
  assert.equal(space.resolve('nope/x[Deployment]'), undefined);
  assert.deepEqual(
    a.engine.endpoints().map((e) => e.id),
    space.all().map((e) => e.id),
  );
});

test('address families: an ipBlock matches a peer only by an address of a family both ends have, and explain names it', async () => {
  const { loadSemanticsFixtures } = await import('../support/semantics-fixtures');
  const fx = loadSemanticsFixtures().find((f) => f.name.startsWith('39-'));
  assert.ok(fx);
  const a = analyseTexts({ [fx.name]: fx.text });
  const listed = new Map(
    a.reachability().entries.map((e) => [`${e.src.id} ${e.dst.id}`, formatConns(e.conns.toConns())]),
  );
  // single-stack IPv4 → dual-stack: the IPv6 ipBlock (all ports) does not count, the IPv4 one (443) does
  assert.equal(listed.get('v4/a[Pod] ds/b[Pod]'), 'TCP 443');
  assert.equal(listed.get('v4/a[Pod] v6/a[Pod]'), undefined);
  assert.equal(listed.get('ds/d[Pod] ds/c[Pod]'), 'TCP 9090');
  const r = a.explain('v4/a[Pod]', 'ds/b[Pod]', { port: 443, protocol: 'TCP' });
  assert.ok(r.ok);
  const notes = r.explanation.notes.join('\n');
  assert.match(notes, /matched ds\/b\[Pod\] by its address 10\.0\.1\.2 \(status\.podIP\)/);
  assert.match(
    notes,
    /only IPv4 in common: ipBlocks are matched against their IPv4 addresses \(10\.0\.0\.1, 10\.0\.1\.2\) only/,
  );
  assert.doesNotMatch(notes, /fd00::1:2/);
  const v6 = a.explain('ds/b[Pod]', 'ds/c[Pod]', { port: 9090, protocol: 'TCP' });
  assert.ok(v6.ok && v6.explanation.allowed);
  assert.match(
    v6.explanation.notes.join('\n'),
    /matched ds\/b\[Pod\] by its address fd00::1:2 \(status\.podIPs\)/,
  );
  const split = a.explain('ds/d[Pod]', 'ds/c[Pod]');
  assert.ok(split.ok);
  assert.match(
    split.explanation.notes.join('\n'),
    /Over IPv4 the policies allow nothing; over IPv6 TCP 9090\./,
  );
});
