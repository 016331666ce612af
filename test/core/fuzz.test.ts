/**
 * Deterministic mutation fuzzing of the core: random deletions, insertions and line swaps in the
 * check fixtures and the seed example; every query must answer without throwing and without an
 * internal-error finding, and every fix must produce edits that apply.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisHost } from '../../server/src/core/index';
import { workspaces } from '../support/check-fixtures';
import { readTree } from '../support/load';

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

function mutate(text: string, rnd: () => number): string {
  let t = text;
  const n = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rnd() * (t.length + 1));
    const kind = rnd();
    if (kind < 0.35) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 12));
    else if (kind < 0.8)
      t = t.slice(0, at) + (SNIPPETS[Math.floor(rnd() * SNIPPETS.length)] ?? '') + t.slice(at);
    else {
      const lines = t.split('\n');
      const i1 = Math.floor(rnd() * lines.length);
      const i2 = Math.floor(rnd() * lines.length);
      [lines[i1], lines[i2]] = [lines[i2] ?? '', lines[i1] ?? ''];
      t = lines.join('\n');
    }
  }
  return t;
}

test('mutated manifests never break a query', () => {
  const rnd = prng(20261126);
  const corpora = [
    readTree(join(__dirname, '..', '..', '..', 'examples')),
    ...workspaces().map((ws) => ws.files.map((f) => ({ uri: `file://${f}`, text: readFileSync(f, 'utf8') }))),
  ];
  let runs = 0;
  for (let round = 0; round < 4; round++) {
    for (const files of corpora) {
      const host = new AnalysisHost();
      host.applyChanges(files);
      const victim = files[Math.floor(rnd() * files.length)];
      if (!victim) continue;
      const text = mutate(victim.text ?? '', rnd);
      host.applyChanges([{ uri: victim.uri, text }]);
      const a = host.snapshot();
      const where = `${victim.uri} round ${round}`;
      const findings = a.findings();
      assert.deepEqual(
        findings.filter((f) => f.code === 'internal-error').map((f) => f.message),
        [],
        where,
      );
      for (let k = 0; k < 12; k++) {
        const off = Math.floor(rnd() * (text.length + 1));
        a.hover(victim.uri, off);
        a.completions(victim.uri, off);
        a.definition(victim.uri, off);
        a.references(victim.uri, off);
      }
      a.codeLenses(victim.uri);
      a.symbols(victim.uri);
      for (const f of findings)
        for (const fix of f.fixes ?? []) {
          for (const e of a.fixEdits(f.uri, fix)) {
            assert.ok(
              e.span.start >= 0 && e.span.end >= e.span.start,
              `${where}: bad edit span for ${fix.title}`,
            );
          }
        }
      a.reachability();
      runs++;
    }
  }
  assert.ok(runs > 40, `${runs} runs`);
});
