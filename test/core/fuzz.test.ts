/**
 * Deterministic mutation fuzzing of the core (issue 10): random deletions and insertions of
 * characters, line swaps, deleted lines, swapped indentation, truncated files and random bytes, over
 * the seed example, the check fixtures, the netpol-analyzer corpus and the real-world fixtures.
 * Every query must answer without throwing and without an internal-error finding, and every fix must
 * produce edits that apply. `npm test` runs a bounded number of cases; `npm run fuzz` runs
 * FUZZ_RUNS times as many (FUZZ_SEED picks another sequence). A failure names the seed, the case and
 * the file, and writes the mutated text to a temporary file: copy it into
 * test/fixtures/checks/robustness/ as a regression fixture.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisHost, type FileChange } from '../../server/src/core/index';
import { workspaces } from '../support/check-fixtures';
import { readTree } from '../support/load';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1) || 1);
const SEED = Number(process.env.FUZZ_SEED ?? 20261126) || 20261126;
const FIXTURES_DIR = join(__dirname, '..', '..', '..', 'test', 'fixtures');

/** sfc32 seeded PRNG: the same mutations on every run. */
function prng(seed: number): () => number {
  let a = seed,
    b = seed ^ 0x9e3779b9,
    c = seed ^ 0x85ebca6b,
    d = seed ^ 0xc2b2ae35;
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

const SNIPPETS = [
  '{',
  '}',
  '[',
  ']',
  ':',
  '- ',
  '  ',
  '\n',
  '#',
  '&a ',
  '*a',
  '"',
  "'",
  '{{ x }}',
  'podSelector: {}',
  'port: http',
  '\t',
  '---\n',
  'null',
  '0.0.0.0/0',
];

/** Characters a random-bytes mutation inserts: control characters, NUL, BOM, U+FFFD, astral, YAML indicators. */
const BYTES = [
  '\u0000',
  '\u0001',
  '\u001b',
  '\t',
  '\r',
  '\r\n',
  '\ufeff',
  '\ufffd',
  '\u2028',
  '😀',
  'é',
  '%',
  '@',
  '`',
  '!',
  '|',
  '>',
  '?',
  '&',
  '*',
];

function pick<T>(list: readonly T[], rnd: () => number): T {
  return list[Math.floor(rnd() * list.length)] as T;
}

/** One to three edits of these kinds: what a half-typed, half-pasted or damaged file looks like. */
function mutate(text: string, rnd: () => number): string {
  let t = text;
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const kind = rnd();
    const lines = t.split('\n');
    const line = Math.floor(rnd() * lines.length);
    if (kind < 0.2) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 12));
    else if (kind < 0.45) t = t.slice(0, at) + pick(SNIPPETS, rnd) + t.slice(at);
    else if (kind < 0.55) {
      const other = Math.floor(rnd() * lines.length);
      [lines[line], lines[other]] = [lines[other] ?? '', lines[line] ?? ''];
      t = lines.join('\n');
    } else if (kind < 0.67) {
      // deleted lines
      lines.splice(line, 1 + Math.floor(rnd() * 3));
      t = lines.join('\n');
    } else if (kind < 0.8) {
      // swapped indentation: a line takes another line's leading white space
      const other = lines[Math.floor(rnd() * lines.length)] ?? '';
      const indent = /^[ \t]*/.exec(other)?.[0] ?? '';
      lines[line] = indent + (lines[line] ?? '').replace(/^[ \t]*/, '');
      t = lines.join('\n');
    } else if (kind < 0.88) {
      // truncated
      t = t.slice(0, at);
    } else {
      // random bytes
      let junk = '';
      for (let k = 1 + Math.floor(rnd() * 8); k > 0; k--)
        junk += rnd() < 0.5 ? pick(BYTES, rnd) : String.fromCharCode(Math.floor(rnd() * 0x3000));
      t = t.slice(0, at) + junk + t.slice(at);
    }
  }
  return t;
}

/** Every manifest under a fixtures folder, one workspace per top-level entry (corpus, real world). */
function folderWorkspaces(root: string): FileChange[][] {
  let entries: string[];
  try {
    entries = readdirSync(root).sort();
  } catch {
    return [];
  }
  return entries
    .map((e) => join(root, e))
    .filter((p) => statSync(p).isDirectory())
    .map((p) => readTree(p))
    .filter((ws) => ws.length > 0);
}

test(`mutated manifests never break a query (seed ${SEED}, ${RUNS}× the cases)`, () => {
  const rnd = prng(SEED);
  const corpora: FileChange[][] = [
    readTree(join(__dirname, '..', '..', '..', 'examples')),
    ...workspaces().map((ws) => ws.files.map((f) => ({ uri: `file://${f}`, text: readFileSync(f, 'utf8') }))),
    ...folderWorkspaces(join(FIXTURES_DIR, 'corpus', 'netpol-analyzer')),
    ...folderWorkspaces(join(FIXTURES_DIR, 'realworld')),
  ];
  let runs = 0;
  const kept = new Map<string, string>();
  for (let round = 0; round < 2 * RUNS; round++) {
    for (const files of corpora) {
      const victim = files[Math.floor(rnd() * files.length)];
      if (!victim) continue;
      const text = mutate(victim.text ?? '', rnd);
      const where = `seed ${SEED}, round ${round}, ${victim.uri}`;
      const problem = (msg: string): string => {
        const dir = kept.get('dir') ?? mkdtempSync(join(tmpdir(), 'netpol-lens-fuzz-'));
        kept.set('dir', dir);
        const out = join(dir, `case-${runs}.yaml`);
        writeFileSync(out, text);
        return `${where}: ${msg} (the mutated text is in ${out})`;
      };
      let a;
      let findings;
      try {
        const host = new AnalysisHost();
        host.applyChanges(files);
        host.applyChanges([{ uri: victim.uri, text }]);
        a = host.snapshot();
        findings = a.findings();
      } catch (e) {
        assert.fail(problem(`the analysis threw ${String(e)}`));
      }
      assert.deepEqual(
        findings.filter((f) => f.code === 'internal-error').map((f) => f.message),
        [],
        problem('a check failed'),
      );
      try {
        for (let k = 0; k < 6; k++) {
          const off = Math.floor(rnd() * (text.length + 1));
          a.hover(victim.uri, off);
          a.completions(victim.uri, off);
          a.definition(victim.uri, off);
          a.references(victim.uri, off);
        }
        a.codeLenses(victim.uri);
        a.symbols(victim.uri);
        for (const f of findings)
          if (f.uri === victim.uri)
            for (const fix of f.fixes ?? [])
              for (const e of a.fixEdits(f.uri, fix))
                assert.ok(
                  e.span.start >= 0 && e.span.end >= e.span.start,
                  problem(`bad edit span for ${fix.title}`),
                );
        if (a.index.workloads.length <= 200) a.reachability();
      } catch (e) {
        if (e instanceof assert.AssertionError) throw e;
        assert.fail(problem(`a query threw ${String(e)}`));
      }
      runs++;
    }
  }
  assert.ok(runs > 200 * RUNS, `${runs} runs`);
  console.log(`fuzz: ${runs} mutated workspaces, seed ${SEED}`);
});
