/**
 * How the top kustomizations outside cluster folders are grouped into analysis roots
 * (roots/roots.ts `groupKustomizeRoots`, README "Analysis roots"): tops that reach a file in common
 * are variants (alternatives, one root each), tops that share nothing are parts of one cluster (one
 * root together, and beside every variant). A truth table over paths and texts: each row is a
 * workspace and the roots it must have, each with its files.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings, type Analysis } from '../../server/src/core/index';
import { analyseTexts } from '../support/load';

const k = (...resources: string[]): string =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `- ${r}\n`).join('')}`;
const kns = (ns: string, ...resources: string[]): string => `${k(...resources)}namespace: ${ns}\n`;
const comp = (...resources: string[]): string =>
  `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n${resources.map((r) => `- ${r}\n`).join('')}`;
const ns = (name: string): string => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${name}}\n`;
const deploy = (name: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: x}]}\n`;

/** `kind name: file, file` per root, the kustomization files left out. */
function rootsOf(a: Analysis): string[] {
  return a.roots.map(
    (r) =>
      `${r.kind} ${r.name}: ${[...r.analysis.index.files.keys()]
        .map((u) => u.slice('file:///ws/'.length))
        .filter((p) => !/(^|\/)kustomization\.yaml$/.test(p))
        .sort()
        .join(', ')}`,
  );
}

interface Row {
  name: string;
  files: Record<string, string>;
  clusters?: string[];
  roots: string[];
}

const TABLE: Row[] = [
  {
    name: 'overlays of one base are variants: one root each',
    files: {
      'app/base/kustomization.yaml': k('web.yaml'),
      'app/base/web.yaml': deploy('web'),
      'app/overlays/dev/kustomization.yaml': kns('dev', '../../base'),
      'app/overlays/prod/kustomization.yaml': kns('prod', '../../base'),
    },
    roots: [
      // ids are folders relative to the workspace's common folder (here app/)
      'kustomization overlays/dev: app/base/web.yaml',
      'kustomization overlays/prod: app/base/web.yaml',
      // the kustomization files are in the roots that build them: no root of nothing else
    ],
  },
  {
    name: 'independent kustomizations are parts of one cluster: one root, named by their common folder',
    files: {
      'README.yaml': '# nothing\n',
      'platform/a/kustomization.yaml': kns('a', 'a.yaml'),
      'platform/a/a.yaml': deploy('a'),
      'platform/b/kustomization.yaml': kns('b', 'b.yaml', 'ns.yaml'),
      'platform/b/b.yaml': deploy('b'),
      'platform/b/ns.yaml': ns('b'),
    },
    roots: [
      'kustomization platform: platform/a/a.yaml, platform/b/b.yaml, platform/b/ns.yaml',
      'other (other files): README.yaml',
    ],
  },
  {
    name: 'independent parts in unrelated folders: the root is the workspace folder (.)',
    files: {
      'x/kustomization.yaml': k('a.yaml'),
      'x/a.yaml': deploy('a'),
      'y/z/kustomization.yaml': k('b.yaml'),
      'y/z/b.yaml': deploy('b'),
    },
    roots: ['kustomization .: x/a.yaml, y/z/b.yaml'],
  },
  {
    name: 'variants and an independent part: every variant is deployed beside the part',
    files: {
      'app/base/kustomization.yaml': k('web.yaml'),
      'app/base/web.yaml': deploy('web'),
      'app/dev/kustomization.yaml': kns('dev', '../base'),
      'app/prod/kustomization.yaml': kns('prod', '../base'),
      'monitoring/kustomization.yaml': kns('monitoring', 'prom.yaml'),
      'monitoring/prom.yaml': deploy('prom'),
    },
    roots: [
      'kustomization app/dev: app/base/web.yaml, monitoring/prom.yaml',
      'kustomization app/prod: app/base/web.yaml, monitoring/prom.yaml',
    ],
  },
  {
    name: 'two tops sharing a component are variants too (a component is a shared file)',
    files: {
      'comp/kustomization.yaml': comp('deny.yaml'),
      'comp/deny.yaml':
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec: {podSelector: {}}\n',
      'a/kustomization.yaml': `${k('a.yaml')}components:\n- ../comp\n`,
      'a/a.yaml': deploy('a'),
      'b/kustomization.yaml': `${k('b.yaml')}components:\n- ../comp\n`,
      'b/b.yaml': deploy('b'),
    },
    roots: ['kustomization a: a/a.yaml, comp/deny.yaml', 'kustomization b: b/b.yaml, comp/deny.yaml'],
  },
  {
    name: 'a single top: its own root, as before',
    files: {
      'app/kustomization.yaml': k('a.yaml'),
      'app/a.yaml': deploy('a'),
      'loose.yaml': deploy('loose'),
    },
    roots: ['kustomization app: app/a.yaml', 'other (other files): loose.yaml'],
  },
  {
    name: 'a top inside a cluster folder belongs to the cluster; independent tops outside stay one root',
    files: {
      'clusters/prod/kustomization.yaml': k('../../apps/x'),
      'clusters/prod/extra.yaml': deploy('extra'),
      'clusters/dev/a.yaml': deploy('a'),
      'apps/x/kustomization.yaml': k('x.yaml'),
      'apps/x/x.yaml': deploy('x'),
      'tools/p/kustomization.yaml': k('p.yaml'),
      'tools/p/p.yaml': deploy('p'),
      'tools/q/kustomization.yaml': k('q.yaml'),
      'tools/q/q.yaml': deploy('q'),
    },
    roots: [
      'cluster clusters/dev: clusters/dev/a.yaml',
      'cluster clusters/prod: apps/x/x.yaml, clusters/prod/extra.yaml',
      'kustomization tools: tools/p/p.yaml, tools/q/q.yaml',
      // the cluster's kustomization file is in the cluster's root: no root of nothing else
    ],
  },
  {
    name: 'a configured cluster folder holding two overlays of one base is one analysis (the user said so)',
    clusters: ['env'],
    files: {
      'env/base/kustomization.yaml': k('web.yaml'),
      'env/base/web.yaml': deploy('web'),
      'env/dev/kustomization.yaml': kns('dev', '../base'),
      'env/prod/kustomization.yaml': kns('prod', '../base'),
      'loose.yaml': deploy('loose'),
    },
    roots: ['cluster env: env/base/web.yaml', 'other (other files): loose.yaml'],
  },
];

