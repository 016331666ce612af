/**
 * The hostile-input set (issue 10): files that each must give a finding on that file, at bounded
 * cost, without losing the analysis of any other file. Generated at run time (the big ones are
 * megabytes: nothing of that size is committed). Shared by the core, CLI and server tests
 * (test/core/hostile.test.ts, test/cli/hostile.test.ts, test/lsp/hostile.test.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface HostileInput {
  /** File name in the workspace. */
  readonly name: string;
  /** What it is, for failure messages. */
  readonly what: string;
  /** The file's bytes (a string is written as UTF-8). */
  readonly content: string | Buffer;
  /** A finding of this code must be reported on the file... */
  readonly code: string;
  /** ...whose message contains this. */
  readonly message?: string | RegExp;
  /** ...at this 1-based line (and column), where the position matters. */
  readonly line?: number;
  readonly column?: number;
  /** Codes that must not be reported on the file (no cascade). */
  readonly not?: readonly string[];
  /** At least this many findings of `code` (one per object of a big file). */
  readonly count?: number;
  /** Too big to send as an open buffer over stdio (the editor would not sync it either). */
  readonly noBuffer?: boolean;
}

/** The files whose analysis must stay intact beside the hostile ones, and what they give alone. */
export const CONTROL_FILES: Readonly<Record<string, string>> = {
  'control/namespaces.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: web
  labels: {team: a}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: web}
spec:
  template:
    metadata: {labels: {app: frontend}}
    spec: {containers: [{name: c, image: nginx, ports: [{name: http, containerPort: 8080}]}]}
`,
  'control/policy.yaml': `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: control
  namespace: web
spec:
  podSelector:
    matchLabels: {app: frontend}
  policyTypes: [Ingress]
  ingress:
  - from:
    - namespaceSelector: {matchLabels: {team: a}}
    - namespaceSelector: {matchLabels: {team: nobody}}
    ports:
    - port: http
    - port: 99999
`,
};

/** The control policy's own findings (the codes), which every hostile neighbour must leave as they are. */
export const CONTROL_CODES: readonly string[] = ['invalid-port', 'namespace-selector-matches-nothing'];

/** Where the hover on the control policy's podSelector is asked (line and character, 0-based), and what it says. */
export const CONTROL_HOVER = { file: 'control/policy.yaml', line: 6, character: 4, says: 'frontend' };

function policy(name: string, body = '  podSelector: {}\n', top = ''): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: web\n${top}spec:\n${body}`;
}

/** A billion laughs: nine levels of nine aliases each (9^9 nodes expanded). */
function bomb(indent: string): string {
  let s = `${indent}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n`;
  for (let i = 1; i < 9; i++) {
    const p = `*a${i - 1}`;
    s += `${indent}a${i}: &a${i} [${Array(9).fill(p).join(', ')}]\n`;
  }
  return s;
}

/** 8 MB (8,000,000 bytes) of 40,000 small policies in one file, each selecting no pod: one finding per policy. */
export function manyPolicies(count = 40_000, bytes = 8_000_000): string {
  const docs: string[] = [];
  for (let i = 0; i < count; i++)
    docs.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: web}\nspec:\n  podSelector: {matchLabels: {app: a${i % 50}}}\n  ingress: [{ports: [{port: ${(i % 1000) + 1}}]}]\n`,
    );
  const text = docs.join('---\n');
  // padded to the size with a comment
  return text.length + 3 <= bytes ? `${text}# ${'.'.repeat(bytes - text.length - 3)}\n` : text;
}

export const SIZE_LIMIT_MIB = 8;

