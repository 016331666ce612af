import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import {
  appendToSequence,
  applyEdits,
  detectStyle,
  documentIndexAt,
  EditResult,
  removeNode,
  renderBlock,
  replaceEntry,
  replaceNode,
  setOrAppendInMap,
  TextEdit,
  YamlValue,
} from '../../server/src/core/yaml/edit';

/** Plain data from `toJS()`, changed in place by the cases. */
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Mapping = { [key: string]: Json };

function isMapping(node: Json | undefined): node is Mapping {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function at(node: Json | undefined, path: ReadonlyArray<string | number>): Json | undefined {
  let n = node;
  for (const k of path)
    n = typeof k === 'number' ? (Array.isArray(n) ? n[k] : undefined) : isMapping(n) ? n[k] : undefined;
  return n;
}

/** The mapping at `path` under `node` (fails the test if there is none). */
function map(node: Json | undefined, ...path: Array<string | number>): Mapping {
  const n = at(node, path);
  assert.ok(isMapping(n), `no mapping at ${path.join('.')}`);
  return n;
}

/** The sequence at `path` under `node` (fails the test if there is none). */
function seq(node: Json | undefined, ...path: Array<string | number>): Json[] {
  const n = at(node, path);
  assert.ok(Array.isArray(n), `no sequence at ${path.join('.')}`);
  return n;
}

interface Case {
  readonly name: string;
  readonly input: string;
  readonly edit: (text: string) => EditResult;
  /** The whole expected output. */
  readonly expected: string;
  /** The same change made to the data of the documents. */
  readonly change: (docs: Json[]) => void;
  /** How many lines of the input are rewritten or removed (all others must survive, in order). */
  readonly rewritten?: number;
}

const DNS_RULE = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
  ],
};

const DNS_KUBECTL = [
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
];

const lines = (...l: string[]): string => l.map((line) => `${line}\n`).join('');

const SEED = lines(
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata:',
  '  name: np-layer3',
  '  namespace: layer3',
  'spec:',
  "  # an empty podSelector selects every pod of the policy's namespace",
  '  podSelector: {}',
  '  policyTypes:',
  '  - Ingress',
  '  - Egress',
  '  ingress:',
  '  - from:',
  '    # allow traffic from layer1 and layer2',
  '    - namespaceSelector:',
  '        matchExpressions:',
  '        - key: role',
  '          operator: In',
  '          values: [layer1,layer2]',
  '  # no egress rules: all egress is denied',
);

/** The "Allow DNS egress" quick fix as its check would build it from these operations. */
function allowDnsEgress(text: string, docIndex: number): TextEdit[] {
  const spec = map(parseAllDocuments(text)[docIndex]?.toJS() as Json, 'spec');
  const results: EditResult[] = [];
  if (spec.policyTypes === undefined) {
    // Absent policyTypes means Ingress, plus Egress once there are egress rules: say so.
    results.push(
      setOrAppendInMap(text, docIndex, ['spec'], 'policyTypes', ['Ingress', 'Egress'], {
        after: 'podSelector',
      }),
    );
  } else if (!seq(spec, 'policyTypes').includes('Egress')) {
    results.push(appendToSequence(text, docIndex, ['spec', 'policyTypes'], 'Egress'));
  }
  results.push(appendToSequence(text, docIndex, ['spec', 'egress'], DNS_RULE, { after: 'ingress' }));
  return results.flatMap((r) => {
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return r.edits;
  });
}

/** Length of the longest common subsequence of two line arrays. */
function commonLines(a: readonly string[], b: readonly string[]): number {
  let row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const next = [0];
    b.forEach((y, j) => next.push(x === y ? (row[j] ?? 0) + 1 : Math.max(row[j + 1] ?? 0, next[j] ?? 0)));
    row = next;
  }
  return row[b.length] ?? 0;
}

/** Applies the case and checks the text, the data, and that untouched lines survive. */
function check(c: Case): void {
  const result = c.edit(c.input);
  assert.ok(result.ok, result.ok ? '' : result.reason);
  const output = applyEdits(c.input, result.edits);
  assert.equal(output, c.expected);
  const docs = parseAllDocuments(output);
  for (const doc of docs) assert.deepEqual(doc.errors, []);
  const data = parseAllDocuments(c.input).map((doc) => doc.toJS() as Json);
  c.change(data);
  assert.deepEqual(
    docs.map((doc) => doc.toJS() as unknown),
    data,
  );
  const before = c.input.split('\n');
  assert.equal(
    before.length - commonLines(before, output.split('\n')),
    c.rewritten ?? 0,
    'lines of the input changed',
  );
}

function cases(title: string, list: readonly Case[]): void {
  describe(title, () => {
    for (const c of list) it(c.name, () => check(c));
  });
}

