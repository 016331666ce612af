/**
 * Kustomize roots rendered by the user's own `kustomize build` (opt-in: `netpolLens.kustomize.render`
 * in a trusted workspace, `--render-kustomize`). The adapters run the command (cli/kustomize.ts,
 * lsp/kustomize.ts); the core gets only texts: per top kustomization, the build's output or why it
 * failed (`KustomizeRender`). A rendered root analyses the output (one virtual file beside the
 * kustomization, `renderedUri`) instead of the reader's transform of its files, which stay in the
 * root for their own parse findings but without resources (as kustomize's input files). Findings on
 * the output are put back on the source files through kustomize's `config.kubernetes.io/origin`
 * annotations (`buildMetadata: [originAnnotations]`; `path:` relative to the kustomization's folder),
 * the object found there by kind and name and the finding's node by its YAML path; without the
 * annotation, on the kustomization file, saying so. Pure: the `yaml` package and the core only.
 */
import { isMap, isScalar, isSeq, parseAllDocuments, type Node } from 'yaml';
import type { FileFacts, WorkspaceIndex } from '../index/workspace-index';
import type { Finding, RelatedInfo } from '../model/finding';
import type { SourceRef, Span } from '../text/span';
import { isKustomizationUri } from './kustomize';
import { dirOf, joinPath, uriPath } from './paths';

/** What the adapter's `kustomize build` of one kustomization gave. */
export interface KustomizeRender {
  /** The URI of the kustomization file built (a top of a kustomize root). */
  readonly kustomization: string;
  /** The command as run, for messages (`kustomize build overlays/prod`). */
  readonly command: string;
  /** The build's standard output, when it succeeded. */
  readonly output?: string;
  /** Why it failed (binary missing, exit status and standard error, timeout, output too large) and how to fix it. */
  readonly error?: string;
}

/** A kustomization the adapters may render: a top whose tree uses what the reader cannot apply. */
export interface RenderTarget {
  /** The URI of its kustomization file. */
  readonly uri: string;
  /** Its folder (decoded path, no trailing slash): what `kustomize build` is given. */
  readonly dir: string;
  /** The URIs of every workspace file its build reads (kustomizations, resources, inputs): a change of one asks for a new build. */
  readonly files: readonly string[];
  /**
   * The decoded paths of every file its kustomizations name as input (patches, generator
   * `files`/`envs`, configurations…), in the workspace or not (a `.env` file is no manifest): what
   * a copy of the tree for the build must hold besides `files` and the kustomizations' folders.
   */
  readonly reads: readonly string[];
}

/**
 * The inputs of a build, the one answer to "what may `kustomize build` of a target read": every
 * file under the folders of its kustomizations (a `.env`, a generator's `files:`, a patch of any
 * extension, a field the reader does not know naming a file), and every file named beyond them
 * (`RenderTarget.files` and `reads`). Decoded paths; `dirs` with a trailing slash, none inside
 * another, and no file under one of them; both sorted. The CLI copies them for a build of a commit
 * (cli/kustomize.ts), the server keys a build by their contents and watches them (lsp/kustomize.ts).
 */
export interface BuildInputs {
  readonly dirs: readonly string[];
  readonly files: readonly string[];
}

export function buildInputs(t: RenderTarget): BuildInputs {
  const dirs = t.files.filter(isKustomizationUri).flatMap((u) => {
    const p = uriPath(u);
    return p === undefined ? [] : [dirOf(p)];
  });
  const named = [...t.files.map((u) => uriPath(u)), ...t.reads].filter((p): p is string => p !== undefined);
  return minimalInputs(dirs, named);
}

/** The inputs of several builds together (what the server watches). */
export function unionInputs(all: readonly BuildInputs[]): BuildInputs {
  return minimalInputs(
    all.flatMap((i) => i.dirs),
    all.flatMap((i) => i.files),
  );
}

function minimalInputs(folders: readonly string[], named: readonly string[]): BuildInputs {
  // sorted, a folder comes after the folders holding it
  const dirs: string[] = [];
  for (const d of [...new Set(folders)].sort()) if (!dirs.some((x) => d.startsWith(x))) dirs.push(d);
  const files = [...new Set(named)].filter((p) => !dirs.some((d) => p.startsWith(d))).sort();
  return { dirs, files };
}

