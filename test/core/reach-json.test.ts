/**
 * The JSON listing written row by row (render/reach.ts `reachJsonChunks`, what `reach --format
 * json` prints) is the text `JSON.stringify(document, null, 2)` gives of the whole document
 * (contracts.md), on every semantics fixture (domain names, external ranges, tiers, empty
 * listings) and in every query shape the command asks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reachJsonChunks, type Analysis } from '../../server/src/core/index';
import type { ReachQuery } from '../../server/src/core/semantics/matrix';
import { DOMAIN_NOTE } from '../../server/src/core/semantics/domains';
import { analyseTexts } from '../support/load';
import { loadSemanticsFixtures } from '../support/semantics-fixtures';

/** The document as one JSON.stringify of plain objects: the listing's definition. */
function whole(a: Analysis, q: ReachQuery): string {
  const r = a.reachability(q);
  const workloads = r.endpoints.flatMap((e) =>
    e.kind === 'workload'
      ? [{ id: e.id, namespace: e.workload.namespace, name: e.workload.name, kind: e.workload.kind }]
      : [],
  );
  const connections = r.entries.map((e) => ({ src: e.src.id, dst: e.dst.id, conns: e.conns.toConns() }));
  const domains = r.endpoints.flatMap((e) => (e.kind === 'domain' ? [{ id: e.id, note: DOMAIN_NOTE }] : []));
  return (
    JSON.stringify({ version: 1, workloads, connections, ...(domains.length ? { domains } : {}) }, null, 2) +
    '\n'
  );
}

function streamed(a: Analysis, q: ReachQuery): string {
  const { endpoints, rows } = a.reachabilityRows(q);
  return [...reachJsonChunks(endpoints, rows)].join('');
}

test('reach json row by row: the same text as the whole document, fixture by fixture and query by query', () => {
  let domains = 0;
  let empty = 0;
  for (const f of loadSemanticsFixtures()) {
    const a = analyseTexts({ [f.name]: f.text });
    const ws = a.engine.workloadEndpoints();
    const queries: ReachQuery[] = [
      { externals: 'per-direction' },
      { externals: false },
      { externals: true },
      ...(ws[0] ? [{ externals: 'per-direction' as const, from: ws[0].id }] : []),
      ...(ws[1] ? [{ externals: false, to: ws[1].id, port: { port: 80, protocol: 'TCP' as const } }] : []),
    ];
    for (const q of queries) {
      const want = whole(a, q);
      assert.equal(streamed(a, q), want, `${f.name} ${JSON.stringify(q)}`);
      if (want.includes('"domains"')) domains++;
      if (want.includes('"connections": []')) empty++;
    }
  }
  // the shapes the text is written in by hand: a domains list, an empty connections list
  assert.ok(domains > 0, 'some fixture lists domain names');
  assert.ok(empty > 0, 'some query lists no connection');
});

test('reach json of no workload at all: empty lists, as JSON.stringify writes them', () => {
  const a = analyseTexts({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' });
  assert.equal(streamed(a, { externals: false }), whole(a, { externals: false }));
  assert.match(streamed(a, { externals: false }), /"workloads": \[\],\n {2}"connections": \[\]\n\}\n$/);
});
