/**
 * Fixes: a finding's FixSpec → text edits, built on the CST-preserving operations of
 * yaml/edit.ts (comments, indentation style, quoting and everything else stay byte for byte).
 *
 * FixSpec shapes (`kind`, then `data`):
 * - any kind with `data.ops: YamlOp[]` (every section-B fix): the operations, run in order; each
 *   names the file (`uri`, default: the finding's file), the YAML document (`docIndex`) and a path
 *   from the document root. Ops on one file run one after the other on the edited text; the edit
 *   of that file is then the lines that differ.
 * - `rewrite-api-version`: `data.newValue` replaces the apiVersion of the object located by
 *   `data.docIndex` + `data.path` (the object's path in its document, `[]` at the top), or else by
 *   `data.span` / `data.offset` (any offset inside the object), or else the only NetworkPolicy of
 *   the file whose apiVersion is `data.oldValue` (default `extensions/v1beta1`).
 * - `generate-default-deny`: `data.namespace`, `data.mode` (`append`: a new `---` document at the
 *   end of `data.uri` (default: the finding's file); `new-file`: a new file next to it, named
 *   `default-deny-ingress-<namespace>.yaml`, as one edit with `create: true`), and optional
 *   `data.policyTypes` (default `["Ingress"]`). The policy: `podSelector: {}`, no rules.
 *
 * A fix that cannot be applied (the file changed, a node is an alias, the result would not parse
 * to the promised data) yields no edits rather than a broken file.
 */
import { parseAllDocuments } from 'yaml';
import type { FixKind, FixSpec, YamlOp } from '../model/finding';
import type { WorkspaceIndex } from '../index/workspace-index';
import type { Span } from '../text/span';
import {
  appendToSequence,
  applyEdits,
  detectStyle,
  insertIntoSequence,
  removeNode,
  renderBlock,
  replaceEntry,
  replaceNode,
  setOrAppendInMap,
  type EditResult,
  type TextEdit,
  type YamlPath,
  type YamlValue,
} from '../yaml/edit';

/**
 * One edit of one file: replace `span` (UTF-16 offsets into the file's current text) with
 * `newText`. `create: true` means the file does not exist yet: create it with `newText` (span 0..0).
 */
export interface CoreEdit {
  readonly uri: string;
  readonly span: Span;
  readonly newText: string;
  readonly create?: boolean;
}

/**
 * How each fix kind is applied: `ops` runs the FixSpec's `data.ops`, `builder` has its own code
 * below. Typed over FixKind, so a new kind cannot be forgotten here (nor in the tests that read it).
 */
export const FIX_KINDS: { readonly [K in FixKind]: 'ops' | 'builder' } = {
  'add-metadata-except': 'ops',
  'add-namespace-label': 'ops',
  'add-policy-type': 'ops',
  'add-policy-types': 'ops',
  'allow-dns-egress': 'ops',
  'generate-default-deny': 'builder',
  'merge-peers': 'ops',
  'migrate-cluster-policy': 'ops',
  'remove-redundant-rule': 'ops',
  'remove-rules': 'ops',
  'replace-with-target-port': 'ops',
  'rewrite-api-version': 'builder',
  'rewrite-cidr': 'ops',
  'select-namespace-by-name': 'ops',
};

export interface FixSource {
  readonly index: WorkspaceIndex;
}

