/**
 * A root's own index: the workspace's file facts, each file's resources as the root's transforms
 * make them (shared with the workspace where a file is read as written). Transformed facts are
 * cached per file facts, so an edit re-transforms only the files it changed.
 */
import type { FileFacts, WorkspaceIndex } from '../index/workspace-index';
import type { Finding } from '../model/finding';
import type { Transform } from './kustomize';
import type { RenderNote } from './render';
import type { FluxNote, ListingNote, RootSpec } from './roots';
import { isIdentity, transformFacts, transformKey } from './transform';

const cache = new WeakMap<FileFacts, Map<string, FileFacts>>();

function factsFor(facts: FileFacts, transforms: readonly Transform[]): FileFacts {
  // read as written (the usual case): the facts themselves, nothing cached on them
  if (transforms.length === 1 && transforms[0] && isIdentity(transforms[0])) return facts;
  const key = transforms.map(transformKey).join('\u0000');
  let m = cache.get(facts);
  if (!m) {
    m = new Map();
    cache.set(facts, m);
  }
  let out = m.get(key);
  if (!out) {
    out = transformFacts(facts, transforms);
    m.set(key, out);
  }
  return out;
}

const inputCache = new WeakMap<FileFacts, FileFacts>();

/**
 * A file kustomize reads as input (a patch, a configuration): no resources, no custom resources or
 * policies of other kinds, and none of the lowering's `invalid-field` findings (kubectl never
 * reads it; a patch holds partial objects); its parse findings stay.
 */
export function inputFacts(facts: FileFacts): FileFacts {
  let out = inputCache.get(facts);
  if (!out) {
    out = {
      uri: facts.uri,
      version: facts.version,
      text: facts.text,
      resources: [],
      problems: facts.problems.filter((p) => p.code !== 'invalid-field'),
      ...(facts.unanalysed ? { unanalysed: facts.unanalysed } : {}),
    };
    inputCache.set(facts, out);
  }
  return out;
}

/**
 * Of a file's findings, those it gets whatever its role, resource or kustomize input: the parse
 * problems `inputFacts` keeps (same code and place). What the server publishes while a
 * kustomization that may read the file as input is not indexed yet.
 */
export function roleIndependent(facts: FileFacts, findings: readonly Finding[]): Finding[] {
  const kept = new Set(
    inputFacts(facts).problems.map((p) => `${p.code}\u0000${p.span.start}\u0000${p.span.end}`),
  );
  return findings.filter((f) => kept.has(`${f.code}\u0000${f.span.start}\u0000${f.span.end}`));
}

const noteCache = new WeakMap<FileFacts, Map<string, FileFacts>>();

/** A kustomization file of a rendered tree, marked with how its build went (kustomize-not-rendered reads it). */
function withNote(facts: FileFacts, note: RenderNote): FileFacts {
  const key = `${note.command}\u0000${note.error ?? ''}`;
  let m = noteCache.get(facts);
  if (!m) noteCache.set(facts, (m = new Map<string, FileFacts>()));
  let out = m.get(key);
  if (!out) m.set(key, (out = { ...facts, render: note }));
  return out;
}

const listingCache = new WeakMap<FileFacts, Map<string, FileFacts>>();

/** A kustomization file with what no kustomization lists near it (kustomize-not-listed reads it). */
function withListing(facts: FileFacts, note: ListingNote): FileFacts {
  let m = listingCache.get(facts);
  if (!m) listingCache.set(facts, (m = new Map<string, FileFacts>()));
  const key = JSON.stringify(note);
  let out = m.get(key);
  if (!out) m.set(key, (out = { ...facts, listing: note }));
  return out;
}

const fluxCache = new WeakMap<FileFacts, FileFacts>();

/** A file holding Flux Kustomizations whose `spec.path` is not read (flux-path-not-found reads it). */
function withFlux(facts: FileFacts, notes: readonly FluxNote[]): FileFacts {
  let out = fluxCache.get(facts);
  if (!out || JSON.stringify(out.flux) !== JSON.stringify(notes))
    fluxCache.set(facts, (out = { ...facts, flux: notes }));
  return out;
}

export function rootIndex(index: WorkspaceIndex, spec: RootSpec): WorkspaceIndex {
  const files = new Map<string, FileFacts>();
  for (const [uri, transforms] of spec.files) {
    const f = index.file(uri) ?? spec.rendered?.get(uri);
    if (!f) continue;
    const g = spec.inputs?.has(uri) ? inputFacts(f) : factsFor(f, transforms);
    const note = spec.notes?.get(uri);
    const listing = spec.listing?.get(uri);
    const flux = spec.flux?.get(uri);
    const h = note ? withNote(g, note) : g;
    const l = listing ? withListing(h, listing) : h;
    files.set(uri, flux ? withFlux(l, flux) : l);
  }
  return index.withFiles(files);
}
