/**
 * The resource model: typed facts read from manifests, every field with the span of its YAML node.
 * Lowering keeps raw values (possibly invalid) so that checks can report them; the semantics layer
 * decides what invalid values mean (they match nothing).
 */
import type { Located, Span } from '../text/span';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type Labels = Readonly<Record<string, string>>;

export interface LabelPair {
  readonly key: Located<string>;
  readonly value: Located<string>;
}

export interface SelectorRequirement {
  readonly span: Span;
  readonly key: Located<string> | undefined;
  readonly operator: Located<string> | undefined;
  /** Absent when the `values` key is absent. */
  readonly values: ReadonlyArray<Located<string>> | undefined;
  readonly valuesSpan: Span | undefined;
}

export interface LabelSelector {
  /** Span of the selector's value node (`{}` or the block map). */
  readonly span: Span;
  /** Span of the key (`podSelector`) that introduces it. */
  readonly keySpan: Span;
  readonly matchLabels: readonly LabelPair[];
  readonly matchLabelsSpan: Span | undefined;
  /** `matchLabels:` with no value (null, read as no requirement): set only then. */
  readonly matchLabelsNull?: true;
  readonly matchExpressions: readonly SelectorRequirement[];
  readonly matchExpressionsSpan: Span | undefined;
}

export interface IpBlock {
  readonly span: Span;
  readonly keySpan: Span;
  readonly cidr: Located<string> | undefined;
  readonly except: ReadonlyArray<Located<string>>;
}

/** One item of `from` / `to`. */
export interface Peer {
  readonly span: Span;
  readonly index: number;
  readonly podSelector: LabelSelector | undefined;
  readonly namespaceSelector: LabelSelector | undefined;
  readonly ipBlock: IpBlock | undefined;
  /**
   * EKS ApplicationNetworkPolicy egress only: `domainNames` (exclusive with the other fields, the
   * CRD's CEL rules); the names match domain endpoints (semantics/domains.ts).
   */
  readonly domainNames?: ReadonlyArray<Located<string>>;
}

export interface PortEntry {
  readonly span: Span;
  readonly index: number;
  /** Raw protocol string; absent = TCP. */
  readonly protocol: Located<string> | undefined;
  /** A number or a port name; absent = every port of the protocol. */
  readonly port: Located<number | string> | undefined;
  readonly endPort: Located<number> | undefined;
}

export interface PolicyRule {
  readonly span: Span;
  readonly index: number;
  /** `from` (ingress) / `to` (egress); undefined when the key is absent. Empty list = all peers. */
  readonly peers: readonly Peer[] | undefined;
  readonly peersKeySpan: Span | undefined;
  /** undefined when absent; empty list = all ports. */
  readonly ports: readonly PortEntry[] | undefined;
  readonly portsKeySpan: Span | undefined;
  /** A field of the rule had the wrong type: the API server rejects it, the engine lets it match nothing. */
  readonly invalid?: boolean;
}

export type Direction = 'ingress' | 'egress';

export interface RuleList {
  readonly keySpan: Span;
  readonly span: Span;
  readonly rules: readonly PolicyRule[];
}

export interface DocRef {
  readonly uri: string;
  /** Index of the YAML document in its file (`---` separated). */
  readonly docIndex: number;
  /** Path of the object inside the document: [] for a top-level object, ['items', 3] inside a List. */
  readonly path: ReadonlyArray<string | number>;
  /** Span of the object (its mapping node). */
  readonly span: Span;
}

