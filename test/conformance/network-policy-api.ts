/**
 * The network-policy-api conformance suite's ClusterNetworkPolicy tests, transcribed
 * (test/fixtures/conformance/network-policy-api, see its README.md): the upstream manifests as they
 * are, and per test the steps of its Go code — the mutations it makes to the policies and
 * namespaces, then the probes with their expected results — in `tests/<ShortName>.yaml`.
 *
 * This module plays the cluster: it applies the suite's templates (the host-network ports), turns
 * each StatefulSet of the base manifests into the Pods its controller makes (`<name>-0`, `<name>-1`,
 * with pod IPs), applies each step's mutations in order to the objects of the test, and asks the
 * analysis for the verdict of each probe.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, parse, stringify } from 'yaml';
import { analyseTexts } from '../support/load';

export const NPA_DIR = join(
  __dirname,
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'conformance',
  'network-policy-api',
);

const NS_PREFIX = 'network-policy-conformance-';
/** suite.go: HostNetworkPortRangeStart defaults to 34345, eight ports. */
export const HOST_NETWORK_PORTS = Array.from({ length: 8 }, (_, i) => 34345 + i);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Probe {
  readonly text: string;
  readonly src: string;
  readonly dst: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly allow: boolean;
}

export interface Step {
  readonly name: string;
  readonly line: number;
  readonly mutate: readonly Obj[];
  readonly probes: readonly Probe[];
}

export interface NpaTest {
  readonly test: string;
  readonly source: string;
  readonly manifests: readonly string[];
  readonly steps: readonly Step[];
}

/** `{{ index .HostNetworkPorts N }}` as the suite's applier (utils/kubernetes/apply.go) fills it. */
export function applyTemplate(text: string): string {
  return text.replace(/\{\{\s*index \.HostNetworkPorts (\d+)\s*\}\}/g, (_m, n: string) =>
    String(HOST_NETWORK_PORTS[Number(n)]),
  );
}

function parseProbe(text: string): Probe {
  const m = /^(\S+)\/(\S+) -> (\S+)\/(\S+) (\d+)\/(TCP|UDP|SCTP) (allow|deny)$/.exec(text);
  if (!m) throw new Error(`bad probe: ${text}`);
  return {
    text,
    src: `${NS_PREFIX}${m[1]}/${m[2]}[Pod]`,
    dst: `${NS_PREFIX}${m[3]}/${m[4]}[Pod]`,
    port: Number(m[5]),
    protocol: m[6] as Probe['protocol'],
    allow: m[7] === 'allow',
  };
}

export function loadNpaTests(): NpaTest[] {
  const dir = join(NPA_DIR, 'tests');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const raw = parse(readFileSync(join(dir, f), 'utf8')) as {
        test: string;
        source: string;
        manifests: string[];
        steps: { name: string; line: number; mutate?: Obj[]; probes: string[] }[];
      };
      return {
        test: raw.test,
        source: raw.source,
        manifests: raw.manifests,
        steps: raw.steps.map((s) => ({
          name: s.name,
          line: s.line,
          mutate: s.mutate ?? [],
          probes: s.probes.map(parseProbe),
        })),
      };
    });
}

function docsOf(text: string): Obj[] {
  return parseAllDocuments(applyTemplate(text))
    .map((d) => d.toJS() as unknown)
    .filter(isObj);
}

const readUpstream = (rel: string): string => readFileSync(join(NPA_DIR, 'upstream', 'base', rel), 'utf8');

/**
 * The base manifests as the cluster runs them: the Namespaces, and for each StatefulSet its
 * replicas as Pods. Pod IPs: 10.244.<namespace>.<ordinal + 10>; host-network pods have their
 * node's address (172.18.0.<ordinal + 2>).
 */
