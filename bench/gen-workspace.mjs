#!/usr/bin/env node
// gen-workspace.mjs — deterministic synthetic GitOps workspace of Kubernetes manifests.
//
// Usage:
//   node gen-workspace.mjs --out DIR --namespaces N --workloads W --policies P
//                          [--files F] [--seed S] [--docs-per-file D] [--force] [--quiet]
//
// Plain Node ESM, no dependencies. Same arguments (and seed) => byte-identical tree; the
// one-line JSON summary printed on stdout carries a sha256 over all paths and contents so
// that checks can assert determinism cheaply.
//
// What it writes (see research/perf-anchors.md for the full description):
//   clusters/<env>/<team>/<namespace>/namespace.yaml
//   clusters/<env>/<team>/<namespace>/workloads/apps-NNN.yaml       (workload + its Service)
//   clusters/<env>/<team>/<namespace>/network-policies/netpol-NNN.yaml
//   clusters/prod/platform/kube-system/...                         (kube-dns / CoreDNS)
// N counts application namespaces; kube-system is always added on top (and its CoreDNS
// Deployment + kube-dns Service are extra to W). W counts Deployments + StatefulSets +
// DaemonSets + Pods. Services are added for Deployments and StatefulSets. P counts
// NetworkPolicies exactly.
//
// A small, deterministic share of objects carry intentional defects that an analyzer
// should report (policies whose podSelector matches nothing, named ports that no selected
// pod exposes, Services whose selector matches nothing). Their counts are in the summary
// under "defects".
//
// Provenance: copied unchanged (but for this paragraph) from the team's shared inputs
// (shared/bench/gen-workspace.mjs, 2026-12-01), which were written for this project. The file came
// without a licence notice of its own; the repository's LICENSE (Apache-2.0) covers it.

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

