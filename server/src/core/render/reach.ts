/** Renderers of the reachability listing: json (contracts.md), table (for people), csv, dot and the summary. */
import { listText, plural } from '../text/words';
import type { CompiledPolicy, Endpoint } from '../semantics/compile';
import { cmp } from '../index/workspace-index';
import {
  ClassPairs,
  emptyRowReason,
  type EmptyRowReason,
  type ReachEntry,
  type ReachQuery,
} from '../semantics/matrix';
import { formatRange, type IpRange } from '../semantics/ip-set';
import { ConnectionSet, formatConns, type Conns } from '../semantics/port-set';
import type { PolicyEngine } from '../semantics/engine';
import { DOMAIN_NOTE } from '../semantics/domains';

export interface ReachListing {
  readonly endpoints: readonly Endpoint[];
  readonly entries: readonly ReachEntry[];
  /** The sources and destinations the query lists (`--from`, `--to`, externals); all endpoints when absent. */
  readonly sources?: readonly Endpoint[];
  readonly destinations?: readonly Endpoint[];
}

export function reachJson(r: ReachListing): string {
  return [...reachJsonChunks(r.endpoints, [r.entries])].join('');
}

/**
 * The JSON listing (contracts.md) in pieces, the text `JSON.stringify(…, null, 2)` gives of it,
 * written from the rows as they come (`reachabilityRows`) without building the document, its
 * objects or one string of it: a listing of a big workspace is tens of megabytes. A connection set
 * shared by many pairs (ClassPairs shares them) is written once and its text reused.
 */
export function* reachJsonChunks(
  endpoints: readonly Endpoint[],
  rows: Iterable<readonly ReachEntry[]>,
): Generator<string> {
  /** A value's indented text, its lines after the first indented by `pad` more. */
  const at = (v: unknown, pad: string): string => JSON.stringify(v, null, 2).replaceAll('\n', `\n${pad}`);
  let out = '{\n  "version": 1,\n  "workloads": [';
  let first = true;
  for (const e of endpoints) {
    if (e.kind !== 'workload') continue;
    const w = { id: e.id, namespace: e.workload.namespace, name: e.workload.name, kind: e.workload.kind };
    out += `${first ? '' : ','}\n    ${at(w, '    ')}`;
    first = false;
  }
  out += `${first ? '' : '\n  '}],\n  "connections": [`;
  first = true;
  const ids = new Map<Endpoint, string>();
  const idText = (e: Endpoint): string => {
    let t = ids.get(e);
    if (t === undefined) {
      t = JSON.stringify(e.id);
      ids.set(e, t);
    }
    return t;
  };
  const sets = new Map<ConnectionSet, string>();
  for (const row of rows) {
    for (const e of row) {
      let c = sets.get(e.conns);
      if (c === undefined) {
        c = at(e.conns.toConns(), '      ');
        sets.set(e.conns, c);
      }
      out += `${first ? '' : ','}\n    {\n      "src": ${idText(e.src)},\n      "dst": ${idText(e.dst)},\n      "conns": ${c}\n    }`;
      first = false;
    }
    if (out.length >= CHUNK) {
      yield out;
      out = '';
    }
  }
  out += `${first ? '' : '\n  '}]`;
  // added (contracts.md: add, never rename): the domain names of domainNames peers, when there are any
  const domains = endpoints.flatMap((e) => (e.kind === 'domain' ? [{ id: e.id, note: DOMAIN_NOTE }] : []));
  if (domains.length) out += `,\n  "domains": ${at(domains, '  ')}`;
  yield out + '\n}\n';
}

/** About how many characters `reachJsonChunks` gathers before it hands them on. */
const CHUNK = 1 << 20;

function connsText(c: Conns): string {
  return c === 'all' ? 'all' : formatConns(c);
}