export function baseObjects(): Obj[] {
  const out: Obj[] = [];
  let nsIndex = 0;
  const nsNumber = new Map<string, number>();
  for (const d of docsOf(readUpstream('manifests.yaml'))) {
    if (d.kind === 'Namespace') {
      out.push(d);
      nsNumber.set(String((d.metadata as Obj).name), ++nsIndex);
      continue;
    }
    if (d.kind !== 'StatefulSet') throw new Error(`unexpected base kind ${String(d.kind)}`);
    const meta = d.metadata as Obj;
    const spec = d.spec as Obj;
    const template = spec.template as Obj;
    const tmeta = template.metadata as Obj;
    const podSpec = template.spec as Obj;
    const ns = String(meta.namespace);
    for (let i = 0; i < Number(spec.replicas); i++) {
      const ip = podSpec.hostNetwork === true ? `172.18.0.${i + 2}` : `10.244.${nsNumber.get(ns)}.${i + 10}`;
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${String(meta.name)}-${i}`, namespace: ns, labels: tmeta.labels },
        spec: podSpec,
        status: { hostIP: `172.18.0.${i + 2}`, podIP: ip, podIPs: [{ ip }] },
      });
    }
  }
  return out;
}

const clone = <T>(v: T): T => structuredClone(v);

function podIp(objects: readonly Obj[], ref: string): string {
  const [ns, name] = ref.split('/');
  const pod = objects.find(
    (o) =>
      o.kind === 'Pod' &&
      (o.metadata as Obj).name === name &&
      (o.metadata as Obj).namespace === `${NS_PREFIX}${ns}`,
  );
  if (!pod) throw new Error(`no pod ${ref}`);
  return String((pod.status as Obj).podIP);
}

/** `$ip(ns/pod)` in a transcribed value: that pod's IP (the Go code reads `Status.PodIP`). */
function withIps(v: unknown, objects: readonly Obj[]): unknown {
  if (typeof v === 'string') return v.replace(/\$ip\(([^)]+)\)/g, (_m, ref: string) => podIp(objects, ref));
  if (Array.isArray(v)) return v.map((x) => withIps(x, objects));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, withIps(x, objects)]));
  return v;
}

function rulesOf(policy: Obj, dir: unknown): unknown[] {
  const spec = policy.spec as Obj;
  const rules = spec[String(dir)];
  if (!Array.isArray(rules)) throw new Error(`policy has no ${String(dir)} rules`);
  return rules;
}

/** One transcribed mutation, in place (the Go code's DeepCopy + Patch/Delete/SetLabels). */
export function mutate(objects: Obj[], op: Obj): void {
  if (typeof op.namespace === 'string' && isObj(op.labels) && op.delete === undefined) {
    const ns = objects.find(
      (o) => o.kind === 'Namespace' && (o.metadata as Obj).name === `${NS_PREFIX}${String(op.namespace)}`,
    );
    if (!ns) throw new Error(`no namespace ${String(op.namespace)}`);
    (ns.metadata as Obj).labels = clone(op.labels); // SetLabels replaces them all
    return;
  }
  if (typeof op.delete === 'string') {
    const i = objects.findIndex(
      (o) =>
        o.kind === op.delete &&
        (o.metadata as Obj).name === op.name &&
        (o.metadata as Obj).namespace === `${NS_PREFIX}${String(op.namespace)}`,
    );
    if (i < 0) throw new Error(`nothing to delete: ${JSON.stringify(op)}`);
    objects.splice(i, 1);
    return;
  }
  const policy = objects.find(
    (o) => o.kind === 'ClusterNetworkPolicy' && (o.metadata as Obj).name === op.policy,
  );
  if (!policy) throw new Error(`no ClusterNetworkPolicy ${String(op.policy)}`);
  if (typeof op.swap === 'string' && Array.isArray(op.rules)) {
    const rules = rulesOf(policy, op.swap);
    const [a, b] = op.rules as [number, number];
    const t = rules[a];
    rules[a] = rules[b];
    rules[b] = t;
  } else if (typeof op.prepend === 'string') {
    rulesOf(policy, op.prepend).unshift(withIps(clone(op.rule), objects));
  } else if (Array.isArray(op.rule) && isObj(op.set)) {
    const [dir, index] = op.rule as [string, number];
    const rule = rulesOf(policy, dir)[index];
    if (!isObj(rule)) throw new Error(`no ${dir} rule ${index}`);
    Object.assign(rule, clone(op.set));
  } else if (isObj(op.set)) {
    Object.assign(policy.spec as Obj, clone(op.set));
  } else throw new Error(`unknown mutation ${JSON.stringify(op)}`);
}

export interface ProbeResult {
  readonly test: string;
  readonly step: number;
  readonly probe: Probe;
  readonly got: boolean | string;
}

/** Every probe of one test, the steps run in order on one cluster state. */
export function runNpaTest(t: NpaTest): ProbeResult[] {
  const objects = [...baseObjects(), ...t.manifests.flatMap((m) => docsOf(readUpstream(m)))];
  const results: ProbeResult[] = [];
  t.steps.forEach((s, i) => {
    for (const op of s.mutate) mutate(objects, op);
    const a = analyseTexts({ 'cluster.yaml': objects.map((o) => stringify(o)).join('---\n') });
    for (const p of s.probes) {
      const r = a.explain(p.src, p.dst, { port: p.port, protocol: p.protocol });
      results.push({ test: t.test, step: i + 1, probe: p, got: r.ok ? r.explanation.allowed : r.error });
    }
  });
  return results;
}