// ---------------------------------------------------------------- arguments
function parseArgs(argv) {
  const opts = { seed: '1', docsPerFile: 4, files: 0, force: false, quiet: false };
  const num = (name, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) die(`--${name} expects a non-negative integer, got ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag) {
      case '--out': opts.out = val(); break;
      case '--namespaces': opts.namespaces = num('namespaces', val()); break;
      case '--workloads': opts.workloads = num('workloads', val()); break;
      case '--policies': opts.policies = num('policies', val()); break;
      case '--files': opts.files = num('files', val()); break;
      case '--seed': opts.seed = String(val()); break;
      case '--docs-per-file': opts.docsPerFile = num('docs-per-file', val()); break;
      case '--force': opts.force = true; break;
      case '--quiet': opts.quiet = true; break;
      case '-h': case '--help': usage(0); break;
      default: die(`unknown argument ${a}`);
    }
  }
  if (!opts.out) die('--out DIR is required');
  for (const k of ['namespaces', 'workloads', 'policies']) if (opts[k] === undefined) die(`--${k} is required`);
  if (opts.namespaces < 1) die('--namespaces must be >= 1');
  if (opts.docsPerFile < 1) die('--docs-per-file must be >= 1');
  return opts;
}
function usage(code) {
  process.stdout.write('usage: node gen-workspace.mjs --out DIR --namespaces N --workloads W --policies P [--files F] [--seed S] [--docs-per-file D] [--force] [--quiet]\n');
  process.exit(code);
}
function die(msg) {
  process.stderr.write(`gen-workspace: ${msg}\n`);
  process.exit(2);
}

// ---------------------------------------------------------------- PRNG (xmur3 seed hash + sfc32)
function xmur3(str) {
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  return () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    return (h ^= h >>> 16) >>> 0;
  };
}
function makeRng(seed) {
  const s = xmur3(String(seed));
  let a = s(), b = s(), c = s(), d = s();
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)), // inclusive
    chance: (p) => next() < p,
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    weighted: (pairs) => { // [[value, weight], ...]
      let total = 0;
      for (const p of pairs) total += p[1];
      let r = next() * total;
      for (const p of pairs) { if ((r -= p[1]) < 0) return p[0]; }
      return pairs[pairs.length - 1][0];
    },
    sample: (arr, k) => { // k distinct elements, order preserved from a partial shuffle
      const copy = arr.slice();
      const n = Math.min(k, copy.length);
      for (let i = 0; i < n; i++) {
        const j = i + Math.floor(next() * (copy.length - i));
        const t = copy[i]; copy[i] = copy[j]; copy[j] = t;
      }
      return copy.slice(0, n);
    },
  };
  return rng;
}

// ---------------------------------------------------------------- tiny YAML emitter
class Flow { constructor(v) { this.v = v; } } // emit as flow collection: [a, b] / {k: v}
const flow = (v) => new Flow(v);

const RESERVED = new Set(['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~', '']);
// Plain (unquoted) only when YAML 1.1 and 1.2 readers both see the same string: no indicator
// at the start, no space, no trailing ':', nothing that resolves to a number, bool, null or date.
function scalar(v) {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'null';
  const s = String(v);
  if (/^[A-Za-z0-9_./][A-Za-z0-9_./:%-]*$/.test(s) && !s.endsWith(':') && !RESERVED.has(s.toLowerCase())
    && !/^[-+]?[0-9_.:]+([eE][-+]?[0-9]+)?$/.test(s) && !/^0[xob]/i.test(s) && !/^\d{4}-\d\d?-\d\d?/.test(s)
    && !/^\.(inf|nan)$/i.test(s)) return s;
  return JSON.stringify(s); // JSON strings are valid YAML double-quoted scalars
}
function flowText(v) {
  if (Array.isArray(v)) return `[${v.map(flowText).join(', ')}]`;
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${scalar(k)}: ${flowText(x)}`).join(', ')}}`;
  return scalar(v);
}
function isEmptyColl(v) {
  return (Array.isArray(v) && v.length === 0) || (v && typeof v === 'object' && !(v instanceof Flow) && !Array.isArray(v) && Object.keys(v).length === 0);
}
// seqIndent: 0 => kubectl style ("key:\n- a"), 2 => indented ("key:\n  - a")
function emitMap(obj, ind, seqIndent, out) {
  const pad = ' '.repeat(ind);
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined) continue;
    const key = scalar(k);
    if (v instanceof Flow) out.push(`${pad}${key}: ${flowText(v.v)}`);
    else if (Array.isArray(v)) {
      if (v.length === 0) out.push(`${pad}${key}: []`);
      else { out.push(`${pad}${key}:`); emitSeq(v, ind + seqIndent, seqIndent, out); }
    } else if (v && typeof v === 'object') {
      if (isEmptyColl(v)) out.push(`${pad}${key}: {}`);
      else { out.push(`${pad}${key}:`); emitMap(v, ind + 2, seqIndent, out); }
    } else out.push(`${pad}${key}: ${scalar(v)}`);
  }
}
function emitSeq(arr, ind, seqIndent, out) {
  const pad = ' '.repeat(ind);
  for (const v of arr) {
    if (v instanceof Flow) out.push(`${pad}- ${flowText(v.v)}`);
    else if (Array.isArray(v)) out.push(`${pad}- ${flowText(v)}`);
    else if (v && typeof v === 'object') {
      if (isEmptyColl(v)) { out.push(`${pad}- {}`); continue; }
      const start = out.length;
      emitMap(v, ind + 2, seqIndent, out);
      out[start] = `${pad}- ${out[start].slice(ind + 2)}`;
    } else out.push(`${pad}- ${scalar(v)}`);
  }
}
function emitDoc(doc, seqIndent) {
  const out = [];
  if (doc.comment) for (const c of doc.comment.split('\n')) out.push(`# ${c}`);
  emitMap(doc.obj, 0, seqIndent, out);
  return out.join('\n') + '\n';
}

// ---------------------------------------------------------------- vocabulary
const TEAMS = ['payments', 'checkout', 'search', 'identity', 'catalog', 'shipping', 'ledger', 'growth',
  'platform-data', 'messaging', 'media', 'risk', 'support', 'analytics', 'billing', 'inventory'];
const DOMAINS = ['core', 'edge', 'batch', 'web', 'svc', 'jobs', 'stream', 'portal', 'ops', 'store'];
const ENVS = [['prod', 5], ['staging', 3], ['dev', 2]];
const APP_WORDS = ['api', 'gateway', 'web', 'worker', 'db', 'cache', 'auth', 'orders', 'users', 'cart',
  'pricing', 'notifier', 'indexer', 'scheduler', 'ingest', 'reports', 'images', 'feed', 'sessions',
  'profile', 'ledger', 'audit', 'quotes', 'queue', 'router', 'export', 'sync', 'tokens', 'rates', 'events'];
