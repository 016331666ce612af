/**
 * The endpoints of one snapshot (semantics.md): every workload and the cluster-external address
 * ranges, cut at the ipBlock boundaries so that each range is wholly inside or outside every block,
 * sorted by id with their positions; and the resolution of ids, addresses, CIDRs and ranges.
 */
import type { WorkspaceIndex } from '../index/workspace-index';
import { cmp } from '../index/workspace-index';
import type { CompiledPolicy, Endpoint } from './compile';
import type { ClusterTiers } from './tiers';
import {
  formatIp,
  formatRange,
  fullRange,
  parseRange,
  rangeCidrs,
  type Family,
  type IpRange,
} from './ip-set';
import { didYouMean, listText } from '../text/words';
import { isDomainName, normalizeDomain } from './domains';

export class EndpointSpace {
  private cache: { all: Endpoint[]; byId: Map<string, Endpoint> } | undefined;
  private readonly directionalCache = new Map<'ingress' | 'egress', readonly Endpoint[]>();

  constructor(
    private readonly index: WorkspaceIndex,
    private readonly compiled: readonly CompiledPolicy[],
    private readonly tiers?: ClusterTiers,
  ) {}

  /** Every endpoint, sorted by id (Go string order), each with its position `ix`. */
  all(): readonly Endpoint[] {
    if (!this.cache) {
      const raw: Endpoint[] = [
        ...externalRanges(this.compiled, undefined, this.tiers),
        ...domainEndpoints(this.tiers, this.compiled),
        ...this.index.workloads.map((w): Endpoint => ({ kind: 'workload', id: w.id, workload: w })),
      ].sort((a, b) => cmp(a.id, b.id));
      const all = raw.map((e, ix) => ({ ...e, ix }));
      this.cache = { all, byId: new Map(all.map((e) => [e.id, e])) };
    }
    return this.cache.all;
  }

  workloads(): Endpoint[] {
    return this.all().filter((e) => e.kind === 'workload');
  }

  externals(): Endpoint[] {
    return this.all().filter((e) => e.kind === 'external');
  }

  /** The domain names of `domainNames` peers (destinations only), sorted by id. */
  domains(): Endpoint[] {
    return this.all().filter((e) => e.kind === 'domain');
  }

  /**
   * External ranges cut only at the ipBlocks of one direction's rules (netpol-analyzer's per-direction
   * atoms): `ingress` ranges are the sources that differ, `egress` ranges the destinations. Coarser
   * than the workspace-wide cut, so listings stay short; every range is a union of the wide ones.
   */
  directionalExternals(direction: 'ingress' | 'egress'): readonly Endpoint[] {
    let list = this.directionalCache.get(direction);
    if (!list) {
      list = externalRanges(this.compiled, direction, this.tiers).sort((a, b) => cmp(a.id, b.id));
      this.directionalCache.set(direction, list);
    }
    return list;
  }

  /**
   * Resolves a workload id, an IP range `a-b`, a CIDR or a single IP to an endpoint. An address
   * resolves to the external range holding it: of the workspace-wide cut, or with `direction`, of
   * that direction's cut (`ingress` for sources, `egress` for destinations of a per-direction listing).
   * With `exact`, addresses inside one such range are the endpoint themselves (`203.0.113.10`).
   */
  resolve(id: string, direction?: 'ingress' | 'egress', exact = false): Endpoint | undefined {
    this.all();
    const known = this.cache?.byId.get(id);
    if (known && known.kind !== 'external') return known;
    const range = known?.kind === 'external' ? known.range : parseRange(id);
    if (!range) {
      // `<namespace>/<name>` without `[Kind]`: the one workload of that namespace with that name
      const named = this.named(id);
      if (named.length === 1) return named[0];
      // a domain name: the one a `domainNames` peer writes, or a name of its own
      if (named.length === 0 && isDomainName(id)) {
        const name = normalizeDomain(id);
        return this.cache?.byId.get(name) ?? { kind: 'domain', id: name, name };
      }
      return undefined;
    }
    const atoms = direction ? this.directionalExternals(direction) : this.externals();
    // the external range holding it, when it lies in one; else the range itself
    const atom = atoms.find(
      (e) =>
        e.kind === 'external' &&
        e.range.family === range.family &&
        e.range.lo <= range.lo &&
        range.hi <= e.range.hi,
    );
    if (exact && atom?.kind === 'external' && (atom.range.lo !== range.lo || atom.range.hi !== range.hi)) {
      // `exact` (explain): the addresses asked, not the whole range they fall in. Inside one range
      // every ipBlock holds all of them or none, so the verdict is the range's.
      const cidrs = rangeCidrs(range);
      const asked =
        range.lo === range.hi
          ? formatIp(range.family, range.lo)
          : id.includes('/') && cidrs.length === 1
            ? (cidrs[0] ?? formatRange(range))
            : formatRange(range);
      return { kind: 'external', id: asked, range };
    }
    return atom ?? { kind: 'external', id: formatRange(range), range };
  }

