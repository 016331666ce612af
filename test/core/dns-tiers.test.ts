/**
 * missing-dns-egress through the tiers: apply every "Allow DNS egress" fix of the tier fixtures and
 * validate it with the engine: afterwards every pod the finding named reaches cluster DNS on UDP
 * (and TCP) 53 on its egress side, and the reachability matrix changed only by connections to the
 * DNS pods on port 53 being added (nothing removed, nothing else added).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConnectionSet, type Analysis, type Finding } from '../../server/src/core/index';
import { analyse, applyToTexts } from '../support/fix-roundtrip';
import { FIXTURES, settingsFor, workspaces } from '../support/check-fixtures';

const DNS53 = ConnectionSet.ports('UDP', 53, 53).union(ConnectionSet.ports('TCP', 53, 53));

function matrix(a: Analysis): Map<string, ConnectionSet> {
  const out = new Map<string, ConnectionSet>();
  for (const e of a.reachability({ externals: 'per-direction' }).entries)
    out.set(`${e.src.id} => ${e.dst.id}`, e.conns.plain());
  return out;
}

const dnsPod = (id: string): boolean => id.startsWith('kube-system/') || id.includes('cluster-dns');

function validate(name: string, texts: Map<string, string>, a: Analysis, f: Finding): number {
  let checked = 0;
  for (const fix of f.fixes ?? []) {
    if (fix.kind !== 'allow-dns-egress') continue;
    const after = analyse(applyToTexts(texts, a.fixEdits(f.uri, fix)));
    // the pods the finding named (its related workloads) now reach DNS
    const pods = (f.related ?? []).filter((r) =>
      / denied by this rule| egress-isolated, no DNS/.test(r.message),
    );
    assert.ok(pods.length > 0, `${name}: the finding names its pods`);
    // no DNS pods in the workspace (the check assumes a virtual one): the re-analysis below tells
    const dns = after.engine.workloadEndpoints().filter((e) => e.kind === 'workload' && dnsPod(e.id));
    for (const r of pods) {
      const id = r.message.slice(0, r.message.indexOf(':'));
      const src = after.engine.endpoint(id);
      assert.ok(src, `${name}: endpoint ${id}`);
      for (const d of dns) {
        const side = after.engine.egressSide(src, d).set;
        for (const p of fix.data?.protocols as Array<'UDP' | 'TCP'>)
          assert.ok(side.has(p, 53), `${name} (${fix.title}): ${id} → ${d.id} ${p} 53 still denied`);
      }
    }
    // nothing else changed
    const m0 = matrix(a);
    const m1 = matrix(after);
    for (const [k, v0] of m0) {
      const v1 = m1.get(k) ?? ConnectionSet.EMPTY;
      assert.ok(
        v0.minus(v1).isEmpty,
        `${name} (${fix.title}): ${k} lost ${JSON.stringify(v0.minus(v1).toConns())}`,
      );
    }
    for (const [k, v1] of m1) {
      const added = v1.minus(m0.get(k) ?? ConnectionSet.EMPTY);
      if (added.isEmpty) continue;
      const dst = k.slice(k.indexOf(' => ') + 4);
      assert.ok(
        dnsPod(dst) && added.minus(DNS53).isEmpty,
        `${name} (${fix.title}): ${k} gained ${JSON.stringify(added.toConns())}`,
      );
    }
    // and the finding is gone
    assert.ok(
      !after.findingsFor(f.uri).some((g) => g.code === f.code && g.message === f.message),
      `${name} (${fix.title}): the finding is still there`,
    );
    checked++;
  }
  return checked;
}

test('Allow DNS egress on Admin and Baseline denials: DNS allowed afterwards, nothing else changed', () => {
  let fixes = 0;
  let tierFindings = 0;
  for (const ws of workspaces(join(FIXTURES))) {
    if (ws.code !== 'missing-dns-egress') continue;
    const texts = new Map(ws.files.map((f) => [pathToFileURL(f).href, readFileSync(f, 'utf8')] as const));
    if (![...texts.values()].some((t) => /ClusterNetworkPolicy|AdminNetworkPolicy/.test(t))) continue;
    const a = analyse(texts, settingsFor(ws));
    for (const f of a.findings()) {
      if (f.code !== 'missing-dns-egress') continue;
      if (f.fixes?.some((x) => x.data?.tier !== undefined)) tierFindings++;
      fixes += validate(ws.dir.slice(FIXTURES.length), texts, a, f);
    }
  }
  assert.ok(tierFindings >= 3, `only ${tierFindings} findings on cluster-wide rules`);
  assert.ok(fixes >= 4, `only ${fixes} fixes validated`);
});
