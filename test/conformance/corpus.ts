/**
 * The netpol-analyzer corpus (test/fixtures/corpus/netpol-analyzer, see its README.md): our workload-to-workload
 * connections printed in its txt format, and its expected lines filtered the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatConns, type Analysis } from '../../server/src/core/index';
import { analyseTree } from '../support/load';

export const CORPUS = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'corpus', 'netpol-analyzer');

export interface CorpusCase {
  name: string;
  category: string;
  input: string;
  expected: string;
}

export function corpusCases(categories: readonly string[]): CorpusCase[] {
  const idx = JSON.parse(readFileSync(join(CORPUS, 'index.json'), 'utf8')) as { cases: CorpusCase[] };
  return idx.cases.filter((c) => categories.includes(c.category));
}

const isWorkload = (peer: string): boolean => /\[[A-Za-z]+\]$/.test(peer) && !peer.endsWith('[External]');

/** Expected lines: workload-to-workload only, or (`withExternal`) also those with IP ranges. */
export function expectedLines(c: CorpusCase, withExternal = false): string[] {
  const text = readFileSync(join(CORPUS, c.expected), 'utf8');
  const keep = (peer: string): boolean => isWorkload(peer) || (withExternal && peer.endsWith('[External]'));
  return text.split('\n').filter((l) => {
    const m = /^(\S+) => (\S+) : /.exec(l);
    return m !== null && keep(m[1] ?? '') && keep(m[2] ?? '');
  });
}

/** Our listing in the corpus's format; `withExternal`: IP ranges cut per direction, as upstream does. */
export function actualLines(c: CorpusCase, withExternal = false): string[] {
  return listingLines(analyseTree(join(CORPUS, c.input)), withExternal);
}

/** An analysis's listing in the corpus's format. */
export function listingLines(a: Analysis, withExternal = false): string[] {
  const peer = (e: { kind: string; id: string }): string =>
    e.kind === 'external' ? `${e.id}[External]` : e.id;
  return a
    .reachability({ externals: withExternal ? 'per-direction' : false })
    .entries.map((e) => `${peer(e.src)} => ${peer(e.dst)} : ${formatConns(e.conns.toConns())}`)
    .sort();
}
