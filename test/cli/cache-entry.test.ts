/**
 * The facts cache's entries (fs/facts-cache.ts encodeEntry / decodeEntry): JSON where JSON says
 * the same value, properties held as `undefined` listed and set again; v8 data for what JSON
 * cannot say; a decoded entry is the value encoded, own keys included. A corrupt list of
 * `undefined` properties is refused, never followed to a prototype.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { entryCodec } from '../support/cache-file';

const { encodeEntry, decodeEntry } = entryCodec();
const JSON_TAG = '['.charCodeAt(0);

// values like lowered facts: records with optional (undefined) fields, arrays, spans, strings
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.boolean(),
  fc.constant(null),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), fc.option(tie('value'), { nil: undefined }), {
      maxKeys: 5,
      noNullPrototype: true,
    }),
  ),
}));

test('JSON-safe values: stored as JSON and read back the same, undefined properties included', () => {
  fc.assert(
    fc.property(value, (v) => {
      const buf = encodeEntry(v);
      assert.equal(buf[0], JSON_TAG);
      assert.deepStrictEqual(decodeEntry(buf), v);
    }),
    { numRuns: 300 },
  );
  const facts = {
    uri: 'file:///a.yaml',
    version: undefined,
    resources: [{ egress: undefined, ports: [{ endPort: undefined }] }],
  };
  const back = decodeEntry(encodeEntry(facts)) as typeof facts;
  assert.deepStrictEqual(back, facts);
  assert.ok('version' in back && 'endPort' in back.resources[0]!.ports[0]!);
});

test('what JSON cannot say is v8 data, and read back the same', () => {
  for (const v of [
    { port: Number.NaN },
    { n: -0 },
    { n: Number.POSITIVE_INFINITY },
    { list: [1, undefined, 2] },
    // eslint-disable-next-line no-sparse-arrays -- a hole
    { list: [1, , 2] },
    { when: new Date(0) },
    { m: new Map([['a', 1]]) },
    { big: 1n },
  ]) {
    const buf = encodeEntry(v);
    assert.notEqual(buf[0], JSON_TAG, JSON.stringify(Object.keys(v)));
    assert.deepStrictEqual(decodeEntry(buf), v);
  }
});

test('a corrupt entry is refused: malformed JSON, a list that leaves the value or reaches a prototype', () => {
  const bad = [
    '[[], {"a": 1',
    '[{"not": "a list"}, {}]',
    '[[["missing", "x"]], {}]',
    '[[["__proto__", "polluted"]], {}]',
    '[[["a", "__proto__"]], {"a": {}}]',
    '[[[]], {}]',
    '[[["s", "x"]], {"s": "text"}]',
  ];
  for (const text of bad) assert.throws(() => decodeEntry(Buffer.from(text)), text);
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});
