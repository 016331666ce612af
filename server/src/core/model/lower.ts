/**
 * Lowering: YAML documents → typed resources, every field with its span. Never throws: wrong types
 * and unknown NetworkPolicy fields become `invalid-field` findings; kinds netpol-lens does not model
 * are skipped silently.
 */
import { isMap, isScalar, type Document, type Pair, type Scalar, type YAMLMap } from 'yaml';
import type { Located, Span } from '../text/span';
import { didYouMean } from '../text/words';
import { NodeReader, spanOf } from '../yaml/node';
import type { Finding } from './finding';
import { workloadId } from './ids';
import { WORKLOAD_KINDS } from './types';
import { fillName, MAX_SHARDS, producerFor, type PodProducer } from './pod-producers';
import { isDomainName, type ClusterPolicyResource } from './cluster-policy';
import { clusterPolicyKind, lowerClusterPolicy } from './lower-cluster-policy';
import type {
  ContainerPort,
  DocRef,
  IpBlock,
  LabelPair,
  LabelSelector,
  NamespaceResource,
  NetworkPolicyResource,
  OtherPolicy,
  Peer,
  PolicyRule,
  PortEntry,
  Protocol,
  Resource,
  RuleList,
  SelectorRequirement,
  ServicePort,
  ServiceResource,
  WorkloadResource,
} from './types';

/** The pre-1.7 namespace isolation annotation, ignored by every Kubernetes since (deprecated-api-version). */
export const BETA_ISOLATION_ANNOTATION = 'net.beta.kubernetes.io/network-policy';

/** The workload kinds whose pods come from `spec.template` (every workload kind but Pod). */
const POD_TEMPLATE_KINDS = new Set<string>(WORKLOAD_KINDS.filter((k) => k !== 'Pod'));
const LIST_ITEM_KIND: Record<string, string> = {
  PodList: 'Pod',
  NamespaceList: 'Namespace',
  ServiceList: 'Service',
  NetworkPolicyList: 'NetworkPolicy',
  DeploymentList: 'Deployment',
  StatefulSetList: 'StatefulSet',
  DaemonSetList: 'DaemonSet',
  ReplicaSetList: 'ReplicaSet',
  ReplicationControllerList: 'ReplicationController',
  JobList: 'Job',
  CronJobList: 'CronJob',
};
/** The top-level fields of every kind netpol-lens models (Kubernetes API conventions). */
const TOP_LEVEL_KEYS: readonly string[] = ['apiVersion', 'kind', 'metadata', 'spec', 'status'];
/** API groups whose kinds netpol-lens models (Calico's and Cilium's own NetworkPolicy kinds are other groups). */
const K8S_GROUPS = new Set(['', 'apps', 'batch', 'extensions', 'networking.k8s.io']);

export interface LoweredFile {
  readonly resources: Resource[];
  readonly problems: Finding[];
  /** Policies of kinds the engine does not evaluate (policy-kind-not-analysed). */
  readonly otherPolicies: OtherPolicy[];
  /** Custom resources of kinds netpol-lens does not know (evidence of pods made at run time). */
  readonly customResources: CustomResourceRef[];
  /** ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy (lower-cluster-policy.ts). */
  readonly clusterPolicies: ClusterPolicyResource[];
}

/** `NetworkPolicyResource.namespaceSource` of a policy that took the configured default namespace. */
export const DEFAULT_NAMESPACE_SOURCE = 'the default namespace (netpolLens.defaultNamespace, --namespace)';

/** How a file is lowered beyond its text: settings of the folder or command line it is read under. */
export interface LowerOptions {
  /** The namespace of documents without `metadata.namespace` (`kubectl apply -n`); default `default`. */
  readonly defaultNamespace?: string;
  /** Pod producers besides the built-in ones (model/pod-producers.ts); these win on the same kind. */
  readonly podProducers?: readonly PodProducer[];
}

/** EKS's ApplicationNetworkPolicy: a NetworkPolicy with `domainNames` egress peers (lowered as one). */
const AWS_ANP_VERSION = 'networking.k8s.aws/v1alpha1';

interface OtherPolicyKind {
  readonly engine: string;
  readonly precedence: string;
}

const CILIUM: OtherPolicyKind = {
  engine: 'Cilium',
  precedence:
    'Cilium enforces it together with the NetworkPolicies: its allow rules add to theirs and its deny rules override every allow.',
};
const CALICO: OtherPolicyKind = {
  engine: 'Calico',
  precedence:
    'Calico evaluates it in tier and order with the Kubernetes NetworkPolicies: its Deny and Pass actions can override what they allow.',
};
const ANP: OtherPolicyKind = {
  engine: 'the AdminNetworkPolicy API',
  precedence: 'It is evaluated before every NetworkPolicy: its Allow and Deny rules override theirs.',
};
const BANP: OtherPolicyKind = {
  engine: 'the AdminNetworkPolicy API',
  precedence: 'It is evaluated after the NetworkPolicies, for the traffic they do not isolate.',
};
const CNP: OtherPolicyKind = {
  engine: 'the ClusterNetworkPolicy API',
  precedence: 'Its Admin tier is evaluated before every NetworkPolicy and its Baseline tier after them.',
};
const AWS: OtherPolicyKind = {
  engine: 'the AWS network policy agent',
  precedence: 'The EKS network policy agent enforces it together with the NetworkPolicies.',
};

