/**
 * fast-check arbitraries of small workspaces (namespaces with labels, workloads with labels, ports
 * and IPs, NetworkPolicies with random selectors, peers, ipBlocks, ports with names and endPort,
 * policyTypes), as plain data, and their YAML text: the properties feed that text through the real
 * pipeline (parse → lower → index → engine), never the data.
 *
 * Runs: `FUZZ_RUNS` multiplies the case counts (`npm run fuzz`), `FUZZ_SEED` replaces the fixed seed.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { AnalysisHost, type Analysis, type FileChange } from '../../server/src/core/index';

export const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261201;
const FACTOR = Math.max(1, Number(process.env.FUZZ_RUNS ?? '1') || 1);

/** fast-check parameters: a fixed seed and `base × FUZZ_RUNS` cases; the report gives the seed and the shrunk case. */
export function params(base: number, salt: number): fc.Parameters<unknown> {
  return { seed: SEED + salt, numRuns: base * FACTOR, includeErrorInReport: true };
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface NamespaceSpec {
  name: string;
  labels: Record<string, string>;
}
export interface WorkloadSpec {
  kind: 'Pod' | 'Deployment';
  name: string;
  namespace: string;
  labels: Record<string, string>;
  ports: Array<{ name?: string; containerPort: number; protocol?: string }>;
  ips: string[];
}
export interface PolicySpec {
  name: string;
  namespace: string;
  spec: { [k: string]: Json };
}
export interface WorkspaceSpec {
  namespaces: NamespaceSpec[];
  workloads: WorkloadSpec[];
  policies: PolicySpec[];
}

const NS_NAMES = ['a', 'b', 'c'];
const LABEL_KEYS = ['app', 'tier'];
const LABEL_VALUES = ['web', 'db', 'api'];
const NS_LABEL_KEYS = ['team', 'env'];
const NS_LABEL_VALUES = ['x', 'y'];
const PORT_NUMBERS = [53, 80, 443, 8080];
const PORT_NAMES = ['http', 'dns', 'metrics'];
const IPS = ['10.0.0.1', '10.0.0.5', '10.0.1.3', '10.0.2.9', 'fd00::5'];
const CIDRS = [
  '10.0.0.0/16',
  '10.0.0.0/24',
  '10.0.1.0/24',
  '10.0.0.4/30',
  '0.0.0.0/0',
  '192.168.0.0/16',
  'fd00::/64',
  '10.0.0.1/32',
];
const EXCEPTS = ['10.0.0.0/24', '10.0.0.4/31', '10.0.1.0/25', '192.168.1.0/24', 'fd00::/120'];
/** IPs the monotonicity properties ask about (the external ranges change with every ipBlock). */
export const PROBE_IPS = [
  '10.0.0.1',
  '10.0.0.4',
  '10.0.1.3',
  '10.0.200.1',
  '192.168.1.1',
  '192.168.2.2',
  '8.8.8.8',
  'fd00::5',
];

const labels = (keys: string[], values: string[], max: number): fc.Arbitrary<Record<string, string>> =>
  fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: max });

export const selectorArb: fc.Arbitrary<{ [k: string]: Json }> = fc.oneof(
  fc.constant({}),
  labels(LABEL_KEYS, LABEL_VALUES, 2).map((m) => ({ matchLabels: m })),
  fc
    .record({
      key: fc.constantFrom(...LABEL_KEYS),
      operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
      values: fc.uniqueArray(fc.constantFrom(...LABEL_VALUES), { minLength: 1, maxLength: 2 }),
    })
    .map(({ key, operator, values }): { [k: string]: Json } => ({
      matchExpressions: [
        operator === 'Exists' || operator === 'DoesNotExist' ? { key, operator } : { key, operator, values },
      ],
    })),
);

const nsSelectorArb: fc.Arbitrary<{ [k: string]: Json }> = fc.oneof(
  fc.constant({}),
  labels(NS_LABEL_KEYS, NS_LABEL_VALUES, 1).map((m) => ({ matchLabels: m })),
  fc.constantFrom(...NS_NAMES).map((n) => ({ matchLabels: { 'kubernetes.io/metadata.name': n } })),
);

