/**
 * Diff goldens on the netpol-analyzer corpus: pairs of cases that differ by one change (the
 * `*_changed_*`, `*_new*`, `*_with_*` variants of one scenario), `diff --format text` of the built
 * CLI. Ten of them are checked by hand: test/golden/diff-corpus/README.md says which and why each
 * is right. The same pairs are compared with upstream's own diff outputs in
 * test/conformance/diff.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { assertGolden, ROOT } from '../support/golden';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const CORPUS = 'test/fixtures/corpus/netpol-analyzer';

export const CORPUS_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['test_with_named_ports', 'test_with_named_ports_changed_netpol'],
  ['test_with_named_ports_changed_netpol', 'test_with_named_ports_changed_netpol_2'],
  ['ipblockstest', 'ipblockstest_2'],
  ['ipblockstest', 'ipblockstest_3'],
  ['ipblockstest_2', 'ipblockstest_3'],
  ['multiple_topology_resources_1', 'multiple_topology_resources_2'],
  ['multiple_topology_resources_3', 'multiple_topology_resources_4'],
  ['new_online_boutique', 'new_online_boutique_synthesis'],
  ['semanticDiff-same-topologies-old1', 'semanticDiff-same-topologies-new1'],
  ['semanticDiff-same-topologies-old1', 'semanticDiff-same-topologies-new1a'],
  ['semanticDiff-same-topologies-old2', 'semanticDiff-same-topologies-new2'],
  ['semanticDiff-same-topologies-old3', 'semanticDiff-same-topologies-new3'],
  ['semanticDiff-same-topologies-old1', 'semanticDiff-different-topologies-policy-a'],
  ['semanticDiff-different-topologies-policy-a', 'semanticDiff-different-topologies-policy-b'],
  [
    'semanticDiff-different-topologies-policy-a-with-ipblock',
    'semanticDiff-different-topologies-policy-b-with-ipblock',
  ],
  ['semanticDiff-orig-topologies-no-policy', 'semanticDiff-orig-topologies-policy-a'],
  ['with_end_port_example', 'with_end_port_example_new'],
  ['k8s_ingress_test', 'k8s_ingress_test_new'],
];

for (const [o, n] of CORPUS_PAIRS) {
  test(`diff ${o} → ${n} matches its golden`, () => {
    const r = spawnSync(process.execPath, [CLI, 'diff', `${CORPUS}/${o}/input`, `${CORPUS}/${n}/input`], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assert.equal(
      r.status === 1,
      !/: no change in reachability\n/.test(r.stdout),
      'exit code 1 exactly when something changed',
    );
    assertGolden(`diff-corpus/${o}__${n}.txt`, r.stdout);
  });
}
