/**
 * Incremental analysis (index/deps.ts, Analysis with an incremental AnalysisHost): after every
 * random change (files written, edited, deleted, settings changed) one long-lived incremental host
 * gives exactly the findings, the index views and the reachability matrix a fresh host computes
 * from scratch over the same files; and an edit re-runs the checks of only the files whose checks
 * read a fact that changed (counted, never timed).
 *
 * Runs: `FUZZ_RUNS` multiplies the sequences (`npm run fuzz`), `FUZZ_SEED` replaces the seed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { stringify } from 'yaml';
import {
  ALL_CODES,
  AnalysisHost,
  settingsFromConfig,
  type Analysis,
  type FileChange,
  type Finding,
} from '../../server/src/core/index';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { contentArb } from '../support/differential';
import { docs, params, workspaceArb } from '../property/gen';

/** A full garbage collection (`--expose-gc` set at run time: the test runner's flags stay as they are). */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Where files live: plain folders, and a `clusters/<name>/` layout (two analysis roots). */
const URIS = [
  'file:///ws/a.yaml',
  'file:///ws/b.yaml',
  'file:///ws/sub/c.yaml',
  'file:///ws/d.json',
  'file:///ws/clusters/one/e.yaml',
  'file:///ws/clusters/two/f.yaml',
];

/** Documents that reach the checks the differential fragments do not: Services, DNS, pod IPs, owners, tiers. */
const extra: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('a', 'b'),
      fc.constantFrom('web', 'db', 'none'),
      fc.constantFrom('http', '8080', '80'),
    )
    .map(
      ([ns, app, target]) =>
        `apiVersion: v1\nkind: Service\nmetadata: {name: s-${app}, namespace: ${ns}}\nspec:\n  selector: {app: ${app}}\n  ports:\n  - {port: 80, targetPort: ${/^\d+$/.test(target) ? target : JSON.stringify(target)}}\n`,
    ),
  fc.constantFrom(
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: coredns, namespace: kube-system}\nspec:\n  selector: {matchLabels: {k8s-app: kube-dns}}\n  template:\n    metadata: {labels: {k8s-app: kube-dns}}\n    spec: {containers: [{name: c, image: i, ports: [{name: dns, containerPort: 53, protocol: UDP}]}]}\n',
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-1\n  namespace: a\n  labels: {app: web}\n  ownerReferences: [{kind: ReplicaSet, name: web-5d9, controller: true}]\nspec: {containers: [{name: c, image: i}]}\nstatus: {podIP: 10.1.0.5}\n',
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-2\n  namespace: a\n  labels: {app: web, tier: x}\n  ownerReferences: [{kind: ReplicaSet, name: web-5d9, controller: true}]\nspec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}\nstatus: {podIP: 10.1.0.6}\n',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: cidr, namespace: b}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to: [{ipBlock: {cidr: 10.1.0.0/16}}]\n    ports: [{port: http}]\n',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: all-ns, namespace: a}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from: [{namespaceSelector: {}, podSelector: {matchExpressions: [{key: tier, operator: Exists}]}}]\n',
    'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: admin}\nspec:\n  priority: 10\n  subject: {namespaces: {matchLabels: {team: x}}}\n  ingress:\n  - {action: Deny, from: [{namespaces: {}}]}\n',
    'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: b}\n',
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}\n',
  ),
);

/** A file's text: the differential fragments, the extra documents, or a random generated workspace. */
const textArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: contentArb },
  { weight: 2, arbitrary: fc.array(extra, { minLength: 1, maxLength: 3 }).map((d) => d.join('---\n')) },
  {
    weight: 1,
    arbitrary: workspaceArb.map((ws) =>
      docs(ws)
        .map((d) => stringify(d))
        .join('---\n'),
    ),
  },
);

type Op =
  | { kind: 'write'; at: number; text: string }
  | { kind: 'edit'; at: number; line: number; del: number; text: string }
  | { kind: 'delete'; at: number }
  | { kind: 'settings'; checks: Record<string, string>; unisolated: boolean };

const codes = ALL_CODES.map((c) => c.code);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('write' as const), at: fc.nat(URIS.length - 1), text: textArb }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      at: fc.nat(URIS.length - 1),
      line: fc.nat(30),
      del: fc.nat(2),
      text: fc.oneof(
        extra,
        fc.constantFrom('', '# c\n', '---\n', '  x: [\n', '    team: y\n', '  labels: {app: db}\n'),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat(URIS.length - 1) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('settings' as const),
      checks: fc.dictionary(fc.constantFrom(...codes), fc.constantFrom('error', 'warning', 'hint', 'off'), {
        maxKeys: 3,
      }),
      unisolated: fc.boolean(),
    }),
  },
);