  /** The workloads whose id is `id[<Kind>]` (`id` being `<namespace>/<name>`), sorted by id. */
  named(id: string): Endpoint[] {
    if (id.includes('[') || id.split('/').length !== 2) return [];
    return this.workloads().filter(
      (e) => e.kind === 'workload' && `${e.workload.namespace}/${e.workload.name}` === id,
    );
  }

  /**
   * Why `id` resolves to no endpoint, for usage errors: several kinds share the name (the
   * candidates' ids), or it is unknown (what ids look like, and the nearest workload id).
   */
  unresolved(id: string): string {
    const named = this.named(id);
    if (named.length > 1) {
      return `"${id}" is ambiguous: ${named.length} workloads of namespace ${id.split('/')[0]} are named ${id.split('/')[1]}; give the kind: ${listText(
        named.map((e) => e.id),
        10,
      )}`;
    }
    const workloads = this.workloads();
    const ids = workloads.map((e) => e.id);
    // `ns/name` is compared with `ns/name` of each workload, a full id with full ids
    const guess = id.includes('[')
      ? didYouMean(id, ids)
      : (() => {
          const byName = new Map(
            workloads.map((e) => [e.id.replace(/\[[^\]]*\]$/, ''), e.id] as const).reverse(),
          );
          const near = didYouMean(id, [...byName.keys()]);
          if (near === undefined) return undefined;
          const kinds = this.named(near);
          return kinds.length > 1 ? kinds.map((e) => e.id).join(' or ') : byName.get(near);
        })();
    return `unknown endpoint "${id}": use a workload id like ${ids[0] ?? '<namespace>/<name>[Deployment]'} (or <namespace>/<name> where one kind has that name), an IP address, a CIDR, a range a.b.c.d-e.f.g.h or a domain name${guess ? ` (did you mean ${guess}?)` : ''}`;
  }
}

/**
 * The domain endpoints (semantics/domains.ts): every valid name of the `domainNames` peers of the
 * cluster-wide policies' egress rules, normalised, once each.
 */
export function domainEndpoints(tiers?: ClusterTiers, compiled: readonly CompiledPolicy[] = []): Endpoint[] {
  const names = new Set<string>();
  // and of ApplicationNetworkPolicies (EKS): NetworkPolicies whose egress peers may name domains
  for (const p of compiled)
    for (const r of p.egress)
      if (r.peers !== 'all')
        for (const pm of r.peers) if (pm.kind === 'domains') for (const n of pm.names) names.add(n);
  for (const c of tiers?.compiled ?? [])
    for (const r of c.policy.egress)
      for (const pe of r.peers)
        if (pe.kind === 'domainNames')
          for (const n of pe.names) if (isDomainName(n.value)) names.add(normalizeDomain(n.value));
  return [...names].map((name): Endpoint => ({ kind: 'domain', id: name, name }));
}

/**
 * Cluster-external address ranges: the whole address space cut at every ipBlock boundary (of one
 * direction's rules, or of both), so that each range is either inside or outside every ipBlock.
 * IPv6 only when some ipBlock (or `networks` CIDR) is IPv6.
 */
export function externalRanges(
  compiled: readonly CompiledPolicy[],
  direction?: 'ingress' | 'egress',
  tiers?: ClusterTiers,
): Endpoint[] {
  const cuts: Record<Family, Set<bigint>> = { 4: new Set(), 6: new Set() };
  let v6 = false;
  // the `networks` of cluster-wide policies (egress peers only)
  if (direction !== 'ingress')
    for (const p of tiers?.compiled ?? [])
      for (const r of p.egress) {
        if (r.peers === 'all') continue;
        for (const pm of r.peers) {
          if (pm.kind !== 'networks') continue;
          for (const range of pm.set.ranges) {
            if (range.family === 6) v6 = true;
            cuts[range.family].add(range.lo);
            cuts[range.family].add(range.hi + 1n);
          }
        }
      }
  for (const p of compiled) {
    for (const r of direction ? p[direction] : [...p.ingress, ...p.egress]) {
      if (r.peers === 'all') continue;
      for (const pm of r.peers) {
        if (pm.kind !== 'ipBlock') continue;
        for (const range of pm.set.ranges) {
          if (range.family === 6) v6 = true;
          cuts[range.family].add(range.lo);
          cuts[range.family].add(range.hi + 1n);
        }
      }
    }
  }
  const out: Endpoint[] = [];
  for (const family of (v6 ? [4, 6] : [4]) as Family[]) {
    const full = fullRange(family);
    const pts = [...cuts[family]]
      .filter((x) => x > full.lo && x <= full.hi)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let lo = full.lo;
    for (const x of [...pts, full.hi + 1n]) {
      const range: IpRange = { family, lo, hi: x - 1n };
      out.push({ kind: 'external', id: formatRange(range), range });
      lo = x;
    }
  }
  return out;
}
