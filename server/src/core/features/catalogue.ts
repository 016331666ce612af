/**
 * What completion offers, collected once per index snapshot: the pod labels of every workload and
 * the effective labels of every namespace (key → value → who carries it), and namespace names.
 */
import { METADATA_NAME_LABEL, type WorkspaceIndex } from '../index/workspace-index';

export interface LabelCatalogue {
  /** key → value → ids of the workloads (or names of the namespaces) carrying it, in index order. */
  readonly byKey: ReadonlyMap<string, ReadonlyMap<string, readonly string[]>>;
}

export interface Catalogue {
  readonly podLabels: LabelCatalogue;
  /** Pod labels per namespace. */
  readonly podLabelsIn: (namespace: string) => LabelCatalogue;
  readonly namespaceLabels: LabelCatalogue;
}

const cache = new WeakMap<WorkspaceIndex, Catalogue>();

function build(
  entries: Iterable<{ owner: string; labels: Readonly<Record<string, string>> }>,
): LabelCatalogue {
  const byKey = new Map<string, Map<string, string[]>>();
  for (const e of entries) {
    for (const [k, v] of Object.entries(e.labels)) {
      const values = byKey.get(k) ?? new Map<string, string[]>();
      const owners = values.get(v) ?? [];
      owners.push(e.owner);
      values.set(v, owners);
      byKey.set(k, values);
    }
  }
  return { byKey };
}

export function catalogue(index: WorkspaceIndex): Catalogue {
  let c = cache.get(index);
  if (!c) {
    const perNs = new Map<string, LabelCatalogue>();
    c = {
      podLabels: build(index.workloads.map((w) => ({ owner: w.id, labels: w.labels }))),
      podLabelsIn: (ns) => {
        let l = perNs.get(ns);
        if (!l) {
          l = build(index.workloadsIn(ns).map((w) => ({ owner: w.id, labels: w.labels })));
          perNs.set(ns, l);
        }
        return l;
      },
      namespaceLabels: build(
        [...index.namespaces.values()].map((n) => ({
          owner: n.name,
          labels: { ...n.labels, [METADATA_NAME_LABEL]: n.name },
        })),
      ),
    };
    cache.set(index, c);
  }
  return c;
}

/** Number of owners of a key across its values. */
export function keyCount(l: LabelCatalogue, key: string): number {
  let n = 0;
  for (const owners of l.byKey.get(key)?.values() ?? []) n += owners.length;
  return n;
}
