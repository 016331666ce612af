/**
 * The real-world regression corpus (test/fixtures/realworld/, sources and licences in its README):
 * files that netpol-lens once misread.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { analyseTree } from '../support/load';
import { coverageNotes } from '../../server/src/core/index';

export const REALWORLD = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'realworld');

describe('real-world corpus: sock-shop', () => {
  const dir = join(REALWORLD, 'sock-shop');

  it('Prometheus rules with {{ $value }} in a quoted string are not a template', () => {
    const a = analyseTree(
      join(dir, 'deploy', 'kubernetes', 'manifests-monitoring', '05-prometheus-alertrules.yaml'),
    );
    assert.deepEqual(
      a
        .findings()
        .filter((f) => f.code === 'helm-template')
        .map((f) => f.message),
      [],
    );
    assert.deepEqual(coverageNotes(a.index), []);
  });

  it('the NetworkPolicy after the rules in the same file is analysed', () => {
    const a = analyseTree(join(dir, 'derived', 'alertrules-and-policy.yaml'));
    assert.deepEqual(
      a.index.policies.map((p) => `${p.namespace}/${p.name.value}`),
      ['sock-shop/cart-access'],
    );
    assert.deepEqual(
      a
        .findings()
        .filter((f) => f.severity === 'error')
        .map((f) => f.code),
      [],
    );
  });
});

describe('real-world corpus: YAML that kubectl reads', () => {
  it('sock-shop: a quoted annotation closed at its key depth is read, with a hint', () => {
    const a = analyseTree(
      join(
        REALWORLD,
        'sock-shop',
        'deploy',
        'kubernetes',
        'manifests-monitoring',
        '23-grafana-import-dash-batch.yaml',
      ),
    );
    assert.deepEqual(
      a
        .findings()
        .filter((f) => f.code === 'yaml-syntax-error')
        .map((f) => f.message),
      [],
    );
    assert.deepEqual(
      a
        .findings()
        .filter((f) => f.code === 'lenient-yaml')
        .map((f) => f.severity),
      ['hint'],
    );
    assert.deepEqual(
      a.index.workloads.map((w) => w.id),
      ['monitoring/grafana-import-dashboards[Job]'],
    );
    assert.deepEqual(coverageNotes(a.index), []);
  });

  it('sock-shop: the NetworkPolicy after that annotation is not swallowed', () => {
    const a = analyseTree(join(REALWORLD, 'sock-shop', 'derived', 'import-dash-and-policy.yaml'));
    assert.deepEqual(
      a.index.policies.map((p) => `${p.namespace}/${p.name.value}`),
      ['sock-shop/cart-access'],
    );
    assert.deepEqual(
      a
        .findings()
        .filter((f) => f.severity === 'error')
        .map((f) => f.code),
      [],
    );
  });

  it('netpol-analyzer ACS demo: a TAB at the start of a line in args: [ … ] is read', () => {
    const a = analyseTree(join(REALWORLD, 'netpol-analyzer'));
    assert.deepEqual(
      a
        .findings()
        .filter((f) => f.code === 'yaml-syntax-error')
        .map((f) => f.message),
      [],
    );
    assert.deepEqual(a.findings().filter((f) => f.code === 'lenient-yaml').length, 1);
    const gw = a.index.workloads.find((w) => w.id === 'payments/gateway[Deployment]');
    assert.ok(gw, a.index.workloads.map((w) => w.id).join(' '));
    assert.deepEqual(
      gw.ports.map((p) => p.port),
      [8080],
    );
  });
});

describe('real-world corpus: kube-prometheus', () => {
  const dir = join(REALWORLD, 'kube-prometheus');

  it('the Prometheus and Alertmanager custom resources are the StatefulSets the operator makes', () => {
    const a = analyseTree(dir);
    const ids = a.index.workloads.map((w) => w.id);
    assert.ok(ids.includes('monitoring/prometheus-k8s[StatefulSet]'), ids.join(', '));
    assert.ok(ids.includes('monitoring/alertmanager-main[StatefulSet]'), ids.join(', '));
    // every policy admitting Prometheus' scrapes finds its pods, and the policies of Prometheus
    // and Alertmanager select them
    assert.deepEqual(
      a
        .findings()
        .filter((f) => f.code === 'pod-selector-matches-nothing' || f.code === 'policy-selects-no-pods')
        .map((f) => f.message),
      [],
    );
  });
});

describe('real-world corpus: sock-shop cortex-access', () => {
  it('carts, carts-db and session-db accept ingress from nowhere while Services route to them', () => {
    const a = analyseTree(join(REALWORLD, 'sock-shop', 'deploy', 'kubernetes'));
    const unreachable = a
      .findings()
      .filter((f) => f.code === 'service-unreachable')
      .map((f) => /^Service (\S+)/.exec(f.message)?.[1]);
    for (const svc of ['sock-shop/carts', 'sock-shop/carts-db', 'sock-shop/session-db'])
      assert.ok(unreachable.includes(svc), `${svc} in ${unreachable.join(', ')}`);
    const carts = a.findings().find((f) => f.message.startsWith('Service sock-shop/carts '));
    assert.match(carts?.message ?? '', /TCP 80: sock-shop\/cortex-access isolates them/);
  });
});
