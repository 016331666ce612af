/** Renderers of findings for the CLI: text, ESLint-like JSON (contracts.md) and SARIF 2.1.0. */
import { ALL_CHECKS, PARSE_CODES } from '../checks/registry';
import type { Finding, Severity } from '../model/finding';
import { plural } from '../text/words';

export interface PlacedFinding {
  readonly finding: Finding;
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export const DOCS_BASE = 'https://github.com/netpol-lens/netpol-lens/blob/main/docs/checks.md';
export function docsUrl(code: string): string {
  return `${DOCS_BASE}#${code}`;
}

export function findingsText(list: readonly PlacedFinding[]): string {
  const lines = list.map(
    (p) => `${p.path}:${p.line}:${p.column} ${p.finding.severity} ${p.finding.code} ${p.finding.message}`,
  );
  const count = (s: Severity): number => list.filter((p) => p.finding.severity === s).length;
  const files = new Set(list.map((p) => p.path)).size;
  lines.push(
    list.length === 0
      ? 'No problems found.'
      : `${plural(list.length, 'problem')} in ${plural(files, 'file')} (${count('error')} errors, ${count('warning')} warnings, ${count('information')} information, ${count('hint')} hints)`,
  );
  return lines.join('\n') + '\n';
}

export function findingsJson(list: readonly PlacedFinding[]): string {
  return (
    JSON.stringify(
      list.map((p) => ({
        path: p.path,
        line: p.line,
        column: p.column,
        endLine: p.endLine,
        endColumn: p.endColumn,
        code: p.finding.code,
        severity: p.finding.severity,
        message: p.finding.message,
      })),
      null,
      2,
    ) + '\n'
  );
}

const SARIF_LEVEL: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  information: 'note',
  hint: 'note',
};

/**
 * A path as a SARIF artifact uri (a relative URI reference): percent-encoded, so that a path with
 * spaces, `#` or `?`, and the standard input's `<stdin>` (`%3Cstdin%3E`), stay valid URIs.
 */
export function sarifUri(path: string): string {
  return encodeURI(path).replace(/[?#]/g, (c) => encodeURIComponent(c));
}

export function findingsSarif(list: readonly PlacedFinding[], version: string): string {
  const rules = [
    ...ALL_CHECKS.map((c) => ({ code: c.code, sev: c.defaultSeverity, summary: c.summary })),
    ...PARSE_CODES.map((c) => ({ code: c.code, sev: c.defaultSeverity, summary: c.summary })),
  ];
  const known = new Set(rules.map((r) => r.code));
  for (const p of list) {
    if (!known.has(p.finding.code)) {
      known.add(p.finding.code);
      rules.push({ code: p.finding.code, sev: p.finding.severity, summary: p.finding.code });
    }
  }
  const ruleIndex = new Map(rules.map((r, i) => [r.code, i]));
  const results = list.map((p) => ({
    ruleId: p.finding.code,
    ruleIndex: ruleIndex.get(p.finding.code) ?? 0,
    level: SARIF_LEVEL[p.finding.severity],
    message: { text: p.finding.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: sarifUri(p.path) },
          region: {
            startLine: p.line,
            startColumn: p.column,
            endLine: p.endLine,
            endColumn: p.endColumn,
          },
        },
      },
    ],
  }));
  return sarifLog(
    version,
    DOCS_BASE,
    rules.map((r) => ({
      id: r.code,
      summary: r.summary,
      helpUri: docsUrl(r.code),
      level: SARIF_LEVEL[r.sev],
    })),
    results,
  );
}

/** A SARIF rule as netpol-lens describes it: its summary, documentation link and default level. */
export interface SarifRule {
  readonly id: string;
  readonly summary: string;
  readonly helpUri: string;
  readonly level: string;
}

/** The SARIF 2.1.0 log of one netpol-lens run (check and diff share it), as printed JSON. */
export function sarifLog(
  version: string,
  informationUri: string,
  rules: readonly SarifRule[],
  results: readonly unknown[],
): string {
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'netpol-lens',
            version,
            informationUri,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.summary },
              fullDescription: { text: r.summary },
              helpUri: r.helpUri,
              help: {
                text: `${r.summary} See ${r.helpUri}`,
                markdown: `${r.summary} [Documentation](${r.helpUri})`,
              },
              defaultConfiguration: { level: r.level },
            })),
          },
        },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
