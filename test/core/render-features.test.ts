/**
 * Hovers and code lenses on the source files of a rendered kustomize root (features/rendered.ts):
 * the sources hold no resources there, so the answer is the one at the place of the build's
 * output they became, put back on the source through the origin annotations (the mapping the
 * findings take); where two rendered overlays hold one base, each root's answer under its name.
 * The builds are handed to the host as the adapters do (`setRenders`), no kustomize runs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisHost, type Analysis } from '../../server/src/core/index';
import { ROOT } from '../support/golden';
import { readTree, renderedHover } from '../support/load';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'roots-render');
const WS = join(FIXTURE, 'ws');
const uriOf = (rel: string): string => pathToFileURL(join(WS, rel)).href;

function rendered(): Analysis {
  const host = new AnalysisHost();
  host.applyChanges(readTree(WS));
  host.setRenders([
    {
      kustomization: uriOf('overlays/prod/kustomization.yaml'),
      command: 'kustomize build overlays/prod',
      output: readFileSync(join(FIXTURE, 'kustomize-build-output.txt'), 'utf8'),
    },
  ]);
  return host.snapshot();
}

function unrendered(): Analysis {
  const host = new AnalysisHost();
  host.applyChanges(readTree(WS));
  return host.snapshot();
}

const at = (a: Analysis, uri: string, needle: string, nth = 0): number => {
  const text = a.index.file(uri)?.text ?? '';
  let i = -1;
  for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} in ${uri}`);
  return i;
};

describe('hovers and code lenses on the sources of a rendered root', () => {
  const policy = uriOf('base/policy.yaml');
  const deploy = uriOf('base/deploy.yaml');

  it('a hover on the policy of the base says what the rendered policy selects, with links to the sources', () => {
    const a = rendered();
    const h = renderedHover(a, policy, at(a, policy, 'name: web') + 6);
    assert.ok(h, 'a hover on the source of a rendered policy');
    assert.match(h.markdown, /`prod\/web`/, 'named as the output names it: the overlay sets namespace prod');
    assert.match(h.markdown, /Selects 1 pod/);
    // the link to the selected workload goes to its source file, on its own line
    assert.match(
      h.markdown,
      new RegExp(`\\[prod/web\\[Deployment\\]\\]\\(${deploy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#L4\\)`),
    );
    assert.doesNotMatch(h.markdown, /kustomize%20build/, 'no link into the output');
    const text = a.index.file(policy)?.text ?? '';
    assert.equal(text.slice(h.span.start, h.span.end), 'web', 'the span is the source node');
  });

  it('a hover on the patched peer says it matches nothing (the patch relabelled the frontend)', () => {
    const a = rendered();
    const h = a.hover(policy, at(a, policy, 'frontend'));
    assert.ok(h);
    assert.match(h.markdown, /no pods|nothing/i);
    const plain = unrendered().hover(policy, at(a, policy, 'frontend'));
    assert.ok(plain);
    assert.match(plain.markdown, /frontend\[Deployment\]/, 'as the reader reads it, the frontend matches');
  });

  it('a hover on a source workload lists the rendered policies that select it', () => {
    const a = rendered();
    const h = renderedHover(a, deploy, at(a, deploy, 'name: web') + 6);
    assert.ok(h);
    assert.match(h.markdown, /prod\/web/);
    assert.match(
      h.markdown,
      new RegExp(`${policy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#L\\d+`),
      'the policy linked on its source',
    );
  });

  it('code lenses above the source policy: what it selects, the references on the sources', () => {
    const a = rendered();
    const lenses = a.codeLenses(policy);
    assert.deepEqual(
      lenses.map((l) => l.title),
      ['selects 1 pod · ingress 1 rule', 'Show reachability'],
    );
    for (const l of lenses) assert.equal(l.span.start, 0, 'above the source document');
    const refs = lenses[0]?.command?.args[0] as { uri: string; offset: number; locations: { uri: string }[] };
    assert.equal(refs.uri, policy);
    assert.deepEqual(
      refs.locations.map((l) => l.uri),
      [deploy],
    );
    const reach = lenses[1]?.command?.args[0] as { uri: string; namespace: string; name: string };
    assert.deepEqual(reach, { uri: policy, namespace: 'prod', name: 'web' });
    assert.deepEqual(a.codeLenses(deploy), [], 'no policy in the workload file');
  });
});

describe('two rendered overlays of one base: each root answers', () => {
  const base = 'file:///ws/base';
  const policyText =
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\nspec:\n  podSelector:\n    matchLabels: {app: web}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: frontend}}\n';
  const deployText = (app: string): string =>
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec: {containers: [{name: c, image: x}]}\n`;
  const out = (ns: string, app: string): string =>
    [
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: ../../base/deploy.yaml\n  name: web\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      containers:\n      - image: x\n        name: c\n`,
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  annotations:\n    config.kubernetes.io/origin: |\n      path: ../../base/policy.yaml\n  name: web\n  namespace: ${ns}\nspec:\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: frontend\n  podSelector:\n    matchLabels:\n      app: web\n`,
    ].join('---\n');
  const overlay = (ns: string): string =>
    `namespace: ${ns}\nbuildMetadata: [originAnnotations]\nresources:\n- ../../base\npatches:\n- path: patch.yaml\n`;
  const patch = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n';

  const analysis = (): Analysis => {
    const host = new AnalysisHost();
    host.applyChanges(
      Object.entries({
        'base/kustomization.yaml': 'resources:\n- policy.yaml\n- deploy.yaml\n',
        'base/policy.yaml': policyText,
        'base/deploy.yaml': deployText('web'),
        'overlays/dev/kustomization.yaml': overlay('dev'),
        'overlays/dev/patch.yaml': patch,
        'overlays/prod/kustomization.yaml': overlay('prod'),
        'overlays/prod/patch.yaml': patch,
      }).map(([name, text]) => ({ uri: `file:///ws/${name}`, text })),
    );
    host.setRenders([
      // dev's patch relabelled web (as a real patch could): its policy selects nothing there
      {
        kustomization: 'file:///ws/overlays/dev/kustomization.yaml',
        command: 'kustomize build overlays/dev',
        output: out('dev', 'api'),
      },
      {
        kustomization: 'file:///ws/overlays/prod/kustomization.yaml',
        command: 'kustomize build overlays/prod',
        output: out('prod', 'web'),
      },
    ]);
    return host.snapshot();
  };

  it('the hover on the base policy gives each root its own answer, under its name', () => {
    const a = analysis();
    assert.deepEqual(
      a.roots.filter((r) => r.hasResources).map((r) => r.name),
      ['overlays/dev', 'overlays/prod'],
    );
    const uri = `${base}/policy.yaml`;
    const h = a.hover(uri, policyText.indexOf('name: web') + 6);
    assert.ok(h);
    const [dev, prod] = h.markdown.split('\n\n---\n\n');
    assert.match(dev ?? '', /^\*analysis root overlays\/dev:\*/);
    assert.match(dev ?? '', /`dev\/web`[\s\S]*Selects no pods/);
    assert.match(prod ?? '', /^\*analysis root overlays\/prod:\*/);
    assert.match(prod ?? '', /`prod\/web`[\s\S]*Selects 1 pod/);
    // every link is numbered into the one list, and none points into an output
    for (const m of h.markdown.matchAll(/\]\(link:(\d+)\)/g)) {
      const ref = h.links[Number(m[1])];
      assert.ok(ref, `link ${m[1]}`);
      assert.ok(!ref.uri.includes('kustomize%20build'), ref.uri);
    }
  });

  it('the code lenses of the base policy: one per root, named; "Show reachability" once', () => {
    const a = analysis();
    assert.deepEqual(
      a.codeLenses(`${base}/policy.yaml`).map((l) => l.title),
      [
        'overlays/dev: selects no pods · ingress 1 rule',
        'Show reachability',
        'overlays/prod: selects 1 pod · ingress 1 rule',
      ],
    );
  });
  it('document symbols of the base: each root its own, named; definitions once each', () => {
    const a = analysis();
    const uri = `${base}/policy.yaml`;
    assert.deepEqual(
      a.symbols(uri).map((s) => s.detail.split(' · ').slice(0, 3).join(' · ')),
      ['overlays/dev · NetworkPolicy · dev', 'overlays/prod · NetworkPolicy · prod'],
    );
    // web is relabelled in dev (selects nothing there); in prod the selector lands on the base pod
    const d = a.definition(uri, policyText.indexOf('app: web') + 1);
    assert.deepEqual(
      d.map((r) => r.uri),
      [`${base}/deploy.yaml`],
    );
  });
});

