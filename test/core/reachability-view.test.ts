/** The reachability view's model (core/view/reachability.ts) and "policy at offset", as the server answers them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REACHABILITY_MAX_WORKLOADS } from '../../server/src/protocol/requests';
import { analyseTexts } from '../support/load';

const deployments = (ns: string, n: number, role = ns): string =>
  Array.from(
    { length: n },
    (_, i) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app${i}
  namespace: ${ns}
spec:
  template:
    metadata:
      labels:
        role: ${role}
`,
  ).join('---\n');

const policy = (
  name: string,
  ns: string,
  from: string,
  podSelector = '{}',
): string => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector: ${podSelector}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ${from}
`;

/** Namespaces a (3 workloads), b (2), c (4) and d (none); c admits traffic from a. */
const workspace = (): ReturnType<typeof analyseTexts> =>
  analyseTexts({
    'a.yaml': deployments('a', 3),
    'b.yaml': deployments('b', 2),
    'c.yaml': deployments('c', 4),
    'd.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: d\n',
    'np-c.yaml': policy('from-a', 'c', 'a'),
    'notes.yaml': '# not a manifest\n',
  });

const ids = (view: { endpoints: readonly { endpoint: { kind: string; id: string } }[] }): string[] =>
  view.endpoints.filter((e) => e.endpoint.kind === 'workload').map((e) => e.endpoint.id);

test('view: every namespace while the workspace fits the limit', () => {
  const v = workspace().reachabilityView({ maxWorkloads: 9 });
  assert.equal(v.limited, undefined);
  assert.equal(ids(v).length, 9);
  assert.equal(v.focus, undefined);
});

