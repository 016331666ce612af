/**
 * Check scopes hold: a code of scope `file` reports the same findings on a file (message, place,
 * severity, related information, fixes) whatever other files the workspace holds. The language
 * server relies on it to publish those findings before the workspace is indexed
 * (`Analysis.fileFindings`). Every workspace of the fixtures and the corpus is analysed whole,
 * each file alone, without one other file (up to 8 tries), and with an added file that declares the
 * namespaces, pods, services and duplicate policies the workspace's selectors name.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ALL_CODES,
  Analysis,
  AnalysisHost,
  DEFAULT_SETTINGS,
  type FileChange,
  type Finding,
  type LabelSelector,
  type NetworkPolicyResource,
  type Settings,
} from '../../server/src/core/index';
import { settingsFor, workspaces } from '../support/check-fixtures';
import { REPO_ROOT } from '../support/lsp-harness';

const FILE_CODES = new Set(ALL_CODES.filter((c) => c.scope === 'file').map((c) => c.code));

interface Case {
  readonly name: string;
  readonly files: FileChange[];
  readonly settings: Settings;
}

function analyse(files: readonly FileChange[], settings: Settings): Analysis {
  const host = new AnalysisHost();
  host.setSettings(settings);
  host.applyChanges(files);
  return host.snapshot();
}

/** The analysis of some of the files of `whole` (each file is parsed on its own: its facts are shared, not parsed again). */
function subset(whole: Analysis, uris: Iterable<string>): Analysis {
  return new Analysis(whole.index.only(uris), whole.settings);
}

const key = (f: Finding): string => JSON.stringify(f);
const fileScoped = (a: Analysis, uri: string): string[] =>
  a
    .findingsFor(uri)
    .filter((f) => FILE_CODES.has(f.code))
    .map(key)
    .sort();

function leafDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    const entries = readdirSync(d, { withFileTypes: true });
    if (entries.some((e) => e.isFile() && /\.(ya?ml|json)$/i.test(e.name))) out.push(d);
    for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
  };
  if (existsSync(root)) walk(root);
  return out.sort();
}

function readDir(dir: string, recursive: boolean): FileChange[] {
  const out: FileChange[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (recursive) walk(p);
      } else if (/\.(ya?ml|json)$/i.test(e.name) && e.name !== 'settings.json')
        out.push({ uri: pathToFileURL(p).href, text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const ws of workspaces()) {
    out.push({
      name: `checks/${ws.dir.split('/checks/')[1] ?? ws.dir}`,
      files: readDir(ws.dir, false),
      settings: settingsFor(ws),
    });
  }
  out.push({
    name: 'examples',
    files: readDir(join(REPO_ROOT, 'examples'), true),
    settings: DEFAULT_SETTINGS,
  });
  for (const root of ['realworld', 'semantics', 'corpus']) {
    for (const dir of leafDirs(join(REPO_ROOT, 'test', 'fixtures', root))) {
      out.push({
        name: dir.slice(join(REPO_ROOT, 'test', 'fixtures').length + 1),
        files: readDir(dir, false),
        settings: DEFAULT_SETTINGS,
      });
    }
  }
  return out.filter((c) => c.files.length > 0);
}

/**
 * A file that gives the workspace's policies something to match and collide with: every
 * namespace they name, declared with every label their namespaceSelectors ask for; a pod per
 * namespace with every label their podSelectors ask for, every port name they use, hostNetwork
 * and an IP; a Service per pod; and a second definition of each policy.
 */
function companion(a: Analysis): FileChange {
  const nsLabels: Record<string, string> = {};
  const podLabels: Record<string, string> = {};
  const portNames = new Set<string>();
  const namespaces = new Set<string>(['default', 'kube-system']);
  const addSel = (sel: LabelSelector | undefined, into: Record<string, string>): void => {
    for (const m of sel?.matchLabels ?? []) into[m.key.value] = m.value.value;
  };
  const policies: readonly NetworkPolicyResource[] = a.index.policies;
  for (const p of policies) {
    namespaces.add(p.namespace);
    addSel(p.podSelector, podLabels);
    for (const dir of ['ingress', 'egress'] as const) {
      for (const rule of p[dir]?.rules ?? []) {
        for (const peer of rule.peers ?? []) {
          addSel(peer.podSelector, podLabels);
          addSel(peer.namespaceSelector, nsLabels);
        }
        for (const port of rule.ports ?? [])
          if (typeof port.port?.value === 'string') portNames.add(port.port.value);
      }
    }
  }
  const docs: unknown[] = [];
  let i = 0;
  for (const ns of [...namespaces].sort()) {
    i++;
    docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: nsLabels } });
    const ports = [...portNames]
      .slice(0, 40)
      .map((name, j) => ({ name: name.slice(0, 15), containerPort: 1000 + j }));
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `companion-${i}`, namespace: ns, labels: podLabels },
      spec: { hostNetwork: true, containers: [{ name: 'c', image: 'x', ports }] },
      status: { podIP: `10.${i % 250}.0.9` },
    });
    docs.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `companion-${i}`, namespace: ns },
      spec: {
        selector: podLabels,
        clusterIP: `10.96.${i % 250}.9`,
        ports: [
          { port: 80, targetPort: 1000 },
          { port: 443, targetPort: 1001 },
        ],
      },
    });
  }
  for (const p of policies) {
    docs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: p.name.value, namespace: p.namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
  }
  return {
    uri: 'file:///netpol-lens-scope-test/companion.yaml',
    text: docs.map((d) => `---\n${JSON.stringify(d)}\n`).join(''),
  };
}