cases('appendToSequence', [
  {
    name: 'kubectl-style block sequence: item at the dash column, nested sequences kubectl style',
    input: lines(
      'spec:',
      '  egress:',
      '  - to:',
      '    - ipBlock:',
      '        cidr: 10.0.0.0/8',
      '  ingress: []',
    ),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], DNS_RULE),
    expected: lines(
      'spec:',
      '  egress:',
      '  - to:',
      '    - ipBlock:',
      '        cidr: 10.0.0.0/8',
      ...DNS_KUBECTL,
      '  ingress: []',
    ),
    change: ([d]) => seq(d, 'spec', 'egress').push(DNS_RULE),
  },
  {
    name: 'indented block sequence: item at the dash column, nested sequences indented',
    input: lines('spec:', '  egress:', '    - to:', '        - ipBlock:', '            cidr: 10.0.0.0/8'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], DNS_RULE),
    expected: lines(
      'spec:',
      '  egress:',
      '    - to:',
      '        - ipBlock:',
      '            cidr: 10.0.0.0/8',
      '    - to:',
      '        - namespaceSelector:',
      '            matchLabels:',
      '              kubernetes.io/metadata.name: kube-system',
      '          podSelector:',
      '            matchLabels:',
      '              k8s-app: kube-dns',
      '      ports:',
      '        - protocol: UDP',
      '          port: 53',
      '        - protocol: TCP',
      '          port: 53',
    ),
    change: ([d]) => seq(d, 'spec', 'egress').push(DNS_RULE),
  },
  {
    name: 'four-space indentation is detected',
    input: lines(
      'spec:',
      '    podSelector:',
      '        matchLabels:',
      '            app: web',
      '    egress:',
      '    - ports:',
      '      - port: 443',
    ),
    edit: (t) =>
      appendToSequence(t, 0, ['spec', 'egress'], { to: [{ podSelector: { matchLabels: { app: 'db' } } }] }),
    expected: lines(
      'spec:',
      '    podSelector:',
      '        matchLabels:',
      '            app: web',
      '    egress:',
      '    - ports:',
      '      - port: 443',
      '    - to:',
      '      - podSelector:',
      '            matchLabels:',
      '                app: db',
    ),
    change: ([d]) => seq(d, 'spec', 'egress').push({ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }),
  },
  {
    name: 'block policyTypes gains - Egress',
    input: lines('spec:', '  policyTypes:', '  - Ingress', '  ingress: []'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'policyTypes'], 'Egress'),
    expected: lines('spec:', '  policyTypes:', '  - Ingress', '  - Egress', '  ingress: []'),
    change: ([d]) => seq(d, 'spec', 'policyTypes').push('Egress'),
  },
  {
    name: 'flow policyTypes [Ingress] gains Egress',
    input: lines('spec:', '  policyTypes: [Ingress] # both?', '  podSelector: {}'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'policyTypes'], 'Egress'),
    expected: lines('spec:', '  policyTypes: [Ingress, Egress] # both?', '  podSelector: {}'),
    change: ([d]) => seq(d, 'spec', 'policyTypes').push('Egress'),
    rewritten: 1,
  },
  {
    name: 'flow sequence keeps its padding and separator',
    input: lines('a: [ x, y ]', 'b: [x,y]'),
    edit: (t) => {
      const first = appendToSequence(t, 0, ['a'], 'z');
      const second = appendToSequence(t, 0, ['b'], 'z');
      return first.ok && second.ok ? { ok: true, edits: [...first.edits, ...second.edits] } : first;
    },
    expected: lines('a: [ x, y, z ]', 'b: [x,y,z]'),
    change: ([d]) => {
      seq(d, 'a').push('z');
      seq(d, 'b').push('z');
    },
    rewritten: 2,
  },
  {
    name: 'a collection appended to a non-empty flow sequence is written in flow style',
    input: lines('spec:', '  egress: [{}]'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], { ports: [{ port: 53, protocol: 'UDP' }] }),
    expected: lines('spec:', '  egress: [{}, {ports: [{port: 53, protocol: UDP}]}]'),
    change: ([d]) => seq(d, 'spec', 'egress').push({ ports: [{ port: 53, protocol: 'UDP' }] }),
    rewritten: 1,
  },
  {
    name: 'empty flow sequence and a scalar: stays flow',
    input: lines('spec:', '  policyTypes: []'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'policyTypes'], 'Egress'),
    expected: lines('spec:', '  policyTypes: [Egress]'),
    change: ([d]) => seq(d, 'spec', 'policyTypes').push('Egress'),
    rewritten: 1,
  },
  {
    name: 'empty flow sequence and a mapping: becomes a block sequence, comment kept on the key line',
    input: lines('spec:', '  egress: [] # deny all', '  ingress: []'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], DNS_RULE),
    expected: lines('spec:', '  egress: # deny all', ...DNS_KUBECTL, '  ingress: []'),
    change: ([d]) => seq(d, 'spec', 'egress').push(DNS_RULE),
    rewritten: 1,
  },
  {
    name: 'empty value becomes a block sequence',
    input: lines('spec:', '  egress:', '  ingress: []'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], DNS_RULE),
    expected: lines('spec:', '  egress:', ...DNS_KUBECTL, '  ingress: []'),
    change: ([d]) => (map(d, 'spec').egress = [DNS_RULE]),
  },
  {
    name: 'empty value with a comment, indented style detected from another key',
    input: lines('spec:', '  ingress:', '    - {}', '  egress: # none yet'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], { ports: [{ port: 53 }] }),
    expected: lines(
      'spec:',
      '  ingress:',
      '    - {}',
      '  egress: # none yet',
      '    - ports:',
      '        - port: 53',
    ),
    change: ([d]) => (map(d, 'spec').egress = [{ ports: [{ port: 53 }] }]),
  },
  {
    name: 'explicit null becomes a block sequence',
    input: lines('spec:', '  egress: null', '  ingress: []'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], { ports: [{ port: 53 }] }),
    expected: lines('spec:', '  egress:', '  - ports:', '    - port: 53', '  ingress: []'),
    change: ([d]) => (map(d, 'spec').egress = [{ ports: [{ port: 53 }] }]),
    rewritten: 1,
  },
  {
    name: 'missing key is created at the end of its mapping, before its trailing comment',
    input: lines('spec:', '  podSelector: {}', '  ingress:', '  - {}', '  # the end of spec', 'status: {}'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], { ports: [{ port: 53 }] }),
    expected: lines(
      'spec:',
      '  podSelector: {}',
      '  ingress:',
      '  - {}',
      '  egress:',
      '  - ports:',
      '    - port: 53',
      '  # the end of spec',
      'status: {}',
    ),
    change: ([d]) => (map(d, 'spec').egress = [{ ports: [{ port: 53 }] }]),
  },
  {
    name: 'missing key is created after a requested key',
    input: lines('spec:', '  ingress:', '  - {}', '  # selects every pod', '  podSelector: {}'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], 'x', { after: 'ingress' }),
    expected: lines(
      'spec:',
      '  ingress:',
      '  - {}',
      '  egress:',
      '  - x',
      '  # selects every pod',
      '  podSelector: {}',
    ),
    change: ([d]) => (map(d, 'spec').egress = ['x']),
  },
  {
    name: 'comments: inline and deeper ones stay with the last item, the next key keeps its own',
    input: lines(
      'spec:',
      '  egress:',
      '  # first rule',
      '  - to: [] # inline',
      '    # about the first rule',
      '  # about ingress',
      '  ingress: []',
    ),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], { ports: [{ port: 53 }] }),
    expected: lines(
      'spec:',
      '  egress:',
      '  # first rule',
      '  - to: [] # inline',
      '    # about the first rule',
      '  - ports:',
      '    - port: 53',
      '  # about ingress',
      '  ingress: []',
    ),
    change: ([d]) => seq(d, 'spec', 'egress').push({ ports: [{ port: 53 }] }),
  },
  {
    name: 'blank lines and the next document marker stay after the new item',
    input: lines('spec:', '  egress:', '  - {}', '', '# next', '---', 'kind: Namespace'),
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], 'x'),
    expected: lines('spec:', '  egress:', '  - {}', '  - x', '', '# next', '---', 'kind: Namespace'),
    change: ([d]) => seq(d, 'spec', 'egress').push('x'),
  },
  {
    name: 'second document: the first document and the marker stay byte-identical',
    input: lines(
      '# first',
      'kind: Namespace',
      'metadata: {name: a}',
      '---',
      'kind: NetworkPolicy',
      'spec:',
      '  egress:',
      '  - {}',
    ),
    edit: (t) => appendToSequence(t, 1, ['spec', 'egress'], 'x'),
    expected: lines(
      '# first',
      'kind: Namespace',
      'metadata: {name: a}',
      '---',
      'kind: NetworkPolicy',
      'spec:',
      '  egress:',
      '  - {}',
      '  - x',
    ),
    change: ([, d]) => seq(d, 'spec', 'egress').push('x'),
  },
  {
    name: 'CRLF file stays CRLF',
    input: 'spec:\r\n  egress:\r\n  - {}\r\n  ingress: []\r\n',
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], { ports: [{ port: 53 }] }),
    expected: 'spec:\r\n  egress:\r\n  - {}\r\n  - ports:\r\n    - port: 53\r\n  ingress: []\r\n',
    change: ([d]) => seq(d, 'spec', 'egress').push({ ports: [{ port: 53 }] }),
  },
  {
    name: 'file without a trailing newline stays without',
    input: 'spec:\n  egress:\n  - {}',
    edit: (t) => appendToSequence(t, 0, ['spec', 'egress'], { ports: [{ port: 53 }] }),
    expected: 'spec:\n  egress:\n  - {}\n  - ports:\n    - port: 53',
    change: ([d]) => seq(d, 'spec', 'egress').push({ ports: [{ port: 53 }] }),
  },
  {
    name: 'after a last item that is a block scalar',
    input: lines('args:', '- |', '  line one', '', '  line two', '', '# end'),
    edit: (t) => appendToSequence(t, 0, ['args'], 'x'),
    expected: lines('args:', '- |', '  line one', '', '  line two', '- x', '', '# end'),
    change: ([d]) => seq(d, 'args').push('x'),
  },
  {
    name: 'after a multi-line plain scalar',
    input: lines('notes:', '- a long', '  plain note', 'next: 1'),
    edit: (t) => appendToSequence(t, 0, ['notes'], 'b'),
    expected: lines('notes:', '- a long', '  plain note', '- b', 'next: 1'),
    change: ([d]) => seq(d, 'notes').push('b'),
  },
  {
    name: 'strings that would read as other types are quoted; existing quotes stay',
    input: lines('values:', "- 'true'", '- "53"'),
    edit: (t) => appendToSequence(t, 0, ['values'], { key: 'on: off', values: ['true', '53', 'null', '#x'] }),
    expected: lines(
      'values:',
      "- 'true'",
      '- "53"',
      '- key: "on: off"',
      '  values:',
      '  - "true"',
      '  - "53"',
      '  - "null"',
      '  - "#x"',
    ),
    change: ([d]) => seq(d, 'values').push({ key: 'on: off', values: ['true', '53', 'null', '#x'] }),
  },
]);

