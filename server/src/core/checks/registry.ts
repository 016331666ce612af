/**
 * Every diagnostic code: the checks, and the codes produced while reading files (PARSE_CODES); and
 * the one place where the user's severity settings are applied. Parse and lowering problems
 * (yaml-syntax-error, helm-template, unreadable-file, empty-file, invalid-field) flow through the
 * same overrides. The settings schema and the docs table are generated from here
 * (checks/contributions.ts, `npm run gen:contributions`).
 */
import { defineCode, type Check, type CheckContext, type CodeMeta, type Finding } from './types';
import { tracking } from '../index/deps';
import { egressAllowsAll } from './egress-allows-all';
import { invalidSelector } from './invalid-selector';
import { invalidIpBlock } from './invalid-ip-block';
import { invalidPort } from './invalid-port';
import { ipBlockWithSelector } from './ip-block-with-selector';
import { invalidPolicyTypes } from './invalid-policy-types';
import { missingPodSelector } from './missing-pod-selector';
import { invalidField } from './invalid-field';
import { deprecatedApiVersion } from './deprecated-api-version';
import { namespaceSelectorMatchesNothing } from './namespace-selector-matches-nothing';
import { podSelectorMatchesNothing } from './pod-selector-matches-nothing';
import { policySelectsNoPods } from './policy-selects-no-pods';
import { ingressAllowsAll } from './ingress-allows-all';
import { missingDnsEgress } from './missing-dns-egress';
import { implicitIngressIsolation } from './implicit-ingress-isolation';
import { rulesIgnoredByPolicyTypes } from './rules-ignored-by-policy-types';
import { peerAndOrAmbiguity } from './peer-and-or-ambiguity';
import { namedPortUnresolved } from './named-port-unresolved';
import { namedPortWithIpBlock } from './named-port-with-ip-block';
import { servicePortInsteadOfTargetPort } from './service-port-instead-of-target-port';
import { serviceUnreachable } from './service-unreachable';
import { ipBlockMatchesClusterIps } from './ip-block-matches-cluster-ips';
import { nonCanonicalCidr } from './non-canonical-cidr';
import { egressToMetadataEndpoint } from './egress-to-metadata-endpoint';
import { redundantRule } from './redundant-rule';
import { duplicatePolicy } from './duplicate-policy';
import { duplicateObject } from './duplicate-object';
import { kustomizeNotRendered } from './kustomize-not-rendered';
import { kustomizeNotListed } from './kustomize-not-listed';
import { fluxPathNotFound } from './flux-path-not-found';
import { hostNetworkPodSelected } from './host-network-pod-selected';
import { peerSelectsAllNamespaces } from './peer-selects-all-namespaces';
import { missingNamespace } from './missing-namespace';
import { workloadNotIsolated } from './workload-not-isolated';
import { policyKindNotAnalysed } from './policy-kind-not-analysed';
import { clusterPolicyLimit } from './cluster-policy-limit';
import { clusterPolicyNetworksAll } from './cluster-policy-networks-all';
import { clusterPolicyPassToDefault } from './cluster-policy-pass-to-default';
import { clusterPolicyPriorityConflict } from './cluster-policy-priority-conflict';
import { clusterPolicyRuleShadowed } from './cluster-policy-rule-shadowed';

