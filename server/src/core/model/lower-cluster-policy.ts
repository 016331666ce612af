/**
 * Lowering of the cluster-wide policy kinds into the tiered model (model/cluster-policy.ts):
 * ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, network-policy-api v0.2.0) and
 * AdminNetworkPolicy / BaselineAdminNetworkPolicy (v1alpha1). Called from one place
 * (`Lowerer.object` in lower.ts) with the reader kit of lower.ts. Never throws: wrong shapes become
 * `invalid-field` findings and invalid parts (fail closed, semantics/tiers.ts).
 */
import { isAlias, isScalar, visit, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { planMigration, type MigrationPlan } from './migrate-cluster-policy';
import type { Located, Span } from '../text/span';
import { spanOf, type NodeReader } from '../yaml/node';
import {
  isDomainName,
  writtenKind,
  type ClusterPolicyKind,
  type ClusterPolicyResource,
  type ClusterSubject,
  type TierAction,
  type TierPeer,
  type TierPort,
  type TierRule,
} from './cluster-policy';
import type { DocRef, LabelSelector, Protocol } from './types';

/** The readers of lower.ts this module uses (the `Lowerer` passes itself). */
export interface LowerKit {
  readonly r: NodeReader;
  problem(span: Span, message: string): void;
  str(n: unknown, what: string, report?: boolean): Located<string> | undefined;
  num(n: unknown, what: string): Located<number> | undefined;
  selector(pair: Pair, what: string): LabelSelector | undefined;
  unknownKey(keyNode: Scalar, key: string, known: readonly string[], where: string): void;
}

export const CLUSTER_POLICY_GROUP = 'policy.networking.k8s.io';
export const AWS_POLICY_GROUP = 'networking.k8s.aws';

/** The kinds this module lowers, by `apiVersion` then `kind` (other versions stay `OtherPolicy`). */
const LOWERED: ReadonlyMap<string, ReadonlyMap<string, ClusterPolicyKind>> = new Map<
  string,
  ReadonlyMap<string, ClusterPolicyKind>
>([
  [`${CLUSTER_POLICY_GROUP}/v1alpha2`, new Map([['ClusterNetworkPolicy', 'ClusterNetworkPolicy']])],
  [
    `${CLUSTER_POLICY_GROUP}/v1alpha1`,
    new Map<string, ClusterPolicyKind>([
      ['AdminNetworkPolicy', 'AdminNetworkPolicy'],
      ['BaselineAdminNetworkPolicy', 'BaselineAdminNetworkPolicy'],
    ]),
  ],
  [`${AWS_POLICY_GROUP}/v1alpha1`, new Map([['ClusterNetworkPolicy', 'AWSClusterNetworkPolicy']])],
]);

/** The tiered kind an object of `apiVersion` and `kind` lowers to, if any. */
export function clusterPolicyKind(
  apiVersion: string | undefined,
  kind: string,
): ClusterPolicyKind | undefined {
  return apiVersion === undefined ? undefined : LOWERED.get(apiVersion)?.get(kind);
}

export function isClusterPolicyKind(apiVersion: string | undefined, kind: string): boolean {
  return clusterPolicyKind(apiVersion, kind) !== undefined;
}

/** What differs between the lowered kinds' schemas. */
interface Shape {
  /** `spec.tier` (v1alpha2 and EKS); else the kind is the tier. */
  readonly tiered: boolean;
  /** v1alpha2 `protocols`; else v1alpha1-style `ports`. */
  readonly protocols: boolean;
  readonly egressPeers: readonly string[];
  /** The action that accepts (`Accept`, v1alpha1 `Allow`). */
  readonly accept: string;
}

const SHAPES: Record<ClusterPolicyKind, Shape> = {
  ClusterNetworkPolicy: {
    tiered: true,
    protocols: true,
    egressPeers: ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'],
    accept: 'Accept',
  },
  AdminNetworkPolicy: {
    tiered: false,
    protocols: false,
    egressPeers: ['namespaces', 'pods', 'nodes', 'networks'],
    accept: 'Allow',
  },
  BaselineAdminNetworkPolicy: {
    tiered: false,
    protocols: false,
    egressPeers: ['namespaces', 'pods', 'nodes', 'networks'],
    accept: 'Allow',
  },
  // EKS: no nodes peer (amazon-network-policy-controller-k8s api/v1alpha1, Apache-2.0)
  AWSClusterNetworkPolicy: {
    tiered: true,
    protocols: false,
    egressPeers: ['namespaces', 'pods', 'networks', 'domainNames'],
    accept: 'Accept',
  },
};

const isNull = (n: unknown): boolean => n == null || (isScalar(n) && n.value == null);

export function lowerClusterPolicy(
  kit: LowerKit,
  m: YAMLMap,
  doc: DocRef,
  apiVersion: Located<string>,
  kind: ClusterPolicyKind,
): ClusterPolicyResource | undefined {
  const { r } = kit;
  const kindNode = r.scalar(r.get(m, 'kind'));
  const kindSpan = kindNode ? spanOf(kindNode) : apiVersion.span;
  const meta = r.map(r.get(m, 'metadata'));
  const name = kit.str(r.get(meta, 'name'), 'metadata.name');
  if (!name) {
    kit.problem(kindSpan, `This ${kind} has no metadata.name; add one so that it can be applied.`);
    return undefined;
  }
  const shape = SHAPES[kind];
  const shown = writtenKind(kind);
  const specPair = r.pair(m, 'spec');
  const spec = r.map(specPair?.pair.value);
  if (!spec) {
    kit.problem(
      specPair ? spanOf(specPair.pair.value) : kindSpan,
      `${shown} ${name.value} needs a spec map.`,
    );
    return undefined;
  }
  let tier: 'Admin' | 'Baseline' | undefined = kind === 'BaselineAdminNetworkPolicy' ? 'Baseline' : 'Admin';
  let tierField: Located<string> | undefined;
  let priority: Located<number> | undefined;
  let subject: ClusterSubject | undefined;
  let ingress: TierRule[] = [];
  let egress: TierRule[] = [];
  const known = shape.tiered
    ? ['tier', 'priority', 'subject', 'ingress', 'egress']
    : kind === 'AdminNetworkPolicy'
      ? ['priority', 'subject', 'ingress', 'egress']
      : ['subject', 'ingress', 'egress'];
  for (const e of r.entries(spec)) {
    if (!known.includes(e.key)) {
      kit.unknownKey(e.keyNode, e.key, known, `${shown} spec`);
      continue;
    }
    switch (e.key) {
      case 'tier':
        tierField = kit.str(e.pair.value, 'spec.tier');
        tier = tierField?.value === 'Admin' || tierField?.value === 'Baseline' ? tierField.value : undefined;
        break;
      case 'priority':
        priority = kit.num(e.pair.value, 'spec.priority');
        break;
      case 'subject':
        subject = lowerSubject(kit, e.pair, spanOf(e.keyNode));
        break;
      case 'ingress':
        ingress = lowerRules(kit, e.pair.value, 'ingress', kind);
        break;
      case 'egress':
        egress = lowerRules(kit, e.pair.value, 'egress', kind);
        break;
    }
  }
  if (shape.tiered && !tier) {
    kit.problem(
      tierField?.span ?? kindSpan,
      `spec.tier of ${shown} ${name.value} must be Admin or Baseline; the API server rejects the policy, so it is not analysed.`,
    );
    return undefined;
  }
  if (!subject) {
    kit.problem(kindSpan, `${shown} ${name.value} has no spec.subject: it selects no pods.`);
    subject = { kind: 'invalid', span: kindSpan, why: 'no subject' };
  }
  return {
    kind: 'ClusterPolicy',
    doc,
    apiVersion,
    sourceKind: kind,
    kindSpan,
    name,
    tier: tier ?? 'Admin',
    tierField,
    priority,
    subject,
    ingress,
    egress,
    ...(kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy'
      ? { migration: migrationOf(m, doc) }
      : {}),
  };
}

/** The v1alpha2 rewrite of a v1alpha1 object, planned from its plain data (no aliases followed). */
function migrationOf(m: YAMLMap, doc: DocRef): MigrationPlan {
  let alias = false;
  visit(m, {
    Alias() {
      alias = true;
      return visit.BREAK;
    },
  });
  if (alias || isAlias(m)) return { ok: false, why: 'it uses YAML aliases: rewrite it by hand' };
  try {
    return planMigration(m.toJSON(), doc.docIndex, doc.path);
  } catch {
    return { ok: false, why: 'its shape could not be read' };
  }
}

function lowerSubject(kit: LowerKit, pair: Pair, keySpan: Span): ClusterSubject {
  const m = kit.r.map(pair.value);
  if (!m) return { kind: 'invalid', span: keySpan, why: 'subject must be a map' };
  const entries = [...kit.r.entries(m)];
  const span = spanOf(m);
  if (entries.length !== 1)
    return { kind: 'invalid', span, why: 'subject takes exactly one of namespaces or pods' };
  const e = entries[0] as (typeof entries)[number];
  if (e.key === 'namespaces')
    return { kind: 'namespaces', span, namespaces: kit.selector(e.pair, 'subject.namespaces') };
  if (e.key === 'pods') {
    const sel = podsSelectors(kit, e.pair.value, 'subject.pods');
    return sel
      ? { kind: 'pods', span, ...sel }
      : { kind: 'invalid', span, why: 'subject.pods must be a map' };
  }
  kit.unknownKey(e.keyNode, e.key, ['namespaces', 'pods'], 'subject');
  return { kind: 'invalid', span, why: `unknown subject field "${e.key}"` };
}

/**
 * A peer's `namespaces`: a label selector (v1alpha1 from network-policy-api v0.1.5 on), or the
 * earlier v1alpha1 shape, a NamespacedPeer of which `{namespaceSelector: …}` is read as that
 * selector (kubernetes-sigs/network-policy-api `apis/v1alpha1/shared_types.go` before v0.1.5:
 * exactly one of related, namespaceSelector, sameLabels, notSameLabels; the examples of
 * policy-assistant still use it). Only the API version's name is the same: both shapes are accepted.
 */
function namespacesSelector(kit: LowerKit, pair: Pair, what: string): LabelSelector | undefined {
  const m = kit.r.map(pair.value);
  const inner = m ? kit.r.pair(m, 'namespaceSelector') : undefined;
  if (m && inner && [...kit.r.entries(m)].length === 1)
    return kit.selector(inner.pair, `${what}.namespaceSelector`);
  return kit.selector(pair, what);
}

function podsSelectors(
  kit: LowerKit,
  n: unknown,
  what: string,
): { namespaceSelector: LabelSelector | undefined; podSelector: LabelSelector | undefined } | undefined {
  const m = kit.r.map(n);
  if (!m) return undefined;
  let namespaceSelector: LabelSelector | undefined;
  let podSelector: LabelSelector | undefined;
  for (const e of kit.r.entries(m)) {
    if (e.key === 'namespaceSelector') namespaceSelector = kit.selector(e.pair, `${what}.namespaceSelector`);
    else if (e.key === 'podSelector') podSelector = kit.selector(e.pair, `${what}.podSelector`);
    // the earlier v1alpha1 NamespacedPodPeer: {namespaces: {namespaceSelector: …}, podSelector}
    else if (e.key === 'namespaces')
      namespaceSelector = namespacesSelector(kit, e.pair, `${what}.namespaces`);
    else kit.unknownKey(e.keyNode, e.key, ['namespaceSelector', 'podSelector'], what);
  }
  return { namespaceSelector, podSelector };
}

function lowerRules(
  kit: LowerKit,
  n: unknown,
  dir: 'ingress' | 'egress',
  kind: ClusterPolicyKind,
): TierRule[] {
  if (isNull(n)) return [];
  const s = kit.r.seq(n);
  if (!s) {
    kit.problem(spanOf(n), `spec.${dir} must be a list of rules.`);
    return [];
  }
  const out: TierRule[] = [];
  s.items.forEach((it, index) => {
    const m = kit.r.map(it);
    if (!m) {
      kit.problem(
        spanOf(it),
        `Each ${dir} rule must be a map with name, action and ${dir === 'ingress' ? 'from' : 'to'}.`,
      );
      return;
    }
    out.push(lowerRule(kit, m, index, dir, kind));
  });
  return out;
}

const PEERS_KEY = { ingress: 'from', egress: 'to' } as const;

const ACTIONS: Record<ClusterPolicyKind, readonly string[]> = {
  ClusterNetworkPolicy: ['Accept', 'Deny', 'Pass'],
  AdminNetworkPolicy: ['Allow', 'Deny', 'Pass'],
  BaselineAdminNetworkPolicy: ['Allow', 'Deny'],
  AWSClusterNetworkPolicy: ['Accept', 'Deny', 'Pass'],
};

function lowerRule(
  kit: LowerKit,
  m: YAMLMap,
  index: number,
  dir: 'ingress' | 'egress',
  kind: ClusterPolicyKind,
): TierRule {
  const shape = SHAPES[kind];
  const portsKey = shape.protocols ? 'protocols' : 'ports';
  const known = ['name', 'action', PEERS_KEY[dir], portsKey];
  let name: Located<string> | undefined;
  let actionField: Located<string> | undefined;
  let peers: TierPeer[] = [];
  let peersKeySpan: Span | undefined;
  let ports: TierPort[] | undefined;
  let portsKeySpan: Span | undefined;
  for (const e of kit.r.entries(m)) {
    if (e.key === 'name') name = kit.str(e.pair.value, 'rule name');
    else if (e.key === 'action') actionField = kit.str(e.pair.value, 'action');
    else if (e.key === PEERS_KEY[dir]) {
      peersKeySpan = spanOf(e.keyNode);
      peers = lowerPeers(kit, e.pair.value, dir, shape);
    } else if (e.key === portsKey) {
      portsKeySpan = spanOf(e.keyNode);
      ports = shape.protocols ? lowerProtocols(kit, e.pair.value) : lowerPortsV1(kit, e.pair.value);
    } else kit.unknownKey(e.keyNode, e.key, known, `a ${dir} rule`);
  }
  if (peers.length === 0)
    kit.problem(
      peersKeySpan ?? name?.span ?? spanOf(m),
      `This ${dir} rule has no "${PEERS_KEY[dir]}" peers; the API server requires at least one peer and rejects it, and netpol-lens fails the rule closed (an ${shape.accept} matches nothing, a Deny or Pass denies everything). List the peers it is about.`,
    );
  if (
    ports?.some((p) => p.kind === 'named') &&
    peers.some((p) => p.kind === 'networks' || p.kind === 'nodes' || p.kind === 'domainNames')
  )
    kit.problem(
      portsKeySpan ?? spanOf(m),
      `A named port cannot be used in a rule with networks, nodes or domainNames peers (they have no named ports); the API server rejects it, and netpol-lens fails the rule closed (an ${shape.accept} matches nothing, a Deny or Pass denies everything). Split the rule: named ports for the pods peers, port numbers for the others.`,
    );
  const a = actionField?.value;
  // the CRDs' enums: a BaselineAdminNetworkPolicy has no Pass (there is no tier after it)
  const actions = ACTIONS[kind];
  const action: TierAction | undefined =
    a === undefined || !actions.includes(a) ? undefined : a === 'Allow' ? 'Accept' : (a as TierAction);
  if (!action)
    kit.problem(
      actionField?.span ?? spanOf(m),
      `The action of this ${dir} rule must be one of ${actions.join(', ')}${a ? `, not "${a}"` : ''}${a === 'Pass' ? ' (a BaselineAdminNetworkPolicy is the last tier: there is nothing to pass to)' : ''}; the API server rejects it, and netpol-lens lets the rule match nothing.`,
    );
  // EKS's CRD (CEL on ClusterNetworkPolicyEgressRule): no domainNames in a Deny rule
  if (kind === 'AWSClusterNetworkPolicy' && action === 'Deny' && peers.some((p) => p.kind === 'domainNames'))
    kit.problem(
      actionField?.span ?? spanOf(m),
      'EKS rejects domainNames peers in a Deny rule (only Accept and Pass may name domains), and netpol-lens fails the rule closed (it denies everything). Deny by networks after an Accept of the domains instead.',
    );
  return {
    span: spanOf(m),
    index,
    direction: dir,
    name,
    actionField,
    action,
    peers,
    peersKeySpan,
    ports,
    portsKeySpan,
  };
}

function lowerPeers(kit: LowerKit, n: unknown, dir: 'ingress' | 'egress', shape: Shape): TierPeer[] {
  if (isNull(n)) return [];
  const s = kit.r.seq(n);
  if (!s) {
    kit.problem(spanOf(n), `${PEERS_KEY[dir]} must be a list of peers.`);
    return [];
  }
  const allowed = dir === 'ingress' ? ['namespaces', 'pods'] : shape.egressPeers;
  return s.items.map((it, index): TierPeer => {
    const span = spanOf(it);
    const m = kit.r.map(it);
    if (!m) return { span, index, kind: 'invalid', why: 'a peer must be a map' };
    const entries = [...kit.r.entries(m)];
    if (entries.length !== 1)
      return { span, index, kind: 'invalid', why: `a peer takes exactly one of ${allowed.join(', ')}` };
    const e = entries[0] as (typeof entries)[number];
    if (!allowed.includes(e.key)) {
      kit.unknownKey(e.keyNode, e.key, allowed, `a ${dir} peer`);
      return { span, index, kind: 'invalid', why: `"${e.key}" is not a ${dir} peer` };
    }
    switch (e.key) {
      case 'namespaces':
        return { span, index, kind: 'namespaces', namespaces: namespacesSelector(kit, e.pair, 'namespaces') };
      case 'nodes':
        return { span, index, kind: 'nodes', nodes: kit.selector(e.pair, 'nodes') };
      case 'pods': {
        const sel = podsSelectors(kit, e.pair.value, 'pods');
        return sel
          ? { span, index, kind: 'pods', ...sel }
          : { span, index, kind: 'invalid', why: 'pods must be a map' };
      }
      default: {
        const list = kit.r.seq(e.pair.value);
        if (!list) return { span, index, kind: 'invalid', why: `${e.key} must be a list` };
        const items: Array<Located<string>> = [];
        for (const x of list.items) {
          const v = kit.str(x, `${e.key} entries`);
          if (v) items.push(v);
          if (v && e.key === 'domainNames' && !isDomainName(v.value))
            kit.problem(
              v.span,
              `"${v.value}" is not a domain name (labels of letters, digits, "-" and "_" joined by dots, "*." only as a prefix); the API server rejects it, and netpol-lens fails the rule closed (an Accept matches nothing, a Deny or Pass denies everything).`,
            );
        }
        return e.key === 'networks'
          ? { span, index, kind: 'networks', cidrs: items }
          : { span, index, kind: 'domainNames', names: items };
      }
    }
  });
}

const PROTO_KEYS: Record<string, Protocol> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };

