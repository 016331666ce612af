/**
 * Unit tests of the adapter's pure helpers: glob matching for the exclude settings (the core's
 * text/glob.ts, which the server uses), settings mapping, URI canonicalization, diagnostics
 * conversion. (Bundled from server/src/lsp on the fly.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadLspModule } from '../support/lsp-harness';
import { win32 } from 'node:path';
import {
  buildInputs,
  compileGlobs,
  filesExcludePatterns,
  globToRegExp,
  isBuildInput,
} from '../../server/src/core/index';

interface ConfigModule {
  toCoreSettings(raw: unknown): {
    severities: Record<string, string>;
    dns: { namespace: string; podLabels: Record<string, string> };
    podCidrs: string[];
    serviceCidrs: string[];
    reportUnisolatedWorkloads: boolean;
  };
  scopeConfig(
    raw: unknown,
    filesExclude: unknown,
  ): { key: string; excludePatterns: string[]; isExcluded(p: string): boolean };
  relativePath(folder: string, uri: string): string | undefined;
}
interface UriModule {
  canonicalUri(uri: string): string;
  childUri(parent: string, name: string): string;
  corePath(uri: string): string | undefined;
  uriOfCorePath(path: string): string;
  nativePath(path: string, windows?: boolean): string;
}

const glob = { compileGlobs, filesExcludePatterns, globToRegExp };
const config = loadLspModule<ConfigModule>('config.ts');
const uri = loadLspModule<UriModule>('uri.ts');

describe('glob matching (files.exclude / netpolLens.exclude)', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*.yaml', 'a.yaml', true],
    ['*.yaml', 'dir/a.yaml', false], // `*` stays in one segment: the pattern is relative to the folder root
    ['**/*.yaml', 'dir/sub/a.yaml', true],
    ['**/*.yaml', 'a.yaml', true],
    ['**/node_modules', 'node_modules', true],
    ['**/node_modules', 'x/node_modules', true],
    ['**/charts/**/templates/**', 'charts/web/templates/np.yaml', true],
    ['**/charts/**/templates/**', 'deploy/charts/web/v1/templates/np.yaml', true],
    ['**/charts/**/templates/**', 'charts/web/values.yaml', false],
    ['build/**', 'build/out/a.yaml', true],
    ['build/**', 'src/build/a.yaml', false],
    ['**/*.{yaml,yml}', 'a/b.yml', true],
    ['**/*.{yaml,yml}', 'a/b.json', false],
    ['{a,b/{c,d}}/*.yaml', 'b/d/x.yaml', true],
    ['{a,b/{c,d}}/*.yaml', 'b/e/x.yaml', false],
    ['np-?.yaml', 'np-1.yaml', true],
    ['np-?.yaml', 'np-12.yaml', false],
    ['np-[0-9].yaml', 'np-7.yaml', true],
    ['np-[!0-9].yaml', 'np-7.yaml', false],
    ['np-[!0-9].yaml', 'np-x.yaml', true],
    ['./layer1/*.yaml', 'layer1/np.yaml', true],
    ['/layer1/*.yaml', 'layer1/np.yaml', true],
    ['a.b+(c).yaml', 'a.b+(c).yaml', true],
    ['a.b+(c).yaml', 'aXb+(c).yaml', false],
    ['**', 'anything/at/all.yaml', true],
  ];
  for (const [pattern, path, expected] of cases) {
    it(`${pattern} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
      assert.equal(glob.compileGlobs([pattern])(path), expected);
    });
  }

  it('excludes everything inside a matched folder', () => {
    const m = glob.compileGlobs(['**/node_modules', 'vendor']);
    assert.equal(m('a/node_modules/x/y.yaml'), true);
    assert.equal(m('vendor/k8s/np.yaml'), true);
    assert.equal(m('src/vendor/np.yaml'), false);
  });

  it('ignores empty patterns and matches nothing without patterns', () => {
    assert.equal(glob.compileGlobs([])('a.yaml'), false);
    assert.equal(glob.compileGlobs(['', '  '])('a.yaml'), false);
  });

  it('takes only the files.exclude patterns set to true', () => {
    assert.deepEqual(
      glob.filesExcludePatterns({ '**/.git': true, '**/x': false, '**/*.js': { when: '$(basename).ts' } }),
      ['**/.git'],
    );
    assert.deepEqual(glob.filesExcludePatterns(null), []);
    assert.deepEqual(glob.filesExcludePatterns(['a']), []);
  });
});

describe('settings mapping (NetpolLensSettings → core Settings)', () => {
  it('uses the defaults for a missing or junk configuration', () => {
    for (const raw of [undefined, null, 42, 'x']) {
      const s = config.toCoreSettings(raw);
      assert.deepEqual(s.severities, {});
      assert.deepEqual(s.dns, { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } });
      assert.equal(s.reportUnisolatedWorkloads, false);
    }
  });

  it('maps checks, dns, CIDRs and reportUnisolatedWorkloads, dropping invalid values', () => {
    const s = config.toCoreSettings({
      checks: { 'redundant-rule': 'off', 'missing-dns-egress': 'Error', 'egress-allows-all': 'loud', x: 3 },
      dns: { namespace: ' dns ', podLabels: { app: 'coredns', bad: 1 } },
      podCidrs: ['10.244.0.0/16', 7, ''],
      serviceCidrs: '10.96.0.0/12',
      reportUnisolatedWorkloads: true,
    });
    assert.deepEqual(s.severities, { 'redundant-rule': 'off', 'missing-dns-egress': 'error' });
    assert.deepEqual(s.dns, { namespace: 'dns', podLabels: { app: 'coredns' } });
    assert.deepEqual(s.podCidrs, ['10.244.0.0/16']);
    assert.deepEqual(s.serviceCidrs, []);
    assert.equal(s.reportUnisolatedWorkloads, true);
  });

  it('merges netpolLens.exclude with files.exclude, and keys equal settings equally', () => {
    const a = config.scopeConfig(
      { exclude: ['charts/**'], checks: { a: 'off', b: 'hint' } },
      { '**/tmp': true },
    );
    const b = config.scopeConfig({ checks: { b: 'hint', a: 'off' } }, {});
    assert.deepEqual(a.excludePatterns, ['charts/**', '**/tmp']);
    assert.equal(a.isExcluded('charts/x/np.yaml'), true);
    assert.equal(a.isExcluded('x/tmp/np.yaml'), true);
    assert.equal(a.isExcluded('np.yaml'), false);
    assert.equal(a.key, b.key);
  });

  it('computes paths relative to a folder', () => {
    assert.equal(config.relativePath('file:///ws', 'file:///ws/a/b%20c.yaml'), 'a/b c.yaml');
    assert.equal(config.relativePath('file:///ws', 'file:///wsx/a.yaml'), undefined);
  });
});

describe('URI canonicalization', () => {
  it('spells file URIs as VS Code does', () => {
    assert.equal(uri.canonicalUri('file:///a/b c/x@1.yaml'), 'file:///a/b%20c/x%401.yaml');
    assert.equal(uri.canonicalUri('file:///a/b%20c/x%401.yaml'), 'file:///a/b%20c/x%401.yaml');
    assert.equal(uri.canonicalUri('file:///C:/x/y.yaml'), 'file:///c%3A/x/y.yaml');
    assert.equal(uri.canonicalUri('file:///a/(1)!.yaml'), 'file:///a/%281%29%21.yaml');
    assert.equal(uri.canonicalUri('untitled:Untitled-1'), 'untitled:Untitled-1');
    assert.equal(uri.childUri('file:///a/b', 'c d.yaml'), 'file:///a/b/c%20d.yaml');
  });
});

describe("watched files against the builds' inputs: one form of a path (lsp/uri.ts corePath)", () => {
  // a Windows workspace: the index keys files by canonical URIs (`c%3A`), the client's events may
  // spell the drive either way, and Node's native path is `C:\\…` (path.win32 on any platform)
  const w = 'file:///c%3A/Users/Me/k8s';
  const target = {
    uri: `${w}/overlays/prod/kustomization.yaml`,
    dir: '/c:/Users/Me/k8s/overlays/prod',
    files: [`${w}/overlays/prod/kustomization.yaml`, `${w}/base/kustomization.yaml`, `${w}/base/policy.yaml`],
    reads: ['/c:/Users/Me/k8s/config/app properties.env'],
  };
  const inputs = buildInputs(target);

  it('the inputs are core paths; an event URI of any spelling is matched in that form', () => {
    assert.deepEqual(inputs, {
      dirs: ['/c:/Users/Me/k8s/base/', '/c:/Users/Me/k8s/overlays/prod/'],
      files: ['/c:/Users/Me/k8s/config/app properties.env'],
    });
    for (const event of [
      'file:///C:/Users/Me/k8s/overlays/prod/config.env',
      'file:///c%3A/Users/Me/k8s/overlays/prod/config.env',
      'file:///c:/Users/Me/k8s/base/sub/patch.json',
      'file:///C%3A/Users/Me/k8s/config/app%20properties.env',
    ]) {
      const path = uri.corePath(event);
      assert.ok(path !== undefined && isBuildInput(inputs, path), `${event} → ${path}`);
    }
    for (const event of [
      'file:///c%3A/Users/Me/k8s/overlays/dev/config.env',
      'file:///d%3A/Users/Me/k8s/base/x.yaml',
    ])
      assert.ok(!isBuildInput(inputs, uri.corePath(event) ?? ''), event);
    assert.equal(uri.corePath('untitled:Untitled-1'), undefined);
    // the native path of the same file is no core path: what matching on it used to miss
    const native = win32.join('C:\\', 'Users', 'Me', 'k8s', 'overlays', 'prod', 'config.env');
    assert.ok(!isBuildInput(inputs, native));
  });

  it('a core path is given to the disk and the client as each takes it', () => {
    assert.equal(
      uri.nativePath('/c:/Users/Me/k8s/overlays/prod', true),
      'c:\\Users\\Me\\k8s\\overlays\\prod',
    );
    assert.equal(
      win32.resolve(uri.nativePath('/c:/Users/Me/k8s/config/app properties.env', true)).toLowerCase(),
      win32.join('C:\\Users\\Me\\k8s\\config', 'app properties.env').toLowerCase(),
    );
    assert.equal(uri.nativePath('/home/me/k8s/base/', false), '/home/me/k8s/base/');
    assert.equal(uri.uriOfCorePath('/c:/Users/Me/k8s/base/'), `${w}/base/`);
    assert.equal(uri.uriOfCorePath('/home/me/a b/'), 'file:///home/me/a%20b/');
    // round trips: URI → core path → URI, core path → native → core path
    for (const u of target.files) assert.equal(uri.uriOfCorePath(uri.corePath(u) ?? ''), u);
    const back = (native: string): string | undefined =>
      uri.corePath(`file:///${native.split(win32.sep).map(encodeURIComponent).join('/')}`);
    assert.equal(back(uri.nativePath(target.dir, true)), target.dir);
  });
});

