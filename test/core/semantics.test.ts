/** Every bullet of semantics.md as a truth table (test/fixtures/semantics). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatConns } from '../../server/src/core/index';
import { analyseTexts } from '../support/load';
import { loadSemanticsFixtures, parseFixture } from '../support/semantics-fixtures';

for (const fx of loadSemanticsFixtures()) {
  test(`semantics: ${fx.name}`, () => {
    assert.ok(fx.expectations.length > 0, `${fx.name} has no expectations`);
    const a = analyseTexts({ [fx.name]: fx.text });
    const failures: string[] = [];
    for (const e of fx.expectations) {
      const r = a.explain(e.src, e.dst, e.port);
      if (!r.ok) {
        failures.push(`line ${e.line}: ${r.error}`);
        continue;
      }
      const x = r.explanation;
      if (e.kind === 'verdict' && x.allowed !== e.allow) {
        failures.push(
          `line ${e.line}: ${e.src} -> ${e.dst} ${e.port ? `${e.port.port}/${e.port.protocol}` : 'any'}: expected ${e.allow ? 'allow' : 'deny'}, got ${x.allowed ? 'allow' : 'deny'}\n    ${x.summary.join('\n    ')}`,
        );
      }
      if (e.kind === 'conns') {
        const got = formatConns(x.conns);
        if (got !== e.conns)
          failures.push(`line ${e.line}: ${e.src} -> ${e.dst}: expected ${e.conns}, got ${got}`);
      }
    }
    assert.deepEqual(failures, []);
  });
}

test('semantics fixtures: the parser reads matrices and expectations', () => {
  const fx = parseFixture(
    't.yaml',
    [
      '# matrix 80/TCP',
      '#         x/a x/b',
      '# x/a     X   .',
      '# expect x/a[Pod] -> x/b[Pod] any deny',
      '# conns x/a[Pod] -> x/b[Pod] TCP 80',
    ].join('\n'),
  );
  assert.deepEqual(
    fx.expectations.map((e) => [e.kind, e.src, e.dst, e.allow ?? e.conns]),
    [
      ['verdict', 'x/a[Pod]', 'x/a[Pod]', true],
      ['verdict', 'x/a[Pod]', 'x/b[Pod]', false],
      ['verdict', 'x/a[Pod]', 'x/b[Pod]', false],
      ['conns', 'x/a[Pod]', 'x/b[Pod]', 'TCP 80'],
    ],
  );
});

test('semantics fixtures: a wrong expectation fails', () => {
  const fx = parseFixture('t.yaml', '# base: xyz\n# expect x/a[Pod] -> x/b[Pod] 80/TCP deny\n');
  const a = analyseTexts({ 't.yaml': fx.text });
  const r = a.explain('x/a[Pod]', 'x/b[Pod]', { port: 80, protocol: 'TCP' });
  assert.ok(
    r.ok && r.explanation.allowed,
    'no policy: allowed, so the fixture expectation "deny" would fail',
  );
});
