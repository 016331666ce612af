/**
 * Documents as kubectl reads them (core/yaml/documents.ts): `---` lines always end a document, and
 * go-yaml's indentation leniencies are read through a re-indented copy parsed by the `yaml`
 * package, with every span mapped back to the original text.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { visit } from 'yaml';
import { readDocuments } from '../../server/src/core/yaml/documents';
import { analyseTexts } from '../support/load';

const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: after, namespace: shop}
spec: {podSelector: {}}
`;

/** Every plain scalar's span holds exactly its text. */
function spansHold(text: string, docs: ReturnType<typeof readDocuments>['docs']): void {
  for (const d of docs) {
    visit(d, {
      Scalar(_, s) {
        if (s.type === 'PLAIN' && typeof s.value === 'string' && s.range)
          assert.equal(text.slice(s.range[0], s.range[1]), s.value);
      },
    });
  }
}

describe('document boundaries', () => {
  it('a quote left open does not swallow the documents after a --- line', () => {
    const text = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  a: 'never closed\n---\n${POLICY}`;
    const a = analyseTexts({ 'f.yaml': text });
    assert.deepEqual(
      a.index.policies.map((p) => p.name.value),
      ['after'],
    );
    const errors = a.findings().filter((f) => f.code === 'yaml-syntax-error');
    assert.ok(
      errors.length > 0 && errors.every((f) => f.span.start < text.indexOf('---')),
      'the error stays in the broken document',
    );
    const r = readDocuments(text);
    assert.equal(r.docs.length, 2);
    spansHold(text, r.docs);
  });

  it('a clean file is parsed once, as the yaml package does', () => {
    const text = `${POLICY}---\n${POLICY}`;
    const r = readDocuments(text);
    assert.equal(r.docs.length, 2);
    assert.equal(r.lenient.size, 0);
  });
});

describe("go-yaml's leniencies", () => {
  const quoted = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    x: '[\n      {"a": 1}\n    ]'\n    y: z\nspec: {}\n---\n${POLICY}`;

  it('a quoted continuation line at its key depth: the value is the one kubectl reads, spans are original', () => {
    const r = readDocuments(quoted);
    assert.equal(r.docs.length, 2);
    assert.deepEqual([...r.lenient.keys()], [0]);
    assert.equal(r.lenient.get(0)?.kind, 'quoted-continuation');
    assert.equal(r.lenient.get(0)?.lines[0], quoted.indexOf("]'"));
    const js = r.docs[0]?.toJS() as { metadata: { annotations: Record<string, string> } };
    assert.deepEqual(js.metadata.annotations, { x: '[ {"a": 1} ]', y: 'z' });
    spansHold(quoted, r.docs);
    assert.equal(r.docs[0]?.range[0], 0);
    assert.equal(r.docs[1]?.range[0], quoted.indexOf('---'));
  });

  it('a TAB at the start of a flow sequence line', () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - args:\n      [\n        "-a",\n\t"-b",\n      ]\n    name: c\n';
    const r = readDocuments(text);
    assert.equal(r.lenient.get(0)?.kind, 'flow-continuation');
    const js = r.docs[0]?.toJS() as { spec: { containers: Array<{ args: string[]; name: string }> } };
    assert.deepEqual(js.spec.containers[0], { args: ['-a', '-b'], name: 'c' });
    spansHold(text, r.docs);
  });

  const small: Record<string, [string, unknown]> = {
    'a TAB line in a flow mapping': ['a:\n  b: {\n    x: 1,\n\ty: 2\n  }\n', { a: { b: { x: 1, y: 2 } } }],
    'a quoted continuation at column 0': ["a:\n  b: 'x\ny'\nc: d\n", { a: { b: 'x y' }, c: 'd' }],
    'a flow continuation at column 0': ['a:\n  b: [1,\n2]\n', { a: { b: [1, 2] } }],
  };
  for (const [name, [text, data]] of Object.entries(small)) {
    it(name, () => {
      const r = readDocuments(text);
      assert.equal(r.lenient.size, 1);
      assert.deepEqual(
        r.docs.map((d): unknown => d.toJS()),
        [data],
      );
      spansHold(text, r.docs);
    });
  }

  it('other errors are not "fixed"', () => {
    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p\nspec: [\n`;
    const r = readDocuments(text);
    assert.equal(r.lenient.size, 0);
    assert.ok((r.docs[0]?.errors.length ?? 0) > 0);
  });

  it('the analysis reads a lenient document, and gives a hint', () => {
    const a = analyseTexts({ 'f.yaml': quoted });
    assert.deepEqual(a.findings().filter((f) => f.code === 'yaml-syntax-error').length, 0);
    const hint = a.findings().filter((f) => f.code === 'lenient-yaml');
    assert.deepEqual(
      hint.map((f) => [f.severity, quoted.slice(f.span.start, f.span.end)]),
      [['hint', "]'"]],
    );
    assert.match(hint[0]?.message ?? '', /other YAML tools reject it/);
    assert.deepEqual(
      a.index.policies.map((p) => p.name.value),
      ['after'],
    );
  });
});

describe('quick fixes and the kubectl reading', () => {
  // an extensions/v1beta1 policy offers "Rewrite apiVersion"; the Pod before it is lenient YAML
  const LENIENT_POD = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    x: '[\n    ]'\nspec: {}\n`;
  const OLD_POLICY = `apiVersion: extensions/v1beta1\nkind: NetworkPolicy\nmetadata: {name: old, namespace: shop}\nspec: {podSelector: {}}\n`;

  it('a fix in a document after a lenient one edits that document', () => {
    const text = `${LENIENT_POD}---\n${OLD_POLICY}`;
    const a = analyseTexts({ 'f.yaml': text });
    const f = a.findings().find((x) => x.code === 'deprecated-api-version');
    const fix = f?.fixes?.[0];
    assert.ok(fix, 'the fix is offered');
    const edits = a.fixEdits('file:///ws/f.yaml', fix);
    assert.equal(edits.length, 1);
    const e = edits[0]!;
    assert.ok(e.span.start > text.indexOf('---'), 'the edit is in the policy document');
    assert.equal(text.slice(e.span.start, e.span.end), 'extensions/v1beta1');
  });

  it('a fix in a lenient document is not offered as an edit', () => {
    const text = `${OLD_POLICY.replace('spec: {podSelector: {}}', "spec:\n  podSelector: {}\n  ingress:\n  - from:\n    - podSelector:\n        matchLabels: {app: 'a\n        b'}")}`;
    const a = analyseTexts({ 'f.yaml': text });
    assert.equal(
      a.findings().filter((x) => x.code === 'lenient-yaml').length,
      1,
      a
        .findings()
        .map((x) => x.code)
        .join(' '),
    );
    const fix = a.findings().find((x) => x.code === 'deprecated-api-version')?.fixes?.[0];
    assert.ok(fix);
    assert.deepEqual(a.fixEdits('file:///ws/f.yaml', fix), []);
  });
});
