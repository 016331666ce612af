/**
 * Watched files and build folders on Windows, tested on any system: a client names a file
 * `file:///C:/Repo/…` (VS Code: `file:///c%3A/Repo/…`), Node names it `C:\Repo\…`, the core
 * `/c:/Repo/…` (the CLI's non-canonical URIs: `/C:/Repo/…`). A watched-file event reaches
 * KustomizeRenderer.filesChanged in the core's form (lsp/uri.ts `corePath`, as session.ts gives
 * it), and both adapters build in, list and read the system's path of a core path (fs/paths.ts
 * `nativePath`, the one home: cli/kustomize.ts and lsp/kustomize.ts). Windows' rules through
 * `{ windows: true }` (Node's url module, path.win32). The index's overlay is an extensionless
 * `Kustomization`.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { win32 } from 'node:path';
import {
  AnalysisHost,
  DEFAULT_SETTINGS,
  globToRegExp,
  type Analysis,
  type BuildInputs,
} from '../../server/src/core/index';
import { loadLspModule } from '../support/lsp-harness';

interface UriModule {
  corePath(uri: string): string | undefined;
  uriOfCorePath(path: string): string;
  nativePath(path: string, windows?: boolean): string;
}
interface KustomizeModule {
  KustomizeRenderer: new (host: {
    trusted(): boolean;
    snapshot(): Analysis;
    setRenders(r: unknown): void;
    shown(dir: string): string;
    log(m: string): void;
    watch(inputs: BuildInputs): void;
  }) => {
    update(): void;
    filesChanged(events: readonly { path: string; structural: boolean }[]): boolean;
  };
}

const uri = loadLspModule<UriModule>('uri.ts');
const { nativePath } = loadLspModule<{ nativePath(this: void, path: string, windows?: boolean): string }>(
  '../fs/paths.ts',
);
const kustomize = loadLspModule<KustomizeModule>('kustomize.ts');

/** A repository at C:\Repo as the server's index keys it (canonical URIs), its overlay's kustomization extensionless. */
const REPO = 'file:///c%3A/Repo/';
const FILES: Record<string, string> = {
  'base/kustomization.yml': 'resources:\n- policy.yaml\n',
  'base/policy.yaml':
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: deny\nspec:\n  podSelector: {}\n',
  'overlays/prod/Kustomization':
    'namespace: prod\nresources:\n- ../../base\npatches:\n- path: fix.yaml\nconfigMapGenerator:\n- name: settings\n  envs:\n  - app.env\n  - ../../common/common.env\n',
};

function analysis(): Analysis {
  const host = new AnalysisHost();
  // a program that is on no PATH: the builds fail at once, the inputs are known before
  host.setSettings({
    ...DEFAULT_SETTINGS,
    kustomize: { render: true, command: 'netpol-lens-no-such-kustomize' },
  });
  host.applyChanges(Object.entries(FILES).map(([p, text]) => ({ uri: REPO + p, text })));
  return host.snapshot();
}