/** Policy kinds by API group, then kind. A group missing here is not a policy API netpol-lens knows of. */
const OTHER_POLICY_KINDS: ReadonlyMap<string, ReadonlyMap<string, OtherPolicyKind>> = new Map([
  [
    'cilium.io',
    new Map([
      ['CiliumNetworkPolicy', CILIUM],
      ['CiliumClusterwideNetworkPolicy', CILIUM],
    ]),
  ],
  [
    'projectcalico.org',
    new Map([
      ['NetworkPolicy', CALICO],
      ['GlobalNetworkPolicy', CALICO],
    ]),
  ],
  [
    'crd.projectcalico.org',
    new Map([
      ['NetworkPolicy', CALICO],
      ['GlobalNetworkPolicy', CALICO],
    ]),
  ],
  [
    'policy.networking.k8s.io',
    new Map([
      ['AdminNetworkPolicy', ANP],
      ['BaselineAdminNetworkPolicy', BANP],
      ['ClusterNetworkPolicy', CNP],
    ]),
  ],
  [
    'networking.k8s.aws',
    new Map([
      ['ClusterNetworkPolicy', AWS],
      ['ApplicationNetworkPolicy', AWS],
    ]),
  ],
]);

/**
 * A custom resource of a kind netpol-lens neither models nor knows as configuration: its API group
 * is not a Kubernetes one (no `.k8s.io` suffix, has a dot). Its controller may run pods that no
 * manifest holds.
 */
export interface CustomResourceRef {
  readonly doc: DocRef;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string | undefined;
  /** `metadata.namespace` (or the default namespace); undefined without either (maybe cluster-scoped). */
  readonly namespace: string | undefined;
}

/** Lowers every document but those with errors and those listed in `skip` (by docIndex: templates). */
export function lowerDocuments(
  uri: string,
  docs: ReadonlyArray<Document.Parsed>,
  skip?: ReadonlySet<number>,
  options: LowerOptions = {},
): LoweredFile {
  const out: LoweredFile = {
    resources: [],
    problems: [],
    otherPolicies: [],
    customResources: [],
    clusterPolicies: [],
  };
  docs.forEach((doc, docIndex) => {
    if (doc.errors.length > 0 || skip?.has(docIndex)) return;
    const r = new NodeReader(doc);
    const root = r.map(doc.contents);
    if (!root) return;
    const lw = new Lowerer(uri, docIndex, r, out, options);
    lw.object(root, [], undefined);
    if (r.exhausted) {
      out.problems.push({
        code: 'unreadable-file',
        severity: 'warning',
        uri,
        span: spanOf(doc.contents),
        message: 'This document expands to too many nodes (aliases?); only part of it was analysed.',
      });
    }
  });
  return out;
}

function groupOf(apiVersion: string | undefined): string | undefined {
  if (apiVersion === undefined) return undefined;
  const i = apiVersion.indexOf('/');
  return i < 0 ? '' : apiVersion.slice(0, i);
}

class Lowerer {
  constructor(
    private readonly uri: string,
    private readonly docIndex: number,
    readonly r: NodeReader,
    private readonly out: LoweredFile,
    private readonly options: LowerOptions,
  ) {}

  /** The namespace of an object without `metadata.namespace`. */
  private get defaultNamespace(): string {
    return this.options.defaultNamespace || 'default';
  }

  problem(span: Span, message: string, code = 'invalid-field'): void {
    this.out.problems.push({ code, severity: 'error', uri: this.uri, span, message });
  }

  // ---------- scalar readers ----------

  str(n: unknown, what: string, report = true): Located<string> | undefined {
    const s = this.r.scalar(n);
    if (!s) {
      if (report && n != null && !(isScalar(n) && n.value == null))
        this.problem(spanOf(n), `${what} must be a string.`);
      return undefined;
    }
    if (s.value == null) return undefined;
    if (typeof s.value === 'object') return undefined;
    return { value: s.toString(), span: spanOf(s) };
  }

  num(n: unknown, what: string): Located<number> | undefined {
    const s = this.r.scalar(n);
    if (!s || s.value == null) {
      if (n != null && !(isScalar(n) && n.value == null))
        this.problem(spanOf(n), `${what} must be a number.`);
      return undefined;
    }
    if (typeof s.value === 'number') return { value: s.value, span: spanOf(s) };
    this.problem(spanOf(s), `${what} must be a number, not "${s.toString()}".`);
    return undefined;
  }

  private bool(n: unknown): boolean {
    const s = this.r.scalar(n);
    return s?.value === true;
  }

