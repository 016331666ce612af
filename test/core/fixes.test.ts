/**
 * Fix round trips. Every fix of every finding in the check fixtures (test/fixtures/checks/<code>/…,
 * one workspace per folder) is applied to the original files, and then:
 * - the only original lines that change are those the fix rewrites or removes (the node a
 *   `replace` rewrites, the empty `[]`/`{}` that becomes a block, the node a `remove` takes out
 *   with its comments); every other original line is still there, in order;
 * - every edited file re-parses without errors;
 * - the finding is gone after re-analysis (the file has fewer findings of that code);
 * - what the fix promised is in the data (toJS): each `set`/`append`/`replace` op's value is at its
 *   path, and the kind-specific result (a merged peer, a removed rule, a default-deny policy…);
 * - the edit is valid for the object it is offered on: no new invalid-* finding in the edited files.
 * Then targeted tests of fixes/fix.ts: layouts (kubectl and indented sequences, CRLF, flow
 * collections, Lists, several documents), the source action, rewrite-api-version, stale specs.
 */
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMap, isNode, isPair, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import {
  FIX_KINDS,
  resolveSettings,
  type Analysis,
  type Finding,
  type FixSpec,
  type YamlOp,
} from '../../server/src/core/index';
import { lineDiff, lineHunks } from '../../server/src/core/fixes/fix';
import {
  analyse,
  applyToTexts,
  assertOnlyInsertedOrRewritten,
  assertParses,
  roundTrip,
} from '../support/fix-roundtrip';
import { FIXTURES, settingsFor, workspaces } from '../support/check-fixtures';

// ---------------------------------------------------------------------------------------------
// Which original lines a fix may change

type Path = ReadonlyArray<string | number>;

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length - 1;
}

/** The node at `path` and what holds it (for its key line), in a parsed document. */
function nodeAt(doc: Document.Parsed, path: Path): { node: unknown; keyStart?: number } | undefined {
  let node: unknown = doc.contents;
  let keyStart: number | undefined;
  for (const seg of path) {
    if (isMap(node) && typeof seg === 'string') {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === seg);
      if (!pair) return undefined;
      keyStart = isNode(pair.key) ? pair.key.range?.[0] : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      keyStart = undefined;
    } else return undefined;
  }
  return { node, ...(keyStart !== undefined ? { keyStart } : {}) };
}

/** Original lines each op may rewrite or remove, per uri. */
function allowedLines(
  texts: ReadonlyMap<string, string>,
  defaultUri: string,
  ops: readonly YamlOp[],
): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const op of ops) {
    const uri = op.uri ?? defaultUri;
    const text = texts.get(uri) ?? '';
    const doc = parseAllDocuments(text)[op.docIndex];
    if (!doc) continue;
    const set = out.get(uri) ?? new Set<number>();
    out.set(uri, set);
    const add = (from: number, to: number): void => {
      for (let l = from; l <= to; l++) set.add(l);
    };
    const at = nodeAt(doc, op.path);
    const node = at?.node;
    const range = isNode(node) ? node.range : undefined;
    if (op.op === 'remove') {
      if (!range && at?.keyStart === undefined) continue;
      const start = at?.keyStart ?? range?.[0] ?? 0;
      const end = Math.max(range ? range[1] - 1 : start, start);
      add(lineOf(text, start), lineOf(text, end));
    } else if (op.op === 'replace') {
      if (range) add(lineOf(text, range[0]), lineOf(text, range[0]));
    } else if (op.op === 'rename' && isMap(node)) {
      // the entry's key line and its whole old value are rewritten
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === op.key);
      const k = pair && isNode(pair.key) ? pair.key.range : undefined;
      const v = pair && isNode(pair.value) ? pair.value.range : undefined;
      if (k) add(lineOf(text, k[0]), lineOf(text, Math.max(k[0], (v?.[1] ?? k[1]) - 1)));
    } else if (
      range &&
      (((isMap(node) || isSeq(node)) && node.flow) || (isScalar(node) && node.value === null))
    ) {
      // `[]`, `{}`, `[a]` or an empty value: its line is rewritten
      add(lineOf(text, range[0]), lineOf(text, range[0]));
      if (at?.keyStart !== undefined) add(lineOf(text, at.keyStart), lineOf(text, at.keyStart));
    } else if (op.op === 'set' && isMap(node)) {
      // setting a key that holds a scalar rewrites that line
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === op.key);
      if (pair && isPair(pair) && isNode(pair.value) && pair.value.range)
        add(lineOf(text, pair.value.range[0]), lineOf(text, pair.value.range[0]));
    }
  }
  return out;
}

