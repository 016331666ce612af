/**
 * The one home of plain-English wording shared by the core, the CLI, the client and the webview:
 * counts with plurals, lists, bullets, grouped digits and "did you mean" suggestions.
 *
 * Dependency-free on purpose: the client (client/src) and the webview bundle import this file
 * directly, so it must not import anything, not even other core modules.
 */

/** `1 workload`, `3 workloads`; `plural(2, 'policy', 'policies')` → `2 policies`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The noun alone, chosen by count: `noun(1, 'rule')` → `rule`, `noun(2, 'rule')` → `rules`. */
export function noun(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? one : many;
}

/** `Ingress rule 2` from `ingress rule 2`: the first letter in upper case. */
export function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** `a`, `a and b`, `a, b and c`, or `a, b, c and 4 more` when cut after `max` items. */
export function listText(items: readonly string[], max = 6, empty = '(none)'): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, Math.max(1, max));
  const rest = items.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length === 1) return shown[0] ?? '';
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

/** A markdown bulleted list, cut after `max` items with "… and N more". */
export function bullets(items: readonly string[], max = 20): string[] {
  const out = items.slice(0, max).map((i) => `- ${i}`);
  if (items.length > max) out.push(`- … and ${items.length - max} more`);
  return out;
}

/** 16777216 → "16,777,216". */
export function groupDigits(v: bigint | number): string {
  return v.toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Background indexing as shown in hovers and code lenses: `indexing: 1,200 of 6,321 files`, or
 * `indexing: listing files` before the count is known.
 */
export function indexingText(done: number, total: number): string {
  return total > 0
    ? `indexing: ${groupDigits(Math.min(done, total))} of ${groupDigits(total)} files`
    : 'indexing: listing files';
}

/**
 * Levenshtein distance. With `giveUpBeyond`, returns 99 at once when the lengths differ by more
 * than that (the distance is then at least that large anyway).
 */
export function editDistance(a: string, b: string, giveUpBeyond = Infinity): number {
  if (Math.abs(a.length - b.length) > giveUpBeyond) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 99;
}

/**
 * Similarity of two strings in [0, 1], ignoring case: 1 minus the edit distance over the longer
 * length; an abbreviation of three or more letters (`prod` in `production`) counts as at least 0.7.
 */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const n = Math.max(x.length, y.length);
  if (n === 0) return 1;
  const edit = 1 - editDistance(x, y) / n;
  const short = x.length < y.length ? x : y;
  const long = x.length < y.length ? y : x;
  return short.length >= 3 && long.includes(short) ? Math.max(edit, 0.7) : edit;
}

/** The closest known word, for "did you mean": same letters ignoring case, or edit distance ≤ 2. */
export function didYouMean(word: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = 3;
  const w = word.toLowerCase();
  for (const k of known) {
    const kl = k.toLowerCase();
    if (kl === w) return k;
    const d = editDistance(kl, w, 3);
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return best;
}
