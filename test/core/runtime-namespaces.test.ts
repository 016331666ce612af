/**
 * Namespaces that exist only at run time (issue 8 item 8): `netpolLens.namespaces` declares them
 * (they count as Namespace manifests with those labels), `netpolLens.defaultNamespace` /
 * `--namespace` gives manifests without metadata.namespace their namespace (a kustomization's
 * `namespace:` still wins), and `netpolLens.podProducers` describes more operator kinds.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AnalysisHost,
  namespacesFromText,
  settingsFromConfig,
  type Analysis,
  type Settings,
} from '../../server/src/core/index';
import { analyseTexts } from '../support/load';

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: from-team-a
  namespace: web
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          team: a
`;
const WEB = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
`;
const CLIENT = `apiVersion: v1
kind: Pod
metadata:
  name: client
  namespace: team-a
spec: {containers: [{name: c, image: busybox}]}
`;
/** The same objects, no metadata.namespace anywhere. */
const BARE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: api, image: api}]}
`;

const codes = (a: Analysis): string[] => a.findings().map((f) => f.code);
const withSettings = (raw: unknown): Settings => settingsFromConfig(raw);

describe('netpolLens.namespaces', () => {
  it('maps the setting, leaving out bad names and values with a warning', () => {
    const warnings: string[] = [];
    const s = settingsFromConfig(
      { namespaces: { 'team-a': { team: 'a', tier: 2 }, Bad_Name: {}, empty: null, list: ['x'] } },
      (m) => warnings.push(m),
    );
    assert.deepEqual(s.namespaces, { 'team-a': { team: 'a', tier: '2' }, empty: {} });
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /^namespaces\.Bad_Name: not a namespace name/);
    assert.equal(settingsFromConfig({}).namespaces, undefined);
  });

  it('a declared namespace counts as a Namespace manifest with those labels', () => {
    const files = { 'np.yaml': POLICY, 'web.yaml': WEB, 'client.yaml': CLIENT };
    const before = analyseTexts(files);
    assert.ok(codes(before).includes('namespace-selector-matches-nothing'));
    const deniedBefore = before.explain('team-a/client[Pod]', 'web/web[Deployment]', {
      port: 80,
      protocol: 'TCP',
    });
    assert.ok(deniedBefore.ok && !deniedBefore.explanation.allowed);

    const a = analyseTexts(files, withSettings({ namespaces: { 'team-a': { team: 'a' }, 'team-b': {} } }));
    assert.ok(!codes(a).includes('namespace-selector-matches-nothing'), codes(a).join());
    const e = a.explain('team-a/client[Pod]', 'web/web[Deployment]', { port: 80, protocol: 'TCP' });
    assert.ok(e.ok && e.explanation.allowed, 'the namespace labels of the setting admit the client');
    // a namespace of the settings alone (no workload) is still a namespace of the workspace
    assert.deepEqual(a.index.namespaces.get('team-b')?.labels, { 'kubernetes.io/metadata.name': 'team-b' });
    assert.equal(a.index.namespaces.get('team-b')?.runtime, true);
    // the reach listing agrees with explain
    const row = a
      .reachability({ externals: false })
      .entries.find((x) => x.src.id === 'team-a/client[Pod]' && x.dst.id === 'web/web[Deployment]');
    assert.ok(row && !row.conns.isEmpty, 'reach lists client → web');
  });

  it('a Namespace manifest of the same name adds its labels over the setting', () => {
    const ns = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels: {tier: front}\n`;
    const a = analyseTexts(
      { 'np.yaml': POLICY, 'ns.yaml': ns },
      withSettings({ namespaces: { 'team-a': { team: 'a', tier: 'back' } } }),
    );
    assert.deepEqual(a.index.namespaces.get('team-a')?.labels, {
      team: 'a',
      tier: 'front',
      'kubernetes.io/metadata.name': 'team-a',
    });
    assert.ok(!codes(a).includes('namespace-selector-matches-nothing'));
  });

  it('the hover on a namespace of the settings says where it is declared', () => {
    const a = analyseTexts(
      { 'client.yaml': CLIENT },
      withSettings({ namespaces: { 'team-a': { team: 'a' } } }),
    );
    const uri = 'file:///ws/client.yaml';
    const h = a.hover(uri, CLIENT.indexOf('team-a') + 2);
    assert.ok(h, 'a hover on metadata.namespace');
    assert.match(h.markdown, /Declared by the settings \(netpolLens\.namespaces/);
    assert.match(h.markdown, /team=a/);
  });

  it('a namespaces file: a map of name → labels, or Namespace manifests', () => {
    assert.deepEqual(namespacesFromText('file:///n.yaml', 'team-a: {team: a}\nother:\n').namespaces, {
      'team-a': { team: 'a' },
      other: {},
    });
    assert.deepEqual(namespacesFromText('file:///n.json', '{"team-a": {"team": "a"}}').namespaces, {
      'team-a': { team: 'a' },
    });
    const stream = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n  labels: {team: a}\n---\napiVersion: v1\nkind: NamespaceList\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata: {name: team-b}\n`;
    const r = namespacesFromText('file:///n.yaml', stream);
    assert.deepEqual(r.namespaces, { 'team-a': { team: 'a' }, 'team-b': {} });
    assert.deepEqual(r.problems, []);
    const bad = namespacesFromText('file:///n.yaml', 'a: [1\n');
    assert.deepEqual(bad.namespaces, {});
    assert.match(bad.problems[0] ?? '', /YAML syntax error/);
    assert.match(namespacesFromText('file:///n.yaml', '').problems[0] ?? '', /empty/);
  });
});

describe('netpolLens.defaultNamespace', () => {
  it('gives manifests without metadata.namespace that namespace, and no missing-namespace', () => {
    const before = analyseTexts({ 'bare.yaml': BARE });
    assert.deepEqual(
      before.index.workloads.map((w) => w.id),
      ['default/api[Deployment]'],
    );
    assert.ok(codes(before).includes('missing-namespace'));
    const a = analyseTexts({ 'bare.yaml': BARE }, withSettings({ defaultNamespace: 'argocd' }));
    assert.deepEqual(
      a.index.workloads.map((w) => w.id),
      ['argocd/api[Deployment]'],
    );
    assert.deepEqual(
      a.index.policies.map((p) => `${p.namespace}/${p.name.value}`),
      ['argocd/deny-all'],
    );
    assert.ok(!codes(a).includes('missing-namespace'), codes(a).join());
    // metadata.namespace, where written, wins
    const written = analyseTexts({ 'web.yaml': WEB }, withSettings({ defaultNamespace: 'argocd' }));
    assert.deepEqual(
      written.index.workloads.map((w) => w.id),
      ['web/web[Deployment]'],
    );
  });

  it('rejects what is not a namespace name', () => {
    const warnings: string[] = [];
    assert.equal(
      settingsFromConfig({ defaultNamespace: 'Not OK' }, (m) => warnings.push(m)).defaultNamespace,
      undefined,
    );
    assert.match(warnings[0] ?? '', /^defaultNamespace: "Not OK" is not a namespace name/);
  });

  it("a kustomization's namespace: overrides it; the default fills only the gaps", () => {
    const kustomization = 'resources:\n- bare.yaml\nnamespace: prod\n';
    const a = analyseTexts(
      { 'app/kustomization.yaml': kustomization, 'app/bare.yaml': BARE, 'other/bare.yaml': BARE },
      withSettings({ defaultNamespace: 'argocd' }),
    );
    const ids = a.roots.flatMap((r) => r.analysis.index.workloads.map((w) => w.id)).sort();
    assert.deepEqual(ids, ['argocd/api[Deployment]', 'prod/api[Deployment]']);
  });

  it('per folder: each file takes the innermost folder’s, and a change of the setting reads the files again', () => {
    const host = new AnalysisHost();
    host.applyChanges([
      { uri: 'file:///ws/a/bare.yaml', text: BARE },
      { uri: 'file:///ws/b/bare.yaml', text: BARE },
      { uri: 'file:///ws/b/inner/bare.yaml', text: BARE },
    ]);
    const ids = (): string[] => host.snapshot().index.workloads.map((w) => w.id);
    assert.deepEqual(ids(), ['default/api[Deployment]']);
    host.setSettings(settingsFromConfig({}), [
      { folder: 'file:///ws/a', namespace: 'team-a' },
      { folder: 'file:///ws/b', namespace: 'team-b' },
      { folder: 'file:///ws/b/inner', namespace: '' },
    ]);
    assert.deepEqual(ids(), ['default/api[Deployment]', 'team-a/api[Deployment]', 'team-b/api[Deployment]']);
    // the inner folder sets none: `default`, and missing-namespace says so there only
    const missing = host
      .snapshot()
      .findings()
      .filter((f) => f.code === 'missing-namespace')
      .map((f) => f.uri);
    assert.deepEqual(missing, ['file:///ws/b/inner/bare.yaml']);
    host.setSettings(settingsFromConfig({}));
    assert.deepEqual(ids(), ['default/api[Deployment]']);
  });
});

const CACHE_CR = `apiVersion: example.com/v1
kind: Cache
metadata:
  name: sessions
  namespace: shop
spec:
  pod:
    labels: {app: cache}
  containers:
  - name: redis
    ports:
    - {name: redis, containerPort: 6379}
`;
const CACHE_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: cache-clients
  namespace: shop
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector: {matchLabels: {app: cache}}
    ports: [{port: 6379}]
`;
const SHOP_WEB = WEB.replace(/namespace: web/, 'namespace: shop');
const PRODUCER = {
  apiVersion: 'example.com/v1',
  kind: 'Cache',
  labelsPath: 'spec.pod.labels',
  portsPath: ['spec', 'containers'],
  name: '{name}-cache',
  workloadKind: 'StatefulSet',
};

describe('netpolLens.podProducers', () => {
  it('maps the setting, leaving out bad entries with a warning', () => {
    const warnings: string[] = [];
    const s = settingsFromConfig(
      {
        podProducers: [
          PRODUCER,
          { apiVersion: 'v1', kind: 'Thing', labelsPath: 'spec.labels' },
          { apiVersion: 'x.io/v1', kind: 'Thing' },
          { apiVersion: 'x.io', kind: 'Thing', labelsPath: 'spec.labels', namePath: 'spec.name' },
        ],
      },
      (m) => warnings.push(m),
    );
    assert.deepEqual(
      s.podProducers?.map((p) => [
        p.group,
        p.kind,
        p.workloadKind,
        p.name,
        p.labelsPath,
        p.portsPath,
        p.namePath,
      ]),
      [
        [
          'example.com',
          'Cache',
          'StatefulSet',
          '{name}-cache',
          ['spec', 'pod', 'labels'],
          ['spec', 'containers'],
          undefined,
        ],
        ['x.io', 'Thing', 'Thing', '{name}', ['spec', 'labels'], undefined, ['spec', 'name']],
      ],
    );
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(
      warnings[0] ?? '',
      /^podProducers\[1\]: apiVersion "v1" is not the API group of a custom resource/,
    );
    assert.match(warnings[1] ?? '', /^podProducers\[2\]: labelsPath undefined is not a field path/);
  });

  it('a custom resource of a configured kind is a workload explain names, and clears a matches-nothing', () => {
    const files = { 'cr.yaml': CACHE_CR, 'np.yaml': CACHE_POLICY, 'web.yaml': SHOP_WEB };
    const before = analyseTexts(files);
    assert.equal(before.index.workload('shop/sessions-cache[StatefulSet]'), undefined);
    const noMatch = before.findings().find((f) => f.code === 'pod-selector-matches-nothing');
    assert.ok(noMatch, codes(before).join());
    const a = analyseTexts(files, withSettings({ podProducers: [PRODUCER] }));
    const w = a.index.workload('shop/sessions-cache[StatefulSet]');
    assert.ok(w, a.index.workloads.map((x) => x.id).join());
    assert.deepEqual(w.labels, { app: 'cache' });
    assert.deepEqual(
      w.ports.map((p) => `${p.name}:${p.port}`),
      ['redis:6379'],
    );
    assert.ok(!codes(a).includes('pod-selector-matches-nothing'), codes(a).join());
    const e = a.explain('shop/web[Deployment]', 'shop/sessions-cache[StatefulSet]', {
      port: 6379,
      protocol: 'TCP',
    });
    assert.ok(e.ok, e.ok ? '' : e.error);
    assert.equal(e.explanation.allowed, true);
    const denied = a.explain('shop/web[Deployment]', 'shop/sessions-cache[StatefulSet]', {
      port: 6380,
      protocol: 'TCP',
    });
    assert.ok(denied.ok && !denied.explanation.allowed);
  });

  it('namePath names the workload from a field of the resource', () => {
    const cr = CACHE_CR.replace('spec:\n', 'spec:\n  statefulSetName: redis-main\n');
    const a = analyseTexts(
      { 'cr.yaml': cr },
      withSettings({ podProducers: [{ ...PRODUCER, namePath: 'spec.statefulSetName' }] }),
    );
    assert.deepEqual(
      a.index.workloads.map((w) => w.id),
      ['shop/redis-main[StatefulSet]'],
    );
  });
});