/** The edits that apply `spec`, a fix of a finding in `uri`; empty when it cannot be applied. */
export function computeFix(source: WorkspaceIndex | FixSource, uri: string, spec: FixSpec): CoreEdit[] {
  const index = 'index' in source ? source.index : source;
  try {
    switch (spec.kind) {
      case 'rewrite-api-version':
        return rewriteApiVersion(index, uri, spec.data ?? {});
      case 'generate-default-deny':
        return generateDefaultDeny(index, uri, spec.data ?? {});
      default: {
        const ops = spec.data?.ops;
        return FIX_KINDS[spec.kind] === 'ops' && Array.isArray(ops)
          ? runOps(index, uri, ops as YamlOp[])
          : [];
      }
    }
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Operations

function runOp(text: string, op: YamlOp): EditResult {
  switch (op.op) {
    case 'set': {
      const opts = {
        ...(op.after !== undefined ? { after: op.after } : {}),
        ...(op.before !== undefined ? { before: op.before } : {}),
      };
      const r = setOrAppendInMap(text, op.docIndex, op.path, op.key, op.value, opts);
      if (r.ok || op.path.length === 0) return r;
      // the mapping itself is missing: create it under its parent
      const parent = op.path.slice(0, -1);
      const last = op.path[op.path.length - 1];
      if (typeof last !== 'string') return r;
      const retry = setOrAppendInMap(text, op.docIndex, parent, last, { [op.key]: op.value }, opts);
      return retry.ok ? retry : r;
    }
    case 'append':
      return appendToSequence(
        text,
        op.docIndex,
        op.path,
        op.item,
        op.after !== undefined ? { after: op.after } : {},
      );
    case 'replace':
      return replaceNode(text, op.docIndex, op.path, op.value);
    case 'insert':
      return insertIntoSequence(text, op.docIndex, op.path, op.index, op.item);
    case 'rename':
      return replaceEntry(text, op.docIndex, op.path, op.key, op.newKey, op.value);
    case 'remove':
      return removeNode(text, op.docIndex, op.path);
  }
}

/** Runs ops file by file; all or nothing. */
export function runOps(index: WorkspaceIndex, defaultUri: string, ops: readonly YamlOp[]): CoreEdit[] {
  const byUri = new Map<string, YamlOp[]>();
  for (const op of ops) {
    const u = op.uri ?? defaultUri;
    const l = byUri.get(u) ?? [];
    l.push(op);
    byUri.set(u, l);
  }
  const out: CoreEdit[] = [];
  for (const [u, list] of byUri) {
    const original = index.file(u)?.text;
    if (original === undefined) return [];
    let text = original;
    let last: readonly TextEdit[] = [];
    for (const op of list) {
      const r = runOp(text, op);
      if (!r.ok) return [];
      last = r.edits;
      text = applyEdits(text, r.edits);
    }
    if (text === original) continue;
    if (list.length === 1) {
      for (const e of last) out.push({ uri: u, span: { start: e.start, end: e.end }, newText: e.newText });
    } else {
      for (const h of lineHunks(original, text)) out.push({ uri: u, ...h });
    }
  }
  return out;
}

/**
 * Edits turning `a` into `b`, one per run of differing lines (a longest common subsequence of
 * lines between the common first and last lines; one edit over that middle when it is too big).
 */
export function lineHunks(a: string, b: string): Array<{ span: Span; newText: string }> {
  if (a === b) return [];
  const la = a.split(/(?<=\n)/);
  const lb = b.split(/(?<=\n)/);
  let pre = 0;
  while (pre < la.length && pre < lb.length && la[pre] === lb[pre]) pre++;
  let suf = 0;
  while (
    suf < la.length - pre &&
    suf < lb.length - pre &&
    la[la.length - 1 - suf] === lb[lb.length - 1 - suf]
  )
    suf++;
  const ma = la.slice(pre, la.length - suf);
  const mb = lb.slice(pre, lb.length - suf);
  let offset = 0;
  for (let i = 0; i < pre; i++) offset += (la[i] as string).length;
  if (ma.length * mb.length > 4_000_000) return [lineDiff(a, b)];
  const n = ma.length;
  const m = mb.length;
  const L: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    const row = L[i] as Uint32Array;
    const next = L[i + 1] as Uint32Array;
    for (let j = m - 1; j >= 0; j--)
      row[j] =
        ma[i] === mb[j] ? (next[j + 1] as number) + 1 : Math.max(next[j] as number, row[j + 1] as number);
  }
  const out: Array<{ span: Span; newText: string }> = [];
  let i = 0;
  let j = 0;
  let pos = offset;
  let hunk: { start: number; end: number; newText: string } | undefined;
  const flush = (): void => {
    if (hunk) out.push({ span: { start: hunk.start, end: hunk.end }, newText: hunk.newText });
    hunk = undefined;
  };
  while (i < n || j < m) {
    if (i < n && j < m && ma[i] === mb[j]) {
      flush();
      pos += (ma[i] as string).length;
      i++;
      j++;
    } else if (j >= m || (i < n && (L[i + 1] as Uint32Array)[j]! >= (L[i] as Uint32Array)[j + 1]!)) {
      hunk ??= { start: pos, end: pos, newText: '' };
      pos += (ma[i] as string).length;
      hunk.end = pos;
      i++;
    } else {
      hunk ??= { start: pos, end: pos, newText: '' };
      hunk.newText += mb[j] as string;
      j++;
    }
  }
  flush();
  return out;
}

/** One edit turning `a` into `b`: the lines between their common first and last lines. */
export function lineDiff(a: string, b: string): { span: Span; newText: string } {
  if (a === b) return { span: { start: a.length, end: a.length }, newText: '' };
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  // back to the start of the line
  while (p > 0 && a[p - 1] !== '\n') p--;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  // forward to the start of a line (the suffix begins after a line break, or at the end)
  while (s > 0 && a[a.length - s - 1] !== '\n') s--;
  return { span: { start: p, end: a.length - s }, newText: b.slice(p, b.length - s) };
}

// ---------------------------------------------------------------------------------------------
// rewrite-api-version

function rewriteApiVersion(
  index: WorkspaceIndex,
  uri: string,
  data: Readonly<Record<string, unknown>>,
): CoreEdit[] {
  const newValue = data.newValue;
  if (typeof newValue !== 'string') return [];
  const file = index.file(uri);
  if (!file) return [];
  const replace = (docIndex: number, path: YamlPath): YamlOp => ({
    op: 'replace',
    docIndex,
    path: [...path, 'apiVersion'],
    value: newValue,
  });
  if (typeof data.docIndex === 'number' && Array.isArray(data.path)) {
    return runOps(index, uri, [replace(data.docIndex, data.path as YamlPath)]);
  }
  const span = data.span as Span | undefined;
  const offset =
    typeof data.offset === 'number'
      ? data.offset
      : span && typeof span.start === 'number'
        ? span.start
        : undefined;
  const policies = file.resources.filter((r) => r.kind === 'NetworkPolicy');
  if (offset !== undefined) {
    // the innermost object holding the offset (a List item before its List)
    const hit = policies
      .filter((r) => r.doc.span.start <= offset && offset <= r.doc.span.end)
      .sort((x, y) => y.doc.span.start - x.doc.span.start)[0];
    return hit ? runOps(index, uri, [replace(hit.doc.docIndex, hit.doc.path)]) : [];
  }
  // no location: every NetworkPolicy of the file with the old apiVersion
  const old = typeof data.oldValue === 'string' ? data.oldValue : 'extensions/v1beta1';
  const ops = policies
    .filter((r) => r.apiVersion?.value === old)
    .map((r) => replace(r.doc.docIndex, r.doc.path));
  return ops.length ? runOps(index, uri, ops) : [];
}

// ---------------------------------------------------------------------------------------------
// generate-default-deny

/** The default-deny policy for a namespace, as plain data. */
export function defaultDenyPolicy(
  namespace: string,
  name: string,
  policyTypes: readonly string[],
): YamlValue {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: { podSelector: {}, policyTypes: [...policyTypes] },
  };
}