const isComment = (text: string): boolean => /^\s*#/.test(text);

// ---------------------------------------------------------------------------------------------
// What each fix promised

function getAt(js: unknown, path: Path): unknown {
  let cur = js;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[seg as never];
  }
  return cur;
}

function docsOf(after: ReadonlyMap<string, string>, uri: string): unknown[] {
  return assertParses(after.get(uri) ?? '');
}

function checkPromises(
  texts: ReadonlyMap<string, string>,
  after: ReadonlyMap<string, string>,
  f: Finding,
  fix: FixSpec,
): void {
  const ops = (fix.data?.ops ?? []) as YamlOp[];
  for (const op of ops) {
    const uri = op.uri ?? f.uri;
    const js = docsOf(after, uri)[op.docIndex];
    if (op.op === 'set')
      assert.deepEqual(
        getAt(js, [...op.path, op.key]),
        op.value,
        `${fix.title}: ${[...op.path, op.key].join('.')}`,
      );
    if (op.op === 'replace')
      assert.deepEqual(getAt(js, op.path), op.value, `${fix.title}: ${op.path.join('.')}`);
    if (op.op === 'rename') {
      assert.deepEqual(getAt(js, [...op.path, op.newKey]), op.value, `${fix.title}: ${op.path.join('.')}`);
      if (op.newKey !== op.key) assert.equal(getAt(js, [...op.path, op.key]), undefined);
    }
    if (op.op === 'insert')
      assert.deepEqual(
        (getAt(js, op.path) as unknown[])[op.index],
        op.item,
        `${fix.title}: ${op.path.join('.')}`,
      );
    if (op.op === 'append') {
      const seq = getAt(js, op.path);
      assert.ok(
        Array.isArray(seq) && seq.some((x) => JSON.stringify(x) === JSON.stringify(op.item)),
        `${fix.title}: ${op.path.join('.')} holds ${JSON.stringify(op.item)}`,
      );
    }
  }
  const first = ops[0];
  const beforeJs = first ? assertParses(texts.get(first.uri ?? f.uri) ?? '')[first.docIndex] : undefined;
  const afterJs = first ? docsOf(after, first.uri ?? f.uri)[first.docIndex] : undefined;
  switch (fix.kind) {
    case 'allow-dns-egress': {
      const egress = getAt(afterJs, [...(first?.path ?? [])]) as unknown[];
      const protocols = fix.data?.protocols as string[];
      if (first?.op === 'insert') {
        // a cluster-wide policy: an Accept to the DNS pods right before the denying rule
        const v1 = getAt(afterJs, ['apiVersion']) === 'policy.networking.k8s.io/v1alpha1';
        const rule = egress[first.index] as Record<string, unknown>;
        assert.equal(rule.action, v1 ? 'Allow' : 'Accept');
        assert.deepEqual(rule.to, [
          {
            pods: {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': fix.data?.namespace } },
              podSelector: { matchLabels: fix.data?.podLabels },
            },
          },
        ]);
        assert.equal(egress.length, (getAt(beforeJs, first.path) as unknown[]).length + 1);
        break;
      }
      assert.deepEqual(egress[egress.length - 1], {
        to: [
          {
            namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': fix.data?.namespace } },
            podSelector: { matchLabels: fix.data?.podLabels },
          },
        ],
        ports: protocols.map((protocol) => ({ protocol, port: 53 })),
      });
      break;
    }
    case 'select-namespace-by-name': {
      const names = fix.data?.namespaces as string[];
      const sel = getAt(afterJs, first?.path.slice(0, first.path.indexOf('namespaceSelector') + 1) ?? []);
      assert.deepEqual(
        sel,
        names.length === 1
          ? { matchLabels: { 'kubernetes.io/metadata.name': names[0] } }
          : { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: names }] },
      );
      break;
    }
    case 'add-namespace-label': {
      const labels = getAt(afterJs, ['metadata', 'labels']) as Record<string, string>;
      for (const [k, v] of Object.entries(fix.data?.labels as Record<string, string>))
        assert.equal(labels[k], v);
      break;
    }
    case 'merge-peers': {
      const [set, remove] = ops as [YamlOp & { op: 'set' }, YamlOp];
      const list = getAt(afterJs, set.path.slice(0, -1)) as unknown[];
      const oldList = getAt(beforeJs, set.path.slice(0, -1)) as unknown[];
      assert.equal(list.length, oldList.length - 1, 'one peer less');
      const merged = getAt(afterJs, set.path) as Record<string, unknown>;
      assert.ok(
        'podSelector' in merged && 'namespaceSelector' in merged,
        'the merged peer has both selectors',
      );
      assert.equal(remove.op, 'remove');
      break;
    }
    case 'remove-redundant-rule': {
      const op = first as YamlOp;
      const parent = op.path.slice(0, -1);
      assert.equal(
        (getAt(afterJs, parent) as unknown[]).length,
        (getAt(beforeJs, parent) as unknown[]).length - 1,
        'one item less',
      );
      break;
    }
    case 'remove-rules':
      assert.equal(getAt(afterJs, first?.path ?? []), undefined, 'the rules are gone');
      break;
    case 'generate-default-deny': {
      const ns = fix.data?.namespace as string;
      const all = [...after].flatMap(([, t]) => assertParses(t)) as Array<Record<string, unknown>>;
      const deny = all.find(
        (d) =>
          getAt(d, ['kind']) === 'NetworkPolicy' &&
          getAt(d, ['metadata', 'namespace']) === ns &&
          JSON.stringify(getAt(d, ['spec'])) ===
            JSON.stringify({ podSelector: {}, policyTypes: fix.data?.policyTypes ?? ['Ingress'] }),
      );
      assert.ok(deny, `a default-deny policy for ${ns}`);
      break;
    }
    case 'migrate-cluster-policy': {
      const obj = getAt(afterJs, first?.path.slice(0, -1) ?? []) as Record<string, unknown>;
      assert.equal(obj.kind, 'ClusterNetworkPolicy');
      assert.equal(obj.apiVersion, 'policy.networking.k8s.io/v1alpha2');
      assert.ok(['Admin', 'Baseline'].includes(String(getAt(obj, ['spec', 'tier']))), 'a tier');
      assert.ok(!JSON.stringify(obj).includes('"Allow"') && !JSON.stringify(obj).includes('"ports"'));
      break;
    }
    case 'rewrite-api-version': {
      const all = docsOf(after, f.uri) as Array<Record<string, unknown>>;
      assert.ok(all.some((d) => d?.apiVersion === fix.data?.newValue));
      break;
    }
    case 'add-metadata-except':
    case 'add-policy-type':
    case 'add-policy-types':
    case 'replace-with-target-port':
    case 'rewrite-cidr':
      break; // their ops say all there is to check (the set, replace and append checks above)
  }
}