  private labels(
    n: unknown,
    what: string,
  ): { labels: Record<string, string>; pairs: LabelPair[]; span: Span | undefined } {
    const labels: Record<string, string> = {};
    const pairs: LabelPair[] = [];
    if (n == null) return { labels, pairs, span: undefined };
    const m = this.r.map(n);
    if (!m) {
      if (!(isScalar(n) && n.value == null))
        this.problem(spanOf(n), `${what} must be a map of label keys to values.`);
      return { labels, pairs, span: undefined };
    }
    for (const e of this.r.entries(m)) {
      const v = this.r.scalar(e.pair.value);
      const value = v?.value == null ? '' : v.toString();
      labels[e.key] = value;
      pairs.push({
        key: { value: e.key, span: spanOf(e.keyNode) },
        value: { value, span: v ? spanOf(v) : spanOf(e.keyNode) },
      });
    }
    return { labels, pairs, span: spanOf(m) };
  }

  // ---------- objects ----------

  object(m: YAMLMap, path: Array<string | number>, defaultKind: string | undefined): void {
    const kind = this.str(this.r.get(m, 'kind'), 'kind', false)?.value ?? defaultKind;
    const apiVersion = this.str(this.r.get(m, 'apiVersion'), 'apiVersion', false);
    if (!kind) return;
    if (kind === 'List' || kind.endsWith('List')) {
      const items = this.r.seq(this.r.get(m, 'items'));
      if (!items) return;
      const itemKind = LIST_ITEM_KIND[kind];
      items.items.forEach((it, i) => {
        const im = this.r.map(it);
        if (im) this.object(im, [...path, 'items', i], itemKind);
      });
      return;
    }
    const group = groupOf(apiVersion?.value);
    const doc: DocRef = { uri: this.uri, docIndex: this.docIndex, path, span: spanOf(m) };
    const tiered = clusterPolicyKind(apiVersion?.value, kind);
    if (apiVersion && tiered) {
      const p = lowerClusterPolicy(this, m, doc, apiVersion, tiered);
      if (p) this.out.clusterPolicies.push(p);
      return;
    }
    if (apiVersion?.value === AWS_ANP_VERSION && kind === 'ApplicationNetworkPolicy') {
      this.topLevelKeys(m, kind);
      const p = this.networkPolicy(m, doc, apiVersion, 'ApplicationNetworkPolicy');
      if (p) this.out.resources.push(p);
      return;
    }
    const other = group === undefined ? undefined : OTHER_POLICY_KINDS.get(group)?.get(kind);
    if (other && apiVersion) {
      const kindNode = this.r.scalar(this.r.get(m, 'kind'));
      const { name, nsField } = this.meta(m);
      this.out.otherPolicies.push({
        doc,
        apiVersion,
        kind: { value: kind, span: kindNode ? spanOf(kindNode) : apiVersion.span },
        name,
        namespace: nsField?.value,
        engine: other.engine,
        precedence: other.precedence,
      });
      return;
    }
    if (group !== undefined && !K8S_GROUPS.has(group)) {
      const producer = producerFor(group, kind, this.options.podProducers);
      if (producer) this.out.resources.push(...this.produced(m, doc, producer));
      else if (isCustomGroup(group) && apiVersion) {
        const { name, nsField } = this.meta(m);
        this.out.customResources.push({
          doc,
          apiVersion: apiVersion.value,
          kind,
          name: name?.value,
          namespace: nsField?.value || this.options.defaultNamespace || undefined,
        });
      }
      return;
    }
    if (kind === 'NetworkPolicy') {
      if (group !== undefined && group !== 'networking.k8s.io' && group !== 'extensions') return;
      this.topLevelKeys(m, kind);
      const p = this.networkPolicy(m, doc, apiVersion);
      if (p) this.out.resources.push(p);
    } else if (kind === 'Namespace') {
      this.topLevelKeys(m, kind);
      const ns = this.namespace(m, doc);
      if (ns) this.out.resources.push(ns);
    } else if (kind === 'Service') {
      this.topLevelKeys(m, kind);
      const s = this.service(m, doc);
      if (s) this.out.resources.push(s);
    } else if (kind === 'Pod' || POD_TEMPLATE_KINDS.has(kind)) {
      this.topLevelKeys(m, kind);
      const w = this.workload(m, doc, kind);
      if (w) this.out.resources.push(w);
    }
  }

  /**
   * The top level of an object of a kind netpol-lens models holds only apiVersion, kind, metadata,
   * spec and status (every one of them has exactly these); anything else is an unknown field.
   */
  private topLevelKeys(m: YAMLMap, kind: string): void {
    for (const e of this.r.entries(m))
      if (!TOP_LEVEL_KEYS.includes(e.key))
        this.unknownKey(
          e.keyNode,
          e.key,
          TOP_LEVEL_KEYS,
          `a ${kind}`,
          `kubectl rejects the manifest (strict field validation) or the API server drops the field, so it has no effect${kind === 'NetworkPolicy' ? ': did you mean to put it under spec?' : '.'}`,
        );
  }

  private meta(m: YAMLMap): {
    meta: YAMLMap | undefined;
    name: Located<string> | undefined;
    nsField: Located<string> | undefined;
    metaKey: Span | undefined;
  } {
    const mp = this.r.pair(m, 'metadata');
    const meta = this.r.map(mp?.pair.value);
    const name = this.str(this.r.get(meta, 'name'), 'metadata.name');
    const nsField = this.str(this.r.get(meta, 'namespace'), 'metadata.namespace');
    return { meta, name, nsField, metaKey: mp ? spanOf(mp.keyNode) : undefined };
  }

