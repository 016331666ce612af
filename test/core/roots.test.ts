/**
 * Analysis roots (core/roots): cluster folders, kustomize overlays and the other files, each
 * analysed as one cluster; kustomize's namespace and labels applied as kustomize applies them.
 * Fixtures: test/fixtures/roots/{flux,kustomize}.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveSettings, type Analysis, type NetworkPolicyResource } from '../../server/src/core/index';
import { analyseTexts, analyseTree } from '../support/load';

const ROOTS = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'roots');

const codes = (a: Analysis, ...want: string[]): string[] =>
  a
    .findings()
    .filter((f) => want.includes(f.code))
    .map((f) => `${f.code} ${f.uri.slice(f.uri.indexOf('/roots/') + 7)}`);

function root(a: Analysis, id: string): Analysis {
  const r = a.root(id);
  assert.ok(r, `no root ${id}; roots: ${a.roots.map((x) => x.name).join(', ')}`);
  return r;
}

const matchLabels = (p: NetworkPolicyResource | undefined): Record<string, string> =>
  Object.fromEntries((p?.podSelector?.matchLabels ?? []).map((l) => [l.key.value, l.value.value]));

describe('analysis roots: cluster folders', () => {
  const dir = join(ROOTS, 'flux');

  it('clusters/<name>/ with two clusters: one root each, and the other files', () => {
    const a = analyseTree(dir);
    assert.deepEqual(
      a.roots.map((r) => `${r.kind} ${r.name}`),
      ['cluster clusters/production', 'cluster clusters/staging', 'other (other files)'],
    );
    const prod = root(a, 'clusters/production');
    assert.deepEqual(
      prod.index.workloads.map((w) => w.id),
      ['shop/db[Deployment]', 'shop/web[Deployment]'],
    );
    assert.equal(prod.index.namespaceLabels('shop').env, 'production');
    assert.equal(root(a, 'clusters/staging').index.namespaceLabels('shop').env, 'staging');
    assert.deepEqual(
      root(a, '').index.workloads.map((w) => w.id),
      ['monitoring/prometheus[Deployment]'],
    );
  });

  it('identical copies in two clusters are no duplicates (one matrix per cluster)', () => {
    const a = analyseTree(dir);
    assert.deepEqual(codes(a, 'duplicate-policy', 'duplicate-object'), []);
    // per root, the matrix has that cluster's workloads only
    const r = root(a, 'clusters/staging').reachability({ externals: false });
    assert.deepEqual(r.endpoints.map((e) => e.id).sort(), ['shop/db[Deployment]', 'shop/web[Deployment]']);
  });

  it('configured globs replace the layout; a glob matches at any depth', () => {
    const a = analyseTree(dir, resolveSettings({ clusters: ['clusters/production'] }));
    assert.deepEqual(
      a.roots.map((r) => r.name),
      ['clusters/production', '(other files)'],
    );
    const b = analyseTree(dir, resolveSettings({ clusters: ['production'] }));
    assert.deepEqual(
      b.roots.map((r) => r.name),
      ['clusters/production', '(other files)'],
    );
  });

  it('one clusters/<name>/ folder alone is no layout: the workspace stays one analysis', () => {
    const a = analyseTexts({
      'clusters/prod/a.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n',
      'apps/b.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n',
    });
    assert.equal(a.split, false);
    assert.equal(a.roots.length, 1);
  });
});

describe('analysis roots: kustomize', () => {
  const dir = join(ROOTS, 'kustomize');
  const a = analyseTree(dir);

  it('each overlay (a kustomization no other one includes) is a root', () => {
    assert.deepEqual(
      a.roots.map((r) => `${r.kind} ${r.name}`),
      ['kustomization overlays/dev', 'kustomization overlays/prod', 'kustomization overlays/staging'],
      'the kustomization files are in the roots that build them: no "(other files)" root of nothing',
    );
    const prod = a.root('overlays/prod');
    const held = [...(prod?.index.files.keys() ?? [])].filter((u) => u.endsWith('/kustomization.yaml'));
    assert.deepEqual(held.map((u) => u.slice(u.indexOf('/kustomize/') + '/kustomize/'.length)).sort(), [
      'base/kustomization.yaml',
      'overlays/prod/kustomization.yaml',
    ]);
  });

  it("namespace: sets every resource's namespace, overriding the written one; renames a Namespace", () => {
    const dev = root(a, 'overlays/dev');
    assert.deepEqual(
      dev.index.workloads.map((w) => w.id),
      ['dev/db[StatefulSet]', 'dev/web[Deployment]'],
    );
    assert.deepEqual(
      dev.index.services.map((s) => `${s.namespace}/${s.name.value}`),
      ['dev/web'],
    );
    assert.deepEqual(
      [...dev.index.namespaces.values()].filter((n) => n.declared.length).map((n) => n.name),
      ['dev'],
    );
    assert.equal(dev.index.namespaceLabels('dev').team, 'shop');
  });

  it('components: their resources join the overlay and take its namespace', () => {
    assert.deepEqual(
      root(a, 'overlays/dev')
        .index.policies.map((p) => `${p.namespace}/${p.name.value}`)
        .sort(),
      ['dev/db-from-web', 'dev/default-deny'],
    );
    assert.deepEqual(
      root(a, 'overlays/prod').index.policies.map((p) => `${p.namespace}/${p.name.value}`),
      ['prod/db-from-web'],
    );
  });

  it('nested bases: the outermost namespace wins', () => {
    assert.deepEqual(
      root(a, 'overlays/staging').index.workloads.map((w) => w.id),
      ['staging/db[StatefulSet]', 'staging/web[Deployment]'],
    );
  });

  it('commonLabels and labels: templates, selectors and NetworkPolicy podSelectors as kustomize applies them', () => {
    const prod = root(a, 'overlays/prod');
    const web = prod.index.workload('prod/web[Deployment]');
    assert.deepEqual(web?.labels, {
      app: 'web',
      'app.kubernetes.io/part-of': 'shop', // commonLabels of the base
      env: 'prod', // includeSelectors
      tier: 'backend', // includeTemplates
      // owner: metadata.labels only, not the pod template
    });
    const p = prod.index.policies[0];
    assert.deepEqual(matchLabels(p), { app: 'db', 'app.kubernetes.io/part-of': 'shop', env: 'prod' });
    const peers = p?.ingress?.rules[0]?.peers ?? [];
    assert.deepEqual(
      Object.fromEntries((peers[0]?.podSelector?.matchLabels ?? []).map((l) => [l.key.value, l.value.value])),
      { app: 'web', 'app.kubernetes.io/part-of': 'shop', env: 'prod' },
    );
    // create: false — a podSelector without matchLabels stays every pod of the namespace
    assert.equal(peers[1]?.podSelector?.matchLabels.length, 0);
    assert.deepEqual(prod.index.services[0]?.selector, {
      app: 'web',
      'app.kubernetes.io/part-of': 'shop',
      env: 'prod',
    });
    // the policy still selects the db in that overlay: the labels were added on both sides
    assert.deepEqual(
      prod.index.workloads
        .filter((w) => Object.entries(matchLabels(p)).every(([k, v]) => w.labels[k] === v))
        .map((w) => w.id),
      ['prod/db[StatefulSet]'],
    );
  });

  it('explain uses the root: allowed from web to db in prod, by the base policy in the prod namespace', () => {
    const r = root(a, 'overlays/prod').explain('prod/web[Deployment]', 'prod/db[StatefulSet]', {
      port: 5432,
      protocol: 'TCP',
    });
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.explanation.allowed, true);
    const d = root(a, 'overlays/dev').explain('dev/web[Deployment]', 'dev/db[StatefulSet]', {
      port: 5432,
      protocol: 'TCP',
    });
    assert.ok(d.ok, d.ok ? '' : d.error);
    assert.equal(d.explanation.allowed, false, "dev's default-deny denies web's egress");
  });

  it('findings are the union over the roots; none of missing-namespace or duplicate-* for base copies', () => {
    assert.deepEqual(codes(a, 'missing-namespace', 'duplicate-object', 'duplicate-policy'), []);
    const base = a.findings().filter((f) => f.uri.endsWith('/base/policy.yaml'));
    const keys = base.map((f) => `${f.code}@${f.span.start}:${f.message}`);
    assert.equal(new Set(keys).size, keys.length, 'each finding once');
  });

  it('a finding only some roots holding the file have names those roots', () => {
    // default-deny exists in dev only: web's egress to db has no rule there, so nothing is allowed
    // the policy file's findings from dev alone carry "(analysis root overlays/dev)" when they differ
    const named = a.findings().filter((f) => / \(analysis roots? [^)]+\)$/.test(f.message));
    for (const f of named) assert.ok(a.rootsOf(f.uri).length > 1, f.message);
  });

  it('code lenses of a base three overlays see alike are shown once, without root names (as the first root gives them)', () => {
    const uri = a.roots[0]?.analysis.index.policies.find((p) => p.name.value === 'db-from-web')?.doc.uri;
    assert.ok(uri);
    const lenses = a.codeLenses(uri);
    assert.deepEqual(
      lenses.map((l) => l.title),
      root(a, 'overlays/dev')
        .codeLenses(uri)
        .map((l) => l.title),
    );
  });
});
