/**
 * The reachability diff against netpol-analyzer's own diff outputs (test/fixtures/corpus/netpol-analyzer-diff,
 * see its README.md): for every pair of plain corpus cases upstream compared, the same ordered pairs
 * change, with the same connections before and after. External ranges are compared address range
 * by address range: each of our ranges (cut at both sides' ipBlocks) must lie inside one upstream
 * range and carry its change, and every upstream range must be covered by ours.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatConns, reachDiff, type Endpoint } from '../../server/src/core/index';
import { parseRange } from '../../server/src/core/semantics/ip-set';
import { analyseTree } from '../support/load';
import { CORPUS } from './corpus';

const DIFFS = join(CORPUS, '..', 'netpol-analyzer-diff');

/** `diff_between_<new>_and_<old>.txt` (upstream's ref1 is the old side, ref2 the new one). */
function pairs(): Array<{ file: string; old: string; new: string }> {
  const cases = readdirSync(CORPUS).filter((n) => !n.includes('.'));
  const out: Array<{ file: string; old: string; new: string }> = [];
  for (const file of readdirSync(DIFFS).filter((f) => f.endsWith('.txt'))) {
    const body = file.replace(/^diff_between_/, '').replace(/\.txt$/, '');
    const splits = cases.filter(
      (c) => body.startsWith(`${c}_and_`) && cases.includes(body.slice(c.length + 5)),
    );
    assert.equal(splits.length, 1, `${file}: which cases it compares`);
    const n = splits[0] as string;
    out.push({ file, new: n, old: body.slice(n.length + 5) });
  }
  return out;
}

interface Line {
  src: string;
  dst: string;
  before: string;
  after: string;
}

function upstreamLines(file: string): Line[] {
  const out: Line[] = [];
  for (const l of readFileSync(join(DIFFS, file), 'utf8').split('\n')) {
    const m =
      /^diff-type: \w+, source: (.*?), destination: (.*?), ref1: (.*?), ref2: (.*?)(?:, workloads-diff-info: .*)?$/.exec(
        l,
      );
    if (!m) continue;
    const [, src, dst, before, after] = m as unknown as [string, string, string, string, string];
    if (src.includes('{ingress-controller}') || dst.includes('{ingress-controller}')) continue;
    out.push({ src, dst, before, after });
  }
  return out;
}

const ext = (id: string): string | undefined =>
  id.endsWith('[External]') ? id.slice(0, -'[External]'.length) : undefined;

const within = (inner: Endpoint, outer: string): boolean => {
  const r = parseRange(outer);
  return (
    inner.kind === 'external' &&
    !!r &&
    r.family === inner.range.family &&
    r.lo <= inner.range.lo &&
    inner.range.hi <= r.hi
  );
};

test('diff agrees with netpol-analyzer on every plain corpus pair it compared', () => {
  const all = pairs();
  assert.ok(all.length >= 15, `${all.length} pairs`);
  const summary: string[] = [];
  for (const p of all) {
    const before = analyseTree(join(CORPUS, p.old, 'input'));
    const after = analyseTree(join(CORPUS, p.new, 'input'));
    const d = reachDiff(before.engine, after.engine);
    const ours = new Map(
      d.changes.map((c) => [
        `${c.src.id} ${c.dst.id}`,
        `${formatConns(c.before.isEmpty ? 'none' : c.before.toConns())} → ${formatConns(c.after.isEmpty ? 'none' : c.after.toConns())}`,
      ]),
    );
    const externals = d.endpoints.filter((e) => e.kind === 'external');
    // upstream lines expanded onto our ranges
    const expected = new Map<string, string>();
    for (const l of upstreamLines(p.file)) {
      const expand = (id: string): string[] => {
        const r = ext(id);
        if (r === undefined) return [id];
        const inside = externals.filter((e) => within(e, r)).map((e) => e.id);
        assert.ok(inside.length > 0, `${p.file}: no range of ours inside ${r}`);
        return inside;
      };
      for (const s of expand(l.src))
        for (const t of expand(l.dst)) expected.set(`${s} ${t}`, `${l.before} → ${l.after}`);
    }
    const missing = [...expected].filter(([k]) => !ours.has(k));
    const extra = [...ours].filter(([k]) => !expected.has(k));
    const differing = [...expected].filter(([k, v]) => ours.has(k) && ours.get(k) !== v);
    assert.deepEqual(
      {
        missing: missing.slice(0, 5),
        extra: extra.slice(0, 5),
        differing: differing.slice(0, 5).map(([k, v]) => `${k}: upstream ${v}, ours ${ours.get(k)}`),
      },
      { missing: [], extra: [], differing: [] },
      `${p.old} → ${p.new} (${p.file})`,
    );
    summary.push(`${p.old} → ${p.new}: ${ours.size}`);
  }
  assert.ok(summary.some((s) => !s.endsWith(': 0')));
});