const TIERS = [['frontend', 2], ['api', 3], ['backend', 4], ['worker', 2], ['db', 1.2], ['cache', 1], ['queue', 0.5]];
const TIER_SUFFIX = {
  frontend: ['web', 'ui', 'frontend'], api: ['api', 'gateway'], backend: ['svc', 'service', 'backend', 'core'],
  worker: ['worker', 'consumer', 'cron'], db: ['db', 'postgres', 'store'], cache: ['cache', 'redis'],
  queue: ['queue', 'mq', 'broker'], agent: ['agent', 'exporter', 'collector'],
};
const IMAGES = {
  frontend: ['nginx:1.25.3', 'node:20.11-alpine'], api: ['golang-svc:1.8.2', 'node:20.11-alpine'],
  backend: ['eclipse-temurin:21-jre', 'python:3.12-slim', 'golang-svc:1.8.2'], worker: ['python:3.12-slim', 'golang-svc:1.8.2'],
  db: ['postgres:16.2', 'mysql:8.3'], cache: ['redis:7.2.4', 'memcached:1.6'], queue: ['rabbitmq:3.13', 'nats:2.10'],
  agent: ['fluent-bit:3.0', 'node-exporter:1.7'],
};

function portsFor(rng, tier, image) {
  const httpPort = rng.weighted([[8080, 6], [8000, 2], [3000, 1], [80, 1]]);
  const p = (name, containerPort, protocol = 'TCP') => ({ name, containerPort, protocol });
  switch (tier) {
    case 'frontend': return [p('http', httpPort)];
    case 'api': return rng.chance(0.5) ? [p('http', httpPort), p('grpc', 9090)] : [p('http', httpPort)];
    case 'backend': return rng.chance(0.4) ? [p('http', httpPort), p('grpc', 9090)] : [p('http', httpPort)];
    case 'worker': return [p('metrics', 9102)];
    case 'db': return image.startsWith('mysql') ? [p('mysql', 3306)] : [p('postgres', 5432)];
    case 'cache': return image.startsWith('memcached') ? [p('memcache', 11211)] : [p('redis', 6379)];
    case 'queue': return image.startsWith('nats') ? [p('nats', 4222), p('cluster', 6222)] : [p('amqp', 5672), p('management', 15672)];
    case 'agent': return [p('metrics', 9100), p('forward', 24224)];
    default: return [p('http', httpPort)];
  }
}

// ---------------------------------------------------------------- model building
function allocate(rng, total, n, minEach = 0) {
  // deterministic uneven split of `total` into n parts (largest remainder on random weights)
  const res = new Array(n).fill(0);
  if (n === 0) return res;
  let base = 0;
  if (minEach > 0 && total >= n * minEach) { res.fill(minEach); base = n * minEach; }
  const rest = total - base;
  const w = Array.from({ length: n }, () => 0.25 + rng.next() * 1.75 + (rng.chance(0.08) ? 3 : 0));
  const sum = w.reduce((a, b) => a + b, 0);
  const rem = [];
  let used = 0;
  for (let i = 0; i < n; i++) {
    const exact = (rest * w[i]) / sum;
    const f = Math.floor(exact);
    res[i] += f; used += f; rem.push([exact - f, i]);
  }
  rem.sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; k < rest - used; k++) res[rem[k % n][1]]++;
  return res;
}

function buildNamespaces(rng, n) {
  const out = [];
  const used = new Set(['kube-system']);
  for (let i = 0; i < n; i++) {
    const team = TEAMS[i % TEAMS.length];
    const env = rng.weighted(ENVS);
    let name = `${team}-${rng.pick(DOMAINS)}-${env}`;
    if (used.has(name)) name = `${name}-${i}`;
    used.add(name);
    out.push({ name, team, env, apps: new Set(), workloads: [], services: [], policies: [], docs: [] });
  }
  return out;
}

