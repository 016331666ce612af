/**
 * The rule that almost allowed a denied connection (explain.ts `nearestRule`): on every denied pair
 * of the semantics fixtures and the netpol-analyzer corpus, on several ports, what the explanation
 * claims is checked against the engine — a `ports` rule matches the other end and its ports miss
 * the port; a `peer` rule's ports include it and its peers miss the other end; the rule belongs
 * to a policy isolating the side that denies; only denying sides carry one; and where a rule of
 * the first kind exists, the answer is of that kind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from '../../server/src/core/index';
import { pairFamilies } from '../../server/src/core/semantics/compile';
import { analyseTexts, analyseTree } from '../support/load';
import { loadSemanticsFixtures } from '../support/semantics-fixtures';
import { CORPUS } from '../conformance/corpus';

const PORTS = [
  undefined,
  { port: 80, protocol: 'TCP' as const },
  { port: 8080, protocol: 'TCP' as const },
  { port: 53, protocol: 'UDP' as const },
];

function assertNearestRules(a: Analysis, label: string): { checked: number; found: number } {
  let checked = 0;
  let found = 0;
  const eps = a.engine.workloadEndpoints();
  for (const s of eps) {
    for (const d of eps) {
      if (s.id === d.id) continue;
      for (const port of PORTS) {
        const r = a.explain(s.id, d.id, port);
        assert.ok(r.ok);
        const x = r.explanation;
        const pair = a.engine.pair(s, d);
        for (const dir of ['egress', 'ingress'] as const) {
          const n = x[dir].nearestRule;
          const side = pair[dir];
          const set = port ? side.set.restrict(port.protocol, port.port) : side.set;
          const what = `${label}: ${s.id} → ${d.id} ${port ? `${port.port}/${port.protocol}` : 'any'} ${dir}`;
          // a rule of the first kind: right peer, ports that miss
          const other = dir === 'egress' ? d : s;
          const fam = pairFamilies(s, d);
          const rules = side.isolating.flatMap((p) => p[dir].map((rule) => ({ p, rule })));
          const portMisses = rules.filter(
            ({ p, rule }) => a.engine.ruleMatchesPeer(rule, p.namespace, other, fam).match,
          );
          if (!set.isEmpty) {
            assert.equal(n, undefined, `${what}: an allowing side has no nearest rule`);
            continue;
          }
          // a cluster-wide policy decided before the NetworkPolicies: no nearest NetworkPolicy rule
          const t = side.tiers;
          const narrow = (c: typeof set): typeof set => (port ? c.restrict(port.protocol, port.port) : c);
          if (t && !(t.policiesIsolate && !narrow(t.toPolicies).minus(t.policiesAllow).isEmpty)) {
            assert.equal(n, undefined, `${what}: denied by a tier, no nearest NetworkPolicy rule`);
            continue;
          }
          checked++;
          if (portMisses.length > 0) assert.equal(n?.differs, 'ports', `${what}: a rule admits the peer`);
          if (!n) continue;
          found++;
          const hit = rules.find(({ p, rule }) => p.id === n.policy && rule.ref.rule.index === n.ruleIndex);
          assert.ok(hit, `${what}: ${n.policy} ${n.ruleIndex} isolates this side`);
          const ports = a.engine.rulePorts(hit.rule, d);
          const onPort = port ? ports.restrict(port.protocol, port.port) : ports;
          const peerOk = a.engine.ruleMatchesPeer(hit.rule, hit.p.namespace, other, fam).match;
          if (n.differs === 'ports') {
            assert.ok(peerOk && onPort.isEmpty, `${what}: ${n.text}`);
            assert.equal(hit, portMisses[0], `${what}: the first such rule`);
          } else {
            assert.ok(!peerOk && !onPort.isEmpty, `${what}: ${n.text}`);
          }
          assert.match(n.text, new RegExp(`^${dir} rule ${n.ruleIndex + 1} of ${n.policy} admits `));
          assert.ok(
            x.summary.some((l) => l.includes(`Nearest: ${n.text}.`)),
            `${what}: in the summary`,
          );
        }
      }
    }
  }
  return { checked, found };
}

test('nearest rule: the semantics fixtures and the corpus, every claim checked against the engine', () => {
  let checked = 0;
  let found = 0;
  const add = (r: { checked: number; found: number }): void => {
    checked += r.checked;
    found += r.found;
  };
  for (const fx of loadSemanticsFixtures())
    add(assertNearestRules(analyseTexts({ [fx.name]: fx.text }), fx.name));
  const idx = JSON.parse(readFileSync(join(CORPUS, 'index.json'), 'utf8')) as {
    cases: Array<{ input: string }>;
  };
  for (const input of [...new Set(idx.cases.map((c) => c.input))].sort())
    add(assertNearestRules(analyseTree(join(CORPUS, input)), input));
  assert.ok(checked > 1000 && found > 100, `${checked} denying sides, ${found} with a nearest rule`);
});