const validPort = (p: Located<number> | undefined): p is Located<number> =>
  p !== undefined && Number.isInteger(p.value) && p.value >= 1 && p.value <= 65535;

/** One key of a map, as `NodeReader.entries` yields it. */
type Entry = { readonly key: string; readonly pair: Pair; readonly keyNode: Scalar };

/**
 * The walk `protocols` (v1alpha2) and `ports` (v1alpha1) share: a list of entries, each a map
 * with exactly one of `keys`; `namedKey` names a container port; `entry` reads the others.
 */
function lowerPortList(
  kit: LowerKit,
  n: unknown,
  list: 'protocols' | 'ports',
  keys: readonly string[],
  namedKey: string,
  entry: (e: Entry, span: Span, index: number) => TierPort,
): TierPort[] {
  const s = kit.r.seq(n);
  if (!s) {
    kit.problem(spanOf(n), `${list} must be a list.`);
    return [{ span: spanOf(n), index: 0, kind: 'invalid', why: `${list} must be a list` }];
  }
  return s.items.map((it, index): TierPort => {
    const span = spanOf(it);
    const m = kit.r.map(it);
    const entries = m ? [...kit.r.entries(m)] : [];
    if (entries.length !== 1)
      return {
        span,
        index,
        kind: 'invalid',
        why: `a ${list} entry takes exactly one of ${keys.join(', ')}`,
      };
    const e = entries[0] as Entry;
    if (e.key === namedKey) {
      const v = kit.str(e.pair.value, namedKey);
      return v
        ? { span, index, kind: 'named', name: v.value }
        : { span, index, kind: 'invalid', why: 'empty named port' };
    }
    if (!keys.includes(e.key)) {
      kit.unknownKey(e.keyNode, e.key, keys, `a ${list} entry`);
      return { span, index, kind: 'invalid', why: `unknown ${list} field "${e.key}"` };
    }
    return entry(e, span, index);
  });
}

