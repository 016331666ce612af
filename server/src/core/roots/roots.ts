/**
 * Analysis roots: the parts of a workspace that are analysed as one cluster each. A root is a set
 * of files, each with the transforms it is read through (a kustomization's namespace and labels;
 * a file reached twice is there twice). Roots may overlap: a base used by two overlays belongs to
 * both, transformed differently. Pure code over file paths and texts:
 * - cluster folders: the folders the `clusters` globs match (the setting, `--cluster`), or, with
 *   none configured, the `clusters/<name>/` layout when it holds two clusters or more; each holds
 *   every file under it, and the kustomizations there bring in what they reach;
 * - kustomizations no other one includes (tops), outside every cluster folder, with the files
 *   they reach through resources, bases and components: tops that reach a file in common are
 *   variants (one root each), tops that share nothing are parts of one cluster (one root together,
 *   and in every variant's root), `groupKustomizeRoots`;
 * - the other files (reached by no kustomization, in no cluster folder): one more root, the
 *   workspace as it was analysed before roots existed.
 * Files a kustomization reads as input (patches, configurations…) and none lists as a resource
 * are in their cluster folder's root or the other files, without resources (`RootSpec.inputs`).
 * With neither a cluster folder nor a kustomization that reaches a file, there are no roots at all
 * and the workspace is one analysis, exactly as before.
 */
import type { FileFacts } from '../index/workspace-index';
import { globToRegExp } from '../text/glob';
import {
  KustomizeGraph,
  isKustomizationPath,
  kustomizationOf,
  type Kustomization,
  type Transform,
} from './kustomize';
import {
  fluxGitRepositoriesOf,
  fluxKustomizationsOf,
  fluxSourceOwnership,
  sourceText,
  type FluxGitRepository,
  type FluxKustomization,
} from './flux';
import { renderedUri, type KustomizeRender, type RenderNote, type RenderTarget } from './render';
import { commonDir, dirOf, joinPath, relativeTo, uriPath } from './paths';

/** `flux`: the Flux Kustomizations no other root holds, with what they apply (one cluster). */
export type RootKind = 'cluster' | 'flux' | 'kustomization' | 'other';

export interface RootSpec {
  /** The folder, relative to the workspace's common folder (`clusters/prod`, `apps/overlays/dev`); `''` for the other files. */
  readonly id: string;
  readonly kind: RootKind;
  /** The files of the root and the transforms each is read through (one per path to it). */
  readonly files: ReadonlyMap<string, readonly Transform[]>;
  /**
   * Files of the root that kustomize reads as input (patches, configurations…) and no
   * kustomization lists as a resource: held (their syntax errors count) but no resources.
   */
  readonly inputs?: ReadonlySet<string>;
  /** Rendered kustomizations: the virtual files holding the builds' output (`renderedUri`) → their facts. */
  readonly rendered?: ReadonlyMap<string, FileFacts>;
  /** The kustomization files of rendered trees and how their build went (`FileFacts.render`). */
  readonly notes?: ReadonlyMap<string, RenderNote>;
  /** The kustomizations of this root the adapters may render (roots/render.ts). */
  readonly targets?: readonly RenderTarget[];
  /** Kustomization files of this root and what no kustomization lists near them (`FileFacts.listing`). */
  readonly listing?: ReadonlyMap<string, ListingNote>;
  /** Files of this root holding Flux Kustomizations whose `spec.path` is not read (`FileFacts.flux`). */
  readonly flux?: ReadonlyMap<string, readonly FluxNote[]>;
}

/**
 * What a kustomization leaves out (kustomize-not-listed): files of its own folder that no
 * kustomization lists, and, for a Component no kustomization lists, the top it is read with.
 */
export type ListingNote = NonNullable<FileFacts['listing']>;

