import { AnalysisHost, maxFileBytes, type Analysis, type Settings } from '../../core/index';
import { collectFiles, loadChanges, UsageError } from '../load';

/** Reads every manifest under `paths` into one analysis snapshot (skipped files go to stderr). */
export function analyse(paths: readonly string[], settings?: Settings): Analysis {
  if (paths.length === 0) throw new UsageError('no path given: name the manifest files or folders to read');
  const { changes, skipped } = loadChanges(
    collectFiles(paths),
    settings ? maxFileBytes(settings.maxFileSize) : undefined,
  );
  for (const s of skipped) process.stderr.write(`netpol-lens: skipped ${s}\n`);
  const host = new AnalysisHost();
  if (settings) host.setSettings(settings);
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
