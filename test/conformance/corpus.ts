/**
 * The netpol-analyzer corpus (../shared/corpus/netpol-analyzer): our workload-to-workload
 * connections printed in its txt format, and its expected lines filtered the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatConns } from '../../server/src/core/index';
import { analyseTree } from '../support/load';

export const CORPUS = join(__dirname, '..', '..', '..', '..', 'shared', 'corpus', 'netpol-analyzer');

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

export function expectedLines(c: CorpusCase): string[] {
  const text = readFileSync(join(CORPUS, c.expected), 'utf8');
  return text.split('\n').filter((l) => {
    const m = /^(\S+) => (\S+) : /.exec(l);
    return m !== null && isWorkload(m[1] ?? '') && isWorkload(m[2] ?? '');
  });
}

export function actualLines(c: CorpusCase): string[] {
  const a = analyseTree(join(CORPUS, c.input));
  return a.reachability({ externals: false }).entries
    .map((e) => `${e.src.id} => ${e.dst.id} : ${formatConns(e.conns.toConns())}`)
    .sort();
}
