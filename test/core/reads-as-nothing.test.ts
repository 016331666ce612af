/**
 * readsAsNothing (core/yaml/parse.ts): the files an adapter may leave out of the index, because
 * parseFile reads nothing from them and reports nothing about them. A manifest, a blank or
 * comments-only file (its empty-file hint) and a binary one (its unreadable-file) are kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFile, readsAsNothing } from '../../server/src/core/yaml/parse';

const MANIFEST = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n';
const CASES: Array<[string, string, boolean]> = [
  ['a manifest', MANIFEST, false],
  ['a manifest after comments and a marker', '# c\n---\n' + MANIFEST, false],
  ['a binary manifest', MANIFEST + '\u0000', false],
  ['an empty file', '', false],
  ['comments and markers only', '# only\n---\n...\n  # indented\r\n', false],
  ['binary data', 'PK\u0003\u0004\u0000\u0000 data', false],
  ['YAML without kind and apiVersion', 'foo: bar\nlist: [1, 2]\n', true],
  ['kind without apiVersion', 'kind: x\n', true],
  ['a word containing kind', 'kindly: yes\napiVersions: 2\n', true],
];

test('readsAsNothing: its truth table, and parseFile reports nothing on what it leaves out', () => {
  for (const [what, text, expected] of CASES) {
    assert.equal(readsAsNothing(text), expected, what);
    if (expected) assert.deepEqual(parseFile('file:///w/f.yaml', text).problems, [], what);
  }
});

test('above the size limit, only whether its beginning looks like a manifest', () => {
  const big = 'x: ' + 'y'.repeat(200) + '\n';
  assert.equal(readsAsNothing(big.repeat(100), { maxFileBytes: 1000 }), true);
  assert.equal(readsAsNothing(MANIFEST + big.repeat(100), { maxFileBytes: 1000 }), false);
});