function findingKeys(fs: readonly Finding[]): string[] {
  return fs
    .map((f) =>
      JSON.stringify([
        f.uri,
        f.code,
        f.severity,
        f.span.start,
        f.span.end,
        f.message,
        f.related ?? [],
        f.fixes ?? [],
      ]),
    )
    .sort();
}

/** The index views a query reads, in their order (incremental derivation must give the very same). */
function views(a: Analysis): unknown {
  const i = a.index;
  return {
    namespaces: [...i.namespaces.values()].map((n) => [n.name, n.labels, n.declared.map((d) => d.doc.uri)]),
    workloads: i.workloads.map((w) => [w.id, w.labels, w.ips, w.sources.length]),
    policies: i.policies.map((p) => [p.namespace, p.name.value, p.doc.uri]),
    services: i.services.map((s) => [s.namespace, s.name.value]),
    problems: i.problems.length,
    perNs: [...i.namespaces.keys()].map((ns) => [
      i.workloadsIn(ns).map((w) => w.id),
      i.policiesIn(ns).length,
      i.servicesIn(ns).length,
      i.customResourcesIn(ns).length,
    ]),
  };
}

function matrix(a: Analysis): string[] {
  return a
    .reachability()
    .entries.map((e) => `${e.src.id} ${e.dst.id} ${JSON.stringify(e.conns)}`)
    .sort();
}

function fresh(
  files: ReadonlyMap<string, string>,
  settings: ReturnType<typeof settingsFromConfig>,
): Analysis {
  const host = new AnalysisHost();
  host.applyChanges([...files].map(([uri, text]) => ({ uri, text })));
  host.setSettings(settings);
  return host.snapshot();
}

function apply(files: Map<string, string>, op: Op): FileChange[] {
  const uri = URIS[('at' in op ? op.at : 0) % URIS.length] as string;
  switch (op.kind) {
    case 'write':
      files.set(uri, op.text);
      return [{ uri, text: op.text }];
    case 'edit': {
      const lines = (files.get(uri) ?? '').split('\n');
      const at = Math.min(op.line, lines.length);
      lines.splice(at, op.del, ...op.text.split('\n').slice(0, -1));
      const text = lines.join('\n');
      files.set(uri, text);
      return [{ uri, text }];
    }
    case 'delete':
      files.delete(uri);
      return [{ uri, text: null }];
    default:
      return [];
  }
}

describe('incremental analysis equals analysis from scratch', () => {
  it('after every random change: findings, index views and matrix', () => {
    let steps = 0;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(URIS.length - 1), textArb), { minLength: 1, maxLength: 4 }),
        fc.array(opArb, { minLength: 1, maxLength: 14 }),
        (initial, ops) => {
          const files = new Map<string, string>();
          for (const [at, text] of initial) files.set(URIS[at] as string, text);
          let settings = settingsFromConfig({});
          const host = new AnalysisHost({}, true);
          host.applyChanges([...files].map(([uri, text]) => ({ uri, text })));
          let before: Analysis | undefined;
          for (const op of [{ kind: 'settings', checks: {}, unisolated: false } as Op, ...ops]) {
            if (op.kind === 'settings') {
              settings = settingsFromConfig({ checks: op.checks, reportUnisolatedWorkloads: op.unisolated });
              host.setSettings(settings);
            } else host.applyChanges(apply(files, op));
            const a = host.snapshot();
            const b = fresh(files, settings);
            assert.deepEqual(
              findingKeys(a.findings()),
              findingKeys(b.findings()),
              `after ${JSON.stringify(op)}`,
            );
            assert.deepEqual(views(a), views(b));
            if (files.size <= 4) assert.deepEqual(matrix(a), matrix(b));
            // one file's findings are those of the merged list; a file whose findings differ from
            // the previous snapshot's is among those the host says may have changed
            const changed = before ? a.findingsChangedSince(before.findingsToken()) : undefined;
            for (const uri of URIS) {
              const mine = findingKeys(a.findingsFor(uri));
              assert.deepEqual(mine, findingKeys(b.findings().filter((f) => f.uri === uri)), uri);
              if (changed && !changed.has(uri))
                assert.deepEqual(mine, findingKeys(before!.findingsFor(uri)), `${uri} changed unannounced`);
            }
            before = a;
            steps++;
          }
        },
      ),
      params(60, 41),
    );
    assert.ok(steps >= 300, `${steps} steps`);
  });
});