  private namespace(m: YAMLMap, doc: DocRef): NamespaceResource | undefined {
    const { meta, name } = this.meta(m);
    if (!name) return undefined;
    const l = this.labels(this.r.get(meta, 'labels'), 'metadata.labels');
    const beta = this.r.pair(this.r.map(this.r.get(meta, 'annotations')), BETA_ISOLATION_ANNOTATION);
    const v = beta ? this.r.deref(beta.pair.value) : undefined;
    return {
      kind: 'Namespace',
      doc,
      name,
      labels: l.labels,
      labelsSpan: l.span,
      labelPairs: l.pairs,
      ...(beta
        ? {
            betaIsolation: {
              span: spanOf(beta.keyNode),
              value: isScalar(v) && v.value != null ? v.toString() : '',
            },
          }
        : {}),
    };
  }

  private service(m: YAMLMap, doc: DocRef): ServiceResource | undefined {
    const { name, nsField } = this.meta(m);
    if (!name) return undefined;
    const spec = this.r.map(this.r.get(m, 'spec'));
    const selNode = this.r.get(spec, 'selector');
    const selector = selNode == null ? undefined : this.labels(selNode, 'spec.selector').labels;
    const ports: ServicePort[] = [];
    const ps = this.r.seq(this.r.get(spec, 'ports'));
    for (const it of ps?.items ?? []) {
      const pm = this.r.map(it);
      if (!pm) continue;
      const port = this.r.scalar(this.r.get(pm, 'port'))?.value;
      const tpNode = this.r.scalar(this.r.get(pm, 'targetPort'));
      const tp =
        tpNode && (typeof tpNode.value === 'number' || typeof tpNode.value === 'string')
          ? { value: tpNode.value, span: spanOf(tpNode) }
          : undefined;
      ports.push({
        span: spanOf(pm),
        name: this.str(this.r.get(pm, 'name'), 'name', false)?.value,
        port: typeof port === 'number' ? port : undefined,
        targetPort: tp,
        protocol: normProtocol(this.str(this.r.get(pm, 'protocol'), 'protocol', false)?.value) ?? 'TCP',
      });
    }
    const clusterIPs = new Set<string>();
    const cip = this.str(this.r.get(spec, 'clusterIP'), 'clusterIP', false)?.value;
    if (cip && cip !== 'None') clusterIPs.add(cip);
    for (const it of this.r.seq(this.r.get(spec, 'clusterIPs'))?.items ?? []) {
      const v = this.str(it, 'clusterIPs', false)?.value;
      if (v && v !== 'None') clusterIPs.add(v);
    }
    return {
      kind: 'Service',
      doc,
      name,
      namespace: nsField?.value || this.defaultNamespace,
      selector,
      ports,
      clusterIPs: [...clusterIPs],
    };
  }

  private workload(m: YAMLMap, doc: DocRef, kind: string): WorkloadResource | undefined {
    const { meta, name, nsField } = this.meta(m);
    if (!name) return undefined;
    if (kind === 'Pod' && name.value.startsWith('virt-launcher-')) return undefined;
    const namespace = nsField?.value || this.defaultNamespace;
    let template: YAMLMap | undefined;
    let podMeta: YAMLMap | undefined;
    let podSpec: YAMLMap | undefined;
    if (kind === 'Pod') {
      podMeta = meta;
      podSpec = this.r.map(this.r.get(m, 'spec'));
    } else {
      const specPath =
        kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
      template = this.r.map(this.r.path(m, ...specPath));
      podMeta = this.r.map(this.r.get(template, 'metadata'));
      podSpec = this.r.map(this.r.get(template, 'spec'));
    }
    const l = this.labels(this.r.get(podMeta, 'labels'), 'labels');
    const ports = this.containerPorts(this.r.get(podSpec, 'containers'));
    const ips = new Set<string>();
    if (kind === 'Pod') {
      const status = this.r.map(this.r.get(m, 'status'));
      const ip = this.str(this.r.get(status, 'podIP'), 'podIP', false)?.value;
      if (ip) ips.add(ip);
      for (const it of this.r.seq(this.r.get(status, 'podIPs'))?.items ?? []) {
        const v = this.str(this.r.get(this.r.map(it), 'ip'), 'ip', false)?.value;
        if (v) ips.add(v);
      }
    }
    let idName = name.value;
    let idKind = kind;
    if (kind === 'Pod') {
      const owner = this.owner(meta);
      if (owner) {
        idName = owner.name;
        idKind = owner.kind || 'Pod';
      }
    }
    return {
      kind: 'Workload',
      doc,
      workloadKind: idKind,
      namespace,
      name: idName,
      id: workloadId(namespace, idName, idKind),
      objectName: name,
      namespaceField: nsField,
      labels: l.labels,
      labelsSpan: l.span,
      ports,
      hostNetwork: this.bool(this.r.get(podSpec, 'hostNetwork')),
      ips: [...ips],
    };
  }

