/**
 * Equivalence classes of workloads (issue 9): two workloads are in one class when no compiled
 * policy can tell them apart, so that the matrix is computed once per pair of classes and expanded
 * to workload pairs only where a listing needs them.
 *
 * A pair's verdict (`PolicyEngine.pair`) reads, of the source: the policies isolating its egress,
 * and whether each rule's peers match it (ingress rules of the destination's policies); of the
 * destination: the policies isolating its ingress, whether each rule's peers match it (egress rules
 * of the source's policies), and its named ports (resolved by both sides' port entries). The
 * signature of a workload is exactly that, read from the compiled policies:
 *   - its isolating policies per direction (the interned lists of `PolicySelection.isolation`);
 *   - per rule with peers, whether the rule matches it, and whether only through a pod IP (ipBlock),
 *     with the address families of the IPs it matched;
 *   - the address families of its known IPs, of those some ipBlock matched a pod by (a connection
 *     uses one family end to end, so they decide which addresses count: ARCHITECTURE.md);
 *   - per named port that some rule names (name and protocol), the numbers it resolves to on it.
 * Split by role (`WorkloadClasses.sources`): as a source, its egress isolation and the ingress
 * rules' matches; as a destination, its ingress isolation, the egress rules' matches and the named
 * ports of the rules that can allow it something (its ingress policies' rules, the egress rules
 * that match it or every destination); both: the families and the cluster-wide policies.
 * Workloads with equal signatures are interchangeable in every rule, on either side of a pair, so
 * the verdict between two distinct members of one class is the class's own pair `(rep, rep)`.
 * External ranges are singletons (they are already cut so that no two behave alike).
 */
import type { Workload } from '../index/workspace-index';
import { normProtocol } from '../model/lower';
import {
  endpointFamilies,
  peerMatches,
  type CompiledPolicy,
  type CompiledRule,
  type Endpoint,
} from './compile';
import type { PolicySelection } from './selection';
import { tierRuleMatches } from './tiers';

export interface WorkloadClass {
  /** Position in `WorkloadClasses.classes`. */
  readonly ix: number;
  /** Members in id order; the first is the representative. */
  readonly members: readonly Workload[];
  /**
   * Its source class and its destination class (numbers from 0; -1 for a workload of another
   * snapshot): see `WorkloadClasses.sources`.
   */
  readonly source: number;
  readonly destination: number;
}

export interface WorkloadClasses {
  readonly classes: readonly WorkloadClass[];
  /**
   * The number of source classes and of destination classes. Two workloads are in one source
   * class when every policy's egress side (their egress isolation) and every ingress rule's peers
   * treat them alike, so that they are interchangeable as the source of every pair; likewise one
   * destination class (ingress isolation, egress rules' peers, named ports). A class is one source
   * class and one destination class: the pair of two classes is that of their roles.
   */
  readonly sources: number;
  readonly destinations: number;
  /** The class of a workload, by id. */
  classOf(w: Workload): WorkloadClass;
}