/** A kustomization's build as the host holds it: what the adapter gave, and the output read as a file. */
export interface RenderedRoot {
  readonly render: KustomizeRender;
  /** The output's facts (`renderedUri`), when the build succeeded. */
  readonly facts?: FileFacts;
}

/** How the other files' root is named in messages and listings. */
export const OTHER_ROOT_NAME = '(other files)';

export function rootName(id: string): string {
  return id === '' ? OTHER_ROOT_NAME : id;
}

export interface KustomizeRoot {
  readonly id: string;
  readonly files: Map<string, Transform[]>;
  readonly inputs?: ReadonlySet<string>;
  readonly rendered?: ReadonlyMap<string, FileFacts>;
  readonly notes?: ReadonlyMap<string, RenderNote>;
  readonly targets?: readonly RenderTarget[];
}

/** Roots joined into one (`id`): their files, and what each says of its inputs and renders. */
function joinRoots(id: string, roots: readonly KustomizeRoot[]): KustomizeRoot {
  const files = new Map<string, Transform[]>();
  const inputs = new Set<string>();
  const rendered = new Map<string, FileFacts>();
  const notes = new Map<string, RenderNote>();
  const targets: RenderTarget[] = [];
  for (const r of roots) {
    for (const [uri, l] of r.files) files.set(uri, l);
    for (const u of r.inputs ?? []) inputs.add(u);
    for (const [u, f] of r.rendered ?? []) rendered.set(u, f);
    for (const [u, n] of r.notes ?? []) notes.set(u, n);
    targets.push(...(r.targets ?? []));
  }
  return {
    id,
    files,
    ...(inputs.size ? { inputs } : {}),
    ...(rendered.size ? { rendered } : {}),
    ...(notes.size ? { notes } : {}),
    ...(targets.length ? { targets } : {}),
  };
}

const byId = (a: KustomizeRoot, b: KustomizeRoot): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The top kustomizations outside cluster folders, grouped into roots. Two tops that reach a file
 * in common (a base, a component, a resource) are variants of one app (overlays/dev and
 * overlays/prod of one base): alternatives, never deployed together, so each is a root of its own.
 * A top that shares no file with any other is an independent part (a component of a platform, an
 * app beside the others) and deploys to the same cluster as the rest: the independent tops form one
 * root together, and where variants exist each variant's root holds them too (every variant is
 * deployed beside them). Each file keeps the transform of its own kustomization.
 */
export function groupKustomizeRoots(tops: readonly KustomizeRoot[]): KustomizeRoot[] {
  // union-find over the tops, joined where two reach one file
  const parent = tops.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] ?? i] ?? i;
    return i;
  };
  const firstTop = new Map<string, number>();
  tops.forEach((t, i) => {
    for (const uri of t.files.keys()) {
      const j = firstTop.get(uri);
      if (j === undefined) firstTop.set(uri, i);
      else parent[find(i)] = find(j);
    }
  });
  const size = new Map<number, number>();
  tops.forEach((_, i) => size.set(find(i), (size.get(find(i)) ?? 0) + 1));
  const variants = tops.filter((_, i) => (size.get(find(i)) ?? 0) > 1);
  const parts = tops.filter((_, i) => (size.get(find(i)) ?? 0) === 1);
  if (variants.length) return [...variants].sort(byId).map((v) => joinRoots(v.id, [v, ...parts]));
  const only = parts[0];
  if (parts.length <= 1) return only ? [only] : [];
  // several independent parts: one root, named by the folder that holds them all
  const dirs = parts.map((t) => (t.id === '.' ? '/' : `/${t.id}/x`));
  const common = commonDir(dirs).replace(/^\/|\/$/g, '');
  return [joinRoots(common || '.', parts)];
}

/** The cluster folder (relative path, no trailing slash) of a relative file path, if any. */
type ClusterOf = (relPath: string) => string | undefined;

