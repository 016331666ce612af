/**
 * core/roots/render.ts `buildInputs`: the inputs of a kustomize build (every file under its
 * kustomizations' folders and every file named beyond them), the one answer the CLI's copy of a
 * commit and the server's build key and watchers use; from a real plan of roots.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AnalysisHost,
  buildInputs,
  isBuildInput,
  unionInputs,
  type RenderTarget,
} from '../../server/src/core/index';

const u = (p: string): string => `file:///w/${p}`;

function targets(files: Record<string, string>): readonly RenderTarget[] {
  const host = new AnalysisHost();
  host.applyChanges(Object.entries(files).map(([p, text]) => ({ uri: u(p), text })));
  return host.snapshot().renderTargets();
}

describe('buildInputs', () => {
  const tree = {
    'base/kustomization.yaml': 'resources:\n- deploy.yaml\n',
    'base/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n',
    'base/nested/kustomization.yaml': 'resources: []\n',
    'overlays/prod/kustomization.yaml':
      'resources:\n- ../../base\n- ../../base/nested\npatches:\n- path: fix.json6\nconfigMapGenerator:\n- name: c\n  envs:\n  - app.env\n  files:\n  - conf/a.txt\n',
  };

  it("the kustomizations' folders, none inside another, and nothing under them listed again", () => {
    const [t, ...rest] = targets(tree);
    assert.equal(rest.length, 0);
    assert.ok(t);
    assert.deepEqual(buildInputs(t), { dirs: ['/w/base/', '/w/overlays/prod/'], files: [] });
  });

  it('a file named outside those folders is an input of its own; any file under them is one', () => {
    const [t] = targets({
      ...tree,
      'overlays/prod/kustomization.yaml':
        'resources:\n- ../../base\npatches:\n- path: fix.yaml\nconfigMapGenerator:\n- name: c\n  envs:\n  - ../../common/app.env\n',
    });
    assert.ok(t);
    const inputs = buildInputs(t);
    assert.deepEqual(inputs.files, ['/w/common/app.env']);
    assert.ok(isBuildInput(inputs, '/w/common/app.env'));
    assert.ok(isBuildInput(inputs, '/w/overlays/prod/conf/b.txt'), 'a file no field names, under a folder');
    assert.ok(!isBuildInput(inputs, '/w/common/other.env'));
    assert.ok(!isBuildInput(inputs, '/w/overlays/production/x.env'), 'a folder of a longer name');
  });

  it('several builds together: folders held by others and files under them drop', () => {
    assert.deepEqual(
      unionInputs([
        { dirs: ['/w/a/b/'], files: ['/w/x.env'] },
        { dirs: ['/w/a/'], files: ['/w/a/c.env', '/w/y.env'] },
      ]),
      { dirs: ['/w/a/'], files: ['/w/x.env', '/w/y.env'] },
    );
  });
});