  /** The ports of a list of containers, or (`containerPort` or `port` in its items) of ports. */
  private containerPorts(n: unknown): ContainerPort[] {
    const ports: ContainerPort[] = [];
    const one = (p: unknown): void => {
      const pm = this.r.map(p);
      if (!pm) return;
      const cp = this.r.scalar(this.r.get(pm, 'containerPort') ?? this.r.get(pm, 'port'))?.value;
      if (typeof cp !== 'number') return;
      ports.push({
        name: this.str(this.r.get(pm, 'name'), 'name', false)?.value,
        port: cp,
        protocol: normProtocol(this.str(this.r.get(pm, 'protocol'), 'protocol', false)?.value) ?? 'TCP',
        span: spanOf(pm),
      });
    };
    for (const c of this.r.seq(n)?.items ?? []) {
      const cm = this.r.map(c);
      const cps = this.r.seq(this.r.get(cm, 'ports'));
      if (cps) for (const p of cps.items) one(p);
      else if (this.r.get(cm, 'containerPort') !== undefined) one(cm);
    }
    return ports;
  }

  /**
   * The workloads a controller makes of a custom resource (model/pod-producers.ts): one per shard,
   * named and labeled as the controller does, the spans those of the resource.
   */
  private produced(m: YAMLMap, doc: DocRef, producer: PodProducer): WorkloadResource[] {
    const { name, nsField } = this.meta(m);
    if (!name) return [];
    const namespace = nsField?.value || this.defaultNamespace;
    const kindNode = this.r.scalar(this.r.get(m, 'kind'));
    const at = kindNode ? spanOf(kindNode) : doc.span;
    const own = producer.labelsPath
      ? this.labels(this.r.path(m, ...producer.labelsPath), producer.labelsPath.join('.'))
      : { labels: {}, span: undefined };
    const fixed: Record<string, string> = {};
    for (const [k, v] of Object.entries(producer.labels ?? {})) fixed[k] = fillName(v, name.value);
    const ports: ContainerPort[] = [];
    for (const p of producer.ports ?? []) {
      if (p.unlessTrue && this.bool(this.r.path(m, ...p.unlessTrue))) continue;
      if (p.onlyIfSet) {
        const v = this.r.deref(this.r.path(m, ...p.onlyIfSet));
        if (v === undefined || (isScalar(v) && v.value == null)) continue;
      }
      const renamed = p.namePath
        ? this.str(this.r.path(m, ...p.namePath), 'portName', false)?.value
        : undefined;
      ports.push({ name: renamed || p.name, port: p.port, protocol: p.protocol, span: at });
    }
    if (producer.portsPath) ports.push(...this.containerPorts(this.r.path(m, ...producer.portsPath)));
    let shards = 1;
    if (producer.shards) {
      const v = this.r.scalar(this.r.path(m, ...producer.shards.path))?.value;
      if (typeof v === 'number' && Number.isInteger(v) && v > 1) shards = Math.min(v, MAX_SHARDS);
    }
    const named = producer.namePath
      ? this.str(this.r.path(m, ...producer.namePath), producer.namePath.join('.'), false)?.value
      : undefined;
    const base = named || fillName(producer.name, name.value);
    const out: WorkloadResource[] = [];
    for (let i = 0; i < shards; i++) {
      const wname = i === 0 ? base : `${base}-shard-${i}`;
      const labels = { ...own.labels, ...fixed };
      if (producer.shards) labels[producer.shards.label] = String(i);
      out.push({
        kind: 'Workload',
        doc,
        workloadKind: producer.workloadKind,
        namespace,
        name: wname,
        id: workloadId(namespace, wname, producer.workloadKind),
        objectName: name,
        namespaceField: nsField,
        labels,
        labelsSpan: own.span,
        ports,
        hostNetwork: false,
        ips: [],
        producedBy: { kind: kindNode?.toString() ?? producer.kind, source: producer.source },
      });
    }
    return out;
  }

  /** The controlling owner of a Pod (`controller: true`), else its first non-Node owner. */
  private owner(meta: YAMLMap | undefined): { name: string; kind: string | undefined } | undefined {
    const refs = this.r.seq(this.r.get(meta, 'ownerReferences'))?.items ?? [];
    let first: { name: string; kind: string | undefined } | undefined;
    for (const it of refs) {
      const om = this.r.map(it);
      const name = this.str(this.r.get(om, 'name'), 'name', false)?.value;
      const kind = this.str(this.r.get(om, 'kind'), 'kind', false)?.value;
      if (!name || kind === 'Node') continue;
      if (this.bool(this.r.get(om, 'controller'))) return { name, kind };
      first ??= { name, kind };
    }
    return first;
  }

  // ---------- NetworkPolicy ----------