/** The file at the decoded path `path` is an input of the build (`buildInputs`). */
export function isBuildInput(inputs: BuildInputs, path: string): boolean {
  return inputs.dirs.some((d) => path.startsWith(d)) || inputs.files.includes(path);
}

/** How the kustomization file of a rendered tree is marked in a root's index (`FileFacts.render`). */
export interface RenderNote {
  readonly command: string;
  /** The build failed: the reader's transform was analysed instead. */
  readonly error?: string;
}

/** The name of the virtual file that holds a build's output, beside its kustomization. */
export const RENDERED_FILE_NAME = '<kustomize build>.yaml';

/** The URI of the virtual file holding the output of the kustomization `kustomizationUri`. */
export function renderedUri(kustomizationUri: string): string {
  return (
    kustomizationUri.slice(0, kustomizationUri.lastIndexOf('/') + 1) + encodeURIComponent(RENDERED_FILE_NAME)
  );
}

/** The virtual file holds a build's output (its findings are put back on the sources). */
export function isRenderedUri(uri: string): boolean {
  return uri.endsWith('/' + encodeURIComponent(RENDERED_FILE_NAME));
}

interface RenderedDoc {
  readonly range: readonly [number, number];
  readonly node: Node | null;
  readonly kind?: string;
  readonly name?: string;
  /** `config.kubernetes.io/origin` `path:`, relative to the kustomization's folder. */
  readonly origin?: string;
}

function str(n: unknown): string | undefined {
  return isScalar(n) && (typeof n.value === 'string' || typeof n.value === 'number')
    ? String(n.value)
    : undefined;
}

function docsOf(text: string): RenderedDoc[] {
  const out: RenderedDoc[] = [];
  try {
    for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
      if (!('contents' in doc)) continue;
      const root = doc.contents;
      const range: [number, number] = [doc.range[0], doc.range[2]];
      if (!isMap(root)) {
        out.push({ range, node: root });
        continue;
      }
      const meta = root.get('metadata', true);
      const ann = isMap(meta) ? meta.get('annotations', true) : undefined;
      const originText = isMap(ann) ? str(ann.get('config.kubernetes.io/origin', true)) : undefined;
      const origin = originText ? /^\s*path:\s*["']?([^"'\n]+?)["']?\s*$/m.exec(originText)?.[1] : undefined;
      const kind = str(root.get('kind', true));
      const name = isMap(meta) ? str(meta.get('name', true)) : undefined;
      out.push({
        range,
        node: root,
        ...(kind !== undefined ? { kind } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(origin ? { origin } : {}),
      });
    }
  } catch {
    /* unreadable output: nothing to map */
  }
  return out;
}

const docsCache = new WeakMap<FileFacts, RenderedDoc[]>();
function cachedDocs(f: FileFacts): RenderedDoc[] {
  let d = docsCache.get(f);
  if (!d) docsCache.set(f, (d = docsOf(f.text)));
  return d;
}

type Step = string | number;

/** The keys and indexes from a document's root to the deepest node holding `offset` (`onKey`: it is a key). */
function pathTo(node: Node | null, offset: number): { steps: Step[]; onKey: boolean } {
  const steps: Step[] = [];
  const done = (onKey = false): { steps: Step[]; onKey: boolean } => ({ steps, onKey });
  let n: unknown = node;
  for (;;) {
    if (isMap(n)) {
      const pair = n.items.find((p) => {
        const k = p.key as Node | null;
        const v = p.value as Node | null;
        const start = k?.range?.[0] ?? v?.range?.[0];
        const end = v?.range?.[1] ?? k?.range?.[1];
        return (
          start !== undefined && end !== undefined && offset >= start && offset < Math.max(end, start + 1)
        );
      });
      const key = pair && str(pair.key);
      if (!pair || key === undefined) return done();
      steps.push(key);
      const k = pair.key as Node | null;
      if (k?.range && offset < k.range[1]) return done(true); // on the key itself
      n = pair.value;
    } else if (isSeq(n)) {
      const i = n.items.findIndex((it) => {
        const r = (it as Node | null)?.range;
        return r != null && offset >= r[0] && offset < Math.max(r[1], r[0] + 1);
      });
      if (i < 0) return done();
      steps.push(i);
      n = n.items[i];
    } else return done();
  }
}