const INTERNAL_ERROR = defineCode({
  code: 'internal-error',
  defaultSeverity: 'error',
  scope: 'workspace',
  summary:
    'A check failed on this workspace (a bug in netpol-lens); the other checks still ran. Please report it.',
});

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
  clusterPolicyLimit,
  // B. semantics across the workspace
  namespaceSelectorMatchesNothing,
  podSelectorMatchesNothing,
  policySelectsNoPods,
  egressAllowsAll,
  ingressAllowsAll,
  missingDnsEgress,
  implicitIngressIsolation,
  rulesIgnoredByPolicyTypes,
  peerAndOrAmbiguity,
  namedPortUnresolved,
  namedPortWithIpBlock,
  servicePortInsteadOfTargetPort,
  serviceUnreachable,
  ipBlockMatchesClusterIps,
  nonCanonicalCidr,
  egressToMetadataEndpoint,
  redundantRule,
  duplicatePolicy,
  duplicateObject,
  hostNetworkPodSelected,
  peerSelectsAllNamespaces,
  missingNamespace,
  workloadNotIsolated,
  policyKindNotAnalysed,
  clusterPolicyNetworksAll,
  clusterPolicyPassToDefault,
  clusterPolicyPriorityConflict,
  clusterPolicyRuleShadowed,
  kustomizeNotRendered,
  kustomizeNotListed,
  fluxPathNotFound,
];

/** Codes produced while reading files, before any check runs, and the report of a check that failed. */
export const PARSE_CODES: readonly CodeMeta[] = [
  defineCode({
    code: 'yaml-syntax-error',
    defaultSeverity: 'error',
    scope: 'file',
    summary: 'A manifest file has a YAML syntax error; its broken documents are left out of the analysis.',
  }),
  defineCode({
    code: 'helm-template',
    defaultSeverity: 'information',
    scope: 'file',
    otherSeverities: ['warning'],
    summary:
      'A document is an unrendered template ({{ … }} outside a string); it is not analysed (a warning where it is a policy). Render it to have it checked.',
  }),
  defineCode({
    code: 'lenient-yaml',
    defaultSeverity: 'hint',
    scope: 'file',
    summary:
      'A document kubectl reads but other YAML tools reject (a continuation line indented no deeper than its key, a TAB in a flow collection); netpol-lens reads it as kubectl does.',
  }),
  defineCode({
    code: 'unreadable-file',
    defaultSeverity: 'warning',
    scope: 'file',
    summary: 'A file is binary, too large or expands to too many nodes to be analysed.',
  }),
  defineCode({
    code: 'empty-file',
    defaultSeverity: 'hint',
    scope: 'file',
    summary: 'A YAML or JSON file holds no Kubernetes object (empty, or only comments).',
  }),
  INTERNAL_ERROR,
];

/** Every code, checks first, in the order of docs/checks.md. */
export const ALL_CODES: readonly CodeMeta[] = [...ALL_CHECKS, ...PARSE_CODES];

/**
 * Runs the checks and applies the user's severities. With `only: 'file'`, just the findings that
 * depend on their own file alone: the parse and lowering problems (facts of one file each) and
 * the checks of scope `file`.
 */
export function runChecks(
  ctx: CheckContext,
  only?: 'file',
  checks: readonly Check[] = ALL_CHECKS,
): Finding[] {
  const out: Finding[] = [];
  const apply = severities(ctx, out);
  for (const f of ctx.index.problems) apply(f);
  for (const c of checks) {
    if (only && c.scope !== only) continue;
    if (ctx.settings.severities[c.code] === 'off') continue;
    let found: Finding[];
    try {
      found = c.run(ctx);
    } catch (e) {
      // a bug in one check must not hide the others
      found = [internalError(c, ctx.index.files.keys().next().value ?? '', e)];
    }
    for (const f of found) apply(f);
  }
  return out;
}

/** Pushes a finding into `out` with the user's severity for its code (none when it is off). */
function severities(ctx: CheckContext, out: Finding[]): (f: Finding) => void {
  return (f) => {
    const o = ctx.settings.severities[f.code];
    if (o === 'off') return;
    out.push(o ? { ...f, severity: o } : f);
  };
}

function internalError(c: Check, uri: string, e: unknown): Finding {
  return {
    code: INTERNAL_ERROR.code,
    severity: INTERNAL_ERROR.defaultSeverity,
    uri,
    span: { start: 0, end: 0 },
    message: `netpol-lens check ${c.code} failed: ${String(e)}. Please report this; the other checks still ran (turn this one off with "netpolLens.checks": {"${c.code}": "off"} meanwhile).`,
  };
}