function generateDefaultDeny(
  index: WorkspaceIndex,
  uri: string,
  data: Readonly<Record<string, unknown>>,
): CoreEdit[] {
  const namespace = data.namespace;
  if (typeof namespace !== 'string' || namespace === '') return [];
  const types =
    Array.isArray(data.policyTypes) &&
    data.policyTypes.every((t) => t === 'Ingress' || t === 'Egress') &&
    data.policyTypes.length
      ? (data.policyTypes as string[])
      : ['Ingress'];
  const base = types.length === 2 ? 'default-deny' : `default-deny-${types[0]?.toLowerCase()}`;
  const taken = new Set(index.policiesIn(namespace).map((p) => p.name.value));
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  const target = typeof data.uri === 'string' ? data.uri : uri;
  const comment = `# Denies all ${types.map((t) => t.toLowerCase()).join(' and ')} of the pods of namespace ${namespace} that no other policy allows.`;
  if (data.mode === 'new-file') {
    const dir = target.slice(0, target.lastIndexOf('/') + 1);
    let fileUri = `${dir}${base}-${namespace}.yaml`;
    for (let i = 2; index.file(fileUri); i++) fileUri = `${dir}${base}-${namespace}-${i}.yaml`;
    const body = renderBlock(defaultDenyPolicy(namespace, name, types), 0, {
      indent: 2,
      indentSequences: false,
    });
    return [
      {
        uri: fileUri,
        span: { start: 0, end: 0 },
        newText: [comment, ...body].join('\n') + '\n',
        create: true,
      },
    ];
  }
  const file = index.file(target);
  if (!file) return [];
  const text = file.text;
  const eolAt = text.indexOf('\n');
  const eol = eolAt > 0 && text[eolAt - 1] === '\r' ? '\r\n' : '\n';
  const docCount = parseAllDocuments(text).length;
  const style = detectStyle(text, Math.max(0, docCount - 1));
  const body = renderBlock(defaultDenyPolicy(namespace, name, types), 0, style);
  const lead = text.length === 0 || text.endsWith('\n') ? '' : eol;
  const sep = text.trim() === '' ? [] : ['---'];
  const newText = lead + [...sep, comment, ...body].map((l) => l + eol).join('');
  return [{ uri: target, span: { start: text.length, end: text.length }, newText }];
}

