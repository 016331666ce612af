import { readFileSync } from 'node:fs';
import {
  findingsJson,
  findingsSarif,
  findingsText,
  DEFAULT_SETTINGS,
  parseMaxFileSize,
  settingsFromConfig,
  type Settings,
  type Severity,
} from '../../core/index';
import { UsageError } from '../load';
import { placeFindings } from '../locations';
import { parseArgs } from '../args';
import { analyse, selectedRoots } from './common';

const FORMATS = ['text', 'json', 'sarif'];
const RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 0 };
const VERSION = '0.1.0';

/** `--config` file: the netpolLens.* settings as JSON (`{"checks": {"<code>": "warning"|"off"…}, "dns": {…}, …}`). */
function loadConfig(file: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`config ${file} must hold a JSON object`);
  return settingsFromConfig(raw, (msg) => process.stderr.write(`netpol-lens: ${file}: ${msg}\n`));
}

/** `--max-file-size <MiB>` overrides the config's maxFileSize. */
function withMaxFileSize(
  settings: Settings | undefined,
  flags: ReadonlyMap<string, string | true>,
): Settings | undefined {
  const raw = flags.get('max-file-size');
  if (raw === undefined) return settings;
  const mib = parseMaxFileSize(raw);
  if (mib === undefined)
    throw new UsageError(`bad --max-file-size "${String(raw)}": expected a positive number of MiB, e.g. 64`);
  return { ...(settings ?? DEFAULT_SETTINGS), maxFileSize: mib };
}

export function runCheck(argv: readonly string[]): number {
  const a = parseArgs(argv, ['format', 'fail-on', 'config', 'max-file-size', 'cluster']);
  const format = (a.flags.get('format') as string | undefined) ?? 'text';
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown format "${format}"; expected ${FORMATS.join(', ')}`);
  const failOn = (a.flags.get('fail-on') as string | undefined) ?? 'error';
  if (!(failOn in RANK) || failOn === 'hint')
    throw new UsageError(`bad --fail-on "${failOn}"; expected error, warning or information`);
  const cfg = a.flags.get('config') as string | undefined;
  const clusters = a.lists.get('cluster') ?? [];
  const analysis = analyse(
    a.positional,
    withMaxFileSize(cfg ? loadConfig(cfg) : undefined, a.flags),
    clusters,
  );
  let findings = analysis.findings();
  if (clusters.length) {
    const roots = selectedRoots(analysis, clusters);
    findings = analysis.findingsIn(roots.map((r) => r.id));
    const rest = analysis.roots.length - roots.length;
    process.stderr.write(
      `netpol-lens: checked ${roots.length === 1 ? 'analysis root' : 'analysis roots'} ${roots.map((r) => r.name).join(', ')}${
        rest
          ? ` (not the ${rest} other ${rest === 1 ? 'root' : 'roots'}: ${analysis.roots
              .filter((r) => !roots.includes(r))
              .map((r) => r.name)
              .join(', ')})`
          : ''
      }\n`,
    );
  }
  const placed = placeFindings(analysis, findings);
  process.stdout.write(
    format === 'json'
      ? findingsJson(placed)
      : format === 'sarif'
        ? findingsSarif(placed, VERSION)
        : findingsText(placed),
  );
  const threshold = RANK[failOn as Severity];
  return placed.some((p) => RANK[p.finding.severity] >= threshold) ? 1 : 0;
}
