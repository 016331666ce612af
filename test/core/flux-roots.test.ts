/**
 * Flux Kustomizations wherever they are (roots/roots.ts `planRoots`, roots/flux.ts): the folder a
 * Flux Kustomization's spec.path names joins every root that holds the Flux Kustomization's own
 * file (a cluster folder, a kustomization listing it, the folder of the Flux Kustomization that
 * applies it); one no root holds makes a root; a path not in the workspace, or from another
 * source, is said (flux-path-not-found). A truth table over paths and texts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coverageNotes, type Analysis } from '../../server/src/core/index';
import { analyseTexts } from '../support/load';

const flux = (
  name: string,
  path: string | undefined,
  opts: { target?: string; source?: string; kind?: string } = {},
): string =>
  `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 10m\n  prune: true\n  sourceRef: {kind: ${opts.kind ?? 'GitRepository'}, name: ${opts.source ?? 'flux-system'}}\n${path !== undefined ? `  path: ${path}\n` : ''}${opts.target ? `  targetNamespace: ${opts.target}\n` : ''}`;
const gitRepo = (name: string, url: string): string =>
  `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: ${name}, namespace: flux-system}\nspec:\n  interval: 1m\n  url: ${url}\n  ref: {branch: main}\n`;
const k = (...resources: string[]): string =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `- ${r}\n`).join('')}`;
const kns = (ns: string, ...resources: string[]): string => `${k(...resources)}namespace: ${ns}\n`;
const deploy = (name: string): string =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec: {containers: [{name: c, image: x}]}\n`;

/** `kind name: files` per root (kustomization files left out) and the workloads of each. */
function rootsOf(a: Analysis): string[] {
  return a.roots.map(
    (r) =>
      `${r.kind} ${r.name}: ${[...r.analysis.index.files.keys()]
        .map((u) => u.slice('file:///ws/'.length))
        .filter((p) => !/(^|\/)kustomization\.yaml$/.test(p))
        .sort()
        .join(', ')} | ${r.analysis.index.workloads.map((w) => w.id).join(', ')}`,
  );
}

const fluxFindings = (a: Analysis): string[] =>
  a
    .findings()
    .filter((f) => f.code === 'flux-path-not-found')
    .map((f) => {
      const text = a.index.file(f.uri)?.text ?? '';
      return `${f.uri.slice('file:///ws/'.length)} ${f.severity} "${text.slice(f.span.start, f.span.end)}": ${f.message}`;
    });

interface Row {
  name: string;
  files: Record<string, string>;
  roots: string[];
}

