/**
 * Folder arithmetic on file URIs, for analysis roots: pure string work (no `node:path`), on the
 * decoded path of each URI so that `file:///a%20b/x.yaml` and a relative `../a b/x.yaml` meet.
 */

/** The decoded path of a URI (`/a/b/x.yaml`), or undefined for a URI without one. */
export function uriPath(uri: string): string | undefined {
  const m = /^[a-zA-Z][\w+.-]*:(?:\/\/[^/]*)?(\/[^?#]*)/.exec(uri);
  if (!m?.[1]) return undefined;
  if (!m[1].includes('%')) return m[1]; // nothing to decode (almost every uri)
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return m[1];
  }
}

/** The folder of a path, with a trailing slash (`/a/b/` for `/a/b/x.yaml`). */
export function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `rel` resolved against the folder `dir` (trailing slash), `.` and `..` folded; no trailing slash. */
export function joinPath(dir: string, rel: string): string {
  const parts: string[] = [];
  for (const seg of (rel.startsWith('/') ? rel : dir + rel).split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

/** The longest folder (trailing slash) that holds every path. */
export function commonDir(paths: Iterable<string>): string {
  let common: string[] | undefined;
  for (const p of paths) {
    const segs = dirOf(p).split('/').slice(0, -1);
    if (!common) common = segs;
    else {
      let i = 0;
      while (i < common.length && i < segs.length && common[i] === segs[i]) i++;
      common = common.slice(0, i);
    }
  }
  return common ? common.join('/') + '/' : '/';
}

/** `path` relative to the folder `dir` (trailing slash) when inside it, else `path` itself. */
export function relativeTo(dir: string, path: string): string {
  return path.startsWith(dir) ? path.slice(dir.length) : path;
}