function makeWorkload(rng, ns, idx, kind, defects) {
  const tier = kind === 'DaemonSet' ? 'agent' : (kind === 'StatefulSet' ? rng.weighted([['db', 4], ['cache', 2], ['queue', 1]]) : rng.weighted(TIERS));
  let app, tries = 0;
  do { app = `${rng.pick(APP_WORDS)}-${rng.pick(TIER_SUFFIX[tier])}`; } while (ns.apps.has(app) && ++tries < 6);
  if (ns.apps.has(app)) app = `${app}-${idx}`; // crowded namespace: index keeps names unique
  ns.apps.add(app);
  const image = rng.pick(IMAGES[tier]);
  const version = `v${rng.int(1, 3)}.${rng.int(0, 12)}.${rng.int(0, 9)}`;
  const ports = portsFor(rng, tier, image);
  const podLabels = { app, tier, team: ns.team, version };
  if (rng.chance(0.3)) podLabels['app.kubernetes.io/part-of'] = `${ns.team}-platform`;
  const containers = [{
    name: app.split('-')[0],
    image: `registry.example.com/${ns.team}/${image}`,
    imagePullPolicy: 'IfNotPresent',
    ports,
    env: [
      { name: 'LOG_LEVEL', value: rng.pick(['info', 'debug', 'warn']) },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
    ],
    resources: {
      requests: { cpu: `${rng.pick([50, 100, 250, 500])}m`, memory: `${rng.pick([64, 128, 256, 512])}Mi` },
      limits: { memory: `${rng.pick([256, 512, 1024, 2048])}Mi` },
    },
  }];
  const first = ports[0];
  if (first.name === 'http') {
    containers[0].readinessProbe = { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 };
    containers[0].livenessProbe = { httpGet: { path: '/livez', port: 'http' }, initialDelaySeconds: 15 };
  } else if (kind !== 'DaemonSet') {
    containers[0].readinessProbe = { tcpSocket: { port: first.name }, periodSeconds: 10 };
  }
  // sidecar with its own named port in ~15% of request-serving pods
  if ((tier === 'frontend' || tier === 'api' || tier === 'backend') && rng.chance(0.15)) {
    containers.push({
      name: 'proxy', image: 'registry.example.com/mesh/envoy:1.29.1',
      ports: [{ name: 'http-proxy', containerPort: 15001, protocol: 'TCP' }, { name: 'admin', containerPort: 15000, protocol: 'TCP' }],
      resources: { requests: { cpu: '50m', memory: '64Mi' } },
    });
  }
  const metaLabels = { app, tier, team: ns.team, 'app.kubernetes.io/name': app, 'app.kubernetes.io/managed-by': 'gitops' };
  const podSpec = { serviceAccountName: rng.chance(0.6) ? app : undefined, containers };
  if (rng.chance(0.25)) podSpec.securityContext = { runAsNonRoot: true, runAsUser: 10001, fsGroup: 10001 };
  let obj;
  if (kind === 'Pod') {
    obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: app, namespace: ns.name, labels: podLabels }, spec: { ...podSpec, restartPolicy: 'Always' } };
  } else {
    const selector = { matchLabels: { app, tier } };
    const template = { metadata: { labels: podLabels, annotations: rng.chance(0.4) ? { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9102' } : undefined }, spec: podSpec };
    const spec = {};
    if (kind === 'Deployment') Object.assign(spec, { replicas: rng.int(1, 6), revisionHistoryLimit: 5, selector, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } }, template });
    else if (kind === 'StatefulSet') {
      Object.assign(spec, { serviceName: app, replicas: rng.pick([1, 3]), selector, template });
      containers[0].volumeMounts = [{ name: 'data', mountPath: '/var/lib/data' }];
      spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: { accessModes: flow(['ReadWriteOnce']), storageClassName: 'standard', resources: { requests: { storage: `${rng.pick([1, 5, 10, 50])}Gi` } } } }];
    } else { // DaemonSet
      Object.assign(spec, { selector, updateStrategy: { type: 'RollingUpdate' }, template });
      podSpec.tolerations = [{ operator: 'Exists', effect: 'NoSchedule' }];
    }
    obj = { apiVersion: 'apps/v1', kind, metadata: { name: app, namespace: ns.name, labels: metaLabels }, spec };
  }
  const w = { kind, app, tier, ports, podLabels, obj, ns };
  ns.workloads.push(w);
  // Service for Deployments and StatefulSets
  if (kind === 'Deployment' || kind === 'StatefulSet') {
    const svcPorts = [];
    for (const c of containers) for (const p of c.ports) if (p.name !== 'admin') {
      svcPorts.push({ name: p.name, port: p.name === 'http' ? 80 : p.containerPort, targetPort: rng.chance(0.8) ? p.name : p.containerPort, protocol: p.protocol });
    }
    let selector = { app, tier };
    if (rng.chance(0.01)) { selector = { app: `${app}-legacy`, tier }; defects.serviceSelectsNothing++; }
    const svc = {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: app, namespace: ns.name, labels: { app, team: ns.team } },
      spec: { type: 'ClusterIP', clusterIP: kind === 'StatefulSet' ? 'None' : undefined, selector, ports: svcPorts },
    };
    w.service = svc;
  }
  return w;
}

