/**
 * All checks, and the one place where the user's severity settings are applied. Parse and lowering
 * problems (yaml-syntax-error, helm-template, unreadable-file, invalid-field) flow through the same
 * overrides.
 */
import type { Check, CheckContext, Finding } from './types';
import { egressAllowsAll } from './egress-allows-all';
import { invalidSelector } from './invalid-selector';
import { invalidIpBlock } from './invalid-ip-block';
import { invalidPort } from './invalid-port';
import { ipBlockWithSelector } from './ip-block-with-selector';
import { invalidPolicyTypes } from './invalid-policy-types';
import { missingPodSelector } from './missing-pod-selector';
import { invalidField } from './invalid-field';
import { deprecatedApiVersion } from './deprecated-api-version';

export const ALL_CHECKS: readonly Check[] = [
  // A. invalid objects
  invalidSelector,
  invalidIpBlock,
  invalidPort,
  ipBlockWithSelector,
  invalidPolicyTypes,
  missingPodSelector,
  invalidField,
  deprecatedApiVersion,
  egressAllowsAll,
];

/** Codes produced while reading files, before any check runs. */
export const PARSE_CODES: ReadonlyArray<{ code: string; defaultSeverity: Finding['severity']; summary: string }> = [
  { code: 'yaml-syntax-error', defaultSeverity: 'error', summary: 'A manifest file has a YAML syntax error; its broken documents are left out of the analysis.' },
  { code: 'helm-template', defaultSeverity: 'information', summary: 'A file is an unrendered template ({{ … }}); render it to have its policies checked.' },
  { code: 'unreadable-file', defaultSeverity: 'warning', summary: 'A file is too large or expands to too many nodes to be analysed.' },
];

export function runChecks(ctx: CheckContext): Finding[] {
  const out: Finding[] = [];
  const apply = (f: Finding): void => {
    const o = ctx.settings.severities[f.code];
    if (o === 'off') return;
    out.push(o ? { ...f, severity: o } : f);
  };
  for (const f of ctx.index.problems) apply(f);
  for (const c of ALL_CHECKS) {
    if (ctx.settings.severities[c.code] === 'off') continue;
    let found: Finding[];
    try {
      found = c.run(ctx);
    } catch (e) {
      // a bug in one check must not hide the others
      found = [{
        code: 'internal-error', severity: 'error', uri: ctx.index.files.keys().next().value ?? '', span: { start: 0, end: 0 },
        message: `netpol-lens check ${c.code} failed: ${String(e)}. Please report this.`,
      }];
    }
    for (const f of found) apply(f);
  }
  return out;
}