cases('setOrAppendInMap', [
  {
    name: 'inserts after a requested key, as a block sequence in the file style',
    input: lines('spec:', '  podSelector: {}', '  ingress:', '  - {}'),
    edit: (t) =>
      setOrAppendInMap(t, 0, ['spec'], 'policyTypes', ['Ingress', 'Egress'], { after: 'podSelector' }),
    expected: lines(
      'spec:',
      '  podSelector: {}',
      '  policyTypes:',
      '  - Ingress',
      '  - Egress',
      '  ingress:',
      '  - {}',
    ),
    change: ([d]) => (map(d).spec = { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{}] }),
  },
  {
    name: 'appends after the last entry when the requested key is absent',
    input: lines('metadata:', '  name: a', 'spec: {}'),
    edit: (t) => setOrAppendInMap(t, 0, ['metadata'], 'namespace', 'b', { after: 'generateName' }),
    expected: lines('metadata:', '  name: a', '  namespace: b', 'spec: {}'),
    change: ([d]) => (map(d, 'metadata').namespace = 'b'),
  },
  {
    name: 'after an entry with nested content and deeper comments',
    input: lines(
      'spec:',
      '  podSelector:',
      '    matchLabels:',
      '      app: a',
      '    # only app a',
      '  ingress: []',
    ),
    edit: (t) => setOrAppendInMap(t, 0, ['spec'], 'policyTypes', ['Ingress'], { after: 'podSelector' }),
    expected: lines(
      'spec:',
      '  podSelector:',
      '    matchLabels:',
      '      app: a',
      '    # only app a',
      '  policyTypes:',
      '  - Ingress',
      '  ingress: []',
    ),
    change: ([d]) =>
      (map(d).spec = { podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Ingress'], ingress: [] }),
  },
  {
    name: 'empty flow mapping becomes a block mapping',
    input: lines('spec:', '  podSelector: {}', '  ingress: []'),
    edit: (t) => setOrAppendInMap(t, 0, ['spec', 'podSelector'], 'matchLabels', { app: 'web' }),
    expected: lines('spec:', '  podSelector:', '    matchLabels:', '      app: web', '  ingress: []'),
    change: ([d]) => (map(d, 'spec', 'podSelector').matchLabels = { app: 'web' }),
    rewritten: 1,
  },
  {
    name: 'scalar into an empty flow mapping stays flow',
    input: lines('metadata: {}'),
    edit: (t) => setOrAppendInMap(t, 0, ['metadata'], 'name', 'web'),
    expected: lines('metadata: {name: web}'),
    change: ([d]) => (map(d, 'metadata').name = 'web'),
    rewritten: 1,
  },
  {
    name: 'non-empty flow mapping gains a flow entry',
    input: lines('podSelector: {matchLabels: {app: a}}'),
    edit: (t) =>
      setOrAppendInMap(t, 0, ['podSelector'], 'matchExpressions', [{ key: 'tier', operator: 'Exists' }]),
    expected: lines(
      'podSelector: {matchLabels: {app: a}, matchExpressions: [{key: tier, operator: Exists}]}',
    ),
    change: ([d]) => (map(d, 'podSelector').matchExpressions = [{ key: 'tier', operator: 'Exists' }]),
    rewritten: 1,
  },
  {
    name: 'empty value becomes a block mapping',
    input: lines('metadata:', 'spec: {}'),
    edit: (t) => setOrAppendInMap(t, 0, ['metadata'], 'name', 'web'),
    expected: lines('metadata:', '  name: web', 'spec: {}'),
    change: ([d]) => (map(d).metadata = { name: 'web' }),
  },
  {
    name: 'existing empty value receives a collection',
    input: lines('spec:', '  egress: # todo', '  ingress: []'),
    edit: (t) => setOrAppendInMap(t, 0, ['spec'], 'egress', [{ ports: [{ port: 53 }] }]),
    expected: lines('spec:', '  egress: # todo', '  - ports:', '    - port: 53', '  ingress: []'),
    change: ([d]) => (map(d, 'spec').egress = [{ ports: [{ port: 53 }] }]),
  },
  {
    name: 'existing scalar is replaced',
    input: lines('metadata:', '  name: "old" # keep', '  namespace: x'),
    edit: (t) => setOrAppendInMap(t, 0, ['metadata'], 'name', 'new'),
    expected: lines('metadata:', '  name: "new" # keep', '  namespace: x'),
    change: ([d]) => (map(d, 'metadata').name = 'new'),
    rewritten: 1,
  },
  {
    name: 'document root of a second document, before the next marker',
    input: lines('a: 1', '---', 'b: 2', '---', 'c: 3'),
    edit: (t) => setOrAppendInMap(t, 1, [], 'kind', 'NetworkPolicy'),
    expected: lines('a: 1', '---', 'b: 2', 'kind: NetworkPolicy', '---', 'c: 3'),
    change: ([, d]) => (map(d).kind = 'NetworkPolicy'),
  },
  {
    name: 'entry of a mapping in a sequence item',
    input: lines('egress:', '- to:', '  - podSelector: {}', '- {}'),
    edit: (t) => setOrAppendInMap(t, 0, ['egress', 0], 'ports', [{ port: 53, protocol: 'UDP' }]),
    expected: lines(
      'egress:',
      '- to:',
      '  - podSelector: {}',
      '  ports:',
      '  - port: 53',
      '    protocol: UDP',
      '- {}',
    ),
    change: ([d]) => (map(d, 'egress', 0).ports = [{ port: 53, protocol: 'UDP' }]),
  },
]);

cases('replaceNode', [
  {
    name: 'apiVersion, plain',
    input: lines('apiVersion: extensions/v1beta1 # removed in 1.16', 'kind: NetworkPolicy'),
    edit: (t) => replaceNode(t, 0, ['apiVersion'], 'networking.k8s.io/v1'),
    expected: lines('apiVersion: networking.k8s.io/v1 # removed in 1.16', 'kind: NetworkPolicy'),
    change: ([d]) => (map(d).apiVersion = 'networking.k8s.io/v1'),
    rewritten: 1,
  },
  {
    name: 'CIDR, double-quoted stays double-quoted',
    input: lines('ipBlock:', '  cidr: "10.0.1.1/4"'),
    edit: (t) => replaceNode(t, 0, ['ipBlock', 'cidr'], '0.0.0.0/4'),
    expected: lines('ipBlock:', '  cidr: "0.0.0.0/4"'),
    change: ([d]) => (map(d, 'ipBlock').cidr = '0.0.0.0/4'),
    rewritten: 1,
  },
  {
    name: 'single-quoted stays single-quoted',
    input: lines("except: ['10.0.1.1/4', 'x']"),
    edit: (t) => replaceNode(t, 0, ['except', 0], "it's"),
    expected: lines("except: ['it''s', 'x']"),
    change: ([d]) => (seq(d, 'except')[0] = "it's"),
    rewritten: 1,
  },
  {
    name: 'value under a quoted key',
    input: lines('matchLabels:', '  "kubernetes.io/metadata.name": kube-system'),
    edit: (t) => replaceNode(t, 0, ['matchLabels', 'kubernetes.io/metadata.name'], 'layer1'),
    expected: lines('matchLabels:', '  "kubernetes.io/metadata.name": layer1'),
    change: ([d]) => (map(d, 'matchLabels')['kubernetes.io/metadata.name'] = 'layer1'),
    rewritten: 1,
  },
  {
    name: 'port number',
    input: lines('ports:', '- port: 80', '  protocol: TCP'),
    edit: (t) => replaceNode(t, 0, ['ports', 0, 'port'], 8080),
    expected: lines('ports:', '- port: 8080', '  protocol: TCP'),
    change: ([d]) => (map(d, 'ports', 0).port = 8080),
    rewritten: 1,
  },
  {
    name: 'quoted number becomes a plain number when the new value is a number',
    input: lines('port: "80"'),
    edit: (t) => replaceNode(t, 0, ['port'], 8080),
    expected: lines('port: 8080'),
    change: ([d]) => (map(d).port = 8080),
    rewritten: 1,
  },
  {
    name: 'plain string that would read as another type gets quotes',
    input: lines('name: web'),
    edit: (t) => replaceNode(t, 0, ['name'], 'true'),
    expected: lines('name: "true"'),
    change: ([d]) => (map(d).name = 'true'),
    rewritten: 1,
  },
  {
    name: 'flow indicators are quoted inside a flow sequence',
    input: lines('values: [a, b]'),
    edit: (t) => replaceNode(t, 0, ['values', 1], 'b,c'),
    expected: lines('values: [a, "b,c"]'),
    change: ([d]) => (seq(d, 'values')[1] = 'b,c'),
    rewritten: 1,
  },
  {
    name: 'empty value before a comment',
    input: lines('port: # which?', 'protocol: TCP'),
    edit: (t) => replaceNode(t, 0, ['port'], 53),
    expected: lines('port: 53 # which?', 'protocol: TCP'),
    change: ([d]) => (map(d).port = 53),
    rewritten: 1,
  },
  {
    name: 'empty value at the end of a file without a trailing newline',
    input: 'protocol: TCP\nport:',
    edit: (t) => replaceNode(t, 0, ['port'], 53),
    expected: 'protocol: TCP\nport: 53',
    change: ([d]) => (map(d).port = 53),
    rewritten: 1,
  },
]);

cases('removeNode', [
  {
    name: 'kubectl-style item with its leading, inline and deeper comments',
    input: lines('egress:', '- to: [a]', '# second rule', '- to: [b] # b', '  # more about b', '- to: [c]'),
    edit: (t) => removeNode(t, 0, ['egress', 1]),
    expected: lines('egress:', '- to: [a]', '- to: [c]'),
    change: ([d]) => seq(d, 'egress').splice(1, 1),
    rewritten: 3,
  },
  {
    name: 'indented peer in the middle of a rule',
    input: lines(
      'ingress:',
      '  - from:',
      '      - podSelector: {}',
      '      - namespaceSelector:',
      '          matchLabels: {a: b}',
      '      - ipBlock: {cidr: 10.0.0.0/8}',
    ),
    edit: (t) => removeNode(t, 0, ['ingress', 0, 'from', 1]),
    expected: lines(
      'ingress:',
      '  - from:',
      '      - podSelector: {}',
      '      - ipBlock: {cidr: 10.0.0.0/8}',
    ),
    change: ([d]) => seq(d, 'ingress', 0, 'from').splice(1, 1),
    rewritten: 2,
  },
  {
    name: 'the only item leaves an empty sequence',
    input: lines('spec:', '  egress: # rules', '  - to: []', '  ingress: []'),
    edit: (t) => removeNode(t, 0, ['spec', 'egress', 0]),
    expected: lines('spec:', '  egress: [] # rules', '  ingress: []'),
    change: ([d]) => (map(d, 'spec').egress = []),
    rewritten: 2,
  },
  {
    name: 'map entry with nested content, the next key keeps its comment',
    input: lines('spec:', '  podSelector:', '    matchLabels:', '      a: b', '  # rules', '  ingress: []'),
    edit: (t) => removeNode(t, 0, ['spec', 'podSelector']),
    expected: lines('spec:', '  # rules', '  ingress: []'),
    change: ([d]) => delete map(d, 'spec').podSelector,
    rewritten: 3,
  },
  {
    name: 'first key of a compact mapping in a sequence item',
    input: lines('egress:', '- to:', '  - podSelector: {}', '  ports:', '  - port: 53'),
    edit: (t) => removeNode(t, 0, ['egress', 0, 'to']),
    expected: lines('egress:', '- ports:', '  - port: 53'),
    change: ([d]) => delete map(d, 'egress', 0).to,
    rewritten: 3,
  },
  {
    name: 'only key of a compact mapping leaves {}',
    input: lines('egress:', '- to: [] # none', '- {}'),
    edit: (t) => removeNode(t, 0, ['egress', 0, 'to']),
    expected: lines('egress:', '- {}', '- {}'),
    change: ([d]) => delete map(d, 'egress', 0).to,
    rewritten: 1,
  },
  {
    name: 'last line of a file without a trailing newline',
    input: 'policyTypes:\n- Ingress\n- Egress',
    edit: (t) => removeNode(t, 0, ['policyTypes', 1]),
    expected: 'policyTypes:\n- Ingress',
    change: ([d]) => seq(d, 'policyTypes').splice(1, 1),
    rewritten: 1,
  },
  {
    name: 'CRLF item',
    input: 'policyTypes:\r\n- Ingress\r\n- Egress\r\nspec: {}\r\n',
    edit: (t) => removeNode(t, 0, ['policyTypes', 0]),
    expected: 'policyTypes:\r\n- Egress\r\nspec: {}\r\n',
    change: ([d]) => seq(d, 'policyTypes').splice(0, 1),
    rewritten: 1,
  },
  {
    name: 'flow items: first, last, only',
    input: lines('a: [x, y, z]', 'b: {p: 1, q: 2}', 'c: [x]'),
    edit: (t) => {
      const edits = [removeNode(t, 0, ['a', 0]), removeNode(t, 0, ['b', 'q']), removeNode(t, 0, ['c', 0])];
      return { ok: true, edits: edits.flatMap((r) => (r.ok ? r.edits : [])) };
    },
    expected: lines('a: [y, z]', 'b: {p: 1}', 'c: []'),
    change: ([d]) => {
      seq(d, 'a').shift();
      delete map(d, 'b').q;
      map(d).c = [];
    },
    rewritten: 3,
  },
  {
    name: 'item of a second document',
    input: lines('a: [x]', '---', 'b:', '- x', '- y'),
    edit: (t) => removeNode(t, 1, ['b', 0]),
    expected: lines('a: [x]', '---', 'b:', '- y'),
    change: ([, d]) => seq(d, 'b').shift(),
    rewritten: 1,
  },
]);

describe('the "Allow DNS egress" quick fix', () => {
  const fix = (text: string): string => applyEdits(text, allowDnsEgress(text, 0));

  it('appends the rule to the seed policy, keeping every comment', () => {
    const output = fix(SEED);
    const expected = SEED.replace(
      '  # no egress rules',
      `  egress:\n${DNS_KUBECTL.join('\n')}\n  # no egress rules`,
    );
    assert.equal(output, expected);
    const [doc] = parseAllDocuments(output);
    assert.deepEqual(doc?.errors, []);
    assert.deepEqual(map(doc?.toJS() as Json, 'spec').egress, [DNS_RULE]);
    assert.equal(commonLines(SEED.split('\n'), output.split('\n')), SEED.split('\n').length);
  });

  it('adds Egress to flow policyTypes and appends to an existing egress', () => {
    const input = lines(
      'spec:',
      '  podSelector: {}',
      '  policyTypes: [Ingress]',
      '  egress:',
      '  - to:',
      '    - podSelector: {}',
      '  ingress: []',
    );
    assert.equal(
      fix(input),
      lines(
        'spec:',
        '  podSelector: {}',
        '  policyTypes: [Ingress, Egress]',
        '  egress:',
        '  - to:',
        '    - podSelector: {}',
        ...DNS_KUBECTL,
        '  ingress: []',
      ),
    );
  });

  it('creates policyTypes after podSelector and egress after ingress', () => {
    const input = lines('spec:', '  podSelector: {}', '  ingress:', '  - {}', 'status: {}');
    assert.equal(
      fix(input),
      lines(
        'spec:',
        '  podSelector: {}',
        '  policyTypes:',
        '  - Ingress',
        '  - Egress',
        '  ingress:',
        '  - {}',
        '  egress:',
        ...DNS_KUBECTL,
        'status: {}',
      ),
    );
  });

  it('leaves other documents alone', () => {
    const ns = lines(
      'apiVersion: v1',
      'kind: Namespace',
      'metadata:',
      '  name: layer3 # the policy lives here',
      '',
    );
    const input = `${ns}---\n${SEED}`;
    const output = applyEdits(input, allowDnsEgress(input, 1));
    assert.ok(output.startsWith(`${ns}---\n`));
    assert.equal(output.slice(ns.length + 4), fix(SEED));
  });
});

describe('failures return a reason and no edits', () => {
  const failures: readonly [string, EditResult, RegExp][] = [
    ['missing path', replaceNode(SEED, 0, ['spec', 'nope', 'x'], 1), /spec\.nope not found/],
    ['missing document', appendToSequence(SEED, 3, ['spec', 'egress'], 'x'), /no document #3/],
    ['syntax errors', appendToSequence('a: [b\nc: d\n', 0, ['a'], 'x'), /YAML errors/],
    ['alias', appendToSequence('x: &l [a]\ny: *l\n', 0, ['y'], 'b'), /alias/],
    ['anchored scalar', replaceNode('x: &v 1\ny: *v\n', 0, ['x'], 2), /anchor/],
    ['block scalar', replaceNode('x: |\n  text\n', 0, ['x'], 'y'), /block scalar/],
    ['not a sequence', appendToSequence(SEED, 0, ['spec', 'podSelector'], 'x'), /not a sequence/],
    ['not a mapping', setOrAppendInMap(SEED, 0, ['spec', 'policyTypes'], 'x', 1), /not a mapping/],
    [
      'collection already there',
      setOrAppendInMap(SEED, 0, ['spec'], 'ingress', []),
      /already holds a value that this one cannot replace/,
    ],
    ['document root', removeNode(SEED, 0, []), /root/],
    ['negative index', removeNode(SEED, 0, ['spec', 'policyTypes', -1]), /not found/],
    ['only entry of a document', removeNode('a: 1\n', 0, ['a']), /empty collection/],
    ['replacing a collection', replaceNode(SEED, 0, ['spec'], 1), /not a scalar/],
    [
      'removing an anchored node that is used',
      removeNode('a:\n- &x 1\n- *x\n', 0, ['a', 0]),
      /would not read back: Unresolved alias/,
    ],
  ];
  for (const [name, result, reason] of failures) {
    it(name, () => {
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }

  it('an existing equal value needs no edit', () => {
    assert.deepEqual(setOrAppendInMap(SEED, 0, ['metadata'], 'name', 'np-layer3'), { ok: true, edits: [] });
  });
});

describe('helpers', () => {
  it('renderBlock: nested sequences and mappings, both sequence styles', () => {
    const value: YamlValue = { a: [[1, 2], { b: null, c: {} }], d: 'x' };
    assert.deepEqual(renderBlock(value, 2, { indent: 2, indentSequences: false }), [
      '  a:',
      '  - - 1',
      '    - 2',
      '  - b: null',
      '    c: {}',
      '  d: x',
    ]);
    assert.deepEqual(renderBlock(value, 0, { indent: 4, indentSequences: true }), [
      'a:',
      '    - - 1',
      '      - 2',
      '    - b: null',
      '      c: {}',
      'd: x',
    ]);
    assert.deepEqual(renderBlock('multi\nline', 0, { indent: 2, indentSequences: false }), [
      '"multi\\nline"',
    ]);
  });

  it('detectStyle: document first, then the file, then defaults', () => {
    const text = lines('a:', '   b:', '      - 1', '---', 'c: 1');
    assert.deepEqual(detectStyle(text, 0), { indent: 3, indentSequences: true });
    assert.deepEqual(detectStyle(text, 1), { indent: 3, indentSequences: true });
    assert.deepEqual(detectStyle('c: 1\n', 0), { indent: 2, indentSequences: false });
  });

  it('documentIndexAt', () => {
    const text = lines('# lead', 'a: 1', '---', 'b: 2');
    assert.equal(documentIndexAt(text, 0), 0);
    assert.equal(documentIndexAt(text, text.indexOf('---')), 1);
    assert.equal(documentIndexAt(text, text.indexOf('b:')), 1);
    assert.equal(documentIndexAt('', 0), -1);
  });

  it('applyEdits: insertions at one offset keep their order; overlaps throw', () => {
    const edits: TextEdit[] = [
      { start: 1, end: 1, newText: 'x' },
      { start: 0, end: 1, newText: 'A' },
      { start: 1, end: 1, newText: 'y' },
    ];
    assert.equal(applyEdits('ab', edits), 'Axyb');
    assert.throws(
      () =>
        applyEdits('abc', [
          { start: 0, end: 2, newText: '' },
          { start: 1, end: 3, newText: '' },
        ]),
      RangeError,
    );
  });

  it('a byte-order mark does not shift the root column', () => {
    const result = setOrAppendInMap('\uFEFFa: 1\n', 0, [], 'b', 2);
    assert.ok(result.ok);
    assert.equal(applyEdits('\uFEFFa: 1\n', result.edits), '\uFEFFa: 1\nb: 2\n');
  });
});

describe('replaceEntry and set before a key', () => {
  const apply = (text: string, r: EditResult): string => {
    assert.ok(r.ok, r.ok ? '' : r.reason);
    return applyEdits(text, r.edits);
  };
  it('renames a block entry and rewrites its value in place, keeping the comments around it', () => {
    const text = [
      'spec:',
      '  # the ports',
      '  ports: # inline',
      '  - portNumber: {port: 80}',
      '  - namedPort: http # last',
      '  # after',
      '  name: x',
      '',
    ].join('\n');
    const out = apply(
      text,
      replaceEntry(text, 0, ['spec'], 'ports', 'protocols', [
        { tcp: { destinationPort: { number: 80 } } },
        { destinationNamedPort: 'http' },
      ]),
    );
    assert.equal(
      out,
      [
        'spec:',
        '  # the ports',
        '  protocols:',
        '  - tcp:',
        '      destinationPort:',
        '        number: 80',
        '  - destinationNamedPort: http # last',
        '  # after',
        '  name: x',
        '',
      ].join('\n'),
    );
  });
  it('keeps a flow value flow, and works in a compact mapping of a sequence item', () => {
    const text = 'rules:\n- ports: [{namedPort: http}]\n  action: Allow\n';
    const out = apply(
      text,
      replaceEntry(text, 0, ['rules', 0], 'ports', 'protocols', [{ destinationNamedPort: 'http' }]),
    );
    assert.equal(out, 'rules:\n- protocols: [{destinationNamedPort: http}]\n  action: Allow\n');
    const block = 'rules:\n- pods:\n    namespaces: {namespaceSelector: {}}\n  action: Allow\n';
    assert.equal(
      apply(
        block,
        replaceEntry(block, 0, ['rules', 0], 'pods', 'pods', { namespaceSelector: {}, podSelector: {} }),
      ),
      'rules:\n- pods:\n    namespaceSelector: {}\n    podSelector: {}\n  action: Allow\n',
    );
  });
  it('refuses to rename onto an existing key', () => {
    const text = 'a: 1\nb: 2\n';
    assert.equal(replaceEntry(text, 0, [], 'a', 'b', 3).ok, false);
  });
  it('inserts before a key, above the comment lines that introduce it', () => {
    const text = 'spec:\n  # who\n  subject: {}\n  egress: []\n';
    const out = apply(text, setOrAppendInMap(text, 0, ['spec'], 'tier', 'Baseline', { before: 'subject' }));
    assert.equal(out, 'spec:\n  tier: Baseline\n  # who\n  subject: {}\n  egress: []\n');
  });
});
