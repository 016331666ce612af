// Fake host data for the seed example (examples/layer1..3): what the server's
// netpolLens/reachability and netpolLens/explain would answer, written out by hand from the
// policies (layer1 admits layer1; layer2 and layer3 admit layer1 and layer2; layer1 and layer2
// allow all egress; layer3 denies all egress).
'use strict';

const NS = ['layer1', 'layer2', 'layer3'];
const root = 'file:///work/examples';
const loc = (file, line, endLine = line) => ({
  uri: `${root}/${file}`,
  range: { start: { line, character: 2 }, end: { line: endLine, character: 20 } },
});

function workloads() {
  const out = [];
  for (const [i, ns] of NS.entries()) {
    const n = i + 1;
    for (const [app, line] of [[`nginx${n}`, 2], [`busybox${n}`, 34]]) {
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

const egressAllowed = (srcNs) => srcNs !== 'layer3';
const ingressAllowed = (srcNs, dstNs) => (dstNs === 'layer1' ? srcNs === 'layer1' : srcNs === 'layer1' || srcNs === 'layer2');

/** The rest of the world, from the allow-all egress rules (`egress: [{}]`), as the server lists it. */
const INTERNET = '0.0.0.0-255.255.255.255';

function seedModel() {
  const endpoints = workloads();
  const connections = [];
  for (const s of endpoints) {
    for (const d of endpoints) {
      if (s.id === d.id) continue;
      if (egressAllowed(s.namespace) && ingressAllowed(s.namespace, d.namespace)) connections.push({ src: s.id, dst: d.id, conns: 'all' });
    }
    if (egressAllowed(s.namespace)) connections.push({ src: s.id, dst: INTERNET, conns: 'all' });
  }
  endpoints.push({ id: INTERNET, kind: 'external', location: loc('layer1/np-layer1.yaml', 18) });
  return { version: 1, endpoints, connections, counts: { policies: 3, workloads: 6, namespaces: 3, files: 9 } };
}

const policyLoc = (ns) => loc(`${ns}/np-${ns}.yaml`, 3);

function explain({ src, dst, port }) {
  const sNs = src.split('/')[0];
  const dNs = dst.split('/')[0];
  const eg = egressAllowed(sNs);
  const ing = ingressAllowed(sNs, dNs);
  const egress = {
    isolated: true,
    isolatingPolicies: [{ policy: `${sNs}/np-${sNs}`, location: policyLoc(sNs) }],
    allowingRules: eg ? [{ policy: `${sNs}/np-${sNs}`, direction: 'egress', ruleIndex: 0, location: loc(`${sNs}/np-${sNs}.yaml`, 18) }] : [],
    allowed: eg,
    conns: eg ? 'all' : 'none',
  };
  const ingress = {
    isolated: true,
    isolatingPolicies: [{ policy: `${dNs}/np-${dNs}`, location: policyLoc(dNs) }],
    allowingRules: ing ? [{ policy: `${dNs}/np-${dNs}`, direction: 'ingress', ruleIndex: 0, location: loc(`${dNs}/np-${dNs}.yaml`, 12, 17) }] : [],
    allowed: ing,
    conns: ing ? 'all' : 'none',
  };
  const allowed = eg && ing;
  const summary = [
    eg ? `${src}: egress allowed by egress rule 1 of ${sNs}/np-${sNs}` : `${src}: egress isolated by ${sNs}/np-${sNs}, and no egress rule allows it`,
    ing ? `${dst}: ingress allowed by ingress rule 1 of ${dNs}/np-${dNs}` : `${dst}: ingress isolated by ${dNs}/np-${dNs}, and no ingress rule admits ${sNs}`,
  ];
  const result = { src, dst, allowed, partial: false, conns: allowed ? 'all' : 'none', egress, ingress, summary, notes: [] };
  if (port) result.port = port;
  return result;
}

/** A large workspace: `namespaces` × `perNamespace` workloads, with some connections. */
function bigModel(namespaces = 50, perNamespace = 20) {
  const endpoints = [];
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${String(n).padStart(2, '0')}`;
    for (let w = 0; w < perNamespace; w++) {
      endpoints.push({ id: `${ns}/svc-${w}[Deployment]`, kind: 'workload', namespace: ns, name: `svc-${w}`, workloadKind: 'Deployment', labels: { app: `svc-${w}` } });
    }
  }
  const connections = [];
  for (let i = 0; i < endpoints.length; i++) {
    const s = endpoints[i];
    for (let k = 1; k <= 5; k++) {
      const d = endpoints[(i + k * 37) % endpoints.length];
      if (d.id !== s.id) connections.push({ src: s.id, dst: d.id, conns: k % 2 ? 'all' : { TCP: [[80, 80]] } });
    }
  }
  return { version: 1, endpoints, connections, counts: { policies: namespaces, workloads: endpoints.length, namespaces, files: namespaces * 2 } };
}

/** A big workspace's namespaces with their workload counts: 880 workloads, over the 600 limit. */
const BIG_NAMESPACES = [
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
function limitedModel({ shown = ['api', 'billing', 'data'], reason = 'first', namespaces = BIG_NAMESPACES, maxWorkloads = 600 } = {}) {
  const endpoints = [];
  for (const ns of namespaces) {
    if (!shown.includes(ns.name)) continue;
    for (let w = 0; w < ns.workloads; w++) {
      endpoints.push({ id: `${ns.name}/svc-${w}[Deployment]`, kind: 'workload', namespace: ns.name, name: `svc-${w}`, workloadKind: 'Deployment', labels: { app: `svc-${w}` } });
    }
  }
  const connections = [];
  // each workload reaches the next dozen of its namespace (some on 443 only) and the internet
  for (let i = 0; i < endpoints.length; i++) {
    const s = endpoints[i];
    for (let k = 1; k <= 12; k++) {
      const d = endpoints[(i + k) % endpoints.length];
      if (d.namespace === s.namespace && (i + k) % 4 !== 0) connections.push({ src: s.id, dst: d.id, conns: k % 5 ? 'all' : { TCP: [[443, 443]] } });
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

module.exports = { seedModel, explain, bigModel, limitedModel, BIG_NAMESPACES, NS, INTERNET };