function globClusters(globs: readonly string[]): ClusterOf | undefined {
  const res: RegExp[] = [];
  for (const g of globs) {
    const t = g
      .trim()
      .replace(/\/\*\*$/, '')
      .replace(/\/+$/, '');
    if (!t) continue;
    try {
      res.push(globToRegExp(t));
    } catch {
      /* an invalid glob matches nothing (settingsFromConfig keeps strings only) */
    }
  }
  if (res.length === 0) return undefined;
  return (rel) => {
    const segs = rel.split('/');
    // the outermost folder a glob matches, at any depth (`clusters/*` finds x/clusters/prod too)
    for (let end = 1; end < segs.length; end++)
      for (let start = 0; start < end; start++) {
        const prefix = segs.slice(start, end).join('/');
        if (res.some((re) => re.test(prefix))) return segs.slice(0, end).join('/');
      }
    return undefined;
  };
}

/** `clusters/<name>/…` when at least two such folders hold files, else undefined. */
function layoutClusters(rels: readonly string[]): ClusterOf | undefined {
  const of = (rel: string): string | undefined => {
    const segs = rel.split('/');
    const i = segs.indexOf('clusters');
    return i >= 0 && i + 2 < segs.length ? segs.slice(0, i + 2).join('/') : undefined;
  };
  const byParent = new Map<string, Set<string>>();
  for (const r of rels) {
    const c = of(r);
    if (!c) continue;
    const parent = c.slice(0, c.lastIndexOf('/'));
    const s = byParent.get(parent) ?? new Set<string>();
    s.add(c);
    byParent.set(parent, s);
  }
  const parents = new Set([...byParent].filter(([, s]) => s.size >= 2).map(([p]) => p));
  if (parents.size === 0) return undefined;
  return (rel) => {
    const c = of(rel);
    return c && parents.has(c.slice(0, c.lastIndexOf('/'))) ? c : undefined;
  };
}

/**
 * The folder (decoded path, trailing slash) a Flux Kustomization's `spec.path` names: relative to
 * the source's root, which is the repository's; taken as the workspace's common folder where the
 * folder exists there, else the nearest folder above the Flux file where it exists.
 */
function fluxTarget(
  fk: FluxKustomization,
  fileDir: string,
  base: string,
  exists: (dir: string) => boolean,
): string | undefined {
  const candidates = [base];
  for (let d = fileDir; d.length > 1; d = dirOf(d.slice(0, -1))) candidates.push(d);
  for (const c of candidates) {
    const dir = joinPath(c, fk.path.replace(/^\/+/, '')) + '/';
    const folder = dir === '//' ? '/' : dir;
    if (exists(folder)) return folder;
  }
  return undefined;
}

/**
 * What the kustomize-controller applies from a folder: its kustomization's build, or, without one,
 * every manifest under it, the subfolders that have a kustomization built as such (the outermost).
 */
function fluxApplied(
  dir: string,
  graph: KustomizeGraph,
  pathOf: ReadonlyMap<string, string>,
): { built: Kustomization[]; plain: string[] } {
  const own = graph.inDir(dir);
  if (own) return { built: [own], plain: [] };
  const inner = graph.kustomizations
    .map((k) => dirOf(k.path))
    .filter((d) => d.startsWith(dir))
    .filter((d, _, all) => !all.some((o) => o !== d && d.startsWith(o)));
  const built: Kustomization[] = [];
  for (const d of [...new Set(inner)].sort()) {
    const k = graph.inDir(d);
    if (k) built.push(k);
  }
  const plain: string[] = [];
  for (const [uri, p] of pathOf)
    if (p.startsWith(dir) && !isKustomizationPath(p) && !inner.some((d) => p.startsWith(d))) plain.push(uri);
  return { built, plain };
}

/** A Flux Kustomization of the workspace, resolved: the folder it applies (none: `note` says why). */
interface FluxApply {
  readonly fk: FluxKustomization;
  /** The folder `spec.path` names (decoded path, trailing slash). */
  readonly target?: string;
  readonly built: readonly Kustomization[];
  readonly plain: readonly string[];
}

