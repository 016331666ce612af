// Static checks of what the extension contributes to VS Code: the manifest (commands, menus,
// settings), the snippets (each expands to a valid NetworkPolicy the analyzer accepts) and the
// injection grammar (it adds NetworkPolicy scopes without changing how VS Code's own YAML
// grammar tokenizes anything else). The grammar check uses the vscode-textmate and YAML grammar
// that ship inside code-server (installed by `npm run setup:e2e`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { ROOT } from './page';

interface Setting {
  type?: string;
  scope?: string;
  default?: unknown;
  enum?: string[];
  description?: string;
  markdownDescription?: string;
  properties?: Record<string, Setting>;
}
interface Manifest {
  main: string;
  icon: string;
  activationEvents: string[];
  capabilities: {
    untrustedWorkspaces: {
      supported: boolean | 'limited';
      description?: string;
      restrictedConfigurations?: string[];
    };
  };
  contributes: {
    commands: Array<{ command: string; title: string; category: string }>;
    menus: Record<string, Array<{ command: string; when: string }>>;
    configuration: { properties: Record<string, Setting> };
    snippets: Array<{ path: string }>;
    grammars: Array<{ scopeName: string; path: string; injectTo: string[] }>;
    languages?: unknown;
    yamlValidation?: unknown;
    jsonValidation?: unknown;
  };
}
interface Snippet {
  prefix: string;
  description: string;
  body: string[];
}

