// Fake host data for the seed example (examples/layer1..3): what the server's
// netpolLens/reachability and netpolLens/explain would answer, written out by hand from the
// policies (layer1 admits layer1; layer2 and layer3 admit layer1 and layer2; layer1 and layer2
// allow all egress; layer3 denies all egress).
import type {
  EndpointDto,
  ExplainParams,
  ExplainResult,
  ReachabilityLimit,
  ReachabilityResult,
  SideDto,
  SourceLocation,
} from '../../server/src/protocol/requests';

export const NS = ['layer1', 'layer2', 'layer3'];
/** The seed's workload ids. */
export const W = {
  nginx1: 'layer1/nginx1[Deployment]',
  busybox1: 'layer1/busybox1[Deployment]',
  nginx2: 'layer2/nginx2[Deployment]',
  busybox2: 'layer2/busybox2[Deployment]',
  nginx3: 'layer3/nginx3[Deployment]',
  busybox3: 'layer3/busybox3[Deployment]',
};
const root = 'file:///work/examples';
const loc = (file: string, line: number, endLine = line): SourceLocation => ({
  uri: `${root}/${file}`,
  range: { start: { line, character: 2 }, end: { line: endLine, character: 20 } },
});

function workloads(): EndpointDto[] {
  const out: EndpointDto[] = [];
  for (const [i, ns] of NS.entries()) {
    const n = i + 1;
    for (const [app, line] of [
      [`nginx${n}`, 2],
      [`busybox${n}`, 34],
    ] as const) {
      out.push({
        id: `${ns}/${app}[Deployment]`,
        kind: 'workload',
        namespace: ns,
        name: app,
        workloadKind: 'Deployment',
        labels: { app },
        location: loc(`${ns}/apps.yaml`, line),
        isolatedIngress: true,
        isolatedEgress: true,
      });
    }
  }
  return out;
}

const egressAllowed = (srcNs: string): boolean => srcNs !== 'layer3';
const ingressAllowed = (srcNs: string, dstNs: string): boolean =>
  dstNs === 'layer1' ? srcNs === 'layer1' : srcNs === 'layer1' || srcNs === 'layer2';

/** The rest of the world, from the allow-all egress rules (`egress: [{}]`), as the server lists it. */
export const INTERNET = '0.0.0.0-255.255.255.255';

export function seedModel(): ReachabilityResult {
  const endpoints = workloads();
  const connections: ReachabilityResult['connections'] = [];
  for (const s of endpoints) {
    const sNs = s.namespace ?? '';
    for (const d of endpoints) {
      if (s.id === d.id) continue;
      if (egressAllowed(sNs) && ingressAllowed(sNs, d.namespace ?? ''))
        connections.push({ src: s.id, dst: d.id, conns: 'all' });
    }
    if (egressAllowed(sNs)) connections.push({ src: s.id, dst: INTERNET, conns: 'all' });
  }
  endpoints.push({ id: INTERNET, kind: 'external', location: loc('layer1/np-layer1.yaml', 18) });
  return {
    version: 1,
    endpoints,
    connections,
    counts: { policies: 3, workloads: 6, namespaces: 3, files: 9 },
  };
}

const policyLoc = (ns: string): SourceLocation => loc(`${ns}/np-${ns}.yaml`, 3);

export function explain({ src, dst, port }: ExplainParams): ExplainResult {
  const sNs = src.split('/')[0] ?? '';
  const dNs = dst.split('/')[0] ?? '';
  const eg = egressAllowed(sNs);
  const ing = ingressAllowed(sNs, dNs);
  const egress: SideDto = {
    isolated: true,
    isolatingPolicies: [{ policy: `${sNs}/np-${sNs}`, location: policyLoc(sNs) }],
    allowingRules: eg
      ? [
          {
            policy: `${sNs}/np-${sNs}`,
            direction: 'egress',
            ruleIndex: 0,
            location: loc(`${sNs}/np-${sNs}.yaml`, 18),
          },
        ]
      : [],
    allowed: eg,
    conns: eg ? 'all' : 'none',
  };
  const ingress: SideDto = {
    isolated: true,
    isolatingPolicies: [{ policy: `${dNs}/np-${dNs}`, location: policyLoc(dNs) }],
    allowingRules: ing
      ? [
          {
            policy: `${dNs}/np-${dNs}`,
            direction: 'ingress',
            ruleIndex: 0,
            location: loc(`${dNs}/np-${dNs}.yaml`, 12, 17),
          },
        ]
      : [],
    allowed: ing,
    conns: ing ? 'all' : 'none',
  };
  const allowed = eg && ing;
  const summary = [
    eg
      ? `${src}: egress allowed by egress rule 1 of ${sNs}/np-${sNs}`
      : `${src}: egress isolated by ${sNs}/np-${sNs}, and no egress rule allows it`,
    ing
      ? `${dst}: ingress allowed by ingress rule 1 of ${dNs}/np-${dNs}`
      : `${dst}: ingress isolated by ${dNs}/np-${dNs}, and no ingress rule admits ${sNs}`,
  ];
  const result: ExplainResult = {
    src,
    dst,
    allowed,
    partial: false,
    conns: allowed ? 'all' : 'none',
    egress,
    ingress,
    summary,
    notes: [],
  };
  if (port) result.port = port;
  return result;
}