/** The findings of the checks run with one file as their subject, and the facts they read (index/deps.ts). */
export interface FileCheckResult {
  /** The file's parse and lowering problems, severities applied. */
  readonly problems: readonly Finding[];
  /** The checks' findings on the file's resources, severities applied. */
  readonly found: readonly Finding[];
  /** Checks that threw on this file: code → the error. */
  readonly failed?: ReadonlyMap<string, string>;
  /** The facts the checks read, the file's own included. */
  readonly deps: readonly string[];
}

/**
 * Runs every check with one file as its subject (`CheckContext.subjects`), tracking what they
 * read: the unit incremental analysis caches and re-runs only when a fact it read changed.
 */
export function runFileChecks(
  ctx: CheckContext,
  uri: string,
  checks: readonly Check[] = ALL_CHECKS,
): FileCheckResult {
  const subjects = ctx.index.only([uri]);
  const problems: Finding[] = [];
  const found: Finding[] = [];
  let failed: Map<string, string> | undefined;
  const { deps } = tracking(() => {
    ctx.index.file(uri);
    const applyProblem = severities(ctx, problems);
    for (const f of subjects.problems) applyProblem(f);
    const apply = severities(ctx, found);
    const unit = { ...ctx, subjects };
    for (const c of checks) {
      if (ctx.settings.severities[c.code] === 'off') continue;
      try {
        for (const f of c.run(unit)) apply(f);
      } catch (e) {
        (failed ??= new Map()).set(c.code, String(e));
      }
    }
  });
  return { problems, found, ...(failed ? { failed } : {}), deps: [...deps] };
}

/** The checks that threw on some file, code → the first file's error (in the order given). */
export function failedChecks(results: Iterable<FileCheckResult>): Map<string, string> {
  const failed = new Map<string, string>();
  for (const r of results) for (const [code, e] of r.failed ?? []) if (!failed.has(code)) failed.set(code, e);
  return failed;
}

/**
 * The findings `mergeFileChecks` places in one file, from that file's result alone: its problems,
 * its checks' findings but those of checks that threw somewhere (`failed`), and, at the first
 * file (`atFirst`), the internal errors of those checks.
 */
export function mergedFileFindings(
  ctx: CheckContext,
  result: FileCheckResult | undefined,
  failed: ReadonlyMap<string, string>,
  atFirst: string | undefined,
  checks: readonly Check[] = ALL_CHECKS,
): Finding[] {
  const out: Finding[] = [];
  if (result) {
    out.push(...result.problems);
    for (const f of result.found) if (!failed.has(f.code)) out.push(f);
  }
  if (atFirst !== undefined && failed.size > 0) {
    const apply = severities(ctx, out);
    for (const c of checks) {
      const e = failed.get(c.code);
      if (e !== undefined) apply(internalError(c, atFirst, e));
    }
  }
  return out;
}

/**
 * The workspace's findings from its files' results (`runFileChecks`, in URI order): the same as
 * `runChecks` gives, up to order. A check that threw on some file reports one internal-error (at
 * `firstUri`, as `runChecks` does) and none of its findings.
 */
export function mergeFileChecks(
  ctx: CheckContext,
  results: Iterable<FileCheckResult>,
  firstUri: string,
  checks: readonly Check[] = ALL_CHECKS,
): Finding[] {
  const list = [...results];
  const failed = failedChecks(list);
  const out: Finding[] = [];
  for (const r of list) {
    out.push(...r.problems);
    for (const f of r.found) if (!failed.has(f.code)) out.push(f);
  }
  const apply = severities(ctx, out);
  for (const c of checks) {
    const e = failed.get(c.code);
    if (e !== undefined) apply(internalError(c, firstUri, e));
  }
  return out;
}
