/**
 * The server's git questions (`netpolLens/git`, protocol/requests.ts) answered with VS Code's git
 * extension (`vscode.git`): the repositories it has open, with its own `git.path` and settings,
 * so the changes mode compares with the base the Source Control view shows. When the extension is
 * missing or disabled, or knows no repository at a folder, the answer is `{unavailable}` and the
 * server asks the git command line itself. Only the few members of the extension's API used here
 * are declared (its `git.d.ts` is the reference; nothing of it is copied).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { GitParams, GitResult } from '../../server/src/protocol/requests';

/** The status the extension gives an untracked file (its `Status.UNTRACKED`). */
const UNTRACKED = 7;

interface GitChange {
  readonly uri: vscode.Uri;
  readonly originalUri: vscode.Uri;
  readonly renameUri: vscode.Uri | undefined;
  readonly status: number;
}
interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly state: {
    readonly workingTreeChanges: readonly GitChange[];
    readonly untrackedChanges?: readonly GitChange[];
  };
  getCommit(ref: string): Promise<{ readonly hash: string }>;
  getObjectDetails(treeish: string, path: string): Promise<{ mode: string; object: string; size: number }>;
  buffer(ref: string, path: string): Promise<Uint8Array>;
  diffWith(ref: string): Promise<readonly GitChange[]>;
  status(): Promise<void>;
}
interface GitApi {
  readonly state?: 'uninitialized' | 'initialized';
  readonly onDidChangeState?: vscode.Event<'uninitialized' | 'initialized'>;
  getRepository(uri: vscode.Uri): GitRepository | null;
}
interface GitExtension {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

export const GIT_EXTENSION_ID = 'vscode.git';

/** VS Code's git extension is installed (it may still be disabled: then every answer is `unavailable`). */
export function hasGitExtension(): boolean {
  return vscode.extensions.getExtension(GIT_EXTENSION_ID) !== undefined;
}

async function gitApi(): Promise<GitApi | string> {
  const ext = vscode.extensions.getExtension<GitExtension>(GIT_EXTENSION_ID);
  if (!ext) return 'the git extension is not installed';
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports?.enabled) return 'the git extension is disabled (git.enabled)';
  const api = exports.getAPI(1);
  if (api.state === 'uninitialized' && api.onDidChangeState) {
    // repositories are being discovered: wait for it, but not for ever
    await new Promise<void>((done) => {
      const timer = setTimeout(() => {
        d.dispose();
        done();
      }, 5000);
      const d = api.onDidChangeState!((s) => {
        if (s !== 'initialized') return;
        clearTimeout(timer);
        d.dispose();
        done();
      });
    });
  }
  return api;
}

function relativeToTop(top: string, uri: vscode.Uri): string | undefined {
  const rel = path.relative(top, uri.fsPath);
  const outside = rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  return outside ? undefined : rel.split(path.sep).join('/');
}

function message(e: unknown): string {
  const stderr = (e as { stderr?: unknown } | null)?.stderr;
  if (typeof stderr === 'string' && stderr.trim() !== '') return stderr.trim();
  return e instanceof Error ? e.message : String(e);
}

/** One answer to `netpolLens/git`; never throws (an error is `{error}`). */
export async function answerGit(params: GitParams): Promise<GitResult> {
  const api = await gitApi();
  if (typeof api === 'string') return { unavailable: api };
  const repoAt = (p: string): GitRepository | null => api.getRepository(vscode.Uri.file(p));
  try {
    switch (params?.op) {
      case 'top': {
        const repo = repoAt(params.dir);
        return repo ? { top: repo.rootUri.fsPath } : { unavailable: `no repository open at ${params.dir}` };
      }
      case 'commit': {
        const repo = repoAt(params.top);
        if (!repo) return { unavailable: `no repository open at ${params.top}` };
        return { commit: (await repo.getCommit(params.ref)).hash };
      }
      case 'differences': {
        const repo = repoAt(params.top);
        if (!repo) return { unavailable: `no repository open at ${params.top}` };
        // hidden untracked files are missing from the extension's state: the command line lists them
        if (vscode.workspace.getConfiguration('git', repo.rootUri).get('untrackedChanges') === 'hidden')
          return { unavailable: 'git.untrackedChanges is "hidden"' };
        const top = repo.rootUri.fsPath;
        const changed = new Set<string>();
        for (const c of await repo.diffWith(params.commit))
          for (const u of [c.originalUri, c.renameUri, c.uri]) {
            const rel = u && relativeToTop(top, u);
            if (rel) changed.add(rel);
          }
        await repo.status(); // the untracked list as the working tree is now
        const untracked = new Set<string>();
        for (const c of [...repo.state.workingTreeChanges, ...(repo.state.untrackedChanges ?? [])]) {
          const rel = c.status === UNTRACKED ? relativeToTop(top, c.uri) : undefined;
          if (rel && !changed.has(rel)) untracked.add(rel);
        }
        return { changed: [...changed].sort(), untracked: [...untracked].sort() };
      }
      case 'show': {
        const repo = repoAt(params.top);
        if (!repo) return { unavailable: `no repository open at ${params.top}` };
        const file = path.join(repo.rootUri.fsPath, ...params.path.split('/'));
        let mode: string;
        try {
          mode = (await repo.getObjectDetails(params.commit, file)).mode;
        } catch {
          return { base64: null }; // the commit has no such path
        }
        // a blob, not a folder, a submodule or a symbolic link (as the git command line reader)
        if (!/^100[0-7]{3}$/.test(mode)) return { base64: null };
        return { base64: Buffer.from(await repo.buffer(params.commit, file)).toString('base64') };
      }
      default:
        return { unavailable: 'unknown question' };
    }
  } catch (e) {
    return { error: message(e) };
  }
}
