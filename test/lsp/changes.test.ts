/**
 * `netpolLens/changes` and the change code lens (handlers/changes.ts) against a git base: the seed
 * example committed in a temporary repository, then the one edit that opens layer2 → layer1 made
 * in an unsaved buffer, on disk, and in a folder outside any repository.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { CodeLens } from 'vscode-languageserver-protocol';
import type { ChangesResult } from '../../server/src/protocol/requests';
import { LspClient, lspSuite, REPO_ROOT, tempWorkspace, withServer } from '../support/lsp-harness';
import { commitAll } from '../support/git';

const EDITED = readFileSync(
  join(REPO_ROOT, 'test/fixtures/diff/seed-opens-layer2/layer1/np-layer1.yaml'),
  'utf8',
);
const OPENED = [
  'layer2/busybox2[Deployment] layer1/busybox1[Deployment]',
  'layer2/busybox2[Deployment] layer1/nginx1[Deployment]',
  'layer2/nginx2[Deployment] layer1/busybox1[Deployment]',
  'layer2/nginx2[Deployment] layer1/nginx1[Deployment]',
];

async function changes(client: LspClient, params: unknown = {}): Promise<ChangesResult> {
  return client.request<ChangesResult>('netpolLens/changes', params);
}

function ok(r: ChangesResult): Extract<ChangesResult, { available: true }> {
  assert.ok(r.available, JSON.stringify(r));
  return r;
}

describe('netpolLens/changes and the change code lens', () => {
  const server = lspSuite({ prepare: commitAll });
  const { ws } = server;
  const { dir } = ws;
  const np1 = ws.fileUri('layer1/np-layer1.yaml');
  const original = readFileSync(join(dir, 'layer1/np-layer1.yaml'), 'utf8');

  it('nothing changed: available, no change, no change lens', async () => {
    const r = ok(await changes(server.client));
    assert.match(r.base, /^HEAD \([0-9a-f]{8}\)$/);
    assert.deepEqual(r.changes, []);
    assert.deepEqual(r.counts, { opened: 0, closed: 0 });
    await server.client.open(np1, original);
    const lenses = await server.client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: np1 },
    });
    assert.ok(!lenses.some((l) => /opens|closes/.test(l.command?.title ?? '')), JSON.stringify(lenses));
  });

  it('an unsaved edit that opens layer2 → layer1: four pairs opened, the lens says so and lists them', async () => {
    await server.client.change(np1, EDITED);
    const r = ok(await changes(server.client));
    assert.deepEqual(
      r.changes.map((c) => `${c.src} ${c.dst}`),
      OPENED,
    );
    assert.deepEqual(r.counts, { opened: 4, closed: 0 });
    const c = r.changes[0];
    assert.ok(c);
    assert.equal(c.before, 'none');
    assert.deepEqual(c.after, { TCP: [[80, 80]] });
    assert.deepEqual(c.opened, { TCP: [[80, 80]] });
    assert.equal(c.closed, 'none');
    assert.deepEqual(c.lines, [
      'opened: layer2/busybox2[Deployment] → layer1/busybox1[Deployment] TCP 80 (by `layer1/np-layer1` ingress rule 2, np-layer1.yaml:19)',
    ]);
    assert.equal(c.causes[0]?.location?.uri, np1);
    assert.equal(c.causes[0]?.location?.range.start.line, 18);
    assert.deepEqual(r.files, [np1]);

    const lenses = await server.client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: np1 },
    });
    const lens = lenses.find((l) => /^opens/.test(l.command?.title ?? ''));
    assert.ok(lens, JSON.stringify(lenses));
    assert.equal(lens.command?.title, 'opens 4 connections');
    assert.equal(lens.command?.command, 'netpolLens.showReachability');
    const tooltip = (lens.command as { tooltip?: string }).tooltip ?? '';
    assert.deepEqual(lens.command?.arguments, [
      { uri: np1, namespace: 'layer1', name: 'np-layer1', mode: 'changes', summary: tooltip },
    ]);
    assert.equal(tooltip.split('\n').length, 4, tooltip);
    assert.match(tooltip, /opened: layer2\/nginx2\[Deployment\] → layer1\/nginx1\[Deployment\] TCP 80/);

    // only that policy's changes; a policy that made none has none
    const mine = ok(
      await changes(server.client, { focusPolicy: { uri: np1, namespace: 'layer1', name: 'np-layer1' } }),
    );
    assert.equal(mine.changes.length, 4);
    const other = ok(
      await changes(server.client, {
        focusPolicy: { uri: ws.fileUri('layer2/np-layer2.yaml'), namespace: 'layer2', name: 'np-layer2' },
      }),
    );
    assert.deepEqual(other.changes, []);
  });

  it('an edit that closes: the lens counts what the unsaved buffer closes against HEAD', async () => {
    // no ingress rule at all: layer1 → layer1 closes (the pods reach each other through the rule)
    const closing = original.replace(/ {2}ingress:\n(?: {2}- from:\n(?: {4,}.*\n)+)/, '  ingress: []\n');
    assert.notEqual(closing, original);
    await server.client.change(np1, closing);
    const r = ok(await changes(server.client));
    assert.equal(r.counts.opened, 0);
    assert.ok(r.counts.closed > 0, JSON.stringify(r.changes));
    assert.ok(
      r.changes.every((c) => c.dst.startsWith('layer1/') && c.after === 'none'),
      JSON.stringify(r.changes),
    );
    const lenses = await server.client.request<CodeLens[]>('textDocument/codeLens', {
      textDocument: { uri: np1 },
    });
    assert.ok(
      lenses.some(
        (l) => l.command?.title === `closes ${r.counts.closed} connection${r.counts.closed === 1 ? '' : 's'}`,
      ),
      JSON.stringify(lenses.map((l) => l.command?.title)),
    );
  });

  it('saved and closed: the change on disk still counts; a deleted file closes its connections', async () => {
    writeFileSync(join(dir, 'layer1/np-layer1.yaml'), EDITED);
    await server.client.change(np1, EDITED);
    await server.client.close(np1);
    await server.client.waitForReady();
    await new Promise((r) => setTimeout(r, 1100)); // the list of differing files is reused for a second
    const r = ok(await changes(server.client));
    assert.deepEqual(
      r.changes.map((c) => `${c.src} ${c.dst}`),
      OPENED,
    );
    // a committed policy deleted from disk: its isolation is gone, what it denied opens
    unlinkSync(join(dir, 'layer3/np-layer3.yaml'));
    await server.client.notify('workspace/didChangeWatchedFiles', {
      changes: [{ uri: ws.fileUri('layer3/np-layer3.yaml'), type: 3 }],
    });
    await new Promise((r) => setTimeout(r, 1100));
    const d = ok(await changes(server.client));
    assert.ok(
      d.changes.some((c) => c.src === 'layer3/busybox3[Deployment]' && c.opened !== 'none'),
      JSON.stringify(d.changes.map((c) => c.lines)),
    );
    assert.ok(
      d.changes.some((c) => c.lines.some((l) => /no longer isolated by `layer3\/np-layer3`/.test(l))),
    );
  });

  it('an unknown netpolLens.diff.base says so and the mode is unavailable', async () => {
    server.client.settings = { diff: { base: 'no-such-branch' } };
    await server.client.notify('workspace/didChangeConfiguration', { settings: {} });
    await new Promise((r) => setTimeout(r, 300));
    const r = await changes(server.client);
    assert.equal(r.available, false);
    assert.match(r.available ? '' : r.reason, /unknown git ref "no-such-branch"/);
    server.client.settings = {};
    await server.client.notify('workspace/didChangeConfiguration', { settings: {} });
  });
});

describe('netpolLens/changes without a git repository', () => {
  it('is unavailable, with the reason, and no change lens', () =>
    withServer({}, async (client, ws) => {
      const r = await changes(client);
      assert.deepEqual(r, { available: false, reason: 'no workspace folder is inside a git repository' });
      const np1 = ws.fileUri('layer1/np-layer1.yaml');
      await client.open(np1, EDITED);
      const lenses = await client.request<CodeLens[]>('textDocument/codeLens', {
        textDocument: { uri: np1 },
      });
      assert.ok(lenses.length > 0 && !lenses.some((l) => /opens|closes/.test(l.command?.title ?? '')));
    }));
});

describe('netpolLens/changes in an untrusted workspace', () => {
  it('runs no git until the editor says trust was granted', () =>
    withServer({ prepare: commitAll, initializationOptions: { workspaceTrusted: false } }, async (client) => {
      const r = await changes(client);
      assert.equal(r.available, false);
      assert.match(r.available ? '' : r.reason, /not trusted/);
      await client.notify('netpolLens/workspaceTrusted', null);
      ok(await changes(client));
    }));
});

describe('netpolLens/changes in a multi-root workspace', () => {
  it('compares each folder with its own repository; a folder outside any is as it is', async () => {
    const b = tempWorkspace();
    const dirB = b.dir;
    // folder B has no repository: its files are the same on both sides, edits included
    rmSync(join(dirB, 'layer1'), { recursive: true, force: true });
    rmSync(join(dirB, 'layer2'), { recursive: true, force: true });
    try {
      await withServer({ prepare: commitAll, folders: (dirA) => [dirA, dirB] }, async (client, a) => {
        const none = ok(await changes(client));
        assert.deepEqual(none.changes, []);
        // an edit in B (no repository): not a change against any base
        const np3b = pathToFileURL(join(dirB, 'layer3/np-layer3.yaml')).href;
        await client.open(
          np3b,
          readFileSync(join(dirB, 'layer3/np-layer3.yaml'), 'utf8').replace(
            /policyTypes:\n(\s+- Ingress\n)\s+- Egress\n/,
            'policyTypes:\n$1',
          ),
        );
        const still = ok(await changes(client));
        assert.deepEqual(still.changes, [], JSON.stringify(still.changes.map((c) => c.lines)));
        // the edit in A (committed): a change
        const np1a = a.fileUri('layer1/np-layer1.yaml');
        await client.open(np1a, EDITED);
        const r = ok(await changes(client));
        assert.equal(r.counts.opened, 4, JSON.stringify(r.changes.map((c) => c.lines)));
        assert.deepEqual(r.files, [np1a]);
      });
    } finally {
      b.dispose();
    }
  });
});
