/**
 * Pod producers: kinds of custom resources whose pods a controller (an operator) creates, so that
 * no manifest of the repository holds them. Lowering turns each such resource into the workload
 * the controller makes (model/lower.ts): its kind, name, pod labels and container ports.
 *
 * The built-in producers are the prometheus-operator's (facts, not code, read from
 * github.com/prometheus-operator/prometheus-operator at commit
 * 6adcebc5076c34f4f55f8f5f7b1e528929373ac7, 2026-08-08):
 * - Prometheus (`monitoring.coreos.com`): StatefulSet `prometheus-<name>`, shards 1..N-1 as
 *   `prometheus-<name>-shard-<i>` (`pkg/prometheus/common.go` PrefixedName, prometheusNameByShard;
 *   `spec.shards`, default 1). Pod labels (`pkg/prometheus/server/statefulset.go`,
 *   `pkg/prometheus/promcfg.go` BuildPodMetadata, `pkg/prometheus/server/operator.go`
 *   makeSelectorLabels): `spec.podMetadata.labels`, then over them app.kubernetes.io/name=prometheus,
 *   app.kubernetes.io/managed-by=prometheus-operator, app.kubernetes.io/instance=<name>,
 *   operator.prometheus.io/name=<name>, prometheus=<name>, operator.prometheus.io/shard=<i>.
 *   Ports: `web` (`spec.portName`) 9090/TCP unless `spec.listenLocal` (`pkg/prometheus/common.go`
 *   MakeContainerPorts); the Thanos sidecar's http 10902 and grpc 10901 when `spec.thanos` is set;
 *   the config reloader's reloader-web 8080 (`pkg/operator/config_reloader.go`).
 * - Alertmanager: StatefulSet `alertmanager-<name>` (`pkg/alertmanager/statefulset.go` prefixedName);
 *   labels `spec.podMetadata.labels`, then app.kubernetes.io/name=alertmanager, managed-by,
 *   instance=<name>, alertmanager=<name> (`pkg/alertmanager/operator.go` makeSelectorLabels). Ports:
 *   `web` (`spec.portName`) 9093/TCP unless `spec.listenLocal`, mesh-tcp 9094/TCP, mesh-udp 9094/UDP,
 *   reloader-web 8080.
 * - ThanosRuler: StatefulSet `thanos-ruler-<name>` (`pkg/thanos/statefulset.go` prefixedName); labels
 *   `spec.podMetadata.labels`, then app.kubernetes.io/name=thanos-ruler, managed-by,
 *   instance=<name>, thanos-ruler=<name> (`pkg/thanos/operator.go` makeSelectorLabels). Ports: grpc
 *   10901/TCP, `web` (`spec.portName`) 10902/TCP unless `spec.listenLocal`.
 * The operator also sets app.kubernetes.io/version (the image's version, unknown here): not modelled.
 *
 * Other producers come from the `netpolLens.podProducers` setting (core/settings.ts).
 */
import type { Protocol } from './types';

/** A container port a producer's pods always (or conditionally) have. */
export interface ProducerPort {
  readonly port: number;
  readonly protocol: Protocol;
  /** The port's name. */
  readonly name: string;
  /** A field of the resource that renames the port (`spec.portName`). */
  readonly namePath?: readonly string[];
  /** Left out when this field of the resource is `true` (`spec.listenLocal`). */
  readonly unlessTrue?: readonly string[];
  /** Only when this field of the resource is set (`spec.thanos`). */
  readonly onlyIfSet?: readonly string[];
}

export interface PodProducer {
  /** API group of the resource (any version). */
  readonly group: string;
  readonly kind: string;
  /** Kind of the workload that owns the pods, in its id (`StatefulSet`). */
  readonly workloadKind: string;
  /** The workload's name; `{name}` stands for the resource's name. */
  readonly name: string;
  /** A field of the resource that holds the workload's name (wins over `name` where it is set). */
  readonly namePath?: readonly string[];
  /** Where in the resource the pods' own labels are (`spec.podMetadata.labels`). */
  readonly labelsPath?: readonly string[];
  /** Labels the controller sets over those (values may hold `{name}`). */
  readonly labels?: Readonly<Record<string, string>>;
  /** A list in the resource of container ports (`{name, containerPort, protocol}`) or of containers with `ports`. */
  readonly portsPath?: readonly string[];
  /** Ports the controller gives every pod. */
  readonly ports?: readonly ProducerPort[];
  /** Shards: a number field; shard i > 0 is the workload `<name>-shard-<i>`, labeled `shardLabel: i`. */
  readonly shards?: { readonly path: readonly string[]; readonly label: string };
  /** Who says so: "the prometheus-operator", or "the netpolLens.podProducers setting". */
  readonly source: string;
}