function kubeSystem() {
  const ns = { name: 'kube-system', team: 'platform', env: 'prod', apps: new Set(['coredns']), workloads: [], services: [], policies: [], docs: [] };
  const labels = { 'k8s-app': 'kube-dns' };
  const ports = [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
  ];
  const dep = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' } },
    spec: {
      replicas: 2, selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: 'system-cluster-critical', serviceAccountName: 'coredns',
          containers: [{
            name: 'coredns', image: 'registry.k8s.io/coredns/coredns:v1.11.1', args: flow(['-conf', '/etc/coredns/Corefile']),
            ports,
            resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
            livenessProbe: { httpGet: { path: '/health', port: 8080, scheme: 'HTTP' }, initialDelaySeconds: 60 },
            readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } },
            volumeMounts: [{ name: 'config-volume', mountPath: '/etc/coredns', readOnly: true }],
          }],
          volumes: [{ name: 'config-volume', configMap: { name: 'coredns', items: [{ key: 'Corefile', path: 'Corefile' }] } }],
        },
      },
    },
  };
  const svc = {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' } },
    spec: {
      selector: labels, clusterIP: '10.96.0.10',
      ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, protocol: 'TCP' }],
    },
  };
  ns.workloads.push({ kind: 'Deployment', app: 'coredns', tier: 'infra', ports, podLabels: labels, obj: dep, service: svc, ns });
  return ns;
}

const DNS_EGRESS_RULE = () => ({
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
});
const policyTypes = (rng, types) => (rng.chance(0.3) ? flow(types) : types);

