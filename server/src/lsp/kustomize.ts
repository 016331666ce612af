/**
 * `netpolLens.kustomize.render`: the server's runner of the user's kustomize for the kustomizations
 * the core asks to render (`Analysis.renderTargets`, core/roots/render.ts). Only when the setting
 * is on and the editor trusts the workspace (a repository's settings could name any program); each
 * build runs asynchronously in the kustomization's folder with kustomize's defaults (no
 * `--enable-helm`, no plugins), a timeout and an output bound, one at a time; nothing is written
 * into the tree. A build is keyed by the command and the contents on disk of the inputs of its
 * build (core `buildInputs`: every file under its kustomizations' folders and every file they name,
 * `.env` files and patches of any name included), and runs again when that key changes; the
 * server asks the client to watch those inputs (`watch`), and a watched-file event drops what it
 * knew of the path (`filesChanged`). Paths are the core's (lsp/uri.ts `corePath`), made native
 * only to read the disk and run the build (`nativePath`).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import {
  buildInputs,
  isBuildInput,
  isSkippedFolder,
  kustomizeCommands,
  renderFailureText,
  RENDER_MAX_BYTES,
  RENDER_TIMEOUT_MS,
  unionInputs,
  type Analysis,
  type BuildInputs,
  type KustomizeRender,
  type RenderFailure,
  type RenderTarget,
} from '../core/index';
import { nativePath } from '../fs/paths';

export interface RendererHost {
  /** The editor trusts the workspace. */
  trusted(): boolean;
  snapshot(): Analysis;
  /** Hands the builds to the analysis host and asks for a diagnostics pass. */
  setRenders(renders: readonly KustomizeRender[]): void;
  /** A folder as messages name it (relative to its workspace folder). */
  shown(dir: string): string;
  log(message: string): void;
  /** Asks the client to report changes of every file under `dirs` and of `files` (decoded paths; none: stop). */
  watch(inputs: BuildInputs): void;
}

/** Files above this size are keyed by size and modification time instead of their bytes. */
const HASHED_MAX_BYTES = 1024 * 1024;
/** At most this many files of an input folder are keyed (a kustomization at the top of a huge tree). */
const LISTED_MAX_FILES = 20_000;

/**
 * What the builds' inputs hold on disk: the files under each input folder and each file's content
 * hash, read once and kept until a watched-file event names the path (or a folder holding it).
 */
class InputFiles {
  private readonly hashes = new Map<string, Promise<string>>();
  private readonly listings = new Map<string, Promise<string[]>>();
  /** Bumped by every event that dropped something: a key computed before is recomputed. */
  generation = 0;

  constructor(private readonly log: (m: string) => void) {}

  /** A file at `path` changed, or a file or folder there was created or deleted (`structural`). */
  drop(path: string, structural: boolean): void {
    this.hashes.delete(path);
    if (structural) {
      // a deleted (or replaced) folder: what was under it, hashes and listings
      const under = `${path}/`;
      for (const p of this.hashes.keys()) if (p.startsWith(under)) this.hashes.delete(p);
      for (const d of this.listings.keys())
        if (path.startsWith(d) || d.startsWith(under)) this.listings.delete(d);
    }
    this.generation++;
  }

  /** The files of `inputs` on disk, sorted. */
  async files(inputs: BuildInputs): Promise<string[]> {
    const all = new Set(inputs.files);
    for (const d of inputs.dirs) for (const p of await this.listing(d)) all.add(p);
    return [...all].sort();
  }

  private listing(dir: string): Promise<string[]> {
    let l = this.listings.get(dir);
    if (!l) {
      l = this.list(dir);
      this.listings.set(dir, l);
    }
    return l;
  }

  private async list(dir: string): Promise<string[]> {
    const out: string[] = [];
    const pending = [dir];
    while (pending.length > 0) {
      const d = pending.pop() ?? '';
      const entries = await readdir(nativePath(d), { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        // links to folders are not followed (no cycles); links to files are read through
        if (e.isDirectory()) {
          if (!isSkippedFolder(e.name)) pending.push(`${d}${e.name}/`);
        } else out.push(d + e.name);
        if (out.length >= LISTED_MAX_FILES) {
          this.log(
            `The folder ${dir} holds more than ${LISTED_MAX_FILES} files: a change of the others does not render its kustomization again.`,
          );
          return out;
        }
      }
    }
    return out;
  }

  /** The content hash of the file at `path` (`-` when there is none). */
  hash(path: string): Promise<string> {
    let h = this.hashes.get(path);
    if (!h) {
      h = (async () => {
        try {
          const st = await stat(nativePath(path));
          if (!st.isFile()) return '-';
          if (st.size > HASHED_MAX_BYTES) return `${st.size}@${st.mtimeMs}`;
          return createHash('sha256')
            .update(await readFile(nativePath(path)))
            .digest('hex');
        } catch {
          return '-';
        }
      })();
      this.hashes.set(path, h);
    }
    return h;
  }
}

type Outcome = { command: string; output?: string; failure?: RenderFailure };

function build(argv: readonly string[], dir: string, shown: string): Promise<Outcome | 'missing'> {
  const [prog, ...args] = argv as [string, ...string[]];
  const command = [...argv, shown].join(' ');
  return new Promise((resolve) => {
    execFile(
      prog,
      [...args, dir],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: RENDER_TIMEOUT_MS,
        maxBuffer: RENDER_MAX_BYTES,
        windowsHide: true,
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ command, output: stdout });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown };
        if (e.code === 'ENOENT') return resolve('missing');
        if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
          return resolve({ command, failure: { kind: 'too-large', bytes: RENDER_MAX_BYTES } });
        if (e.killed && e.signal === 'SIGTERM')
          return resolve({ command, failure: { kind: 'timeout', ms: RENDER_TIMEOUT_MS } });
        if (typeof e.code === 'number' || e.signal)
          return resolve({
            command,
            failure: {
              kind: 'exit',
              status: typeof e.code === 'number' ? e.code : null,
              ...(e.signal ? { signal: e.signal } : {}),
              stderr: String(stderr ?? ''),
            },
          });
        resolve({ command, failure: { kind: 'error', message: e.message } });
      },
    );
  });
}

