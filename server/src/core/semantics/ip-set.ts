/**
 * IPv4 / IPv6 addresses and CIDR blocks as bigint ranges. A CIDR with host bits set is taken as its
 * network (`10.0.1.1/4` = `0.0.0.0/4`), as the API server does.
 */
export type Family = 4 | 6;

export interface IpRange {
  readonly family: Family;
  readonly lo: bigint;
  readonly hi: bigint;
}

export interface ParsedCidr {
  readonly family: Family;
  readonly network: bigint;
  readonly prefix: number;
  readonly range: IpRange;
  /** True when the address had host bits set. */
  readonly nonCanonical: boolean;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function parseIp(s: string): { family: Family; value: bigint } | undefined {
  const t = s.trim();
  if (t.includes(':')) {
    const v = parseIpv6(t);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseIpv4(t);
  return v === undefined ? undefined : { family: 4, value: v };
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIpv6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint[] = [];
  // embedded IPv4 suffix
  const lastColon = text.lastIndexOf(':');
  const maybeV4 = text.slice(lastColon + 1);
  if (maybeV4.includes('.')) {
    const v4 = parseIpv4(maybeV4);
    if (v4 === undefined) return undefined;
    tail = [(v4 >> 16n) & 0xffffn, v4 & 0xffffn];
    text = text.slice(0, lastColon + 1) + '0';
    // replace the placeholder group below
  }
  const dbl = text.split('::');
  if (dbl.length > 2) return undefined;
  const parseGroups = (g: string): bigint[] | undefined => {
    if (g === '') return [];
    const out: bigint[] = [];
    for (const h of g.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(h)) return undefined;
      out.push(BigInt(parseInt(h, 16)));
    }
    return out;
  };
  const head = parseGroups(dbl[0] ?? '');
  const rest = dbl.length === 2 ? parseGroups(dbl[1] ?? '') : [];
  if (!head || !rest) return undefined;
  let groups: bigint[];
  if (tail.length) {
    // the last parsed group is the '0' placeholder for the IPv4 part
    if (dbl.length === 2) rest.pop();
    else head.pop();
  }
  const total = head.length + rest.length + tail.length;
  if (dbl.length === 2) {
    if (total > 7) return undefined;
    groups = [...head, ...Array<bigint>(8 - total).fill(0n), ...rest, ...tail];
  } else {
    if (total !== 8) return undefined;
    groups = [...head, ...tail];
  }
  let v = 0n;
  for (const g of groups) v = (v << 16n) | g;
  return v;
}

export function parseCidr(s: string): ParsedCidr | undefined {
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  const ip = parseIp(m[1] ?? '');
  if (!ip) return undefined;
  const prefix = Number(m[2]);
  const bits = BITS[ip.family];
  if (prefix > bits) return undefined;
  const hostBits = BigInt(bits - prefix);
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << hostBits) - 1n);
  const network = ip.value & mask;
  return {
    family: ip.family,
    network,
    prefix,
    nonCanonical: network !== ip.value,
    range: { family: ip.family, lo: network, hi: network | ((1n << hostBits) - 1n) },
  };
}

export function formatIp(family: Family, v: bigint): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  // compress the longest run of zeros
  let best = -1,
    bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export function formatCidr(c: ParsedCidr): string {
  return `${formatIp(c.family, c.network)}/${c.prefix}`;
}

export function formatRange(r: IpRange): string {
  return `${formatIp(r.family, r.lo)}-${formatIp(r.family, r.hi)}`;
}

/** The fewest CIDRs that cover exactly the range, in address order (`10.0.0.1` → `10.0.0.1/32`). */
export function rangeCidrs(r: IpRange): string[] {
  const bits = BITS[r.family];
  const out: string[] = [];
  let lo = r.lo;
  while (lo <= r.hi) {
    // the largest block that starts at lo (aligned) and ends within the range
    let size = 0;
    while (size < bits) {
      const next = 1n << BigInt(size + 1);
      if (lo % next !== 0n || lo + next - 1n > r.hi) break;
      size++;
    }
    out.push(`${formatIp(r.family, lo)}/${bits - size}`);
    lo += 1n << BigInt(size);
  }
  return out;
}

export function parseRange(s: string): IpRange | undefined {
  const i = s.indexOf('-');
  if (i < 0) {
    const c = s.includes('/') ? parseCidr(s) : undefined;
    if (c) return c.range;
    const ip = parseIp(s);
    return ip ? { family: ip.family, lo: ip.value, hi: ip.value } : undefined;
  }
  const a = parseIp(s.slice(0, i));
  const b = parseIp(s.slice(i + 1));
  if (!a || !b || a.family !== b.family || a.value > b.value) return undefined;
  return { family: a.family, lo: a.value, hi: b.value };
}

export function fullRange(family: Family): IpRange {
  return { family, lo: 0n, hi: (1n << BigInt(BITS[family])) - 1n };
}

/** A set of addresses of both families: sorted, disjoint ranges. */
export class IpRangeSet {
  private constructor(readonly ranges: readonly IpRange[]) {}

  static of(ranges: readonly IpRange[]): IpRangeSet {
    const sorted = [...ranges].sort(
      (a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0),
    );
    const out: IpRange[] = [];
    for (const r of sorted) {
      const last = out[out.length - 1];
      if (last && last.family === r.family && r.lo <= last.hi + 1n) {
        if (r.hi > last.hi) out[out.length - 1] = { family: r.family, lo: last.lo, hi: r.hi };
      } else out.push(r);
    }
    return new IpRangeSet(out);
  }

  static readonly EMPTY = new IpRangeSet([]);

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  minus(other: IpRangeSet): IpRangeSet {
    let cur: IpRange[] = [...this.ranges];
    for (const x of other.ranges) {
      const next: IpRange[] = [];
      for (const r of cur) {
        if (r.family !== x.family || x.hi < r.lo || x.lo > r.hi) {
          next.push(r);
          continue;
        }
        if (x.lo > r.lo) next.push({ family: r.family, lo: r.lo, hi: x.lo - 1n });
        if (x.hi < r.hi) next.push({ family: r.family, lo: x.hi + 1n, hi: r.hi });
      }
      cur = next;
    }
    return new IpRangeSet(cur);
  }

  contains(family: Family, v: bigint): boolean {
    return this.ranges.some((r) => r.family === family && r.lo <= v && v <= r.hi);
  }

  containsIp(ip: string): boolean {
    const p = parseIp(ip);
    return !!p && this.contains(p.family, p.value);
  }

  /** True when the whole range lies inside the set. */
  covers(x: IpRange): boolean {
    return this.ranges.some((r) => r.family === x.family && r.lo <= x.lo && x.hi <= r.hi);
  }

  overlaps(x: IpRange): boolean {
    return this.ranges.some((r) => r.family === x.family && r.lo <= x.hi && x.lo <= r.hi);
  }
}