function makePolicy(rng, ns, ordinal, all, defects) {
  const pick = () => rng.pick(ns.workloads);
  const appSel = (w) => ({ matchLabels: rng.chance(0.7) ? { app: w.app } : { app: w.app, tier: w.tier } });
  let pattern;
  if (ordinal === 0) pattern = rng.weighted([['default-deny-all', 5], ['default-deny-ingress', 4], ['allow-same-namespace', 1]]);
  else if (ordinal === 1) pattern = rng.weighted([['allow-dns-egress', 6], ['allow-same-namespace', 2], ['app-to-app', 3]]);
  else pattern = rng.weighted([
    ['app-to-app', 30], ['allow-from-namespace', 10], ['allow-from-namespace-pods', 6], ['allow-dns-egress', 4],
    ['egress-ipblock', 6], ['allow-all-egress', 3], ['allow-all-ingress', 1], ['port-range', 4],
    ['match-expressions', 8], ['allow-same-namespace', 3], ['allow-monitoring', 5], ['deny-egress-app', 2],
  ]);
  if (ns.workloads.length === 0 && ['app-to-app', 'allow-from-namespace-pods', 'egress-ipblock', 'port-range', 'allow-monitoring', 'deny-egress-app', 'allow-all-ingress'].includes(pattern)) pattern = 'default-deny-ingress';
  let name = pattern;
  let spec;
  const portRef = (w) => { // named (60%) or numbered (40%) reference to one of w's ports
    const p = rng.pick(w.ports);
    if (rng.chance(0.02)) { defects.namedPortMissing++; return { protocol: 'TCP', port: 'http-alt' }; }
    return rng.chance(0.6) ? { protocol: p.protocol, port: p.name } : { protocol: p.protocol, port: p.containerPort };
  };
  const maybeDangling = (sel) => {
    if (rng.chance(0.02)) { defects.policySelectsNothing++; return { matchLabels: { app: 'decommissioned-svc' } }; }
    return sel;
  };
  switch (pattern) {
    case 'default-deny-all':
      spec = { podSelector: {}, policyTypes: policyTypes(rng, ['Ingress', 'Egress']) };
      break;
    case 'default-deny-ingress':
      spec = { podSelector: {}, policyTypes: policyTypes(rng, ['Ingress']) };
      break;
    case 'allow-same-namespace':
      spec = { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] };
      break;
    case 'allow-dns-egress':
      spec = { podSelector: {}, policyTypes: policyTypes(rng, ['Egress']), egress: [DNS_EGRESS_RULE()] };
      break;
    case 'app-to-app': {
      const dst = pick(), src = pick();
      name = `allow-${src.app}-to-${dst.app}`;
      const ports = [portRef(dst)];
      if (dst.ports.length > 1 && rng.chance(0.3)) ports.push(portRef(dst));
      spec = { podSelector: maybeDangling(appSel(dst)), policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: src.app } } }], ports }] };
      break;
    }
    case 'allow-from-namespace': {
      const other = rng.pick(all);
      const byName = rng.chance(0.5);
      name = `allow-from-${byName ? other.name : 'team-' + other.team}`;
      const nsSel = byName ? { matchLabels: { 'kubernetes.io/metadata.name': other.name } } : { matchLabels: { team: other.team } };
      const rule = { from: [{ namespaceSelector: nsSel }] };
      const tw = ns.workloads.length && rng.chance(0.6) ? pick() : null;
      if (tw && rng.chance(0.5)) rule.ports = [portRef(tw)];
      spec = { podSelector: tw ? appSel(tw) : {}, policyTypes: ['Ingress'], ingress: [rule] };
      break;
    }
    case 'allow-from-namespace-pods': { // namespaceSelector AND podSelector in one peer
      const other = rng.pick(all);
      const dst = pick();
      const src = other.workloads.length ? rng.pick(other.workloads) : null;
      name = `allow-${other.name}-to-${dst.app}`;
      const peer = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': other.name } }, podSelector: src ? { matchLabels: { app: src.app } } : {} };
      spec = { podSelector: maybeDangling(appSel(dst)), policyTypes: ['Ingress'], ingress: [{ from: [peer], ports: [portRef(dst)] }] };
      break;
    }
    case 'egress-ipblock': {
      const w = pick();
      name = `allow-${w.app}-external-https`;
      spec = {
        podSelector: { matchLabels: { app: w.app } }, policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
          ...(rng.chance(0.5) ? [{ to: [{ ipBlock: { cidr: `10.${rng.int(0, 255)}.${rng.int(0, 15) * 16}.0/20` } }], ports: [{ protocol: 'TCP', port: 5432 }] }] : []),
        ],
      };
      break;
    }
    case 'allow-all-egress':
      spec = { podSelector: rng.chance(0.5) || !ns.workloads.length ? {} : { matchLabels: { app: pick().app } }, policyTypes: ['Egress'], egress: [{}] };
      break;
    case 'allow-all-ingress': {
      const w = pick();
      name = `allow-all-ingress-${w.app}`;
      spec = { podSelector: { matchLabels: { app: w.app } }, policyTypes: ['Ingress'], ingress: [{}] };
      break;
    }
    case 'port-range': {
      const w = pick();
      name = `allow-${w.app}-port-range`;
      const lo = rng.pick([30000, 32000, 7000, 9100]);
      const rule = rng.chance(0.5)
        ? { ingress: [{ from: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: lo, endPort: lo + rng.pick([10, 100, 767]) }] }] }
        : { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ protocol: 'TCP', port: lo, endPort: lo + rng.pick([10, 100, 767]) }] }] };
      spec = { podSelector: { matchLabels: { app: w.app } }, policyTypes: ['ingress' in rule ? 'Ingress' : 'Egress'], ...rule };
      break;
    }
    case 'match-expressions': {
      name = 'allow-tiers-from-non-dev';
      const tiers = rng.sample(['frontend', 'api', 'backend', 'worker'], rng.int(1, 3));
      const podSelector = { matchExpressions: [{ key: 'tier', operator: 'In', values: rng.chance(0.5) ? flow(tiers) : tiers }] };
      if (rng.chance(0.3)) podSelector.matchExpressions.push({ key: 'version', operator: 'NotIn', values: ['v1.0.0'] });
      const peers = [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }, { key: 'team', operator: 'Exists' }] } }];
      if (rng.chance(0.4)) peers.push({ podSelector: { matchExpressions: [{ key: 'app.kubernetes.io/part-of', operator: 'Exists' }, { key: 'tier', operator: 'DoesNotExist' }] } });
      spec = { podSelector, policyTypes: ['Ingress'], ingress: [{ from: peers, ports: [{ protocol: 'TCP', port: 'http' }, { protocol: 'TCP', port: 9090 }] }] };
      break;
    }
    case 'allow-monitoring':
      spec = {
        podSelector: {}, policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'prometheus' } } }], ports: [{ protocol: 'TCP', port: 'metrics' }, { protocol: 'TCP', port: 9100, endPort: 9110 }] }],
      };
      break;
    case 'deny-egress-app': {
      const w = pick();
      name = `deny-egress-${w.app}`;
      spec = { podSelector: { matchLabels: { app: w.app } }, policyTypes: ['Egress'], egress: [] };
      break;
    }
    default: throw new Error(`pattern ${pattern}`);
  }
  // unique name within namespace
  if (ns.policyNames.has(name)) { let i = 2; while (ns.policyNames.has(`${name}-${i}`)) i++; name = `${name}-${i}`; }
  ns.policyNames.add(name);
  const obj = {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name, namespace: ns.name, labels: { team: ns.team, 'policy.example.com/pattern': pattern } },
    spec,
  };
  ns.policies.push({ pattern, obj });
  return pattern;
}