function team(ns: string, count: number): EndpointDto[] {
  return Array.from({ length: count }, (_, w) => ({
    id: `${ns}/svc-${w}[Deployment]`,
    kind: 'workload',
    namespace: ns,
    name: `svc-${w}`,
    workloadKind: 'Deployment',
    labels: { app: `svc-${w}` },
  }));
}

/** A large workspace: `namespaces` × `perNamespace` workloads, with some connections. */
export function bigModel(namespaces = 50, perNamespace = 20): ReachabilityResult {
  const endpoints = Array.from({ length: namespaces }, (_, n) =>
    team(`team-${String(n).padStart(2, '0')}`, perNamespace),
  ).flat();
  const connections: ReachabilityResult['connections'] = [];
  for (const [i, s] of endpoints.entries()) {
    for (let k = 1; k <= 5; k++) {
      const d = endpoints[(i + k * 37) % endpoints.length];
      if (d && d.id !== s.id)
        connections.push({ src: s.id, dst: d.id, conns: k % 2 ? 'all' : { TCP: [[80, 80]] } });
    }
  }
  return {
    version: 1,
    endpoints,
    connections,
    counts: { policies: namespaces, workloads: endpoints.length, namespaces, files: namespaces * 2 },
  };
}

/** A big workspace's namespaces with their workload counts: 880 workloads, over the 600 limit. */
export const BIG_NAMESPACES: ReachabilityLimit['namespaces'] = [
  { name: 'api', workloads: 180 },
  { name: 'billing', workloads: 140 },
  { name: 'data', workloads: 210 },
  { name: 'edge', workloads: 90 },
  { name: 'web', workloads: 260 },
];

/**
 * What the server answers for a workspace over the limit: the workloads of `shown` only (plus the
 * external range) and `limited`. Default: the first namespaces in name order that fit in 600.
 */
export function limitedModel({
  shown = ['api', 'billing', 'data'],
  reason = 'first',
  namespaces = BIG_NAMESPACES,
  maxWorkloads = 600,
}: {
  shown?: string[];
  reason?: ReachabilityLimit['reason'];
  namespaces?: ReachabilityLimit['namespaces'];
  maxWorkloads?: number;
} = {}): ReachabilityResult {
  const endpoints = namespaces
    .filter((ns) => shown.includes(ns.name))
    .flatMap((ns) => team(ns.name, ns.workloads));
  const connections: ReachabilityResult['connections'] = [];
  // each workload reaches the next dozen of its namespace (some on 443 only) and the internet
  for (const [i, s] of endpoints.entries()) {
    for (let k = 1; k <= 12; k++) {
      const d = endpoints[(i + k) % endpoints.length];
      if (d && d.namespace === s.namespace && (i + k) % 4 !== 0)
        connections.push({ src: s.id, dst: d.id, conns: k % 5 ? 'all' : { TCP: [[443, 443]] } });
    }
    if (i % 3 !== 0) connections.push({ src: s.id, dst: INTERNET, conns: 'all' });
  }
  endpoints.push({ id: INTERNET, kind: 'external' });
  const total = namespaces.reduce((n, x) => n + x.workloads, 0);
  return {
    version: 1,
    endpoints,
    connections,
    counts: { policies: 40, workloads: total, namespaces: namespaces.length, files: 120 },
    limited: { maxWorkloads, namespaces: namespaces.map((n) => ({ ...n })), shown: [...shown], reason },
  };
}
