/**
 * `diff <old-path> <new-path>` and `diff --base <git-ref> <path>...` (docs/cli.md): the
 * connectivity that changes between two sets of manifests. Exit codes: 0 no difference, 1 a
 * difference (with `--fail-on opened`: only when something was opened), 2 usage or I/O error.
 */
import { existsSync } from 'node:fs';
import {
  AnalysisHost,
  DEFAULT_SETTINGS,
  coverageNotes,
  diffCounts,
  diffJson,
  diffMarkdown,
  diffSarif,
  diffText,
  reachDiff,
  type Analysis,
  type DiffLocator,
  type FileChange,
  type Settings,
} from '../../core/index';
import { parseArgs } from '../args';
import { committedFiles, repositoryRoot, resolveRef } from '../git';
import { refLine, refPlace } from '../locations';
import { collectFiles, loadChanges, STDIN_ARG, STDIN_NAME, UsageError } from '../load';
import { analyse, kustomizeFromFlags, oneRoot } from './common';
import { renderKustomizations, type CommittedSide } from '../kustomize';

const FORMATS = ['text', 'json', 'md', 'sarif'];
const VERSION = '0.1.0';
const HELP_URI = 'https://github.com/netpol-lens/netpol-lens/blob/main/docs/cli.md#diff';

function snapshot(
  changes: readonly FileChange[],
  skipped: readonly string[],
  clusters: readonly string[],
  kustomize?: Settings['kustomize'],
  committed?: CommittedSide,
  copyMaxBytes?: number,
): Analysis {
  for (const s of skipped) process.stderr.write(`netpol-lens: skipped ${s}\n`);
  const host = new AnalysisHost();
  if (clusters.length || kustomize)
    host.setSettings({ ...DEFAULT_SETTINGS, clusters, ...(kustomize ? { kustomize } : {}) });
  host.applyChanges(changes);
  if (!kustomize?.render) return host.snapshot();
  // --render-kustomize: the committed side is built from a copy of its committed tree (cli/kustomize.ts)
  renderKustomizations(host, host.snapshot(), kustomize.command, committed, copyMaxBytes);
  return host.snapshot();
}

/**
 * `copyMaxBytes`: how many bytes of committed files the copy for a build of the `--base` side may
 * hold (cli/kustomize.ts `renderKustomizations`; 64 MiB by default).
 */
export function runDiff(argv: readonly string[], copyMaxBytes?: number): number {
  const a = parseArgs(
    argv,
    ['format', 'fail-on', 'base', 'cluster', 'kustomize-command'],
    ['render-kustomize'],
  );
  const clusters = a.lists.get('cluster') ?? [];
  const kustomize = kustomizeFromFlags(a);
  const settings = kustomize ? { ...DEFAULT_SETTINGS, clusters, kustomize } : undefined;
  const format = (a.flags.get('format') as string | undefined) ?? 'text';
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown format "${format}"; expected ${FORMATS.join(', ')}`);
  const failOn = a.flags.get('fail-on') as string | undefined;
  if (failOn !== undefined && failOn !== 'opened')
    throw new UsageError(`bad --fail-on "${failOn}"; expected opened (by default any difference exits 1)`);
  const base = a.flags.get('base') as string | undefined;
  const show = (p: string): string => (p === STDIN_ARG ? STDIN_NAME : p);

  let before: Analysis;
  let after: Analysis;
  let title: string;
  let oldPrefix = '';
  if (base !== undefined) {
    if (a.positional.length === 0)
      throw new UsageError(
        'usage: diff --base <git-ref> <path>... (name the manifest files or folders to compare)',
      );
    if (a.positional.includes(STDIN_ARG))
      throw new UsageError('diff --base cannot read the standard input ("-")');
    const root = repositoryRoot();
    const commit = resolveRef(root, base);
    const old = committedFiles(root, commit, a.positional);
    // a path deleted since the ref is read on the old side only
    const present = a.positional.filter((p) => existsSync(p));
    for (const p of a.positional) {
      if (!present.includes(p) && !old.found.has(p))
        throw new UsageError(`no such file or directory: ${p} (neither in the working tree nor at ${base})`);
    }
    before = snapshot(
      old.changes,
      old.skipped,
      clusters,
      kustomize,
      { root, commit, ref: base, paths: a.positional },
      copyMaxBytes,
    );
    const cur = loadChanges(present.length ? collectFiles(present) : []);
    after = snapshot(cur.changes, cur.skipped, clusters, kustomize);
    oldPrefix = `${base}:`;
    title = `Reachability changes of ${a.positional.join(' ')} against ${base}`;
  } else {
    if (a.positional.length !== 2)
      throw new UsageError(
        'usage: diff <old-path> <new-path> [--format text|json|md|sarif], or diff --base <git-ref> <path>...',
      );
    const [oldPath, newPath] = a.positional as [string, string];
    if (oldPath === STDIN_ARG && newPath === STDIN_ARG)
      throw new UsageError('only one side of diff can be the standard input ("-")');
    before = analyse([oldPath], settings, clusters);
    after = analyse([newPath], settings, clusters);
    title = `Reachability changes from ${show(oldPath)} to ${show(newPath)}`;
  }

  if (clusters.length) {
    // --cluster: that analysis root of each side (a cluster folder of one side only: nothing on the other)
    const on = (an: Analysis): ReturnType<typeof oneRoot> | undefined => {
      try {
        return oneRoot(an, clusters);
      } catch (e) {
        if (e instanceof UsageError) return undefined;
        throw e;
      }
    };
    const chosen = on(after) ?? on(before) ?? oneRoot(after, clusters); // the last one throws, saying why
    const pick = (an: Analysis): Analysis =>
      an.root(chosen.id) ?? (an.split ? new AnalysisHost().snapshot() : an);
    before = pick(before);
    after = pick(after);
    title += ` (analysis root ${chosen.name})`;
  } else {
    // several analysis roots (cluster folders, kustomize overlays) and no --cluster: say which is compared
    for (const [side, an] of [
      ['old', before],
      ['new', after],
    ] as const) {
      if (an.split)
        process.stderr.write(
          `netpol-lens: the ${side} side holds ${an.roots.length} analysis roots; diff compares only the first, ${an.roots[0]?.name ?? ''} (choose one with --cluster <glob>)\n`,
        );
    }
  }
  const d = reachDiff(before.engine, after.engine);
  const oldLine = refLine(before, oldPrefix);
  const newLine = refLine(after);
  const loc: DiffLocator = (side, ref) => (side === 'before' ? oldLine(ref) : newLine(ref));
  // the notes of the roots compared (a failed build is said on the root it belongs to), its error included
  const compared = (an: Analysis): Analysis => an.roots[0]?.analysis ?? an;
  const notesAfter = coverageNotes(compared(after).index, { renderErrors: true });
  const notes = [
    ...notesAfter,
    ...coverageNotes(compared(before).index, { renderErrors: true })
      .filter((n) => !notesAfter.includes(n))
      .map((n) => `before: ${n}`),
  ];
  if (format === 'json' || format === 'sarif')
    for (const n of notes) process.stderr.write(`netpol-lens: ${n}\n`);
  let text: string;
  if (format === 'json') text = diffJson(d);
  else if (format === 'md') text = diffMarkdown(d, loc, title, notes);
  else if (format === 'sarif') text = diffSarif(d, refPlace(after), VERSION, HELP_URI);
  else text = diffText(d, loc, title, notes);
  process.stdout.write(text);
  const counts = diffCounts(d);
  if (failOn === 'opened') return counts.opened > 0 ? 1 : 0;
  return d.changes.length > 0 ? 1 : 0;
}