describe('an edit re-runs only the checks whose facts changed', () => {
  const ns = (n: string, team: string): string =>
    `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${n}\n  labels: {team: ${team}}\n`;
  const policy = (n: string, peer: string): string =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: ${n}}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  ingress:\n  - from: [${peer}]\n`;
  const pod = (n: string, app: string): string =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: ${n}, labels: {app: ${app}}}\nspec: {containers: [{name: c, image: i}]}\n`;
  const start = (): { host: AnalysisHost; uris: string[] } => {
    const host = new AnalysisHost({}, true);
    const changes: FileChange[] = [];
    for (let i = 0; i < 8; i++) {
      changes.push({ uri: `file:///w/ns${i}.yaml`, text: ns(`n${i}`, i % 2 ? 'x' : 'y') });
      changes.push({ uri: `file:///w/pod${i}.yaml`, text: pod(`n${i}`, 'web') });
      changes.push({
        uri: `file:///w/pol${i}.yaml`,
        text: policy(`n${i}`, '{podSelector: {matchLabels: {app: web}}}'),
      });
    }
    changes.push({
      uri: 'file:///w/sel.yaml',
      text: policy(
        'n0',
        '{namespaceSelector: {matchLabels: {team: x}}, podSelector: {matchLabels: {app: web}}}',
      ),
    });
    host.applyChanges(changes);
    host.snapshot().findings();
    return { host, uris: changes.map((c) => c.uri) };
  };
  const rerun = (host: AnalysisHost, change: FileChange): number => {
    host.applyChanges([change]);
    const a = host.snapshot();
    a.findings();
    return a.findingsStats()?.rerun ?? Number.NaN;
  };

  it('a comment in a policy file re-checks that file alone', () => {
    const { host } = start();
    assert.equal(rerun(host, { uri: 'file:///w/pol3.yaml', text: `# note\n${policy('n3', '{}')}` }), 1);
  });

  it("a workload's labels re-check the files that read its namespace's workloads", () => {
    const { host } = start();
    // its own file, the policy of its namespace, and the namespaceSelector policy (team x includes n3)
    assert.equal(rerun(host, { uri: 'file:///w/pod3.yaml', text: pod('n3', 'db') }), 3);
  });

  it("a Namespace's labels re-check the files whose selectors read namespace labels", () => {
    const { host } = start();
    assert.equal(rerun(host, { uri: 'file:///w/ns3.yaml', text: ns('n3', 'y') }), 2);
  });

  it("a Namespace label edit re-checks the policies whose selector's answer it changes, not the others", () => {
    // shop's env label flips: the env=prod peer loses shop's pods (its finding changes), the team=x
    // peer and the metadata.name peer still match shop, and a Service behind a policy whose peer
    // keeps some pod stays reachable; only the Namespace's file and the env=prod policy's are re-checked
    const shop = (env: string): string =>
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: x, env: ${env}}\n`;
    const svc =
      'apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: n1}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n';
    const files = new Map<string, string>([
      ['file:///w/shop.yaml', shop('prod')],
      ['file:///w/shop-pod.yaml', pod('shop', 'web')],
      ['file:///w/n1-pod.yaml', pod('n1', 'web')],
      ['file:///w/svc.yaml', svc],
      [
        'file:///w/team.yaml',
        policy('n1', '{namespaceSelector: {matchLabels: {team: x}}, podSelector: {matchLabels: {app: web}}}'),
      ],
      [
        'file:///w/name.yaml',
        policy('n2', '{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: shop}}}'),
      ],
      [
        'file:///w/env.yaml',
        policy(
          'n3',
          '{namespaceSelector: {matchLabels: {env: prod}}, podSelector: {matchLabels: {app: web}}}',
        ),
      ],
      [
        'file:///w/some.yaml',
        policy('n1', '{namespaceSelector: {matchExpressions: [{key: env, operator: NotIn, values: [qa]}]}}'),
      ],
    ]);
    const host = new AnalysisHost({}, true);
    host.applyChanges([...files].map(([uri, text]) => ({ uri, text })));
    const first = host.snapshot();
    first.findings();
    const envBefore = findingKeys(first.findingsFor('file:///w/env.yaml'));
    files.set('file:///w/shop.yaml', shop('dev'));
    host.applyChanges([{ uri: 'file:///w/shop.yaml', text: shop('dev') }]);
    const a = host.snapshot();
    const b = fresh(files, settingsFromConfig({}));
    assert.deepEqual(findingKeys(a.findings()), findingKeys(b.findings()));
    for (const uri of files.keys())
      assert.deepEqual(
        findingKeys(a.findingsFor(uri)),
        findingKeys(b.findings().filter((f) => f.uri === uri)),
        uri,
      );
    // the env=prod policy's answer changed, and with it its findings
    assert.notDeepEqual(findingKeys(a.findingsFor('file:///w/env.yaml')), envBefore);
    assert.equal(a.findingsStats()?.rerun, 2);
    const changed = a.findingsChangedSince(first.findingsToken());
    assert.deepEqual([...(changed ?? ['(any)'])].sort(), ['file:///w/env.yaml', 'file:///w/shop.yaml']);
  });

  it('deleted files and the stores of vanished analysis roots leave nothing behind', () => {
    const host = new AnalysisHost({}, true);
    const base = [
      { uri: 'file:///w/clusters/one/ns.yaml', text: ns('n1', 'x') },
      { uri: 'file:///w/clusters/one/pol.yaml', text: policy('n1', '{podSelector: {}}') },
      { uri: 'file:///w/clusters/two/pod.yaml', text: pod('n2', 'web') },
    ];
    host.applyChanges(base);
    host.snapshot().findings();
    const initial = host.storeSizes();
    // a third cluster (a root of its own) and files of their own namespaces come and go
    const extra = [0, 1, 2, 3].flatMap((i) => [
      { uri: `file:///w/clusters/three/ns${i}.yaml`, text: ns(`m${i}`, 'z') },
      { uri: `file:///w/clusters/three/pol${i}.yaml`, text: policy(`m${i}`, '{podSelector: {}}') },
      { uri: `file:///w/other/pod${i}.yaml`, text: pod(`o${i}`, 'db') },
    ]);
    host.applyChanges(extra);
    host.snapshot().findings();
    assert.ok(host.storeSizes().units > initial.units);
    host.applyChanges(extra.map((c) => ({ uri: c.uri, text: null })));
    host.snapshot().findings();
    assert.deepEqual(host.storeSizes(), initial);
  });

  it('incremental snapshots keep no chain of old ones', () => {
    const { host } = start();
    for (let i = 0; i < 5; i++)
      rerun(host, { uri: 'file:///w/pol1.yaml', text: `# ${i}\n${policy('n1', '{}')}` });
    const a = host.snapshot();
    // the index links to no earlier index once its views are derived, nor its views to earlier views
    assert.equal((a.index as unknown as { base?: unknown }).base, undefined);
    const derived = (a.index as unknown as { derivedCache?: { previous?: unknown } }).derivedCache;
    assert.ok(derived, 'the findings derived the views');
    assert.equal(derived.previous, undefined);
  });

  it("deleted files' facts are not kept once the views after the deletion are derived", async () => {
    const { host } = start();
    // a storm of files of namespaces of their own, read by the views and checks, then deleted
    const storm: FileChange[] = [];
    for (let i = 0; i < 20; i++)
      storm.push(
        { uri: `file:///w/storm/ns${i}.yaml`, text: ns(`s${i}`, 'x') },
        { uri: `file:///w/storm/pod${i}.yaml`, text: pod(`s${i}`, 'web') },
      );
    host.applyChanges(storm);
    const facts = ((during: Analysis) => {
      during.findings();
      void during.index.workloads;
      return storm.map((c) => new WeakRef(during.index.file(c.uri)!));
    })(host.snapshot());
    host.applyChanges(storm.map((c) => ({ uri: c.uri, text: null })));
    const after = host.snapshot();
    after.findings();
    void after.index.workloads;
    // what the host keeps now (no snapshot of the storm held here): a full collection frees them
    await new Promise((r) => setImmediate(r)); // WeakRef targets stay alive until the job ends
    gc();
    assert.deepEqual(
      facts.map((r, i) => (r.deref() ? storm[i]!.uri : undefined)).filter(Boolean),
      [],
      'the facts of the deleted files are still reachable from the host',
    );
  });

  it('the results kept for settings no folder has any more are dropped', () => {
    const { host } = start();
    const own = host.storeSizes();
    const other = (key: string): void => {
      const a = host
        .snapshot()
        .withSettings(settingsFromConfig({ checks: { 'unreadable-file': 'error' } }), key);
      a.findings();
    };
    other('folder-a');
    other('folder-b');
    assert.equal(host.storeSizes().stores, own.stores + 2);
    host.retainSettings(['folder-b']);
    assert.equal(host.storeSizes().stores, own.stores + 1);
    host.retainSettings([]);
    assert.deepEqual(host.storeSizes(), own);
  });
});
