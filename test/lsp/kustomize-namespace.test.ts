/**
 * A kustomization's `namespace:` gives the policies it lists their namespace: `missing-namespace`
 * is not reported on them, in the server as in `check`. Before, where the kustomization was the
 * workspace's one analysis root, the server's incremental findings were computed on the files as
 * written (Analysis.findingsFor and findingsToken took only several roots for a plan): it reported
 * missing-namespace on the listed policy, whose hover said shop/deny, while `check .` found none.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/golden';
import { codes, emptyWorkspace, withServer, writeTree } from '../support/lsp-harness';

const CLI = join(ROOT, 'server', 'dist', 'cli.js');
const POLICY = (name: string): string =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`;
const APP: Record<string, string> = {
  'app/kustomization.yaml': 'namespace: shop\nresources:\n- web.yaml\n- deny.yaml\n',
  'app/web.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: x}]}\n',
  'app/deny.yaml': POLICY('deny'),
};

async function agree(files: Record<string, string>, expected: string[]): Promise<void> {
  const ws = emptyWorkspace();
  writeTree(ws.dir, files);
  const r = spawnSync(process.execPath, [CLI, 'check', '.', '--format', 'json'], {
    cwd: ws.dir,
    encoding: 'utf8',
  });
  const cli = (JSON.parse(r.stdout) as { code: string; path: string }[])
    .filter((f) => f.code === 'missing-namespace')
    .map((f) => f.path);
  assert.deepEqual(cli, expected, r.stdout);
  await withServer({ workspace: ws }, async (client) => {
    // after the index: what every file has (published for files that are not open too)
    const published = (): string[] =>
      [...client.diagnostics]
        .filter(([, p]) => codes(p.diagnostics).includes('missing-namespace'))
        .map(([u]) => u.slice(ws.uri.length + 1))
        .sort();
    assert.deepEqual(published(), expected);
    // the listed policy opened and edited: its findings still come from the kustomization's root
    const deny = ws.fileUri('app/deny.yaml');
    await client.open(deny, files['app/deny.yaml']!);
    await client.change(deny, POLICY('deny').replace('[Ingress]', '[Ingress, Egress]'));
    const ds = await client.waitForDiagnostics(deny, (_d, p) => p.version === 2, 'deny.yaml edited');
    assert.ok(!codes(ds).includes('missing-namespace'), JSON.stringify(ds));
    assert.deepEqual(published(), expected);
  });
}

describe("a kustomization's namespace and missing-namespace", () => {
  it('the kustomization the one root: check and the server report nothing', async () => {
    await agree(APP, []);
  });

  it('beside files of no kustomization: reported on the loose policy only', async () => {
    await agree({ ...APP, 'loose/other.yaml': POLICY('other') }, ['loose/other.yaml']);
  });
});
