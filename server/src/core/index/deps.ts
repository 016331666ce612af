/**
 * Dependency tracking for incremental analysis (in the spirit of salsa's queries): while a unit of
 * work runs inside `tracking`, every read of the workspace index and of the policy engine names
 * the fact it read with `track(key)`. A unit's result computed over one snapshot is still valid in
 * another when each fact it read is the same in both (`WorkspaceIndex.sameFact`).
 *
 * Keys: `f:<uri>` one file's facts; `ns:<name>` one namespace (labels and declarations);
 * `nsx:<name>` whether some manifest declares or uses it;
 * `nsl:<name>` one namespace's effective labels; `wl:<ns>` the workloads of a namespace; `wid:<id>`
 * one workload; `pol:<ns>` the NetworkPolicies of a namespace; `svc:<ns>` its Services; `cr:<ns>`
 * its custom resources of unknown kinds; `*ns`, `*nsnames` (the names only), `*wl`, `*pol`, `*svc`, `*cp` (cluster-wide
 * policies), `*files`, `*problems`: the whole list; `*wlip`, `*svcip`: the workloads with pod IPs
 * and the Services with cluster IPs; `lbl:<key>=<value>` the workloads with that label, `lblk:<key>` those with
 * that key; `nsm:<selector>` the namespaces a selector matches, `nsa:<selector>` whether it matches
 * one, `nsq:<name>\u0001<selector>` whether it matches that namespace; `pw:<ns selector>\u0001<pod
 * selector>` the workloads a namespaceSelector peer matches, `pwa:…` whether it matches one; `*`:
 * anything at all.
 *
 * The answer keys (`nsm`, `nsa`, `nsq`, `pw`, `pwa`) are salsa's early cut-off: a unit that read
 * an answer is re-run only when the answer changed, whatever labels or workloads changed under it
 * (a Namespace's label that 500 policies select it by leaves their name selectors' answers alone).
 *
 * Pure and synchronous: one stack of frames per process, as the core never awaits.
 */

let frames: Set<string>[] = [];

/** Records that the running unit read the fact `key`. */
export function track(key: string): void {
  const top = frames[frames.length - 1];
  if (top) top.add(key);
}

/** Records several facts at once (a cached answer's facts, replayed on a hit). */
export function trackAll(keys: Iterable<string>): void {
  const top = frames[frames.length - 1];
  if (top) for (const k of keys) top.add(k);
}

/** True while some unit is being tracked. */
export function isTracking(): boolean {
  return frames.length > 0;
}

/** Runs `fn` and returns its value and the facts it read; nested frames add theirs to the outer one. */
export function tracking<T>(fn: () => T): { value: T; deps: Set<string> } {
  const deps = new Set<string>();
  frames.push(deps);
  try {
    return { value: fn(), deps };
  } finally {
    frames.pop();
    const outer = frames[frames.length - 1];
    if (outer) for (const k of deps) outer.add(k);
  }
}

/** Runs `fn` with no tracking at all (building a snapshot-wide structure whose readers track for it). */
export function untracked<T>(fn: () => T): T {
  const saved = frames;
  frames = [];
  try {
    return fn();
  } finally {
    frames = saved;
  }
}

/**
 * A cached answer with the facts computing it read: on a hit the facts are tracked again, so a
 * cache shared by several units never hides a dependency.
 */
export function memo<K, V>(cache: Map<K, { v: V; deps: readonly string[] }>, key: K, compute: () => V): V {
  const hit = cache.get(key);
  if (hit) {
    trackAll(hit.deps);
    return hit.v;
  }
  const { value, deps } = tracking(compute);
  cache.set(key, { v: value, deps: [...deps] });
  return value;
}
