/**
 * The v1alpha1 → v1alpha2 migration of a cluster-wide policy (docs/checks.md
 * "deprecated-api-version"): an AdminNetworkPolicy or BaselineAdminNetworkPolicy
 * (`policy.networking.k8s.io/v1alpha1`, network-policy-api up to v0.1.7) rewritten into the
 * ClusterNetworkPolicy (`v1alpha2`, v0.2.0) that decides the same connections, as CST-preserving
 * operations (`YamlOp`, applied by fixes/fix.ts through yaml/edit.ts: comments and layout outside
 * the rewritten nodes stay as written).
 *
 * The mapping (upstream `apis/v1alpha2/clusternetworkpolicy_types.go` and the v1alpha2 announcement,
 * "AdminNetworkPolicy becomes a ClusterNetworkPolicy with tier=Admin and BaselineAdminNetworkPolicy
 * becomes a ClusterNetworkPolicy with tier=Baseline"):
 * - `kind` and `apiVersion`; `spec.tier: Admin` (AdminNetworkPolicy) or `Baseline`
 *   (BaselineAdminNetworkPolicy), written before the first key of the spec;
 * - `priority`: an AdminNetworkPolicy keeps its own (both versions take 0–1000, lower first); a
 *   BaselineAdminNetworkPolicy had none (it was the only Baseline policy) and gets `priority: 0`,
 *   first within the Baseline tier;
 * - rule `action: Allow` → `Accept` (Deny and Pass unchanged);
 * - rule `ports` → `protocols`: `portNumber {protocol, port}` → `<tcp|udp|sctp>: {destinationPort:
 *   {number}}`, `portRange {protocol, start, end}` → `<proto>: {destinationPort: {range: {start,
 *   end}}}` (protocol TCP when omitted, as v1alpha1 defaults it), `namedPort` →
 *   `destinationNamedPort`;
 * - subject and peers: `namespaces` and `pods` are the same label selectors; the earlier v1alpha1
 *   shapes (`namespaces: {namespaceSelector: …}`, `pods: {namespaces: {namespaceSelector: …},
 *   podSelector: …}`) become the selectors they wrap; `networks` and `nodes` are unchanged.
 *
 * No migration (and the reason, for the finding's message) when the result would not mean the same
 * or would be rejected: `sameLabels` / `notSameLabels` / `related` namespace peers (v1alpha2 has no
 * form for a peer relative to the subject's namespace: it takes one rule per namespace, which only
 * the author can write), a BaselineAdminNetworkPolicy rule with `Pass` (rejected in v1alpha1, valid in
 * v1alpha2: the meaning would change), more than 25 rules, peers or ports (v1alpha2's limits; v1alpha1
 * took 100), and any shape the API server rejects in v1alpha1 (fix it first: invalid-field,
 * cluster-policy-limit).
 */
import type { YamlOp } from './finding';
import type { YamlPath, YamlValue } from '../yaml/edit';

export const V1ALPHA1 = 'policy.networking.k8s.io/v1alpha1';
export const V1ALPHA2 = 'policy.networking.k8s.io/v1alpha2';

export type MigrationPlan =
  | { readonly ok: true; readonly ops: YamlOp[]; readonly tier: 'Admin' | 'Baseline' }
  | { readonly ok: false; readonly why: string };

type Obj = { readonly [key: string]: unknown };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const keys = (o: Obj): string[] => Object.keys(o);

/** v1alpha2 takes at most 25 rules per direction, peers per rule and protocols per rule. */
const V2_MAX = 25;

class NoMigration extends Error {}
const no = (why: string): never => {
  throw new NoMigration(why);
};

/**
 * The operations rewriting the v1alpha1 object `obj` (its plain data, `toJS`) found at `path` of
 * document `docIndex` into a ClusterNetworkPolicy, or why it cannot be rewritten.
 */
export function planMigration(obj: unknown, docIndex: number, path: YamlPath): MigrationPlan {
  try {
    return plan(obj, docIndex, path);
  } catch (e) {
    if (e instanceof NoMigration) return { ok: false, why: e.message };
    return { ok: false, why: 'its shape could not be read' };
  }
}