// ---------------------------------------------------------------------------------------------
// Every fix of every fixture

describe('fix round trips on the check fixtures', () => {
  const tried = new Set<string>();
  for (const ws of workspaces()) {
    const settings = settingsFor(ws);
    const texts = new Map(ws.files.map((f) => [pathToFileURL(f).href, readFileSync(f, 'utf8')] as const));
    let analysis: Analysis;
    try {
      analysis = analyse(texts, settings);
    } catch {
      continue;
    }
    for (const f of analysis.findings()) {
      if (f.code !== ws.code || !f.fixes?.length) continue;
      const file = relative(FIXTURES, new URL(f.uri).pathname);
      const line = (texts.get(f.uri) ?? '').slice(0, f.span.start).split('\n').length;
      for (const fix of f.fixes) {
        tried.add(fix.kind);
        it(`${file}:${line} ${f.code}: ${fix.title}`, () => {
          const ops = (fix.data?.ops ?? []) as YamlOp[];
          const allowed = allowedLines(texts, f.uri, ops);
          const r = roundTrip(texts, analysis, f, fix, {
            settings,
            rewritten: (uri, l, text) =>
              allowed.get(uri)?.has(l) === true ||
              (isComment(text) && ops.some((o) => o.op === 'remove')) ||
              (fix.kind === 'rewrite-api-version' && /^\s*apiVersion:/.test(text)),
          });
          checkPromises(texts, r.after, f, fix);
          // the edit is valid for the object it is offered on: the API server would accept it, so
          // re-analysing the edited files finds no new invalid-* finding there
          for (const uri of new Set(r.edits.map((e) => e.uri))) {
            const invalid = (a: Analysis): Map<string, number> => {
              const m = new Map<string, number>();
              for (const x of a.findingsFor(uri))
                if (x.code.startsWith('invalid-')) m.set(x.code, (m.get(x.code) ?? 0) + 1);
              return m;
            };
            const before = invalid(analysis);
            const grew = [...invalid(r.analysis)].filter(([code, n]) => n > (before.get(code) ?? 0));
            assert.deepEqual(
              grew,
              [],
              `"${fix.title}" makes an object the API server rejects:\n${r.analysis
                .findingsFor(uri)
                .filter((x) => x.code.startsWith('invalid-'))
                .map((x) => x.message)
                .join('\n')}\n--- after:\n${r.after.get(uri) ?? ''}`,
            );
          }
        });
      }
    }
  }
  it('every fix kind (FIX_KINDS) has a round trip in the fixtures', () => {
    assert.deepEqual(
      Object.keys(FIX_KINDS).filter((k) => !tried.has(k)),
      [],
      'fix kinds no fixture finding offers',
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Layouts

const POD = (ns: string): string => `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: ${ns}
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx
`;

function dnsFixOf(files: Record<string, string>): {
  a: Analysis;
  texts: Map<string, string>;
  f: Finding;
  fix: FixSpec;
} {
  const texts = new Map(Object.entries(files).map(([n, t]) => [`file:///ws/${n}`, t] as const));
  const a = analyse(texts);
  const f = a.findings().find((x) => x.code === 'missing-dns-egress');
  assert.ok(f, 'a missing-dns-egress finding');
  const fix = f.fixes?.find((x) => x.title.startsWith('Allow DNS egress'));
  assert.ok(fix);
  return { a, texts, f, fix };
}

test('Allow DNS egress: indented sequences, 4-space indent, comments and quoting kept', () => {
  const policy = `# header comment
apiVersion: "networking.k8s.io/v1"
kind: NetworkPolicy
metadata:
    name: 'deny'   # quoted name
    namespace: app
spec:
    podSelector: {}
    policyTypes:
        - Egress   # only egress
        - Ingress
    ingress:
        - from:
              - podSelector: {}
    # trailing comment of spec
`;
  const { a, texts, f, fix } = dnsFixOf({ 'pod.yaml': POD('app'), 'np.yaml': policy });
  const r = roundTrip(texts, a, f, fix);
  const after = r.after.get(f.uri) ?? '';
  const added = assertOnlyInsertedOrRewritten(policy, after);
  assert.equal(added[0], '    egress:');
  assert.equal(added[1], '        - to:', 'indented sequences, 4 spaces');
  assert.ok(after.startsWith('# header comment\napiVersion: "networking.k8s.io/v1"'));
});

test('Allow DNS egress: `egress: []` becomes a block sequence, CRLF kept', () => {
  const policy =
    'apiVersion: networking.k8s.io/v1\r\nkind: NetworkPolicy\r\nmetadata:\r\n  name: deny\r\n  namespace: app\r\nspec:\r\n  podSelector: {}\r\n  policyTypes: [Ingress, Egress]\r\n  egress: []\r\n';
  const { a, texts, f, fix } = dnsFixOf({ 'pod.yaml': POD('app'), 'np.yaml': policy });
  const r = roundTrip(texts, a, f, fix, { rewritten: 1 });
  const after = r.after.get(f.uri) ?? '';
  assert.ok(!/[^\r]\n/.test(after), 'only CRLF line breaks');
  assert.match(after, /\r\n {2}egress:\r\n {2}- to:\r\n/);
});

test('Allow DNS egress: the second document of a file, and a policy inside a List', () => {
  const multi = `${POD('app')}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny
  namespace: app
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes:
  - Egress
---
# a third document stays as is
kind: ConfigMap
`;
  const one = dnsFixOf({ 'all.yaml': multi });
  const r1 = roundTrip(one.texts, one.a, one.f, one.fix);
  assertOnlyInsertedOrRewritten(multi, r1.after.get(one.f.uri) ?? '');
  const list = `apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: deny
    namespace: app
  spec:
    podSelector: {}
    policyTypes:
    - Egress
`;
  const two = dnsFixOf({ 'pod.yaml': POD('app'), 'list.yaml': list });
  const r2 = roundTrip(two.texts, two.a, two.f, two.fix);
  const js = assertParses(r2.after.get(two.f.uri) ?? '')[0] as {
    items: Array<{ spec: { egress: unknown[] } }>;
  };
  assert.equal(js.items[0]?.spec.egress.length, 1);
});

test('Allow DNS egress uses the configured DNS namespace and labels', () => {
  const texts = new Map([
    ['file:///ws/pod.yaml', POD('app')],
    [
      'file:///ws/np.yaml',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: app\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n',
    ],
  ]);
  const settings = resolveSettings({ dns: { namespace: 'dns', podLabels: { app: 'coredns', tier: 'dns' } } });
  const a = analyse(texts, settings);
  const f = a.findings().find((x) => x.code === 'missing-dns-egress');
  assert.ok(f?.fixes?.[0]);
  const r = roundTrip(texts, a, f, f.fixes[0], { settings });
  const js = assertParses(r.after.get(f.uri) ?? '')[0] as { spec: { egress: Array<{ to: unknown }> } };
  assert.deepEqual(js.spec.egress[0]?.to, [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns' } },
      podSelector: { matchLabels: { app: 'coredns', tier: 'dns' } },
    },
  ]);
});

test('a fix whose file changed since yields no edits instead of a broken file', () => {
  const { f, fix } = dnsFixOf({
    'pod.yaml': POD('app'),
    'np.yaml':
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\n  namespace: app\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n',
  });
  const changed = analyse(new Map([['file:///ws/np.yaml', 'kind: ConfigMap\n']]));
  assert.deepEqual(changed.fixEdits(f.uri, fix), []);
  assert.deepEqual(changed.fixEdits('file:///ws/missing.yaml', fix), []);
  assert.deepEqual(
    changed.fixEdits(f.uri, { kind: 'allow-dns-egress', title: 'x', data: { ops: 'nonsense' } }),
    [],
  );
});

// ---------------------------------------------------------------------------------------------
// rewrite-api-version, the source action, lineDiff

const OLD_POLICY = (name: string): string => `apiVersion: extensions/v1beta1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: app
spec:
  podSelector: {}
`;

test('rewrite-api-version: by location, by docIndex/path, else every old apiVersion of the file', () => {
  const text = `${OLD_POLICY('a')}---\n${OLD_POLICY('b')}`;
  const a = analyse(new Map([['file:///ws/np.yaml', text]]));
  const second = text.indexOf('name: b');
  const bySpan = a.fixEdits('file:///ws/np.yaml', {
    kind: 'rewrite-api-version',
    title: 't',
    data: { newValue: 'networking.k8s.io/v1', span: { start: second, end: second } },
  });
  const after1 =
    applyToTexts(new Map([['file:///ws/np.yaml', text]]), bySpan).get('file:///ws/np.yaml') ?? '';
  assert.deepEqual(
    (assertParses(after1) as Array<{ apiVersion: string }>).map((d) => d.apiVersion),
    ['extensions/v1beta1', 'networking.k8s.io/v1'],
  );
  assertOnlyInsertedOrRewritten(text, after1, 1);
  const byPath = a.fixEdits('file:///ws/np.yaml', {
    kind: 'rewrite-api-version',
    title: 't',
    data: { newValue: 'networking.k8s.io/v1', docIndex: 0, path: [] },
  });
  const after2 =
    applyToTexts(new Map([['file:///ws/np.yaml', text]]), byPath).get('file:///ws/np.yaml') ?? '';
  assert.deepEqual(
    (assertParses(after2) as Array<{ apiVersion: string }>).map((d) => d.apiVersion),
    ['networking.k8s.io/v1', 'extensions/v1beta1'],
  );
  const all = a.fixEdits('file:///ws/np.yaml', {
    kind: 'rewrite-api-version',
    title: 't',
    data: { newValue: 'networking.k8s.io/v1' },
  });
  const after3 = applyToTexts(new Map([['file:///ws/np.yaml', text]]), all).get('file:///ws/np.yaml') ?? '';
  assert.deepEqual(
    (assertParses(after3) as Array<{ apiVersion: string }>).map((d) => d.apiVersion),
    ['networking.k8s.io/v1', 'networking.k8s.io/v1'],
  );
  assertOnlyInsertedOrRewritten(text, after3, 2);
});

test('source action: Generate default-deny policy for this namespace, appended or as a new file', () => {
  const texts = new Map([['file:///ws/app/pod.yaml', POD('app')]]);
  const a = analyse(texts, resolveSettings({ reportUnisolatedWorkloads: true }));
  const specs = a.sourceFixes('file:///ws/app/pod.yaml');
  assert.deepEqual(
    specs.map((s) => s.title),
    [
      'Generate default-deny policy for namespace app (append to this file)',
      'Generate default-deny policy for namespace app (new file)',
    ],
  );
  const [append, newFile] = specs as [FixSpec, FixSpec];
  const e1 = a.fixEdits('file:///ws/app/pod.yaml', append);
  const after = applyToTexts(texts, e1);
  const added = assertOnlyInsertedOrRewritten(POD('app'), after.get('file:///ws/app/pod.yaml') ?? '');
  assert.equal(added[0], '---');
  const docs = assertParses(after.get('file:///ws/app/pod.yaml') ?? '');
  assert.deepEqual(docs[1], {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny-ingress', namespace: 'app' },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
  });
  const re = analyse(after, resolveSettings({ reportUnisolatedWorkloads: true }));
  assert.equal(re.findings().filter((x) => x.code === 'workload-not-isolated').length, 0);
  assert.deepEqual(re.sourceFixes('file:///ws/app/pod.yaml'), [], 'no second default-deny offered');
  const e2 = a.fixEdits('file:///ws/app/pod.yaml', newFile);
  assert.equal(e2.length, 1);
  assert.equal(e2[0]?.uri, 'file:///ws/app/default-deny-ingress-app.yaml');
  assert.equal(e2[0]?.create, true);
  assert.deepEqual(assertParses(e2[0]?.newText ?? '')[0], docs[1]);
});

test('lineDiff: one edit over whole lines', () => {
  assert.deepEqual(lineDiff('a\nb\nc\n', 'a\nb\nx\ny\nc\n'), {
    span: { start: 4, end: 4 },
    newText: 'x\ny\n',
  });
  assert.deepEqual(lineDiff('a\nb\nc\n', 'a\nB\nc\n'), { span: { start: 2, end: 4 }, newText: 'B\n' });
  assert.deepEqual(lineDiff('a\n  - x\n', 'a\n  - y\n  - x\n'), {
    span: { start: 2, end: 2 },
    newText: '  - y\n',
  });
  assert.deepEqual(lineDiff('abc', 'abc'), { span: { start: 3, end: 3 }, newText: '' });
});

test('lineHunks: one edit per run of changed lines', () => {
  assert.deepEqual(lineHunks('a\nb\nc\nd\n', 'a\nB\nc\nd\ne\n'), [
    { span: { start: 2, end: 4 }, newText: 'B\n' },
    { span: { start: 8, end: 8 }, newText: 'e\n' },
  ]);
  assert.deepEqual(lineHunks('x\n', 'x\n'), []);
  const a = 'k:\n  - a\n  - b\n  - c\n';
  const b = 'k:\n  - b\n  - c\n  - d\n';
  const hunks = lineHunks(a, b);
  let out = a;
  for (const h of [...hunks].reverse()) out = out.slice(0, h.span.start) + h.newText + out.slice(h.span.end);
  assert.equal(out, b);
  assert.equal(hunks.length, 2);
});