  private networkPolicy(
    m: YAMLMap,
    doc: DocRef,
    apiVersion: Located<string> | undefined,
    sourceKind?: 'ApplicationNetworkPolicy',
  ): NetworkPolicyResource | undefined {
    const { name, nsField, metaKey } = this.meta(m);
    if (!name) {
      this.problem(
        spanOf(m),
        `This ${sourceKind ?? 'NetworkPolicy'} has no metadata.name; add one so that it can be applied.`,
      );
      return undefined;
    }
    const specPair = this.r.pair(m, 'spec');
    const spec = this.r.map(specPair?.pair.value);
    if (specPair && !spec && !(isScalar(specPair.pair.value) && specPair.pair.value.value == null)) {
      this.problem(spanOf(specPair.pair.value), 'spec must be a map.');
    }
    let podSelector: LabelSelector | undefined;
    let podSelectorNullKey: Span | undefined;
    let policyTypes: NetworkPolicyResource['policyTypes'];
    let ingress: RuleList | undefined;
    let egress: RuleList | undefined;
    if (spec) {
      for (const e of this.r.entries(spec)) {
        switch (e.key) {
          case 'podSelector':
            podSelector = this.selector(e.pair, 'spec.podSelector');
            if (e.pair.value == null || (isScalar(e.pair.value) && e.pair.value.value == null))
              podSelectorNullKey = spanOf(e.keyNode);
            break;
          case 'policyTypes': {
            const items = this.stringList(e.pair.value, 'policyTypes');
            policyTypes = {
              keySpan: spanOf(e.keyNode),
              span: spanOf(e.pair.value, spanOf(e.keyNode)),
              items,
            };
            break;
          }
          case 'ingress':
            ingress = this.rules(e.pair, e.keyNode, 'ingress');
            break;
          case 'egress':
            egress = this.rules(e.pair, e.keyNode, 'egress', sourceKind !== undefined);
            break;
          default:
            this.unknownKey(e.keyNode, e.key, SPEC_KEYS, `${sourceKind ?? 'NetworkPolicy'} spec`);
        }
      }
    }
    return {
      kind: 'NetworkPolicy',
      ...(sourceKind ? { sourceKind } : {}),
      doc,
      apiVersion,
      name,
      namespaceField: nsField,
      namespace: nsField?.value || this.defaultNamespace,
      // the namespace it is applied in was given (kubectl -n): no missing-namespace
      ...(!nsField?.value && this.options.defaultNamespace
        ? { namespaceSource: DEFAULT_NAMESPACE_SOURCE }
        : {}),
      metadataKeySpan: metaKey,
      spec: specPair
        ? { keySpan: spanOf(specPair.keyNode), span: spanOf(specPair.pair.value, spanOf(specPair.keyNode)) }
        : undefined,
      podSelector,
      ...(podSelectorNullKey ? { podSelectorNullKey } : {}),
      policyTypes,
      ingress,
      egress,
    };
  }

  unknownKey(
    keyNode: Scalar,
    key: string,
    known: readonly string[],
    where: string,
    effect = 'The API server rejects it (or drops it), so this part of the policy has no effect.',
  ): void {
    const guess = didYouMean(key, known);
    this.problem(
      spanOf(keyNode),
      `Unknown field "${key}" in ${where}${guess ? `: did you mean "${guess}"?` : `; expected one of ${known.join(', ')}.`} ${guess ? effect.replace(/: did you mean to put it under spec\?$/, '.') : effect}`,
    );
  }

  private stringList(n: unknown, what: string): Array<Located<string>> {
    if (n == null) return [];
    const s = this.r.seq(n);
    if (!s) {
      if (!(isScalar(n) && n.value == null)) this.problem(spanOf(n), `${what} must be a list.`);
      return [];
    }
    const out: Array<Located<string>> = [];
    for (const it of s.items) {
      const v = this.str(it, `${what} entries`);
      if (v) out.push(v);
    }
    return out;
  }

