import { createHash } from 'node:crypto';
import { findingsJson, findingsSarif, findingsText, type Severity } from '../../core/index';
import { UsageError } from '../load';
import { placeFindings } from '../locations';
import { parseArgs } from '../args';
import {
  analyseInputs,
  CACHE_FLAG,
  openCache,
  readInputs,
  selectedRoots,
  settingsFromFlags,
  SETTINGS_BOOLEANS,
  SETTINGS_FLAGS,
  type Inputs,
} from './common';
import type { FactsCache } from '../../fs/facts-cache';

const FORMATS = ['text', 'json', 'sarif'];
const RANK: Record<Severity, number> = { error: 3, warning: 2, information: 1, hint: 0 };
const VERSION = '0.1.0';

export function runCheck(argv: readonly string[]): number {
  const a = parseArgs(argv, ['format', 'fail-on', ...SETTINGS_FLAGS, CACHE_FLAG], SETTINGS_BOOLEANS);
  const format = (a.flags.get('format') as string | undefined) ?? 'text';
  if (!FORMATS.includes(format))
    throw new UsageError(`unknown format "${format}"; expected ${FORMATS.join(', ')}`);
  const failOn = (a.flags.get('fail-on') as string | undefined) ?? 'error';
  if (!(failOn in RANK) || failOn === 'hint')
    throw new UsageError(`bad --fail-on "${failOn}"; expected error, warning or information`);
  const clusters = a.lists.get('cluster') ?? [];
  const settings = settingsFromFlags(a);
  const cache = openCache(a);
  const inputs = readInputs(a.positional, settings, clusters, cache);
  // with a cache: the whole output of this command on these very bytes, as it was printed
  const outputKey =
    // (not when rendering: kustomize's output depends on more than the manifests' bytes)
    cache && inputs.digest && !settings?.kustomize?.render
      ? createHash('sha256')
          .update(JSON.stringify(['check', format, failOn, settings ?? null, clusters, process.cwd()]))
          .update(inputs.digest)
          .digest('hex')
      : undefined;
  const stored = cache && outputKey ? cache.output(outputKey) : undefined;
  if (cache && stored) {
    process.stderr.write(stored.stderr);
    process.stdout.write(stored.stdout);
    return stored.code;
  }
  const stderr: string[] = [];
  const out = teeStderr(stderr, () => checkInputs(inputs, clusters, format, failOn, cache));
  if (cache) {
    if (outputKey && !inputs.changedSinceDigest)
      cache.putOutput(outputKey, {
        stdout: Buffer.from(out.stdout, 'utf8'),
        stderr: stderr.join(''),
        code: out.code,
      });
    cache.save();
  }
  process.stdout.write(out.stdout);
  return out.code;
}

/** Runs `fn` with what it writes to stderr also kept in `into`. */
function teeStderr<T>(into: string[], fn: () => T): T {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    into.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return write(chunk, ...rest);
  };
  try {
    return fn();
  } finally {
    process.stderr.write = write;
  }
}

function checkInputs(
  inputs: Inputs,
  clusters: readonly string[],
  format: string,
  failOn: string,
  cache: FactsCache | undefined,
): { stdout: string; code: number } {
  const analysis = analyseInputs(inputs, cache);
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
  const stdout =
    format === 'json'
      ? findingsJson(placed)
      : format === 'sarif'
        ? findingsSarif(placed, VERSION)
        : findingsText(placed);
  const threshold = RANK[failOn as Severity];
  return { stdout, code: placed.some((p) => RANK[p.finding.severity] >= threshold) ? 1 : 0 };
}
