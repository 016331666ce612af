/**
 * Hover and check give one answer about a selector: a peer's namespaceSelector or podSelector that
 * the hover says matches nothing is exactly one that namespace- / pod-selector-matches-nothing
 * reports, and the other way round. Built-in namespaces (kube-system…) exist in every cluster, so a
 * selector matching only those matches something for both; the configured DNS pods likewise.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyseTexts, renderedHover } from '../support/load';

const WS = {
  'ns.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: team-a
  labels:
    team: a
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: team-a
  labels:
    app: web
spec:
  containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata:
  name: api
  namespace: app
  labels:
    app: api
spec:
  containers: [{name: api, image: api}]
`,
  'np.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
  namespace: app
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: a}}
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
    - namespaceSelector: {matchLabels: {team: zzz}}
    - namespaceSelector: {matchLabels: {team: team-ax}}
    - namespaceSelector: {matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [default, kube-public]}]}
    - podSelector: {matchLabels: {app: api}}
    - podSelector: {matchLabels: {app: nope}}
    - podSelector: {matchLabels: {app: apx}}
    - podSelector: {matchLabels: {app: web}}
    - namespaceSelector: {matchLabels: {team: a}}
      podSelector: {matchLabels: {app: web}}
    - namespaceSelector: {matchLabels: {team: a}}
      podSelector: {matchLabels: {app: nope}}
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {k8s-app: kube-dns}}
    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}
      podSelector: {matchLabels: {app: metrics}}
`,
};

/** Each selector of np.yaml: its locator, what the check must say, and words the hover must hold. */
const CASES: ReadonlyArray<{
  at: string;
  which: 'namespace' | 'pod';
  nothing: boolean;
  hover: string;
  /** Words the check's message must hold too (the nearest match both give). */
  both?: string;
}> = [
  {
    at: 'namespaceSelector: {matchLabels: {team: a}}\n    - namespaceSelector: {matchLabels: {kubernetes',
    which: 'namespace',
    nothing: false,
    hover: 'Matches 1 namespace of 2: team-a',
  },
  {
    at: 'namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n    - namespaceSelector: {matchLabels: {team: zzz',
    which: 'namespace',
    nothing: false,
    hover: 'Matches kube-system, which every cluster has',
  },
  {
    at: 'namespaceSelector: {matchLabels: {team: zzz}}',
    which: 'namespace',
    nothing: true,
    hover: 'Matches none of the 2 namespaces',
  },
  {
    at: 'namespaceSelector: {matchLabels: {team: team-ax}}',
    which: 'namespace',
    nothing: true,
    hover: 'Matches none of the 2 namespaces',
    both: 'Did you mean team-a (team=a)?',
  },
  {
    at: 'namespaceSelector: {matchExpressions',
    which: 'namespace',
    nothing: false,
    hover: 'Matches default and kube-public, which every cluster has',
  },
  { at: 'podSelector: {matchLabels: {app: api}}', which: 'pod', nothing: false, hover: 'app/api[Pod]' },
  {
    at: 'podSelector: {matchLabels: {app: nope}}\n    - namespaceSelector',
    which: 'pod',
    nothing: true,
    hover: 'Matches no pods in the workspace.',
  },
  {
    at: 'podSelector: {matchLabels: {app: apx}}',
    which: 'pod',
    nothing: true,
    hover: 'Matches no pods in the workspace.',
    both: 'Did you mean app=api (app/api[Pod])?',
  },
  {
    at: 'podSelector: {matchLabels: {app: web}}\n    - namespaceSelector',
    which: 'pod',
    nothing: true,
    hover: 'Matches no pods in the workspace.',
    both: 'Pods app=web exist in namespace team-a (team-a/web[Pod]).',
  },
  {
    at: 'podSelector: {matchLabels: {app: web}}\n    - namespaceSelector: {matchLabels: {team: a}}\n      podSelector: {matchLabels: {app: nope',
    which: 'pod',
    nothing: false,
    hover: 'team-a/web[Pod]',
  },
  {
    at: 'podSelector: {matchLabels: {app: nope}}\n    - namespaceSelector: {matchLabels: {kubernetes',
    which: 'pod',
    nothing: true,
    hover: 'Matches no pods in the workspace.',
  },
  {
    at: 'podSelector: {matchLabels: {k8s-app: kube-dns}}',
    which: 'pod',
    nothing: false,
    hover: 'Matches the cluster DNS pods',
  },
  {
    at: 'podSelector: {matchLabels: {app: metrics}}',
    which: 'pod',
    nothing: false,
    hover: 'which holds no workloads of namespace kube-system',
  },
];

