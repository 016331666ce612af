/**
 * `--render-kustomize` (`--kustomize-command CMD`): the CLI's runner of the user's kustomize for the
 * kustomizations the core asks to render (`Analysis.renderTargets`, core/roots/render.ts). Each
 * build runs synchronously in the kustomization's folder with kustomize's defaults (no
 * `--enable-helm`, no plugins), a timeout and an output bound; nothing is written into the tree. A
 * side read from git (`diff --base`) is built from a copy of its files in a temporary folder.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  kustomizeCommands,
  renderFailureText,
  RENDER_MAX_BYTES,
  RENDER_TIMEOUT_MS,
  type Analysis,
  type AnalysisHost,
  type KustomizeRender,
  type RenderFailure,
  type RenderTarget,
} from '../core/index';

/** Runs one build of `dir` (a folder on disk); `shown` is the folder as the message names it. */
export function runBuild(
  command: string | undefined,
  dir: string,
  shown: string,
): { command: string; output?: string; failure?: RenderFailure } {
  const candidates = kustomizeCommands(command);
  const tried: string[] = [];
  for (const argv of candidates) {
    const [prog, ...args] = argv as [string, ...string[]];
    const display = [...argv, shown].join(' ');
    const r = spawnSync(prog, [...args, dir], {
      cwd: dir,
      encoding: 'utf8',
      timeout: RENDER_TIMEOUT_MS,
      maxBuffer: RENDER_MAX_BYTES,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const err: NodeJS.ErrnoException | undefined = r.error;
    const code = err?.code;
    if (code === 'ENOENT') {
      tried.push(prog);
      continue;
    }
    if (code === 'ETIMEDOUT')
      return { command: display, failure: { kind: 'timeout', ms: RENDER_TIMEOUT_MS } };
    if (code === 'ENOBUFS')
      return { command: display, failure: { kind: 'too-large', bytes: RENDER_MAX_BYTES } };
    if (r.error) return { command: display, failure: { kind: 'error', message: r.error.message } };
    if (r.status !== 0)
      return {
        command: display,
        failure: {
          kind: 'exit',
          status: r.status,
          ...(r.signal ? { signal: r.signal } : {}),
          stderr: r.stderr ?? '',
        },
      };
    return { command: display, output: r.stdout ?? '' };
  }
  const first = candidates[0] ?? ['kustomize', 'build'];
  return {
    command: [...first, shown].join(' '),
    failure: { kind: 'missing', tried, configured: command !== undefined },
  };
}

function filePath(uri: string): string | undefined {
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * Renders every kustomization the snapshot asks for and hands the outputs to the host (one
 * snapshot later they are analysed). `fromIndex`: the files are not the working tree's (a git
 * side): each build runs on a copy of the files it reads, in a temporary folder.
 */
export function renderKustomizations(
  host: AnalysisHost,
  analysis: Analysis,
  command: string | undefined,
  fromIndex = false,
): void {
  const targets = analysis.renderTargets();
  if (targets.length === 0) return;
  const renders: KustomizeRender[] = targets.map((t) => render(analysis, t, command, fromIndex));
  host.setRenders(renders);
}

function render(
  analysis: Analysis,
  t: RenderTarget,
  command: string | undefined,
  fromIndex: boolean,
): KustomizeRender {
  const shown = relative(process.cwd(), t.dir).split(sep).join('/') || '.';
  let dir = t.dir;
  let tmp: string | undefined;
  try {
    if (fromIndex) {
      tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-kustomize-'));
      const paths = t.files.map(filePath).filter((p): p is string => p !== undefined);
      const base = commonFolder([...paths, t.dir + '/x']);
      t.files.forEach((uri) => {
        const p = filePath(uri);
        const text = analysis.index.file(uri)?.text;
        if (p === undefined || text === undefined) return;
        const to = join(tmp as string, relative(base, p));
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(to, text);
      });
      dir = join(tmp, relative(base, t.dir));
    }
    const r = runBuild(command, dir, shown);
    return r.failure
      ? { kustomization: t.uri, command: r.command, error: renderFailureText(r.failure) }
      : { kustomization: t.uri, command: r.command, output: r.output ?? '' };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

function commonFolder(paths: readonly string[]): string {
  let common: string[] | undefined;
  for (const p of paths) {
    const segs = dirname(p).split(sep);
    if (!common) common = segs;
    else {
      let i = 0;
      while (i < common.length && i < segs.length && common[i] === segs[i]) i++;
      common = common.slice(0, i);
    }
  }
  return (common ?? []).join(sep) || sep;
}
