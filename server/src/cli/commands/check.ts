import { findingsJson, findingsSarif, findingsText, type Severity } from '../../core/index';
import { UsageError } from '../load';
import { placeFindings } from '../locations';
import { parseArgs } from '../args';
import { analyse, selectedRoots, settingsFromFlags, SETTINGS_FLAGS } from './common';

const FORMATS = ['text', 'json', 'sarif'];
const RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 0 };
const VERSION = '0.1.0';

export function runCheck(argv: readonly string[]): number {
  const a = parseArgs(argv, ['format', 'fail-on', ...SETTINGS_FLAGS]);
  const format = (a.flags.get('format') as string | undefined) ?? 'text';
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown format "${format}"; expected ${FORMATS.join(', ')}`);
  const failOn = (a.flags.get('fail-on') as string | undefined) ?? 'error';
  if (!(failOn in RANK) || failOn === 'hint')
    throw new UsageError(`bad --fail-on "${failOn}"; expected error, warning or information`);
  const clusters = a.lists.get('cluster') ?? [];
  const analysis = analyse(a.positional, settingsFromFlags(a), clusters);
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