function plan(obj: unknown, docIndex: number, path: YamlPath): MigrationPlan {
  if (!isObj(obj) || obj.apiVersion !== V1ALPHA1) return no(`it is not a ${V1ALPHA1} object`);
  const kind = obj.kind;
  if (kind !== 'AdminNetworkPolicy' && kind !== 'BaselineAdminNetworkPolicy')
    return no('it is not an AdminNetworkPolicy or a BaselineAdminNetworkPolicy');
  const baseline = kind === 'BaselineAdminNetworkPolicy';
  const ops: YamlOp[] = [];
  const op: Emit = (o) => {
    ops.push({ ...o, docIndex });
  };
  op({ op: 'replace', path: [...path, 'apiVersion'], value: V1ALPHA2 });
  op({ op: 'replace', path: [...path, 'kind'], value: 'ClusterNetworkPolicy' });
  const spec = obj.spec;
  if (!isObj(spec)) return no('it has no spec map');
  const specPath = [...path, 'spec'];
  const known = baseline ? ['subject', 'ingress', 'egress'] : ['priority', 'subject', 'ingress', 'egress'];
  const unknown = keys(spec).find((k) => !known.includes(k));
  if (unknown !== undefined) return no(`its spec has the field "${unknown}", which ${kind} does not have`);
  const first = keys(spec)[0];
  const before = first !== undefined ? { before: first } : {};
  op({ op: 'set', path: specPath, key: 'tier', value: baseline ? 'Baseline' : 'Admin', ...before });
  if (baseline) op({ op: 'set', path: specPath, key: 'priority', value: 0, after: 'tier' });
  else {
    const p = spec.priority;
    if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p > 1000)
      return no('its spec.priority is not an integer from 0 to 1000');
  }
  subject(spec.subject, [...specPath, 'subject'], op);
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = spec[dir];
    if (rules === undefined || rules === null) continue;
    if (!Array.isArray(rules)) return no(`its spec.${dir} is not a list`);
    if (rules.length > V2_MAX)
      return no(
        `its spec.${dir} has ${rules.length} rules and a ClusterNetworkPolicy takes at most ${V2_MAX}: split it into several policies first`,
      );
    rules.forEach((r: unknown, i) => rule(r, dir, baseline, [...specPath, dir, i], op));
  }
  return { ok: true, ops, tier: baseline ? 'Baseline' : 'Admin' };
}

/** An op without its document (distributive over the union). */
type OpIn<T> = T extends YamlOp ? Omit<T, 'docIndex'> : never;
type Emit = (o: OpIn<YamlOp>) => void;

function subject(s: unknown, at: YamlPath, op: Emit): void {
  if (!isObj(s) || keys(s).length !== 1)
    return no('its spec.subject does not hold exactly one of namespaces or pods');
  if ('namespaces' in s) {
    if (s.namespaces !== null && !isObj(s.namespaces))
      return no('its subject.namespaces is not a label selector');
    selector(s.namespaces, 'subject.namespaces');
    return;
  }
  if ('pods' in s) {
    const v = pods(s.pods, 'subject.pods');
    if (v) op({ op: 'rename', path: at, key: 'pods', newKey: 'pods', value: v });
    return;
  }
  return no(`its spec.subject has the field "${keys(s)[0] ?? ''}"`);
}

const SELECTOR_KEYS = ['matchLabels', 'matchExpressions'];

/** A label selector as it is (null is `{}`); anything else cannot be migrated. */
function selector(v: unknown, what: string): void {
  if (v === null || v === undefined) return;
  if (!isObj(v)) return no(`its ${what} is not a label selector`);
  const bad = keys(v).find((k) => !SELECTOR_KEYS.includes(k));
  if (bad !== undefined)
    return no(`its ${what} has the field "${bad}", which a label selector does not have`);
}

/**
 * A v1alpha1 `namespaces` peer value: a label selector (returned undefined: unchanged), or the
 * earlier NamespacedPeer `{namespaceSelector: …}` (returned: the selector it wraps).
 */
function namespacesPeer(v: unknown, what: string): YamlValue | undefined {
  if (isObj(v)) {
    for (const relative of ['sameLabels', 'notSameLabels', 'related'])
      if (relative in v)
        return no(
          `its ${what} uses ${relative}, a peer relative to the subject's namespace, which ClusterNetworkPolicy v1alpha2 has no form for: write one rule per namespace (with its labels) by hand`,
        );
    if (keys(v).length === 1 && 'namespaceSelector' in v) {
      selector(v.namespaceSelector, `${what}.namespaceSelector`);
      return (v.namespaceSelector ?? {}) as YamlValue;
    }
  }
  selector(v, what);
  return undefined;
}

/** A v1alpha1 `pods` value: the same (undefined), or the earlier shape rewritten (returned). */
function pods(v: unknown, what: string): YamlValue | undefined {
  if (!isObj(v)) return no(`its ${what} is not a map of namespaceSelector and podSelector`);
  const bad = keys(v).find((k) => k !== 'namespaceSelector' && k !== 'podSelector' && k !== 'namespaces');
  if (bad !== undefined) return no(`its ${what} has the field "${bad}"`);
  selector(v.podSelector, `${what}.podSelector`);
  if ('namespaces' in v) {
    if ('namespaceSelector' in v) return no(`its ${what} has both namespaces and namespaceSelector`);
    const ns = namespacesPeer(v.namespaces, `${what}.namespaces`);
    const sel = ns === undefined ? ((v.namespaces ?? {}) as YamlValue) : ns;
    return { namespaceSelector: sel, podSelector: (v.podSelector ?? {}) as YamlValue };
  }
  selector(v.namespaceSelector, `${what}.namespaceSelector`);
  return undefined;
}

const PEERS = { ingress: 'from', egress: 'to' } as const;

