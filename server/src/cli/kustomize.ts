/**
 * `--render-kustomize` (`--kustomize-command CMD`): the CLI's runner of the user's kustomize for the
 * kustomizations the core asks to render (`Analysis.renderTargets`, core/roots/render.ts). Each
 * build runs synchronously in the kustomization's folder with kustomize's defaults (no
 * `--enable-helm`, no plugins), a timeout and an output bound; nothing is written into the tree. A
 * side read from git (`diff --base`) is built from a copy of its committed files in a temporary
 * folder (the inputs of its build, core `buildInputs`: every file under its kustomizations' folders
 * and every file they name; bounded).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  buildInputs,
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
import { nativePath } from '../fs/paths';
import { committedTree } from './git';

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

/** A side of `diff --base` read from git: its builds run on a copy of the committed tree. */
export interface CommittedSide {
  /** The repository's top folder. */
  readonly root: string;
  readonly commit: string;
  /** The ref as the user gave it, for messages. */
  readonly ref: string;
  /** The paths compared, as the user gave them (for the command a message suggests). */
  readonly paths?: readonly string[];
}

/**
 * The two paths of `netpol-lens diff <old> <new>` that compare a checkout of the ref in `<folder>`
 * with the working tree: the path given and the same path inside the checkout; generic when
 * several paths (or one outside the repository) were given.
 */
export function checkoutPaths(committed: CommittedSide): string {
  const given = committed.paths ?? [];
  const inRepo = given.length === 1 ? inRepository(committed.root, resolve(given[0] as string)) : undefined;
  if (inRepo === undefined) return '<folder>/<path> <path>';
  return `${inRepo === '' ? '<folder>' : `<folder>/${inRepo}`} ${given[0] as string}`;
}

/** How many bytes of committed files a build's copy may hold (`diff --base`), unless told otherwise. */
export const RENDER_COPY_MAX_BYTES = 64 * 1024 * 1024;

/** A byte count for a message: the bytes, and the MiB from 1 MiB on. */
function sizeText(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return mib >= 1 ? `${bytes} bytes (${Number(mib.toFixed(1))} MiB)` : `${bytes} bytes`;
}

/**
 * Renders every kustomization the snapshot asks for and hands the outputs to the host (one
 * snapshot later they are analysed). `committed`: the files are not the working tree's (a git
 * side): each build runs on a copy, in a temporary folder, of every file under its kustomizations'
 * folders and of every file they name, as committed (`committedTree`), generator inputs and patches
 * of any name included, at most `copyMaxBytes` together a build (more: that build is not run and
 * its failure says the size and what to do instead).
 */
export function renderKustomizations(
  host: AnalysisHost,
  analysis: Analysis,
  command: string | undefined,
  committed?: CommittedSide,
  copyMaxBytes = RENDER_COPY_MAX_BYTES,
): void {
  const targets = analysis.renderTargets();
  if (targets.length === 0) return;
  const renders: KustomizeRender[] = targets.map((t) => render(t, command, committed, copyMaxBytes));
  host.setRenders(renders);
}

/** A folder or file of the working tree as a repository-relative path (`/`-separated), if inside. */
function inRepository(root: string, p: string): string | undefined {
  const rel = relative(root, p);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

function render(
  t: RenderTarget,
  command: string | undefined,
  committed: CommittedSide | undefined,
  copyMaxBytes: number,
): KustomizeRender {
  // the core's paths (fs/paths.ts) as the system's: on Windows `/C:/repo/…` is no folder
  const native = nativePath(t.dir);
  const shown = relative(process.cwd(), native).split(sep).join('/') || '.';
  let dir = native;
  let tmp: string | undefined;
  try {
    if (committed) {
      const { root, commit, ref } = committed;
      const inputs = buildInputs(t);
      const inRepo = (p: string): string[] => {
        const r = inRepository(root, nativePath(p));
        return r === undefined ? [] : [r];
      };
      const folders = inputs.dirs.flatMap(inRepo);
      const files = inputs.files.flatMap(inRepo);
      const tree = committedTree(root, commit, folders, files, copyMaxBytes);
      const fail = (message: string): KustomizeRender => ({
        kustomization: t.uri,
        command: `${[...(kustomizeCommands(command)[0] ?? ['kustomize', 'build']), shown].join(' ')}`,
        error: renderFailureText({ kind: 'error', message }),
      });
      if ('tooLarge' in tree)
        return fail(
          `the files it reads at ${ref} (every file under its kustomizations' folders and every file they name) are ${sizeText(tree.tooLarge)} together, above the ${sizeText(copyMaxBytes)} a copy for the build may hold, so it was not built. To build it, compare a checkout of ${ref} instead: git worktree add <folder> ${ref}, then netpol-lens diff ${checkoutPaths(committed)} --render-kustomize`,
        );
      tmp = mkdtempSync(join(tmpdir(), 'netpol-lens-kustomize-'));
      for (const [rel, bytes] of tree.files) {
        const to = join(tmp, ...rel.split('/'));
        mkdirSync(dirname(to), { recursive: true });
        writeFileSync(to, bytes);
      }
      const at = inRepository(root, native);
      if (at === undefined) return fail(`${native} is outside the repository ${root}`);
      dir = join(tmp, ...at.split('/').filter(Boolean));
      mkdirSync(dir, { recursive: true });
    }
    const r = runBuild(command, dir, shown);
    return r.failure
      ? { kustomization: t.uri, command: r.command, error: renderFailureText(r.failure) }
      : { kustomization: t.uri, command: r.command, output: r.output ?? '' };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}
