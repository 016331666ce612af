import { coverageNotes, explainText, type SourceRef } from '../../core/index';
import { UsageError } from '../load';
import { refLocation } from '../locations';
import { parseArgs } from '../args';
import {
  analyse,
  CACHE_FLAG,
  oneRoot,
  openCache,
  parsePortArg,
  settingsFromFlags,
  SETTINGS_BOOLEANS,
  SETTINGS_FLAGS,
} from './common';

export function runExplain(argv: readonly string[]): number {
  const a = parseArgs(argv, ['format', ...SETTINGS_FLAGS, CACHE_FLAG], SETTINGS_BOOLEANS);
  const [src, dst, portArg, ...paths] = a.positional;
  if (!src || !dst || !portArg)
    throw new UsageError('usage: explain <src-id> <dst-id> <port>/<protocol> <path>...');
  const port = portArg === 'any' ? undefined : parsePortArg(portArg);
  const clusters = a.lists.get('cluster') ?? [];
  const cache = openCache(a);
  const workspace = analyse(paths, settingsFromFlags(a), clusters, cache);
  cache?.save();
  // several roots: the one that knows both endpoints, or the one --cluster names
  const root = oneRoot(
    workspace,
    clusters,
    (x) => x.engine.endpoint(src) !== undefined && x.engine.endpoint(dst) !== undefined,
  );
  const analysis = root.analysis;
  const r = analysis.explain(src, dst, port);
  if (!r.ok) throw new UsageError(r.error);
  const format = (a.flags.get('format') as string | undefined) ?? 'text';
  const loc = refLocation(analysis);
  const notes = [
    ...(workspace.split ? [`analysis root ${root.name} (of ${workspace.roots.length})`] : []),
    ...coverageNotes(analysis.index),
  ];
  if (format === 'json') for (const n of notes) process.stderr.write(`netpol-lens: ${n}\n`);
  if (format === 'json')
    process.stdout.write(
      JSON.stringify(r.explanation, (k, v: unknown) => (k === 'ref' ? loc(v as SourceRef) : v), 2) + '\n',
    );
  else if (format === 'text') process.stdout.write(explainText(r.explanation, loc, notes));
  else throw new UsageError(`unknown format "${format}"; expected text or json`);
  return r.explanation.allowed ? 0 : 1;
}
