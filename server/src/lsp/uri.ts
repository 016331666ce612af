/**
 * URI helpers. The server keys every file by one canonical spelling of its URI, so that the same
 * file reached through a workspace scan, a file-watcher event and an open buffer is one file in the
 * index (clients and Node's url module percent-encode different character sets). The canonical
 * form is VS Code's: every character of a path segment but `A–Z a–z 0–9 - . _ ~` percent-encoded
 * with upper-case hex. Non-`file:` URIs (untitled buffers) are kept as they are.
 */
import { fileURLToPath } from 'node:url';
import { uriPath } from '../core/index';
import { nativePath } from '../fs/paths';

export function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function canonicalUri(uri: string): string {
  const m = /^file:\/\/([^/]*)(\/.*)?$/i.exec(uri);
  if (!m) return uri;
  const authority = m[1] ?? '';
  let path = m[2] ?? '/';
  path = path
    .split('/')
    .map((seg, i) => {
      const d = decodeSegment(seg);
      // keep a Windows drive letter readable, lower-cased as VS Code does (`c%3A`)
      if (i === 1 && /^[A-Za-z]:$/.test(d)) return `${d[0]?.toLowerCase()}%3A`;
      return encodeSegment(d);
    })
    .join('/');
  return `file://${authority.toLowerCase()}${path}`;
}

/** The child URI of a folder URI (canonical in, canonical out). */
export function childUri(parentUri: string, name: string): string {
  return `${parentUri.replace(/\/+$/, '')}/${encodeSegment(name)}`;
}

/** The file-system path of a `file:` URI, or undefined for other schemes. */
export function uriToPath(uri: string): string | undefined {
  if (!/^file:/i.test(uri)) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The last segment of a URI, decoded, for messages. */
export function baseName(uri: string): string {
  const i = uri.replace(/\/+$/, '').lastIndexOf('/');
  return decodeSegment(i >= 0 ? uri.slice(i + 1) : uri);
}

/*
 * The core's paths (`RenderTarget.dir`, `BuildInputs`, decoded from the files' canonical URIs by
 * core `uriPath`) are `/`-separated and begin with `/`: `/home/me/k8s/base/` on POSIX,
 * `/c:/Users/me/k8s/base/` on Windows (the drive lower-cased, as `canonicalUri` spells it). The
 * server matches a watched-file event against them in that one form (`corePath`), and hands them
 * to the file system, to child processes and to the client in the form each takes (`nativePath`,
 * `uriOfCorePath`): a native Windows path (`C:\\Users\\…`, as `fileURLToPath` gives it) never
 * equals a core path, and a core path is no path Windows' file system reads.
 */

/** The core's path of a `file:` URI (any spelling: `file:///C:/x`, `file:///c%3A/x`), or undefined. */
export function corePath(uri: string): string | undefined {
  if (!/^file:/i.test(uri)) return undefined;
  return uriPath(canonicalUri(uri));
}

/** The canonical `file:` URI of a core path (a folder's trailing slash kept). */
export function uriOfCorePath(path: string): string {
  return canonicalUri(`file://${path.split('/').map(encodeSegment).join('/')}`);
}

// a core path as the platform's file-system path: one home for the server and the CLI (fs/paths.ts)
export { nativePath };

/**
 * A name in a glob that matches only itself: VS Code's glob characters (`*`, `?`, `[`, `]`, `{`,
 * `}`; vs/base/common/glob.ts) each in a class of its own (`[[]`; `]` first in a class is the
 * character). Not `!`: it is a character outside a class, and `[!]` would match any.
 */
export function escapeGlob(name: string): string {
  return name.replace(/[[\]{}*?]/g, '[$&]');
}

/**
 * The file watchers of kustomize builds' inputs (core `BuildInputs`: folders, every file under
 * them; files, each by itself), as a client takes them: a base URI and a pattern (LSP 3.17
 * `RelativePattern`, `relative`), else one glob of the native path with `/`; either way the
 * folders' and the files' own names are escaped (a `[x]` or `{a,b}` in a name is no pattern).
 */
export function inputWatchGlobs(
  inputs: { readonly dirs: readonly string[]; readonly files: readonly string[] },
  relative: boolean,
  windows?: boolean,
): Array<string | { baseUri: string; pattern: string }> {
  const glob = (dir: string, pattern: string): string | { baseUri: string; pattern: string } =>
    relative
      ? { baseUri: uriOfCorePath(dir), pattern }
      : `${escapeGlob(nativePath(dir, windows).split('\\').join('/'))}${pattern}`;
  return [
    ...inputs.dirs.map((d) => glob(d, '**/*')),
    ...inputs.files.map((f) => {
      const at = f.lastIndexOf('/') + 1;
      return glob(f.slice(0, at), escapeGlob(f.slice(at)));
    }),
  ];
}
