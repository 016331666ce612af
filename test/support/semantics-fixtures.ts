/**
 * Truth-table fixtures for semantics.md (test/fixtures/semantics/*.yaml). A fixture is a workspace
 * in one YAML stream plus expectation comments:
 *
 *   # base: xyz                       prepend the upstream e2e layout (namespaces x, y, z labelled
 *                                     ns=<name>; Pods a, b, c labelled pod=<name> with ports
 *                                     serve-80-tcp, serve-81-tcp, serve-80-udp, serve-81-udp,
 *                                     serve-80-sctp, serve-81-sctp and IPs 10.0.<ns>.<pod>, fd00::<ns>:<pod>)
 *   # expect x/a[Pod] -> y/b[Pod] 80/TCP allow     verdict of one connection
 *   # expect x/a[Pod] -> y/b[Pod] any deny         any port at all
 *   # conns x/a[Pod] -> y/b[Pod] TCP 80,UDP 53     the exact allowed set ("All Connections", "No Connections")
 *   # matrix 80/TCP                                 the rows below: the e2e truth table on one port
 *   #         x/a x/b x/c y/a y/b y/c z/a z/b z/c   (columns: destinations; rows: sources; . = deny, X = allow)
 *   # x/a     X   X   ...
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Expectation {
  readonly line: number;
  readonly kind: 'verdict' | 'conns';
  readonly src: string;
  readonly dst: string;
  readonly port?: { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' };
  readonly allow?: boolean;
  readonly conns?: string;
}

export interface SemanticsFixture {
  readonly name: string;
  readonly text: string;
  readonly expectations: readonly Expectation[];
}

export const FIXTURE_DIR = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'semantics');

const NS = ['x', 'y', 'z'];
const PODS = ['a', 'b', 'c'];

export function xyzBase(): string {
  const docs: string[] = [];
  NS.forEach((ns) =>
    docs.push(`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels:\n    ns: ${ns}\n`),
  );
  NS.forEach((ns, i) =>
    PODS.forEach((pod, j) => {
      const ports = ['tcp', 'udp', 'sctp']
        .flatMap((p) =>
          [80, 81].map(
            (n) =>
              `    - name: serve-${n}-${p}\n      containerPort: ${n}\n      protocol: ${p.toUpperCase()}\n`,
          ),
        )
        .join('');
      docs.push(
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${pod}\n  namespace: ${ns}\n  labels:\n    pod: ${pod}\nspec:\n  containers:\n  - name: c\n    image: agnhost\n    ports:\n${ports}status:\n  podIP: 10.0.${i + 1}.${j + 1}\n  podIPs:\n  - ip: 10.0.${i + 1}.${j + 1}\n  - ip: fd00::${i + 1}:${j + 1}\n`,
      );
    }),
  );
  return docs.join('---\n');
}

function parsePort(s: string): Expectation['port'] {
  if (s === 'any') return undefined;
  const m = /^(\d+)\/(TCP|UDP|SCTP)$/.exec(s);
  if (!m) throw new Error(`bad port ${s}`);
  return { port: Number(m[1]), protocol: m[2] as 'TCP' | 'UDP' | 'SCTP' };
}

export function parseFixture(name: string, raw: string): SemanticsFixture {
  const lines = raw.split('\n');
  const expectations: Expectation[] = [];
  let base = false;
  let matrix: { port: string; cols: string[] } | undefined;
  lines.forEach((l, i) => {
    let m: RegExpExecArray | null;
    if (/^# base: xyz\s*$/.test(l)) base = true;
    else if ((m = /^# expect (\S+) -> (\S+) (\S+) (allow|deny)\s*$/.exec(l))) {
      const port = parsePort(m[3] as string);
      expectations.push({
        line: i + 1,
        kind: 'verdict',
        src: m[1] as string,
        dst: m[2] as string,
        ...(port ? { port } : {}),
        allow: m[4] === 'allow',
      });
    } else if ((m = /^# conns (\S+) -> (\S+) (.+?)\s*$/.exec(l))) {
      expectations.push({
        line: i + 1,
        kind: 'conns',
        src: m[1] as string,
        dst: m[2] as string,
        conns: m[3],
      });
    } else if ((m = /^# matrix (\S+)\s*$/.exec(l))) {
      matrix = { port: m[1] as string, cols: [] };
    } else if (matrix && (m = /^#\s{5,}(.+)$/.exec(l)) && matrix.cols.length === 0) {
      matrix.cols = (m[1] as string).trim().split(/\s+/);
    } else if (matrix && (m = /^# (\w+\/\w+)\s+(.+)$/.exec(l))) {
      const cells = (m[2] as string).trim().split(/\s+/);
      const port = parsePort(matrix.port);
      matrix.cols.forEach((col, k) => {
        const [ns, pod] = col.split('/');
        const [sns, spod] = (m?.[1] as string).split('/');
        expectations.push({
          line: i + 1,
          kind: 'verdict',
          src: `${sns}/${spod}[Pod]`,
          dst: `${ns}/${pod}[Pod]`,
          ...(port ? { port } : {}),
          allow: cells[k] === 'X',
        });
      });
    } else if (!l.startsWith('#')) matrix = undefined;
  });
  return { name, text: base ? `${xyzBase()}---\n${raw}` : raw, expectations };
}

export function loadSemanticsFixtures(): SemanticsFixture[] {
  return readdirSync(FIXTURE_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => parseFixture(f, readFileSync(join(FIXTURE_DIR, f), 'utf8')));
}
