/**
 * Data-driven check tests: every folder under test/fixtures/checks/<code>/ that holds .yaml files is
 * one workspace (sub-folders are separate workspaces of the same code). All its files are analysed
 * together, then each file's findings of <code> are compared with its caret annotations (see
 * test/support/annotations.ts). A file without annotations asserts that <code> is absent.
 *
 * Per workspace folder (looked up in the folder, then in the code folder):
 * - `settings.json`: core Settings overrides (merged with the defaults by resolveSettings);
 * - a file named `all-codes`: compare findings of every code, not only <code>.
 * A finding with code `internal-error` (a check threw) always fails the test. Each workspace is also
 * analysed with its annotation lines removed: every finding must stay where it was (annotations are
 * comments and must not move what they annotate).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { AnalysisHost, ALL_CHECKS, PARSE_CODES, type FileChange } from '../../server/src/core/index';
import { FIXTURES, lookup, settingsFor, workspaces } from '../support/check-fixtures';
import {
  compareAnnotations,
  placeFindings,
  stripAnnotations,
  type PlacedFinding,
} from '../support/annotations';

const KNOWN_CODES = new Set<string>([
  ...ALL_CHECKS.map((c) => c.code),
  ...PARSE_CODES.map((c) => c.code),
  'invalid-field',
]);

describe('check fixtures', () => {
  for (const ws of workspaces()) {
    const name = relative(FIXTURES, ws.dir);
    it(name, (t) => {
      if (!KNOWN_CODES.has(ws.code) && ws.code !== 'robustness')
        t.diagnostic(`"${ws.code}" is not a registered check code`);
      const allCodes = lookup(ws, 'all-codes') !== undefined;
      const texts = new Map(ws.files.map((f) => [pathToFileURL(f).href, readFileSync(f, 'utf8')] as const));
      const changes: FileChange[] = [...texts].map(([uri, text]) => ({ uri, text }));
      const host = new AnalysisHost();
      host.setSettings(settingsFor(ws));
      host.applyChanges(changes);
      const analysis = host.snapshot();
      const findings = analysis.findings();
      const internal = findings.filter((f) => f.code === 'internal-error');
      assert.deepEqual(
        internal.map((f) => f.message),
        [],
        'a check threw',
      );
      const reports: string[] = [];
      for (const [uri, text] of texts) {
        const label = relative(join(FIXTURES, '..', '..', '..'), new URL(uri).pathname) || basename(uri);
        const c = compareAnnotations(
          text,
          analysis.findingsFor(uri),
          (code) => allCodes || code === ws.code,
          label,
        );
        if (!c.ok) reports.push(c.report);
      }
      if (reports.length) assert.fail(reports.join('\n\n'));

      // the same workspace without annotation lines: the same findings at the same places
      const stripped = new Map([...texts].map(([uri, text]) => [uri, stripAnnotations(text)] as const));
      const host2 = new AnalysisHost();
      host2.setSettings(settingsFor(ws));
      host2.applyChanges([...stripped].map(([uri, s]) => ({ uri, text: s.text })));
      const a2 = host2.snapshot();
      // messages may cite line numbers, so only places are compared
      const key = (p: PlacedFinding): string => `${p.line + 1}:${p.start}-${p.end} ${p.severity}[${p.code}]`;
      for (const [uri, text] of texts) {
        const s = stripped.get(uri);
        if (!s) continue;
        const before = placeFindings(analysis.findingsFor(uri), text).map(key);
        const after = placeFindings(a2.findingsFor(uri), s.text).map((p) =>
          key({ ...p, line: s.originalLine[p.line] ?? -1 }),
        );
        assert.deepEqual(
          after,
          before,
          `${basename(uri)}: removing the annotation lines moved or changed findings`,
        );
      }
    });
  }
});
