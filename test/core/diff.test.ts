/** The reachability diff (semantics/diff.ts): pairs, external cuts, one-sided workloads, provenance. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { reachDiff, type Analysis, type Endpoint } from '../../server/src/core/index';
import { ConnectionSet } from '../../server/src/core/semantics/port-set';
import { externalRanges } from '../../server/src/core/semantics/endpoints';
import { refPolicyName, refRuleLabel } from '../../server/src/core/semantics/diff';
import { analyseTexts, analyseTree } from '../support/load';
import { ROOT } from '../support/golden';

const NS = (name: string): string => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:
    team: ${name}
`;

const POD = (ns: string, name: string, app: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
    app: ${app}
spec:
  containers:
  - name: c
    image: x
    ports:
    - containerPort: 80
`;

const DB_POLICY = (ports: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np-db
  namespace: prod
spec:
  podSelector:
    matchLabels:
      app: db
  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
    ports: [${ports}]
`;

const WEB_EGRESS = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np-web
  namespace: prod
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector: {}
`;

function base(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'ns.yaml': NS('prod'),
    'web.yaml': POD('prod', 'web', 'web'),
    'db.yaml': POD('prod', 'db', 'db'),
    'web-egress.yaml': WEB_EGRESS,
    ...extra,
  };
}

const change = (a: Analysis, b: Analysis, src: string, dst: string) =>
  reachDiff(a.engine, b.engine).changes.find((c) => c.src.id === src && c.dst.id === dst);

test('diff: a widened port names the changed ingress rule, not the unchanged egress rule', () => {
  const before = analyseTexts(base({ 'np-db.yaml': DB_POLICY('{port: 5432}') }));
  const after = analyseTexts(base({ 'np-db.yaml': DB_POLICY('{port: 5432}, {port: 6432}') }));
  const d = reachDiff(before.engine, after.engine);
  assert.deepEqual(
    d.changes.map((c) => [c.src.id, c.dst.id]),
    [['prod/web[Pod]', 'prod/db[Pod]']],
  );
  const c = d.changes[0];
  assert.ok(c);
  assert.deepEqual(c.before.toConns(), { TCP: [[5432, 5432]] });
  assert.deepEqual(c.after.toConns(), {
    TCP: [
      [5432, 5432],
      [6432, 6432],
    ],
  });
  assert.deepEqual(c.opened.toConns(), { TCP: [[6432, 6432]] });
  assert.ok(c.closed.isEmpty);
  // both np-web egress rule 1 and np-db ingress rule 1 allow it; only the latter changed
  assert.equal(c.opened.refs().length, 2);
  assert.deepEqual(
    c.openedBy.map((r) => `${refPolicyName(r)} ${refRuleLabel(r)}`),
    ['prod/np-db ingress rule 1'],
  );
});

test('diff: closed parts name the rule that allowed them before; a new policy that isolates is named', () => {
  const before = analyseTexts(base({ 'np-db.yaml': DB_POLICY('{port: 5432}, {port: 80}') }));
  const after = analyseTexts(base({ 'np-db.yaml': DB_POLICY('{port: 5432}') }));
  const c = change(before, after, 'prod/web[Pod]', 'prod/db[Pod]');
  assert.ok(c);
  assert.deepEqual(c.closed.toConns(), { TCP: [[80, 80]] });
  assert.deepEqual(
    c.closedBy.map((r) => `${refPolicyName(r)} ${refRuleLabel(r)}`),
    ['prod/np-db ingress rule 1'],
  );
  assert.ok(c.closedBy.every((r) => r.policy.doc.uri.endsWith('np-db.yaml')));
  // no policy before: the db was open; now np-db isolates it
  const open = analyseTexts(base());
  const iso = change(open, after, 'prod/web[Pod]', 'prod/db[Pod]');
  assert.ok(iso);
  assert.equal(iso.after.toConns() !== 'all', true);
  // what allowed it before: np-web's egress rule (it still allows it; the ingress side closed it)
  assert.deepEqual(
    iso.closedBy.map((r) => `${refPolicyName(r)} ${refRuleLabel(r)}`),
    ['prod/np-web egress rule 1'],
  );
  assert.deepEqual(
    iso.nowIsolatedBy.map((p) => p.id),
    ['prod/np-db'],
  );
  // and back: deleting the policy opens it, "no longer isolated by" np-db
  const back = change(after, open, 'prod/web[Pod]', 'prod/db[Pod]');
  assert.ok(back);
  assert.deepEqual(
    back.noLongerIsolatedBy.map((p) => p.id),
    ['prod/np-db'],
  );
});

test('diff: a workload on one side only yields entries with none on the other side', () => {
  const before = analyseTexts(base());
  const after = analyseTexts(base({ 'cache.yaml': POD('prod', 'cache', 'cache') }));
  const d = reachDiff(before.engine, after.engine);
  assert.ok(d.changes.length > 0);
  assert.ok(d.changes.every((c) => c.src.id === 'prod/cache[Pod]' || c.dst.id === 'prod/cache[Pod]'));
  for (const c of d.changes) {
    assert.ok(c.before.isEmpty, `${c.src.id} → ${c.dst.id} had nothing before`);
    assert.ok(!c.after.isEmpty);
    assert.equal(c.src.id === 'prod/cache[Pod]' ? c.srcOnly : c.dstOnly, 'after');
  }
  // web may send to every pod of prod (np-web): cache included; db and web receive from it
  const ids = d.changes.map((c) => `${c.src.id} → ${c.dst.id}`);
  assert.ok(ids.includes('prod/web[Pod] → prod/cache[Pod]'));
  assert.ok(ids.includes('prod/cache[Pod] → prod/db[Pod]'));
  // external ranges to and from the new pod too (it is not isolated)
  assert.ok(ids.includes('0.0.0.0-255.255.255.255 → prod/cache[Pod]'));
  const reverse = reachDiff(after.engine, before.engine);
  assert.equal(reverse.changes.length, d.changes.length);
  assert.ok(
    reverse.changes.every((c) => c.after.isEmpty && (c.srcOnly === 'before' || c.dstOnly === 'before')),
  );
});

const EGRESS_CIDR = (cidr: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np-out
  namespace: prod
spec:
  podSelector:
    matchLabels:
      app: db
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: ${cidr}
`;

test('diff: external ranges are cut at the ipBlock boundaries of both sides', () => {
  const before = analyseTexts(base({ 'out.yaml': EGRESS_CIDR('10.0.0.0/8') }));
  const after = analyseTexts(base({ 'out.yaml': EGRESS_CIDR('10.0.0.0/16') }));
  const d = reachDiff(before.engine, after.engine);
  // neither side's own cut has 10.1.0.0 and 10.0.0.0/16 together: the union does
  assert.deepEqual(
    d.changes.map((c) => [c.src.id, c.dst.id, c.before.isAll, c.after.isEmpty]),
    [['prod/db[Pod]', '10.1.0.0-10.255.255.255', true, true]],
  );
  const ids = d.endpoints.filter((e) => e.kind === 'external').map((e) => e.id);
  assert.deepEqual(ids, [
    '0.0.0.0-9.255.255.255',
    '10.0.0.0-10.0.255.255',
    '10.1.0.0-10.255.255.255',
    '11.0.0.0-255.255.255.255',
  ]);
  assert.deepEqual(
    d.changes[0]?.closedBy.map((r) => refPolicyName(r)),
    ['prod/np-out'],
  );
});

test('diff: identical sides have no change; ConnectionSet.minus keeps the left side rules', () => {
  const a = analyseTexts(base({ 'np-db.yaml': DB_POLICY('{port: 5432}') }));
  const b = analyseTexts(base({ 'np-db.yaml': DB_POLICY('{port: 5432}') }));
  assert.deepEqual(reachDiff(a.engine, b.engine).changes, []);
  const ref = a.engine.compiled[0]?.policy;
  assert.ok(ref);
  const r = { policy: ref, direction: 'ingress' as const, rule: { index: 0 } as never };
  const s = ConnectionSet.ports('TCP', 1, 100, [r]).minus(ConnectionSet.ports('TCP', 50, 60));
  assert.deepEqual(s.toConns(), {
    TCP: [
      [1, 49],
      [61, 100],
    ],
  });
  assert.deepEqual(s.refs(), [r]);
});

/**
 * The diff against a second computation: on each corpus pair, every ordered pair of the union of
 * endpoints (externals cut at both sides' ipBlocks) by `PolicyEngine.pair` on each side, the
 * reference the matrix is tested against; equal exactly where the diff lists no change.
 */
