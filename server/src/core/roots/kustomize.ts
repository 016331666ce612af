/**
 * Kustomizations as a reader sees them: `kustomization.yaml` files read with the `yaml` package,
 * the resources they list followed through bases and components, and the two transformations a
 * reader can apply exactly: `namespace:` and the labels of `commonLabels` / `labels` (with
 * kustomize's builtin field specs, see roots/transform.ts). Patches, generators, replacements,
 * name prefixes and the like are not applied; `unrendered` lists them for the
 * kustomize-not-rendered check.
 */
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import type { FileFacts } from '../index/workspace-index';
import type { Span } from '../text/span';
import { KUSTOMIZATION_FILE_NAMES } from '../manifest-files';
import { baseName, dirOf, joinPath, uriPath } from './paths';

export function isKustomizationPath(path: string): boolean {
  return (KUSTOMIZATION_FILE_NAMES as readonly string[]).includes(baseName(path));
}

/**
 * A kustomization file's URI: adapters keep such a file in the index although it holds no
 * Kubernetes object (`readsAsNothing`), since analysis roots read it.
 */
export function isKustomizationUri(uri: string): boolean {
  const path = uriPath(uri);
  return path !== undefined && isKustomizationPath(path);
}

/** One `labels` entry (or `commonLabels`: selectors and templates). */
export interface LabelStep {
  readonly labels: Readonly<Record<string, string>>;
  /** Selectors too (commonLabels; labels with includeSelectors). */
  readonly selectors: boolean;
  /** Pod template labels too (commonLabels; labels with includeSelectors or includeTemplates). */
  readonly templates: boolean;
}

/** What one kustomization does to the resources that pass through it. */
export interface KustomizeStep {
  /** The kustomization file's URI. */
  readonly kustomization: string;
  readonly namespace?: string;
  readonly labels: readonly LabelStep[];
}

/** The kustomizations a resource went through, innermost first. */
export type Transform = readonly KustomizeStep[];

/** A field that is read but not applied, where it is. */
export interface Unrendered {
  readonly field: string;
  readonly span: Span;
}

export interface Kustomization {
  readonly uri: string;
  /** Decoded path of the file. */
  readonly path: string;
  readonly isComponent: boolean;
  readonly step: KustomizeStep;
  /** `resources` and `bases` entries, in order. */
  readonly resources: readonly string[];
  readonly components: readonly string[];
  /** Fields a reader cannot apply (patches, generators, …) and remote resources. */
  readonly unrendered: readonly Unrendered[];
  /**
   * The files kustomize reads as input, not as resources (`kustomizeInputs`): patches,
   * configurations, transformers, generator files…, as written (relative to its folder).
   */
  readonly inputs: readonly string[];
}

/**
 * The entries of a kustomization that name files kustomize reads as input, never as resources:
 * patch files (`patches[].path`, `patchesStrategicMerge` entries that are paths,
 * `patchesJson6902[].path`), `replacements[].path`, kustomize's own configuration
 * (`configurations`, `crds`, `openapi.path`), transformer/generator/validator config files, the
 * files of ConfigMap and Secret generators (`files`, `envs`, `env`; `key=path` read as path) and
 * Helm values files. Inline patches name no file.
 */
function kustomizeInputs(root: { get(key: string, keepScalar: true): unknown }): string[] {
  const out: string[] = [];
  const push = (v: string | undefined): void => {
    const t = v?.trim();
    if (t && !t.includes('\n') && !isRemoteResource(t)) out.push(t);
  };
  const items = (n: unknown): unknown[] => (isSeq(n) ? n.items : []);
  const field = (n: unknown, key: string): unknown => (isMap(n) ? n.get(key, true) : undefined);
  for (const key of ['patches', 'patchesJson6902', 'replacements'])
    for (const it of items(root.get(key, true))) push(str(field(it, 'path')));
  for (const key of [
    'patchesStrategicMerge',
    'configurations',
    'crds',
    'transformers',
    'generators',
    'validators',
  ])
    for (const it of items(root.get(key, true))) push(str(it));
  push(str(field(root.get('openapi', true), 'path')));
  for (const key of ['configMapGenerator', 'secretGenerator'])
    for (const gen of items(root.get(key, true))) {
      for (const f of [...items(field(gen, 'files')), ...items(field(gen, 'envs'))]) {
        const e = str(f);
        push(e?.includes('=') ? e.slice(e.indexOf('=') + 1) : e);
      }
      push(str(field(gen, 'env')));
    }
  for (const chart of items(root.get('helmCharts', true))) push(str(field(chart, 'valuesFile')));
  return out;
}

/**
 * Fields that can change what the analysis sees and that a reader does not apply. Image tags,
 * replicas, annotations and ConfigMap/Secret generators change nothing NetworkPolicies read.
 */
const UNRENDERED_FIELDS = [
  'patches',
  'patchesStrategicMerge',
  'patchesJson6902',
  'generators',
  'transformers',
  'validators',
  'helmCharts',
  'helmChartInflationGenerator',
  'replacements',
  'vars',
  'namePrefix',
  'nameSuffix',
  'configurations',
] as const;

