import { coverageNotes, explainText, type SourceRef } from '../../core/index';
import { UsageError } from '../load';
import { refLocation } from '../locations';
import { parseArgs } from '../args';
import { analyse, parsePortArg } from './common';

export function runExplain(argv: readonly string[]): number {
  const a = parseArgs(argv, ['format']);
  const [src, dst, portArg, ...paths] = a.positional;
  if (!src || !dst || !portArg)
    throw new UsageError('usage: explain <src-id> <dst-id> <port>/<protocol> <path>...');
  const port = portArg === 'any' ? undefined : parsePortArg(portArg);
  const analysis = analyse(paths);
  const r = analysis.explain(src, dst, port);
  if (!r.ok) throw new UsageError(r.error);
  const format = (a.flags.get('format') as string | undefined) ?? 'text';
  const loc = refLocation(analysis);
  const notes = coverageNotes(analysis.index);
  if (format === 'json') for (const n of notes) process.stderr.write(`netpol-lens: ${n}\n`);
  if (format === 'json')
    process.stdout.write(
      JSON.stringify(r.explanation, (k, v: unknown) => (k === 'ref' ? loc(v as SourceRef) : v), 2) + '\n',
    );
  else if (format === 'text') process.stdout.write(explainText(r.explanation, loc, notes));
  else throw new UsageError(`unknown format "${format}"; expected text or json`);
  return r.explanation.allowed ? 0 : 1;
}
