/**
 * Conformance of the cluster-wide policy tiers over the netpol-analyzer `anp-banp` corpus cases
 * (AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1), and the same cases rewritten to
 * ClusterNetworkPolicy v1alpha2 (v1alpha2.ts): the connectivity must not change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisHost } from '../../server/src/core/index';
import { readTree } from '../support/load';
import { actualLines, corpusCases, CORPUS, expectedLines, listingLines } from './corpus';
import { toV1alpha2 } from './v1alpha2';

const KNOWN = new Set(
  [
    ...readFileSync(
      join(__dirname, '..', '..', '..', 'test', 'conformance', 'known-differences.md'),
      'utf8',
    ).matchAll(/^## (\S+)\s*$/gm),
  ].map((m) => m[1] as string),
);

const cases = corpusCases(['anp-banp']);

test('conformance: netpol-analyzer anp-banp corpus through the tiers, workloads and external ranges', () => {
  assert.ok(cases.length >= 70, `corpus not found or too small (${cases.length} cases)`);
  const differing: string[] = [];
  for (const c of cases) {
    const exp = expectedLines(c, true).sort();
    if (JSON.stringify(exp) !== JSON.stringify(actualLines(c, true))) differing.push(c.name);
  }
  const identical = cases.length - differing.length;
  console.log(
    `conformance: ${identical}/${cases.length} anp-banp cases identical; differing: ${differing.join(', ') || 'none'}`,
  );
  assert.ok(identical / cases.length >= 0.95, `only ${identical}/${cases.length} identical`);
  assert.deepEqual(
    differing.filter((d) => !KNOWN.has(d)),
    [],
    'differing cases not listed in known-differences.md',
  );
  assert.deepEqual(
    [...KNOWN].filter((k) => !differing.includes(k) && cases.some((c) => c.name === k)),
    [],
    'cases listed in known-differences.md that no longer differ',
  );
});

test('conformance: the anp-banp cases rewritten to ClusterNetworkPolicy v1alpha2 give the same connectivity', () => {
  const changed: string[] = [];
  let rewritten = 0;
  for (const c of cases) {
    const files = readTree(join(CORPUS, c.input));
    const v2 = files.map((f) => ({ ...f, text: toV1alpha2(f.text ?? '') }));
    if (v2.some((f, i) => f.text.includes('v1alpha2') && !(files[i]?.text ?? '').includes('v1alpha2')))
      rewritten++;
    const h1 = new AnalysisHost();
    h1.applyChanges(files);
    const h2 = new AnalysisHost();
    h2.applyChanges(v2);
    const a = listingLines(h1.snapshot(), true);
    const b = listingLines(h2.snapshot(), true);
    if (JSON.stringify(a) !== JSON.stringify(b)) changed.push(c.name);
    // no policy of the rewritten cases is left unanalysed
    const other = [...h2.snapshot().index.files.values()].flatMap((f) => f.otherPolicies ?? []);
    assert.deepEqual(
      other.map((p) => p.kind.value),
      [],
      `${c.name}: policies not analysed after the rewrite`,
    );
  }
  assert.equal(rewritten, cases.length, 'every case has a policy to rewrite');
  assert.deepEqual(changed, []);
});
