/**
 * The v1alpha1 → v1alpha2 migration quick fix (deprecated-api-version, `migrate-cluster-policy`)
 * applied to every AdminNetworkPolicy and BaselineAdminNetworkPolicy of the netpol-analyzer
 * anp-banp corpus cases and of every fixture that has them, one fix at a time as a user would:
 * the reachability listing (workloads and external ranges) is unchanged, no v1alpha1 policy is
 * left without a reason, and the result has no invalid-field or cluster-policy-limit finding.
 * Independent of the fix's code: the listing is the engine's, the test reads only findings and edits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisHost, type Analysis, type FileChange } from '../../server/src/core/index';
import { readTree } from '../support/load';
import { applyToTexts } from '../support/fix-roundtrip';
import { FIXTURES, settingsFor, workspaces } from '../support/check-fixtures';
import { corpusCases, CORPUS, listingLines } from './corpus';

const ROOT = join(__dirname, '..', '..', '..', 'test', 'fixtures');

function analyse(texts: ReadonlyMap<string, string>, ws?: Parameters<typeof settingsFor>[0]): Analysis {
  const h = new AnalysisHost();
  if (ws) h.setSettings(settingsFor(ws));
  h.applyChanges([...texts].map(([uri, text]) => ({ uri, text })));
  return h.snapshot();
}

const V1 = /AdminNetworkPolicy/;

interface Outcome {
  readonly migrated: number;
  /** v1alpha1 policies left, with the finding's message (why no fix). */
  readonly left: string[];
  readonly after: Map<string, string>;
  readonly before: Analysis;
  readonly final: Analysis;
}

/** Applies migration fixes one at a time until none is offered. */
function migrateAll(files: readonly FileChange[], ws?: Parameters<typeof settingsFor>[0]): Outcome {
  let texts = new Map(files.map((f) => [f.uri, f.text ?? ''] as const));
  const before = analyse(texts, ws);
  let a = before;
  let migrated = 0;
  for (let guard = 0; guard < 200; guard++) {
    const f = a.findings().find((x) => x.fixes?.some((s) => s.kind === 'migrate-cluster-policy'));
    const spec = f?.fixes?.find((s) => s.kind === 'migrate-cluster-policy');
    if (!f || !spec) break;
    const edits = a.fixEdits(f.uri, spec);
    assert.ok(edits.length > 0, `${spec.title}: the fix gives no edits`);
    texts = applyToTexts(texts, edits);
    migrated++;
    a = analyse(texts, ws);
  }
  const left = a
    .findings()
    .filter((x) => x.code === 'deprecated-api-version' && x.severity === 'information')
    .map((x) => x.message);
  return { migrated, left, after: texts, before, final: a };
}

function assertSame(name: string, o: Outcome): void {
  assert.deepEqual(
    listingLines(o.final, true),
    listingLines(o.before, true),
    `${name}: reachability changed`,
  );
  const bad = (a: Analysis): string[] =>
    a
      .findings()
      .filter((f) => f.code === 'invalid-field' || f.code === 'cluster-policy-limit')
      .map((f) => `${f.code} ${f.uri.slice(f.uri.lastIndexOf('/') + 1)} ${f.message}`);
  const had = new Set(bad(o.before));
  assert.deepEqual(
    bad(o.final).filter((b) => !had.has(b)),
    [],
    `${name}: the migrated policies have new invalid-field or cluster-policy-limit findings`,
  );
}

test('migration fix: every anp-banp corpus case rewritten to ClusterNetworkPolicy keeps its reachability', () => {
  const cases = corpusCases(['anp-banp']);
  assert.ok(cases.length >= 70, `corpus not found or too small (${cases.length} cases)`);
  let migrated = 0;
  const left: string[] = [];
  for (const c of cases) {
    const o = migrateAll(readTree(join(CORPUS, c.input)));
    migrated += o.migrated;
    left.push(...o.left.map((m) => `${c.name}: ${m}`));
    assertSame(c.name, o);
    // nothing of v1alpha1 is left where a fix was offered
    for (const [uri, text] of o.after)
      if (!o.left.length)
        assert.ok(
          !/^[ \t-]*apiVersion:[ \t]*["']?policy\.networking\.k8s\.io\/v1alpha1/m.test(text),
          `${c.name} ${uri}`,
        );
  }
  console.log(
    `migration: ${migrated} policies of ${cases.length} anp-banp cases rewritten; ${left.length} left`,
  );
  for (const l of left) console.log(`  not migrated: ${l}`);
  assert.ok(migrated >= cases.length, `only ${migrated} policies migrated`);
  // every v1alpha1 policy left says why there is no fix
  for (const l of left) assert.match(l, /There is no quick fix: /);
});

test('migration fix: every fixture with AdminNetworkPolicy or BaselineAdminNetworkPolicy keeps its reachability', () => {
  let migrated = 0;
  const left: string[] = [];
  // the check fixtures, one workspace per folder
  for (const ws of workspaces()) {
    const texts = ws.files.map((f) => ({ uri: `file://${f}`, text: readFileSync(f, 'utf8') }));
    if (!texts.some((t) => V1.test(t.text))) continue;
    const o = migrateAll(texts, ws);
    migrated += o.migrated;
    left.push(...o.left.map((m) => `${ws.dir.slice(FIXTURES.length)}: ${m}`));
    assertSame(ws.dir, o);
  }
  // the semantics fixtures (one file each) and the real-world trees
  const semantics = join(ROOT, 'semantics');
  for (const name of readdirSync(semantics)) {
    const p = join(semantics, name);
    if (!statSync(p).isFile() || !V1.test(readFileSync(p, 'utf8'))) continue;
    const o = migrateAll(readTree(p));
    migrated += o.migrated;
    left.push(...o.left.map((m) => `${name}: ${m}`));
    assertSame(name, o);
  }
  const npa = join(ROOT, 'realworld', 'network-policy-api');
  const o = migrateAll(readTree(npa));
  migrated += o.migrated;
  left.push(...o.left.map((m) => `network-policy-api: ${m}`));
  assertSame('network-policy-api', o);
  console.log(`migration: ${migrated} fixture policies rewritten; ${left.length} left`);
  for (const l of left) console.log(`  not migrated: ${l}`);
  assert.ok(o.migrated >= 7, `network-policy-api: only ${o.migrated} of its 7 v1alpha1 demos migrated`);
  for (const l of left) assert.match(l, /There is no quick fix: /);
});