function rule(r: unknown, dir: 'ingress' | 'egress', baseline: boolean, at: YamlPath, op: Emit): void {
  const where = `${dir} rule ${Number(at[at.length - 1]) + 1}`;
  if (!isObj(r)) return no(`its ${where} is not a map`);
  const peersKey = PEERS[dir];
  const bad = keys(r).find((k) => !['name', 'action', peersKey, 'ports'].includes(k));
  if (bad !== undefined) return no(`its ${where} has the field "${bad}"`);
  const actions = baseline ? ['Allow', 'Deny'] : ['Allow', 'Deny', 'Pass'];
  if (typeof r.action !== 'string' || !actions.includes(r.action))
    return no(`the action of its ${where} is not one of ${actions.join(', ')}`);
  if (r.action === 'Allow') op({ op: 'replace', path: [...at, 'action'], value: 'Accept' });
  if (r.name !== undefined && (typeof r.name !== 'string' || r.name.length > 100))
    return no(`the name of its ${where} is not a string of at most 100 characters`);
  const peers = r[peersKey];
  if (!Array.isArray(peers) || peers.length === 0) return no(`its ${where} has no "${peersKey}" peers`);
  if (peers.length > V2_MAX)
    return no(
      `its ${where} has ${peers.length} peers and v1alpha2 takes at most ${V2_MAX}: split the rule first`,
    );
  const allowed = dir === 'ingress' ? ['namespaces', 'pods'] : ['namespaces', 'pods', 'nodes', 'networks'];
  let addressPeer = false;
  peers.forEach((pe: unknown, k) => {
    const pwhere = `${where}, peer ${k + 1}`;
    if (!isObj(pe) || keys(pe).length !== 1) return no(`its ${pwhere} does not hold exactly one field`);
    const field = keys(pe)[0] as string;
    if (!allowed.includes(field)) return no(`its ${pwhere} has the field "${field}"`);
    const pePath = [...at, peersKey, k];
    if (field === 'namespaces') {
      const v = namespacesPeer(pe.namespaces, `${pwhere} namespaces`);
      if (v !== undefined)
        op({ op: 'rename', path: pePath, key: 'namespaces', newKey: 'namespaces', value: v });
    } else if (field === 'pods') {
      const v = pods(pe.pods, `${pwhere} pods`);
      if (v !== undefined) op({ op: 'rename', path: pePath, key: 'pods', newKey: 'pods', value: v });
    } else if (field === 'nodes') {
      addressPeer = true;
      selector(pe.nodes, `${pwhere} nodes`);
    } else {
      addressPeer = true;
      const list = pe.networks;
      if (
        !Array.isArray(list) ||
        list.length === 0 ||
        list.length > V2_MAX ||
        !list.every((c) => typeof c === 'string')
      )
        return no(`its ${pwhere} networks is not a list of 1 to ${V2_MAX} CIDRs`);
    }
  });
  if (r.ports === undefined) return;
  const ports = r.ports;
  if (!Array.isArray(ports) || ports.length === 0)
    return no(`the ports of its ${where} are not a non-empty list`);
  if (ports.length > V2_MAX)
    return no(
      `its ${where} has ${ports.length} ports and v1alpha2 takes at most ${V2_MAX} protocols: split the rule first`,
    );
  const protocols = ports.map((p: unknown, k) => protocol(p, `${where}, port ${k + 1}`));
  if (addressPeer && protocols.some((p) => isObj(p) && 'destinationNamedPort' in p))
    return no(
      `its ${where} has a named port with networks or nodes peers, which the API server rejects: split the rule first`,
    );
  op({ op: 'rename', path: at, key: 'ports', newKey: 'protocols', value: protocols });
}

const PROTOCOLS: Readonly<Record<string, string>> = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' };
const isPort = (n: unknown): n is number =>
  typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535;

function protocol(p: unknown, where: string): YamlValue {
  if (!isObj(p) || keys(p).length !== 1)
    return no(`its ${where} does not hold exactly one of portNumber, portRange, namedPort`);
  if (typeof p.namedPort === 'string' && p.namedPort !== '') return { destinationNamedPort: p.namedPort };
  const v = p.portNumber ?? p.portRange;
  if (!isObj(v)) return no(`its ${where} is not a portNumber, portRange or namedPort`);
  const written = v.protocol ?? 'TCP';
  const proto = typeof written === 'string' ? PROTOCOLS[written] : undefined;
  if (!proto) return no(`the protocol of its ${where} is not TCP, UDP or SCTP`);
  if ('portNumber' in p) {
    if (!isPort(v.port) || keys(v).some((k) => k !== 'protocol' && k !== 'port'))
      return no(`its ${where} is not a portNumber {protocol, port} with a port from 1 to 65535`);
    return { [proto]: { destinationPort: { number: v.port } } };
  }
  if (
    !isPort(v.start) ||
    !isPort(v.end) ||
    v.start >= v.end ||
    keys(v).some((k) => !['protocol', 'start', 'end'].includes(k))
  )
    return no(`its ${where} is not a portRange {protocol, start, end} with 1 ≤ start < end ≤ 65535`);
  return { [proto]: { destinationPort: { range: { start: v.start, end: v.end } } } };
}
