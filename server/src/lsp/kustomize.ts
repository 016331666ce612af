/**
 * `netpolLens.kustomize.render`: the server's runner of the user's kustomize for the kustomizations
 * the core asks to render (`Analysis.renderTargets`, core/roots/render.ts). Only when the setting
 * is on and the editor trusts the workspace (a repository's settings could name any program); each
 * build runs asynchronously in the kustomization's folder with kustomize's defaults (no
 * `--enable-helm`, no plugins), a timeout and an output bound, one at a time; nothing is written
 * into the tree. A build runs again when a file it reads (or the command) changes.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  kustomizeCommands,
  renderFailureText,
  RENDER_MAX_BYTES,
  RENDER_TIMEOUT_MS,
  type Analysis,
  type KustomizeRender,
  type RenderFailure,
  type RenderTarget,
} from '../core/index';

export interface RendererHost {
  /** The editor trusts the workspace. */
  trusted(): boolean;
  snapshot(): Analysis;
  /** Hands the builds to the analysis host and asks for a diagnostics pass. */
  setRenders(renders: readonly KustomizeRender[]): void;
  /** A folder as messages name it (relative to its workspace folder). */
  shown(dir: string): string;
  log(message: string): void;
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
    const r = await build(argv, t.dir, shown);
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
  private running = false;
  private again = false;
  /** Builds run so far (tests read it through the log). */
  runs = 0;

  constructor(private readonly host: RendererHost) {}

  /** After a diagnostics pass (and when trust or settings change): builds what changed, then hands them over. */
  update(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    const a = this.host.snapshot();
    const k = a.settings.kustomize;
    if (!k?.render || !this.host.trusted()) {
      if (this.last.size) {
        this.last.clear();
        this.host.setRenders([]);
      }
      return;
    }
    const targets = a.renderTargets();
    const keys = new Map<string, string>();
    for (const t of targets) {
      const h = createHash('sha256').update(`${k.command ?? ''}\0`);
      for (const uri of t.files) h.update(`${uri}\0${a.index.file(uri)?.text ?? ''}\0`);
      keys.set(t.uri, h.digest('hex'));
    }
    const stale = targets.filter((t) => this.last.get(t.uri)?.key !== keys.get(t.uri));
    const gone = [...this.last.keys()].filter((u) => !keys.has(u));
    if (stale.length === 0 && gone.length === 0) return;
    this.running = true;
    void (async () => {
      try {
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
}
