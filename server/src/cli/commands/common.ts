import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import {
  AnalysisHost,
  DEFAULT_MAX_FILE_SIZE_MIB,
  DEFAULT_SETTINGS,
  isNamespaceName,
  maxFileBytes,
  namespacesFromText,
  parseMaxFileSize,
  settingsFromConfig,
  type Analysis,
  type AnalysisRoot,
  type FileFacts,
  type Settings,
} from '../../core/index';
import type { ParsedArgs } from '../args';
import { contentDigest, FactsCache, factsKey } from '../../fs/facts-cache';
import { bytesChange, collectFiles, readFileContent, STDIN_ARG, UsageError } from '../load';
import { readAllFacts, type FileOutcome } from '../parallel';
import { renderKustomizations } from '../kustomize';

/** The valued flags every command that analyses paths takes (check, reach, explain): they make its settings. */
export const SETTINGS_FLAGS = [
  'config',
  'max-file-size',
  'namespace',
  'namespaces',
  'cluster',
  'kustomize-command',
] as const;
/** The boolean flags of those commands: `--render-kustomize` (cli/kustomize.ts). */
export const SETTINGS_BOOLEANS = ['render-kustomize'] as const;
/** And the cache of those commands (`--cache-dir DIR`, fs/facts-cache.ts). */
export const CACHE_FLAG = 'cache-dir';

/** `--config` file: the netpolLens.* settings as JSON (`{"checks": {"<code>": "warning"|"off"…}, "dns": {…}, …}`). */
function loadConfig(file: string): Settings {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new UsageError(`config ${file} must hold a JSON object`);
  return settingsFromConfig(raw, (msg) => process.stderr.write(`netpol-lens: ${file}: ${msg}\n`));
}

/** `--namespaces FILE`: a map of name → labels, or Namespace manifests (core/namespaces-file.ts). */
function loadNamespaces(file: string): Record<string, Record<string, string>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --namespaces ${file}: ${(e as Error).message}`);
  }
  const r = namespacesFromText(`file:///${file}`, text);
  if (Object.keys(r.namespaces).length === 0)
    throw new UsageError(`--namespaces ${file} declares no namespace: ${r.problems.join('; ')}`);
  for (const p of r.problems) process.stderr.write(`netpol-lens: --namespaces ${file}: ${p}\n`);
  // manifest form: every document left out, where it is and why (nothing skipped silently)
  for (const d of r.skipped ?? [])
    process.stderr.write(
      `netpol-lens: warning: ${file}:${d.line}: ${d.kind ? `${d.kind}${d.name !== undefined ? ` ${d.name}` : ''}` : 'this document'} ${d.why}; left out of --namespaces\n`,
    );
  return r.namespaces;
}

/**
 * The settings of a command: `--config`, then the flags over it: `--max-file-size` (maxFileSize),
 * `--namespace` (defaultNamespace), `--namespaces` (namespaces, over the config's), `--cluster`
 * (clusters). Undefined when none is given.
 */
export function settingsFromFlags(a: ParsedArgs): Settings | undefined {
  const cfg = a.flags.get('config');
  let settings: Settings | undefined = typeof cfg === 'string' ? loadConfig(cfg) : undefined;
  const base = (): Settings => settings ?? DEFAULT_SETTINGS;
  const size = a.flags.get('max-file-size');
  if (size !== undefined) {
    const mib = parseMaxFileSize(size);
    if (mib === undefined)
      throw new UsageError(
        `bad --max-file-size "${String(size)}": expected a positive number of MiB, e.g. 64`,
      );
    settings = { ...base(), maxFileSize: mib };
  }
  const ns = a.flags.get('namespace');
  if (typeof ns === 'string') {
    if (!isNamespaceName(ns))
      throw new UsageError(
        `bad --namespace "${ns}": a namespace name is lower-case letters, digits and '-', at most 63`,
      );
    settings = { ...base(), defaultNamespace: ns };
  }
  for (const file of a.lists.get('namespaces') ?? [])
    settings = { ...base(), namespaces: { ...(base().namespaces ?? {}), ...loadNamespaces(file) } };
  const clusters = a.lists.get('cluster') ?? [];
  if (clusters.length) settings = { ...base(), clusters };
  const kustomize = kustomizeFromFlags(a, settings?.kustomize);
  if (kustomize) settings = { ...base(), kustomize };
  return settings;
}

