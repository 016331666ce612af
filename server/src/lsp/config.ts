/**
 * Settings: `workspace/configuration` (section `netpolLens`, per workspace folder, plus
 * `files.exclude`) → the protocol's NetpolLensSettings → core Settings and exclude matchers.
 * Settings are kept per folder, never as one global: a file takes the settings of the innermost
 * workspace folder that holds it, and files outside every folder the settings of the window.
 */
import type { NetpolLensSettings } from '../protocol/settings';
import {
  compileGlobs,
  filesExcludePatterns,
  settingsFromConfig,
  type PathMatcher,
  type Settings,
} from '../core/index';

/** The configuration that applies to one workspace folder (or to the window). */
export interface ScopeConfig {
  /** Core settings for the checks. */
  readonly settings: Settings;
  /** Stable key of `settings`: folders with equal keys share one analysis. */
  readonly key: string;
  /** `netpolLens.exclude` and `files.exclude` globs (relative to the folder). */
  readonly excludePatterns: readonly string[];
  readonly isExcluded: PathMatcher;
  /** `netpolLens.diff.base`: the git ref the changes mode and the change code lens compare with. */
  readonly diffBase: string;
  /** `netpolLens.cache.enabled` (default true): the facts cache (warm-cache.ts); the window's counts. */
  readonly cacheEnabled: boolean;
}

export function defaultScopeConfig(): ScopeConfig {
  return scopeConfig(undefined, undefined);
}

/** Maps the client's NetpolLensSettings (possibly partial, possibly junk) onto core Settings. */
export function toCoreSettings(
  raw: NetpolLensSettings | null | undefined,
  log?: (msg: string) => void,
): Settings {
  return settingsFromConfig(raw, log && ((msg) => log(`netpolLens.${msg}`)));
}

/** Builds a folder's configuration from the `netpolLens` and `files.exclude` sections. */
export function scopeConfig(
  raw: NetpolLensSettings | null | undefined,
  filesExclude: unknown,
  log?: (msg: string) => void,
): ScopeConfig {
  const settings = toCoreSettings(raw, log);
  const excludePatterns = [
    ...(Array.isArray(raw?.exclude)
      ? raw.exclude.filter((x): x is string => typeof x === 'string' && x.trim() !== '')
      : []),
    ...filesExcludePatterns(filesExclude),
  ];
  const base = raw?.diff?.base;
  return {
    settings,
    // the default namespace is the index's (per folder, analyses.ts), not an analysis's: folders
    // that differ only in it share one analysis
    key: stableKey({ ...settings, defaultNamespace: undefined }),
    diffBase: typeof base === 'string' && base.trim() !== '' ? base.trim() : 'HEAD',
    cacheEnabled: raw?.cache?.enabled !== false,
    excludePatterns,
    isExcluded: compileGlobs(excludePatterns, (p, e) =>
      log?.(`Ignoring the exclude pattern "${p}": ${String(e)}`),
    ),
  };
}

function stableKey(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) =>
    val && typeof val === 'object' && !Array.isArray(val)
      ? Object.fromEntries(
          Object.entries(val as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : val,
  );
}

/** A workspace folder as the server tracks it. */
export interface Folder {
  readonly uri: string;
  readonly name: string;
}

/** True when `uri` is the folder itself or inside it. */
export function isInside(folderUri: string, uri: string): boolean {
  const base = folderUri.endsWith('/') ? folderUri : `${folderUri}/`;
  return uri === folderUri || uri.startsWith(base);
}

/** The path of `uri` relative to the folder, decoded, with `/` separators; undefined when outside. */
export function relativePath(folderUri: string, uri: string): string | undefined {
  if (!isInside(folderUri, uri)) return undefined;
  const rest = uri.slice(folderUri.length).replace(/^\/+/, '');
  // nothing to decode (almost every path): the segments decoded and joined again are `rest`
  if (!rest.includes('%')) return rest;
  try {
    return rest.split('/').map(decodeURIComponent).join('/');
  } catch {
    return rest;
  }
}