/** v1alpha2 `protocols`: each exactly one of tcp/udp/sctp `{destinationPort: {number} | {range}}` or `destinationNamedPort`. */
function lowerProtocols(kit: LowerKit, n: unknown): TierPort[] {
  return lowerPortList(
    kit,
    n,
    'protocols',
    ['tcp', 'udp', 'sctp', 'destinationNamedPort'],
    'destinationNamedPort',
    (e, span, index) => {
      const protocol = PROTO_KEYS[e.key] as Protocol;
      const dp = kit.r.map(kit.r.get(kit.r.map(e.pair.value), 'destinationPort'));
      const number = kit.num(kit.r.get(dp, 'number'), 'destinationPort.number');
      const range = kit.r.map(kit.r.get(dp, 'range'));
      if (dp && number && !range) {
        const n = number.value;
        return validPort(number)
          ? { span, index, kind: 'range', protocol, lo: n, hi: n }
          : { span, index, kind: 'invalid', why: `port ${n} is not in 1-65535` };
      }
      if (dp && range && !number) {
        const start = kit.num(kit.r.get(range, 'start'), 'range.start');
        const end = kit.num(kit.r.get(range, 'end'), 'range.end');
        if (validPort(start) && validPort(end) && start.value < end.value)
          return { span, index, kind: 'range', protocol, lo: start.value, hi: end.value };
        return { span, index, kind: 'invalid', why: 'a range needs start < end, both in 1-65535' };
      }
      return {
        span,
        index,
        kind: 'invalid',
        why: `${e.key} needs destinationPort with exactly one of number or range`,
      };
    },
  );
}