const MANAGED = {
  'app.kubernetes.io/managed-by': 'prometheus-operator',
  'app.kubernetes.io/instance': '{name}',
};
const RELOADER: ProducerPort = { name: 'reloader-web', port: 8080, protocol: 'TCP' };
const PROM_OPERATOR = 'the prometheus-operator';

export const BUILTIN_POD_PRODUCERS: readonly PodProducer[] = [
  {
    group: 'monitoring.coreos.com',
    kind: 'Prometheus',
    workloadKind: 'StatefulSet',
    name: 'prometheus-{name}',
    labelsPath: ['spec', 'podMetadata', 'labels'],
    labels: {
      'app.kubernetes.io/name': 'prometheus',
      ...MANAGED,
      'operator.prometheus.io/name': '{name}',
      prometheus: '{name}',
    },
    portsPath: ['spec', 'containers'],
    ports: [
      {
        name: 'web',
        port: 9090,
        protocol: 'TCP',
        namePath: ['spec', 'portName'],
        unlessTrue: ['spec', 'listenLocal'],
      },
      { name: 'http', port: 10902, protocol: 'TCP', onlyIfSet: ['spec', 'thanos'] },
      { name: 'grpc', port: 10901, protocol: 'TCP', onlyIfSet: ['spec', 'thanos'] },
      RELOADER,
    ],
    shards: { path: ['spec', 'shards'], label: 'operator.prometheus.io/shard' },
    source: PROM_OPERATOR,
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'Alertmanager',
    workloadKind: 'StatefulSet',
    name: 'alertmanager-{name}',
    labelsPath: ['spec', 'podMetadata', 'labels'],
    labels: { 'app.kubernetes.io/name': 'alertmanager', ...MANAGED, alertmanager: '{name}' },
    portsPath: ['spec', 'containers'],
    ports: [
      {
        name: 'web',
        port: 9093,
        protocol: 'TCP',
        namePath: ['spec', 'portName'],
        unlessTrue: ['spec', 'listenLocal'],
      },
      { name: 'mesh-tcp', port: 9094, protocol: 'TCP' },
      { name: 'mesh-udp', port: 9094, protocol: 'UDP' },
      RELOADER,
    ],
    source: PROM_OPERATOR,
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'ThanosRuler',
    workloadKind: 'StatefulSet',
    name: 'thanos-ruler-{name}',
    labelsPath: ['spec', 'podMetadata', 'labels'],
    labels: { 'app.kubernetes.io/name': 'thanos-ruler', ...MANAGED, 'thanos-ruler': '{name}' },
    portsPath: ['spec', 'containers'],
    ports: [
      { name: 'grpc', port: 10901, protocol: 'TCP' },
      {
        name: 'web',
        port: 10902,
        protocol: 'TCP',
        namePath: ['spec', 'portName'],
        unlessTrue: ['spec', 'listenLocal'],
      },
    ],
    source: PROM_OPERATOR,
  },
];

/** At most this many shards are modelled per resource (a typo must not make a million workloads). */
export const MAX_SHARDS = 64;

/** The producer of a resource: a configured one first (it may override a built-in), else a built-in. */
export function producerFor(
  group: string,
  kind: string,
  configured: readonly PodProducer[] | undefined,
): PodProducer | undefined {
  const match = (p: PodProducer): boolean => p.group === group && p.kind === kind;
  return configured?.find(match) ?? BUILTIN_POD_PRODUCERS.find(match);
}

/** `{name}` replaced by the resource's name. */
export function fillName(template: string, name: string): string {
  return template.split('{name}').join(name);
}