export function reachCsv(r: ReachListing): string {
  const q = (s: string): string => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['src,dst,conns'];
  for (const e of r.entries) lines.push([e.src.id, e.dst.id, connsText(e.conns.toConns())].map(q).join(','));
  return lines.join('\n') + '\n';
}

export function reachDot(r: ReachListing): string {
  const q = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = ['digraph reachability {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  const byNs = new Map<string, Endpoint[]>();
  for (const e of r.endpoints) {
    const ns =
      e.kind === 'workload' ? e.workload.namespace : e.kind === 'domain' ? '(domain names)' : '(external)';
    byNs.set(ns, [...(byNs.get(ns) ?? []), e]);
  }
  let i = 0;
  for (const [ns, eps] of byNs) {
    lines.push(`  subgraph cluster_${i++} {`, `    label=${q(ns)};`);
    for (const e of eps)
      lines.push(
        `    ${q(e.id)} [label=${q(e.kind === 'workload' ? `${e.workload.name}\n${e.workload.kind}` : e.id)}${e.kind === 'external' ? ', shape=ellipse' : e.kind === 'domain' ? ', shape=note' : ''}];`,
      );
    lines.push('  }');
  }
  for (const e of r.entries)
    lines.push(`  ${q(e.src.id)} -> ${q(e.dst.id)} [label=${q(connsText(e.conns.toConns()))}];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** A person's view: per source namespace and workload, what it can reach and on which ports. */
export function reachTable(
  r: ReachListing,
  engine: PolicyEngine,
  title: string,
  notes: readonly string[] = [],
  port?: ReachQuery['port'],
): string {
  const out: string[] = [];
  const workloads = r.endpoints.filter(
    (e): e is Extract<Endpoint, { kind: 'workload' }> => e.kind === 'workload',
  );
  const externals = r.endpoints.filter((e) => e.kind === 'external');
  const nsCount = new Set(workloads.map((w) => w.workload.namespace)).size;
  out.push(
    `${title}: ${plural(workloads.length, 'workload')} in ${plural(nsCount, 'namespace')}, ${plural(engine.compiled.length, 'NetworkPolicy', 'NetworkPolicies')}`,
  );
  out.push(...notes);
  out.push(
    'Legend: src → dst  ports allowed ("all" = every port of TCP, UDP and SCTP; a-b = inclusive range).',
  );
  out.push(
    '        [in: isolated] / [out: isolated] = some policy selects the workload for ingress / egress; "open" = no policy does.',
  );
  out.push('        External ranges are addresses outside the cluster, cut at every ipBlock boundary.');
  if (r.endpoints.some((e) => e.kind === 'domain'))
    out.push(
      "        Domain names (db.example.com, *.example.com) are the names of domainNames peers, destinations only; enforcement depends on the platform's DNS-aware support.",
    );
  const bySrc = new Map<string, ReachEntry[]>();
  for (const e of r.entries) bySrc.set(e.src.id, [...(bySrc.get(e.src.id) ?? []), e]);
  const pad = (rows: Array<[string, string]>): string[] => {
    const w = Math.max(0, ...rows.map((x) => x[0].length));
    return rows.map(([a, b]) => `    → ${a.padEnd(w)}  ${b}`);
  };
  let ns: string | undefined;
  // the sources the query lists (`--from`: one), not every workload of the header
  const listed = new Set((r.sources ?? r.endpoints).map((e) => e.id));
  const destinations = r.destinations ?? r.endpoints;
  for (const src of workloads) {
    if (!listed.has(src.id)) continue;
    const rows = (bySrc.get(src.id) ?? []).map((e): [string, string] => [
      e.dst.id,
      connsText(e.conns.toConns()),
    ]);
    const why = rows.length ? undefined : emptyRowReason(engine, src, destinations, port);
    // a source whose only destination is itself (`--to` it) has no row to show
    if (why && why.egress.length + why.ingress.length + why.ports.length === 0) continue;
    if (src.workload.namespace !== ns) {
      ns = src.workload.namespace;
      out.push('', `namespace ${ns}`);
    }
    const iso = engine.isolation(src.workload);
    out.push(
      `  ${src.workload.name}[${src.workload.kind}]  in: ${iso.ingress.length ? 'isolated' : 'open'}, out: ${iso.egress.length ? 'isolated' : 'open'}`,
    );
    out.push(...(why ? [`    → (${nothingText(engine, src, why)})`] : pad(rows)));
  }
  const extRows = externals.flatMap((x) => bySrc.get(x.id) ?? []);
  if (extRows.length) {
    out.push('', 'from outside the cluster');
    const byExt = new Map<string, ReachEntry[]>();
    for (const e of extRows) byExt.set(e.src.id, [...(byExt.get(e.src.id) ?? []), e]);
    for (const [id, es] of byExt) {
      out.push(`  ${id}`);
      out.push(...pad(es.map((e): [string, string] => [e.dst.id, connsText(e.conns.toConns())])));
    }
  }
  return out.join('\n') + '\n';
}

/**
 * Why a source's row of the table is empty, in words that are true of the listing's destinations:
 * its egress isolation (naming the policies), their ingress isolation (naming the policies for
 * one destination), or no port in common; mixed reasons are counted.
 */
function nothingText(
  engine: PolicyEngine,
  src: Extract<Endpoint, { kind: 'workload' }>,
  why: EmptyRowReason,
): string {
  const n = why.egress.length + why.ingress.length + why.ports.length;
  const egressIso = engine.isolation(src.workload).egress.map((p) => p.id);
  const egressBy = `its egress isolation (${egressIso.join(', ')})`;
  const ingressOf = (dst: Endpoint): string =>
    dst.kind === 'workload'
      ? engine
          .isolation(dst.workload)
          .ingress.map((p) => p.id)
          .join(', ')
      : '';
  const count = (list: readonly Endpoint[]): string =>
    list.length === 1 ? (list[0] as Endpoint).id : plural(list.length, 'destination');
  if (why.egress.length === n)
    return `nothing: ${egressBy} allows none of ${n === 1 ? (why.egress[0] as Endpoint).id : `the ${n} destinations`}`;
  if (why.ingress.length === n) {
    if (n === 1) {
      const dst = why.ingress[0] as Endpoint;
      return `nothing: denied by ${dst.id}'s ingress isolation (${ingressOf(dst)})`;
    }
    const policies = [...new Set(why.ingress.flatMap((d) => ingressOf(d).split(', ')))].sort();
    return `nothing: ${egressIso.length ? 'its egress allows them' : 'its egress is open'}, but the ingress isolation of ${n === 2 ? 'both destinations' : `all ${n} destinations`} (${listText(policies, 3)}) denies it`;
  }
  if (why.ports.length === n && n === 1) {
    const dst = why.ports[0] as Endpoint;
    const p = engine.pair(src, dst);
    return `nothing: its egress allows ${portsWords(p.egress.set)} to ${dst.id}, whose ingress isolation (${ingressOf(dst)}) admits ${portsWords(p.ingress.set)} from it: no port in common`;
  }
  const parts: string[] = [];
  if (why.egress.length) parts.push(`${egressBy} denies ${count(why.egress)}`);
  if (why.ingress.length)
    parts.push(
      why.ingress.length === 1
        ? `${(why.ingress[0] as Endpoint).id}'s ingress isolation (${ingressOf(why.ingress[0] as Endpoint)}) denies it`
        : `the ingress isolation of ${count(why.ingress)} denies it`,
    );
  if (why.ports.length)
    parts.push(
      `${count(why.ports)} ${why.ports.length === 1 ? 'admits' : 'admit'} other ports than its egress allows`,
    );
  return `nothing: ${parts.join('; ')}`;
}