/** A remote base (git or http): out of reach of a reader. */
export function isRemoteResource(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^git@/.test(entry) ||
    /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) ||
    /\?ref=|\.git(\/\/|$)/.test(entry)
  );
}

function spanOf(n: Node | null | undefined): Span {
  const r = n?.range;
  return r ? { start: r[0], end: r[1] } : { start: 0, end: 0 };
}

function str(n: unknown): string | undefined {
  if (!isScalar(n) || n.value == null || typeof n.value === 'object') return undefined;
  return n.toString();
}

function stringMap(n: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(n)) return out;
  for (const p of n.items) {
    const k = str(p.key);
    const v = isScalar(p.value) ? (p.value.value == null ? '' : p.value.toString()) : undefined;
    if (k !== undefined && v !== undefined) out[k] = v;
  }
  return out;
}

function stringList(n: unknown): string[] {
  if (!isSeq(n)) return [];
  return n.items
    .map(str)
    .filter((s): s is string => s !== undefined && s.trim() !== '')
    .map((s) => s.trim());
}

/** Reads a kustomization file; undefined when it is not one (not a map, or another kind). */
export function readKustomization(uri: string, path: string, text: string): Kustomization | undefined {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false });
  } catch {
    return undefined;
  }
  const root = doc.contents;
  if (!isMap(root)) return undefined;
  const get = (key: string): unknown => root.get(key, true);
  const kind = str(get('kind'));
  if (kind !== undefined && kind !== 'Kustomization' && kind !== 'Component') return undefined;
  const labels: LabelStep[] = [];
  const common = stringMap(get('commonLabels'));
  if (Object.keys(common).length) labels.push({ labels: common, selectors: true, templates: true });
  const ls = get('labels');
  if (isSeq(ls))
    for (const it of ls.items) {
      if (!isMap(it)) continue;
      const pairs = stringMap(it.get('pairs', true));
      if (!Object.keys(pairs).length) continue;
      const selectors = str(it.get('includeSelectors', true)) === 'true';
      const templates = selectors || str(it.get('includeTemplates', true)) === 'true';
      labels.push({ labels: pairs, selectors, templates });
    }
  const namespace = str(get('namespace'))?.trim();
  const unrendered: Unrendered[] = [];
  for (const p of root.items) {
    const k = str(p.key);
    if (
      k &&
      (UNRENDERED_FIELDS as readonly string[]).includes(k) &&
      p.value != null &&
      !(isScalar(p.value) && p.value.value == null)
    )
      unrendered.push({ field: k, span: spanOf(p.key) });
  }
  const resources: string[] = [];
  for (const key of ['resources', 'bases']) {
    const seq = get(key);
    if (!isSeq(seq)) continue;
    for (const it of seq.items) {
      const s = str(it)?.trim();
      if (!s) continue;
      if (isRemoteResource(s)) unrendered.push({ field: `remote resource ${s}`, span: spanOf(it as Node) });
      else resources.push(s);
    }
  }
  return {
    uri,
    path,
    isComponent: kind === 'Component',
    step: {
      kustomization: uri,
      ...(namespace ? { namespace } : {}),
      labels,
    },
    resources,
    components: stringList(get('components')).filter((c) => !isRemoteResource(c)),
    unrendered,
    inputs: kustomizeInputs(root),
  };
}

const cache = new WeakMap<FileFacts, Kustomization | null>();

/** The kustomization a file holds (read once per file facts), if it is a kustomization file. */
export function kustomizationOf(facts: FileFacts): Kustomization | undefined {
  let k = cache.get(facts);
  if (k === undefined) {
    const path = uriPath(facts.uri);
    k =
      (path !== undefined && isKustomizationPath(path) && readKustomization(facts.uri, path, facts.text)) ||
      null;
    cache.set(facts, k);
  }
  return k ?? undefined;
}

/** A resource reached through kustomizations: a file, and what was done to it on the way. */
export interface Reached {
  readonly uri: string;
  readonly transform: Transform;
}

/** The kustomizations of a workspace and the files they reach. */
export class KustomizeGraph {
  private readonly byDir = new Map<string, Kustomization>();
  private readonly memo = new Map<string, readonly Reached[]>();
  /** Kustomizations listed by another one (as a resource folder or a component). */
  readonly included = new Set<string>();

  /**
   * @param kustomizations every kustomization file of the workspace
   * @param fileByPath the workspace's files: decoded path → URI
   */
  constructor(
    readonly kustomizations: readonly Kustomization[],
    private readonly fileByPath: ReadonlyMap<string, string>,
  ) {
    // a folder's kustomization is its first file in kustomize's order
    const sorted = [...kustomizations].sort(
      (a, b) =>
        KUSTOMIZATION_FILE_NAMES.indexOf(baseName(a.path) as never) -
        KUSTOMIZATION_FILE_NAMES.indexOf(baseName(b.path) as never),
    );
    for (const k of sorted) {
      const dir = dirOf(k.path);
      if (!this.byDir.has(dir)) this.byDir.set(dir, k);
    }
    for (const k of this.byDir.values())
      for (const entry of [...k.resources, ...k.components]) {
        const target = this.byDir.get(joinPath(dirOf(k.path), entry) + '/');
        if (target && target !== k) this.included.add(target.uri);
      }
  }

