/**
 * `netpolLens.kustomize.render` in the server (lsp/kustomize.ts): in a trusted workspace the
 * configured kustomize (a fake printing the canned build of test/fixtures/roots-render) renders the
 * overlay and the findings on its output are published on the source files; in an untrusted one it
 * never runs until the editor says trust was granted. Order of notifications, no timing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CodeLens,
  DocumentSymbol,
  Hover,
  Location,
  MarkupContent,
} from 'vscode-languageserver-protocol';
import { positionOf, withServer } from '../support/lsp-harness';
import { ROOT } from '../support/golden';
import { fakeKustomize } from '../support/fake-kustomize';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'roots-render');

describe('netpolLens.kustomize.render in the server', () => {
  let tmp: string;
  let fake: string;
  let log: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-kustomize-'));
    log = join(tmp, 'args.log');
    fake = fakeKustomize(tmp, join(FIXTURE, 'kustomize-build-output.txt'), { log });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const rendered = (d: { code?: unknown; message: string }[]): boolean =>
    d.some(
      (x) =>
        x.code === 'pod-selector-matches-nothing' &&
        /found in the output of `.*kustomize build overlays\/prod`/.test(x.message),
    );

  it('trusted: the build is analysed and its findings are on the source files', () => {
    rmSync(log, { force: true });
    return withServer(
      { from: join(FIXTURE, 'ws'), settings: { kustomize: { render: true, command: fake } } },
      async (client, ws) => {
        const d = await client.waitForDiagnostics(
          ws.fileUri('base/policy.yaml'),
          rendered,
          'the rendered finding',
        );
        assert.equal(d.find((x) => x.code === 'pod-selector-matches-nothing')?.range.start.line, 9);
        const k = await client.waitForDiagnostics(
          ws.fileUri('overlays/prod/kustomization.yaml'),
          (ds) => ds.some((x) => x.code === 'policy-selects-no-pods'),
          'the finding without origin on the kustomization',
        );
        assert.ok(!k.some((x) => x.code === 'kustomize-not-rendered'), 'rendered: no "not rendered"');
        assert.ok(existsSync(log));
        assert.deepEqual(
          [...client.diagnostics.keys()].filter((u) => u.includes('kustomize%20build')),
          [],
          'nothing is published on the virtual file of the output',
        );
      },
    );
  });

  it('trusted: hovers and code lenses on a source file answer from the build', () =>
    withServer(
      { from: join(FIXTURE, 'ws'), settings: { kustomize: { render: true, command: fake } } },
      async (client, ws) => {
        const uri = ws.fileUri('base/policy.yaml');
        await client.waitForDiagnostics(uri, rendered, 'the rendered finding');
        const text = readFileSync(join(ws.dir, 'base', 'policy.yaml'), 'utf8');
        await client.open(uri, text);
        const h = await client.request<Hover | null>('textDocument/hover', {
          textDocument: { uri },
          position: positionOf(text, 'web'),
        });
        const md = (h?.contents as MarkupContent | undefined)?.value ?? '';
        assert.match(md, /`prod\/web`/, 'the policy as the build names it');
        assert.match(md, /Selects 1 pod/);
        assert.ok(md.includes(`](${ws.fileUri('base/deploy.yaml')}#L4)`), `linked to the source: ${md}`);
        assert.deepEqual(h?.range?.start, positionOf(text, 'web'));
        const lenses = await client.request<CodeLens[]>('textDocument/codeLens', { textDocument: { uri } });
        assert.deepEqual(
          lenses.map((l) => [l.range.start.line, l.command?.title]),
          [
            [0, 'selects 1 pod · ingress 1 rule'],
            [0, 'Show reachability'],
          ],
        );
        // go to definition and document symbols answer from the build too (on main they were empty)
        const defs = await client.request<Location[]>('textDocument/definition', {
          textDocument: { uri },
          position: positionOf(text, 'app: web'),
        });
        assert.deepEqual(
          defs.map((l) => [l.uri, l.range.start.line]),
          [[ws.fileUri('base/deploy.yaml'), 7]],
        );
        const deployUri = ws.fileUri('base/deploy.yaml');
        const syms = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', {
          textDocument: { uri: deployUri },
        });
        assert.deepEqual(
          syms.map((x) => [x.name, x.detail, x.range.start.line, x.selectionRange.start.line]),
          [
            ['web', 'Deployment · prod · app=web', 0, 3],
            ['frontend', 'Deployment · prod · app=ui', 10, 13],
          ],
        );
      },
    ));

  it('untrusted: never runs; trust granted: renders', () => {
    rmSync(log, { force: true });
    return withServer(
      {
        from: join(FIXTURE, 'ws'),
        settings: { kustomize: { render: true, command: fake } },
        initializationOptions: { workspaceTrusted: false },
      },
      async (client, ws) => {
        const kUri = ws.fileUri('overlays/prod/kustomization.yaml');
        const d = await client.waitForDiagnostics(
          kUri,
          (ds) => ds.some((x) => x.code === 'kustomize-not-rendered'),
          'the information on the unrendered kustomization',
        );
        assert.equal(d.find((x) => x.code === 'kustomize-not-rendered')?.severity, 3);
        assert.ok(!rendered(client.diagnostics.get(ws.fileUri('base/policy.yaml'))?.diagnostics ?? []));
        assert.equal(existsSync(log), false, 'kustomize ran in an untrusted workspace');
        assert.ok(!client.logs.some((l) => /Rendered/.test(l)));
        await client.notify('netpolLens/workspaceTrusted', null);
        await client.waitForDiagnostics(
          ws.fileUri('base/policy.yaml'),
          rendered,
          'the rendered finding after trust',
        );
        assert.ok(existsSync(log));
      },
    );
  });
});

describe('netpolLens.kustomize.render on a Flux tree (test/fixtures/roots-render/flux)', () => {
  let tmp: string;
  let fake: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-kustomize-flux-'));
    fake = fakeKustomize(tmp, {
      'apps/prod': join(FIXTURE, 'flux-build-apps-prod.txt'),
      'clusters/prod/monitoring': join(FIXTURE, 'flux-build-monitoring.txt'),
    });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it("each spec.path is rendered in each cluster's targetNamespace; a hover on a source answers from it", () =>
    withServer(
      { from: join(FIXTURE, 'flux'), settings: { kustomize: { render: true, command: fake } } },
      async (client, ws) => {
        const peers = (ds: { code?: unknown; message: string }[]): string[] =>
          ds
            .filter(
              (x) =>
                x.code === 'pod-selector-matches-nothing' &&
                /found in the output of `.*kustomize build apps\/prod`/.test(x.message),
            )
            .map((x) => / of (\S+) matches/.exec(x.message)?.[1] ?? '')
            .sort();
        const d = await client.waitForDiagnostics(
          ws.fileUri('apps/base/policy.yaml'),
          (ds) => peers(ds).length === 2,
          'the rendered finding in both clusters',
        );
        assert.deepEqual(peers(d), ['shop-staging/web', 'shop/web']);
        const uri = ws.fileUri('clusters/prod/monitoring/policy.yaml');
        const text = readFileSync(join(ws.dir, 'clusters', 'prod', 'monitoring', 'policy.yaml'), 'utf8');
        await client.open(uri, text);
        const h = await client.request<Hover | null>('textDocument/hover', {
          textDocument: { uri },
          position: positionOf(text, 'prometheus'),
        });
        const md = (h?.contents as MarkupContent | undefined)?.value ?? '';
        assert.match(
          md,
          /`monitoring\/prometheus`/,
          "the output in the Flux Kustomization's targetNamespace",
        );
        assert.match(md, /Selects 1 pod/);
        assert.match(md, /ingress: only from .*namespace.*shop/, `the patched rule: ${md}`);
      },
    ));
});