function portsWords(set: ConnectionSet): string {
  return set.isAll ? 'every port' : formatConns(set.toConns());
}

/** What `reachSummary` lists: the same query as the other formats (`--from`, `--to`, `--port`, externals). */
export interface SummaryQuery {
  readonly from?: string;
  readonly to?: string;
  readonly port?: ReachQuery['port'];
  /** External ranges cut per direction (as `reach` lists them), or none. */
  readonly externals: boolean;
}

/** A set of endpoints listed together: workloads of one namespace and one class, or external ranges with identical access. */
interface Group {
  readonly ns: string;
  /** The namespace's number (workloads' groups: `nsNumbers`), -1 outside the cluster and for domain names. */
  readonly no: number;
  /** Local class number (ClassPairs) of every member. */
  readonly ci: number;
  readonly members: Endpoint[];
  readonly names: string[];
}

const OUTSIDE = 'outside the cluster';
const DOMAINS = 'domain names';

/**
 * A listing a person reads (`reach --format summary`), computed on classes of workloads that no
 * policy tells apart: per source namespace, the destination namespaces where every pair is
 * allowed (or none is) on one line each, and for the others which workloads reach which, on which
 * ports. External ranges with identical access are one group. A workload's traffic to itself is
 * always allowed and never listed.
 */
