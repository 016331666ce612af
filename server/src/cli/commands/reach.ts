import {
  coverageNotes,
  reachCsv,
  reachDot,
  reachJsonChunks,
  reachSummary,
  reachTable,
} from '../../core/index';
import { STDIN_ARG, STDIN_NAME, UsageError } from '../load';
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

const FORMATS = ['table', 'json', 'csv', 'dot', 'summary'];

export function runReach(argv: readonly string[]): number {
  const a = parseArgs(
    argv,
    ['format', 'from', 'to', 'port', ...SETTINGS_FLAGS, CACHE_FLAG],
    ['no-external', ...SETTINGS_BOOLEANS],
  );
  const format = (a.flags.get('format') as string | undefined) ?? 'table';
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown format "${format}"; expected ${FORMATS.join(', ')}`);
  const clusters = a.lists.get('cluster') ?? [];
  const cache = openCache(a);
  const workspace = analyse(a.positional, settingsFromFlags(a), clusters, cache);
  cache?.save();
  const root = oneRoot(workspace, clusters);
  const analysis = root.analysis;
  const port = a.flags.has('port') ? parsePortArg(a.flags.get('port') as string) : undefined;
  const from = a.flags.get('from') as string | undefined;
  const to = a.flags.get('to') as string | undefined;
  for (const id of [from, to]) {
    if (id !== undefined && !analysis.engine.endpoint(id))
      throw new UsageError(analysis.engine.unresolvedEndpoint(id));
  }
  const q = {
    ...(from ? { from: analysis.engine.endpoint(from, 'ingress')?.id ?? from } : {}),
    ...(to ? { to: analysis.engine.endpoint(to, 'egress')?.id ?? to } : {}),
    ...(port ? { port } : {}),
    // external ranges cut per direction: one row per range that sources differ by, one column per
    // range destinations differ by (the peer analyzer's listing)
    externals: a.flags.has('no-external') ? false : ('per-direction' as const),
  };
  const notes = coverageNotes(analysis.index);
  const title = `Reachability of ${a.positional.map((p) => (p === STDIN_ARG ? STDIN_NAME : p)).join(' ')}${port ? ` on ${port.port}/${port.protocol}` : ''}${workspace.split ? ` (analysis root ${root.name})` : ''}`;
  if (format === 'summary') {
    // class by class: never expanded to every pair of workloads
    process.stdout.write(
      reachSummary(analysis.engine, { ...q, externals: q.externals !== false }, title, notes),
    );
    return 0;
  }
  if (format !== 'table') for (const n of notes) process.stderr.write(`netpol-lens: ${n}\n`);
  if (format === 'json') {
    // row by row: the listing is never held whole, as objects or as one string
    const { endpoints, rows } = analysis.reachabilityRows(q);
    for (const chunk of reachJsonChunks(endpoints, rows)) process.stdout.write(chunk);
    return 0;
  }
  const r = analysis.reachability(q);
  const text =
    format === 'csv'
      ? reachCsv(r)
      : format === 'dot'
        ? reachDot(r)
        : reachTable(r, analysis.engine, title, notes, port);
  process.stdout.write(text);
  return 0;
}
