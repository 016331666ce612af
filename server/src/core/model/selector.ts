/**
 * Label selectors (semantics.md "Who is selected"): matchLabels AND matchExpressions; In, NotIn,
 * Exists, DoesNotExist; NotIn and DoesNotExist also match objects without the key; `{}` matches
 * everything. An invalid requirement (unknown operator, missing key, In/NotIn without values,
 * Exists/DoesNotExist with values) makes the selector match nothing: the API server would reject it.
 */
import type { LabelSelector, Labels } from './types';

export interface SelectorMatcher {
  matches(labels: Labels): boolean;
  readonly isEmpty: boolean;
  readonly valid: boolean;
  /** e.g. `app=web, tier in (a, b)`, or `(all)` for `{}`. */
  describe(): string;
  /** The same for selectors that match alike (their requirements as data): a cache key. */
  readonly key: string;
}

type Req =
  | { op: 'In' | 'NotIn'; key: string; values: ReadonlySet<string> }
  | { op: 'Exists' | 'DoesNotExist'; key: string };

export const MATCH_ALL: SelectorMatcher = {
  matches: () => true,
  isEmpty: true,
  valid: true,
  describe: () => '(all)',
  key: '{}',
};

export function compileSelector(sel: LabelSelector): SelectorMatcher {
  const eq: Array<[string, string]> = sel.matchLabels.map((p) => [p.key.value, p.value.value]);
  const reqs: Req[] = [];
  let valid = true;
  for (const r of sel.matchExpressions) {
    const key = r.key?.value;
    const op = r.operator?.value;
    const values = r.values?.map((v) => v.value) ?? [];
    if (!key) {
      valid = false;
      continue;
    }
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) valid = false;
      reqs.push({ op, key, values: new Set(values) });
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) valid = false;
      reqs.push({ op, key });
    } else {
      valid = false;
    }
  }
  const isEmpty = eq.length === 0 && reqs.length === 0 && valid;
  const describe = (): string => describeSelector(eq, reqs, valid);
  if (!valid) return { matches: () => false, isEmpty: false, valid, describe, key: '!' };
  if (isEmpty) return { ...MATCH_ALL, describe };
  const key = JSON.stringify([
    [...eq].sort(),
    reqs.map((r) => [r.op, r.key, 'values' in r ? [...r.values].sort() : null]),
  ]);
  return {
    isEmpty,
    valid,
    describe,
    key,
    matches(labels: Labels): boolean {
      for (const [k, v] of eq) if (labels[k] !== v) return false;
      for (const r of reqs) {
        const has = Object.prototype.hasOwnProperty.call(labels, r.key);
        switch (r.op) {
          case 'In':
            if (!has || !r.values.has(labels[r.key] as string)) return false;
            break;
          case 'NotIn':
            if (has && r.values.has(labels[r.key] as string)) return false;
            break;
          case 'Exists':
            if (!has) return false;
            break;
          case 'DoesNotExist':
            if (has) return false;
            break;
        }
      }
      return true;
    },
  };
}

function describeSelector(eq: Array<[string, string]>, reqs: Req[], valid: boolean): string {
  if (!valid) return '(invalid selector: matches nothing)';
  const parts = eq.map(([k, v]) => `${k}=${v}`);
  for (const r of reqs) {
    if (r.op === 'In') parts.push(`${r.key} in (${[...r.values].join(', ')})`);
    else if (r.op === 'NotIn') parts.push(`${r.key} notin (${[...r.values].join(', ')})`);
    else if (r.op === 'Exists') parts.push(r.key);
    else parts.push(`!${r.key}`);
  }
  return parts.length ? parts.join(', ') : '(all)';
}

/** Matchers rebuilt from keys (`selectorOfKey`), bounded: a key it forgot is parsed again. */
const byKey = new Map<string, SelectorMatcher>();

/**
 * The matcher a selector key (`SelectorMatcher.key`) stands for, rebuilt from the key alone: a
 * matcher that holds nothing but its requirements (no policy, index or closure over them), which
 * the index keeps to tell whether a selector's answer changed between two snapshots.
 */
export function selectorOfKey(key: string): SelectorMatcher {
  let m = byKey.get(key);
  if (m) return m;
  if (key === '{}') m = MATCH_ALL;
  else if (key === '!') m = NEVER;
  else {
    let eq: Array<[string, string]> = [];
    let raw: Array<[string, string, string[] | null]> = [];
    try {
      [eq, raw] = JSON.parse(key) as [typeof eq, typeof raw];
    } catch {
      m = NEVER;
    }
    m ??= compileSelector({
      matchLabels: eq.map(([k, v]) => ({ key: { value: k }, value: { value: v } })),
      matchExpressions: raw.map(([op, k, values]) => ({
        key: { value: k },
        operator: { value: op },
        ...(values ? { values: values.map((v) => ({ value: v })) } : {}),
      })),
    } as unknown as LabelSelector);
  }
  if (byKey.size >= 10_000) byKey.clear();
  byKey.set(key, m);
  return m;
}

const NEVER: SelectorMatcher = {
  matches: () => false,
  isEmpty: false,
  valid: false,
  describe: () => '(invalid selector: matches nothing)',
  key: '!',
};
