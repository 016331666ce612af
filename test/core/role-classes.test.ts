/**
 * Source and destination classes (semantics/classes.ts): two workloads share a source class when
 * every policy's egress side and every ingress rule's peers treat them alike, a destination class
 * when every ingress side, every egress rule's peers and the named ports treat them alike. A truth
 * table of pairs of workloads x and y that one policy tells apart in one role only (or in none),
 * each checked against `PolicyEngine.pair` pair by pair: merging x and y in a role the policy
 * tells them apart in makes a listed pair wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyseTexts } from '../support/load';
import { assertClassesAgree } from '../support/classes';

const NS = (name: string, labels = '{}'): string =>
  `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}, labels: ${labels}}\n`;
const POD = (ns: string, name: string, labels: string, ports = '[]', ips = ''): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: ${labels}}
spec: {containers: [{name: c, image: i, ports: ${ports}}]}
${ips ? `status: {podIPs: [${ips}]}\n` : ''}`;
const POLICY = (ns: string, spec: string): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: ${ns}}
spec:
${spec}`;

interface Row {
  readonly name: string;
  readonly docs: readonly string[];
  /** Ids of the two workloads compared (namespace/name, Pods). */
  readonly x: string;
  readonly y: string;
  readonly sameSource: boolean;
  readonly sameDestination: boolean;
  /** One class (by default: alike in both roles); a named port no rule resolves on them still tells them apart. */
  readonly sameClass?: boolean;
}