// ---------------------------------------------------------------- main
function main() {
  const opts = parseArgs(process.argv.slice(2));
  const t0 = process.hrtime.bigint();
  const rng = makeRng(`gen-workspace:${opts.seed}`);
  const defects = { policySelectsNothing: 0, namedPortMissing: 0, serviceSelectsNothing: 0 };
  const nss = buildNamespaces(rng, opts.namespaces);
  const ks = kubeSystem();
  for (const ns of [...nss, ks]) ns.policyNames = new Set();

  // workloads
  const wl = allocate(rng, opts.workloads, nss.length, 1);
  const kindMix = [['Deployment', 70], ['StatefulSet', 15], ['DaemonSet', 5], ['Pod', 10]];
  for (let i = 0; i < nss.length; i++) for (let j = 0; j < wl[i]; j++) makeWorkload(rng, nss[i], j, rng.weighted(kindMix), defects);

  // policies: split proportionally-ish over application namespaces
  const pc = allocate(rng, opts.policies, nss.length, 0);
  const patterns = {};
  const all = [...nss, ks];
  for (let i = 0; i < nss.length; i++) for (let j = 0; j < pc[i]; j++) {
    const p = makePolicy(rng, nss[i], j, all, defects);
    patterns[p] = (patterns[p] || 0) + 1;
  }

  // documents, grouped per namespace folder and category
  const groups = []; // { dir, category, docs: [{obj, comment}] }
  for (const ns of [ks, ...nss]) {
    const dir = ns.name === 'kube-system' ? 'clusters/prod/platform/kube-system' : `clusters/${ns.env}/${ns.team}/${ns.name}`;
    groups.push({ dir, category: 'namespace', docs: [{ obj: {
      apiVersion: 'v1', kind: 'Namespace',
      metadata: { name: ns.name, labels: { 'kubernetes.io/metadata.name': ns.name, team: ns.team, env: ns.env }, annotations: { 'owner.example.com/slack': `#${ns.team}-oncall` } },
    } }] });
    const wdocs = [], units = [];
    for (const w of ns.workloads) {
      const unit = [{ obj: w.obj, comment: rng.chance(0.2) ? `${w.kind} ${w.app} (${w.tier})` : undefined }];
      if (w.service) unit.push({ obj: w.service });
      wdocs.push(...unit); units.push(unit);
    }
    if (wdocs.length) groups.push({ dir, category: 'workloads', docs: wdocs, units });
    if (ns.policies.length) groups.push({ dir, category: 'network-policies', docs: ns.policies.map((p) => ({ obj: p.obj, comment: rng.chance(0.3) ? `pattern: ${p.pattern}` : undefined })) });
  }

  // chunk into files
  const files = []; // { rel, docs }
  const chunkName = (g, idx) => {
    if (g.category === 'namespace') return `${g.dir}/namespace${idx ? '-' + idx : ''}.yaml`;
    if (g.category === 'workloads') return `${g.dir}/workloads/apps-${String(idx + 1).padStart(3, '0')}.yaml`;
    return `${g.dir}/network-policies/netpol-${String(idx + 1).padStart(3, '0')}.yaml`;
  };
  if (opts.files > 0) {
    // exactly min(F, docs) files: split the ordered document stream into F near-equal chunks
    const stream = [];
    for (const g of groups) for (const d of g.docs) stream.push({ g, d });
    const F = Math.min(opts.files, stream.length);
    const perDir = new Map();
    for (let k = 0; k < F; k++) {
      const a = Math.floor((k * stream.length) / F), b = Math.floor(((k + 1) * stream.length) / F);
      const g = stream[a].g;
      const key = `${g.dir}|${g.category}`;
      const idx = perDir.get(key) || 0; perDir.set(key, idx + 1);
      files.push({ rel: chunkName(g, idx), docs: stream.slice(a, b).map((x) => x.d) });
    }
  } else {
    for (const g of groups) {
      const D = g.category === 'namespace' ? 1 : opts.docsPerFile;
      // a workload and its Service stay in one file; a file gets at most D documents unless one unit is larger
      const units = g.units || g.docs.map((d) => [d]);
      let cur = [], idx = 0;
      for (const u of units) {
        if (cur.length && cur.length + u.length > D) { files.push({ rel: chunkName(g, idx++), docs: cur }); cur = []; }
        cur.push(...u);
      }
      if (cur.length) files.push({ rel: chunkName(g, idx++), docs: cur });
    }
  }

  // output directory
  const out = path.resolve(opts.out);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) {
    if (!opts.force) die(`${opts.out} exists and is not empty (use --force to replace it)`);
    fs.rmSync(out, { recursive: true, force: true });
  }
  fs.mkdirSync(out, { recursive: true });

  const hash = crypto.createHash('sha256');
  const made = new Set();
  const kinds = {};
  let bytes = 0, lines = 0, docs = 0, maxFileLines = 0;
  for (const f of files) {
    const seqIndent = rng.chance(0.7) ? 0 : 2;
    const parts = [];
    if (rng.chance(0.25)) parts.push('# Managed by the GitOps pipeline. Changes outside main are reverted.\n');
    for (let i = 0; i < f.docs.length; i++) {
      const d = f.docs[i];
      if (i > 0 || rng.chance(0.15)) parts.push('---\n');
      parts.push(emitDoc(d, seqIndent));
      kinds[d.obj.kind] = (kinds[d.obj.kind] || 0) + 1;
      docs++;
    }
    const text = parts.join('');
    const abs = path.join(out, f.rel);
    const dir = path.dirname(abs);
    if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
    fs.writeFileSync(abs, text);
    hash.update(f.rel); hash.update('\0'); hash.update(text); hash.update('\0');
    const buf = Buffer.byteLength(text);
    bytes += buf;
    let n = 0; for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
    lines += n; if (n > maxFileLines) maxFileLines = n;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const summary = {
    seed: opts.seed, namespaces: nss.length + 1, files: files.length, docs, bytes, lines, maxFileLines,
    kinds: Object.fromEntries(Object.entries(kinds).sort()),
    policyPatterns: Object.fromEntries(Object.entries(patterns).sort()),
    defects, sha256: hash.digest('hex'),
  };
  process.stdout.write(JSON.stringify(summary) + '\n');
  if (!opts.quiet) process.stderr.write(`gen-workspace: wrote ${files.length} files (${(bytes / 1048576).toFixed(1)} MiB) in ${ms.toFixed(0)} ms\n`);
}

main();