/** The bits of vscode-textmate and vscode-oniguruma this test uses. */
interface TmGrammar {
  tokenizeLine(
    line: string,
    state: unknown,
  ): { tokens: Array<{ startIndex: number; endIndex: number; scopes: string[] }>; ruleStack: unknown };
}
interface TmRegistry {
  loadGrammar(scope: string): Promise<TmGrammar | null>;
}
interface TextMate {
  Registry: new (o: {
    onigLib: Promise<unknown>;
    loadGrammar(scope: string): Promise<unknown>;
    getInjections(scope: string): string[] | undefined;
  }) => TmRegistry;
  parseRawGrammar(text: string, file: string): unknown;
  INITIAL: unknown;
}
interface Oniguruma {
  loadWASM(data: ArrayBufferLike): Promise<void>;
  OnigScanner: new (s: string[]) => unknown;
  OnigString: new (s: string) => unknown;
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const VSCODE = path.join(ROOT, '.e2e/cs/node_modules/code-server/lib/vscode');
const readSnippets = (): Record<string, Snippet> =>
  JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets/netpol.code-snippets'), 'utf8')) as Record<
    string,
    Snippet
  >;

/** Expands a snippet body with every placeholder at its default (first choice for choices). */
function expand(body: string | string[]): string {
  let text = Array.isArray(body) ? body.join('\n') : body;
  for (let guard = 0; guard < 20 && /\$\{\d+[:|]/.test(text); guard++) {
    text = text.replace(/\$\{\d+:([^${}]*)\}/g, '$1').replace(/\$\{\d+\|([^,|]*)[^}]*\|\}/g, '$1');
  }
  return text.replace(/\$\{\d+\}|\$\d+/g, '');
}

describe('package.json contributions', () => {
  const c = pkg.contributes;

  it('declares the four commands in the netpol-lens category, in the palette and the YAML context menu', () => {
    const byId = Object.fromEntries(c.commands.map((x) => [x.command, x]));
    assert.deepEqual(
      Object.fromEntries(Object.entries(byId).map(([id, x]) => [id, `${x.category}: ${x.title}`])),
      {
        'netpolLens.showReachability': 'netpol-lens: Show Reachability',
        'netpolLens.explainConnection': 'netpol-lens: Explain Connection…',
        'netpolLens.restartServer': 'netpol-lens: Restart Language Server',
        'netpolLens.showOutput': 'netpol-lens: Show Output',
      },
    );
    const menu = c.menus['editor/context'] ?? [];
    assert.deepEqual(menu.map((m) => m.command).sort(), [
      'netpolLens.explainConnection',
      'netpolLens.showReachability',
    ]);
    // only on documents holding a NetworkPolicy (a context key the client keeps up to date)
    for (const m of menu) assert.equal(m.when, 'netpolLens.policyDocument');
    const ext = fs.readFileSync(path.join(ROOT, 'client/src/extension.ts'), 'utf8');
    assert.match(ext, /setContext', 'netpolLens\.policyDocument'/);
  });

  it('adds no language id and no schema (coexists with the Red Hat YAML extension)', () => {
    assert.equal(c.languages, undefined);
    assert.equal(c.yamlValidation, undefined);
    assert.equal(c.jsonValidation, undefined);
    assert.deepEqual(pkg.activationEvents.sort(), [
      'onLanguage:json',
      'onLanguage:yaml',
      'onWebviewPanel:netpolLens.reachability',
    ]);
    // Restricted mode: everything but what runs a program (git, the user's kustomize), whose
    // settings a workspace may not set there.
    const trust = pkg.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.match(trust.description ?? '', /no git/);
    assert.deepEqual(trust.restrictedConfigurations, [
      'netpolLens.kustomize.render',
      'netpolLens.kustomize.command',
    ]);
    for (const key of trust.restrictedConfigurations ?? []) assert.ok(key in c.configuration.properties, key);
  });

  it('has a setting with a description for every server setting, and a severity entry for every documented code', () => {
    const props = c.configuration.properties as Record<string, Setting & { enum?: string[] }>;
    for (const key of [
      'netpolLens.checks',
      'netpolLens.dns.namespace',
      'netpolLens.dns.podLabels',
      'netpolLens.podCidrs',
      'netpolLens.serviceCidrs',
      'netpolLens.exclude',
      'netpolLens.reportUnisolatedWorkloads',
      'netpolLens.maxFileSize',
      'netpolLens.clusters',
      'netpolLens.namespaces',
      'netpolLens.defaultNamespace',
      'netpolLens.podProducers',
      'netpolLens.trace.server',
      'netpolLens.cache.enabled',
    ]) {
      const p = props[key];
      assert.ok(p, `${key} missing`);
      assert.ok(p.description || p.markdownDescription, `${key} has no description`);
    }
    // window-wide: the trace, the pod producers (read into the one index of the workspace) and the
    // facts cache (one per window, in its storage folder)
    const windowScoped = ['netpolLens.trace.server', 'netpolLens.podProducers', 'netpolLens.cache.enabled'];
    for (const [key, p] of Object.entries(props))
      assert.equal(p.scope, windowScoped.includes(key) ? 'window' : 'resource', key);
    assert.equal(props['netpolLens.reportUnisolatedWorkloads']?.default, false);
    assert.equal(props['netpolLens.cache.enabled']?.default, true);
    assert.deepEqual(props['netpolLens.trace.server']?.enum, ['off', 'messages', 'verbose']);

    const docs = fs.readFileSync(path.join(ROOT, 'docs/checks.md'), 'utf8');
    const documented = [
      ...docs.matchAll(/^## ([a-z][a-z0-9-]+)\n\n\*\*Default severity:\*\* ([a-z]+)/gm),
    ].map((m) => [m[1] ?? '', m[2] ?? ''] as const);
    assert.ok(documented.length >= 28, `only ${documented.length} codes found in docs/checks.md`);
    const checks = props['netpolLens.checks']?.properties ?? {};
    for (const [code, severity] of documented) {
      const entry = checks[code];
      assert.ok(entry, `netpolLens.checks has no entry for ${code}`);
      assert.deepEqual(entry.enum, ['error', 'warning', 'information', 'hint', 'off'], code);
      assert.match(
        entry.markdownDescription ?? '',
        new RegExp(`Default: \`${severity}\``),
        `${code}: default severity differs from docs/checks.md`,
      );
    }
  });

  it('ships the files it names', () => {
    for (const f of [
      pkg.main.replace(/^\.\//, ''),
      pkg.icon,
      ...c.snippets.map((s) => s.path),
      ...c.grammars.map((g) => g.path),
    ]) {
      assert.ok(fs.existsSync(path.join(ROOT, f)), `${f} is missing`);
    }
  });
});

describe('webview styles', () => {
  // CSS allows white space inside var( … ), and a long declaration is wrapped there
  it('take every colour from VS Code theme variables', () => {
    const css = fs
      .readFileSync(path.join(ROOT, 'client/webview/styles.css'), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '');
    const literal = css.match(/#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(/g);
    assert.deepEqual(literal, null, 'literal colours in styles.css');
    const vars = [...css.matchAll(/var\(\s*(--[\w-]+)/g)].map((m) => m[1] ?? '');
    const own = new Set([...css.matchAll(/^\s*(--[\w-]+)\s*:/gm)].map((m) => m[1]));
    const geometry = /^--(row-h|col-w|band-h|row-header-w|col-header-h)$/; // sizes set by matrix.ts
    for (const v of vars)
      assert.ok(
        v.startsWith('--vscode-') || own.has(v) || geometry.test(v),
        `${v} is neither a --vscode-* variable nor defined here`,
      );
    for (const m of css.matchAll(/^\s*(--[\w-]+)\s*:\s*([^;]+);/gm)) {
      if (/^--(allowed|denied|some|rule|header-bg)/.test(m[1] ?? ''))
        assert.match(m[2] ?? '', /^var\(\s*--vscode-/, `${m[1]} must come from the theme`);
    }
  });
});

describe('snippets', () => {
  const snippets = readSnippets();

  it('cover the common policies, each with a prefix, a description and tab stops', () => {
    const names = Object.keys(snippets);
    for (const want of [
      /deny ingress/,
      /deny egress/,
      /deny all/,
      /DNS egress/,
      /same namespace/,
      /from a namespace/,
      /ingress controller/,
      /egress to a CIDR/,
    ]) {
      assert.ok(
        names.some((n) => want.test(n)),
        `no snippet for ${want}`,
      );
    }
    for (const [name, s] of Object.entries(snippets)) {
      assert.ok(s.prefix && s.prefix.length, name);
      assert.ok(s.description && s.description.length > 20, name);
      assert.match(s.body.join('\n'), /\$\{1:/, `${name} has no tab stops`);
    }
    const cidr = expand(Object.entries(snippets).find(([n]) => /CIDR/.test(n))?.[1].body ?? '');
    assert.match(cidr, /except:\n\s+- 169\.254\.169\.254\/32/);
  });

  it('expand to valid NetworkPolicies that the analyzer reports no error for', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'netpol-snippets-'));
    try {
      for (const [i, [name, s]] of Object.entries(snippets).entries()) {
        const text = expand(s.body);
        const doc = YAML.parse(text) as { kind: string; apiVersion: string; spec: { podSelector: unknown } };
        assert.equal(doc.kind, 'NetworkPolicy', name);
        assert.equal(doc.apiVersion, 'networking.k8s.io/v1', name);
        assert.ok(doc.spec.podSelector, name);
        fs.writeFileSync(path.join(dir, `${i}.yaml`), text);
      }
      const cli = path.join(ROOT, 'server/dist/cli.js');
      assert.ok(fs.existsSync(cli), 'server/dist/cli.js is missing: build first');
      let out: string;
      try {
        out = execFileSync(process.execPath, [cli, 'check', dir, '--format', 'json'], { encoding: 'utf8' });
      } catch (e) {
        out = String((e as { stdout?: unknown }).stdout); // exit code 1 = findings at or above error
      }
      const errors = (JSON.parse(out) as Array<{ severity: string }>).filter((f) => f.severity === 'error');
      assert.deepEqual(errors, []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('injection grammar', () => {
  const grammarPath = path.join(ROOT, 'syntaxes/netpol.injection.tmLanguage.json');

  it('is contributed as an injection into source.yaml only', () => {
    const g = JSON.parse(fs.readFileSync(grammarPath, 'utf8')) as {
      scopeName: string;
      injectionSelector: string;
    };
    assert.deepEqual(pkg.contributes.grammars, [
      {
        scopeName: g.scopeName,
        path: './syntaxes/netpol.injection.tmLanguage.json',
        injectTo: ['source.yaml'],
      },
    ]);
    assert.match(g.injectionSelector, /^L:source\.yaml /);
  });

  it('adds NetworkPolicy scopes and leaves every other YAML token as it was', async () => {
    assert.ok(fs.existsSync(VSCODE), `code-server is not installed (${VSCODE}): run "npm run setup:e2e"`);
    // code-server's copies (untyped here: they are not dependencies of this package)
    const tm = (await import(path.join(VSCODE, 'node_modules/vscode-textmate'))) as TextMate;
    const onig = (await import(path.join(VSCODE, 'node_modules/vscode-oniguruma'))) as Oniguruma;
    await onig.loadWASM(
      fs.readFileSync(path.join(VSCODE, 'node_modules/vscode-oniguruma/release/onig.wasm')).buffer,
    );
    const syntaxes = path.join(VSCODE, 'extensions/yaml/syntaxes');
    const yamlFiles: Record<string, string> = {
      'source.yaml': 'yaml.tmLanguage.json',
      'source.yaml.1.3': 'yaml-1.3.tmLanguage.json',
      'source.yaml.1.2': 'yaml-1.2.tmLanguage.json',
      'source.yaml.1.1': 'yaml-1.1.tmLanguage.json',
      'source.yaml.1.0': 'yaml-1.0.tmLanguage.json',
      'source.yaml.embedded': 'yaml-embedded.tmLanguage.json',
    };
    const rawGrammar = (scope: string): unknown => {
      const file = yamlFiles[scope];
      if (file) return tm.parseRawGrammar(fs.readFileSync(path.join(syntaxes, file), 'utf8'), file);
      if (scope === 'netpol.injection')
        return tm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath);
      return null;
    };
    const registry = (withInjection: boolean): TmRegistry =>
      new tm.Registry({
        onigLib: Promise.resolve({
          createOnigScanner: (s: string[]) => new onig.OnigScanner(s),
          createOnigString: (s: string) => new onig.OnigString(s),
        }),
        loadGrammar: (scope: string) => Promise.resolve(rawGrammar(scope)),
        getInjections: (scope: string) =>
          withInjection && scope === 'source.yaml' ? ['netpol.injection'] : undefined,
      });
    const tokenize = async (
      withInjection: boolean,
      text: string,
    ): Promise<Array<{ text: string; scopes: string[] }>> => {
      const g = await registry(withInjection).loadGrammar('source.yaml');
      assert.ok(g, 'no source.yaml grammar');
      let state = tm.INITIAL;
      const out: Array<{ text: string; scopes: string[] }> = [];
      for (const line of text.split('\n')) {
        const r = g.tokenizeLine(line, state);
        state = r.ruleStack;
        for (const t of r.tokens) {
          const piece = line.slice(t.startIndex, t.endIndex);
          if (piece) out.push({ text: piece, scopes: t.scopes }); // the end-of-line token renders nothing
        }
      }
      return out;
    };
    const samples = [
      ...['layer1', 'layer2', 'layer3']
        .flatMap((l) =>
          ['apps.yaml', 'namespace.yaml', `np-${l}.yaml`].map((f) => path.join(ROOT, 'examples', l, f)),
        )
        .map((f) => fs.readFileSync(f, 'utf8')),
      ...Object.values(readSnippets()).map((s) => expand(s.body)),
      // not Kubernetes: a compose file and a workflow must look exactly the same
      'services:\n  web:\n    image: nginx\n    ports:\n      - "8080:80"\n    networks: [front]\n',
      'on:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          from: x\n',
    ];
    const added = new Set<string>();
    for (const text of samples) {
      const base = await tokenize(false, text);
      const inj = await tokenize(true, text);
      assert.deepEqual(
        inj.map((t) => t.text),
        base.map((t) => t.text),
        'token boundaries changed',
      );
      for (let i = 0; i < base.length; i++) {
        const b = base[i];
        const t = inj[i];
        assert.ok(b && t);
        const ours = t.scopes.filter((s) => s.endsWith('.netpol'));
        for (const s of ours) added.add(s);
        const rest = t.scopes.filter((s) => !s.endsWith('.netpol') && s !== 'entity.name.tag.yaml');
        const baseRest = b.scopes.filter(
          (s) =>
            s !== 'entity.name.tag.yaml' &&
            (ours.length === 0 || !/^(meta\.map\.key|string\.unquoted\.plain)/.test(s)),
        );
        assert.deepEqual(
          rest,
          baseRest,
          `scopes of ${JSON.stringify(t.text)} changed beyond the injected ones`,
        );
        if (
          ours.some((s) =>
            /^(support\.type\.(selector|peer)|keyword\.control\.rule|meta\.rule-part)\.netpol$/.test(s),
          )
        )
          assert.ok(t.scopes.includes('entity.name.tag.yaml'), `${t.text} lost its key scope`);
      }
      // visible scopes never land in non-Kubernetes YAML
      if (!/apiVersion/.test(text)) {
        const visible = inj
          .flatMap((t) => t.scopes)
          .filter((s) => s.endsWith('.netpol') && !s.startsWith('meta.'));
        assert.deepEqual(visible, [], `visible NetworkPolicy scopes in:\n${text}`);
      }
    }
    for (const s of [
      'support.type.selector.netpol',
      'support.type.peer.netpol',
      'keyword.control.rule.netpol',
      'constant.language.policy-type.netpol',
      'constant.language.protocol.netpol',
      'constant.numeric.cidr.netpol',
      'entity.name.type.networkpolicy.netpol',
    ]) {
      assert.ok(added.has(s), `${s} never produced`);
    }
  });
});
