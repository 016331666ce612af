/**
 * `netpolLens.kustomize.render`: a build runs again when an input of it changes on disk, whatever
 * its name (core `buildInputs`: every file under its kustomizations' folders and every file they
 * name), and only then. The overlay of test/fixtures/roots-render/ws with a configMapGenerator
 * reading `app.env`; the fake kustomize prints a file the test rewrites as kustomize would print
 * the new build, and logs every build. Order of notifications, no timing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Diagnostic, RegistrationParams } from 'vscode-languageserver-protocol';
import { withServer } from '../support/lsp-harness';
import { ROOT } from '../support/golden';
import { fakeKustomize } from '../support/fake-kustomize';

const FIXTURE = join(ROOT, 'test', 'fixtures', 'roots-render');
const OUTPUT = readFileSync(join(FIXTURE, 'kustomize-build-output.txt'), 'utf8');
/** The build once app.env says the generated policy is for the web pods: it selects them. */
const OUTPUT_WEB = OUTPUT.replace(/app: ghost/, 'app: web');

const KUSTOMIZATION = `namespace: prod
buildMetadata: [originAnnotations]
resources:
- ../../base
patches:
- path: patch.yaml
configMapGenerator:
- name: settings
  envs:
  - app.env
`;

describe('netpolLens.kustomize.render: the inputs of a build', () => {
  let tmp: string;
  let fake: string;
  let log: string;
  let out: string;

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-kinputs-'));
    log = join(tmp, 'builds.log');
    out = join(tmp, 'output.yaml');
    fake = fakeKustomize(tmp, out, { log, requires: ['app.env'] });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const builds = (): number =>
    existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
  /** The generated policy of the output selects no pods (its finding goes on the kustomization: no origin). */
  const ghost = (ds: Diagnostic[]): boolean => ds.some((d) => d.code === 'policy-selects-no-pods');

  it('a changed .env builds again and the findings follow the output; an unrelated change does not', () => {
    writeFileSync(out, OUTPUT);
    rmSync(log, { force: true });
    return withServer(
      {
        from: join(FIXTURE, 'ws'),
        prepare: (dir) => {
          writeFileSync(join(dir, 'overlays', 'prod', 'kustomization.yaml'), KUSTOMIZATION);
          writeFileSync(join(dir, 'overlays', 'prod', 'app.env'), 'TARGET=ghost\n');
          mkdirSync(join(dir, 'docs'));
          writeFileSync(join(dir, 'docs', 'notes.txt'), 'notes\n');
        },
        settings: { kustomize: { render: true, command: fake } },
      },
      async (client, ws) => {
        const kUri = ws.fileUri('overlays/prod/kustomization.yaml');
        const env = join(ws.dir, 'overlays', 'prod', 'app.env');
        const changed = (path: string): Promise<void> =>
          client.notify('workspace/didChangeWatchedFiles', {
            changes: [{ uri: pathToFileURL(path).href, type: 2 }],
          });
        await client.waitForDiagnostics(kUri, ghost, 'the first build: the generated policy selects nothing');
        assert.equal(builds(), 1);

        // the input changes: kustomize would now print OUTPUT_WEB
        writeFileSync(out, OUTPUT_WEB);
        writeFileSync(env, 'TARGET=web\n');
        await changed(env);
        await client.waitForDiagnostics(
          kUri,
          (ds) => !ghost(ds),
          'the new build: the policy selects the web pods',
        );
        assert.equal(builds(), 2);

        // unrelated: a text file outside the kustomizations' folders, and a manifest no build reads
        writeFileSync(join(ws.dir, 'docs', 'notes.txt'), 'other notes\n');
        await changed(join(ws.dir, 'docs', 'notes.txt'));
        mkdirSync(join(ws.dir, 'other'));
        const other = join(ws.dir, 'other', 'policy.yaml');
        copyFileSync(join(FIXTURE, 'ws', 'base', 'policy.yaml'), other);
        writeFileSync(other, readFileSync(other, 'utf8').replace(/name: web/, 'name: unrelated'));
        await client.notify('workspace/didChangeWatchedFiles', {
          changes: [{ uri: pathToFileURL(other).href, type: 1 }],
        });
        await client.waitForDiagnostics(
          ws.fileUri('other/policy.yaml'),
          (ds) => ds.length > 0,
          'the findings of the unrelated manifest (a diagnostics pass ran)',
        );

        // the input changes back: one more build, and none for the unrelated changes
        writeFileSync(out, OUTPUT);
        writeFileSync(env, 'TARGET=ghost\n');
        await changed(env);
        await client.waitForDiagnostics(kUri, ghost, 'the third build');
        assert.equal(builds(), 3, readFileSync(log, 'utf8'));

        // the server asked the client to watch the overlay's folder (the .env is no manifest)
        const watched = client.serverRequests
          .filter((r) => r.method === 'client/registerCapability')
          .flatMap((r) => (r.params as RegistrationParams).registrations)
          .flatMap((r) => (r.registerOptions as { watchers?: { globPattern: unknown }[] }).watchers ?? [])
          .map((w) => w.globPattern);
        assert.ok(
          watched.some(
            (g) =>
              typeof g === 'object' &&
              g !== null &&
              (g as { baseUri: string }).baseUri ===
                pathToFileURL(join(ws.dir, 'overlays', 'prod') + '/').href &&
              (g as { pattern: string }).pattern === '**/*',
          ),
          `the overlay's folder is watched: ${JSON.stringify(watched)}`,
        );
      },
    );
  });
});
