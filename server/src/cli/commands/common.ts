import {
  AnalysisHost,
  DEFAULT_SETTINGS,
  maxFileBytes,
  type Analysis,
  type AnalysisRoot,
  type Settings,
} from '../../core/index';
import { collectFiles, loadChanges, UsageError } from '../load';

/**
 * Reads every manifest under `paths` into one analysis snapshot (skipped files go to stderr).
 * `clusters` (the `--cluster` globs) replace the settings' cluster folders.
 */
export function analyse(
  paths: readonly string[],
  settings?: Settings,
  clusters?: readonly string[],
): Analysis {
  if (paths.length === 0) throw new UsageError('no path given: name the manifest files or folders to read');
  const { changes, skipped } = loadChanges(
    collectFiles(paths),
    settings ? maxFileBytes(settings.maxFileSize) : undefined,
  );
  for (const s of skipped) process.stderr.write(`netpol-lens: skipped ${s}\n`);
  const host = new AnalysisHost();
  if (clusters?.length) host.setSettings({ ...(settings ?? DEFAULT_SETTINGS), clusters });
  else if (settings) host.setSettings(settings);
  host.applyChanges(changes);
  return host.snapshot();
}

export function parsePortArg(s: string): { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' } {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(s.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new UsageError(`bad port "${s}": expected <port>/<protocol>, e.g. 80/TCP or 53/UDP`);
  return { port, protocol: (m[2]?.toUpperCase() ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP' };
}

/** The roots a command reads: with `--cluster`, the cluster folders its globs made; else every root. */
export function selectedRoots(analysis: Analysis, clusters: readonly string[]): readonly AnalysisRoot[] {
  if (clusters.length === 0) return analysis.roots;
  const chosen = analysis.roots.filter((r) => r.kind === 'cluster');
  if (chosen.length === 0)
    throw new UsageError(`no folder matches --cluster ${clusters.join(', ')}; ${rootsText(analysis.roots)}`);
  return chosen;
}

/** `the analysis roots are a, b and c` for messages. */
export function rootsText(roots: readonly AnalysisRoot[]): string {
  const named = roots.filter((r) => r.hasResources);
  if (named.length <= 1 && roots.length <= 1) return 'the paths hold one analysis root';
  return `the analysis roots are ${named.map((r) => r.name).join(', ')}`;
}

/**
 * The one root reach and explain answer from: the only root (with resources), the root --cluster
 * names, or, for explain, the only root that knows both endpoints (`fits`). Several: a usage error
 * listing them.
 */
export function oneRoot(
  analysis: Analysis,
  clusters: readonly string[],
  fits: (a: Analysis) => boolean = () => true,
): AnalysisRoot {
  const roots = selectedRoots(analysis, clusters);
  const first = roots[0];
  if (roots.length === 1 && first) return first;
  const candidates = roots.filter((r) => r.hasResources);
  const fitting = candidates.filter((r) => fits(r.analysis));
  const only = fitting.length === 1 ? fitting[0] : candidates.length === 1 ? candidates[0] : undefined;
  if (only) return only;
  const list = (fitting.length > 1 ? fitting : candidates).map((r) => r.name);
  throw new UsageError(
    `the paths hold ${list.length} analysis roots (${list.join(', ')}), each a cluster of its own: choose one with --cluster <glob>, e.g. --cluster ${list.find((n) => !n.startsWith('(')) ?? list[0] ?? ''}`,
  );
}