describe('hover and check agree on what a selector matches', () => {
  const a = analyseTexts(WS);
  const uri = [...a.index.files.keys()].find((u) => u.endsWith('np.yaml')) ?? '';
  const text = a.index.file(uri)?.text ?? '';
  const findings = a.findingsFor(uri);
  for (const c of CASES) {
    it(`${c.which}Selector ${c.at.split('\n')[0]}`, () => {
      const start = text.indexOf(c.at);
      assert.ok(start >= 0, c.at);
      const code = `${c.which}-selector-matches-nothing`;
      const reported = findings.some((f) => f.code === code && f.span.start === start);
      const h = renderedHover(a, uri, start + 2);
      assert.ok(h, 'a hover');
      const hoverSaysNothing =
        c.which === 'namespace'
          ? h.markdown.includes('Matches none of the')
          : /^Matches no pods in the workspace\.( |$)/m.test(h.markdown);
      assert.equal(reported, c.nothing, `${code} ${reported ? 'reported' : 'not reported'}`);
      assert.equal(
        hoverSaysNothing,
        c.nothing,
        `the hover ${hoverSaysNothing ? 'says' : 'does not say'} it matches nothing:\n${h.markdown}`,
      );
      assert.ok(h.markdown.includes(c.hover), `missing ${JSON.stringify(c.hover)} in:\n${h.markdown}`);
      if (c.both) {
        assert.ok(h.markdown.includes(c.both), `the hover lacks ${JSON.stringify(c.both)}:\n${h.markdown}`);
        const f = findings.find((x) => x.code === code && x.span.start === start);
        assert.ok(f?.message.includes(c.both), `the check lacks ${JSON.stringify(c.both)}: ${f?.message}`);
      }
    });
  }
});

describe('hover and find-references agree on the rules that reach a container port', () => {
  const a = analyseTexts({
    'dns.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: dns
  namespace: app
  labels:
    app: dns
spec:
  containers:
  - name: dns
    image: coredns
    ports:
    - {name: dns, containerPort: 53, protocol: UDP}
    - {name: dns-tcp, containerPort: 53, protocol: TCP}
`,
    'np.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: dns-udp
  namespace: app
spec:
  podSelector:
    matchLabels: {app: dns}
  ingress:
  - ports:
    - {port: 53, protocol: UDP}
`,
  });
  const uri = [...a.index.files.keys()].find((u) => u.endsWith('dns.yaml')) ?? '';
  const text = a.index.file(uri)?.text ?? '';
  for (const [name, allowed] of [
    ['name: dns,', true],
    ['name: dns-tcp,', false],
  ] as const) {
    it(`${name.replace(/[:,]/g, '')} (${allowed ? 'allowed: UDP 53' : 'not allowed: TCP 53'})`, () => {
      const offset = text.indexOf(name) + 7;
      const h = renderedHover(a, uri, offset);
      assert.ok(h, 'a hover');
      assert.ok(h.markdown.startsWith('**Container port**'), h.markdown);
      const refs = a.references(uri, offset);
      assert.equal(h.markdown.includes('app/dns-udp ingress rule 1'), allowed, h.markdown);
      assert.equal(refs.length, allowed ? 1 : 0, JSON.stringify(refs));
    });
  }
});