/** The span in `node` reached by following `steps` as far as they go, and whether all of them were found. */
function follow(
  node: Node | null,
  { steps, onKey }: { steps: readonly Step[]; onKey: boolean },
): { span: Span; whole: boolean } {
  const whole = (x: Node | null | undefined): Span =>
    x?.range ? { start: x.range[0], end: x.range[1] } : { start: 0, end: 0 };
  let n: unknown = node;
  let span = whole(node);
  for (const [i, s] of steps.entries()) {
    if (typeof s === 'string' && isMap(n)) {
      const pair = n.items.find((p) => str(p.key) === s);
      if (!pair) return { span, whole: false };
      span = whole(pair.key as Node);
      n = pair.value;
      const last = i === steps.length - 1;
      if (!(last && onKey) && pair.value && (pair.value as Node).range) span = whole(pair.value as Node);
    } else if (typeof s === 'number' && isSeq(n) && n.items[s]) {
      n = n.items[s];
      span = whole(n as Node);
    } else return { span, whole: false };
  }
  return { span, whole: true };
}

/** The documents of a source file, read once. */
const sourceDocsCache = new WeakMap<FileFacts, RenderedDoc[]>();
function sourceDocs(f: FileFacts): RenderedDoc[] {
  let d = sourceDocsCache.get(f);
  if (!d) sourceDocsCache.set(f, (d = docsOf(f.text)));
  return d;
}

/** The document of a source file that became `doc`: same kind and name, else a name the output's contains (name prefixes). */
function sourceDocOf(docs: readonly RenderedDoc[], doc: RenderedDoc): RenderedDoc | undefined {
  const sameKind = docs.filter((d) => d.kind === doc.kind);
  return (
    sameKind.find((d) => d.name === doc.name) ??
    sameKind.find((d) => d.name && doc.name?.includes(d.name)) ??
    (docs.length === 1 ? docs[0] : undefined)
  );
}

export interface SourcePlace {
  readonly uri: string;
  readonly span: Span;
  /** Said after the message: where the finding really is. */
  readonly note: string;
  /** The source object (its document's node) the place is in, when the output's object was found in it. */
  readonly document?: Span;
}

/**
 * Where a place of the rendered output `facts` (of the kustomization `kustomizationUri`) comes from in
 * the workspace `byPath` (decoded path → URI).
 */
function sourcePlace(
  facts: FileFacts,
  span: Span,
  kustomizationUri: string,
  command: string,
  files: (uri: string) => FileFacts | undefined,
  byPath: ReadonlyMap<string, string>,
): SourcePlace {
  const docs = cachedDocs(facts);
  const index = docs.findIndex(
    (d) => span.start >= d.range[0] && span.start < Math.max(d.range[1], d.range[0] + 1),
  );
  const doc = docs[index];
  const what = doc ? `${doc.kind ?? 'document'} ${doc.name ?? ''}`.trim() : 'a document';
  const kDir = dirOf(uriPath(kustomizationUri) ?? '');
  const src = doc?.origin !== undefined ? byPath.get(joinPath(kDir, doc.origin)) : undefined;
  const srcFacts = src !== undefined ? files(src) : undefined;
  if (doc && src !== undefined && srcFacts) {
    const target = sourceDocOf(sourceDocs(srcFacts), doc);
    if (target) {
      const { span: s, whole } = follow(target.node, pathTo(doc.node, span.start));
      return {
        uri: src,
        span: s,
        document: target.node?.range
          ? { start: target.node.range[0], end: target.node.range[1] }
          : { start: target.range[0], end: target.range[1] },
        note: whole
          ? ` (found in the output of \`${command}\`)`
          : ` (found in the output of \`${command}\`, in ${what}: kustomize changed this part, e.g. by a patch)`,
      };
    }
    return {
      uri: src,
      span: { start: 0, end: 0 },
      note: ` (found in the output of \`${command}\`, in ${what}, which comes from this file)`,
    };
  }
  const kFacts = files(kustomizationUri);
  const where = doc?.origin !== undefined ? `${doc.origin}, which is not in the workspace` : undefined;
  return {
    uri: kustomizationUri,
    span: kFacts ? firstKeySpan(kFacts.text) : { start: 0, end: 0 },
    note: where
      ? ` (found in the output of \`${command}\`, in ${what} from ${where})`
      : ` (found in the output of \`${command}\`, in ${what}, document ${index + 1}: kustomize says which file it comes from only with \`buildMetadata: [originAnnotations]\` in the kustomization; add it to see this finding on its source file)`,
  };
}

