/** Tests of the fixture annotation harness itself: a wrong annotation must fail. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../server/src/core/index';
import { annotationFor, compareAnnotations, parseAnnotations } from '../support/annotations';

const TEXT = [
  'spec:', // 0
  '  ports:', // 1
  '  - port: 70000', // 2
  '#         ^^^^^ error[invalid-port] "outside"', // 3
  '    protocol: ICMP', // 4
  '#             ^^^^ error[invalid-port]', // 5
  '#             ^^^^ hint[other-code]', // 6
  '',
].join('\n');

const off = (line: number, col: number): number =>
  TEXT.split('\n')
    .slice(0, line)
    .reduce((n, l) => n + l.length + 1, 0) + col;

function finding(line: number, start: number, end: number, over: Partial<Finding> = {}): Finding {
  return {
    code: 'invalid-port',
    severity: 'error',
    uri: 'file:///x.yaml',
    message: 'port 70000 is outside 1-65535',
    span: { start: off(line, start), end: off(line, end) },
    ...over,
  };
}

const onlyPort = (c: string): boolean => c === 'invalid-port';

describe('annotation harness', () => {
  it('parses caret and explicit annotations against the nearest preceding non-annotation line', () => {
    const { annotations, malformed } = parseAnnotations(
      'a: b\n  c: d\n# @2..3 warning[x] "m \\"q\\""\n#   ^ hint[y]\n',
    );
    assert.deepEqual(malformed, []);
    assert.deepEqual(
      annotations.map((a) => [a.line, a.start, a.end, a.severity, a.code, a.message]),
      [
        [1, 2, 3, 'warning', 'x', 'm "q"'],
        [1, 4, 5, 'hint', 'y', undefined],
      ],
    );
  });

  it('accepts exactly matching findings', () => {
    const c = compareAnnotations(
      TEXT,
      [finding(2, 10, 15), finding(4, 14, 18, { message: 'protocol' })],
      onlyPort,
    );
    assert.equal(c.ok, true, c.report);
  });

  it('ignores codes that are not under test, and includes them when asked', () => {
    const other = finding(4, 14, 18, { code: 'other-code', severity: 'hint' });
    assert.equal(
      compareAnnotations(TEXT, [finding(2, 10, 15), finding(4, 14, 18), other], onlyPort).ok,
      true,
    );
    assert.equal(
      compareAnnotations(TEXT, [finding(2, 10, 15), finding(4, 14, 18), other], () => true).ok,
      true,
    );
    assert.equal(compareAnnotations(TEXT, [finding(2, 10, 15), finding(4, 14, 18)], () => true).ok, false);
  });

  it('fails on a wrong column, a wrong severity, a wrong message or a missing finding', () => {
    const wrongCol = compareAnnotations(TEXT, [finding(2, 9, 15), finding(4, 14, 18)], onlyPort);
    assert.equal(wrongCol.ok, false);
    assert.equal(wrongCol.missing.length, 1);
    assert.equal(wrongCol.unexpected.length, 1);
    assert.match(wrongCol.report, /expected but not reported/);
    assert.match(wrongCol.report, /reported but not annotated/);
    assert.match(wrongCol.report, /- port: 70000/);
    assert.equal(compareAnnotations(TEXT, [finding(2, 11, 15), finding(4, 14, 18)], onlyPort).ok, false);
    assert.equal(
      compareAnnotations(TEXT, [finding(2, 10, 15, { severity: 'warning' }), finding(4, 14, 18)], onlyPort)
        .ok,
      false,
    );
    assert.equal(
      compareAnnotations(TEXT, [finding(2, 10, 15, { message: 'nope' }), finding(4, 14, 18)], onlyPort).ok,
      false,
    );
    assert.equal(compareAnnotations(TEXT, [finding(4, 14, 18)], onlyPort).ok, false);
  });

  it('fails on an extra finding, and on any finding in a file without annotations', () => {
    assert.equal(
      compareAnnotations(TEXT, [finding(2, 10, 15), finding(4, 14, 18), finding(4, 4, 12)], onlyPort).ok,
      false,
    );
    const neg = compareAnnotations('a: 1\n', [{ ...finding(0, 0, 0), span: { start: 0, end: 1 } }], onlyPort);
    assert.equal(neg.ok, false);
    assert.match(neg.report, /# @0\.\.1 error\[invalid-port\]/);
  });

  it('counts duplicates: two annotations need two findings', () => {
    const text = 'a: 1\n#  ^ error[c]\n#  ^ error[c]\n';
    const f: Finding = { code: 'c', severity: 'error', uri: 'u', message: 'm', span: { start: 3, end: 4 } };
    assert.equal(compareAnnotations(text, [f], () => true).ok, false);
    assert.equal(compareAnnotations(text, [f, f], () => true).ok, true);
  });

  it('clips a multi-line span to the end of its first line', () => {
    const text = 'spec:\n  podSelector:   \n    app: x\n#   ^^^^^^^^^^^^ error[c]\n';
    const f: Finding = { code: 'c', severity: 'error', uri: 'u', message: 'm', span: { start: 8, end: 38 } };
    // the annotation is on the wrong line: line 2 vs the span starting on line 1
    assert.equal(compareAnnotations(text, [f], () => true).ok, false);
    const text2 = 'spec:\n  podSelector:   \n# ^^^^^^^^^^^^ error[c]\n    app: x\n';
    assert.equal(compareAnnotations(text2, [f], () => true).ok, true);
  });

  it('reports malformed annotations', () => {
    const c = compareAnnotations('a: 1\n#  ^ eror[c]\n', [], () => true);
    assert.equal(c.ok, false);
    assert.equal(c.malformed.length, 1);
    assert.equal(parseAnnotations('#  ^ error[c]\na: 1\n').malformed.length, 1);
  });

  it('suggests an annotation for an unannotated finding', () => {
    assert.equal(
      annotationFor({ start: 10, end: 15, severity: 'error', code: 'x' }, '  - port: 70000'),
      '  #       ^^^^^ error[x]',
    );
    assert.equal(annotationFor({ start: 1, end: 3, severity: 'hint', code: 'x' }, ' ab'), '#^^ hint[x]');
    assert.equal(
      annotationFor({ start: 0, end: 4, severity: 'hint', code: 'x' }, 'spec:'),
      '# @0..4 hint[x]',
    );
  });
});