test('view: beyond the limit, the first namespaces in name order, as many as fit', () => {
  const v = workspace().reachabilityView({ maxWorkloads: 5 });
  assert.deepEqual(v.limited && { ...v.limited, namespaces: undefined }, {
    maxWorkloads: 5,
    namespaces: undefined,
    shown: ['a', 'b'],
    reason: 'first',
  });
  assert.deepEqual(
    v.limited?.namespaces,
    [
      { name: 'a', workloads: 3 },
      { name: 'b', workloads: 2 },
      { name: 'c', workloads: 4 },
      { name: 'd', workloads: 0 },
    ],
    'every namespace with its workloads, for the picker',
  );
  assert.deepEqual([...new Set(ids(v).map((id) => id.split('/')[0]))], ['a', 'b']);
  assert.ok(
    v.endpoints.some((e) => e.endpoint.kind === 'external'),
    'external ranges stay',
  );
  // the rows list only what is shown
  const rows = [...v.rows].flat();
  assert.equal(v.total, v.endpoints.length);
  assert.ok(rows.every((e) => e.src.kind !== 'workload' || /^(a|b)\//.test(e.src.id)));
});

test('view: beyond the limit, a focused policy shows its namespace and the namespaces its peers match, as fit', () => {
  const a = workspace();
  const focusPolicy = { name: 'from-a', namespace: 'c' };
  assert.deepEqual(
    a.reachabilityView({ maxWorkloads: 5, focusPolicy }).limited?.shown,
    ['c'],
    'c (4) + a (3) is above 5',
  );
  const wide = a.reachabilityView({ maxWorkloads: 7, focusPolicy });
  assert.deepEqual([wide.limited?.shown, wide.limited?.reason], [['a', 'c'], 'focus']);
  // an unknown policy: the first namespaces again
  assert.equal(
    a.reachabilityView({ maxWorkloads: 5, focusPolicy: { name: 'nope', namespace: 'c' } }).limited?.reason,
    'first',
  );
});

test('view: requested namespaces win, known ones only, deduplicated and sorted, even under the limit', () => {
  const v = workspace().reachabilityView({ maxWorkloads: 600, namespaces: ['c', 'zzz', 'b', 'c'] });
  assert.deepEqual([v.limited?.shown, v.limited?.reason], [['b', 'c'], 'requested']);
  assert.equal(
    workspace().reachabilityView({ maxWorkloads: 600, namespaces: ['zzz'] }).limited,
    undefined,
    'nothing known: no limit',
  );
});

test('view: the protocol limit of 600 workloads', () => {
  const texts = (n: number): Record<string, string> => ({
    'big.yaml': deployments('big', n),
    'small.yaml': deployments('small', 2),
  });
  assert.equal(
    analyseTexts(texts(598)).reachabilityView({ maxWorkloads: REACHABILITY_MAX_WORKLOADS }).limited,
    undefined,
    '600 workloads',
  );
  const over = analyseTexts(texts(599)).reachabilityView({ maxWorkloads: REACHABILITY_MAX_WORKLOADS });
  assert.deepEqual(
    [over.limited?.maxWorkloads, over.limited?.shown, over.limited?.reason],
    [600, ['big'], 'first'],
    '601 workloads: big (599) fits, small no more',
  );
});

test('view: focus is the workloads the policy selects, preferring the policy of the given file', () => {
  const a = analyseTexts({
    'apps.yaml': deployments('c', 2, 'web') + '---\n' + deployments('c', 1, 'db').replace('app0', 'db0'),
    'np-1.yaml': policy('dup', 'c', 'a', '{matchLabels: {role: web}}'),
    'np-2.yaml': policy('dup', 'c', 'a', '{matchLabels: {role: db}}'),
  });
  assert.deepEqual(
    a.reachabilityView({ maxWorkloads: 600, focusPolicy: { name: 'dup', namespace: 'c' } }).focus,
    ['c/app0[Deployment]', 'c/app1[Deployment]'],
  );
  assert.deepEqual(
    a.reachabilityView({
      maxWorkloads: 600,
      focusPolicy: { name: 'dup', namespace: 'c', uri: 'file:///ws/np-2.yaml' },
    }).focus,
    ['c/db0[Deployment]'],
  );
  assert.deepEqual(
    a.reachabilityView({ maxWorkloads: 600, focusPolicy: { name: 'dup', namespace: 'a' } }).focus,
    [],
    'no such policy',
  );
});

test('view: counts, isolation and where each workload is written', () => {
  const v = workspace().reachabilityView({ maxWorkloads: 600, port: { port: 80, protocol: 'TCP' } });
  assert.deepEqual(
    v.counts,
    { policies: 1, workloads: 9, namespaces: 4, files: 5 },
    'notes.yaml holds no object',
  );
  const c0 = v.endpoints.find((e) => e.endpoint.id === 'c/app0[Deployment]');
  assert.deepEqual(
    [c0?.isolatedIngress, c0?.isolatedEgress, c0?.ref?.uri],
    [true, false, 'file:///ws/c.yaml'],
  );
  const a0 = v.endpoints.find((e) => e.endpoint.id === 'a/app0[Deployment]');
  assert.deepEqual([a0?.isolatedIngress, a0?.isolatedEgress], [false, false]);
  const entries = [...v.rows].flat();
  assert.ok(entries.some((e) => e.src.id === 'a/app0[Deployment]' && e.dst.id === 'c/app0[Deployment]'));
  assert.ok(
    !entries.some((e) => e.src.id === 'b/app0[Deployment]' && e.dst.id === 'c/app0[Deployment]'),
    'b is not admitted into c',
  );
  assert.deepEqual(workspace().counts(), v.counts);
});

test('policy at offset: the NetworkPolicy whose manifest holds it, innermost in a List, else none', () => {
  const list = `apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: inner
    namespace: shop
  spec:
    podSelector: {}
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: cm
`;
  const text = `${deployments('a', 1)}---\n${policy('np', 'a', 'b')}`;
  const a = analyseTexts({ 'mixed.yaml': text, 'list.yaml': list });
  assert.equal(a.policyAt('file:///ws/mixed.yaml', text.indexOf('role: a')), undefined, 'in the Deployment');
  assert.deepEqual(a.policyAt('file:///ws/mixed.yaml', text.indexOf('kubernetes.io/metadata.name: b')), {
    name: 'np',
    namespace: 'a',
  });
  assert.deepEqual(a.policyAt('file:///ws/list.yaml', list.indexOf('podSelector')), {
    name: 'inner',
    namespace: 'shop',
  });
  assert.equal(a.policyAt('file:///ws/list.yaml', list.indexOf('name: cm')), undefined, 'the ConfigMap item');
  assert.equal(a.policyAt('file:///ws/none.yaml', 0), undefined);
});
