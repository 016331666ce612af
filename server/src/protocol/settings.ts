/** The `netpolLens.*` configuration as the server receives it (per resource). */
export type SeverityOverride = 'error' | 'warning' | 'information' | 'hint' | 'off';

export interface NetpolLensSettings {
  /** Severity per check code, or `off`. */
  checks?: Record<string, SeverityOverride>;
  dns?: {
    /** Namespace of the cluster DNS pods (default `kube-system`). */
    namespace?: string;
    /** Pod labels of the cluster DNS pods (default `{ "k8s-app": "kube-dns" }`). */
    podLabels?: Record<string, string>;
  };
  /** Pod CIDRs of the cluster, e.g. `10.244.0.0/16`. */
  podCidrs?: string[];
  /** Service CIDRs of the cluster, e.g. `10.96.0.0/12`. */
  serviceCidrs?: string[];
  /** Glob patterns of files to leave out of the index. */
  exclude?: string[];
  /** Globs of cluster folders, each analysed as one cluster (analysis roots). */
  clusters?: string[];
  /** Report workloads that no policy isolates for ingress (`workload-not-isolated`). */
  reportUnisolatedWorkloads?: boolean;
  /** Size limit in MiB: larger files are not read (an `unreadable-file` warning says so). Default 8. */
  maxFileSize?: number;
  /** Render kustomize roots with the user's kustomize (trusted workspaces only), and the command to run. */
  kustomize?: { render?: boolean; command?: string };
  /** Namespaces that exist only at run time: name → labels. */
  namespaces?: Record<string, Record<string, string>>;
  /** The namespace of manifests without metadata.namespace in this folder (`kubectl apply -n`). */
  defaultNamespace?: string;
  /** Custom resource kinds whose controllers make pods. */
  podProducers?: Array<{
    apiVersion: string;
    kind: string;
    labelsPath: string | string[];
    portsPath?: string | string[];
    name?: string;
    namePath?: string | string[];
    workloadKind?: string;
  }>;
  /** The base of the reachability view's changes mode and the change code lens. */
  diff?: {
    /** A git ref (branch, tag, commit): default `HEAD`. */
    base?: string;
  };
  trace?: { server?: 'off' | 'messages' | 'verbose' };
  /** The facts cache in the extension's storage folder (window-wide): default on. */
  cache?: { enabled?: boolean };
}
