/**
 * A root's own index: the workspace's file facts, each file's resources as the root's transforms
 * make them (shared with the workspace where a file is read as written). Transformed facts are
 * cached per file facts, so an edit re-transforms only the files it changed.
 */
import type { FileFacts, WorkspaceIndex } from '../index/workspace-index';
import type { Transform } from './kustomize';
import type { RootSpec } from './roots';
import { transformFacts, transformKey } from './transform';

const cache = new WeakMap<FileFacts, Map<string, FileFacts>>();

function factsFor(facts: FileFacts, transforms: readonly Transform[]): FileFacts {
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

export function rootIndex(index: WorkspaceIndex, spec: RootSpec): WorkspaceIndex {
  const files = new Map<string, FileFacts>();
  for (const [uri, transforms] of spec.files) {
    const f = index.file(uri);
    if (f) files.set(uri, spec.inputs?.has(uri) ? inputFacts(f) : factsFor(f, transforms));
  }
  return index.withFiles(files);
}