const CORPUS = join(ROOT, 'test', 'fixtures', 'corpus', 'netpol-analyzer');
const PAIRS: Array<[string, string]> = [
  ['test_with_named_ports', 'test_with_named_ports_changed_netpol'],
  ['ipblockstest', 'ipblockstest_2'],
  ['ipblockstest_2', 'ipblockstest_4'],
  ['semanticDiff-same-topologies-old1', 'semanticDiff-same-topologies-new1'],
  ['new_online_boutique', 'new_online_boutique_synthesis'],
  ['semanticDiff-different-topologies-policy-a', 'semanticDiff-different-topologies-policy-b-with-ipblock'],
];

test('diff: every listed change, and only those, differs by PolicyEngine.pair on each side', () => {
  assert.ok(readdirSync(CORPUS).includes('ipblockstest_3'));
  for (const [o, n] of PAIRS) {
    const before = analyseTree(join(CORPUS, o, 'input'));
    const after = analyseTree(join(CORPUS, n, 'input'));
    const d = reachDiff(before.engine, after.engine);
    const listed = new Map(d.changes.map((c) => [`${c.src.id} ${c.dst.id}`, c]));
    const oldW = new Map(before.engine.workloadEndpoints().map((e) => [e.id, e]));
    const newW = new Map(after.engine.workloadEndpoints().map((e) => [e.id, e]));
    const ext = externalRanges([...before.engine.compiled, ...after.engine.compiled]);
    const ids = [...new Set([...oldW.keys(), ...newW.keys()])];
    const all: Array<{ id: string; o?: Endpoint; n?: Endpoint }> = [
      ...ids.map((id) => ({ id, o: oldW.get(id), n: newW.get(id) })),
      ...ext.map((e) => ({ id: e.id, o: e, n: e })),
    ];
    let differing = 0;
    for (const s of all) {
      for (const t of all) {
        if (s === t || (s.o?.kind === 'external' && t.o?.kind === 'external')) continue;
        const b = s.o && t.o ? before.engine.pair(s.o, t.o).conns : ConnectionSet.EMPTY;
        const a = s.n && t.n ? after.engine.pair(s.n, t.n).conns : ConnectionSet.EMPTY;
        const c = listed.get(`${s.id} ${t.id}`);
        if (a.equals(b)) {
          assert.equal(c, undefined, `${o} → ${n}: ${s.id} → ${t.id} listed but equal`);
          continue;
        }
        differing++;
        assert.ok(c, `${o} → ${n}: ${s.id} → ${t.id} differs but is not listed`);
        assert.deepEqual(c.before.toConns(), b.toConns());
        assert.deepEqual(c.after.toConns(), a.toConns());
      }
    }
    assert.equal(differing, d.changes.length, `${o} → ${n}`);
    assert.ok(differing > 0, `${o} → ${n} should differ`);
  }
});