/**
 * `--render-kustomize` and `--kustomize-command CMD` over the config's `kustomize` (undefined:
 * neither given). The command alone does not turn rendering on.
 */
export function kustomizeFromFlags(a: ParsedArgs, configured?: Settings['kustomize']): Settings['kustomize'] {
  const on = a.flags.get('render-kustomize') === true;
  const cmd = a.flags.get('kustomize-command');
  if (!on && cmd === undefined) return undefined;
  if (typeof cmd === 'string' && cmd.trim() === '')
    throw new UsageError(
      'bad --kustomize-command "": name the program to run, e.g. kustomize or "kubectl kustomize"',
    );
  const command = typeof cmd === 'string' ? cmd.trim() : configured?.command;
  const render = on || configured?.render === true;
  if (!render)
    process.stderr.write('netpol-lens: --kustomize-command has no effect without --render-kustomize\n');
  return { render, ...(command ? { command } : {}) };
}

/**
 * Reads every manifest under `paths` into one analysis snapshot (skipped files go to stderr).
 * `clusters` (the `--cluster` globs) replace the settings' cluster folders. With a cache
 * (`--cache-dir`), the facts of unchanged files come from it and the others' are added to it.
 */
export function analyse(
  paths: readonly string[],
  settings?: Settings,
  clusters?: readonly string[],
  cache?: FactsCache,
): Analysis {
  return analyseInputs(readInputs(paths, settings, clusters, cache), cache);
}

/** A command's files and the host that will analyse them; with a cache, read and hashed already. */
export interface Inputs {
  readonly host: AnalysisHost;
  readonly files: readonly string[];
  readonly limitBytes: number;
  /** Per file (with a cache): its bytes and size, or why it could not be read; undefined for `-`. */
  readonly pre?: ReadonlyArray<{ bytes: Buffer; size: number } | { skipped: string } | undefined>;
  /**
   * With a cache, without the standard input: a SHA-256 of the reading options and of every file's
   * path, size and bytes (or why it could not be read), in one pass: the key of a whole output.
   */
  readonly digest?: string;
  /** Set when a file read again for its facts was not the bytes of `digest` (changed meanwhile). */
  changedSinceDigest?: boolean;
}

export function readInputs(
  paths: readonly string[],
  settings?: Settings,
  clusters?: readonly string[],
  cache?: FactsCache,
): Inputs {
  if (paths.length === 0) throw new UsageError('no path given: name the manifest files or folders to read');
  const host = new AnalysisHost();
  if (clusters?.length) host.setSettings({ ...(settings ?? DEFAULT_SETTINGS), clusters });
  else if (settings) host.setSettings(settings);
  const files = collectFiles(paths);
  const limitBytes = maxFileBytes(settings?.maxFileSize ?? DEFAULT_MAX_FILE_SIZE_MIB);
  if (!cache) return { host, files, limitBytes };
  // one hash over every file; each entry unambiguous: a path (never empty, never NUL) or NUL and
  // the reason as JSON, then the size and the length read, then exactly that many bytes
  const h = createHash('sha256').update(`${limitBytes}\0${JSON.stringify(host.readOptions)}\0`);
  const pre = files.map((f) => {
    if (f === STDIN_ARG) return undefined;
    try {
      const read = readFileContent(f, limitBytes);
      h.update(`${f}\0${read.size}\0${read.bytes.length}\0`).update(read.bytes);
      return read;
    } catch (e) {
      const skipped = `${f}: ${(e as Error).message}`;
      h.update(`\0${JSON.stringify(skipped)}\0`);
      return { skipped };
    }
  });
  return {
    host,
    files,
    limitBytes,
    pre,
    ...(files.includes(STDIN_ARG) ? {} : { digest: h.digest('hex') }),
  };
}

