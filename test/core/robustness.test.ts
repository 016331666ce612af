/**
 * Bad input never crashes the core. test/fixtures/checks/robustness/ holds wrong types everywhere,
 * aliases, a Helm template, an empty file and a YAML syntax error beside a valid policy:
 * - analysing it throws nothing, no check fails (`internal-error`), and every query answers;
 * - the codes its files annotate are reported exactly as annotated (other codes are not compared,
 *   so that new checks do not break this fixture);
 * - every prefix of every check fixture (cut at each line) analyses without throwing either.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisHost, type Finding } from '../../server/src/core/index';
import { compareAnnotations, parseAnnotations } from '../support/annotations';
import { FIXTURES, workspaces } from '../support/check-fixtures';

const DIR = join(FIXTURES, 'robustness');

function analyse(files: ReadonlyArray<{ uri: string; text: string }>): {
  findings: readonly Finding[];
  host: AnalysisHost;
} {
  const host = new AnalysisHost();
  host.applyChanges(files);
  const a = host.snapshot();
  const findings = a.findings();
  // every query answers on broken input too
  a.reachability();
  for (const w of a.index.workloads.slice(0, 3)) a.explain(w.id, w.id);
  a.explain('no/such[Pod]', '10.0.0.1');
  return { findings, host };
}

describe('robustness', () => {
  const files = readdirSync(DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({
      uri: pathToFileURL(join(DIR, f)).href,
      text: readFileSync(join(DIR, f), 'utf8'),
      name: f,
    }));

  it('analyses wrong input without throwing, and reports it where annotated', () => {
    const { findings } = analyse(files);
    assert.deepEqual(
      findings.filter((f) => f.code === 'internal-error').map((f) => f.message),
      [],
    );
    const reports: string[] = [];
    for (const f of files) {
      const codes = new Set(parseAnnotations(f.text).annotations.map((a) => a.code));
      const c = compareAnnotations(
        f.text,
        findings.filter((x) => x.uri === f.uri),
        (code) => codes.has(code),
        `robustness/${f.name}`,
      );
      if (!c.ok) reports.push(c.report);
    }
    if (reports.length) assert.fail(reports.join('\n\n'));
  });

  it('covers what it claims: syntax error, template, wrong types, and the valid policy beside the broken one', () => {
    const { findings } = analyse(files);
    const codesIn = (name: string): Set<string> =>
      new Set(findings.filter((f) => f.uri.endsWith(`/${name}`)).map((f) => f.code));
    assert.ok(codesIn('broken.yaml').has('yaml-syntax-error'));
    assert.ok(
      codesIn('broken.yaml').has('invalid-port'),
      'the valid document beside the broken one is analysed',
    );
    assert.ok(codesIn('helm.yaml').has('helm-template'));
    assert.ok(codesIn('wrong-types.yaml').has('invalid-field'));
    assert.deepEqual([...codesIn('empty.yaml')], ['empty-file']);
    assert.deepEqual([...codesIn('only-comments.yaml')], ['empty-file']);
  });

  it('analyses every line prefix of every check fixture without throwing', () => {
    for (const ws of workspaces()) {
      for (const path of ws.files) {
        const text = readFileSync(path, 'utf8');
        const cuts = [...text.matchAll(/\n/g)].map((m) => m.index ?? 0);
        for (const cut of [...cuts, Math.floor(text.length / 2) + 1]) {
          const { findings } = analyse([{ uri: pathToFileURL(path).href, text: text.slice(0, cut) }]);
          const internal = findings.filter((f) => f.code === 'internal-error');
          assert.deepEqual(
            internal.map((f) => f.message),
            [],
            `${path} cut at ${cut}`,
          );
        }
      }
    }
  });
});
