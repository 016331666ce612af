/**
 * kustomize reads a folder's `kustomization.yaml`, `kustomization.yml` or `Kustomization`
 * (core/manifest-files.ts KUSTOMIZATION_FILE_NAMES): the extensionless one is found by the
 * server's workspace scan and by the CLI's walk, watched (MANIFEST_GLOB), and read as a
 * kustomization (its namespace and labels applied) as the other two are. Before, it was no
 * manifest: its folder's objects were read as written, in `default` (missing-namespace).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistrationParams } from 'vscode-languageserver-protocol';
import { MANIFEST_GLOB } from '../../server/src/core/index';
import { ROOT } from '../support/golden';
import { codes, emptyWorkspace, withServer, writeTree } from '../support/lsp-harness';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const KUSTOMIZATION = 'namespace: shop\ncommonLabels:\n  team: a\nresources:\n- web.yaml\n- deny.yaml\n';
const FILES: Record<string, string> = {
  'app/web.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: x}]}\n',
  // selects no pod (app=wbe): its finding names the namespace and labels it is read with
  'app/deny.yaml':
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\nspec:\n  podSelector: {matchLabels: {app: wbe}}\n  policyTypes: [Ingress]\n',
};

function tree(dir: string, kustomization: string, text = KUSTOMIZATION): void {
  writeTree(dir, { ...FILES, [`app/${kustomization}`]: text });
}

const READ = /podSelector app=wbe, team=a of shop\/deny selects none of the 1 workload of namespace shop/;

describe('the extensionless Kustomization', () => {
  it("the client's own file watcher is the server's MANIFEST_GLOB", () => {
    const src = readFileSync(join(ROOT, 'client', 'src', 'client.ts'), 'utf8');
    const globs = [...src.matchAll(/createFileSystemWatcher\('([^']*)'\)/g)].map((m) => m[1]);
    assert.deepEqual(globs, [MANIFEST_GLOB]);
  });

  it('check: each of the three names is read as the kustomization; another spelling is not', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-knames-'));
    try {
      for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization', 'kustomization']) {
        const dir = join(tmp, name);
        tree(dir, name);
        const r = spawnSync(process.execPath, [CLI, 'check', '.'], { cwd: dir, encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        if (name === 'kustomization')
          // kustomize reads no `kustomization`: the folder is read as written, in default
          assert.match(r.stdout, /of default\/deny selects none/, r.stdout);
        else assert.match(r.stdout, READ, `${name}:\n${r.stdout}`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('the server: the scan reads it, the manifest watchers name it, and a change on disk is read again', async () => {
    const ws = emptyWorkspace();
    tree(ws.dir, 'Kustomization');
    await withServer({ workspace: ws }, async (client) => {
      const web = ws.fileUri('app/web.yaml');
      // the namespace comes from app/Kustomization: no missing-namespace (as without it, in default)
      await client.waitForDiagnostics(
        web,
        (ds) => ds.length === 0,
        'web.yaml read through app/Kustomization, its namespace set',
      );
      const globs = client.serverRequests
        .filter((r) => r.method === 'client/registerCapability')
        .flatMap((r) => (r.params as RegistrationParams).registrations)
        .filter((g) => g.method === 'workspace/didChangeWatchedFiles')
        .flatMap((g) => (g.registerOptions as { watchers: { globPattern: unknown }[] }).watchers)
        .map((w) => w.globPattern);
      // MANIFEST_GLOB: `**/{*.yaml,*.yml,*.json,Kustomization}`
      assert.ok(
        globs.some((g) => typeof g === 'string' && g.startsWith('**/') && /\bKustomization\b/.test(g)),
        JSON.stringify(globs),
      );
      // the Kustomization lists deny.yaml no more, on disk: its finding says it leaves the file out
      writeFileSync(join(ws.dir, 'app', 'Kustomization'), KUSTOMIZATION.replace('- deny.yaml\n', ''));
      await client.notify('workspace/didChangeWatchedFiles', {
        changes: [{ uri: ws.fileUri('app/Kustomization'), type: 2 }],
      });
      const k = await client.waitForDiagnostics(
        ws.fileUri('app/Kustomization'),
        (ds) => codes(ds).includes('kustomize-not-listed'),
        'the changed Kustomization read again',
      );
      assert.match(k.find((d) => d.code === 'kustomize-not-listed')?.message ?? '', /deny\.yaml/);
    });
  });
});
