/**
 * Equivalence classes of workloads (semantics/classes.ts) and the matrix computed on them
 * (matrix.ts `ClassPairs`): every pair's connection set, rules included, equals
 * `PolicyEngine.pair` on the two endpoints, on the semantics fixtures, the netpol-analyzer corpus and
 * generated workspaces of several seeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyseTexts, analyseTree } from '../support/load';
import { loadSemanticsFixtures } from '../support/semantics-fixtures';
import { CORPUS } from '../conformance/corpus';
import { assertClassesAgree } from '../support/classes';

test('classes: the semantics fixtures, every pair as PolicyEngine.pair', () => {
  let n = 0;
  for (const fx of loadSemanticsFixtures())
    n += assertClassesAgree(analyseTexts({ [fx.name]: fx.text }), fx.name);
  assert.ok(n > 1000, `${n} pairs`);
});

test('classes: the netpol-analyzer corpus, every pair as PolicyEngine.pair', () => {
  const idx = JSON.parse(readFileSync(join(CORPUS, 'index.json'), 'utf8')) as {
    cases: Array<{ input: string }>;
  };
  const inputs = [...new Set(idx.cases.map((c) => c.input))].sort();
  assert.ok(inputs.length > 20);
  let classes = 0;
  let workloads = 0;
  for (const input of inputs) {
    const a = analyseTree(join(CORPUS, input));
    assertClassesAgree(a, input);
    classes += a.engine.classes().classes.length;
    workloads += a.index.workloads.length;
  }
  assert.ok(
    classes < workloads,
    `classes group some workloads (${classes} classes of ${workloads} workloads)`,
  );
});

test('classes: generated workspaces of several seeds, every pair as PolicyEngine.pair', () => {
  const gen = join(__dirname, '..', '..', '..', 'bench', 'gen-workspace.mjs');
  const root = mkdtempSync(join(tmpdir(), 'netpol-lens-classes-'));
  try {
    for (const [seed, ns, wl, pol] of [
      [1, 4, 40, 20],
      [2, 6, 60, 40],
      [3, 3, 50, 30],
      [4, 8, 70, 60],
    ] as const) {
      const dir = join(root, `ws-${seed}`);
      const g = spawnSync(process.execPath, [
        gen,
        '--out',
        dir,
        '--namespaces',
        `${ns}`,
        '--workloads',
        `${wl}`,
        '--policies',
        `${pol}`,
        '--seed',
        `${seed}`,
        '--quiet',
      ]);
      assert.equal(g.status, 0, String(g.stderr));
      const a = analyseTree(dir);
      assertClassesAgree(a, `seed ${seed}`);
      assert.ok(
        a.engine.classes().classes.length < a.index.workloads.length,
        `seed ${seed}: some workloads share a class`,
      );
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

const NS = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;
const POD = (ns: string, name: string, labels: string, ports = '[]', ips = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: ${labels}}
spec: {containers: [{name: c, image: i, ports: ${ports}}]}
${ips ? `status: {podIPs: [${ips}]}\n` : ''}`;

test('classes: told apart by named ports, pod IPs in an ipBlock and peer matches; alike otherwise', () => {
  const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: a}
spec:
  podSelector: {}
  ingress:
  - from: [{podSelector: {matchLabels: {role: client}}}]
    ports: [{port: http}]
  egress:
  - to: [{ipBlock: {cidr: 10.1.0.0/16}}]
`;
  const a = analyseTexts({
    'all.yaml': [
      NS('a'),
      policy,
      POD('a', 's1', '{app: s}', '[{name: http, containerPort: 80}]'),
      POD('a', 's2', '{app: s, other: x}', '[{name: http, containerPort: 80}]'),
      POD('a', 's3', '{app: s}', '[{name: http, containerPort: 8080}]'),
      POD('a', 'c1', '{role: client}'),
      POD('a', 'c2', '{role: client}', '[]', '{ip: 10.1.0.5}'),
      POD('a', 'c3', '{role: client}', '[]', '{ip: 10.2.0.5}'),
    ].join('---\n'),
  });
  const classOf = (name: string): number => {
    const w = a.index.workload(`a/${name}[Pod]`);
    assert.ok(w, name);
    return a.engine.classes().classOf(w).ix;
  };
  assert.equal(classOf('s1'), classOf('s2'), 'a label no policy reads does not tell them apart');
  assert.notEqual(classOf('s1'), classOf('s3'), 'http resolves to another number');
  assert.notEqual(classOf('c1'), classOf('s1'), 'the peer matches c1');
  assert.notEqual(classOf('c1'), classOf('c2'), 'c2 is in the ipBlock by its IP');
  assert.equal(classOf('c1'), classOf('c3'), 'an IP outside every ipBlock tells nothing');
  assertClassesAgree(a, 'inline');
});

test('reach summary: its "everything allowed" and "nothing allowed" lines hold for every pair of the two namespaces', async () => {
  const { reachSummary } = await import('../../server/src/core/index');
  const gen = join(__dirname, '..', '..', '..', 'bench', 'gen-workspace.mjs');
  const root = mkdtempSync(join(tmpdir(), 'netpol-lens-summary-'));
  try {
    for (const seed of [5, 6]) {
      const dir = join(root, `ws-${seed}`);
      const g = spawnSync(process.execPath, [
        gen,
        '--out',
        dir,
        '--namespaces',
        '6',
        '--workloads',
        '60',
        '--policies',
        '40',
        '--seed',
        `${seed}`,
        '--quiet',
      ]);
      assert.equal(g.status, 0, String(g.stderr));
      const a = analyseTree(dir);
      const text = reachSummary(a.engine, { externals: false }, 'ws');
      const wl = a.engine.workloadEndpoints();
      let claims = 0;
      for (const m of text.matchAll(/^ {2}(\S+) → (.+): (everything|nothing) allowed$/gm)) {
        const [, s, ds, what] = m;
        for (const d of (ds ?? '').split(', ')) {
          for (const x of wl.filter((e) => e.kind === 'workload' && e.workload.namespace === s)) {
            for (const y of wl.filter((e) => e.kind === 'workload' && e.workload.namespace === d)) {
              if (x === y) continue;
              const c = a.engine.pair(x, y).conns;
              assert.ok(
                what === 'everything' ? c.isAll : c.isEmpty,
                `seed ${seed}: ${s} → ${d} says ${what ?? ''}, but ${x.id} → ${y.id}`,
              );
              claims++;
            }
          }
        }
      }
      assert.ok(claims > 100, `seed ${seed}: ${claims} pairs behind the one-line claims`);
      // every namespace pair with a pair of distinct workloads is in the summary: a one-line claim or a block
      const nss = [...new Set(wl.map((e) => (e.kind === 'workload' ? e.workload.namespace : '')))];
      for (const s of nss) {
        for (const d of nss) {
          const said = new RegExp(
            `^ {2}${s} → (${d}:$|(.*, )?${d}(, .*)?: (everything|nothing) allowed$)`,
            'm',
          ).test(text);
          const single =
            s === d && wl.filter((e) => e.kind === 'workload' && e.workload.namespace === s).length < 2;
          assert.ok(said || single, `seed ${seed}: ${s} → ${d} missing`);
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