/** What a Flux Kustomization's `spec.path` could not be read as (flux-path-not-found). */
export type FluxNote = NonNullable<FileFacts['flux']>[number];

/** A root being assembled. */
interface RootAcc {
  readonly files: Map<string, Transform[]>;
  readonly inputs: Set<string>;
  readonly rendered: Map<string, FileFacts>;
  readonly notes: Map<string, RenderNote>;
  readonly targets: RenderTarget[];
}

const newAcc = (files = new Map<string, Transform[]>()): RootAcc => ({
  files,
  inputs: new Set(),
  rendered: new Map(),
  notes: new Map(),
  targets: [],
});

function accRoot(id: string, acc: RootAcc): KustomizeRoot {
  return {
    id,
    files: acc.files,
    ...(acc.inputs.size ? { inputs: acc.inputs } : {}),
    ...(acc.rendered.size ? { rendered: acc.rendered } : {}),
    ...(acc.notes.size ? { notes: acc.notes } : {}),
    ...(acc.targets.length ? { targets: acc.targets } : {}),
  };
}

/**
 * The roots of a workspace, or undefined when it has none (one analysis, as before roots).
 * `clusters`: the configured cluster globs (empty: the `clusters/*` layout is looked for).
 *
 * Flux Kustomizations (roots/flux.ts), wherever they are: the folder `spec.path` names is applied
 * in every root that holds the Flux Kustomization's own file (a cluster folder, a kustomization
 * that lists it, or the folder of the Flux Kustomization that applies it, to any depth), each
 * file with `spec.targetNamespace` after its kustomizations; the kustomizations a Flux
 * Kustomization applies are no roots of their own. A Flux Kustomization no root holds (applied by
 * hand or by a bootstrap outside the workspace) makes a root, with every Flux Kustomization it
 * applies: named by its file's folder, or by the folder it applies where that folder holds its
 * own file (the bootstrap's `flux-system`, `path: ./clusters/prod`); Flux Kustomizations in one
 * folder make one root. A `spec.path` that is not in the workspace, or a source that is another
 * repository, is said on the Flux Kustomization (`FileFacts.flux`, flux-path-not-found).
 */
