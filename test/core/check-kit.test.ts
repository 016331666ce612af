/**
 * The check kit and its tidy tests (rust-analyzer's `tidy`): every registered check lives in the
 * file named after its code, has fixtures with a positive and a negative case and a docs section
 * that agrees with its definition; package.json's `netpolLens.checks` schema and the docs table are
 * what the definitions generate; and `defineCheck` fills in code and severity and refuses what its
 * meta does not declare.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ALL_CHECKS,
  ALL_CODES,
  CHECKS_TABLE_BEGIN,
  CHECKS_TABLE_END,
  checksDocTable,
  checksSettingSchema,
  resolveSettings,
  WorkspaceIndex,
} from '../../server/src/core/index';
import { defineCheck, defineCode, type CheckContext, type Report } from '../../server/src/core/checks/types';
import { FIXTURES } from '../support/check-fixtures';

const ROOT = join(__dirname, '..', '..', '..');
const CHECKS_SRC = join(ROOT, 'server', 'src', 'core', 'checks');
const CHECKS_OUT = join(ROOT, 'out', 'server', 'src', 'core', 'checks');
const DOC = readFileSync(join(ROOT, 'docs', 'checks.md'), 'utf8');
const FIX_COMMAND = 'npm run gen:contributions';
/** Modules of checks/ that are not checks. */
const SUPPORT = new Set(['contributions', 'k8s-syntax', 'registry', 'support', 'types']);

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
  });
}

/** The `## <code>` section of docs/checks.md, up to the next heading of level 1 or 2. */
function section(code: string): string | undefined {
  const m = new RegExp(`^## ${code}\\s*$([\\s\\S]*?)(?=^#{1,2} )`, 'm').exec(`${DOC}\n# end`);
  return m?.[1];
}

describe('tidy: every registered check', () => {
  it('lives in checks/<code>.ts, and every module there is a check or a listed support module', async () => {
    for (const c of ALL_CHECKS) {
      const mod = (await import(join(CHECKS_OUT, `${c.code}.js`))) as Record<string, unknown>;
      assert.ok(
        Object.values(mod).includes(c),
        `checks/${c.code}.ts does not export the check registered as ${c.code}`,
      );
    }
    const codes = new Set(ALL_CHECKS.map((c) => c.code));
    const strays = readdirSync(CHECKS_SRC)
      .map((f) => f.replace(/\.ts$/, ''))
      .filter((n) => !codes.has(n) && !SUPPORT.has(n));
    assert.deepEqual(
      strays,
      [],
      'modules in checks/ that are neither a registered check nor a support module',
    );
  });

  it('has test/fixtures/checks/<code>/ with a positive and a negative case', () => {
    const problems: string[] = [];
    for (const { code } of ALL_CHECKS) {
      const dir = join(FIXTURES, code);
      if (!existsSync(dir)) {
        problems.push(`${code}: no folder test/fixtures/checks/${code}/`);
        continue;
      }
      // documents of the fixtures, with their kind and whether an annotation expects the code there
      const docs = yamlFiles(dir)
        .flatMap((f) => readFileSync(f, 'utf8').split(/^---.*$/m))
        .map((d) => ({
          kind: /^kind:\s*(\S+)/m.exec(d)?.[1],
          positive: d.includes(`[${code}]`),
        }));
      const kinds = new Set(docs.filter((d) => d.positive).map((d) => d.kind));
      if (kinds.size === 0)
        problems.push(`${code}: no annotation "[${code}]" in its fixtures (positive case)`);
      else if (!docs.some((d) => !d.positive && kinds.has(d.kind))) {
        problems.push(
          `${code}: no ${[...kinds].join('/')} document without a "[${code}]" annotation (negative case)`,
        );
      }
    }
    assert.deepEqual(problems, []);
  });

  it('has a docs/checks.md section whose default severity agrees with its definition', () => {
    const problems: string[] = [];
    for (const m of ALL_CODES) {
      const s = section(m.code);
      if (s === undefined) {
        problems.push(`${m.code}: no "## ${m.code}" section`);
        continue;
      }
      const sev = /\*\*Default severity:\*\* ([a-z]+)/.exec(s)?.[1];
      if (sev !== m.defaultSeverity)
        problems.push(
          `${m.code}: the section says default severity ${sev ?? '(none)'}, the definition ${m.defaultSeverity}`,
        );
      for (const o of m.otherSeverities ?? [])
        if (!s.includes(o)) problems.push(`${m.code}: the section does not say when it is ${o}`);
    }
    assert.deepEqual(problems, []);
  });
});

