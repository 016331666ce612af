/**
 * The seed scenario (examples/): what `netpol-lens check examples` must say, the same workspace with
 * the Namespaces' `role` labels removed, and the "Allow DNS egress" round trip on np-layer3.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readTree } from '../support/load';
import { analyse, assertOnlyInsertedOrRewritten, roundTrip } from '../support/fix-roundtrip';
import type { Finding } from '../../server/src/core/index';

const EXAMPLES = join(__dirname, '..', '..', '..', 'examples');
const RANK = { error: 3, warning: 2, information: 1, hint: 0 } as const;

function seedTexts(): Map<string, string> {
  return new Map(readTree(EXAMPLES).map((c) => [c.uri, c.text ?? ''] as const));
}

const fileOf = (f: Finding): string => f.uri.slice(f.uri.lastIndexOf('/') + 1);

test('seed: one egress-allows-all each for np-layer1 and np-layer2, missing-dns-egress for np-layer3, nothing else above information', () => {
  const a = analyse(seedTexts());
  const serious = a
    .findings()
    .filter((f) => RANK[f.severity] > RANK.information)
    .map((f) => `${fileOf(f)} ${f.code}`)
    .sort();
  assert.deepEqual(serious, [
    'np-layer1.yaml egress-allows-all',
    'np-layer2.yaml egress-allows-all',
    'np-layer3.yaml missing-dns-egress',
  ]);
  const dns = a.findings().find((f) => f.code === 'missing-dns-egress');
  assert.ok(dns);
  assert.match(dns.message, /layer3\/np-layer3/);
  assert.match(dns.message, /busybox3 and nginx3/);
  assert.equal(dns.fixes?.[0]?.title, 'Allow DNS egress');
});

test('seed: with the role labels removed, every namespaceSelector matches nothing, with a kubernetes.io/metadata.name fix', () => {
  const texts = seedTexts();
  for (const [uri, text] of texts) {
    if (uri.endsWith('/namespace.yaml'))
      texts.set(uri, text.replace(/\n {2}labels:\n {4}role: layer\d\n?/, '\n'));
  }
  const a = analyse(texts);
  const found = a.findings().filter((f) => f.code === 'namespace-selector-matches-nothing');
  assert.deepEqual(found.map(fileOf).sort(), ['np-layer1.yaml', 'np-layer2.yaml', 'np-layer3.yaml']);
  for (const f of found) {
    assert.equal(f.severity, 'warning');
    const text = texts.get(f.uri) ?? '';
    assert.equal(text.slice(f.span.start, f.span.end), 'namespaceSelector');
    assert.match(f.message, /layer1 \(labels: kubernetes\.io\/metadata\.name=layer1\)/);
    assert.ok(
      (f.related ?? []).some((r) => r.uri.endsWith('layer1/namespace.yaml')),
      'related: the Namespace manifests',
    );
    const byName = f.fixes?.find((x) =>
      x.title.startsWith('Select namespace by kubernetes.io/metadata.name'),
    );
    assert.ok(byName, `no metadata.name fix for ${fileOf(f)}`);
    const labelFix = f.fixes?.find((x) => x.title.startsWith('Add label role='));
    assert.ok(labelFix, `no add-label fix for ${fileOf(f)}`);
    // both fixes make the finding go away
    const r1 = roundTrip(texts, a, f, byName, { rewritten: 4 });
    const after = r1.after.get(f.uri) ?? '';
    assert.match(
      after,
      /kubernetes\.io\/metadata\.name(: layer1\n|\n +operator: In\n +values:\n +- layer1\n +- layer2\n)/,
    );
    roundTrip(texts, a, f, labelFix);
  }
  const l1 = found.find((f) => fileOf(f) === 'np-layer1.yaml');
  assert.deepEqual(
    l1?.fixes?.map((x) => x.title),
    ['Add label role=layer1 to Namespace layer1', 'Select namespace by kubernetes.io/metadata.name: layer1'],
  );
  const l2 = found.find((f) => fileOf(f) === 'np-layer2.yaml');
  assert.deepEqual(
    l2?.fixes?.map((x) => x.title),
    [
      'Add label role=layer1 to Namespace layer1',
      'Add label role=layer2 to Namespace layer2',
      'Select namespace by kubernetes.io/metadata.name in (layer1, layer2)',
    ],
  );
});

test('seed: "Allow DNS egress" on np-layer3 removes its finding and only inserts lines', () => {
  const texts = seedTexts();
  const a = analyse(texts);
  const f = a.findings().find((x) => x.code === 'missing-dns-egress');
  assert.ok(f);
  const fix = f.fixes?.find((x) => x.title === 'Allow DNS egress');
  assert.ok(fix);
  const r = roundTrip(texts, a, f, fix);
  const before = texts.get(f.uri) ?? '';
  const after = r.after.get(f.uri) ?? '';
  const added = assertOnlyInsertedOrRewritten(before, after, 0);
  assert.deepEqual(added, [
    '  egress:',
    '  - to:',
    '    - namespaceSelector:',
    '        matchLabels:',
    '          kubernetes.io/metadata.name: kube-system',
    '      podSelector:',
    '        matchLabels:',
    '          k8s-app: kube-dns',
    '    ports:',
    '    - protocol: UDP',
    '      port: 53',
    '    - protocol: TCP',
    '      port: 53',
  ]);
  // nothing new above information anywhere
  const serious = r.analysis
    .findings()
    .filter((x) => RANK[x.severity] > RANK.information)
    .map((x) => `${fileOf(x)} ${x.code}`)
    .sort();
  assert.deepEqual(serious, ['np-layer1.yaml egress-allows-all', 'np-layer2.yaml egress-allows-all']);
});

test('seed: `netpol-lens check examples` (the built CLI) reports the same', (t) => {
  const cli = join(__dirname, '..', '..', '..', 'server', 'dist', 'cli.js');
  if (!existsSync(cli)) {
    t.skip('server/dist/cli.js is not built: run `node esbuild.mjs` (npm test does)');
    return;
  }
  const r = spawnSync(process.execPath, [cli, 'check', EXAMPLES, '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const list = JSON.parse(r.stdout) as Array<{ path: string; code: string; severity: keyof typeof RANK }>;
  const serious = list
    .filter((f) => RANK[f.severity] > RANK.information)
    .map((f) => `${f.path.slice(f.path.lastIndexOf('/') + 1)} ${f.code}`)
    .sort();
  assert.deepEqual(serious, [
    'np-layer1.yaml egress-allows-all',
    'np-layer2.yaml egress-allows-all',
    'np-layer3.yaml missing-dns-egress',
  ]);
});
