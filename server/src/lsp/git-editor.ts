/**
 * git through the editor (protocol `netpolLens/git`): the client answers with VS Code's git
 * extension (the repositories it has open, its `git.path`, its safe-directory handling), so the
 * base the user sees in the changes mode is the one the Source Control view shows. What the editor
 * cannot answer — a folder in no repository it has open, its git support disabled, an older client
 * — goes to the git command line (git.ts), per repository: a repository the editor found is read
 * through it throughout, so one diff never mixes two readings of one repository.
 */
import { resolve } from 'node:path';
import type { GitParams, GitResult } from '../protocol/requests';
import {
  BlobCache,
  Git,
  GitError,
  checkRef,
  unknownRef,
  type GitReader,
  type GitSource,
  type RepoDifferences,
} from './git';

/** Sends one question to the client; rejects when the request fails (no handler, connection closed). */
export type AskEditor = (params: GitParams) => Promise<unknown>;

const UNAVAILABLE = Symbol('unavailable');

function strings(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
}

export class EditorGit implements GitReader {
  private readonly tops = new Map<string, Promise<string | undefined>>();
  /** Tops of the repositories the editor answered for. */
  private readonly editorTops = new Set<string>();
  /** The client failed a request (no handler, say): the command line from then on, until reset. */
  private off = false;
  private readonly blobs: BlobCache;

  constructor(
    private readonly ask: AskEditor,
    private readonly cli: Git = new Git(),
    blobs = new BlobCache(),
    private readonly log: (message: string) => void = () => undefined,
  ) {
    this.blobs = blobs;
  }

  sourceOf(top: string): GitSource {
    return this.editorTops.has(top) ? 'vscode.git' : 'git';
  }

  forgetTops(): void {
    this.tops.clear();
    this.editorTops.clear();
    this.off = false;
    this.cli.forgetTops();
  }

  top(dir: string): Promise<string | undefined> {
    let p = this.tops.get(dir);
    if (!p) {
      p = this.findTop(dir).then((top) => {
        if (top === undefined) this.tops.delete(dir);
        return top;
      });
      this.tops.set(dir, p);
    }
    return p;
  }

  private async findTop(dir: string): Promise<string | undefined> {
    const r = await this.call({ op: 'top', dir });
    if (r !== UNAVAILABLE && typeof r.top === 'string' && r.top !== '') {
      const top = resolve(r.top);
      this.editorTops.add(top);
      return top;
    }
    return this.cli.top(dir);
  }

  async commit(top: string, ref: string): Promise<string> {
    checkRef(ref);
    if (!this.editorTops.has(top)) return this.cli.commit(top, ref);
    let r: Awaited<ReturnType<EditorGit['call']>>;
    try {
      r = await this.call({ op: 'commit', top, ref });
    } catch {
      throw unknownRef(ref, top);
    }
    if (r === UNAVAILABLE) return this.cli.commit(top, ref);
    if (typeof r.commit === 'string' && /^[0-9a-f]{7,64}$/i.test(r.commit)) return r.commit.toLowerCase();
    throw unknownRef(ref, top);
  }

  async differences(top: string, ref: string): Promise<RepoDifferences> {
    if (!this.editorTops.has(top)) return this.cli.differences(top, ref);
    const commit = await this.commit(top, ref);
    const r = await this.call({ op: 'differences', top, commit });
    if (r === UNAVAILABLE) return this.cli.differences(top, ref);
    const changed = strings(r.changed);
    const untracked = strings(r.untracked);
    if (!changed || !untracked)
      throw new GitError(`the editor's git gave no list of changed files for ${top}`);
    return { commit, changed: [...new Set(changed)].sort(), untracked: [...new Set(untracked)].sort() };
  }

  async show(top: string, commit: string, path: string): Promise<Buffer | null> {
    if (!this.editorTops.has(top)) return this.cli.show(top, commit, path);
    const cached = this.blobs.get(top, commit, path);
    if (cached !== undefined) return cached;
    const r = await this.call({ op: 'show', top, commit, path });
    if (r === UNAVAILABLE) return this.cli.show(top, commit, path);
    let bytes: Buffer | null;
    if (r.base64 === null) bytes = null;
    else if (typeof r.base64 === 'string') bytes = Buffer.from(r.base64, 'base64');
    else throw new GitError(`cannot read ${path} at ${commit.slice(0, 12)} through the editor's git`);
    this.blobs.set(top, commit, path, bytes);
    return bytes;
  }

  /** One question; UNAVAILABLE when the editor cannot answer it. `{error}` becomes a GitError. */
  private async call(params: GitParams): Promise<typeof UNAVAILABLE | Record<string, unknown>> {
    if (this.off) return UNAVAILABLE;
    let r: unknown;
    try {
      r = await this.ask(params);
    } catch (e) {
      this.off = true;
      this.log(
        `The editor's git did not answer (${e instanceof Error ? e.message : String(e)}): using the git command line`,
      );
      return UNAVAILABLE;
    }
    if (!r || typeof r !== 'object') return UNAVAILABLE;
    const o = r as Record<string, unknown> & Partial<GitResult>;
    if (typeof o.unavailable === 'string') return UNAVAILABLE;
    if (typeof o.error === 'string') throw new GitError(o.error);
    return o;
  }
}
