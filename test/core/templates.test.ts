/**
 * Template text is a template only where it breaks the YAML structure (issue 8): `{{ … }}` inside a
 * string scalar (quoted, plain or block) is text, and a templated document is reported on its own
 * while the other documents of the file are analysed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseTexts } from '../support/load';
import { coverageNotes, explainText, reachTable } from '../../server/src/core/index';

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-web
  namespace: shop
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
`;
const WEB = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: nginx}]}
`;

/** Kept as text although they hold `{{`: the policy of the same file must be analysed. */
const STRINGS: Record<string, string> = {
  'prometheus rule, double-quoted': `apiVersion: v1
kind: ConfigMap
metadata: {name: rules, namespace: monitoring}
data:
  alert.rules: |-
    groups:
    - name: HighErrorRate
      rules:
      - alert: HighErrorRate
        annotations:
          description: "Rate of HTTP 500 errors per 5 minutes: {{ $value }}"
`,
  'prometheus rule, plain scalar': `apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata: {name: rules, namespace: monitoring}
spec:
  groups:
  - name: node
    rules:
    - alert: NodeDown
      annotations:
        summary: Instance {{ $labels.instance }} down
        description: 'Rate: {{ $value }}'
`,
  'grafana dashboard JSON in a block scalar': `apiVersion: v1
kind: ConfigMap
metadata: {name: dashboards, namespace: monitoring}
data:
  pods.json: |
    {"panels": [{"targets": [{"expr": "sum(rate(x[1m]))", "legendFormat": "{{ pod }}"}],
    "title": {{ "not JSON either, still a string" }}}]}
`,
  'istio sidecar injector template': `apiVersion: v1
kind: ConfigMap
metadata: {name: istio-sidecar-injector, namespace: istio-system}
data:
  config: |-
    policy: enabled
    templates:
      sidecar: |
        {{- $containers := list }}
        {{- range $index, $container := .Spec.Containers }}{{ $containers = append $containers $container.Name }}{{end}}
        spec:
          containers:
          - name: istio-proxy
            image: "{{ .Values.global.hub }}/proxyv2"
`,
  'flux image update automation message': `apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageUpdateAutomation
metadata: {name: flux-system, namespace: flux-system}
spec:
  git:
    commit:
      messageTemplate: |
        Automated image update

        {{ range $filename, $_ := .Changed.FileChanges -}}
        - {{ $filename }}
        {{ end -}}
`,
};

describe('template text inside strings', () => {
  for (const [name, text] of Object.entries(STRINGS)) {
    it(`${name}: not a template, and the policy beside it is analysed`, () => {
      const a = analyseTexts({ 'f.yaml': `${text}---\n${POLICY}---\n${WEB}` });
      assert.deepEqual(
        a
          .findings()
          .filter((f) => f.code === 'helm-template')
          .map((f) => f.message),
        [],
      );
      assert.deepEqual(
        a.index.policies.map((p) => p.name.value),
        ['deny-web'],
      );
      assert.equal(a.engine.isolation(a.index.workloads[0]!).ingress.length, 1);
      assert.deepEqual(coverageNotes(a.index), []);
    });
  }
});

const HELM_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ .Release.Name }}-allow
  namespace: shop
spec:
  podSelector:
    matchLabels:
      {{- include "chart.selectorLabels" . | nindent 6 }}
`;

describe('templated documents', () => {
  it('a templated NetworkPolicy is a warning on its own; the other documents are analysed', () => {
    const text = `${HELM_POLICY}---\n${POLICY}---\n${WEB}`;
    const a = analyseTexts({ 'f.yaml': text });
    const t = a.findings().filter((f) => f.code === 'helm-template');
    assert.equal(t.length, 1);
    assert.equal(t[0]?.severity, 'warning');
    assert.equal(t[0]?.span.start, text.indexOf('{{'));
    assert.match(t[0]?.message ?? '', /This NetworkPolicy is an unrendered template/);
    assert.deepEqual(
      a.index.policies.map((p) => p.name.value),
      ['deny-web'],
    );
    assert.equal(a.index.workloads.length, 1);
  });

  it('a templated document of another kind stays information', () => {
    const a = analyseTexts({
      'f.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}\n---\n${POLICY}`,
    });
    assert.deepEqual(
      a
        .findings()
        .filter((f) => f.code === 'helm-template')
        .map((f) => f.severity),
      ['information'],
    );
    assert.equal(a.index.policies.length, 1);
  });

  it('a template that wraps the whole file ({{- if }} … {{- end }}) marks the documents it touches', () => {
    const text = `{{- if .Values.networkPolicy.enabled }}\n${POLICY}---\n${WEB}---\n${HELM_POLICY}{{- end }}\n`;
    const a = analyseTexts({ 'f.yaml': text });
    const t = a.findings().filter((f) => f.code === 'helm-template');
    assert.deepEqual(
      t.map((f) => [f.span.start, f.severity]),
      [
        [0, 'warning'],
        [text.indexOf('{{', text.indexOf('name: {{')), 'warning'],
      ],
    );
    assert.equal(a.index.workloads.length, 1, 'the untouched Pod document is analysed');
  });

  it('Jinja blocks ({% … %}) too', () => {
    const a = analyseTexts({ 'f.yaml': `{% if x %}\n${POLICY}{% endif %}\n` });
    assert.deepEqual(
      a
        .findings()
        .filter((f) => f.code === 'helm-template')
        .map((f) => f.severity),
      ['warning'],
    );
  });

  it('the advice names the tool the evidence points to: Helm only where the template is Helm’s', () => {
    const advice = (name: string, text: string): string =>
      analyseTexts({ [name]: text })
        .findings()
        .find((f) => f.code === 'helm-template')?.message ?? '';
    // the network-policy-api conformance manifests: Go templates a test harness fills, not Helm
    const goTemplate = `apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n  namespace: {{ .Namespace }}\n`;
    const plain = advice('base/manifests.yaml', goTemplate);
    assert.doesNotMatch(plain, /helm template/);
    assert.match(plain, /Render it with the tool that fills it \(Helm or another Go-template tool/);
    assert.match(
      advice('f.yaml', goTemplate.replace('.Namespace', '.Release.Namespace')),
      /Render it with Helm \(helm template <release> <chart>\)/,
    );
    assert.match(advice('chart/templates/svc.yaml', goTemplate), /Render it with Helm/);
    assert.match(advice('f.yaml', `{% if x %}\n${POLICY}{% endif %}\n`), /a Jinja template/);
  });

  it('reach and explain say how many documents were not analysed, and why', () => {
    const a = analyseTexts({
      'f.yaml': `${HELM_POLICY}---\n${POLICY}---\n${WEB}`,
      'g.yaml': `${POLICY.replace('deny-web', 'broken')}  ingress: [\n`,
    });
    const notes = coverageNotes(a.index);
    assert.deepEqual(notes, [
      '2 documents are not analysed (1 unrendered template, 1 with YAML that could not be read): these verdicts may be wrong; "check" shows where.',
    ]);
    const table = reachTable(a.reachability({}), a.engine, 'Reachability of x', notes);
    assert.equal(table.split('\n')[1], notes[0]);
    const id = a.index.workloads[0]!.id;
    const x = a.explain(id, id);
    assert.ok(x.ok);
    if (x.ok) assert.equal(explainText(x.explanation, () => 'f.yaml:1:1', notes).split('\n')[1], notes[0]);
  });
});
