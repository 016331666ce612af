/**
 * The differential test's pieces: a workspace on disk (folders, files, open buffers, settings) that
 * random operations change, the findings a fresh `check` of the same files gives (the CLI's own
 * file walk and reads, bundled from server/src/cli/load.ts, then the core as `check` runs it), and
 * the server's published diagnostics in the same comparable form.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import {
  AnalysisHost,
  isManifestPath,
  settingsFromConfig,
  type FileChange,
} from '../../server/src/core/index';
import type { NetpolLensSettings } from '../../server/src/protocol/settings';
import { loadLspModule } from './lsp-harness';

interface CliLoad {
  collectFiles(paths: readonly string[]): string[];
  loadChanges(files: readonly string[]): { changes: FileChange[]; skipped: string[] };
}
let cliLoad: CliLoad | undefined;
/** The CLI's walk and reads (server/src/cli/load.ts), bundled on the fly: the test project does not compile cli/. */
export function cli(): CliLoad {
  return (cliLoad ??= loadLspModule<CliLoad>('../cli/load.ts'));
}

/** One diagnostic as both sides can state it: code, file, range, severity, message. */
export type Flat = string;

const SEVERITY = { error: 1, warning: 2, information: 3, hint: 4 } as const;

export function flatDiagnostic(
  uri: string,
  d: Pick<Diagnostic, 'code' | 'range' | 'severity' | 'message'>,
): Flat {
  const r = d.range;
  return `${uri} ${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character} ${d.severity ?? '?'} ${String(d.code)} ${d.message}`;
}

/**
 * What `netpol-lens check --config <settings> <folders…>` reports, the open buffers' text taking
 * the place of the files on disk (and joining them where a buffer has no file yet): one sorted list.
 */
export function expectedFindings(
  folders: readonly string[],
  open: ReadonlyMap<string, string>,
  settings: NetpolLensSettings,
): Flat[] {
  const { changes } = folders.length > 0 ? cli().loadChanges(cli().collectFiles(folders)) : { changes: [] };
  const texts = new Map(changes.map((c) => [c.uri, c.text ?? '']));
  for (const [uri, text] of open) if (isManifestPath(fileURLToPath(uri))) texts.set(uri, text);
  const host = new AnalysisHost();
  host.setSettings(settingsFromConfig(settings));
  host.applyChanges([...texts].map(([uri, text]) => ({ uri, text })));
  const a = host.snapshot();
  return a
    .findings()
    .map((f) => {
      const li = a.lineIndex(f.uri);
      const zero = { line: 0, character: 0 };
      const range = li
        ? { start: li.position(f.span.start), end: li.position(Math.max(f.span.start, f.span.end)) }
        : { start: zero, end: zero };
      return flatDiagnostic(f.uri, {
        code: f.code,
        range,
        severity: SEVERITY[f.severity],
        message: f.message,
      });
    })
    .sort();
}

// ---- the workspace and its operations ---------------------------------------------------------------

export const FOLDERS = ['f0', 'f1', 'f2'];
/** Paths inside a folder: manifests, a nested one, JSON, one in a skipped folder, one not a manifest. */
export const PATHS = [
  'a.yaml',
  'b.yml',
  'c.yaml',
  'sub/d.yaml',
  // a kustomization (its namespace and labels apply to sub/d.yaml when it lists it): one analysis root
  'sub/kustomization.yaml',
  'e.json',
  'node_modules/m.yaml',
  'notes.txt',
];

// ---- contents: small manifests that give findings across files ----------------------------------------

const NS = ['a', 'b'];
const APPS = ['web', 'db'];

const fragment: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.constantFrom(...NS), fc.constantFrom('x', 'y'))
    .map(([n, t]) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${n}\n  labels: {team: ${t}}\n`),
  fc
    .tuple(
      fc.constantFrom('Pod', 'Deployment'),
      fc.constantFrom('w1', 'w2'),
      fc.constantFrom(...NS),
      fc.constantFrom(...APPS),
    )
    .map(([k, name, ns, app]) =>
      k === 'Pod'
        ? `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: {app: ${app}}}\nspec:\n  containers:\n  - {name: c, image: i, ports: [{name: http, containerPort: 8080}]}\n`
        : `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata: {labels: {app: ${app}}}\n    spec: {containers: [{name: c, image: i}]}\n`,
    ),
  fc
    .tuple(
      fc.constantFrom('p1', 'p2'),
      fc.constantFrom(...NS),
      fc.constantFrom(...APPS, 'nothing'),
      fc.constantFrom('x', 'z'),
      fc.constantFrom('http', '80', 'ftp'),
      fc.boolean(),
    )
    .map(
      ([name, ns, app, team, port, egress]) =>
        `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  podSelector: {matchLabels: {app: ${app}}}\n  ingress:\n  - from:\n    - namespaceSelector: {matchLabels: {team: ${team}}}\n    ports:\n    - port: ${port}\n${egress ? '  egress:\n  - {}\n' : ''}`,
    ),
  fc.constantFrom(
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: a}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]\n',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: broken, namespace: b}\nspec:\n  podSelector: {matchLabels: [\n',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: tpl, namespace: {{ .Values.ns }}}\nspec: {}\n',
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: a}\nspec:\n  podSelector: {matchExpressions: [{key: app, operator: Inn, values: [web]}]}\n',
    // no namespace: missing-namespace unless a kustomization that lists the file gives one
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: nons}\nspec:\n  podSelector: {matchLabels: {app: web}}\n  policyTypes: [Ingress]\n',
  ),
);

/** File contents: documents joined by `---`, and the texts the CLI and the server must read alike. */
export const contentArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(fragment, { minLength: 1, maxLength: 3 }).map((ds) => ds.join('---\n')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      '# only a comment\n',
      '---\n# comments and markers\n---\n',
      'foo: bar\n',
      'kind: x\n\u0000apiVersion: y\n',
      'binary\u0000data\n',
      '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "j"}}\n',
      // kustomizations (in sub/kustomization.yaml they list sub/d.yaml; elsewhere, plain YAML)
      'namespace: b\nresources:\n- d.yaml\n',
      'namespace: a\ncommonLabels: {app: db}\nresources:\n- d.yaml\n',
      'resources:\n- d.yaml\n- gone.yaml\n',
    ),
  },
);

export type Op =
  | { kind: 'create' | 'write'; pick: number; text: string }
  | { kind: 'delete' | 'open' | 'close'; pick: number }
  | { kind: 'rename'; pick: number; to: number }
  | { kind: 'change'; pick: number; text: string }
  | { kind: 'edit'; pick: number; line: number; del: number; text: string }
  | { kind: 'settings'; checks: Record<string, string>; unisolated: boolean }
  | { kind: 'folder'; pick: number };

export function opArb(codes: readonly string[]): fc.Arbitrary<Op> {
  const pick = fc.nat(1000);
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constantFrom('create' as const, 'write' as const),
        pick,
        text: contentArb,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), pick, to: pick }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('open' as const), pick }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('close' as const), pick }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('change' as const), pick, text: contentArb }) },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('edit' as const),
        pick,
        line: fc.nat(20),
        del: fc.nat(2),
        text: fc.oneof(fragment, fc.constantFrom('', '# c\n', '---\n', '  x: [\n')),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('settings' as const),
        checks: fc.dictionary(
          fc.constantFrom(...codes),
          fc.constantFrom('error', 'warning', 'information', 'hint', 'off'),
          { maxKeys: 3 },
        ),
        unisolated: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('folder' as const), pick }) },
  );
}