async function render(t: RenderTarget, command: string | undefined, shown: string): Promise<KustomizeRender> {
  const candidates = kustomizeCommands(command);
  const tried: string[] = [];
  for (const argv of candidates) {
    const r = await build(argv, nativePath(t.dir), shown);
    if (r === 'missing') {
      tried.push(argv[0] ?? '');
      continue;
    }
    return r.failure
      ? { kustomization: t.uri, command: r.command, error: renderFailureText(r.failure) }
      : { kustomization: t.uri, command: r.command, output: r.output ?? '' };
  }
  const first = candidates[0] ?? ['kustomize', 'build'];
  return {
    kustomization: t.uri,
    command: [...first, shown].join(' '),
    error: renderFailureText({ kind: 'missing', tried, configured: command !== undefined }),
  };
}

export class KustomizeRenderer {
  /** Per kustomization: the key of what its build read, and the build. */
  private last = new Map<string, { key: string; render: KustomizeRender }>();
  /** The inputs of the last targets' builds (what `filesChanged` looks for). */
  private inputs: BuildInputs[] = [];
  /** What the client was last asked to watch (`host.watch`), as text. */
  private watched = '';
  /** Per target (its command and inputs as text): the key computed at a generation of `disk`. */
  private keys = new Map<string, { generation: number; key: string }>();
  private readonly disk: InputFiles;
  private running = false;
  private again = false;
  /** Builds run so far (tests read it through the log). */
  runs = 0;

  constructor(private readonly host: RendererHost) {
    this.disk = new InputFiles((m) => host.log(m));
  }

  /**
   * `workspace/didChangeWatchedFiles` (decoded paths; `structural`: created or deleted): forgets
   * what it knew of them, and says whether one is an input of a build (then `update`).
   */
  filesChanged(events: readonly { readonly path: string; readonly structural: boolean }[]): boolean {
    let touched = false;
    for (const { path, structural } of events) {
      this.disk.drop(path, structural);
      const under = `${path}/`;
      if (this.inputs.some((i) => isBuildInput(i, path) || i.dirs.some((d) => d.startsWith(under))))
        touched = true;
    }
    return touched;
  }

  /** After a diagnostics pass (when trust or settings change, an input changes): builds what changed, then hands them over. */
  update(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    const a = this.host.snapshot();
    const k = a.settings.kustomize;
    if (!k?.render || !this.host.trusted()) {
      this.inputs = [];
      this.watch([]);
      if (this.last.size) {
        this.last.clear();
        this.host.setRenders([]);
      }
      return;
    }
    const targets = a.renderTargets();
    const inputs = targets.map((t) => buildInputs(t));
    this.inputs = inputs;
    this.watch(inputs);
    this.running = true;
    void (async () => {
      try {
        const keys = new Map<string, string>();
        for (const [i, t] of targets.entries())
          keys.set(t.uri, await this.keyOf(k.command, inputs[i] ?? { dirs: [], files: [] }));
        const stale = targets.filter((t) => this.last.get(t.uri)?.key !== keys.get(t.uri));
        const gone = [...this.last.keys()].filter((u) => !keys.has(u));
        if (stale.length === 0 && gone.length === 0) return;
        for (const u of gone) this.last.delete(u);
        for (const t of stale) {
          this.runs++;
          const r = await render(t, k.command, this.host.shown(t.dir));
          this.host.log(
            r.error === undefined ? `Rendered ${r.command}.` : `Rendering failed: ${r.command} ${r.error}`,
          );
          this.last.set(t.uri, { key: keys.get(t.uri) ?? '', render: r });
        }
        this.host.setRenders([...this.last.values()].map((x) => x.render));
      } catch (e) {
        this.host.log(`Rendering with kustomize failed: ${String(e)}`);
      } finally {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.update();
        }
      }
    })();
  }

  /** The key of a build: its command and every input file's path and content hash. */
  private async keyOf(command: string | undefined, inputs: BuildInputs): Promise<string> {
    const id = JSON.stringify([command ?? '', inputs.dirs, inputs.files]);
    const generation = this.disk.generation;
    const known = this.keys.get(id);
    if (known?.generation === generation) return known.key;
    const h = createHash('sha256').update(`${command ?? ''}\0`);
    for (const p of await this.disk.files(inputs)) h.update(`${p}\0${await this.disk.hash(p)}\0`);
    const key = h.digest('hex');
    if (this.keys.size > 64) this.keys.clear();
    this.keys.set(id, { generation, key });
    return key;
  }

  /** Asks the client to watch the inputs of every build (once per different set). */
  private watch(inputs: readonly BuildInputs[]): void {
    const all = unionInputs(inputs);
    const text = JSON.stringify(all);
    if (text === this.watched) return;
    this.watched = text;
    this.host.watch(all);
  }
}
