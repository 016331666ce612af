/**
 * Flux `Kustomization` objects (kustomize.toolkit.fluxcd.io): what the kustomize-controller applies
 * from a folder of a source. `spec.path` names the folder (relative to the source's root, default
 * `./`); `spec.sourceRef` names the source (a GitRepository, OCIRepository or Bucket); the
 * controller builds the folder's kustomization.yaml, or, where the folder has none, one it makes of
 * every manifest under the folder (subfolders with a kustomization.yaml are built as such);
 * `spec.targetNamespace` then sets the namespace of every namespaced object, overriding, like an
 * outermost kustomize `namespace:`. Only the workspace's own repository can be read: a source that
 * is evidently another one (not a GitRepository, or a GitRepository the workspace defines with
 * another URL than the bootstrap's `flux-system`) is not resolved (`fluxSourceOwnership`). Read with
 * the `yaml` package; pure.
 */
import { isMap, isScalar, parseAllDocuments, type Node } from 'yaml';
import type { FileFacts } from '../index/workspace-index';
import type { Span } from '../text/span';
import type { KustomizeStep } from './kustomize';

export interface FluxSourceRef {
  readonly kind: string;
  readonly name: string;
  /** `sourceRef.namespace`, else the Flux Kustomization's own namespace. */
  readonly namespace: string;
}

export interface FluxKustomization {
  /** The URI of the file that holds it. */
  readonly uri: string;
  readonly name: string;
  /** `metadata.namespace` (`flux-system` as Flux installs it when absent). */
  readonly namespace: string;
  /** `spec.path` as written (`./apps/production`), `./` when absent. */
  readonly path: string;
  /** Where `spec.path` is written (its value), else the `spec` key, else the `kind` value. */
  readonly pathSpan: Span;
  readonly source: FluxSourceRef;
  /** What the controller does to every object it applies (targetNamespace). */
  readonly step: KustomizeStep;
}

/** A Flux GitRepository the workspace defines (source.toolkit.fluxcd.io). */
export interface FluxGitRepository {
  readonly name: string;
  readonly namespace: string;
  readonly url?: string;
}

const GROUP = 'kustomize.toolkit.fluxcd.io/';
const SOURCE_GROUP = 'source.toolkit.fluxcd.io/';
/** The namespace `flux install` and `flux bootstrap` put Flux's objects in. */
const FLUX_NAMESPACE = 'flux-system';
/** The GitRepository `flux bootstrap` makes: the repository that holds the cluster's folder. */
const BOOTSTRAP_SOURCE = 'flux-system';

interface FluxFileFacts {
  readonly kustomizations: readonly FluxKustomization[];
  readonly gitRepositories: readonly FluxGitRepository[];
}

const cache = new WeakMap<FileFacts, FluxFileFacts>();

function str(n: unknown): string | undefined {
  return isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number')
    ? String(n.value).trim()
    : undefined;
}

function spanOf(n: unknown): Span | undefined {
  const r = (n as Node | null | undefined)?.range;
  return r ? { start: r[0], end: r[1] } : undefined;
}

function read(facts: FileFacts): FluxFileFacts {
  let out = cache.get(facts);
  if (out) return out;
  const kustomizations: FluxKustomization[] = [];
  const gitRepositories: FluxGitRepository[] = [];
  if (facts.text.includes(GROUP) || facts.text.includes(SOURCE_GROUP)) {
    try {
      for (const doc of parseAllDocuments(facts.text, { uniqueKeys: false })) {
        if (!('contents' in doc)) continue;
        const root = doc.contents;
        if (!isMap(root)) continue;
        const apiVersion = str(root.get('apiVersion', true)) ?? '';
        const kindNode = root.get('kind', true);
        const kind = str(kindNode);
        const meta = root.get('metadata', true);
        const spec = root.get('spec', true);
        const name = (isMap(meta) && str(meta.get('name', true))) || '';
        const namespace = (isMap(meta) && str(meta.get('namespace', true))) || FLUX_NAMESPACE;
        if (apiVersion.startsWith(SOURCE_GROUP) && kind === 'GitRepository') {
          const url = isMap(spec) ? str(spec.get('url', true)) : undefined;
          gitRepositories.push({ name, namespace, ...(url ? { url } : {}) });
          continue;
        }
        if (!apiVersion.startsWith(GROUP) || kind !== 'Kustomization') continue;
        const pathNode = isMap(spec) ? spec.get('path', true) : undefined;
        const path = str(pathNode) || './';
        const target = isMap(spec) ? str(spec.get('targetNamespace', true)) : undefined;
        const ref = isMap(spec) ? spec.get('sourceRef', true) : undefined;
        const specKey = root.items.find((p) => str(p.key) === 'spec')?.key;
        kustomizations.push({
          uri: facts.uri,
          name,
          namespace,
          path,
          pathSpan: spanOf(pathNode) ?? spanOf(specKey) ?? spanOf(kindNode) ?? { start: 0, end: 0 },
          source: {
            kind: (isMap(ref) && str(ref.get('kind', true))) || 'GitRepository',
            name: (isMap(ref) && str(ref.get('name', true))) || '',
            namespace: (isMap(ref) && str(ref.get('namespace', true))) || namespace,
          },
          step: { kustomization: facts.uri, ...(target ? { namespace: target } : {}), labels: [] },
        });
      }
    } catch {
      /* unreadable: no Flux objects */
    }
  }
  out = { kustomizations, gitRepositories };
  cache.set(facts, out);
  return out;
}

/** The Flux Kustomizations a file holds (read once per file facts). */
export function fluxKustomizationsOf(facts: FileFacts): readonly FluxKustomization[] {
  return read(facts).kustomizations;
}

/** The Flux GitRepositories a file defines. */
export function fluxGitRepositoriesOf(facts: FileFacts): readonly FluxGitRepository[] {
  return read(facts).gitRepositories;
}

/** A file holds Flux objects a plan of roots reads (Kustomizations, GitRepositories). */
export function holdsFluxObjects(facts: FileFacts): boolean {
  const r = read(facts);
  return r.kustomizations.length > 0 || r.gitRepositories.length > 0;
}

/** How a source is named in messages (`GitRepository flux-system/podinfo`). */
export function sourceText(s: FluxSourceRef): string {
  return `${s.kind} ${s.namespace}/${s.name}`;
}

/**
 * Whether a Flux Kustomization's source is the workspace's own repository, as far as the
 * workspace tells: `own` for a GitRepository the workspace does not define (the bootstrap's,
 * defined in the cluster), the bootstrap's `flux-system`, or one defined with the same URL as
 * `flux-system`'s; `other` for other kinds (OCIRepository, Bucket: artifacts) and GitRepositories
 * defined with another URL than `flux-system`'s; `unknown` for a GitRepository defined where
 * `flux-system`'s URL is not (the caller takes it as the workspace's when its path is here).
 */
export function fluxSourceOwnership(
  s: FluxSourceRef,
  repos: readonly FluxGitRepository[],
): 'own' | 'other' | 'unknown' {
  if (s.kind !== 'GitRepository') return 'other';
  if (s.name === BOOTSTRAP_SOURCE) return 'own';
  const defined = repos.filter((r) => r.name === s.name && r.namespace === s.namespace);
  if (defined.length === 0) return 'own';
  const own = repos.find((r) => r.name === BOOTSTRAP_SOURCE && r.url)?.url;
  if (own === undefined) return 'unknown';
  return defined.every((r) => r.url === own) ? 'own' : 'other';
}