// every row has a third workload (a client or a server) so that each role has a counterpart
const TABLE: readonly Row[] = [
  {
    name: 'a label no policy reads',
    docs: [
      NS('a'),
      POLICY('a', '  podSelector: {matchLabels: {app: s}}\n  ingress:\n  - from: [{podSelector: {}}]\n'),
      POD('a', 'x', '{app: s, v: "1"}'),
      POD('a', 'y', '{app: s, v: "2"}'),
      POD('a', 'c', '{app: c}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: true,
    sameDestination: true,
  },
  {
    name: 'isolated for ingress (x) or not (y)',
    docs: [
      NS('a'),
      POLICY('a', '  podSelector: {matchLabels: {app: x}}\n  policyTypes: [Ingress]\n'),
      POD('a', 'x', '{app: x}'),
      POD('a', 'y', '{app: y}'),
      POD('a', 'c', '{app: c}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: true,
    sameDestination: false,
  },
  {
    name: 'isolated for egress (x) or not (y)',
    docs: [
      NS('a'),
      POLICY('a', '  podSelector: {matchLabels: {app: x}}\n  policyTypes: [Egress]\n'),
      POD('a', 'x', '{app: x}'),
      POD('a', 'y', '{app: y}'),
      POD('a', 'c', '{app: c}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: false,
    sameDestination: true,
  },
  {
    name: "an ingress rule's podSelector matches x, not y",
    docs: [
      NS('a'),
      POLICY(
        'a',
        '  podSelector: {matchLabels: {app: srv}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {role: client}}}]\n',
      ),
      POD('a', 'x', '{role: client}'),
      POD('a', 'y', '{role: other}'),
      POD('a', 's', '{app: srv}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: false,
    sameDestination: true,
  },
  {
    name: "an egress rule's podSelector matches x, not y",
    docs: [
      NS('a'),
      POLICY(
        'a',
        '  podSelector: {matchLabels: {app: cli}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {role: db}}}]\n',
      ),
      POD('a', 'x', '{role: db}'),
      POD('a', 'y', '{role: web}'),
      POD('a', 'c', '{app: cli}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: true,
    sameDestination: false,
  },
  {
    name: "an egress rule's namespaceSelector matches x's namespace, not y's",
    docs: [
      NS('a'),
      NS('b', '{team: db}'),
      NS('c', '{team: web}'),
      POLICY(
        'a',
        '  podSelector: {matchLabels: {app: cli}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{namespaceSelector: {matchLabels: {team: db}}}]\n',
      ),
      POD('b', 'x', '{app: w}'),
      POD('c', 'y', '{app: w}'),
      POD('a', 'c', '{app: cli}'),
    ],
    x: 'b/x',
    y: 'c/y',
    sameSource: true,
    sameDestination: false,
  },
  {
    name: "an ingress rule's ipBlock holds x's pod IP, not y's",
    docs: [
      NS('a'),
      POLICY(
        'a',
        '  podSelector: {matchLabels: {app: srv}}\n  ingress:\n  - from: [{ipBlock: {cidr: 10.1.0.0/16}}]\n',
      ),
      POD('a', 'x', '{app: w}', '[]', '{ip: 10.1.0.5}'),
      POD('a', 'y', '{app: w}', '[]', '{ip: 10.2.0.5}'),
      POD('a', 's', '{app: srv}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: false,
    sameDestination: true,
  },
  {
    name: 'a named port of an ingress rule resolves to another number on x than on y',
    docs: [
      NS('a'),
      POLICY(
        'a',
        '  podSelector: {matchLabels: {app: srv}}\n  ingress:\n  - from: [{podSelector: {}}]\n    ports: [{port: http}]\n',
      ),
      POD('a', 'x', '{app: srv}', '[{name: http, containerPort: 80}]'),
      POD('a', 'y', '{app: srv}', '[{name: http, containerPort: 8080}]'),
      POD('a', 'c', '{app: c}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: true,
    sameDestination: false,
  },
  {
    name: 'a named port of an egress rule resolves to another number on x than on y',
    docs: [
      NS('a'),
      POLICY(
        'a',
        '  podSelector: {matchLabels: {app: cli}}\n  policyTypes: [Egress]\n  egress:\n  - ports: [{port: metrics}]\n',
      ),
      POD('a', 'x', '{app: w}', '[{name: metrics, containerPort: 9100}]'),
      POD('a', 'y', '{app: w}', '[{name: metrics, containerPort: 9200}]'),
      POD('a', 'c', '{app: cli}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: true,
    sameDestination: false,
  },
  {
    name: 'a named port of an ingress rule of a policy that selects neither x nor y',
    docs: [
      NS('a'),
      POLICY(
        'a',
        '  podSelector: {matchLabels: {app: srv}}\n  ingress:\n  - from: [{podSelector: {}}]\n    ports: [{port: http}]\n',
      ),
      POD('a', 'x', '{app: w}', '[{name: http, containerPort: 80}]'),
      POD('a', 'y', '{app: w}', '[{name: http, containerPort: 8080}]'),
      POD('a', 's', '{app: srv}', '[{name: http, containerPort: 80}]'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: true,
    sameDestination: true,
    sameClass: false,
  },
  {
    name: 'a named port of an egress rule that reaches x, not y',
    docs: [
      NS('a'),
      POLICY(
        'a',
        '  podSelector: {matchLabels: {app: cli}}\n  policyTypes: [Egress]\n  egress:\n  - to: [{podSelector: {matchLabels: {role: db}}}]\n    ports: [{port: sql}]\n',
      ),
      POD('a', 'x', '{role: db}', '[{name: sql, containerPort: 5432}]'),
      POD('a', 'y', '{role: db, v: "2"}', '[{name: sql, containerPort: 5433}]'),
      POD('a', 'z', '{role: web}', '[{name: sql, containerPort: 5432}]'),
      POD('a', 'c', '{app: cli}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: true,
    sameDestination: false,
  },
  {
    name: 'isolated for ingress by one policy (x) and by another (y), egress alike',
    docs: [
      NS('a'),
      POLICY('a', '  podSelector: {matchLabels: {app: x}}\n  ingress:\n  - ports: [{port: 80}]\n'),
      POLICY('a', '  podSelector: {matchLabels: {app: y}}\n  ingress:\n  - ports: [{port: 443}]\n').replace(
        'name: p,',
        'name: q,',
      ),
      POD('a', 'x', '{app: x}'),
      POD('a', 'y', '{app: y}'),
      POD('a', 'c', '{app: c}'),
    ],
    x: 'a/x',
    y: 'a/y',
    sameSource: true,
    sameDestination: false,
  },
];

for (const row of TABLE) {
  test(`source and destination classes: ${row.name}`, () => {
    const a = analyseTexts({ 'all.yaml': row.docs.join('---\n') });
    const classes = a.engine.classes();
    const classOf = (id: string) => {
      const w = a.index.workload(`${id}[Pod]`);
      assert.ok(w, id);
      return classes.classOf(w);
    };
    const x = classOf(row.x);
    const y = classOf(row.y);
    assert.equal(x.source === y.source, row.sameSource, `${row.x} and ${row.y} in one source class`);
    assert.equal(
      x.destination === y.destination,
      row.sameDestination,
      `${row.x} and ${row.y} in one destination class`,
    );
    // one class exactly when both roles are alike (and every named port a rule names resolves alike)
    assert.equal(x === y, row.sameClass ?? (row.sameSource && row.sameDestination), 'one class');
    assert.ok(classes.sources <= classes.classes.length && classes.destinations <= classes.classes.length);
    // the listing computed on the roles is the engine's, pair by pair; members of a role class are
    // interchangeable in that role
    assert.ok(assertClassesAgree(a, row.name) > 0);
  });
}

test('source and destination classes: what the policies tell apart in one role only, merged in the other', () => {
  // the egress-isolated client and the plain one: different sources, one destination; the named
  // ports: one source, different destinations
  const a = analyseTexts({
    'all.yaml': [
      NS('a'),
      POLICY(
        'a',
        '  podSelector: {matchLabels: {app: srv}}\n  ingress:\n  - from: [{podSelector: {matchLabels: {role: client}}}]\n    ports: [{port: http}]\n',
      ),
      POLICY('a', '  podSelector: {matchLabels: {tier: locked}}\n  policyTypes: [Egress]\n').replace(
        'name: p,',
        'name: q,',
      ),
      POD('a', 's1', '{app: srv}', '[{name: http, containerPort: 80}]'),
      POD('a', 's2', '{app: srv}', '[{name: http, containerPort: 8080}]'),
      POD('a', 'c1', '{role: client}'),
      POD('a', 'c2', '{role: client, tier: locked}'),
      POD('a', 'o1', '{role: other}'),
      POD('a', 'o2', '{role: other, x: "1"}'),
    ].join('---\n'),
  });
  const c = a.engine.classes();
  // sources: c1 | c2 | the others (egress open, no rule's peer); destinations: s1 | s2 | the others
  // (open, no egress rule); classes: s1 | s2 | c1 | c2 | o1 o2
  assert.equal(c.classes.length, 5);
  assert.equal(c.sources, 3);
  assert.equal(c.destinations, 3);
  assertClassesAgree(a, 'mixed');
});