export function hostileInputs(): HostileInput[] {
  const deep = 20_000;
  return [
    {
      name: 'syntax-error.yaml',
      what: 'a YAML syntax error',
      content: policy('syntax', '  podSelector: {matchLabels: {app: [x}\n'),
      code: 'yaml-syntax-error',
    },
    {
      name: 'duplicate-keys.yaml',
      what: 'duplicate keys',
      content: policy('dup', '  podSelector: {}\n  podSelector: {}\n'),
      code: 'yaml-syntax-error',
      message: /unique|duplicate/i,
    },
    {
      name: 'unknown-top-level.yaml',
      what: 'unknown top-level fields (beside apiVersion, kind, metadata, spec, status)',
      content: policy('unknown', '  podSelector: {}\n', 'ingress: []\nx: 1\n'),
      code: 'invalid-field',
      message: 'Unknown field "x" in a NetworkPolicy',
      line: 7,
      column: 1,
    },
    {
      name: 'alias-bomb-unknown-key.yaml',
      what: 'an alias bomb in an unknown top-level key, never read',
      content: policy('bomb-x', '  podSelector: {}\n', `x:\n${bomb('  ')}`),
      code: 'yaml-syntax-error',
      message: 'excessive aliasing',
    },
    {
      name: 'alias-bomb-read-key.yaml',
      what: 'an alias bomb in a key that is read (metadata.annotations)',
      content: policy('bomb-a', '  podSelector: {}\n').replace(
        '  namespace: web\n',
        `  namespace: web\n  annotations:\n${bomb('    ')}`,
      ),
      code: 'yaml-syntax-error',
      message: 'excessive aliasing',
    },
    {
      name: 'tabs.yaml',
      what: 'tabs as indentation',
      content: policy('tabs', '\tpodSelector: {}\n\tingress:\n\t- {}\n'),
      code: 'yaml-syntax-error',
    },
    {
      name: 'bom-crlf.yaml',
      what: 'a byte order mark and CRLF line ends (positions still exact)',
      content:
        `\ufeff${policy('bom', '  podSelector: {}\n  ingress:\n  - ports:\n    - port: 99999\n')}`.replace(
          /\n/g,
          '\r\n',
        ),
      code: 'invalid-port',
      line: 10,
      column: 13,
    },
    {
      name: 'wrong-types.yaml',
      what: 'wrong types everywhere',
      content:
        policy('wt1', '  podSelector: []\n  ingress: {}\n') +
        '---\n' +
        policy(
          'wt2',
          '  podSelector: {}\n  ingress:\n  - from: "x"\n  - ports:\n    - port: 99999\n  egress:\n  - to:\n    - ipBlock: {cidr: 10.0.0.0/8, except: 5}\n',
        ),
      code: 'invalid-field',
    },
    {
      name: 'helm.yaml',
      what: 'a Helm template (one finding, no cascade of syntax errors)',
      content: policy(
        '{{ .Release.Name }}',
        '  podSelector:\n    matchLabels:\n      {{- include "labels" . | nindent 6 }}\n',
      ),
      code: 'helm-template',
      not: ['yaml-syntax-error'],
    },
    {
      name: 'deep.yaml',
      what: `nesting ${deep.toLocaleString('en-US')} levels deep`,
      content: policy('deep', `  podSelector: {}\n  ingress: ${'['.repeat(deep)}${']'.repeat(deep)}\n`),
      code: 'yaml-syntax-error',
      message: 'nests',
    },
    {
      name: 'deep-block.yaml',
      what: `block sequences ${deep.toLocaleString('en-US')} levels deep on one line`,
      content: policy('deepb', `  podSelector: {}\n  ingress:\n  ${'- '.repeat(deep)}x\n`),
      code: 'yaml-syntax-error',
      message: 'nests',
    },
    {
      name: 'binary.yaml',
      what: 'a binary file named .yaml',
      content: Buffer.from([
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0xff, 0xfe, 0x00, 0x01,
      ]),
      code: 'unreadable-file',
      message: 'binary',
    },
    {
      name: 'invalid-utf8.yaml',
      what: 'invalid UTF-8 (a Latin-1 é in a label value)',
      content: Buffer.concat([
        Buffer.from(policy('latin1', '  podSelector:\n    matchLabels: {app: caf')),
        Buffer.from([0xe9]),
        Buffer.from('}\n'),
      ]),
      code: 'unreadable-file',
      message: 'not valid UTF-8',
      line: 8,
      column: 27,
    },
    { name: 'empty.yaml', what: 'an empty file', content: '', code: 'empty-file' },
    {
      name: 'long-line.json',
      what: 'a 5 MB single line',
      content: `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"long","namespace":"web","annotations":{"a":"${'x'.repeat(5 * 1024 * 1024)}"}},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":99999}]}]}}\n`,
      code: 'invalid-port',
      line: 1,
      noBuffer: true,
    },
    {
      name: 'bulk-40000.yaml',
      what: 'an 8 MB file of 40,000 policies',
      content: manyPolicies(),
      code: 'policy-selects-no-pods',
      count: 40_000,
      noBuffer: true,
    },
    {
      name: 'huge-50mb.yaml',
      what: `a 50 MB file, above the size limit (${SIZE_LIMIT_MIB} MiB)`,
      content: `${policy('huge')}# ${'y'.repeat(50 * 1000 * 1000)}\n`,
      code: 'unreadable-file',
      message: /above the 8 MiB size limit.*netpolLens\.maxFileSize.*--max-file-size/,
      noBuffer: true,
    },
  ];
}

/** Writes the set and the control files into a fresh folder. */
export function writeHostileWorkspace(inputs: readonly HostileInput[] = hostileInputs()): {
  dir: string;
  dispose: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-lens-hostile-'));
  writeHostileFiles(dir, inputs);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes the control files and `inputs` into the folder `dir`. */
export function writeHostileFiles(dir: string, inputs: readonly HostileInput[]): void {
  mkdirSync(join(dir, 'control'));
  for (const [rel, text] of Object.entries(CONTROL_FILES)) writeFileSync(join(dir, rel), text);
  for (const i of inputs) writeFileSync(join(dir, i.name), i.content);
}

/** Checks one input's findings (code, line, column, message of each) against what it expects; '' when they hold. */
export function judge(
  input: HostileInput,
  findings: ReadonlyArray<{ code: string; message: string; line: number; column: number }>,
): string {
  const hits = findings.filter(
    (f) =>
      f.code === input.code &&
      (input.message === undefined ||
        (typeof input.message === 'string'
          ? f.message.includes(input.message)
          : input.message.test(f.message))) &&
      (input.line === undefined || f.line === input.line) &&
      (input.column === undefined || f.column === input.column),
  );
  const problems: string[] = [];
  if (hits.length < (input.count ?? 1))
    problems.push(
      `expected ${input.count ?? 1}× ${input.code}${input.message ? ` ${String(input.message)}` : ''}${input.line ? ` at ${input.line}:${input.column ?? '*'}` : ''}, got ${hits.length}`,
    );
  for (const c of input.not ?? []) if (findings.some((f) => f.code === c)) problems.push(`unexpected ${c}`);
  if (!problems.length) return '';
  const seen = findings
    .slice(0, 6)
    .map((f) => `    ${f.line}:${f.column} ${f.code} ${f.message.slice(0, 160)}`)
    .join('\n');
  return `${input.name} (${input.what}): ${problems.join('; ')}\n${seen}`;
}