interface SchedulerModule {
  Scheduler: new (
    host: { applyChanges(c: unknown[]): void; snapshot(): unknown },
    run: () => void,
    options?: { delay?: number; minDelay?: number; now?: () => number },
  ) => {
    currentDelay(): number;
    edit(c: { uri: string; text: string }): void;
    runNow(): void;
    dispose(): void;
  };
}
const scheduling = loadLspModule<SchedulerModule>('scheduler.ts');

describe('scheduler: the debounce adapts to the cost of a pass', () => {
  it('waits as long as the last pass took, between the shortest and the longest delay', () => {
    // a fake clock: each pass advances it by exactly `cost` ms, whatever the machine's load
    let clock = 0;
    let cost = 0;
    const host = { applyChanges: () => undefined, snapshot: () => ({}) };
    const s = new scheduling.Scheduler(
      host,
      () => {
        clock += cost;
      },
      { delay: 200, minDelay: 50, now: () => clock },
    );
    try {
      assert.equal(s.currentDelay(), 50, 'no pass yet: the shortest delay');
      cost = 60;
      s.runNow();
      assert.equal(s.currentDelay(), 60, 'a 60 ms pass: as long');
      cost = 250;
      s.runNow();
      assert.equal(s.currentDelay(), 200, 'capped at the longest delay');
      cost = 0;
      s.runNow();
      assert.equal(s.currentDelay(), 50, 'a cheap pass: back to the shortest delay');
    } finally {
      s.dispose();
    }
  });
});