const peerArb: fc.Arbitrary<{ [k: string]: Json }> = fc.oneof(
  selectorArb.map((s) => ({ podSelector: s })),
  nsSelectorArb.map((s) => ({ namespaceSelector: s })),
  fc.tuple(nsSelectorArb, selectorArb).map(([n, p]) => ({ namespaceSelector: n, podSelector: p })),
  fc
    .tuple(fc.constantFrom(...CIDRS), fc.uniqueArray(fc.constantFrom(...EXCEPTS), { maxLength: 2 }))
    .map(([cidr, except]): { [k: string]: Json } => ({
      ipBlock: except.length > 0 ? { cidr, except } : { cidr },
    })),
);

const portArb: fc.Arbitrary<{ [k: string]: Json }> = fc
  .record({
    protocol: fc.option(fc.constantFrom('TCP', 'UDP', 'SCTP'), { nil: undefined }),
    port: fc.option(
      fc.oneof(fc.constantFrom<number | string>(...PORT_NUMBERS), fc.constantFrom(...PORT_NAMES)),
      { nil: undefined },
    ),
    span: fc.option(fc.constantFrom(0, 1, 400), { nil: undefined }),
  })
  .map(({ protocol, port, span }) => {
    const o: { [k: string]: Json } = {};
    if (protocol) o.protocol = protocol;
    if (port !== undefined) o.port = port;
    if (typeof port === 'number' && span !== undefined) o.endPort = port + span;
    return o;
  });

const ruleArb = (peerKey: 'from' | 'to'): fc.Arbitrary<{ [k: string]: Json }> =>
  fc
    .record({
      peers: fc.option(fc.array(peerArb, { maxLength: 2 }), { nil: undefined }),
      ports: fc.option(fc.array(portArb, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    })
    .map(({ peers, ports }) => {
      const r: { [k: string]: Json } = {};
      if (peers) r[peerKey] = peers;
      if (ports) r.ports = ports;
      return r;
    });

/** A policy spec; `types` forces policyTypes (else random, often absent: defaulted from the rules). */
export function policySpecArb(
  types?: Array<'Ingress' | 'Egress'>,
  podSelector: fc.Arbitrary<{ [k: string]: Json }> = selectorArb,
): fc.Arbitrary<{ [k: string]: Json }> {
  return fc
    .record({
      podSelector,
      policyTypes: types
        ? fc.constant(types)
        : fc.option(fc.subarray<'Ingress' | 'Egress'>(['Ingress', 'Egress']), { nil: undefined }),
      ingress: fc.option(fc.array(ruleArb('from'), { maxLength: 2 }), { nil: undefined }),
      egress: fc.option(fc.array(ruleArb('to'), { maxLength: 2 }), { nil: undefined }),
    })
    .map(({ podSelector: sel, policyTypes, ingress, egress }) => {
      const s: { [k: string]: Json } = { podSelector: sel };
      if (policyTypes) s.policyTypes = policyTypes;
      if (ingress && (!types || types.includes('Ingress'))) s.ingress = ingress;
      if (egress && (!types || types.includes('Egress'))) s.egress = egress;
      return s;
    });
}

const workloadArb = (namespaces: string[]): fc.Arbitrary<Omit<WorkloadSpec, 'name'>> =>
  fc
    .record({
      kind: fc.constantFrom<'Pod' | 'Deployment'>('Pod', 'Deployment'),
      namespace: fc.constantFrom(...namespaces),
      labels: labels(LABEL_KEYS, LABEL_VALUES, 2),
      // container ports: names unique within a workload (the first of a name would win otherwise)
      ports: fc
        .uniqueArray(
          fc.record({
            name: fc.option(fc.constantFrom(...PORT_NAMES), { nil: undefined }),
            containerPort: fc.constantFrom(...PORT_NUMBERS),
            protocol: fc.option(fc.constantFrom('TCP', 'UDP'), { nil: undefined }),
          }),
          { maxLength: 2, selector: (p) => p.name ?? `#${p.containerPort}` },
        )
        .map((ps) =>
          ps.map((p) => {
            const o: WorkloadSpec['ports'][number] = { containerPort: p.containerPort };
            if (p.name) o.name = p.name;
            if (p.protocol) o.protocol = p.protocol;
            return o;
          }),
        ),
      ips: fc.uniqueArray(fc.constantFrom(...IPS), { maxLength: 2 }),
    })
    .map((w) =>
      w.kind === 'Deployment'
        ? { ...w, ips: [], labels: Object.keys(w.labels).length ? w.labels : { app: 'web' } }
        : w,
    );

export const workspaceArb: fc.Arbitrary<WorkspaceSpec> = fc
  .uniqueArray(fc.constantFrom(...NS_NAMES), { minLength: 1, maxLength: 3 })
  .chain((nsNames) =>
    fc.record({
      namespaces: fc
        .tuple(
          ...nsNames.map((name) =>
            fc.record({
              name: fc.constant(name),
              labels: labels(NS_LABEL_KEYS, NS_LABEL_VALUES, 2),
              declared: fc.boolean(),
            }),
          ),
        )
        .map((ns) => ns.filter((n) => n.declared).map(({ name, labels: l }) => ({ name, labels: l }))),
      workloads: fc
        .array(workloadArb(nsNames), { minLength: 1, maxLength: 5 })
        .map((ws) => ws.map((w, i) => ({ ...w, name: `w${i}` }))),
      policies: fc
        .array(fc.record({ namespace: fc.constantFrom(...nsNames), spec: policySpecArb() }), { maxLength: 4 })
        .map((ps) => ps.map((p, i) => ({ ...p, name: `p${i}` }))),
    }),
  );

// ---- YAML text ------------------------------------------------------------------------------------

export function namespaceDoc(n: NamespaceSpec): { [k: string]: Json } {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: n.name, ...(Object.keys(n.labels).length ? { labels: n.labels } : {}) },
  };
}