describe('generated contributions', () => {
  it(`package.json's netpolLens.checks schema is the registry's (fix: ${FIX_COMMAND})`, () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      contributes: { configuration: { properties: Record<string, unknown> } };
    };
    assert.deepEqual(
      pkg.contributes.configuration.properties['netpolLens.checks'],
      checksSettingSchema(),
      `package.json is stale: run \`${FIX_COMMAND}\``,
    );
  });

  it(`docs/checks.md's table is the registry's, summaries included (fix: ${FIX_COMMAND})`, () => {
    const begin = DOC.indexOf(CHECKS_TABLE_BEGIN);
    const end = DOC.indexOf(CHECKS_TABLE_END);
    assert.ok(begin >= 0 && end > begin, 'docs/checks.md lost the markers of the generated table');
    assert.equal(
      DOC.slice(begin, end + CHECKS_TABLE_END.length),
      checksDocTable(),
      `docs/checks.md is stale: run \`${FIX_COMMAND}\``,
    );
  });

  it('lists every code once, with a summary', () => {
    const codes = ALL_CODES.map((m) => m.code);
    assert.equal(new Set(codes).size, codes.length, 'a code is registered twice');
    for (const m of ALL_CODES)
      assert.ok(m.summary.length > 20 && m.summary.endsWith('.'), `${m.code}: summary "${m.summary}"`);
  });
});

describe('defineCheck', () => {
  const ctx = (): CheckContext => {
    const index = WorkspaceIndex.empty();
    return { index, engine: undefined as never, settings: resolveSettings(undefined) };
  };
  const at = { uri: 'file:///x.yaml', span: { start: 0, end: 1 } };

  it('fills in the code and the default severity, and keeps a declared other severity', () => {
    const meta = defineCode({
      code: 'kit-test',
      defaultSeverity: 'warning',
      scope: 'file',
      otherSeverities: ['hint'],
      summary: 'A test check of the kit.',
    });
    const check = defineCheck(meta, (): Array<Report<typeof meta>> => [
      { ...at, message: 'a' },
      { ...at, message: 'b', severity: 'hint' },
    ]);
    assert.equal(check.code, 'kit-test');
    assert.deepEqual(
      check.run(ctx()).map((f) => [f.code, f.severity, f.message]),
      [
        ['kit-test', 'warning', 'a'],
        ['kit-test', 'hint', 'b'],
      ],
    );
  });

  it('overrides a code smuggled into a report', () => {
    const meta = defineCode({
      code: 'kit-test',
      defaultSeverity: 'error',
      scope: 'file',
      summary: 'A test check of the kit.',
    });
    const foreign = { ...at, message: 'm', code: 'other-code' };
    const check = defineCheck(meta, () => [foreign]);
    assert.deepEqual(
      check.run(ctx()).map((f) => f.code),
      ['kit-test'],
    );
  });

  it('refuses a severity or a fix kind its meta does not declare', () => {
    const meta = defineCode({
      code: 'kit-test',
      defaultSeverity: 'error',
      scope: 'file',
      summary: 'A test check of the kit.',
    });
    const sev = defineCheck(meta, () => [{ ...at, message: 'm', severity: 'hint' as never }]);
    assert.throws(() => sev.run(ctx()), /severity hint/);
    const fix = defineCheck(meta, () => [
      { ...at, message: 'm', fixes: [{ kind: 'merge-peers', title: 't' } as never] },
    ]);
    assert.throws(() => fix.run(ctx()), /fix kind merge-peers/);
  });
});
