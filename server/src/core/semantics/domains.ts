/**
 * Domain names as endpoints (docs/semantics.md "Domain names"): the `domainNames` peers of
 * cluster-wide egress rules name destinations by DNS name ("db.example.com", "*.example.com").
 * Each name written is an endpoint of its own, like an external range cut at ipBlock boundaries:
 * `db.example.com` is that name, `*.example.com` the names under example.com that no other endpoint
 * names. Matching follows network-policy-api `apis/v1alpha2` `DomainName`: an exact name matches
 * only itself; `*.` (a prefix only) matches one or more whole labels. Names compare without case
 * and without a trailing dot. Their addresses are unknown to netpol-lens.
 */

export { isDomainName } from '../model/cluster-policy';

/** `DB.Example.com.` → `db.example.com` (DNS names compare without case; the trailing dot is the root). */
export function normalizeDomain(s: string): string {
  const t = s.toLowerCase();
  return t.endsWith('.') ? t.slice(0, -1) : t;
}

export function isWildcard(name: string): boolean {
  return name.startsWith('*.');
}

/**
 * Does the `domainNames` entry `pattern` match the domain endpoint `name` (both normalised)? An
 * exact pattern matches the same name only (never a wildcard endpoint: that one stands for the
 * names no exact endpoint names). A wildcard pattern matches every name below its suffix, and a
 * wildcard endpoint whose names all lie below it (`*.a.example.com` under `*.example.com`).
 */
export function domainMatches(pattern: string, name: string): boolean {
  if (!isWildcard(pattern)) return pattern === name;
  const suffix = pattern.slice(1); // ".example.com"
  if (isWildcard(name)) {
    const inner = name.slice(1);
    return inner === suffix || inner.endsWith(suffix);
  }
  return name.length > suffix.length && name.endsWith(suffix);
}

/** The note every verdict about a domain name carries. */
export const DOMAIN_NOTE =
  'Domain names are matched by name: enforcement depends on DNS-aware support in the platform (the network plugin must implement domainNames), and netpol-lens does not know the addresses a name resolves to.';
