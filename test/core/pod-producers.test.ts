/**
 * Pods made by operators (model/pod-producers.ts): the prometheus-operator's custom resources become
 * the StatefulSets it makes, named, labeled and with the ports it gives them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseTexts } from '../support/load';

const PROMETHEUS = `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: k8s
  namespace: monitoring
spec:
  shards: 3
  portName: http-web
  thanos:
    image: thanos
  podMetadata:
    labels:
      team: obs
      prometheus: overridden
  containers:
  - name: sidecar
    ports:
    - name: extra
      containerPort: 7070
`;

describe('operator pods', () => {
  it('a Prometheus becomes one StatefulSet per shard, labeled as the operator labels its pods', () => {
    const a = analyseTexts({ 'p.yaml': PROMETHEUS });
    assert.deepEqual(
      a.index.workloads.map((w) => w.id),
      [
        'monitoring/prometheus-k8s-shard-1[StatefulSet]',
        'monitoring/prometheus-k8s-shard-2[StatefulSet]',
        'monitoring/prometheus-k8s[StatefulSet]',
      ],
    );
    const w = a.index.workload('monitoring/prometheus-k8s[StatefulSet]');
    assert.deepEqual(w?.labels, {
      team: 'obs',
      prometheus: 'k8s',
      'app.kubernetes.io/name': 'prometheus',
      'app.kubernetes.io/managed-by': 'prometheus-operator',
      'app.kubernetes.io/instance': 'k8s',
      'operator.prometheus.io/name': 'k8s',
      'operator.prometheus.io/shard': '0',
    });
    assert.equal(
      a.index.workload('monitoring/prometheus-k8s-shard-2[StatefulSet]')?.labels[
        'operator.prometheus.io/shard'
      ],
      '2',
    );
    assert.deepEqual(
      w?.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`),
      ['http-web:9090/TCP', 'http:10902/TCP', 'grpc:10901/TCP', 'reloader-web:8080/TCP', 'extra:7070/TCP'],
    );
  });

  it('listenLocal drops the web port; Alertmanager and ThanosRuler get theirs', () => {
    const a = analyseTexts({
      'a.yaml': `apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata:
  name: main
  namespace: monitoring
spec:
  listenLocal: true
---
apiVersion: monitoring.coreos.com/v1
kind: ThanosRuler
metadata:
  name: rules
spec: {}
`,
    });
    const am = a.index.workload('monitoring/alertmanager-main[StatefulSet]');
    assert.deepEqual(
      am?.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`),
      ['mesh-tcp:9094/TCP', 'mesh-udp:9094/UDP', 'reloader-web:8080/TCP'],
    );
    assert.equal(am?.labels.alertmanager, 'main');
    const tr = a.index.workload('default/thanos-ruler-rules[StatefulSet]');
    assert.deepEqual(
      tr?.ports.map((p) => `${p.name}:${p.port}`),
      ['grpc:10901', 'web:10902'],
    );
    assert.equal(tr?.labels['app.kubernetes.io/name'], 'thanos-ruler');
  });

  it('a policy admitting Prometheus by its pod labels no longer matches nothing', () => {
    const a = analyseTexts({
      'p.yaml': PROMETHEUS,
      'np.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: grafana
  namespace: monitoring
spec:
  podSelector:
    matchLabels:
      app: grafana
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app.kubernetes.io/name: prometheus
`,
      'g.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: grafana
  namespace: monitoring
  labels:
    app: grafana
`,
    });
    assert.deepEqual(
      a.findings().filter((f) => f.code === 'pod-selector-matches-nothing'),
      [],
    );
    const e = a.explain('monitoring/prometheus-k8s[StatefulSet]', 'monitoring/grafana[Pod]');
    assert.ok(e.ok && e.explanation.allowed);
  });

  it('a huge or bad shard count is bounded', () => {
    const a = analyseTexts({
      'p.yaml': PROMETHEUS.replace('shards: 3', 'shards: 1000000'),
      'q.yaml': PROMETHEUS.replace('shards: 3', 'shards: lots').replace('name: k8s', 'name: other'),
    });
    assert.equal(a.index.workloads.filter((w) => w.name.startsWith('prometheus-k8s')).length, 64);
    assert.equal(a.index.workloads.filter((w) => w.name.startsWith('prometheus-other')).length, 1);
  });
});