/** v1alpha1 `ports`: each exactly one of `portNumber {protocol, port}`, `namedPort`, `portRange {protocol, start, end}`. */
function lowerPortsV1(kit: LowerKit, n: unknown): TierPort[] {
  const proto = (m: YAMLMap | undefined): Protocol | undefined => {
    const p = kit.str(kit.r.get(m, 'protocol'), 'protocol')?.value ?? 'TCP';
    return p === 'TCP' || p === 'UDP' || p === 'SCTP' ? p : undefined;
  };
  return lowerPortList(
    kit,
    n,
    'ports',
    ['portNumber', 'namedPort', 'portRange'],
    'namedPort',
    (e, span, index) => {
      const pm = kit.r.map(e.pair.value);
      const protocol = proto(pm);
      if (e.key === 'portNumber') {
        const port = kit.num(kit.r.get(pm, 'port'), 'portNumber.port');
        if (protocol && validPort(port))
          return { span, index, kind: 'range', protocol, lo: port.value, hi: port.value };
        return {
          span,
          index,
          kind: 'invalid',
          why: 'portNumber needs a protocol (TCP, UDP, SCTP) and a port in 1-65535',
        };
      }
      const start = kit.num(kit.r.get(pm, 'start'), 'portRange.start');
      const end = kit.num(kit.r.get(pm, 'end'), 'portRange.end');
      if (protocol && validPort(start) && validPort(end) && start.value < end.value)
        return { span, index, kind: 'range', protocol, lo: start.value, hi: end.value };
      return {
        span,
        index,
        kind: 'invalid',
        why: 'portRange needs a protocol and start < end, both in 1-65535',
      };
    },
  );
}