function firstKeySpan(text: string): Span {
  const m = /^[A-Za-z]\w*/m.exec(text);
  return m ? { start: m.index, end: m.index + m[0].length } : { start: 0, end: 0 };
}

const pathMaps = new WeakMap<WorkspaceIndex, Map<string, string>>();

/** Decoded path → URI of every file of `index`, built once per index. */
function pathMap(index: WorkspaceIndex): ReadonlyMap<string, string> {
  let byPath = pathMaps.get(index);
  if (!byPath) {
    byPath = new Map();
    for (const uri of index.files.keys()) {
      const p = uriPath(uri);
      if (p !== undefined) byPath.set(p, uri);
    }
    pathMaps.set(index, byPath);
  }
  return byPath;
}

/**
 * The two directions of one mapping between the builds' outputs held by a root's index and the
 * source files they come from (`config.kubernetes.io/origin`, then the object by kind and name,
 * then the node by its YAML path): findings go back to the sources (`relocateRendered`), and a
 * hover or code lens on a source file is answered at the place of the output it became
 * (features/rendered.ts).
 */
export class RenderedSources {
  constructor(
    private readonly index: WorkspaceIndex,
    private readonly renders: ReadonlyMap<string, KustomizeRender>,
  ) {}

  private renderOf(uri: string): KustomizeRender | undefined {
    for (const r of this.renders.values()) if (renderedUri(r.kustomization) === uri) return r;
    return undefined;
  }

  /** Where a place of a build's output comes from; undefined for a place of any other file. */
  source(uri: string, span: Span): SourcePlace | undefined {
    if (!isRenderedUri(uri)) return undefined;
    const facts = this.index.files.get(uri);
    const render = this.renderOf(uri);
    if (!facts || !render) return undefined;
    return sourcePlace(
      facts,
      span,
      render.kustomization,
      render.command,
      (u) => this.index.files.get(u),
      pathMap(this.index),
    );
  }

  /** A reference moved to the source it comes from (as it is when it is not in an output). */
  sourceRef(ref: SourceRef): SourceRef {
    const p = this.source(ref.uri, ref.span);
    return p ? { uri: p.uri, span: p.span } : ref;
  }

  /**
   * The places of the builds' outputs that the place `offset` of the source file `uri` became:
   * in each output, every object whose origin is that file and which comes from the document
   * holding `offset`, at the node of the same YAML path (as deep as the output has it). Empty
   * when no output of this index comes from that place.
   */
  rendered(uri: string, offset: number): RenderedPlace[] {
    const srcFacts = this.index.files.get(uri);
    if (!srcFacts) return [];
    const srcDocs = sourceDocs(srcFacts);
    const out: RenderedPlace[] = [];
    for (const { output, doc } of this.docsFrom(uri)) {
      const target = sourceDocOf(srcDocs, doc);
      if (!target || offset < target.range[0] || offset > target.range[1]) continue;
      const { span } = follow(doc.node, pathTo(target.node, offset));
      out.push({ uri: output, span, document: { start: doc.range[0], end: doc.range[1] } });
    }
    return out;
  }

  /** The builds' outputs of this index holding an object whose origin is the source file `uri`. */
  outputsFrom(uri: string): string[] {
    return [...new Set([...this.docsFrom(uri)].map((x) => x.output))];
  }

  /** The documents of the outputs whose origin is the source file `uri`, with their output's URI. */
  private *docsFrom(uri: string): Generator<{ output: string; doc: RenderedDoc }> {
    const path = uriPath(uri);
    if (path === undefined || isRenderedUri(uri)) return;
    for (const r of this.renders.values()) {
      const output = renderedUri(r.kustomization);
      const facts = this.index.files.get(output);
      if (!facts) continue;
      const kDir = dirOf(uriPath(r.kustomization) ?? '');
      for (const doc of cachedDocs(facts))
        if (doc.origin !== undefined && joinPath(kDir, doc.origin) === path) yield { output, doc };
    }
  }
}