/**
 * Source actions for a file: "Generate default-deny policy for namespace <ns>" for each namespace
 * the file's objects belong to (policies, workloads, Services, Namespace manifests) that has no
 * ingress default-deny yet (`podSelector: {}`, Ingress, no ingress rules). Two variants each:
 * appended to this file as a new document, or in a new file next to it.
 */
export function sourceFixes(index: WorkspaceIndex, uri: string): FixSpec[] {
  const file = index.file(uri);
  if (!file) return [];
  const namespaces: string[] = [];
  for (const r of file.resources) {
    const ns = r.kind === 'Namespace' ? r.name.value : r.namespace;
    if (!namespaces.includes(ns)) namespaces.push(ns);
  }
  const out: FixSpec[] = [];
  for (const namespace of namespaces) {
    const hasDeny = index.policiesIn(namespace).some((p) => {
      const sel = p.podSelector;
      const empty = !sel || (sel.matchLabels.length === 0 && sel.matchExpressions.length === 0);
      const types = p.policyTypes?.items.map((i) => i.value) ?? ['Ingress'];
      return empty && types.includes('Ingress') && (p.ingress?.rules.length ?? 0) === 0;
    });
    if (hasDeny) continue;
    out.push({
      kind: 'generate-default-deny',
      title: `Generate default-deny policy for namespace ${namespace} (append to this file)`,
      data: { namespace, mode: 'append', uri, policyTypes: ['Ingress'] },
    });
    out.push({
      kind: 'generate-default-deny',
      title: `Generate default-deny policy for namespace ${namespace} (new file)`,
      data: { namespace, mode: 'new-file', uri, policyTypes: ['Ingress'] },
    });
  }
  return out;
}
