/**
 * Glob matching for `files.exclude` and `netpolLens.exclude`, with VS Code's semantics:
 * - patterns are matched against the path relative to the workspace folder, with `/` separators;
 * - `*` matches within one path segment, `?` one character of a segment, `**` any number of
 *   segments (`**\/x` matches `x` at any depth, `a/**` everything under `a`);
 * - `{a,b}` alternatives (nested globs allowed), `[abc]`, `[a-z]` and `[!abc]` / `[^abc]` classes;
 * - a pattern that matches a folder excludes everything inside it (`**\/node_modules`);
 * - a leading `./` or `/` is ignored.
 * No dependency: the patterns are compiled once to regular expressions.
 */

export type PathMatcher = (relativePath: string) => boolean;

const NEVER: PathMatcher = () => false;

/** Compiles one glob to an anchored regular expression over a relative path. */
export function globToRegExp(glob: string): RegExp {
  let g = glob.trim().replace(/\\/g, '/');
  if (g.startsWith('./')) g = g.slice(2);
  while (g.startsWith('/')) g = g.slice(1);
  return new RegExp(`^${translate(g)}$`);
}

function translate(g: string): string {
  let out = '';
  let i = 0;
  while (i < g.length) {
    const c = g[i] as string;
    if (c === '*') {
      if (g[i + 1] === '*') {
        // `**`: collapse runs of stars
        let j = i;
        while (g[j] === '*') j++;
        const atSegStart = i === 0 || g[i - 1] === '/';
        const atSegEnd = j === g.length || g[j] === '/';
        if (atSegStart && atSegEnd) {
          if (j === g.length) {
            // trailing `**` (or the whole pattern): anything, including nothing
            out += '.*';
            i = j;
          } else {
            // `**/`: zero or more whole segments
            out += '(?:[^/]*/)*';
            i = j + 1;
          }
          continue;
        }
        out += '[^/]*';
        i = j;
        continue;
      }
      out += '[^/]*';
      i++;
      continue;
    }
    if (c === '?') {
      out += '[^/]';
      i++;
      continue;
    }
    if (c === '[') {
      const close = g.indexOf(']', i + 2);
      if (close > 0) {
        let body = g.slice(i + 1, close);
        let neg = false;
        if (body.startsWith('!') || body.startsWith('^')) {
          neg = true;
          body = body.slice(1);
        }
        body = body.replace(/[\\\]^]/g, (m) => `\\${m}`);
        out += neg ? `[^/${body}]` : `[${body}]`;
        i = close + 1;
        continue;
      }
      out += '\\[';
      i++;
      continue;
    }
    if (c === '{') {
      const close = matchingBrace(g, i);
      if (close > 0) {
        const alts = splitTopLevel(g.slice(i + 1, close));
        out += `(?:${alts.map(translate).join('|')})`;
        i = close + 1;
        continue;
      }
      out += '\\{';
      i++;
      continue;
    }
    out += /[.+^$()|\\\]}]/.test(c) ? `\\${c}` : c;
    i++;
  }
  return out;
}

function matchingBrace(g: string, open: number): number {
  let depth = 0;
  for (let i = open; i < g.length; i++) {
    if (g[i] === '{') depth++;
    else if (g[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

/**
 * A matcher for a set of globs: true when a pattern matches the path or one of its parent
 * folders. Invalid patterns are ignored (and reported through `onError`).
 */
export function compileGlobs(
  patterns: readonly string[],
  onError?: (pattern: string, e: unknown) => void,
): PathMatcher {
  const res: RegExp[] = [];
  for (const p of patterns) {
    if (typeof p !== 'string' || p.trim() === '') continue;
    try {
      res.push(globToRegExp(p));
    } catch (e) {
      onError?.(p, e);
    }
  }
  if (res.length === 0) return NEVER;
  return (relativePath: string): boolean => {
    const path = relativePath
      .replace(/\\/g, '/')
      .replace(/^\.?\/+/, '')
      .replace(/\/+$/, '');
    if (path === '') return false;
    const segments = path.split('/');
    let prefix = '';
    for (const seg of segments) {
      prefix = prefix ? `${prefix}/${seg}` : seg;
      for (const re of res) if (re.test(prefix)) return true;
    }
    return false;
  };
}

/**
 * `files.exclude` is an object from glob to `true`, `false` or `{when: …}` (a sibling condition
 * such as `$(basename).ts`); only the patterns set to `true` apply here.
 */
export function filesExcludePatterns(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v === true)
    .map(([k]) => k);
}
