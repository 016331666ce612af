/**
 * Conformance with the network-policy-api suite's ClusterNetworkPolicy tests (network-policy-api.ts,
 * test/fixtures/conformance/network-policy-api): every probe's expected result, through the tiers.
 * The probes that differ are listed, with the argument, in known-differences.md under the test's
 * name (an indented line `step N: <probe>` each); the test fails on any other difference and on a
 * listed probe that no longer differs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadNpaTests, runNpaTest, type ProbeResult } from './network-policy-api';

const tests = loadNpaTests();

/** The probes known-differences.md lists per test: `step N: <probe>` lines under `## <test>`. */
function listed(): Set<string> {
  const md = readFileSync(
    join(__dirname, '..', '..', '..', 'test', 'conformance', 'known-differences.md'),
    'utf8',
  );
  const names = new Set(tests.map((t) => t.test));
  const out = new Set<string>();
  let section = '';
  for (const line of md.split('\n')) {
    const h = /^## (\S+)\s*$/.exec(line);
    if (h) section = h[1] as string;
    else if (/^#/.test(line)) section = '';
    const p = /^ {4}(step \d+: .+)$/.exec(line);
    if (p && names.has(section)) out.add(`${section} ${p[1] as string}`);
  }
  return out;
}

const key = (r: ProbeResult): string => `${r.test} step ${r.step}: ${r.probe.text}`;

test('conformance: network-policy-api ClusterNetworkPolicy tests, every probe', () => {
  assert.ok(tests.length >= 24, `transcription not found or incomplete (${tests.length} tests)`);
  const results = tests.flatMap(runNpaTest);
  const errors = results.filter((r) => typeof r.got === 'string');
  assert.deepEqual(
    errors.map((r) => `${key(r)}: ${String(r.got)}`),
    [],
    'probes naming pods the analysis does not know',
  );
  const differing = results.filter((r) => r.got !== r.probe.allow);
  const passing = results.length - differing.length;
  const testsPassing = tests.filter((t) => !differing.some((r) => r.test === t.test)).length;
  console.log(
    `network-policy-api conformance: ${passing}/${results.length} probes as expected; ${testsPassing}/${tests.length} tests entirely; differing: ${differing.map(key).join('; ') || 'none'}`,
  );
  const known = listed();
  assert.deepEqual(
    differing.map(key).filter((k) => !known.has(k)),
    [],
    'probes that differ from upstream and are not argued in known-differences.md',
  );
  assert.deepEqual(
    [...known].filter((k) => !differing.some((r) => key(r) === k)),
    [],
    'probes listed in known-differences.md that no longer differ',
  );
});