  selector(pair: Pair, what: string): LabelSelector | undefined {
    const keySpan = spanOf(pair.key);
    const v = pair.value;
    if (v == null || (isScalar(v) && v.value == null)) {
      // `podSelector:` with nothing: null in the API
      return undefined;
    }
    const m = this.r.map(v);
    if (!m) {
      this.problem(
        spanOf(v),
        `${what} must be a label selector (a map with matchLabels and/or matchExpressions).`,
      );
      return undefined;
    }
    let matchLabels: LabelPair[] = [];
    let matchLabelsSpan: Span | undefined;
    let matchLabelsNull = false;
    const matchExpressions: SelectorRequirement[] = [];
    let matchExpressionsSpan: Span | undefined;
    for (const e of this.r.entries(m)) {
      if (e.key === 'matchLabels') {
        const lv = this.r.deref(e.pair.value);
        if (lv === undefined || (isScalar(lv) && lv.value == null)) matchLabelsNull = true;
        const l = this.labels(e.pair.value, `${what}.matchLabels`);
        matchLabels = l.pairs;
        matchLabelsSpan = l.span ?? spanOf(e.keyNode);
      } else if (e.key === 'matchExpressions') {
        matchExpressionsSpan = spanOf(e.pair.value, spanOf(e.keyNode));
        if (e.pair.value == null || (isScalar(e.pair.value) && e.pair.value.value == null)) continue;
        const s = this.r.seq(e.pair.value);
        if (!s) {
          this.problem(
            spanOf(e.pair.value),
            `${what}.matchExpressions must be a list of {key, operator, values}.`,
          );
          continue;
        }
        for (const it of s.items) {
          const rm = this.r.map(it);
          if (!rm) {
            this.problem(
              spanOf(it),
              `Each matchExpressions entry must be a map with key, operator and values.`,
            );
            continue;
          }
          let values: Array<Located<string>> | undefined;
          let valuesSpan: Span | undefined;
          let key: Located<string> | undefined;
          let operator: Located<string> | undefined;
          for (const re of this.r.entries(rm)) {
            if (re.key === 'key') key = this.str(re.pair.value, 'key');
            else if (re.key === 'operator') operator = this.str(re.pair.value, 'operator');
            else if (re.key === 'values') {
              valuesSpan = spanOf(re.pair.value, spanOf(re.keyNode));
              values = this.stringList(re.pair.value, 'values');
            } else
              this.unknownKey(re.keyNode, re.key, ['key', 'operator', 'values'], 'a matchExpressions entry');
          }
          matchExpressions.push({ span: spanOf(rm), key, operator, values, valuesSpan });
        }
      } else {
        this.unknownKey(e.keyNode, e.key, ['matchLabels', 'matchExpressions'], what);
      }
    }
    return {
      span: spanOf(m),
      keySpan,
      matchLabels,
      matchLabelsSpan,
      ...(matchLabelsNull ? { matchLabelsNull: true as const } : {}),
      matchExpressions,
      matchExpressionsSpan,
    };
  }

  private rules(pair: Pair, keyNode: Scalar, dir: 'ingress' | 'egress', domains = false): RuleList {
    const keySpan = spanOf(keyNode);
    const v = pair.value;
    const rules: PolicyRule[] = [];
    if (v == null || (isScalar(v) && v.value == null)) return { keySpan, span: keySpan, rules };
    const s = this.r.seq(v);
    if (!s) {
      this.problem(
        spanOf(v),
        `spec.${dir} must be a list of rules (e.g. "${dir}:\\n- ${dir === 'ingress' ? 'from' : 'to'}: …"), not a ${isMap(v) ? 'map' : 'scalar'}.`,
      );
      return { keySpan, span: spanOf(v), rules };
    }
    const peerKey = dir === 'ingress' ? 'from' : 'to';
    s.items.forEach((it, index) => {
      const rm = this.r.map(it);
      if (!rm) {
        if (!(isScalar(it) && it.value == null))
          this.problem(spanOf(it), `Each ${dir} rule must be a map with "${peerKey}" and "ports".`);
        // `- ` with nothing: an empty rule
        rules.push({
          span: spanOf(it),
          index,
          peers: undefined,
          peersKeySpan: undefined,
          ports: undefined,
          portsKeySpan: undefined,
        });
        return;
      }
      let peers: Peer[] | undefined;
      let peersKeySpan: Span | undefined;
      let ports: PortEntry[] | undefined;
      let portsKeySpan: Span | undefined;
      let invalid = false;
      for (const e of this.r.entries(rm)) {
        if (e.key === peerKey) {
          peersKeySpan = spanOf(e.keyNode);
          const ps = this.peers(e.pair.value, `${dir}.${peerKey}`, domains);
          if (ps === null) invalid = true;
          peers = ps ?? [];
        } else if (e.key === 'ports') {
          portsKeySpan = spanOf(e.keyNode);
          const pt = this.ports(e.pair.value);
          if (pt === null) invalid = true;
          ports = pt ?? [];
        } else {
          this.unknownKey(e.keyNode, e.key, [peerKey, 'ports'], `an ${dir} rule`);
        }
      }
      rules.push({
        span: spanOf(rm),
        index,
        peers,
        peersKeySpan,
        ports,
        portsKeySpan,
        ...(invalid ? { invalid } : {}),
      });
    });
    return { keySpan, span: spanOf(s), rules };
  }

