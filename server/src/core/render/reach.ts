/** Renderers of the reachability listing: json (contracts.md), table (for people), csv and dot. */
import { plural } from '../text/words';
import type { Endpoint } from '../semantics/compile';
import type { ReachEntry } from '../semantics/matrix';
import { formatConns, type Conns } from '../semantics/port-set';
import type { PolicyEngine } from '../semantics/engine';

export interface ReachListing {
  readonly endpoints: readonly Endpoint[];
  readonly entries: readonly ReachEntry[];
}

export function reachJson(r: ReachListing): string {
  const workloads = r.endpoints.flatMap((e) =>
    e.kind === 'workload' ? [{ id: e.id, namespace: e.workload.namespace, name: e.workload.name, kind: e.workload.kind }] : []);
  const connections = r.entries.map((e) => ({ src: e.src.id, dst: e.dst.id, conns: e.conns.toConns() }));
  return JSON.stringify({ version: 1, workloads, connections }, null, 2) + '\n';
}

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
    const ns = e.kind === 'workload' ? e.workload.namespace : '(external)';
    byNs.set(ns, [...(byNs.get(ns) ?? []), e]);
  }
  let i = 0;
  for (const [ns, eps] of byNs) {
    lines.push(`  subgraph cluster_${i++} {`, `    label=${q(ns)};`);
    for (const e of eps) lines.push(`    ${q(e.id)} [label=${q(e.kind === 'workload' ? `${e.workload.name}\n${e.workload.kind}` : e.id)}${e.kind === 'external' ? ', shape=ellipse' : ''}];`);
    lines.push('  }');
  }
  for (const e of r.entries) lines.push(`  ${q(e.src.id)} -> ${q(e.dst.id)} [label=${q(connsText(e.conns.toConns()))}];`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** A person's view: per source namespace and workload, what it can reach and on which ports. */
export function reachTable(r: ReachListing, engine: PolicyEngine, title: string, notes: readonly string[] = []): string {
  const out: string[] = [];
  const workloads = r.endpoints.filter((e): e is Extract<Endpoint, { kind: 'workload' }> => e.kind === 'workload');
  const externals = r.endpoints.filter((e) => e.kind === 'external');
  const nsCount = new Set(workloads.map((w) => w.workload.namespace)).size;
  out.push(`${title}: ${plural(workloads.length, 'workload')} in ${plural(nsCount, 'namespace')}, ${plural(engine.compiled.length, 'NetworkPolicy', 'NetworkPolicies')}`);
  out.push(...notes);
  out.push('Legend: src → dst  ports allowed ("all" = every port of TCP, UDP and SCTP; a-b = inclusive range).');
  out.push('        [in: isolated] / [out: isolated] = some policy selects the workload for ingress / egress; "open" = no policy does.');
  out.push('        External ranges are addresses outside the cluster, cut at every ipBlock boundary.');
  const bySrc = new Map<string, ReachEntry[]>();
  for (const e of r.entries) bySrc.set(e.src.id, [...(bySrc.get(e.src.id) ?? []), e]);
  const pad = (rows: Array<[string, string]>): string[] => {
    const w = Math.max(0, ...rows.map((x) => x[0].length));
    return rows.map(([a, b]) => `    → ${a.padEnd(w)}  ${b}`);
  };
  let ns: string | undefined;
  for (const src of workloads) {
    if (src.workload.namespace !== ns) {
      ns = src.workload.namespace;
      out.push('', `namespace ${ns}`);
    }
    const iso = engine.isolation(src.workload);
    out.push(`  ${src.workload.name}[${src.workload.kind}]  in: ${iso.ingress.length ? 'isolated' : 'open'}, out: ${iso.egress.length ? 'isolated' : 'open'}`);
    const rows = (bySrc.get(src.id) ?? []).map((e): [string, string] => [e.dst.id, connsText(e.conns.toConns())]);
    out.push(...(rows.length ? pad(rows) : ['    → (nothing: every outgoing connection is denied)']));
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