/** Group the workloads of the snapshot into classes no policy tells apart (see the module comment). */
export function workloadClasses(workloads: readonly Workload[], selection: PolicySelection): WorkloadClasses {
  const n = workloads.length;
  const pos = new Map<Workload, number>();
  workloads.forEach((w, i) => pos.set(w, i));
  // what the policies read of each workload as a source (src) and as a destination (dst)
  const src: string[][] = workloads.map(() => []);
  const dst: string[][] = workloads.map(() => []);

  // isolation lists (interned: equal lists are one array)
  const listIds = new Map<readonly CompiledPolicy[], number>();
  const listId = (l: readonly CompiledPolicy[]): number => {
    let id = listIds.get(l);
    if (id === undefined) {
      id = listIds.size;
      listIds.set(l, id);
    }
    return id;
  };
  workloads.forEach((w, i) => {
    const iso = selection.isolation(w);
    src[i]?.push(`e${listId(iso.egress)}`);
    dst[i]?.push(`i${listId(iso.ingress)}`);
  });

  // rule matches, rule by rule over the namespaces a peer can match
  const byNs = new Map<string, Workload[]>();
  for (const w of workloads) {
    const l = byNs.get(w.namespace);
    if (l) l.push(w);
    else byNs.set(w.namespace, [w]);
  }
  const withIps = workloads.filter((w) => w.ips.length > 0);
  const nsMatch = new Map<unknown, Map<string, boolean>>();
  const namedPorts = new Set<string>();
  /** Per workload, the named ports (`name/protocol`) of the rules that decide its ingress or reach it by egress. */
  const dstNamed: Array<Set<string> | undefined> = [];
  /** Those of egress rules to every destination. */
  const everyDstNamed = new Set<string>();
  const addNamed = (i: number, names: readonly string[]): void => {
    if (names.length === 0) return;
    let set = dstNamed[i];
    if (!set) dstNamed[i] = set = new Set();
    for (const x of names) set.add(x);
  };
  const tierNamed = new Set<string>();
  let ruleNo = 0;
  /** The families of every pod IP some ipBlock matched. */
  let ipFamilies = 0;
  const val = new Uint8Array(n);
  const touched: number[] = [];
  // an ingress rule's peers are sources, an egress rule's destinations
  const visit = (p: CompiledPolicy, r: CompiledRule, parts: string[][]): void => {
    const names = ruleNamedPorts(r);
    for (const x of names) namedPorts.add(x);
    const k = ruleNo++;
    if (r.peers === 'all') {
      if (parts === dst) for (const x of names) everyDstNamed.add(x);
      return;
    }
    // 1: matched by a selector; else the families of the pod IPs an ipBlock matched, shifted by one
    const mark = (w: Workload, v: number): void => {
      const i = pos.get(w) as number;
      if (val[i] === 0) touched.push(i);
      if (val[i] !== 1) val[i] = v === 1 ? 1 : (val[i] as number) | v;
    };
    for (const pm of r.peers) {
      // domain names match no workload (ApplicationNetworkPolicy peers)
      if (pm.kind === 'none' || pm.kind === 'domains') continue;
      if (pm.kind === 'ipBlock') {
        for (const w of withIps) {
          const m = peerMatches(pm, p.namespace, { kind: 'workload', id: w.id, workload: w }, selection);
          if (m.match) {
            ipFamilies |= m.families ?? 0;
            mark(w, m.viaIp ? (m.families ?? 0) << 1 : 1);
          }
        }
        continue;
      }
      let nss: Iterable<string>;
      if (pm.namespaces === 'own') nss = [p.namespace];
      else {
        const sel = pm.namespaces;
        let cache = nsMatch.get(sel);
        if (!cache) {
          cache = new Map();
          nsMatch.set(sel, cache);
        }
        const out: string[] = [];
        for (const ns of byNs.keys()) {
          let ok = cache.get(ns);
          if (ok === undefined) {
            ok = sel.matches(selection.namespaceLabels(ns));
            cache.set(ns, ok);
          }
          if (ok) out.push(ns);
        }
        nss = out;
      }
      for (const ns of nss) for (const w of byNs.get(ns) ?? []) if (pm.pods.matches(w.labels)) mark(w, 1);
    }
    for (const i of touched) {
      parts[i]?.push(`${k}${val[i] === 1 ? '' : `~${val[i]}`}`);
      val[i] = 0;
      if (parts === dst) addNamed(i, names);
    }
    touched.length = 0;
  };
  for (const p of selection.compiled) {
    for (const r of p.ingress) visit(p, r, src);
    for (const r of p.egress) visit(p, r, dst);
  }
  // (below: what both roles read, in both)
  const both = (i: number, part: string): void => {
    src[i]?.push(part);
    dst[i]?.push(part);
  };

  // cluster-wide policies: which select the workload, and which of their rules' peers match it
  const tiers = selection.tiers;
  tiers.compiled.forEach((p, k) => {
    workloads.forEach((w, i) => {
      if (tiers.selects(p, w)) both(i, `T${k}`);
    });
    for (const r of [...p.ingress, ...p.egress]) {
      const kr = ruleNo++;
      for (const pe of r.ports ?? []) if (pe.kind === 'named') tierNamed.add(pe.name);
      if (r.peers === 'all') continue;
      workloads.forEach((w, i) => {
        const ep: Endpoint = { kind: 'workload', id: w.id, workload: w };
        // by family where networks match pod IPs
        const m = [1, 2, 3].map((f) => (tierRuleMatches(r, ep, selection, f) ? 1 : 0)).join('');
        if (m !== '000') both(i, `${kr}t${m}`);
      });
    }
  });
  if (tiers.compiled.length > 0)
    workloads.forEach((w, i) =>
      both(i, `h${w.hostNetwork ? 1 : 0}f${endpointFamilies({ kind: 'workload', id: w.id, workload: w })}`),
    );
  if (tierNamed.size > 0)
    workloads.forEach((w, i) => {
      const own = w.ports
        .filter((cp) => cp.name !== undefined && tierNamed.has(cp.name))
        .map((cp) => `${cp.name}/${cp.protocol}=${cp.port}`)
        .sort();
      if (own.length > 0) both(i, `P${own.join(',')}`);
    });

  // the families of the known IPs, of those some ipBlock matched a pod by (the others change no match)
  if (ipFamilies)
    workloads.forEach((w, i) =>
      both(i, `f${endpointFamilies({ kind: 'workload', id: w.id, workload: w }) & ipFamilies}`),
    );

  // named ports some rule names, as resolved on each workload: in the class, every such name; as
  // a destination, those of the rules that can allow it something (its ingress policies' rules,
  // the egress rules that reach it), the only ones resolved on it
  const full: string[] = workloads.map(() => '');
  if (namedPorts.size > 0) {
    workloads.forEach((w, i) => {
      const named = w.ports.filter(
        (cp) => cp.name !== undefined && namedPorts.has(`${cp.name}/${cp.protocol}`),
      );
      if (named.length === 0) return;
      full[i] = named
        .map((cp) => `${cp.name}/${cp.protocol}=${cp.port}`)
        .sort()
        .join(',');
      for (const p of selection.isolation(w).ingress)
        for (const r of p.ingress) addNamed(i, ruleNamedPorts(r));
      const own = dstNamed[i];
      const read = named
        .filter(
          (cp) => everyDstNamed.has(`${cp.name}/${cp.protocol}`) || own?.has(`${cp.name}/${cp.protocol}`),
        )
        .map((cp) => `${cp.name}/${cp.protocol}=${cp.port}`)
        .sort();
      if (read.length > 0) dst[i]?.push(`p${read.join(',')}`);
    });
  }

  // role classes by signature, numbered in workload order; a class is a pair of them
  const numbering = (parts: string[][]): { of: Int32Array; count: number } => {
    const ids = new Map<string, number>();
    const of = new Int32Array(n);
    parts.forEach((p, i) => {
      const key = p.join(' ');
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      of[i] = id;
    });
    return { of, count: ids.size };
  };
  const sources = numbering(src);
  const destinations = numbering(dst);
  const byKey = new Map<string, Workload[]>();
  workloads.forEach((w, i) => {
    // the roles, and every named port a rule names (a class is what no policy tells apart)
    const key = `${sources.of[i] as number} ${destinations.of[i] as number} ${full[i] as string}`;
    const l = byKey.get(key);
    if (l) l.push(w);
    else byKey.set(key, [w]);
  });
  const classes: WorkloadClass[] = [];
  const of = new Map<Workload, WorkloadClass>();
  for (const members of byKey.values()) {
    const i = pos.get(members[0] as Workload) as number;
    const c: WorkloadClass = {
      ix: classes.length,
      members,
      source: sources.of[i] as number,
      destination: destinations.of[i] as number,
    };
    classes.push(c);
    for (const w of members) of.set(w, c);
  }
  return {
    classes,
    sources: sources.count,
    destinations: destinations.count,
    classOf(w: Workload): WorkloadClass {
      const c = of.get(w);
      if (c) return c;
      // a workload object of another snapshot: its own class
      const own: WorkloadClass = { ix: -1, members: [w], source: -1, destination: -1 };
      return own;
    },
  };
}

/** A rule's named ports, `name/protocol`. */
function ruleNamedPorts(r: CompiledRule): string[] {
  const out: string[] = [];
  for (const pe of r.ports ?? []) {
    const v = pe.port?.value;
    if (typeof v !== 'string') continue;
    const proto = pe.protocol === undefined ? 'TCP' : normProtocol(pe.protocol.value);
    if (proto) out.push(`${v}/${proto}`);
  }
  return out;
}

/** A key per endpoint that is equal exactly for interchangeable endpoints (workloads of one class). */
export function endpointClassKey(classes: WorkloadClasses, e: Endpoint): string {
  if (e.kind === 'external') return `x${e.id}`;
  if (e.kind === 'domain') return `d${e.id}`;
  const c = classes.classOf(e.workload);
  return c.ix >= 0 ? `c${c.ix}` : `w${e.id}`;
}