  /** The peers of a rule; null when the value has the wrong type. */
  private peers(n: unknown, what: string, domains = false): Peer[] | null {
    if (n == null || (isScalar(n) && n.value == null)) return [];
    const s = this.r.seq(n);
    if (!s) {
      this.problem(
        spanOf(n),
        `${what} must be a list of peers (podSelector / namespaceSelector / ipBlock), not a ${isMap(n) ? 'map' : 'scalar'}.`,
      );
      return null;
    }
    const out: Peer[] = [];
    let bad = false;
    s.items.forEach((it, index) => {
      const pm = this.r.map(it);
      if (!pm) {
        this.problem(
          spanOf(it),
          `Each ${what} entry must be a map with podSelector, namespaceSelector or ipBlock.`,
        );
        bad = true;
        return;
      }
      let podSelector: LabelSelector | undefined;
      let namespaceSelector: LabelSelector | undefined;
      let ipBlock: IpBlock | undefined;
      let domainNames: Array<Located<string>> | undefined;
      for (const e of this.r.entries(pm)) {
        if (e.key === 'podSelector') podSelector = this.selector(e.pair, 'podSelector');
        else if (e.key === 'namespaceSelector')
          namespaceSelector = this.selector(e.pair, 'namespaceSelector');
        else if (e.key === 'ipBlock') ipBlock = this.ipBlock(e.pair, e.keyNode);
        else if (e.key === 'domainNames' && domains) domainNames = this.domainNames(e.pair.value);
        else
          this.unknownKey(
            e.keyNode,
            e.key,
            domains
              ? ['podSelector', 'namespaceSelector', 'ipBlock', 'domainNames']
              : ['podSelector', 'namespaceSelector', 'ipBlock'],
            `a ${what} peer`,
          );
      }
      if (domainNames && (podSelector || namespaceSelector || ipBlock))
        this.problem(
          spanOf(pm),
          'domainNames cannot be combined with podSelector, namespaceSelector or ipBlock in one peer (the CRD rejects it); netpol-lens lets this peer match nothing. Give the domain names a peer of their own.',
        );
      out.push({
        span: spanOf(pm),
        index,
        podSelector,
        namespaceSelector,
        ipBlock,
        ...(domainNames ? { domainNames } : {}),
      });
    });
    // a list with entries of the wrong type is rejected by the API: never read it as "all peers"
    return bad ? null : out;
  }

  /** An ApplicationNetworkPolicy peer's `domainNames`: each checked against the CRD's pattern. */
  private domainNames(n: unknown): Array<Located<string>> {
    const names = this.stringList(n, 'domainNames');
    if (this.r.seq(n) && names.length === 0)
      this.problem(spanOf(n), 'domainNames is empty; the CRD requires at least one name.');
    for (const v of names)
      if (!isDomainName(v.value))
        this.problem(
          v.span,
          `"${v.value}" is not a domain name (labels of letters, digits, "-" and "_" joined by dots, "*." only as a prefix); the API server rejects it, and netpol-lens lets the name match nothing.`,
        );
    return names;
  }

  private ipBlock(pair: Pair, keyNode: Scalar): IpBlock | undefined {
    const m = this.r.map(pair.value);
    if (!m) {
      this.problem(
        spanOf(pair.value, spanOf(keyNode)),
        'ipBlock must be a map with cidr and optional except.',
      );
      return undefined;
    }
    let cidr: Located<string> | undefined;
    let except: Array<Located<string>> = [];
    for (const e of this.r.entries(m)) {
      if (e.key === 'cidr') cidr = this.str(e.pair.value, 'ipBlock.cidr');
      else if (e.key === 'except') except = this.stringList(e.pair.value, 'ipBlock.except');
      else this.unknownKey(e.keyNode, e.key, ['cidr', 'except'], 'ipBlock');
    }
    return { span: spanOf(m), keySpan: spanOf(keyNode), cidr, except };
  }

  /** The ports of a rule; null when the value has the wrong type. */
  private ports(n: unknown): PortEntry[] | null {
    if (n == null || (isScalar(n) && n.value == null)) return [];
    const s = this.r.seq(n);
    if (!s) {
      this.problem(spanOf(n), 'ports must be a list of {protocol, port, endPort}.');
      return null;
    }
    const out: PortEntry[] = [];
    let bad = false;
    s.items.forEach((it, index) => {
      const pm = this.r.map(it);
      if (!pm) {
        this.problem(spanOf(it), 'Each ports entry must be a map with protocol, port and optional endPort.');
        bad = true;
        return;
      }
      let protocol: Located<string> | undefined;
      let port: Located<number | string> | undefined;
      let endPort: Located<number> | undefined;
      for (const e of this.r.entries(pm)) {
        if (e.key === 'protocol') protocol = this.str(e.pair.value, 'protocol');
        else if (e.key === 'port') {
          const sc = this.r.scalar(e.pair.value);
          if (sc && (typeof sc.value === 'number' || typeof sc.value === 'string'))
            port = { value: sc.value, span: spanOf(sc) };
          else if (e.pair.value != null && !(sc && sc.value == null))
            this.problem(spanOf(e.pair.value), 'port must be a number or a port name.');
        } else if (e.key === 'endPort') endPort = this.num(e.pair.value, 'endPort');
        else this.unknownKey(e.keyNode, e.key, ['protocol', 'port', 'endPort'], 'a ports entry');
      }
      out.push({ span: spanOf(pm), index, protocol, port, endPort });
    });
    return bad ? null : out;
  }
}

const SPEC_KEYS = ['podSelector', 'policyTypes', 'ingress', 'egress'];

/** A custom resource's API group: has a dot and is not a Kubernetes group (`*.k8s.io`, `*.x-k8s.io` are). */
function isCustomGroup(group: string): boolean {
  return (
    group.includes('.') &&
    !group.endsWith('.k8s.io') &&
    !group.endsWith('.x-k8s.io') &&
    !OTHER_POLICY_KINDS.has(group)
  );
}

export function normProtocol(p: string | undefined): Protocol | undefined {
  if (p === undefined) return undefined;
  return p === 'TCP' || p === 'UDP' || p === 'SCTP' ? p : undefined;
}
