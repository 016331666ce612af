/**
 * Structural reasoning on label selectors, for checks that compare selectors rather than match
 * labels: a selector as requirements (matchLabels as `In [v]`), whether one selector covers
 * another or may overlap it, and labels of an object a selector surely selects.
 */
import { METADATA_NAME_LABEL } from '../index/workspace-index';
import type { LabelSelector, Labels } from '../model/types';
import { compileSelector } from '../model/selector';

export interface Req {
  readonly key: string;
  readonly op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values: ReadonlySet<string>;
}

/** The requirements of a selector (matchLabels as `In [v]`); undefined for an invalid selector. */
export function selectorReqs(sel: LabelSelector | undefined): Req[] | undefined {
  if (!sel) return [];
  if (!compileSelector(sel).valid) return undefined;
  const out: Req[] = sel.matchLabels.map((p) => ({
    key: p.key.value,
    op: 'In',
    values: new Set([p.value.value]),
  }));
  for (const r of sel.matchExpressions) {
    const op = r.operator?.value;
    if (!r.key || (op !== 'In' && op !== 'NotIn' && op !== 'Exists' && op !== 'DoesNotExist'))
      return undefined;
    out.push({ key: r.key.value, op, values: new Set((r.values ?? []).map((v) => v.value)) });
  }
  return out;
}

/** The requirement a namespace name stands for (`kubernetes.io/metadata.name In [ns]`). */
export function namespaceNameReqs(ns: string): Req[] {
  return [{ key: METADATA_NAME_LABEL, op: 'In', values: new Set([ns]) }];
}

/** Does one requirement hold for these labels (as selector.ts matches it)? */
export function reqHolds(r: Req, labels: Labels): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'In':
      return has && r.values.has(labels[r.key] as string);
    case 'NotIn':
      return !has || !r.values.has(labels[r.key] as string);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** A requirement in kubectl's notation: `app=web`, `tier in (a, b)`, `tier notin (a)`, `canary`, `!legacy`. */
export function reqText(r: Req): string {
  const values = [...r.values];
  switch (r.op) {
    case 'In':
      return values.length === 1 ? `${r.key}=${values[0]}` : `${r.key} in (${values.join(', ')})`;
    case 'NotIn':
      return `${r.key} notin (${values.join(', ')})`;
    case 'Exists':
      return r.key;
    case 'DoesNotExist':
      return `!${r.key}`;
  }
}

function subset(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function disjoint(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  for (const x of a) if (b.has(x)) return false;
  return true;
}

/** Does requirement `x` (of the narrower selector) imply `y`? */
function implies(x: Req, y: Req): boolean {
  if (x.key !== y.key) return false;
  switch (y.op) {
    case 'In':
      return x.op === 'In' && subset(x.values, y.values);
    case 'NotIn':
      return (
        (x.op === 'In' && disjoint(x.values, y.values)) ||
        (x.op === 'NotIn' && subset(y.values, x.values)) ||
        x.op === 'DoesNotExist'
      );
    case 'Exists':
      return x.op === 'In' || x.op === 'Exists';
    case 'DoesNotExist':
      return x.op === 'DoesNotExist';
  }
}

/** True when every object matching `narrow` also matches `wide` (sufficient, structural test). */
export function reqsCover(wide: readonly Req[], narrow: readonly Req[]): boolean {
  return wide.every((y) => narrow.some((x) => implies(x, y)));
}

/** False only when no object can match both (a conflicting requirement on one key). */
export function reqsMayOverlap(a: readonly Req[], b: readonly Req[]): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x.key !== y.key) continue;
      if (x.op === 'In' && y.op === 'In' && disjoint(x.values, y.values)) return false;
      if ((x.op === 'In' || x.op === 'Exists') && y.op === 'DoesNotExist') return false;
      if ((y.op === 'In' || y.op === 'Exists') && x.op === 'DoesNotExist') return false;
      if (x.op === 'In' && y.op === 'NotIn' && subset(x.values, y.values)) return false;
      if (y.op === 'In' && x.op === 'NotIn' && subset(y.values, x.values)) return false;
    }
  }
  return true;
}

/** Labels of a pod `sel` surely selects (first value of each In, "" for Exists); undefined when none can be built. */
export function sampleLabels(sel: LabelSelector | undefined): Record<string, string> | undefined {
  const reqs = selectorReqs(sel);
  if (!reqs) return undefined;
  const labels: Record<string, string> = {};
  for (const r of reqs) {
    if (r.op === 'In') {
      const v = [...r.values][0];
      if (v !== undefined && !(r.key in labels)) labels[r.key] = v;
    } else if (r.op === 'Exists' && !(r.key in labels)) labels[r.key] = '';
  }
  if (sel && !compileSelector(sel).matches(labels)) return undefined;
  return labels;
}