/** A place of a build's output that a place of a source file became (`RenderedSources.rendered`). */
export interface RenderedPlace extends SourceRef {
  /** The output's document holding it. */
  readonly document: Span;
}

/**
 * The findings of a rendered root with those on a build's output put back on the files they come
 * from (quick fixes dropped: they would edit the output). Others are returned as they are.
 */
export function relocateRendered(findings: readonly Finding[], sources: RenderedSources): readonly Finding[] {
  if (!findings.some((f) => isRenderedUri(f.uri) || f.related?.some((r) => isRenderedUri(r.uri))))
    return findings;
  return findings.map((f) => {
    const at = sources.source(f.uri, f.span);
    let moved = false;
    const related = f.related?.map((r): RelatedInfo => {
      const p = sources.source(r.uri, r.span);
      if (!p) return r;
      moved = true;
      return { ...r, uri: p.uri, span: p.span };
    });
    if (!at && !moved) return f;
    const { fixes: _fixes, ...rest } = f;
    return {
      ...(at ? rest : f),
      ...(at ? { uri: at.uri, span: at.span, message: f.message + at.note } : {}),
      ...(related ? { related } : {}),
    };
  });
}

/** How long one build may take (the adapters stop it then) and how much output it may print. */
export const RENDER_TIMEOUT_MS = 60_000;
export const RENDER_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The programs to try for a build, each an argv prefix the kustomization's folder is appended to:
 * the configured command (a kustomize binary gets `build`), else `kustomize build`, then
 * `kubectl kustomize` where kustomize is not found. Never `--enable-helm` or plugins: kustomize's
 * defaults (load restrictor included) as they are.
 */
export function kustomizeCommands(command: string | undefined): string[][] {
  const words = (command ?? '').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0)
    return [
      ['kustomize', 'build'],
      ['kubectl', 'kustomize'],
    ];
  const prog = words[0] ?? '';
  const isKustomize = /(^|[/\\])kustomize(\.exe)?$/i.test(prog);
  return [isKustomize && words[1] !== 'build' ? [prog, 'build', ...words.slice(1)] : words];
}

/** Why a build failed, as the kustomize-not-rendered warning says it after the command (a sentence or more). */
export type RenderFailure =
  | { readonly kind: 'missing'; readonly tried: readonly string[]; readonly configured: boolean }
  | {
      readonly kind: 'exit';
      readonly status: number | null;
      readonly signal?: string;
      readonly stderr: string;
    }
  | { readonly kind: 'timeout'; readonly ms: number }
  | { readonly kind: 'too-large'; readonly bytes: number }
  | { readonly kind: 'error'; readonly message: string };

export function renderFailureText(f: RenderFailure): string {
  switch (f.kind) {
    case 'missing':
      return f.configured
        ? `could not run: ${f.tried.join(', ')} is not found. Fix netpolLens.kustomize.command (--kustomize-command) or install it.`
        : `could not run: neither ${f.tried.join(' nor ')} is on the PATH. Install kustomize (https://kubectl.docs.kubernetes.io/installation/kustomize/) or name the program in netpolLens.kustomize.command (--kustomize-command).`;
    case 'exit': {
      const err = f.stderr.trim().replace(/\s+/g, ' ');
      const shown = err.length > 600 ? `${err.slice(0, 600)}…` : err;
      const how = f.signal ? `was stopped by ${f.signal}` : `exited with status ${f.status ?? '?'}`;
      return `${how}${shown ? `: ${shown}` : ' and printed no error'}. Fix the kustomization (run the command in a terminal to see the whole error).`;
    }
    case 'timeout':
      return `did not finish within ${Math.round(f.ms / 1000)} s and was stopped. Run it in a terminal to see why (a remote base or a slow plugin), or turn rendering off.`;
    case 'too-large':
      return `printed more than ${Math.round(f.bytes / (1024 * 1024))} MiB and was stopped. Render a smaller overlay, or pipe it in: kustomize build <folder> | netpol-lens check -`;
    case 'error':
      return `could not run: ${f.message}.`;
  }
}