describe('analysis roots: grouping of kustomize tops (truth table)', () => {
  for (const row of TABLE)
    it(row.name, () => {
      const a = analyseTexts(
        row.files,
        row.clusters ? resolveSettings({ clusters: row.clusters }) : undefined,
      );
      assert.deepEqual(rootsOf(a), row.roots);
    });

  it('parts of one cluster see each other: a policy of one part selects the namespace another declares', () => {
    const a = analyseTexts({
      'istio/kustomization.yaml': k('ns.yaml'),
      'istio/ns.yaml': ns('istio-system'),
      'app/kustomization.yaml': kns('shop', 'web.yaml', 'policy.yaml'),
      'app/web.yaml': deploy('web'),
      'app/policy.yaml':
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: from-istio}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: istio-system}}\n',
    });
    assert.deepEqual(
      a.findings().filter((f) => f.code === 'namespace-selector-matches-nothing'),
      [],
    );
    const r = a.roots[0]?.analysis;
    assert.ok(r);
    assert.deepEqual(
      r.index.workloads.map((w) => w.id),
      ['shop/web[Deployment]'],
    );
    assert.ok(r.index.namespaces.has('istio-system'));
  });

  it('each file keeps the transform of its own kustomization in the merged root', () => {
    const a = analyseTexts({
      'a/kustomization.yaml': kns('ns-a', 'w.yaml'),
      'a/w.yaml': deploy('w'),
      'b/kustomization.yaml': kns('ns-b', 'w.yaml'),
      'b/w.yaml': deploy('w'),
    });
    assert.deepEqual(
      a.roots[0]?.analysis.index.workloads.map((w) => w.id),
      ['ns-a/w[Deployment]', 'ns-b/w[Deployment]'],
    );
    assert.deepEqual(
      a.findings().filter((f) => f.code === 'duplicate-object'),
      [],
    );
  });
});

