/**
 * A namespaces file (the CLI's `--namespaces FILE`): the namespaces that exist at run time, in
 * one of two shapes, YAML or JSON:
 * - a map of namespace name → labels, the value of the `netpolLens.namespaces` setting
 *   (`team-a: {team: a}`);
 * - a stream of `Namespace` manifests (or a `NamespaceList`/`List` of them), as
 *   `kubectl get namespaces -o yaml` prints them.
 * Read with the `yaml` package (and, for manifests, the very lowering every file goes through).
 */
import { parseAllDocuments, isMap, isScalar, isSeq, type Node } from 'yaml';
import { indexFile } from './index/workspace-index';
import { namespacesFromConfig } from './settings';

export interface NamespacesFile {
  readonly namespaces: Record<string, Record<string, string>>;
  /** What was left out and why, one sentence each; a file that could not be read has no namespaces. */
  readonly problems: readonly string[];
  /** Manifest form: the objects left out (not Namespaces, or no object), each where it starts (1-based line). */
  readonly skipped?: readonly SkippedDocument[];
}

export interface SkippedDocument {
  readonly line: number;
  /** `kind` as written, `''` where the document has none. */
  readonly kind: string;
  readonly name?: string;
  /** Why, as a clause: "is not a Namespace: a namespaces file declares namespaces only (give other manifests as paths)". */
  readonly why: string;
}

function scalar(n: unknown): string | undefined {
  return isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number')
    ? String(n.value)
    : undefined;
}

/** The objects of a manifest stream that are not Namespaces (List items one by one), where each starts. */
function skippedObjects(text: string, docs: readonly { contents: unknown }[]): SkippedDocument[] {
  const lineAt = (offset: number): number => {
    let n = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  const out: SkippedDocument[] = [];
  const visit = (node: unknown): void => {
    const at = lineAt((node as Node | null)?.range?.[0] ?? 0);
    if (!isMap(node)) {
      out.push({ line: at, kind: '', why: 'is no Kubernetes object (no apiVersion and kind)' });
      return;
    }
    const kind = scalar(node.get('kind', true)) ?? '';
    if (kind === 'Namespace') return;
    const items = node.get('items', true);
    if (/List$/.test(kind) && isSeq(items)) {
      for (const it of items.items) visit(it);
      return;
    }
    const meta = node.get('metadata', true);
    const name = isMap(meta) ? scalar(meta.get('name', true)) : undefined;
    out.push({
      line: at,
      kind,
      ...(name !== undefined ? { name } : {}),
      why: kind
        ? 'is not a Namespace: a namespaces file declares namespaces only (give the other manifests as paths)'
        : 'has no kind: it is no Kubernetes object',
    });
  };
  for (const d of docs) if (d.contents !== null) visit(d.contents);
  return out;
}

export function namespacesFromText(uri: string, text: string): NamespacesFile {
  const problems: string[] = [];
  let docs;
  try {
    docs = parseAllDocuments(text);
  } catch (e) {
    return { namespaces: {}, problems: [`it could not be parsed: ${String(e)}`] };
  }
  const list = Array.isArray(docs) ? docs : [docs];
  const errors = list.flatMap((d) => d.errors);
  if (errors.length > 0)
    return {
      namespaces: {},
      problems: [`YAML syntax error: ${(errors[0]?.message ?? '').split('\n')[0] ?? ''}`],
    };
  const nonEmpty = list.filter((d) => d.contents !== null);
  const isManifest = nonEmpty.some(
    (d) => isMap(d.contents) && d.contents.has('kind') && d.contents.has('apiVersion'),
  );
  if (!isManifest) {
    if (nonEmpty.length !== 1)
      return {
        namespaces: {},
        problems: [
          nonEmpty.length === 0
            ? 'it is empty'
            : 'it holds several documents but no Namespace manifest: expected one map of namespace name → labels, or Namespace manifests',
        ],
      };
    const raw: unknown = nonEmpty[0]?.toJS({ maxAliasCount: 100 });
    const namespaces = namespacesFromConfig(raw, (m) => problems.push(m.replace(/^[.:]\s*/, '')));
    return { namespaces, problems };
  }
  const facts = indexFile(uri, text, undefined);
  const namespaces: Record<string, Record<string, string>> = {};
  let others = 0;
  for (const r of facts.resources) {
    if (r.kind === 'Namespace')
      namespaces[r.name.value] = { ...(namespaces[r.name.value] ?? {}), ...r.labels };
    else others++;
  }
  others += (facts.customResources?.length ?? 0) + (facts.otherPolicies?.length ?? 0);
  const skipped = skippedObjects(text, nonEmpty);
  if (others > 0 && skipped.length === 0)
    problems.push(
      `${others === 1 ? 'one object is not a Namespace' : `${others} objects are not Namespaces`}: a namespaces file declares namespaces only (give the other manifests as paths)`,
    );
  if (Object.keys(namespaces).length === 0) problems.push('it holds no Namespace manifest');
  return { namespaces, problems, ...(skipped.length ? { skipped } : {}) };
}