describe('watched paths on Windows', () => {
  it('a client URI, an index URI and a core path of one file are one core path', () => {
    for (const u of [
      'file:///C:/Repo/overlays/prod/app.env',
      'file:///c%3A/Repo/overlays/prod/app.env',
      'file:///c:/Repo/overlays/prod/app.env',
      'file:///C%3a/Repo/overlays/prod/app%2Eenv',
    ])
      assert.equal(uri.corePath(u), '/c:/Repo/overlays/prod/app.env', u);
    assert.equal(uri.corePath('file:///C:/My%20Repo/a%23b/x.env'), '/c:/My Repo/a#b/x.env');
    assert.equal(uri.corePath('untitled:Untitled-1'), undefined);
  });

  it('a core path as Windows names it, and back: fs/paths.ts nativePath (as lsp/uri.ts gives it) and uriOfCorePath agree', () => {
    const cases: [string, string][] = [
      ['/c:/Repo/overlays/prod/', 'c:\\Repo\\overlays\\prod\\'],
      ['/c:/Repo/overlays/prod', 'c:\\Repo\\overlays\\prod'],
      ['/c:/My Repo/a#b/50%.env', 'c:\\My Repo\\a#b\\50%.env'],
      // a kustomization's `..\common\x.env` joined to its folder: both separators, `..` folded
      ['/c:/Repo/overlays/prod/..\\common\\x.env', 'c:\\Repo\\overlays\\common\\x.env'],
    ];
    for (const [core, native] of cases) {
      assert.equal(nativePath(core, true), native, core);
      assert.equal(uri.nativePath(core, true), native, 'the server has the same one');
      assert.ok(win32.isAbsolute(native));
      if (!core.includes('\\')) assert.equal(uri.corePath(uri.uriOfCorePath(core)), core, core);
    }
    assert.equal(uri.uriOfCorePath('/c:/My Repo/a#b/'), 'file:///c%3A/My%20Repo/a%23b/');
    // POSIX: the path itself
    assert.equal(nativePath('/srv/My Repo/a#b/x.env', false), '/srv/My Repo/a#b/x.env');
    // no drive: no Windows path, and no exception either
    assert.equal(nativePath('/Repo/x.env', true), '\\Repo\\x.env');
  });

  it('an event for an input, in any spelling of its URI, asks for a build; another file does not', () => {
    const watched: BuildInputs[] = [];
    const r = new kustomize.KustomizeRenderer({
      trusted: () => true,
      snapshot: analysis,
      setRenders: () => {},
      shown: (d) => d,
      log: () => {},
      watch: (i) => watched.push(i),
    });
    r.update();
    // the extensionless Kustomization is read as the overlay's kustomization: its folder is an input
    assert.deepEqual(watched, [
      { dirs: ['/c:/Repo/base/', '/c:/Repo/overlays/prod/'], files: ['/c:/Repo/common/common.env'] },
    ]);
    // as session.ts hands them over: the core's path of the event's URI
    const changed = (u: string, structural = false): boolean =>
      r.filesChanged([{ path: uri.corePath(u) ?? '', structural }]);
    assert.ok(changed('file:///C:/Repo/overlays/prod/app.env'), 'VS Code on Windows before canonical form');
    assert.ok(changed('file:///c%3A/Repo/overlays/prod/app.env'));
    assert.ok(changed('file:///C:/Repo/overlays/prod/Kustomization'));
    assert.ok(changed('file:///C:/Repo/common/common.env'), 'a file named outside the folders');
    assert.ok(changed('file:///C:/Repo/overlays', true), 'a deleted folder holding an input folder');
    assert.ok(!changed('file:///C:/Repo/common/other.env'));
    assert.ok(!changed('file:///C:/Repo/overlays/production/app.env'));
    assert.ok(!changed('file:///D:/Repo/overlays/prod/app.env'), 'another drive');
  });

  it("the CLI's core paths (URIs spelt by pathToFileURL: /C:/…) are Windows paths too, for its build's folder and copy", () => {
    // cli/kustomize.ts: the build's cwd, the folder it names and its inputs' places in the repository
    const dir = '/C:/Repo/overlays/prod';
    assert.equal(nativePath(dir, true), 'C:\\Repo\\overlays\\prod');
    assert.equal(win32.relative('C:\\Repo', nativePath(`${dir}/`, true)), 'overlays\\prod');
    assert.equal(win32.relative('C:\\Repo', nativePath('/C:/Repo/', true)), '', 'the whole repository');
  });
});

describe("the watchers of a build's inputs (lsp/uri.ts inputWatchGlobs)", () => {
  const { inputWatchGlobs, escapeGlob } = loadLspModule<{
    inputWatchGlobs(
      this: void,
      inputs: { dirs: string[]; files: string[] },
      relative: boolean,
      windows?: boolean,
    ): unknown[];
    escapeGlob(this: void, name: string): string;
  }>('uri.ts');

  it('escapes the glob characters of folder and file names, in both forms; ! stays itself', () => {
    assert.equal(escapeGlob('a[1]{x,y}*?!.yaml'), 'a[[]1[]][{]x,y[}][*][?]!.yaml');
    // each escaped name matches itself only, by VS Code's glob rules (core text/glob.ts, their truth table)
    for (const name of ['a[1]{x,y}*?!.yaml', ']x[', '{}', '[!a]', 'plain.yaml'])
      for (const other of [name, name.replace(/.$/, 'Z'), `${name}x`, name.slice(1)])
        assert.equal(globToRegExp(escapeGlob(name)).test(other), other === name, `${name} ~ ${other}`);
    const inputs = { dirs: ['/repo/over[lay]/'], files: ['/repo/base/{patch}.yaml', '/repo/base/app!.env'] };
    assert.deepEqual(inputWatchGlobs(inputs, false), [
      '/repo/over[[]lay[]]/**/*',
      '/repo/base/[{]patch[}].yaml',
      '/repo/base/app!.env',
    ]);
    assert.deepEqual(inputWatchGlobs(inputs, true), [
      { baseUri: 'file:///repo/over%5Blay%5D/', pattern: '**/*' },
      { baseUri: 'file:///repo/base/', pattern: '[{]patch[}].yaml' },
      { baseUri: 'file:///repo/base/', pattern: 'app!.env' },
    ]);
    // Windows: the native path with `/`
    assert.deepEqual(inputWatchGlobs({ dirs: ['/c:/Repo/k8s/'], files: [] }, false, true), [
      'c:/Repo/k8s/**/*',
    ]);
  });
});