export function reachSummary(
  engine: PolicyEngine,
  q: SummaryQuery,
  title: string,
  notes: readonly string[] = [],
): string {
  const pairs = new ClassPairs(engine, q.port);
  const workloads = engine.workloadEndpoints();
  const srcW = q.from ? workloads.filter((e) => e.id === q.from) : workloads;
  const dstW = q.to ? workloads.filter((e) => e.id === q.to) : workloads;
  const srcX = q.externals
    ? engine.directionalExternals('ingress').filter((e) => !q.from || e.id === q.from)
    : [];
  const dstX = q.externals ? engine.directionalExternals('egress').filter((e) => !q.to || e.id === q.to) : [];
  // domain names (destinations only) are listed with the external ranges, one line per name
  const dstD = q.externals ? engine.domainEndpoints().filter((e) => !q.to || e.id === q.to) : [];
  // namespaces by number, for the counts of workload pairs per namespace pair
  const nsNumbers = new Map<string, number>();
  const wGroups = (eps: readonly Endpoint[]): Group[] => {
    const by = new Map<string, Group>();
    const out: Group[] = [];
    for (const e of eps) {
      if (e.kind !== 'workload') continue;
      const ci = pairs.ix(e);
      const key = `${e.workload.namespace}\u0000${ci}`;
      let g = by.get(key);
      if (!g) {
        const ns = e.workload.namespace;
        let no = nsNumbers.get(ns);
        if (no === undefined) nsNumbers.set(ns, (no = nsNumbers.size));
        g = { ns, no, ci, members: [], names: [] };
        by.set(key, g);
        out.push(g);
      }
      g.members.push(e);
      g.names.push(`${e.workload.name}[${e.workload.kind}]`);
    }
    return out;
  };
  const srcGroups = wGroups(srcW);
  const dstGroups = wGroups(dstW);
  const keyCache = new Map<ConnectionSet, string>();
  const keyOf = (c: ConnectionSet): string => {
    let k = keyCache.get(c);
    if (k === undefined) {
      k = c.isEmpty ? '' : connsWords(c.toConns());
      keyCache.set(c, k);
    }
    return k;
  };
  // external ranges with identical access (towards every destination group / from every source group) are one group
  const xGroups = (xs: readonly Endpoint[], other: readonly Group[], asSource: boolean): Group[] => {
    const by = new Map<string, Group>();
    const out: Group[] = [];
    for (const x of xs) {
      const xi = pairs.ix(x);
      const key = other
        .map((g) => keyOf(asSource ? pairs.between(xi, g.ci) : pairs.between(g.ci, xi)))
        .join('\u0000');
      let g = by.get(key);
      if (!g) {
        g = { ns: OUTSIDE, no: -1, ci: xi, members: [], names: [] };
        by.set(key, g);
        out.push(g);
      }
      g.members.push(x);
      g.names.push(x.id);
    }
    return out;
  };
  const allSrc = [...srcGroups, ...xGroups(srcX, dstGroups, true)];
  const allDst = [
    ...dstGroups,
    ...xGroups(dstX, srcGroups, false),
    ...dstD.map((e): Group => ({ ns: DOMAINS, no: -1, ci: pairs.ix(e), members: [e], names: [e.id] })),
  ];
  const byNs = (gs: Group[]): Map<string, Group[]> => {
    const m = new Map<string, Group[]>();
    for (const g of gs) m.set(g.ns, [...(m.get(g.ns) ?? []), g]);
    return m;
  };
  const srcNs = byNs(allSrc);
  const dstNs = byNs(allDst);
  const nsMembers = new Map<string, Endpoint[]>();
  for (const e of workloads)
    if (e.kind === 'workload')
      nsMembers.set(e.workload.namespace, [...(nsMembers.get(e.workload.namespace) ?? []), e]);
  const nsSize = new Map([...nsMembers].map(([ns, l]) => [ns, l.length]));
  const full = (c: ConnectionSet): boolean => (q.port ? !c.isEmpty : c.isAll);
  const fullKey = keyOf(
    q.port ? ConnectionSet.ALL.restrict(q.port.protocol, q.port.port) : ConnectionSet.ALL,
  );
  const namesOf = (gs: readonly Group[], ns: string, total: number): string => {
    if (ns === OUTSIDE) return mergedRanges(gs.flatMap((g) => g.members)).join(', ');
    if (ns === DOMAINS) return gs.flatMap((g) => g.names).join(', ');
    const names = gs.flatMap((g) => g.names);
    if (names.length > 1 && names.length === total) return `every workload (${names.length})`;
    if (names.length > 4 && total - names.length <= 2) {
      const listed = new Set(gs.flatMap((g) => g.members));
      const others = (nsMembers.get(ns) ?? [])
        .filter((e) => !listed.has(e))
        .map((e) => (e.kind === 'workload' ? `${e.workload.name}[${e.workload.kind}]` : e.id));
      return `every workload (${total}) but ${others.join(', ')}`;
    }
    return names.join(', ');
  };

  const out: string[] = [];
  const wlCount = workloads.length;
  out.push(
    `${title}: ${plural(wlCount, 'workload')} in ${plural(nsSize.size, 'namespace')}, ${plural(engine.compiled.length, 'NetworkPolicy', 'NetworkPolicies')}; ${plural(engine.classes().classes.length, 'class', 'classes')} of workloads that no policy tells apart`,
  );
  out.push(...notes);
  out.push(
    'Legend: "a → b: everything allowed / nothing allowed" = every pair of workloads from namespace a to namespace b.',
  );
  out.push(
    '        Otherwise one line per set of workloads: "sources → destinations: ports"; pairs not listed are denied.',
  );
  out.push(
    '        "all ports" = every port of TCP, UDP and SCTP; a-b = an inclusive range. Traffic to itself is always allowed and not listed.',
  );
  out.push(
    `        "${OUTSIDE}" = addresses outside the cluster, cut at the ipBlock boundaries; ranges with the same access are one line.`,
  );
  if (dstD.length)
    out.push(
      `        "${DOMAINS}" = the names of domainNames peers (destinations only); whether they are enforced depends on the platform's DNS-aware support.`,
    );
  // namespaces, then outside the cluster, then domain names
  const rank = (a: string): number => (a === DOMAINS ? 2 : a === OUTSIDE ? 1 : 0);
  const order = (a: string, b: string): number => rank(a) - rank(b) || cmp(a, b);
  const srcOrder = [...srcNs.keys()].sort(order);
  const dstOrder = [...dstNs.keys()].sort(order);
  /** Every pair of one namespace pair, source group by source group: counts and the lines. */
  const detailOf = (sgs: readonly Group[], dgs: readonly Group[]) => {
    const dPos = new Map(dgs.map((g, i) => [g, i]));
    let pairsSeen = 0;
    let nFull = 0;
    let nEmpty = 0;
    const lines = new Map<string, { srcs: Group[]; targets: Array<[string, Group[]]> }>();
    for (const sg of sgs) {
      const byConns = new Map<string, Group[]>();
      let selfOnly: Group | undefined;
      for (const dg of dgs) {
        // a workload's traffic to itself is not a pair (members of one class in one namespace)
        const self =
          sg.ci === dg.ci && sg.ns === dg.ns ? sg.members.filter((m) => dg.members.includes(m)).length : 0;
        const n = sg.members.length * dg.members.length - self;
        if (n === 0) {
          selfOnly = dg;
          continue;
        }
        pairsSeen += n;
        const c = pairs.between(sg.ci, dg.ci);
        if (c.isEmpty) {
          nEmpty += n;
          continue;
        }
        if (full(c)) nFull += n;
        const k = keyOf(c);
        const l = byConns.get(k);
        if (l) l.push(dg);
        else byConns.set(k, [dg]);
      }
      // a workload alone in its class reaches itself on every port: listed with the destinations
      // reached on every port, so that "every workload" reads true
      const fullSet = byConns.get(fullKey);
      if (selfOnly && fullSet) {
        fullSet.push(selfOnly);
        fullSet.sort((a, b) => (dPos.get(a) ?? 0) - (dPos.get(b) ?? 0));
      }
      if (byConns.size === 0) continue;
      const targets = [...byConns];
      const key = targets
        .map(([k, gs]) => `${k}\u0000${gs.map((g) => `${g.ns}/${g.ci}`).join(',')}`)
        .join('\u0001');
      const l = lines.get(key);
      if (l) l.srcs.push(sg);
      else lines.set(key, { srcs: [sg], targets });
    }
    return { pairsSeen, nFull, nEmpty, lines };
  };
  const counts = workloadPairCounts(engine, pairs, srcGroups, dstGroups, full, nsNumbers.size);
  for (const s of srcOrder) {
    const sgs = srcNs.get(s) as Group[];
    const allowed: string[] = [];
    const denied: string[] = [];
    const detail: string[] = [];
    for (const d of dstOrder) {
      if (s === OUTSIDE && (d === OUTSIDE || d === DOMAINS)) continue;
      const dgs = dstNs.get(d) as Group[];
      // between workloads, the counts first (class by class, skipping pairs no rule allows); every
      // pair only where the namespace pair is neither all allowed nor all denied
      // (the counts read the NetworkPolicies only: with cluster-wide policies, every pair)
      const fast =
        s !== OUTSIDE && d !== OUTSIDE && d !== DOMAINS && !engine.hasTiers
          ? counts.get(s, d, sgs, dgs)
          : undefined;
      if (fast && fast.total === 0) continue;
      if (fast && fast.nonEmpty === 0) {
        denied.push(d);
        continue;
      }
      if (fast && fast.full === fast.total) {
        allowed.push(d);
        continue;
      }
      const { pairsSeen, nFull, nEmpty, lines } = detailOf(sgs, dgs);
      if (pairsSeen === 0) continue;
      if (nFull === pairsSeen) allowed.push(d);
      else if (nEmpty === pairsSeen) denied.push(d);
      else {
        detail.push(`  ${s} → ${d}:`);
        for (const { srcs, targets } of lines.values()) {
          const from = namesOf(srcs, s, nsSize.get(s) ?? 0);
          for (const [k, gs] of targets)
            detail.push(`    ${from} → ${namesOf(gs, d, nsSize.get(d) ?? 0)}: ${k}`);
        }
      }
    }
    out.push('', `from ${s === OUTSIDE ? OUTSIDE : `namespace ${s}`}`);
    const what = q.port ? `${q.port.port}/${q.port.protocol}` : 'everything';
    if (allowed.length) out.push(`  ${s} → ${allowed.join(', ')}: ${what} allowed`);
    if (denied.length) out.push(`  ${s} → ${denied.join(', ')}: nothing allowed`);
    out.push(...detail);
  }
  return out.join('\n') + '\n';
}