export function planRoots(
  files: ReadonlyMap<string, FileFacts>,
  clusters: readonly string[],
  renders?: ReadonlyMap<string, RenderedRoot>,
): RootSpec[] | undefined {
  const pathOf = new Map<string, string>();
  const fileByPath = new Map<string, string>();
  for (const uri of files.keys()) {
    const p = uriPath(uri);
    if (p === undefined) continue;
    pathOf.set(uri, p);
    fileByPath.set(p, uri);
  }
  const base = commonDir(pathOf.values());
  const rel = (p: string): string => relativeTo(base, p);
  const idOf = (dir: string): string => rel(dir).replace(/\/$/, '') || '.';
  const kustomizations: Kustomization[] = [];
  const fluxFiles: string[] = [];
  const repos: FluxGitRepository[] = [];
  for (const [uri, p] of pathOf) {
    const facts = files.get(uri);
    if (!facts) continue;
    if (isKustomizationPath(p)) {
      const k = kustomizationOf(facts);
      if (k) kustomizations.push(k);
    }
    if (fluxKustomizationsOf(facts).length) fluxFiles.push(uri);
    repos.push(...fluxGitRepositoriesOf(facts));
  }
  const relPaths = [...pathOf.values()].map(rel);
  const clusterOf = globClusters(clusters) ?? (clusters.length ? undefined : layoutClusters(relPaths));
  if (kustomizations.length === 0 && !clusterOf && fluxFiles.length === 0) return undefined;

  const graph = new KustomizeGraph(kustomizations, fileByPath);
  const add = (m: Map<string, Transform[]>, uri: string, t: Transform): void => {
    const l = m.get(uri) ?? [];
    l.push(t);
    m.set(uri, l);
  };
  const clusterOfPath = (p: string): string | undefined => (clusterOf ? clusterOf(rel(p)) : undefined);

  // every Flux Kustomization, resolved once: the folder it applies, or why none
  const allPaths = [...pathOf.values()];
  const folders = new Set<string>(['/']);
  for (const p of allPaths)
    for (let d = dirOf(p); d.length > 1 && !folders.has(d); d = dirOf(d.slice(0, -1))) folders.add(d);
  const exists = (dir: string): boolean => folders.has(dir);
  const fluxOf = new Map<string, FluxApply[]>();
  const fluxNotes = new Map<string, FluxNote[]>();
  const fluxBuilt = new Set<string>();
  for (const uri of fluxFiles) {
    const facts = files.get(uri);
    const p = pathOf.get(uri);
    if (!facts || p === undefined) continue;
    const applies: FluxApply[] = [];
    const notes: FluxNote[] = [];
    for (const fk of fluxKustomizationsOf(facts)) {
      const ownership = fluxSourceOwnership(fk.source, repos);
      const target = ownership === 'other' ? undefined : fluxTarget(fk, dirOf(p), base, exists);
      if (target === undefined) {
        notes.push({
          name: fk.name,
          namespace: fk.namespace,
          path: fk.path,
          span: fk.pathSpan,
          source: sourceText(fk.source),
          reason: ownership === 'own' ? 'missing' : 'other-source',
        });
        applies.push({ fk, built: [], plain: [] });
        continue;
      }
      const { built, plain } = fluxApplied(target, graph, pathOf);
      for (const k of built) fluxBuilt.add(k.uri);
      applies.push({ fk, target, built, plain });
    }
    fluxOf.set(uri, applies);
    if (notes.length) fluxNotes.set(uri, notes);
  }

  /** A kustomization's build as part of a root: its files, and its render where the user turned it on. */
  const buildPart = (k: Kustomization, extra: Transform): RootAcc => {
    const acc = newAcc();
    const m = acc.files;
    const expanded = graph.expand(k);
    for (const r of expanded) add(m, r.uri, [...r.transform, ...extra]);
    const tree = graph.treeOf(k);
    // the kustomization files of its build belong to the root (their findings, its header)
    for (const t of tree) if (!m.has(t.uri)) m.set(t.uri, [[]]);
    const unrendered = tree.flatMap((t) => t.unrendered);
    // a remote base would make kustomize fetch from the network: never rendered
    if (unrendered.length === 0 || unrendered.some((u) => u.field.startsWith('remote resource'))) return acc;
    const treeUris = new Set(tree.map((t) => t.uri));
    const inputUris = [...graph.inputFiles()]
      .filter(([, ks]) => ks.some((x) => treeUris.has(x.uri)))
      .map(([u]) => u);
    acc.targets.push({
      uri: k.uri,
      dir: dirOf(k.path).slice(0, -1),
      files: [...new Set([...treeUris, ...expanded.map((r) => r.uri), ...inputUris])].sort(),
      reads: [...new Set(tree.flatMap((t) => t.inputs.map((e) => joinPath(dirOf(t.path), e))))].sort(),
    });
    const r = renders?.get(k.uri);
    if (!r) return acc;
    if (r.facts) {
      // the output is analysed; the sources stay for their own parse findings, without resources
      m.clear();
      for (const { uri } of expanded) {
        m.set(uri, [[]]);
        acc.inputs.add(uri);
      }
      for (const t of tree) {
        m.set(t.uri, [[]]);
        acc.notes.set(t.uri, { command: r.render.command });
      }
      const virtual = renderedUri(k.uri);
      m.set(virtual, [[...extra]]);
      acc.rendered.set(virtual, r.facts);
      return acc;
    }
    for (const t of tree) m.set(t.uri, [[]]);
    acc.notes.set(k.uri, { command: r.render.command, error: r.render.error ?? 'it gave no output' });
    return acc;
  };
  const merge = (into: RootAcc, part: RootAcc, skip?: (uri: string) => boolean): void => {
    for (const [uri, l] of part.files) {
      if (skip?.(uri)) continue;
      for (const t of l) add(into.files, uri, t);
    }
    for (const u of part.inputs) into.inputs.add(u);
    for (const [u, f] of part.rendered) into.rendered.set(u, f);
    for (const [u, n] of part.notes) into.notes.set(u, n);
    into.targets.push(...part.targets);
  };
  const inputFiles = graph.inputFiles();
  /**
   * Applies the Flux Kustomizations a root holds, and those they bring in, to any depth. `cluster`:
   * the root's cluster folder, whose files are there already, as written (its bootstrap, applying
   * the folder itself, adds nothing); a folder of it that a Flux Kustomization applies is read
   * through that instead (its kustomization built or rendered, `spec.targetNamespace`), the files'
   * entries as written replaced. `seeds`: files the root holds only because a Flux Kustomization
   * of theirs is applied, until one applies them.
   */
  const applyFlux = (acc: RootAcc, cluster?: string, seeds = new Set<string>()): void => {
    const inCluster = (uri: string): boolean =>
      cluster !== undefined && clusterOfPath(pathOf.get(uri) ?? '') === cluster;
    const claimed = new Set<string>();
    const put = (uri: string, t: Transform): void => {
      if (seeds.delete(uri)) acc.files.set(uri, [t]);
      else if (!claimed.has(uri) && inCluster(uri) && acc.files.get(uri)?.every((x) => x.length === 0)) {
        claimed.add(uri);
        acc.files.set(uri, [t]);
      } else add(acc.files, uri, t);
    };
    const done = new Set<string>();
    for (let again = true; again;) {
      again = false;
      for (const uri of [...acc.files.keys()]) {
        const applies = fluxOf.get(uri);
        if (!applies || done.has(uri) || inputFiles.has(uri)) continue;
        done.add(uri);
        again = true;
        for (const { fk, target, built, plain } of applies) {
          if (target === undefined) continue;
          if (cluster !== undefined && (base + cluster + '/').startsWith(target)) continue;
          for (const k of built) {
            const part = buildPart(k, [fk.step]);
            for (const [u, l] of part.files) for (const t of l) put(u, t);
            part.files.clear();
            merge(acc, part);
          }
          for (const u of plain) put(u, [fk.step]);
        }
      }
    }
  };

  const roots: RootSpec[] = [];
  const clusterAccs = new Map<string, RootAcc>();
  const clusterAcc = (c: string): RootAcc => {
    let acc = clusterAccs.get(c);
    if (!acc) clusterAccs.set(c, (acc = newAcc()));
    return acc;
  };
  if (clusterOf)
    for (const [uri, p] of pathOf) {
      const c = clusterOf(rel(p));
      if (c !== undefined && !isKustomizationPath(p)) add(clusterAcc(c).files, uri, []);
    }
  const kustomizeRoots: KustomizeRoot[] = [];
  for (const k of graph.tops()) {
    if (fluxBuilt.has(k.uri)) continue; // applied by a Flux Kustomization: part of the roots that hold it
    if (graph.expand(k).length === 0) continue;
    const c = clusterOfPath(k.path);
    if (c !== undefined) {
      const acc = clusterAcc(c);
      // the cluster folder's own files are there already, read through this kustomization instead
      const part = buildPart(k, []);
      for (const uri of part.files.keys())
        if (acc.files.get(uri)?.every((t) => t.length === 0)) acc.files.delete(uri);
      merge(acc, part);
      continue;
    }
    const acc = buildPart(k, []);
    applyFlux(acc);
    kustomizeRoots.push(accRoot(idOf(dirOf(k.path)), acc));
  }
  for (const [c, acc] of clusterAccs) applyFlux(acc, c);

  // Flux Kustomizations no root holds: roots of their own, with every one they apply
  const held = new Set<string>();
  for (const acc of clusterAccs.values()) for (const u of acc.files.keys()) held.add(u);
  for (const r of kustomizeRoots) for (const u of r.files.keys()) held.add(u);
  const loose = fluxFiles.filter((u) => !held.has(u) && !inputFiles.has(u)).sort();
  const reaches = new Map<string, Set<string>>();
  for (const u of loose) {
    const acc = newAcc(new Map([[u, [[]]]]));
    applyFlux(acc, undefined, new Set([u]));
    reaches.set(u, new Set([...acc.files.keys()].filter((x) => x !== u)));
  }
  const fluxAccs = new Map<string, { acc: RootAcc; seeds: Set<string> }>();
  const covered = new Set<string>();
  const startRoot = (u: string): void => {
    const p = pathOf.get(u) ?? '';
    const self = fluxOf.get(u)?.find((a) => a.target !== undefined && p.startsWith(a.target))?.target;
    const id = idOf(self ?? dirOf(p));
    let r = fluxAccs.get(id);
    if (!r) fluxAccs.set(id, (r = { acc: newAcc(), seeds: new Set() }));
    r.acc.files.set(u, [[]]);
    r.seeds.add(u);
    covered.add(u);
    for (const x of reaches.get(u) ?? []) covered.add(x);
  };
  for (const u of loose)
    if (!loose.some((w) => w !== u && reaches.get(w)?.has(u) && !reaches.get(u)?.has(w))) startRoot(u);
  for (const u of loose) if (!covered.has(u)) startRoot(u); // a cycle of Flux Kustomizations: its first
  for (const { acc, seeds } of fluxAccs.values()) applyFlux(acc, undefined, seeds);

  // patch files and kustomize configuration: never resources, wherever they are
  const reached = new Set<string>();
  for (const r of kustomizeRoots) for (const u of r.files.keys()) reached.add(u);
  for (const acc of [...clusterAccs.values(), ...[...fluxAccs.values()].map((x) => x.acc)])
    for (const [u, l] of acc.files)
      if (l.some((t) => t.length > 0) || !clusterOfPath(pathOf.get(u) ?? '')) reached.add(u);
  const inputs = new Set([...inputFiles.keys()].filter((u) => !reached.has(u)));
  const withInputs = (acc: RootAcc): RootAcc => {
    for (const u of inputs) acc.inputs.add(u);
    return acc;
  };
  const byKey = <T>(a: [string, T], b: [string, T]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  for (const [id, acc] of [...clusterAccs].sort(byKey))
    roots.push({ ...accRoot(id, withInputs(acc)), kind: 'cluster' });
  for (const [id, { acc }] of [...fluxAccs].sort(byKey)) roots.push({ ...accRoot(id, acc), kind: 'flux' });
  for (const r of groupKustomizeRoots(kustomizeRoots)) roots.push({ ...r, kind: 'kustomization' });
  // messages name folders from the one above the common folder (kustomize/kustomization.yaml)
  const above = base.length > 1 ? dirOf(base.slice(0, -1)) : base;
  const listing = listingNotes(graph, files, pathOf, reached, (p) => relativeTo(above, p));
  if (roots.length === 0 && inputs.size === 0) return undefined;
  const inRoot = new Set<string>();
  for (const r of roots) for (const uri of r.files.keys()) inRoot.add(uri);
  const other = new Map<string, Transform[]>();
  for (const uri of files.keys()) if (!inRoot.has(uri)) other.set(uri, [[]]);
  if (other.size) roots.push({ id: '', kind: 'other', files: other, ...(inputs.size ? { inputs } : {}) });
  if (listing.size === 0 && fluxNotes.size === 0) return roots;
  return roots.map((r) => {
    const held = new Map([...listing].filter(([uri]) => r.files.has(uri)));
    const flux = new Map([...fluxNotes].filter(([uri]) => r.files.has(uri)));
    return { ...r, ...(held.size ? { listing: held } : {}), ...(flux.size ? { flux } : {}) };
  });
}

/** A file holds something the analysis reads: objects, policies of other kinds, custom resources, left-out documents. */
function holdsObjects(f: FileFacts | undefined): boolean {
  return (
    !!f &&
    (f.resources.length > 0 ||
      !!f.otherPolicies?.length ||
      !!f.customResources?.length ||
      !!f.clusterPolicies?.length ||
      !!f.unanalysed?.length)
  );
}

/**
 * What no kustomization lists (nothing skipped silently): per kustomization, the files of its own
 * folder (subfolders with a kustomization of their own aside) that no kustomization reaches, no
 * kustomization reads as input and that hold objects; per Component that no kustomization lists,
 * the top whose folder holds it (it is read as listed there, `KustomizeGraph.optionalComponents`)
 * and whether that top names it in a comment.
 */
function listingNotes(
  graph: KustomizeGraph,
  files: ReadonlyMap<string, FileFacts>,
  pathOf: ReadonlyMap<string, string>,
  reached: ReadonlySet<string>,
  rel: (p: string) => string,
): Map<string, ListingNote> {
  const out = new Map<string, ListingNote>();
  const inputs = graph.inputFiles();
  const dirs = graph.kustomizations.map((k) => dirOf(k.path));
  const tops = graph.tops();
  for (const k of graph.kustomizations) {
    if (graph.inDir(dirOf(k.path)) !== k) continue; // a second kustomization file of a folder: kustomize reads the first
    const dir = dirOf(k.path);
    const own = new Set(k.resources.map((e) => joinPath(dir, e)));
    const leftOut: string[] = [];
    for (const [uri, p] of pathOf) {
      if (!p.startsWith(dir) || isKustomizationPath(p) || reached.has(uri) || inputs.has(uri)) continue;
      if (dirs.some((d) => d !== dir && d.startsWith(dir) && p.startsWith(d))) continue;
      if (own.has(p) || !holdsObjects(files.get(uri))) continue;
      leftOut.push(uri);
    }
    let unlisted: ListingNote['unlisted'];
    if (k.isComponent && !graph.included.has(k.uri)) {
      const owner = tops.find((t) => graph.optionalComponents(t).includes(k));
      if (owner) {
        const fromOwner = relativeTo(dirOf(owner.path), dir).replace(/\/$/, '');
        const componentRel = fromOwner.startsWith('/') ? rel(dir).replace(/\/$/, '') : fromOwner;
        const text = files.get(owner.uri)?.text ?? '';
        const mention = commentMention(text, fromOwner);
        unlisted = {
          component: componentRel,
          owner: owner.uri,
          ownerPath: rel(owner.path),
          ownerDir: rel(dirOf(owner.path)) || './',
          ...(mention ? { mention } : {}),
        };
      } else unlisted = { component: rel(dir).replace(/\/$/, '') || '.' };
    }
    if (leftOut.length || unlisted)
      out.set(k.uri, {
        ...(leftOut.length ? { leftOut: leftOut.sort() } : {}),
        ...(unlisted ? { unlisted } : {}),
      });
  }
  return out;
}

/** Where a comment line of a kustomization names `path` (`# - components/x`), if one does. */
function commentMention(text: string, path: string): { start: number; end: number } | undefined {
  if (!path) return undefined;
  const clean = path.replace(/^\.\//, '');
  const re = /^[ \t]*#.*$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const i = m[0].indexOf(clean);
    if (i >= 0 && !/[\w-]/.test(m[0][i + clean.length] ?? '')) {
      const start = m.index + m[0].indexOf('#');
      return { start, end: m.index + m[0].length };
    }
  }
  return undefined;
}
