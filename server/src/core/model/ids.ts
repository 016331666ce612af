/** Workload ids `<namespace>/<name>[<Kind>]` (contracts.md) and policy ids `<namespace>/<name>`. */
export function workloadId(namespace: string, name: string, kind: string): string {
  return `${namespace}/${name}[${kind}]`;
}

export function parseWorkloadId(id: string): { namespace: string; name: string; kind: string } | undefined {
  const m = /^([^/]+)\/(.+)\[([^\]]+)\]$/.exec(id);
  if (!m) return undefined;
  return { namespace: m[1] ?? '', name: m[2] ?? '', kind: m[3] ?? '' };
}

/** `<namespace>/<name>`: a policy id, and how messages name any namespaced object (a Service). */
export function policyId(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}