/** Connections in words: "all ports", or per protocol its ports ("TCP 80, 443 and 9100-9110; UDP 53"). */
export function connsWords(c: Conns): string {
  if (c === 'all') return 'all ports';
  const parts: string[] = [];
  for (const p of ['TCP', 'UDP', 'SCTP'] as const) {
    const r = c[p];
    if (!r || r.length === 0) continue;
    if (r.length === 1 && r[0]?.[0] === 1 && r[0]?.[1] === 65535) {
      parts.push(`every ${p} port`);
      continue;
    }
    const items = r.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`));
    parts.push(
      `${p} ${items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items[items.length - 1] as string}` : (items[0] as string)}`,
    );
  }
  return parts.length ? parts.join('; ') : 'nothing';
}

/** External ranges, adjacent ones merged, in address order. */
function mergedRanges(eps: readonly Endpoint[]): string[] {
  const ranges = eps
    .flatMap((e) => (e.kind === 'external' ? [e.range] : []))
    .sort((a, b) => a.family - b.family || (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: IpRange[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && last.family === r.family && last.hi + 1n >= r.lo)
      out[out.length - 1] = { ...last, hi: r.hi > last.hi ? r.hi : last.hi };
    else out.push(r);
  }
  return out.map(formatRange);
}

/**
 * Per namespace pair, the number of workload pairs allowed something and allowed everything,
 * without visiting pairs that no rule can allow: a source isolated for egress reaches only the
 * destinations some egress rule of its policies matches; an egress-open source reaches every
 * ingress-open destination fully, and of the ingress-isolated ones only those whose ingress rules
 * match it. Totals exclude a workload's traffic to itself.
 */
function workloadPairCounts(
  engine: PolicyEngine,
  pairs: ClassPairs,
  srcGroups: readonly Group[],
  dstGroups: readonly Group[],
  full: (c: ConnectionSet) => boolean,
  nsCount: number,
): {
  get(
    s: string,
    d: string,
    sgs: readonly Group[],
    dgs: readonly Group[],
  ): { total: number; nonEmpty: number; full: number };
} {
  // counts per namespace pair, by the namespaces' numbers (Group.no), in flat arrays
  const nonEmpty = new Float64Array(nsCount * nsCount);
  const fullN = new Float64Array(nsCount * nsCount);
  const dstByKey = new Map(dstGroups.map((g) => [`${g.ns}\u0000${g.ci}`, g]));
  const overlap = (sg: Group, dg: Group): number => {
    if (sg.ci !== dg.ci || sg.no !== dg.no) return 0;
    const set = new Set(dg.members);
    return sg.members.filter((m) => set.has(m)).length;
  };
  const add = (sg: Group, dg: Group, c: ConnectionSet): void => {
    if (c.isEmpty) return;
    const n = sg.members.length * dg.members.length - overlap(sg, dg);
    if (n === 0) return;
    const k = sg.no * nsCount + dg.no;
    nonEmpty[k] = (nonEmpty[k] as number) + n;
    if (full(c)) fullN[k] = (fullN[k] as number) + n;
  };
  const isoOf = (g: Group): { ingress: readonly CompiledPolicy[]; egress: readonly CompiledPolicy[] } => {
    const e = g.members[0];
    return e && e.kind === 'workload' ? engine.isolation(e.workload) : { ingress: [], egress: [] };
  };
  // which groups a rule matches, by endpoint position
  const groupsMatched = (groups: readonly Group[]) => {
    const byIx = new Map<number, Group>();
    for (const g of groups) for (const e of g.members) if (e.ix !== undefined) byIx.set(e.ix, g);
    // the same entries as arrays (walked once per rule of every isolating list)
    const ixs = Int32Array.from(byIx.keys());
    const ixGroups = [...byIx.values()];
    const cache = new Map<CompiledPolicy[] | readonly CompiledPolicy[], Set<Group>>();
    return (policies: readonly CompiledPolicy[], dir: 'ingress' | 'egress'): Set<Group> => {
      let out = cache.get(policies);
      if (out) return out;
      out = new Set();
      for (const p of policies) {
        for (const r of p[dir]) {
          if (r.peers === 'all') {
            for (const g of groups) out.add(g);
            continue;
          }
          const arr = engine.ruleMatchVector(r, p.namespace);
          for (let k = 0; k < ixs.length; k++) if (arr[ixs[k] as number] !== 0) out.add(ixGroups[k] as Group);
        }
      }
      cache.set(policies, out);
      return out;
    };
  };
  const dstMatched = groupsMatched(dstGroups);
  const srcMatched = groupsMatched(srcGroups);
  // ingress-open destinations per namespace; ingress-isolated ones by their policies
  const openMembers = new Map<number, number>();
  const byIngress = new Map<readonly CompiledPolicy[], Group[]>();
  for (const dg of dstGroups) {
    const l = isoOf(dg).ingress;
    if (l.length === 0) openMembers.set(dg.no, (openMembers.get(dg.no) ?? 0) + dg.members.length);
    else {
      const gs = byIngress.get(l);
      if (gs) gs.push(dg);
      else byIngress.set(l, [dg]);
    }
  }
  const admits = new Map<Group, Array<readonly CompiledPolicy[]>>();
  for (const l of byIngress.keys()) {
    for (const sg of srcMatched(l, 'ingress')) {
      const ls = admits.get(sg);
      if (ls) ls.push(l);
      else admits.set(sg, [l]);
    }
  }
  for (const sg of srcGroups) {
    const e = isoOf(sg).egress;
    if (e.length > 0) {
      for (const dg of dstMatched(e, 'egress')) add(sg, dg, pairs.between(sg.ci, dg.ci));
      continue;
    }
    const own = dstByKey.get(`${sg.ns}\u0000${sg.ci}`);
    for (const [no, n] of openMembers) {
      const self = no === sg.no && own && isoOf(own).ingress.length === 0 ? overlap(sg, own) : 0;
      const m = sg.members.length * n - self;
      if (m === 0) continue;
      const k = sg.no * nsCount + no;
      nonEmpty[k] = (nonEmpty[k] as number) + m;
      fullN[k] = (fullN[k] as number) + m;
    }
    for (const l of admits.get(sg) ?? [])
      for (const dg of byIngress.get(l) ?? []) add(sg, dg, pairs.between(sg.ci, dg.ci));
  }
  // members per list of groups (one list per namespace, asked for every namespace pair)
  const memberCounts = new Map<readonly Group[], number>();
  const membersOf = (gs: readonly Group[]): number => {
    let n = memberCounts.get(gs);
    if (n === undefined) {
      n = gs.reduce((k, g) => k + g.members.length, 0);
      memberCounts.set(gs, n);
    }
    return n;
  };
  return {
    get(s, d, sgs, dgs) {
      const ns = membersOf(sgs);
      const nd = membersOf(dgs);
      let self = 0;
      if (s === d) for (const sg of sgs) for (const dg of dgs) self += overlap(sg, dg);
      const k = (sgs[0] as Group).no * nsCount + (dgs[0] as Group).no;
      return { total: ns * nd - self, nonEmpty: nonEmpty[k] as number, full: fullN[k] as number };
    },
  };
}
