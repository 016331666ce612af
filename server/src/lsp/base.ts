/**
 * The base of the changes mode and of the change code lens: the workspace as committed at
 * `netpolLens.diff.base` (default HEAD) of each folder's git repository. It is the current
 * snapshot with every file that differs from the ref put back as it is there: files changed,
 * added or deleted in the working tree (git.ts), untracked files (absent there), and every open
 * buffer (its unsaved edits are part of the change). Files outside every repository stay as they
 * are. The base snapshot is kept while those files and the other files' facts stay the same, so
 * typing in a buffer re-analyses only the current side.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  Analysis,
  AnalysisHost,
  changesByPolicy,
  reachDiff,
  tooLargeChange,
  type FileChange,
  type ReachChange,
  type ReachDiff,
} from '../core/index';
import type { Folder } from './config';
import { Git, GitError, type GitReader, type GitSource } from './git';
import { canonicalUri, uriToPath } from './uri';
import { invalidUtf8At } from '../fs/read';

/** What the base needs of the session. */
export interface BaseHost {
  /** The editor trusts the workspace: git may run in it (its configuration can run programs). */
  trusted(): boolean;
  folders(): readonly Folder[];
  /** `netpolLens.diff.base` of a folder. */
  refOf(folderUri: string): string;
  /** Canonical URIs of the open buffers the index holds. */
  openUris(): readonly string[];
  /** A file the workspace scan would index (a manifest of a folder, not excluded). */
  indexable(uri: string): boolean;
  limitOf(uri: string): number;
  snapshot(): Analysis;
}

export type BaseSnapshot =
  | { readonly ok: false; readonly reason: string }
  | {
      readonly ok: true;
      /** `HEAD (1a2b3c4d)`; several refs or repositories: each once. */
      readonly label: string;
      /** What read the repositories: the editor's git extension, the git command line, or both. */
      readonly via: readonly GitSource[];
      readonly before: Analysis;
      readonly after: Analysis;
      /** Canonical URIs whose text differs from the base. */
      readonly files: readonly string[];
    };

interface Overlay {
  readonly key: string;
  readonly label: string;
  readonly via: readonly GitSource[];
  readonly changes: readonly FileChange[];
}

/** How long the list of differing files is reused before git is asked again (ms). */
const OVERLAY_TTL_MS = 1000;

export class Bases {
  private overlayCache: { key: string; at: number; value: Promise<Overlay | string> } | undefined;
  private baseCache: { overlay: Overlay; after: Analysis; before: Analysis } | undefined;
  private readonly diffs = new WeakMap<Analysis, WeakMap<Analysis, ReachDiff>>();

  constructor(
    private readonly host: BaseHost,
    private git: GitReader = new Git(),
  ) {}

  /** Read git through another reader (the editor's, once the client says it has one). */
  useGit(git: GitReader): void {
    this.git = git;
    this.reset();
  }

  /** Folders came or went, or a repository may have appeared. */
  reset(): void {
    this.git.forgetTops();
    this.overlayCache = undefined;
  }

  async snapshot(): Promise<BaseSnapshot> {
    if (!this.host.trusted())
      return {
        ok: false,
        reason:
          'the workspace is not trusted: comparing with git is off in restricted mode (a repository can make git run programs)',
      };
    const after = this.host.snapshot();
    const overlay = await this.overlay();
    if (typeof overlay === 'string') return { ok: false, reason: overlay };
    const files = overlay.changes
      .filter((c) => (after.index.file(c.uri)?.text ?? null) !== c.text)
      .map((c) => c.uri);
    // nothing differs: the base is this very snapshot (and its diff empty without a second matrix)
    const before = files.length === 0 ? after : this.before(overlay, after);
    return { ok: true, label: overlay.label, via: overlay.via, before, after, files };
  }

  /** The diff of one root (by id; absent: the first) between a base and its current snapshot, cached. */
  diff(base: Extract<BaseSnapshot, { ok: true }>, root: string | undefined): ReachDiff {
    const pick = (a: Analysis): Analysis =>
      root === undefined ? (a.roots[0]?.analysis ?? a) : (a.root(root) ?? EMPTY);
    const b = pick(base.before);
    const a = pick(base.after);
    let m = this.diffs.get(a);
    if (!m) {
      m = new WeakMap();
      this.diffs.set(a, m);
    }
    let d = m.get(b);
    if (!d) {
      d = a === b ? { changes: [], endpoints: [] } : reachDiff(b.engine, a.engine);
      m.set(b, d);
    }
    return d;
  }

  /** The changes a policy (`ns/name`) made, in the root of `uri`. */
  policyChanges(base: Extract<BaseSnapshot, { ok: true }>, uri: string, policy: string): ReachChange[] {
    const root = base.after.split ? base.after.rootsOf(uri)[0]?.id : undefined;
    return changesByPolicy(this.diff(base, root), policy);
  }