describe('check scopes', () => {
  it('every code declares a scope, and the checks whose findings need other files say workspace', () => {
    for (const c of ALL_CODES)
      assert.ok(c.scope === 'file' || c.scope === 'workspace', `${c.code} has no scope`);
    for (const code of [
      'namespace-selector-matches-nothing',
      'pod-selector-matches-nothing',
      'policy-selects-no-pods',
      'missing-dns-egress',
      'duplicate-policy',
      'workload-not-isolated',
    ]) {
      assert.equal(ALL_CODES.find((c) => c.code === code)?.scope, 'workspace', code);
    }
  });

  const all = cases();
  it('has workspaces to try', () => {
    assert.ok(all.length > 50, `${all.length} workspaces`);
  });

  it('a file-scoped finding is the same whatever other files the workspace holds', () => {
    const failures: string[] = [];
    let compared = 0;
    for (const c of all) {
      const whole = analyse(c.files, c.settings);
      // the same workspace with a companion file, and without another file (up to 8 tries)
      const variants: Array<[string, Analysis]> = [
        ['with a companion file', new Analysis(whole.index.applyChanges([companion(whole)]), c.settings)],
      ];
      const step = Math.max(1, Math.ceil(c.files.length / 8));
      if (c.files.length > 1) {
        for (let i = 0; i < c.files.length; i += step) {
          const o = c.files[i] as FileChange;
          variants.push([
            `without ${o.uri.split('/').pop()}`,
            subset(
              whole,
              c.files.filter((x) => x !== o).map((x) => x.uri),
            ),
          ]);
        }
      }
      for (const f of c.files) {
        const expected = fileScoped(whole, f.uri);
        for (const [how, a] of [['alone', subset(whole, [f.uri])] as [string, Analysis], ...variants]) {
          if (!a.index.file(f.uri)) continue; // the variant without this very file
          compared++;
          const got = fileScoped(a, f.uri);
          if (JSON.stringify(got) !== JSON.stringify(expected)) {
            failures.push(
              `${c.name}: ${f.uri.split('/').pop()} ${how}:\n  whole: ${expected.join('\n         ')}\n  ${how}: ${got.join('\n         ')}`,
            );
          }
        }
        // what the server publishes while indexing is exactly that part
        const own = whole.fileFindings(f.uri);
        for (const x of own)
          if (!FILE_CODES.has(x.code))
            failures.push(`${c.name}: fileFindings gave ${x.code}, which is not of scope file`);
        if (JSON.stringify(own.map(key).sort()) !== JSON.stringify(expected))
          failures.push(
            `${c.name}: fileFindings(${f.uri.split('/').pop()}) differs from the file-scoped findings of the whole workspace`,
          );
      }
    }
    assert.ok(compared > 500, `${compared} comparisons`);
    assert.deepEqual(failures.slice(0, 10), []);
  });
});