const TABLE: Row[] = [
  {
    name: 'one cluster with its bootstrap (no clusters/<name>/ layout): the bootstrap applies its folder, and the Flux Kustomizations there apply theirs',
    files: {
      'clusters/my/flux-system/gotk-sync.yaml': `${gitRepo('flux-system', 'ssh://git@example.com/fleet')}---\n${flux('flux-system', './clusters/my')}`,
      'clusters/my/flux-system/kustomization.yaml': k('gotk-sync.yaml'),
      'clusters/my/apps.yaml': flux('apps', './apps', { target: 'shop' }),
      'apps/kustomization.yaml': kns('web', 'web.yaml'),
      'apps/web.yaml': deploy('web'),
      'apps/unlisted.yaml': deploy('unlisted'),
    },
    roots: [
      'flux clusters/my: apps/web.yaml, clusters/my/apps.yaml, clusters/my/flux-system/gotk-sync.yaml | shop/web[Deployment]',
      'other (other files): apps/unlisted.yaml | default/unlisted[Deployment]',
    ],
  },
  {
    name: 'a Flux Kustomization outside any cluster folder that nothing applies: a root of its own, named by its folder; a plain folder is applied whole',
    files: {
      'deploy/flux.yaml': flux('app', './apps/x', { target: 't' }),
      'apps/x/a.yaml': deploy('a'),
      'apps/x/sub/b.yaml': deploy('b'),
      'loose.yaml': deploy('loose'),
    },
    roots: [
      'flux deploy: apps/x/a.yaml, apps/x/sub/b.yaml, deploy/flux.yaml | t/a[Deployment], t/b[Deployment]',
      'other (other files): loose.yaml | default/loose[Deployment]',
    ],
  },
  {
    name: 'Flux Kustomizations in one folder make one root together',
    files: {
      'fleet/apps.yaml': flux('apps', './apps'),
      'fleet/infra.yaml': flux('infra', './infra'),
      'apps/a.yaml': deploy('a'),
      'infra/i.yaml': deploy('i'),
    },
    roots: [
      'flux fleet: apps/a.yaml, fleet/apps.yaml, fleet/infra.yaml, infra/i.yaml | default/a[Deployment], default/i[Deployment]',
    ],
  },
  {
    name: "nested: a cluster applies a folder of Flux Kustomizations, which apply theirs (each with its own targetNamespace, not its parent's)",
    files: {
      'clusters/prod/infra.yaml': flux('infra', './infrastructure', { target: 'outer' }),
      'clusters/dev/a.yaml': deploy('d'),
      'infrastructure/controllers.yaml': flux('controllers', './infrastructure/controllers', {
        target: 'ctl',
      }),
      'infrastructure/configs.yaml': flux('configs', './infrastructure/configs'),
      'infrastructure/controllers/c.yaml': deploy('c'),
      'infrastructure/configs/kustomization.yaml': kns('cfg', 'g.yaml'),
      'infrastructure/configs/g.yaml': deploy('g'),
    },
    roots: [
      'cluster clusters/dev: clusters/dev/a.yaml | default/d[Deployment]',
      // the outer Flux Kustomization applies the whole folder, as Flux does: the controllers' files
      // and the configs' build too, in its own targetNamespace
      'cluster clusters/prod: clusters/prod/infra.yaml, infrastructure/configs.yaml, infrastructure/configs/g.yaml, infrastructure/controllers.yaml, infrastructure/controllers/c.yaml | cfg/g[Deployment], ctl/c[Deployment], outer/c[Deployment], outer/g[Deployment]',
    ],
  },
  {
    name: 'the same path deployed by two clusters: in each, no root of its own',
    files: {
      'clusters/a/apps.yaml': flux('apps', './apps/common', { target: 'a' }),
      'clusters/b/apps.yaml': flux('apps', './apps/common', { target: 'b' }),
      'apps/common/kustomization.yaml': kns('common', 'w.yaml'),
      'apps/common/w.yaml': deploy('w'),
    },
    roots: [
      'cluster clusters/a: apps/common/w.yaml, clusters/a/apps.yaml | a/w[Deployment]',
      'cluster clusters/b: apps/common/w.yaml, clusters/b/apps.yaml | b/w[Deployment]',
    ],
  },
  {
    name: 'a folder of the cluster folder that a Flux Kustomization applies: read through it (its kustomization, its targetNamespace), not as written',
    files: {
      'clusters/dev/a.yaml': deploy('d'),
      'clusters/prod/monitoring.yaml': flux('monitoring', './clusters/prod/monitoring', { target: 'mon' }),
      'clusters/prod/monitoring/kustomization.yaml': kns('inner', 'p.yaml'),
      'clusters/prod/monitoring/p.yaml': deploy('p'),
      'clusters/prod/plain.yaml': flux('plain', './clusters/prod/plain', { target: 'pl' }),
      'clusters/prod/plain/q.yaml': deploy('q'),
      'loose.yaml': deploy('loose'),
    },
    roots: [
      'cluster clusters/dev: clusters/dev/a.yaml | default/d[Deployment]',
      'cluster clusters/prod: clusters/prod/monitoring.yaml, clusters/prod/monitoring/p.yaml, clusters/prod/plain.yaml, clusters/prod/plain/q.yaml | mon/p[Deployment], pl/q[Deployment]',
      'other (other files): loose.yaml | default/loose[Deployment]',
    ],
  },
  {
    name: 'a kustomization that lists Flux Kustomizations: what they apply joins its root',
    files: {
      'fleet/kustomization.yaml': k('apps.yaml'),
      'fleet/apps.yaml': flux('apps', './apps/prod'),
      'apps/base/kustomization.yaml': k('w.yaml'),
      'apps/base/w.yaml': deploy('w'),
      'apps/prod/kustomization.yaml': kns('prod', '../base'),
      'apps/dev/kustomization.yaml': kns('dev', '../base'),
    },
    roots: [
      // apps/dev is applied by nothing: a kustomize root of its own, a variant beside fleet
      'kustomization apps/dev: apps/base/w.yaml | dev/w[Deployment]',
      'kustomization fleet: apps/base/w.yaml, fleet/apps.yaml | prod/w[Deployment]',
    ],
  },
  {
    name: 'a path that is not in the workspace, and sources that are other repositories: nothing applied, the Flux files still in a root',
    files: {
      'fleet/sources.yaml': `${gitRepo('flux-system', 'ssh://git@example.com/fleet')}---\n${gitRepo('podinfo', 'https://github.com/stefanprodan/podinfo')}`,
      'fleet/apps.yaml': `${flux('apps', './apps/x')}---\n${flux('podinfo', './kustomize', { source: 'podinfo' })}---\n${flux('oci', './', { kind: 'OCIRepository', source: 'manifests' })}`,
      'kustomize/w.yaml': deploy('w'),
    },
    roots: [
      'flux fleet: fleet/apps.yaml | ',
      'other (other files): fleet/sources.yaml, kustomize/w.yaml | default/w[Deployment]',
    ],
  },
];