export function workloadDoc(w: WorkloadSpec): { [k: string]: Json } {
  const container: { [k: string]: Json } = {
    name: 'c',
    image: 'i',
    ...(w.ports.length ? { ports: w.ports } : {}),
  };
  const meta = {
    name: w.name,
    namespace: w.namespace,
    ...(Object.keys(w.labels).length ? { labels: w.labels } : {}),
  };
  const status: { [k: string]: Json } | undefined = w.ips.length
    ? { podIP: w.ips[0] ?? null, podIPs: w.ips.map((ip) => ({ ip })) }
    : undefined;
  if (w.kind === 'Pod')
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: meta,
      spec: { containers: [container] },
      ...(status ? { status } : {}),
    };
  // a Deployment has no pod IPs of its own: its IPs are only in the model of Pods
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: w.name, namespace: w.namespace },
    spec: {
      selector: { matchLabels: w.labels },
      template: {
        metadata: Object.keys(w.labels).length ? { labels: w.labels } : {},
        spec: { containers: [container] },
      },
    },
  };
}

export function policyDoc(p: PolicySpec): { [k: string]: Json } {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: p.name, namespace: p.namespace },
    spec: p.spec,
  };
}

export function docs(ws: WorkspaceSpec): Array<{ [k: string]: Json }> {
  return [
    ...ws.namespaces.map(namespaceDoc),
    ...ws.workloads.map(workloadDoc),
    ...ws.policies.map(policyDoc),
  ];
}

/** Spreads documents over `nFiles` files round-robin; each file is a `---`-separated YAML stream. */
export function toFiles(documents: ReadonlyArray<{ [k: string]: Json }>, nFiles = 2): FileChange[] {
  const files: string[][] = Array.from({ length: nFiles }, () => []);
  documents.forEach((d, i) => files[i % nFiles]?.push(stringify(d)));
  return files.map((texts, i) => ({ uri: `file:///ws/f${i}.yaml`, text: texts.join('---\n') }));
}

export function analyse(files: readonly FileChange[]): Analysis {
  const host = new AnalysisHost();
  host.applyChanges(files);
  return host.snapshot();
}

/** The text of a failing case, for the assertion message (fast-check reports the shrunk one). */
export function show(files: readonly FileChange[]): string {
  return files.map((f) => `--- ${f.uri}\n${f.text}`).join('\n');
}
