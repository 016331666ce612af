/**
 * Flux `Kustomization` objects (kustomize.toolkit.fluxcd.io): what the kustomize-controller applies
 * from a folder of the repository. `spec.path` names the folder (relative to the source's root,
 * default `./`); the controller builds its kustomization.yaml, or, where the folder has none, one
 * it makes of every manifest under the folder (subfolders with a kustomization.yaml are built as
 * such); `spec.targetNamespace` then sets the namespace of every namespaced object, overriding, like
 * an outermost kustomize `namespace:`. Read with the `yaml` package; pure.
 */
import { isMap, isScalar, parseAllDocuments } from 'yaml';
import type { FileFacts } from '../index/workspace-index';
import type { KustomizeStep } from './kustomize';

export interface FluxKustomization {
  /** The URI of the file that holds it. */
  readonly uri: string;
  readonly name: string;
  /** `spec.path` as written (`./apps/production`), `./` when absent. */
  readonly path: string;
  /** What the controller does to every object it applies (targetNamespace). */
  readonly step: KustomizeStep;
}

const GROUP = 'kustomize.toolkit.fluxcd.io/';

const cache = new WeakMap<FileFacts, readonly FluxKustomization[]>();

function str(n: unknown): string | undefined {
  return isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number')
    ? String(n.value).trim()
    : undefined;
}

/** The Flux Kustomizations a file holds (read once per file facts). */
export function fluxKustomizationsOf(facts: FileFacts): readonly FluxKustomization[] {
  let out = cache.get(facts);
  if (out) return out;
  const found: FluxKustomization[] = [];
  if (facts.text.includes(GROUP)) {
    try {
      for (const doc of parseAllDocuments(facts.text, { uniqueKeys: false })) {
        if (!('contents' in doc)) continue;
        const root = doc.contents;
        if (!isMap(root)) continue;
        if (
          !str(root.get('apiVersion', true))?.startsWith(GROUP) ||
          str(root.get('kind', true)) !== 'Kustomization'
        )
          continue;
        const meta = root.get('metadata', true);
        const spec = root.get('spec', true);
        const name = (isMap(meta) && str(meta.get('name', true))) || '';
        const path = (isMap(spec) && str(spec.get('path', true))) || './';
        const target = isMap(spec) ? str(spec.get('targetNamespace', true)) : undefined;
        found.push({
          uri: facts.uri,
          name,
          path,
          step: { kustomization: facts.uri, ...(target ? { namespace: target } : {}), labels: [] },
        });
      }
    } catch {
      /* unreadable: no Flux Kustomizations */
    }
  }
  out = found;
  cache.set(facts, out);
  return out;
}
