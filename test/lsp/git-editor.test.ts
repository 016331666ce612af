/**
 * The base read through the editor's git (`netpolLens/git`, lsp/git-editor.ts): a client that says
 * in InitializationOptions it has VS Code's git extension is asked the git questions, and its
 * answers make the base; what it cannot answer (`{unavailable}`, an error response) goes to the git
 * command line; a client that says nothing is never asked. The fake editor here answers from the
 * repository with the git command line, or, where a test says so, with its own view of it.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangesResult, GitParams, GitResult } from '../../server/src/protocol/requests';
import { LspClient, REPO_ROOT, tempWorkspace } from '../support/lsp-harness';
import { git } from '../support/git';

const EDITED = readFileSync(
  join(REPO_ROOT, 'test/fixtures/diff/seed-opens-layer2/layer1/np-layer1.yaml'),
  'utf8',
);

/** A committed copy of the seed. */
function repo(): { dir: string; np1: string; dispose: () => void } {
  const ws = tempWorkspace();
  const dir = realpathSync(ws.dir);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'seed');
  return { dir, np1: ws.fileUri('layer1/np-layer1.yaml'), dispose: ws.dispose };
}

/** An editor's git that answers from the repository at `dir` (as VS Code's git extension would). */
function editorGit(dir: string, asked: GitParams[]): (p: unknown) => GitResult {
  return (raw) => {
    const p = raw as GitParams;
    asked.push(p);
    switch (p.op) {
      case 'top':
        return p.dir.startsWith(dir) ? { top: dir } : { unavailable: 'no repository' };
      case 'commit': {
        const r = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${p.ref}^{commit}`], {
          cwd: p.top,
          encoding: 'utf8',
        });
        return r.status === 0 ? { commit: r.stdout.trim() } : { error: `bad revision '${p.ref}'` };
      }
      case 'differences': {
        const changed = git(p.top, 'diff', '--name-only', '-z', p.commit).split('\0').filter(Boolean);
        const untracked = git(p.top, 'ls-files', '--others', '--exclude-standard', '-z')
          .split('\0')
          .filter(Boolean);
        return { changed, untracked };
      }
      case 'show': {
        const r = spawnSync('git', ['show', `${p.commit}:${p.path}`], { cwd: p.top });
        return { base64: r.status === 0 ? r.stdout.toString('base64') : null };
      }
    }
  };
}

async function changes(client: LspClient): Promise<ChangesResult> {
  return client.request<ChangesResult>('netpolLens/changes', {});
}

describe('the git base through the editor (netpolLens/git)', () => {
  const cleanup: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  async function start(
    dir: string,
    initializationOptions: unknown,
    handler?: (p: unknown) => unknown,
  ): Promise<LspClient> {
    const { client } = await LspClient.start({
      folders: [dir],
      initializationOptions,
      ...(handler ? { requestHandlers: { 'netpolLens/git': handler } } : {}),
    });
    cleanup.push(() => client.stop());
    await client.waitForReady();
    return client;
  }

  it('a client with the git extension is asked, and its answers make the base (via vscode.git)', async () => {
    const r = repo();
    cleanup.push(r.dispose);
    const asked: GitParams[] = [];
    const client = await start(r.dir, { gitExtension: true }, editorGit(r.dir, asked));
    await client.open(r.np1, EDITED);
    const res = await changes(client);
    assert.ok(res.available, JSON.stringify(res));
    assert.deepEqual(res.via, ['vscode.git']);
    assert.deepEqual(res.counts, { opened: 4, closed: 0 });
    assert.match(res.base, /^HEAD \([0-9a-f]{8}\)$/);
    const ops = new Set(asked.map((a) => a.op));
    assert.deepEqual([...ops].sort(), ['commit', 'differences', 'show', 'top']);
    assert.ok(
      asked.some((a) => a.op === 'show' && a.path === 'layer1/np-layer1.yaml'),
      JSON.stringify(asked),
    );
  });

  it("the editor's view of the repository is the one used, not the command line's", async () => {
    // the editor says the commit held no np-layer1.yaml: then the file is new, and every
    // connection its policy allows (or isolates away) is a change, which git itself would not say
    const r = repo();
    cleanup.push(r.dispose);
    const real = editorGit(r.dir, []);
    const client = await start(r.dir, { gitExtension: true }, (p) => {
      const q = p as GitParams;
      if (q.op === 'show' && q.path === 'layer1/np-layer1.yaml') return { base64: null };
      return real(p);
    });
    await client.open(r.np1, EDITED);
    const res = await changes(client);
    assert.ok(res.available, JSON.stringify(res));
    assert.deepEqual(res.via, ['vscode.git']);
    assert.ok(res.counts.closed > 0, JSON.stringify(res.counts));
  });

  it('a repository the editor does not know is read with the git command line (via git)', async () => {
    const r = repo();
    cleanup.push(r.dispose);
    const asked: GitParams[] = [];
    const client = await start(r.dir, { gitExtension: true }, (p) => {
      asked.push(p as GitParams);
      return { unavailable: 'no repository open there' };
    });
    await client.open(r.np1, EDITED);
    const res = await changes(client);
    assert.ok(res.available, JSON.stringify(res));
    assert.deepEqual(res.via, ['git']);
    assert.deepEqual(res.counts, { opened: 4, closed: 0 });
    assert.deepEqual(
      asked.map((a) => a.op),
      ['top'],
    );
  });

  it('a client whose git requests fail falls back to the command line and says so in the log', async () => {
    const r = repo();
    cleanup.push(r.dispose);
    const client = await start(r.dir, { gitExtension: true }, () => {
      throw new Error('no handler');
    });
    await client.open(r.np1, EDITED);
    const res = await changes(client);
    assert.ok(res.available, JSON.stringify(res));
    assert.deepEqual(res.via, ['git']);
    assert.deepEqual(res.counts, { opened: 4, closed: 0 });
    assert.ok(
      client.logs.some((l) => /editor's git did not answer/.test(l)),
      client.logs.join('\n'),
    );
  });

  it("an unknown ref the editor rejects is reported in the setting's words", async () => {
    const r = repo();
    cleanup.push(r.dispose);
    const { client } = await LspClient.start({
      folders: [r.dir],
      initializationOptions: { gitExtension: true },
      settings: { diff: { base: 'no-such-branch' } },
      requestHandlers: { 'netpolLens/git': editorGit(r.dir, []) },
    });
    cleanup.push(() => client.stop());
    await client.waitForReady();
    const res = await changes(client);
    assert.equal(res.available, false);
    assert.match(
      (res as { reason: string }).reason,
      /unknown git ref "no-such-branch".*netpolLens\.diff\.base/,
    );
  });

  it('a client that does not say it has the git extension is never asked', async () => {
    const r = repo();
    cleanup.push(r.dispose);
    const asked: GitParams[] = [];
    const client = await start(r.dir, {}, editorGit(r.dir, asked));
    await client.open(r.np1, EDITED);
    const res = await changes(client);
    assert.ok(res.available, JSON.stringify(res));
    assert.deepEqual(res.via, ['git']);
    assert.deepEqual(asked, []);
  });
});