  private before(overlay: Overlay, after: Analysis): Analysis {
    const c = this.baseCache;
    if (
      c &&
      c.overlay.key === overlay.key &&
      c.after.settings === after.settings &&
      sameOthers(c.after, after, overlay)
    )
      return c.before;
    const before = overlay.changes.length
      ? new Analysis(after.index.applyChanges(overlay.changes), after.settings)
      : after;
    this.baseCache = { overlay, after, before };
    return before;
  }

  private overlay(): Promise<Overlay | string> {
    const folders = this.host.folders();
    const open = [...this.host.openUris()].sort();
    const key = JSON.stringify([folders.map((f) => [f.uri, this.host.refOf(f.uri)]), open]);
    const now = Date.now();
    const c = this.overlayCache;
    if (c && c.key === key && now - c.at < OVERLAY_TTL_MS) return c.value;
    const value = this.readOverlay(folders, open).catch((e: unknown) =>
      e instanceof GitError ? e.message : `git failed: ${e instanceof Error ? e.message : String(e)}`,
    );
    this.overlayCache = { key, at: now, value };
    return value;
  }

  private async readOverlay(folders: readonly Folder[], open: readonly string[]): Promise<Overlay | string> {
    // folders grouped by repository and ref: one `git diff` each
    const groups = new Map<string, { top: string; ref: string; folders: Folder[] }>();
    for (const f of folders) {
      const dir = uriToPath(f.uri);
      const top = dir ? await this.git.top(dir) : undefined;
      if (!top) continue;
      const ref = this.host.refOf(f.uri);
      const k = `${top}\0${ref}`;
      const g = groups.get(k) ?? { top, ref, folders: [] };
      g.folders.push(f);
      groups.set(k, g);
    }
    if (groups.size === 0)
      return folders.length === 0
        ? 'no workspace folder is open'
        : 'no workspace folder is inside a git repository';
    const changes: FileChange[] = [];
    const labels: string[] = [];
    const via = new Set<GitSource>();
    const keys: string[] = [];
    const seen = new Set<string>();
    for (const g of groups.values()) {
      const d = await this.git.differences(g.top, g.ref);
      via.add(this.git.sourceOf(g.top));
      labels.push(`${g.ref} (${d.commit.slice(0, 8)})`);
      const inRepo = (uri: string): string | undefined => {
        const p = uriToPath(uri);
        const rel = p && relativeTo(g.top, p);
        return rel && g.folders.some((f) => uri === f.uri || uri.startsWith(`${f.uri.replace(/\/+$/, '')}/`))
          ? rel
          : undefined;
      };
      const paths = new Set([...d.changed, ...d.untracked]);
      for (const uri of open) {
        const rel = inRepo(uri);
        if (rel) paths.add(rel);
      }
      for (const path of [...paths].sort()) {
        const uri = canonicalUri(pathToFileURL(join(g.top, ...path.split('/'))).href);
        if (seen.has(uri) || inRepo(uri) === undefined) continue;
        if (!this.host.indexable(uri) && !open.includes(uri)) continue;
        seen.add(uri);
        const untracked = !d.changed.includes(path) && d.untracked.includes(path);
        const bytes = untracked ? null : await this.git.show(g.top, d.commit, path);
        changes.push(fileChange(uri, bytes, this.host.limitOf(uri)));
        keys.push(uri);
      }
      keys.push(d.commit);
    }
    return { key: keys.join('\0'), label: [...new Set(labels)].join(', '), via: [...via].sort(), changes };
  }
}

/** A root missing on one side: nothing there. */
const EMPTY = new AnalysisHost().snapshot();

/** The other files (not put back) are the very same facts on both current snapshots. */
function sameOthers(prev: Analysis, next: Analysis, overlay: Overlay): boolean {
  if (prev === next) return true;
  const put = new Set(overlay.changes.map((c) => c.uri));
  const a = prev.index.files;
  const b = next.index.files;
  for (const [uri, f] of b) if (!put.has(uri) && a.get(uri) !== f) return false;
  for (const uri of a.keys()) if (!put.has(uri) && !b.has(uri)) return false;
  return true;
}

/** `path` relative to `top` with `/` separators, or undefined outside it. */
function relativeTo(top: string, path: string): string | undefined {
  const t = top.endsWith('/') || top.endsWith('\\') ? top : `${top}/`;
  const p = path.replace(/\\/g, '/');
  const tt = t.replace(/\\/g, '/');
  return p.startsWith(tt) ? p.slice(tt.length) : undefined;
}

/** A file as committed: absent (null), above the size limit (its beginning), or its text. */
function fileChange(uri: string, bytes: Buffer | null, limitBytes: number): FileChange {
  if (bytes === null) return { uri, text: null };
  const text = bytes.toString('utf8');
  const big = tooLargeChange(uri, text, bytes.length, limitBytes);
  if (big) return big;
  const bad = invalidUtf8At(bytes);
  return { uri, text, ...(bad >= 0 ? { invalidUtf8At: bad } : {}) };
}