describe('Flux Kustomizations anywhere (truth table)', () => {
  for (const row of TABLE)
    it(row.name, () => {
      assert.deepEqual(rootsOf(analyseTexts(row.files)), row.roots);
    });
});

it("the kustomization of a cluster folder's folder that a Flux Kustomization applies is in the cluster's root", () => {
  const row = TABLE.find((r) => r.name.startsWith('a folder of the cluster folder'));
  assert.ok(row);
  const a = analyseTexts(row.files);
  assert.deepEqual(
    a.rootsOf('file:///ws/clusters/prod/monitoring/kustomization.yaml').map((r) => r.name),
    ['clusters/prod'],
  );
});

describe('flux-path-not-found', () => {
  it("a spec.path not in the workspace is a warning on its path: line; another source's is information", () => {
    const row = TABLE.find((r) => r.name.startsWith('a path that is not in the workspace'));
    assert.ok(row);
    const a = analyseTexts(row.files);
    assert.deepEqual(fluxFindings(a), [
      'fleet/apps.yaml warning "./apps/x": spec.path ./apps/x is not in the workspace: its manifests are not analysed. Flux Kustomization flux-system/apps applies it from GitRepository flux-system/flux-system, read as this workspace\'s repository; fix the path, or open the folder that holds the whole repository.',
      'fleet/apps.yaml information "./kustomize": spec.path ./kustomize is read from GitRepository flux-system/podinfo, another source than this workspace\'s repository: the manifests Flux Kustomization flux-system/podinfo applies are not analysed (netpol-lens reads only the workspace\'s own files). To check them, analyse that repository too, or pipe its build in: kustomize build <folder> | netpol-lens check -',
      'fleet/apps.yaml information "./": spec.path ./ is read from OCIRepository flux-system/manifests, another source than this workspace\'s repository: the manifests Flux Kustomization flux-system/oci applies are not analysed (netpol-lens reads only the workspace\'s own files). To check them, analyse that repository too, or pipe its build in: kustomize build <folder> | netpol-lens check -',
    ]);
  });

  it('without spec.path (the source root) the finding sits on spec:; a GitRepository of the same URL as flux-system is the workspace', () => {
    const a = analyseTexts({
      'fleet/sources.yaml': `${gitRepo('flux-system', 'ssh://git@example.com/fleet')}---\n${gitRepo('mine', 'ssh://git@example.com/fleet')}`,
      'fleet/apps.yaml': `${flux('apps', './apps', { source: 'mine' })}---\n${flux('all', undefined, { kind: 'Bucket', source: 'b' })}`,
      'apps/w.yaml': deploy('w'),
    });
    assert.deepEqual(
      fluxFindings(a).map((f) => f.slice(0, f.indexOf(':'))),
      ['fleet/apps.yaml information "spec"'],
    );
    assert.deepEqual(
      a.root('fleet')?.index.workloads.map((w) => w.id),
      ['default/w[Deployment]'],
    );
  });

  it('the reach and explain header says how many Flux Kustomizations are not read, and why', () => {
    const row = TABLE.find((r) => r.name.startsWith('a path that is not in the workspace'));
    assert.ok(row);
    const root = analyseTexts(row.files).root('fleet');
    assert.ok(root);
    assert.deepEqual(
      coverageNotes(root.index).filter((n) => n.includes('Flux')),
      [
        '1 Flux Kustomization applies a spec.path that is not in the workspace: its manifests are not analysed; "check" says which.',
        '2 Flux Kustomizations apply manifests from another source than this repository: not analysed; "check" says which.',
      ],
    );
  });

  it('a path that resolves is no finding', () => {
    const row = TABLE[1];
    assert.ok(row);
    assert.deepEqual(fluxFindings(analyseTexts(row.files)), []);
  });
});