describe('definitions, references and symbols on the sources of a rendered root', () => {
  const policy = uriOf('base/policy.yaml');
  const deploy = uriOf('base/deploy.yaml');
  const slice = (a: Analysis, uri: string, s: { start: number; end: number }): string =>
    (a.index.file(uri)?.text ?? '').slice(s.start, s.end);

  it("go to definition from the policy's podSelector lands on the source of the rendered pod", () => {
    const a = rendered();
    const d = a.definition(policy, at(a, policy, 'app: web') + 1);
    assert.deepEqual(
      d.map((r) => r.uri),
      [deploy],
    );
    assert.ok(d.every((r) => !r.uri.includes('kustomize%20build')));
    // the line of web's pod template labels in the source
    const text = a.index.file(deploy)?.text ?? '';
    const line = text.slice(0, d[0]?.span.start).split('\n').length;
    assert.equal(line, 8, slice(a, deploy, d[0]?.span ?? { start: 0, end: 0 }));
  });

  it('the patched peer has no definition (the build relabelled the frontend); unrendered it has', () => {
    const a = rendered();
    assert.deepEqual(a.definition(policy, at(a, policy, 'frontend')), []);
    const plain = unrendered();
    assert.ok(plain.definition(policy, at(plain, policy, 'frontend')).some((r) => r.uri === deploy));
  });

  it('references of a source workload are the rendered policies selecting it, on their sources', () => {
    const a = rendered();
    const r = a.references(deploy, at(a, deploy, 'name: web') + 7);
    assert.deepEqual(
      r.map((x) => x.uri),
      [policy],
    );
    assert.equal(a.references(deploy, at(a, deploy, 'name: frontend') + 7).length, 0, 'app=ui now');
  });

  it('document symbols name the objects as the build makes them, on the source ranges', () => {
    const a = rendered();
    const syms = a.symbols(deploy);
    assert.deepEqual(
      syms.map((s) => [s.name, s.detail]),
      [
        ['web', 'Deployment · prod · app=web'],
        ['frontend', 'Deployment · prod · app=ui'],
      ],
    );
    // the ranges of the source documents, as the file read as written gives them
    const plain = unrendered().symbols(deploy);
    assert.deepEqual(
      syms.map((s) => s.span),
      plain.map((s) => s.span),
    );
    for (const s of syms) {
      assert.equal(slice(a, deploy, s.selectionSpan), s.name);
      assert.ok(s.selectionSpan.start >= s.span.start && s.selectionSpan.end <= s.span.end);
    }
    const [p] = a.symbols(policy);
    assert.ok(p);
    assert.match(p.detail, /^NetworkPolicy · prod · /);
    assert.deepEqual(
      p.children.map((c) => c.name),
      ['ingress rule 1'],
    );
    for (const c of p.children) assert.ok(c.span.start >= p.span.start && c.span.end <= p.span.end);
    // unrendered, the same file is the reader's view: namespace default, the frontend's own labels
    assert.match(plain[1]?.detail ?? '', /app=frontend/);
  });
});