export interface NetworkPolicyResource {
  readonly kind: 'NetworkPolicy';
  /**
   * EKS's `networking.k8s.aws/v1alpha1` ApplicationNetworkPolicy (Auto Mode only): a NetworkPolicy
   * of the same tier whose egress peers may be `domainNames`; absent for a NetworkPolicy.
   */
  readonly sourceKind?: 'ApplicationNetworkPolicy';
  readonly doc: DocRef;
  readonly apiVersion: Located<string> | undefined;
  readonly name: Located<string>;
  /** `metadata.namespace` as written; undefined when absent. */
  readonly namespaceField: Located<string> | undefined;
  /** Effective namespace (`default` when absent; a kustomization's `namespace:` overrides). */
  readonly namespace: string;
  /**
   * The kustomization file that set `namespace`, when one did (analysis roots), or
   * `DEFAULT_NAMESPACE_SOURCE` (model/lower.ts) when the configured default namespace gave it.
   */
  readonly namespaceSource?: string;
  readonly metadataKeySpan: Span | undefined;
  readonly spec: { readonly keySpan: Span; readonly span: Span } | undefined;
  /** undefined when `spec.podSelector` is absent (a validation error; treated as `{}`) or null. */
  readonly podSelector: LabelSelector | undefined;
  /**
   * The `podSelector` key when its value is null (`podSelector:` with nothing, `~`, `null`): the API
   * server reads it as `{}`, every pod of the namespace.
   */
  readonly podSelectorNullKey?: Span;
  /** undefined when `spec.policyTypes` is absent. */
  readonly policyTypes:
    | { readonly keySpan: Span; readonly span: Span; readonly items: ReadonlyArray<Located<string>> }
    | undefined;
  readonly ingress: RuleList | undefined;
  readonly egress: RuleList | undefined;
}

export interface ContainerPort {
  readonly name: string | undefined;
  readonly port: number;
  readonly protocol: Protocol;
  readonly span: Span;
}

export const WORKLOAD_KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
] as const;

export interface WorkloadResource {
  readonly kind: 'Workload';
  readonly doc: DocRef;
  /** Kind in the workload id: the manifest's kind, or a Pod's owner kind. */
  readonly workloadKind: string;
  readonly namespace: string;
  /** Name in the workload id (a Pod's owner name where it has a controller owner). */
  readonly name: string;
  readonly id: string;
  /** The manifest's own name (differs from `name` for owned Pods). */
  readonly objectName: Located<string>;
  readonly namespaceField: Located<string> | undefined;
  /** Labels of the pods (the pod template's labels for controllers). */
  readonly labels: Labels;
  readonly labelsSpan: Span | undefined;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  /** Known pod IPs (`status.podIP(s)`). */
  readonly ips: readonly string[];
  /**
   * Set when a controller makes this workload of a custom resource (model/pod-producers.ts): the
   * resource's kind and who says what it makes ("the prometheus-operator").
   */
  readonly producedBy?: { readonly kind: string; readonly source: string };
}

export interface NamespaceResource {
  readonly kind: 'Namespace';
  readonly doc: DocRef;
  readonly name: Located<string>;
  /** Labels as declared (without the implicit kubernetes.io/metadata.name). */
  readonly labels: Labels;
  readonly labelsSpan: Span | undefined;
  readonly labelPairs: readonly LabelPair[];
  /**
   * The obsolete `net.beta.kubernetes.io/network-policy` annotation (pre-1.7 namespace isolation,
   * ignored since): its key span and value, when present.
   */
  readonly betaIsolation?: { readonly span: Span; readonly value: string };
}

export interface ServicePort {
  readonly span: Span;
  readonly name: string | undefined;
  readonly port: number | undefined;
  readonly targetPort: Located<number | string> | undefined;
  readonly protocol: Protocol;
}

export interface ServiceResource {
  readonly kind: 'Service';
  readonly doc: DocRef;
  readonly name: Located<string>;
  readonly namespace: string;
  /** undefined when the Service has no selector. */
  readonly selector: Labels | undefined;
  readonly ports: readonly ServicePort[];
  readonly clusterIPs: readonly string[];
}

/**
 * A policy of a kind the engine does not evaluate yet (Cilium, Calico, AdminNetworkPolicy, AWS…),
 * told apart by API group and kind (`cnp` means four different things). Verdicts about the pods it
 * selects may be wrong: the check policy-kind-not-analysed and the CLI headers say so.
 */
export interface OtherPolicy {
  readonly doc: DocRef;
  readonly apiVersion: Located<string>;
  readonly kind: Located<string>;
  readonly name: Located<string> | undefined;
  /** `metadata.namespace`; undefined for cluster-scoped kinds or when absent. */
  readonly namespace: string | undefined;
  /** Who enforces it, in words ("Cilium", "Calico", "the AdminNetworkPolicy API", "the AWS network policy agent"). */
  readonly engine: string;
  /** How it combines with Kubernetes NetworkPolicies, one sentence. */
  readonly precedence: string;
}

export type Resource = NetworkPolicyResource | WorkloadResource | NamespaceResource | ServiceResource;