describe('analysis roots: kustomize input files are not resources', () => {
  const patch =
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: "*"}\npatches: [stray]\nspec:\n  template:\n    metadata:\n      annotations: {a: b}\n';
  const files = {
    'app/kustomization.yaml': `${kns('shop', 'web.yaml')}patches:\n- path: patches/p.yaml\n  target: {kind: Deployment}\npatchesStrategicMerge:\n- smp.yaml\nconfigurations:\n- conf.yaml\n`,
    'app/web.yaml': deploy('web'),
    'app/patches/p.yaml': patch,
    'app/smp.yaml': patch,
    'app/conf.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: conf}\nbad: [unclosed\n',
  };

  for (const [name, clusters] of [
    ['in the other files', undefined],
    ['in a configured cluster folder', ['app']],
  ] as const)
    it(`patches, strategic-merge patches and configurations are held without resources (${name})`, () => {
      const a = analyseTexts(files, clusters ? resolveSettings({ clusters: [...clusters] }) : undefined);
      for (const r of a.roots)
        assert.deepEqual(
          r.analysis.index.workloads.map((w) => w.id),
          r.analysis.index.file('file:///ws/app/web.yaml') ? ['shop/web[Deployment]'] : [],
          `root ${r.name}`,
        );
      const codes = a
        .findings()
        .filter((f) => /\/(p|smp|conf)\.yaml$/.test(f.uri))
        .map((f) => `${f.uri.slice('file:///ws/'.length)} ${f.code}`);
      // no invalid-field for the stray keys; the syntax error of a config file is still said
      assert.deepEqual(codes, ['app/conf.yaml yaml-syntax-error']);
      // the files are in a root (nothing skipped)
      for (const f of ['app/patches/p.yaml', 'app/smp.yaml', 'app/conf.yaml'])
        assert.ok(a.rootsOf(`file:///ws/${f}`).length > 0, f);
    });

  it('a file one kustomization patches with and another lists as a resource stays a resource there', () => {
    const a = analyseTexts({
      'a/kustomization.yaml': `${kns('a', 'w.yaml')}patchesStrategicMerge:\n- ../common/w.yaml\n`,
      'a/w.yaml': deploy('w'),
      'common/kustomization.yaml': kns('b', 'w.yaml'),
      'common/w.yaml': deploy('w'),
    });
    const ids = a.roots.flatMap((r) => r.analysis.index.workloads.map((w) => w.id));
    assert.ok(ids.includes('b/w[Deployment]'), ids.join(', '));
  });
});

describe('analysis roots: Flux Kustomizations (spec.path, spec.targetNamespace)', () => {
  const flux = (name: string, path: string, target?: string): string =>
    `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 10m\n  sourceRef: {kind: GitRepository, name: flux-system}\n  path: ${path}\n${target ? `  targetNamespace: ${target}\n` : ''}`;
  const files = {
    'clusters/prod/apps.yaml': flux('apps', './apps/prod', 'shop-prod'),
    'clusters/prod/sync.yaml': flux('flux-system', './clusters/prod'),
    'clusters/prod/infra.yaml': flux('infra', './infra'),
    'clusters/dev/apps.yaml': flux('apps', './apps/dev'),
    'apps/base/kustomization.yaml': k('web.yaml'),
    'apps/base/web.yaml': deploy('web'),
    'apps/prod/kustomization.yaml': kns('prod', '../base'),
    'apps/dev/kustomization.yaml': kns('dev', '../base'),
    'infra/plain/ns.yaml': ns('monitoring'),
    'infra/plain/prom.yaml': deploy('prom').replace(
      'metadata: {name: prom}',
      'metadata: {name: prom, namespace: monitoring}',
    ),
    'infra/built/kustomization.yaml': kns('ingress', 'nginx.yaml'),
    'infra/built/nginx.yaml': deploy('nginx'),
    'infra/built/unlisted.yaml': deploy('unlisted'),
  };
  const a = analyseTexts(files);

  it("the folders a cluster's Flux Kustomizations point at are applied in that cluster, not roots of their own", () => {
    assert.deepEqual(rootsOf(a), [
      'cluster clusters/dev: apps/base/web.yaml, clusters/dev/apps.yaml',
      'cluster clusters/prod: apps/base/web.yaml, clusters/prod/apps.yaml, clusters/prod/infra.yaml, clusters/prod/sync.yaml, infra/built/nginx.yaml, infra/plain/ns.yaml, infra/plain/prom.yaml',
      'other (other files): infra/built/unlisted.yaml',
    ]);
  });

  it("targetNamespace overrides the kustomization's namespace; without it the kustomization's stays", () => {
    const ids = (id: string): string[] => a.root(id)?.index.workloads.map((w) => w.id) ?? [];
    assert.deepEqual(ids('clusters/prod'), [
      'ingress/nginx[Deployment]',
      'monitoring/prom[Deployment]',
      'shop-prod/web[Deployment]',
    ]);
    assert.deepEqual(ids('clusters/dev'), ['dev/web[Deployment]']);
  });
});
