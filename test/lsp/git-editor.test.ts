/**
 * The base read through the editor's git (`netpolLens/git`, lsp/git-editor.ts): a client that says
 * in InitializationOptions it has VS Code's git extension is asked the git questions, and its
 * answers make the base; what it cannot answer (`{unavailable}`, an error response) goes to the git
 * command line; a client that says nothing is never asked. The fake editor here answers from the
 * repository with the git command line, or, where a test says so, with its own view of it.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChangesResult, GitParams, GitResult } from '../../server/src/protocol/requests';
import { LspClient, REPO_ROOT, tempWorkspace, withServer, type ServerOptions } from '../support/lsp-harness';
import { commitAll, git } from '../support/git';

const EDITED = readFileSync(
  join(REPO_ROOT, 'test/fixtures/diff/seed-opens-layer2/layer1/np-layer1.yaml'),
  'utf8',
);

/**
 * Runs `fn` with a server on a committed copy of the seed (`np1`: its layer1 policy), whose editor
 * answers `netpolLens/git` with `editor(dir)` where one is given.
 */
function inRepo(
  opts: ServerOptions & { editor?: (dir: string) => (p: unknown) => unknown },
  fn: (client: LspClient, np1: string) => Promise<void>,
): Promise<void> {
  const { editor, ...rest } = opts;
  const ws = tempWorkspace();
  return withServer(
    {
      ...rest,
      workspace: ws,
      prepare: commitAll,
      ...(editor ? { requestHandlers: { 'netpolLens/git': editor(ws.dir) } } : {}),
    },
    (client) => fn(client, ws.fileUri('layer1/np-layer1.yaml')),
  );
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

/** The changes once `np1` holds the edit that opens layer2 → layer1 in a buffer: available. */
async function edited(client: LspClient, np1: string): Promise<Extract<ChangesResult, { available: true }>> {
  await client.open(np1, EDITED);
  const res = await changes(client);
  assert.ok(res.available, JSON.stringify(res));
  return res;
}

const GIT_EXTENSION = { initializationOptions: { gitExtension: true } };

describe('the git base through the editor (netpolLens/git)', () => {
  it('a client with the git extension is asked, and its answers make the base (via vscode.git)', () => {
    const asked: GitParams[] = [];
    return inRepo({ ...GIT_EXTENSION, editor: (dir) => editorGit(dir, asked) }, async (client, np1) => {
      const res = await edited(client, np1);
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
  });

  it("the editor's view of the repository is the one used, not the command line's", () => {
    // the editor says the commit held no np-layer1.yaml: then the file is new, and every
    // connection its policy allows (or isolates away) is a change, which git itself would not say
    const editor = (dir: string) => {
      const real = editorGit(dir, []);
      return (p: unknown) => {
        const q = p as GitParams;
        if (q.op === 'show' && q.path === 'layer1/np-layer1.yaml') return { base64: null };
        return real(p);
      };
    };
    return inRepo({ ...GIT_EXTENSION, editor }, async (client, np1) => {
      const res = await edited(client, np1);
      assert.deepEqual(res.via, ['vscode.git']);
      assert.ok(res.counts.closed > 0, JSON.stringify(res.counts));
    });
  });

  it('a repository the editor does not know is read with the git command line (via git)', () => {
    const asked: GitParams[] = [];
    const editor = () => (p: unknown) => {
      asked.push(p as GitParams);
      return { unavailable: 'no repository open there' };
    };
    return inRepo({ ...GIT_EXTENSION, editor }, async (client, np1) => {
      const res = await edited(client, np1);
      assert.deepEqual(res.via, ['git']);
      assert.deepEqual(res.counts, { opened: 4, closed: 0 });
      assert.deepEqual(
        asked.map((a) => a.op),
        ['top'],
      );
    });
  });

  it('a client whose git requests fail falls back to the command line and says so in the log', () => {
    const editor = () => () => {
      throw new Error('no handler');
    };
    return inRepo({ ...GIT_EXTENSION, editor }, async (client, np1) => {
      const res = await edited(client, np1);
      assert.deepEqual(res.via, ['git']);
      assert.deepEqual(res.counts, { opened: 4, closed: 0 });
      assert.ok(
        client.logs.some((l) => /editor's git did not answer/.test(l)),
        client.logs.join('\n'),
      );
    });
  });

  it("an unknown ref the editor rejects is reported in the setting's words", () =>
    inRepo(
      {
        ...GIT_EXTENSION,
        settings: { diff: { base: 'no-such-branch' } },
        editor: (dir) => editorGit(dir, []),
      },
      async (client) => {
        const res = await changes(client);
        assert.equal(res.available, false);
        assert.match(
          (res as { reason: string }).reason,
          /unknown git ref "no-such-branch".*netpolLens\.diff\.base/,
        );
      },
    ));

  it('a client that does not say it has the git extension is never asked', () => {
    const asked: GitParams[] = [];
    return inRepo(
      { initializationOptions: {}, editor: (dir) => editorGit(dir, asked) },
      async (client, np1) => {
        const res = await edited(client, np1);
        assert.deepEqual(res.via, ['git']);
        assert.deepEqual(asked, []);
      },
    );
  });
});
