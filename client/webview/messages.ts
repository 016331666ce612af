/**
 * Validation of what the host posts to the webview (`HostToWebview`). The model carries data from
 * the workspace's manifests (names, label values: user data), so the view checks every message
 * against its type before rendering any of it; a malformed or unknown one is dropped and logged
 * (the webview's console). Everything is rendered as text (dom.ts), never as markup.
 */
import type { ChangesResult, ExplainResult, ReachabilityResult } from '../../server/src/protocol/requests';
import type { HostToWebview } from '../../server/src/protocol/webview';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isBool = (v: unknown): v is boolean => typeof v === 'boolean';
const isList = (v: unknown, item: (x: unknown) => boolean): boolean => Array.isArray(v) && v.every(item);
const opt = (v: unknown, ok: (x: unknown) => boolean): boolean => v === undefined || ok(v);
const isPos = (v: unknown): boolean => isObj(v) && isNum(v.line) && isNum(v.character);
const isLocation = (v: unknown): boolean =>
  isObj(v) && isStr(v.uri) && isObj(v.range) && isPos(v.range.start) && isPos(v.range.end);
const isRanges = (v: unknown): boolean =>
  isList(v, (r) => Array.isArray(r) && r.length === 2 && isNum(r[0]) && isNum(r[1]));
const isConns = (v: unknown): boolean =>
  v === 'all' ||
  (isObj(v) && Object.entries(v).every(([p, r]) => ['TCP', 'UDP', 'SCTP'].includes(p) && isRanges(r)));
const isLabels = (v: unknown): boolean => isObj(v) && Object.values(v).every(isStr);

function isEndpoint(v: unknown): boolean {
  return (
    isObj(v) &&
    isStr(v.id) &&
    (v.kind === 'workload' || v.kind === 'external' || v.kind === 'domain') &&
    opt(v.namespace, isStr) &&
    opt(v.name, isStr) &&
    opt(v.workloadKind, isStr) &&
    opt(v.labels, isLabels) &&
    opt(v.location, isLocation) &&
    opt(v.isolatedIngress, isBool) &&
    opt(v.isolatedEgress, isBool)
  );
}

function isModel(v: unknown): v is ReachabilityResult {
  return (
    isObj(v) &&
    v.version === 1 &&
    isList(v.endpoints, isEndpoint) &&
    isList(v.connections, (c) => isObj(c) && isStr(c.src) && isStr(c.dst) && isConns(c.conns)) &&
    isObj(v.counts) &&
    ['policies', 'workloads', 'namespaces', 'files'].every((k) => isNum((v.counts as Obj)[k])) &&
    opt(v.focus, (f) => isList(f, isStr)) &&
    opt(
      v.limited,
      (l) =>
        isObj(l) &&
        isNum(l.maxWorkloads) &&
        isList(l.namespaces, (n) => isObj(n) && isStr(n.name) && isNum(n.workloads)) &&
        isList(l.shown, isStr) &&
        ['requested', 'focus', 'first'].includes(l.reason as string),
    ) &&
    opt(v.roots, (r) => isList(r, (x) => isObj(x) && isStr(x.id) && isStr(x.name))) &&
    opt(v.root, isStr)
  );
}

const isConnsOrNone = (v: unknown): boolean => v === 'none' || isConns(v);

function isChange(v: unknown): boolean {
  return (
    isObj(v) &&
    isStr(v.src) &&
    isStr(v.dst) &&
    isConnsOrNone(v.before) &&
    isConnsOrNone(v.after) &&
    isConnsOrNone(v.opened) &&
    isConnsOrNone(v.closed) &&
    isList(v.lines, isStr) &&
    isList(v.causes, (c) => isObj(c) && isStr(c.text) && opt(c.location, isLocation)) &&
    opt(v.srcOnly, (x) => x === 'before' || x === 'after') &&
    opt(v.dstOnly, (x) => x === 'before' || x === 'after')
  );
}

function isChanges(v: unknown): v is ChangesResult {
  if (!isObj(v)) return false;
  if (v.available === false) return isStr(v.reason);
  return (
    v.available === true &&
    isStr(v.base) &&
    isList(v.changes, isChange) &&
    isObj(v.counts) &&
    isNum(v.counts.opened) &&
    isNum(v.counts.closed) &&
    isList(v.files, isStr)
  );
}

const isPolicyRef = (v: unknown): boolean => isObj(v) && isStr(v.policy) && isLocation(v.location);

function isSide(v: unknown): boolean {
  return (
    isObj(v) &&
    isBool(v.isolated) &&
    isBool(v.allowed) &&
    isList(v.isolatingPolicies, isPolicyRef) &&
    isList(
      v.allowingRules,
      (r) =>
        isPolicyRef(r) &&
        ((r as Obj).direction === 'ingress' || (r as Obj).direction === 'egress') &&
        isNum((r as Obj).ruleIndex),
    ) &&
    (v.conns === 'none' || isConns(v.conns)) &&
    opt(v.trail, (t) =>
      isList(
        t,
        (s) =>
          isObj(s) &&
          ['Admin', 'NetworkPolicy', 'Baseline', 'default'].includes(s.tier as string) &&
          isStr(s.text) &&
          opt(s.location, isLocation),
      ),
    )
  );
}

function isExplanation(v: unknown): v is ExplainResult {
  return (
    isObj(v) &&
    isStr(v.src) &&
    isStr(v.dst) &&
    opt(v.port, (p) => isObj(p) && isNum(p.port) && isStr(p.protocol)) &&
    isBool(v.allowed) &&
    isBool(v.partial) &&
    (v.conns === 'none' || isConns(v.conns)) &&
    isSide(v.egress) &&
    isSide(v.ingress) &&
    isList(v.summary, isStr) &&
    isList(v.notes, isStr)
  );
}

/** The message as a `HostToWebview`, or why it is not one. */
export function parseHostMessage(m: unknown): HostToWebview | string {
  if (!isObj(m) || !isStr(m.type)) return 'not a message object with a type';
  const bad = (what: string): string => `a "${m.type as string}" message with ${what}`;
  switch (m.type) {
    case 'model':
      if (!isModel(m.model)) return bad('a malformed model');
      if (!isStr(m.port)) return bad('no port');
      if (!opt(m.focus, (f) => isList(f, isStr))) return bad('a bad focus');
      if (!opt(m.focusPolicy, (f) => isObj(f) && isStr(f.uri) && isStr(f.name) && isStr(f.namespace)))
        return bad('a bad focusPolicy');
      if (!opt(m.changes, isChanges)) return bad('malformed changes');
      if (!opt(m.mode, (x) => x === 'matrix' || x === 'changes')) return bad('a bad mode');
      return m as HostToWebview;
    case 'explanation':
      return isNum(m.requestId) && isExplanation(m.explanation)
        ? (m as HostToWebview)
        : bad('a malformed explanation');
    case 'error':
      return isStr(m.message) ? { type: 'error', message: m.message } : bad('no text');
    case 'busy':
      return isBool(m.busy) ? { type: 'busy', busy: m.busy } : bad('no busy flag');
    default:
      return `an unknown message type "${m.type.slice(0, 40)}"`;
  }
}
