/** Conformance over the netpol-analyzer corpus (see known-differences.md). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { actualLines, corpusCases, expectedLines } from './corpus';

const KNOWN = new Set(
  [
    ...readFileSync(
      join(__dirname, '..', '..', '..', 'test', 'conformance', 'known-differences.md'),
      'utf8',
    ).matchAll(/^## (\S+)\s*$/gm),
  ].map((m) => m[1] as string),
);

test('conformance: netpol-analyzer corpus (plain, malformed-input, ingress-route), workloads and external ranges', () => {
  const cases = corpusCases(['plain', 'malformed-input', 'ingress-route']);
  assert.ok(cases.length >= 100, `corpus not found or too small (${cases.length} cases)`);
  const differing: string[] = [];
  const missingExpected: string[] = [];
  for (const c of cases) {
    const exp = expectedLines(c, true).sort();
    const act = actualLines(c, true);
    if (JSON.stringify(exp) !== JSON.stringify(act)) {
      differing.push(c.name);
      const a = new Set(act);
      const lost = exp.filter((l) => !a.has(l));
      if (lost.length) missingExpected.push(`${c.name}: ${lost.slice(0, 3).join(' | ')}`);
    }
  }
  const core = cases.filter((c) => c.category !== 'ingress-route');
  const identical = core.filter((c) => !differing.includes(c.name)).length;
  console.log(
    `conformance: ${identical}/${core.length} plain+malformed cases identical; ${cases.length - differing.length}/${cases.length} with ingress-route; differing: ${differing.join(', ') || 'none'}`,
  );
  assert.ok(identical / core.length >= 0.95, `only ${identical}/${core.length} identical`);
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
  // a known difference may add connections (more documents analysed) but never lose an expected one
  assert.deepEqual(missingExpected, []);
});