export function analyseInputs(inputs: Inputs, cache?: FactsCache): Analysis {
  const { host, files, limitBytes, pre } = inputs;
  let outcomes: FileOutcome[];
  if (cache && pre) {
    // the cache's facts of unchanged files; the others read, parsed and lowered on every core
    outcomes = new Array<FileOutcome>(files.length);
    const optionsKey = JSON.stringify(host.readOptions);
    const missing: number[] = [];
    const keys: string[] = [];
    pre.forEach((p, i) => {
      if (p && 'skipped' in p) {
        outcomes[i] = p;
        return;
      }
      if (p) {
        const uri = pathToFileURL(files[i] as string).href;
        const change = bytesChange(uri, p.bytes, p.size, limitBytes);
        if (!change) {
          outcomes[i] = null;
          return;
        }
        const key = factsKey(uri, p.size, limitBytes, optionsKey, contentDigest(p.bytes));
        const hit = cache.get(key, change);
        if (hit) {
          outcomes[i] = { facts: hit };
          return;
        }
        keys[i] = key;
      }
      missing.push(i);
    });
    const read = readAllFacts(
      missing.map((i) => files[i] as string),
      limitBytes,
      host.readOptions,
      undefined,
      true,
    );
    read.forEach((o, k) => {
      const i = missing[k] as number;
      outcomes[i] = o;
      // read again: the bytes may have changed since they were hashed (then no output is stored)
      if (pre[i] && !(o && 'facts' in o && o.key === keys[i])) inputs.changedSinceDigest = true;
      if (o && 'facts' in o && o.key !== undefined) cache.put(o.key, o.facts, o.sameText === true);
    });
  } else outcomes = readAllFacts(files, limitBytes, host.readOptions);
  const facts: FileFacts[] = [];
  for (const o of outcomes) {
    if (o === null) continue;
    if ('skipped' in o) process.stderr.write(`netpol-lens: skipped ${o.skipped}\n`);
    else facts.push(o.facts);
  }
  host.applyFacts(facts);
  const first = host.snapshot();
  const kustomize = first.settings.kustomize;
  if (!kustomize?.render) return first;
  // --render-kustomize: the user's kustomize builds what the reader cannot apply
  renderKustomizations(host, first, kustomize.command);
  return host.snapshot();
}

/** `--cache-dir DIR`: the cache, or none. */
export function openCache(a: ParsedArgs): FactsCache | undefined {
  const dir = a.flags.get('cache-dir');
  return typeof dir === 'string' ? FactsCache.open(dir) : undefined;
}

export function parsePortArg(s: string): { port: number; protocol: 'TCP' | 'UDP' | 'SCTP' } {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(s.trim());
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535)
    throw new UsageError(`bad port "${s}": expected <port>/<protocol>, e.g. 80/TCP or 53/UDP`);
  return { port, protocol: (m[2]?.toUpperCase() ?? 'TCP') as 'TCP' | 'UDP' | 'SCTP' };
}

/** The roots a command reads: with `--cluster`, the cluster folders its globs made; else every root. */
export function selectedRoots(analysis: Analysis, clusters: readonly string[]): readonly AnalysisRoot[] {
  if (clusters.length === 0) return analysis.roots;
  const chosen = analysis.roots.filter((r) => r.kind === 'cluster');
  if (chosen.length === 0)
    throw new UsageError(`no folder matches --cluster ${clusters.join(', ')}; ${rootsText(analysis.roots)}`);
  return chosen;
}

/** `the analysis roots are a, b and c` for messages. */
export function rootsText(roots: readonly AnalysisRoot[]): string {
  const named = roots.filter((r) => r.hasResources);
  if (named.length <= 1 && roots.length <= 1) return 'the paths hold one analysis root';
  return `the analysis roots are ${named.map((r) => r.name).join(', ')}`;
}

/**
 * The one root reach and explain answer from: the only root (with resources), the root --cluster
 * names, or, for explain, the only root that knows both endpoints (`fits`). Several: a usage error
 * listing them.
 */
export function oneRoot(
  analysis: Analysis,
  clusters: readonly string[],
  fits: (a: Analysis) => boolean = () => true,
): AnalysisRoot {
  const roots = selectedRoots(analysis, clusters);
  const first = roots[0];
  if (roots.length === 1 && first) return first;
  const candidates = roots.filter((r) => r.hasResources);
  const fitting = candidates.filter((r) => fits(r.analysis));
  const only = fitting.length === 1 ? fitting[0] : candidates.length === 1 ? candidates[0] : undefined;
  if (only) return only;
  const list = (fitting.length > 1 ? fitting : candidates).map((r) => r.name);
  throw new UsageError(
    `the paths hold ${list.length} analysis roots (${list.join(', ')}), each a cluster of its own: choose one with --cluster <glob>, e.g. --cluster ${list.find((n) => !n.startsWith('(')) ?? list[0] ?? ''}`,
  );
}
