/**
 * Nothing in a kustomize tree is skipped silently (kustomize-not-listed, roots/roots.ts
 * `listingNotes`): a Component no kustomization lists is analysed with the nearest top whose folder
 * holds it and says so (naming the comment that mentions it), and files of a kustomization's folder
 * that no kustomization lists are named, once per kustomization; the CLI headers say both.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coverageNotes } from '../../server/src/core/index';
import { analyseTexts } from '../support/load';

const policy = (name: string): string =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}}\nspec: {podSelector: {}}\n`;
const listed = (a: ReturnType<typeof analyseTexts>): { uri: string; message: string; related: string[] }[] =>
  a
    .findings()
    .filter((f) => f.code === 'kustomize-not-listed')
    .map((f) => ({
      uri: f.uri.slice('file:///ws/'.length),
      message: f.message,
      related: (f.related ?? []).map((r) => r.uri.slice('file:///ws/'.length)),
    }));

describe('kustomize-not-listed', () => {
  it('a Component named only in a comment: analysed with the top that holds it, and said so', () => {
    const a = analyseTexts({
      'app/kustomization.yaml': 'namespace: shop\nresources:\n- web.yaml\ncomponents:\n# - components/deny\n',
      'app/web.yaml': policy('web'),
      'app/components/deny/kustomization.yaml':
        'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n- deny.yaml\n',
      'app/components/deny/deny.yaml': policy('deny'),
    });
    const [f, ...rest] = listed(a);
    assert.equal(rest.length, 0);
    assert.equal(f?.uri, 'app/components/deny/kustomization.yaml');
    assert.equal(
      f?.message.split(' Add it')[0],
      'Component components/deny is listed by no kustomization (app/kustomization.yaml mentions it only in a comment); netpol-lens analyses it as if app/kustomization.yaml listed it under components:, but `kustomize build app/` leaves it out.',
    );
    assert.deepEqual(f?.related, ['app/kustomization.yaml']);
    // still analysed as if listed: its policy takes the top's namespace
    const root = a.roots.find((r) => r.kind === 'kustomization');
    assert.ok(root);
    assert.ok(
      root.analysis.index.policiesIn('shop').some((p) => p.name.value === 'deny'),
      'the component is analysed with the top (its namespace)',
    );
    assert.ok(
      coverageNotes(root.analysis.index).some((n) => /^Component components\/deny is analysed as if/.test(n)),
    );
  });

  it('a Component no comment mentions: says that too', () => {
    const a = analyseTexts({
      'app/kustomization.yaml': 'resources:\n- web.yaml\n',
      'app/web.yaml': policy('web'),
      'app/extra/kustomization.yaml': 'kind: Component\nresources:\n- deny.yaml\n',
      'app/extra/deny.yaml': policy('deny'),
    });
    assert.match(listed(a)[0]?.message ?? '', /\(app\/kustomization\.yaml does not mention it\)/);
  });

  it('files of a kustomization folder that no kustomization lists: one finding naming them', () => {
    const a = analyseTexts({
      'app/kustomization.yaml': 'namespace: shop\nresources:\n- web.yaml\n- sub/listed.yaml\n',
      'app/web.yaml': policy('web'),
      'app/old.yaml': policy('old'),
      'app/sub/listed.yaml': policy('listed'),
      'app/sub/stray.yaml': policy('stray'),
      'app/inner/kustomization.yaml': 'resources:\n- x.yaml\n',
      'app/inner/x.yaml': policy('x'),
      'app/inner/y.yaml': policy('y'),
    });
    const found = listed(a).sort((x, y) => (x.uri < y.uri ? -1 : 1));
    assert.deepEqual(
      found.map((f) => [f.uri, f.related]),
      [
        ['app/inner/kustomization.yaml', ['app/inner/y.yaml']],
        ['app/kustomization.yaml', ['app/old.yaml', 'app/sub/stray.yaml']],
      ],
    );
    assert.match(
      found[1]?.message ?? '',
      /leaves out 2 files of its folder that no kustomization lists \(old\.yaml and sub\/stray\.yaml\)/,
    );
  });

  it('everything listed: nothing', () => {
    const a = analyseTexts({
      'app/kustomization.yaml': 'resources:\n- web.yaml\ncomponents:\n- c\n',
      'app/web.yaml': policy('web'),
      'app/c/kustomization.yaml': 'kind: Component\nresources:\n- deny.yaml\n',
      'app/c/deny.yaml': policy('deny'),
    });
    assert.deepEqual(listed(a), []);
  });
});