  /** The kustomizations no other one includes, components aside: the overlays, each a root. */
  tops(): Kustomization[] {
    return [...this.byDir.values()].filter((k) => !k.isComponent && !this.included.has(k.uri));
  }

  /**
   * Components no kustomization includes (optional ones, written to be added to an overlay): each
   * is read as included by the nearest top kustomization whose folder holds it, if any.
   */
  optionalComponents(top: Kustomization): Kustomization[] {
    const tops = this.tops();
    return [...this.byDir.values()].filter((c) => {
      if (!c.isComponent || this.included.has(c.uri)) return false;
      let best: Kustomization | undefined;
      for (const t of tops)
        if (c.path.startsWith(dirOf(t.path)) && (!best || dirOf(t.path).length > dirOf(best.path).length))
          best = t;
      return best === top;
    });
  }

  /**
   * The files the kustomizations read as input (patches, configurations…, `Kustomization.inputs`),
   * each with the kustomizations that name it; a folder (a transformer kustomization) is no file.
   */
  inputFiles(): Map<string, Kustomization[]> {
    const out = new Map<string, Kustomization[]>();
    for (const k of this.byDir.values())
      for (const entry of k.inputs) {
        const uri = this.fileByPath.get(joinPath(dirOf(k.path), entry));
        if (uri === undefined || uri === k.uri) continue;
        const l = out.get(uri) ?? [];
        if (!l.includes(k)) l.push(k);
        out.set(uri, l);
      }
    return out;
  }

  /**
   * The kustomizations `kustomize build` of a top reads: itself, the kustomizations it lists as
   * resources or components (and theirs), and the optional components `expand` adds.
   */
  treeOf(top: Kustomization): Kustomization[] {
    const seen = new Map<string, Kustomization>();
    const visit = (k: Kustomization, extra: readonly string[]): void => {
      if (seen.has(k.uri)) return;
      seen.set(k.uri, k);
      const dir = dirOf(k.path);
      for (const entry of [...k.resources, ...k.components, ...extra]) {
        const sub = this.byDir.get(joinPath(dir, entry) + '/');
        if (sub) visit(sub, []);
      }
    };
    visit(
      top,
      this.optionalComponents(top).map((c) => dirOf(c.path).slice(0, -1)),
    );
    return [...seen.values()];
  }

  /** The kustomization of a folder (decoded path with a trailing slash). */
  inDir(dir: string): Kustomization | undefined {
    return this.byDir.get(dir);
  }

  /** Every file a kustomization reaches, with the transform of each path to it (in kustomize's order). */
  expand(k: Kustomization): readonly Reached[] {
    const optional = this.optionalComponents(k);
    if (optional.length === 0) return this.build(k, new Set());
    // the optional components join as if listed last in its components
    return this.build(
      { ...k, components: [...k.components, ...optional.map((c) => dirOf(c.path).slice(0, -1))] },
      new Set(),
    );
  }

  private build(k: Kustomization, stack: Set<string>): readonly Reached[] {
    const memo = this.memo.get(k.uri);
    if (memo) return memo;
    if (stack.has(k.uri)) return []; // a cycle: kustomize refuses it, the reader stops there
    stack.add(k.uri);
    const dir = dirOf(k.path);
    let acc: Reached[] = [];
    for (const entry of k.resources) acc.push(...this.entry(dir, entry, stack));
    for (const c of k.components) {
      const comp = this.byDir.get(joinPath(dir, c) + '/');
      if (!comp || comp === k) continue;
      // a component's resources join, then its transformations apply to all accumulated so far
      acc.push(...this.componentResources(comp, stack));
      acc = acc.map((r) => ({ uri: r.uri, transform: [...r.transform, comp.step] }));
    }
    const out = acc.map((r) => ({ uri: r.uri, transform: [...r.transform, k.step] }));
    stack.delete(k.uri);
    this.memo.set(k.uri, out);
    return out;
  }

  private componentResources(comp: Kustomization, stack: Set<string>): Reached[] {
    if (stack.has(comp.uri)) return [];
    stack.add(comp.uri);
    const dir = dirOf(comp.path);
    let acc: Reached[] = [];
    for (const entry of comp.resources) acc.push(...this.entry(dir, entry, stack));
    for (const c of comp.components) {
      const inner = this.byDir.get(joinPath(dir, c) + '/');
      if (!inner || inner === comp) continue;
      acc.push(...this.componentResources(inner, stack));
      acc = acc.map((r) => ({ uri: r.uri, transform: [...r.transform, inner.step] }));
    }
    stack.delete(comp.uri);
    return acc;
  }

  private entry(dir: string, entry: string, stack: Set<string>): readonly Reached[] {
    const path = joinPath(dir, entry);
    const file = this.fileByPath.get(path);
    if (file !== undefined && !isKustomizationPath(path)) return [{ uri: file, transform: [] }];
    const sub = this.byDir.get(path + '/');
    return sub ? this.build(sub, stack) : [];
  }
}
