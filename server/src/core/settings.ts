import { DEFAULT_MAX_FILE_SIZE_MIB } from './manifest-files';
import type { Severity } from './model/finding';
import type { PodProducer } from './model/pod-producers';

/** Core settings: plain data; the LSP and the CLI map their configuration onto it. */
export interface Settings {
  /** Severity per check code, or `off`; codes not listed use the check's default. */
  readonly severities: Readonly<Record<string, Severity | 'off'>>;
  /** Where cluster DNS runs (semantics.md "Cluster DNS"). */
  readonly dns: { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> };
  readonly podCidrs: readonly string[];
  readonly serviceCidrs: readonly string[];
  /** Enables `workload-not-isolated` (off by default). */
  readonly reportUnisolatedWorkloads: boolean;
  /** Files above this many MiB are not read (an `unreadable-file` warning says so); the adapters apply it. */
  readonly maxFileSize: number;
  /**
   * Globs of cluster folders, each one analysis root (roots/roots.ts); empty: the `clusters/<name>/`
   * layout is recognised.
   */
  readonly clusters?: readonly string[];
  /**
   * Namespaces that exist at run time though no manifest declares them (profile controllers, Helm
   * releases): name → labels. Each behaves as a Namespace manifest with those labels (plus
   * `kubernetes.io/metadata.name`); a manifest of the same namespace adds its labels over them.
   */
  readonly namespaces?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /**
   * The namespace of manifests without `metadata.namespace` (`kubectl apply -n`): in the editor per
   * workspace folder, on the command line `--namespace`. A kustomization's `namespace:` overrides it.
   * The adapters give it to the index (`AnalysisHost.setSettings`), which lowers the files with it.
   */
  readonly defaultNamespace?: string;
  /** Kinds of custom resources whose controllers make pods (model/pod-producers.ts), besides the built-in ones. */
  readonly podProducers?: readonly PodProducer[];
  /**
   * Render kustomize roots with the user's own kustomize (`netpolLens.kustomize.*`, the CLI's
   * `--render-kustomize` and `--kustomize-command`; roots/render.ts). Off unless configured; the
   * server honours it only in a trusted workspace. `command`: the program (and leading arguments)
   * to run; absent: `kustomize build`, else `kubectl kustomize`.
   */
  readonly kustomize?: { readonly render: boolean; readonly command?: string };
}

export const DEFAULT_SETTINGS: Settings = {
  severities: {},
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
  podCidrs: [],
  serviceCidrs: [],
  reportUnisolatedWorkloads: false,
  maxFileSize: DEFAULT_MAX_FILE_SIZE_MIB,
  clusters: [],
};

/** Fills the gaps of a partial settings object with the defaults. */
export function resolveSettings(partial: Partial<Settings> | undefined): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...(partial ?? {}),
    dns: { ...DEFAULT_SETTINGS.dns, ...(partial?.dns ?? {}) },
  };
}

const SEVERITY_NAMES = new Set(['error', 'warning', 'information', 'hint', 'off']);
/** Accepted spellings of severities besides the canonical ones (VS Code's own vocabulary). */
const SEVERITY_ALIASES: Record<string, Severity | 'off'> = {
  info: 'information',
  warn: 'warning',
  none: 'off',
  ignore: 'off',
};

/**
 * Maps a `netpolLens.*` configuration object (the editor's settings, or the CLI's `--config` file;
 * possibly partial, possibly junk) onto Settings. Bad values keep the default and are reported
 * through `warn`. The one mapping both adapters use.
 */
export function settingsFromConfig(raw: unknown, warn?: (msg: string) => void): Settings {
  if (!raw || typeof raw !== 'object') return DEFAULT_SETTINGS;
  const c = raw as Record<string, unknown>;
  const severities: Record<string, Severity | 'off'> = {};
  if (c.checks && typeof c.checks === 'object') {
    for (const [code, value] of Object.entries(c.checks as Record<string, unknown>)) {
      const v =
        typeof value === 'string' ? (SEVERITY_ALIASES[value.toLowerCase()] ?? value.toLowerCase()) : value;
      if (typeof v === 'string' && SEVERITY_NAMES.has(v)) severities[code] = v as Severity | 'off';
      else
        warn?.(
          `checks.${code}: "${String(value)}" is not one of error, warning, information, hint, off; using the default severity.`,
        );
    }
  }
  const dns: { namespace?: string; podLabels?: Record<string, string> } = {};
  const rawDns = c.dns as { namespace?: unknown; podLabels?: unknown } | undefined;
  if (rawDns && typeof rawDns === 'object') {
    if (typeof rawDns.namespace === 'string' && rawDns.namespace.trim())
      dns.namespace = rawDns.namespace.trim();
    if (rawDns.podLabels && typeof rawDns.podLabels === 'object' && !Array.isArray(rawDns.podLabels)) {
      const labels: Record<string, string> = {};
      for (const [k, v] of Object.entries(rawDns.podLabels as Record<string, unknown>))
        if (typeof v === 'string') labels[k] = v;
      if (Object.keys(labels).length > 0) dns.podLabels = labels;
    }
  }
  const strings = (v: unknown): string[] =>
    Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((x) => x.trim())
      : [];
  let maxFileSize = DEFAULT_MAX_FILE_SIZE_MIB;
  if (c.maxFileSize !== undefined) {
    const v = parseMaxFileSize(c.maxFileSize);
    if (v === undefined)
      warn?.(
        `maxFileSize: ${JSON.stringify(c.maxFileSize)} is not a positive number of MiB; using ${DEFAULT_MAX_FILE_SIZE_MIB}.`,
      );
    else maxFileSize = v;
  }
  return resolveSettings({
    maxFileSize,
    severities,
    podCidrs: strings(c.podCidrs),
    serviceCidrs: strings(c.serviceCidrs),
    reportUnisolatedWorkloads: c.reportUnisolatedWorkloads === true,
    clusters: strings(c.clusters),
    dns: { ...DEFAULT_SETTINGS.dns, ...dns },
    ...optionalSettings(c, warn),
    ...kustomizeSettings(c.kustomize, warn),
  });
}

/** `kustomize: {render, command}`: absent unless rendering is turned on or a command is given. */
function kustomizeSettings(
  raw: unknown,
  warn: ((msg: string) => void) | undefined,
): Pick<Settings, 'kustomize'> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    warn?.(`kustomize: ${JSON.stringify(raw)} is not an object {render, command}; rendering stays off.`);
    return {};
  }
  const k = raw as { render?: unknown; command?: unknown };
  if (k.render !== undefined && typeof k.render !== 'boolean')
    warn?.(`kustomize.render: ${JSON.stringify(k.render)} is not true or false; rendering stays off.`);
  const command = typeof k.command === 'string' && k.command.trim() !== '' ? k.command.trim() : undefined;
  if (k.command !== undefined && k.command !== null && k.command !== '' && command === undefined)
    warn?.(
      `kustomize.command: ${JSON.stringify(k.command)} is not a command; using kustomize (or kubectl kustomize).`,
    );
  if (k.render !== true && command === undefined) return {};
  return { kustomize: { render: k.render === true, ...(command ? { command } : {}) } };
}

/** The settings that are absent unless configured: namespaces, defaultNamespace, podProducers. */
function optionalSettings(
  c: Record<string, unknown>,
  warn: ((msg: string) => void) | undefined,
): Pick<Settings, 'namespaces' | 'defaultNamespace' | 'podProducers'> {
  const out: { -readonly [K in 'namespaces' | 'defaultNamespace' | 'podProducers']?: Settings[K] } = {};
  if (c.namespaces !== undefined && c.namespaces !== null) {
    const ns = namespacesFromConfig(c.namespaces, (m) => warn?.(`namespaces${m}`));
    if (Object.keys(ns).length > 0) out.namespaces = ns;
  }
  if (c.defaultNamespace !== undefined && c.defaultNamespace !== null && c.defaultNamespace !== '') {
    const v = typeof c.defaultNamespace === 'string' ? c.defaultNamespace.trim() : undefined;
    if (v !== undefined && isNamespaceName(v)) out.defaultNamespace = v;
    else
      warn?.(
        `defaultNamespace: ${JSON.stringify(c.defaultNamespace)} is not a namespace name (lower-case letters, digits and '-', at most 63); using "default".`,
      );
  }
  if (c.podProducers !== undefined && c.podProducers !== null) {
    const pp = podProducersFromConfig(c.podProducers, (m) => warn?.(`podProducers${m}`));
    if (pp.length > 0) out.podProducers = pp;
  }
  return out;
}

/** A Kubernetes namespace name: an RFC 1123 label. */
export function isNamespaceName(s: string): boolean {
  return s.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(s);
}

/**
 * `netpolLens.namespaces` (or a `--namespaces` file's map): name → labels (an object of strings;
 * `null` or `{}` for none). Bad entries are left out and reported through `warn` (its message
 * starts with the entry's place, `.<name>…`).
 */
export function namespacesFromConfig(
  raw: unknown,
  warn?: (msg: string) => void,
): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    warn?.(`: ${JSON.stringify(raw)} is not an object of namespace name → labels; no namespace declared.`);
    return out;
  }
  for (const [name, labels] of Object.entries(raw as Record<string, unknown>)) {
    if (!isNamespaceName(name)) {
      warn?.(`.${name}: not a namespace name (lower-case letters, digits and '-', at most 63); left out.`);
      continue;
    }
    const l: Record<string, string> = {};
    if (labels !== null && labels !== undefined) {
      if (typeof labels !== 'object' || Array.isArray(labels)) {
        warn?.(`.${name}: the labels must be an object of strings, e.g. {"team": "a"}; left out.`);
        continue;
      }
      for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
        if (typeof v === 'string') l[k] = v;
        else if (typeof v === 'number' || typeof v === 'boolean') l[k] = String(v);
        else warn?.(`.${name}.${k}: a label value must be a string; left out.`);
      }
    }
    out[name] = l;
  }
  return out;
}

const POD_PRODUCERS_SETTING = 'the netpolLens.podProducers setting';

/** A field path: `spec.podMetadata.labels` or `["spec", "podMetadata", "labels"]`; undefined when neither. */
function fieldPath(v: unknown): string[] | undefined {
  const parts =
    typeof v === 'string'
      ? v.split('.')
      : Array.isArray(v) && v.every((x) => typeof x === 'string')
        ? v
        : undefined;
  if (!parts) return undefined;
  const t = parts.map((x) => x.trim());
  return t.length > 0 && t.every((x) => x !== '') ? t : undefined;
}

/**
 * `netpolLens.podProducers`: `[{apiVersion, kind, labelsPath, portsPath?, name?, namePath?,
 * workloadKind?}]`. `apiVersion` names the API group (`example.com/v1`: any version of
 * `example.com`); `name` is the workload's name with `{name}` for the resource's (default `{name}`),
 * `namePath` a field holding it; `workloadKind` the kind in the workload id (default: the kind).
 * Bad entries are left out and reported through `warn` (`[i]…`).
 */
export function podProducersFromConfig(raw: unknown, warn?: (msg: string) => void): PodProducer[] {
  if (!Array.isArray(raw)) {
    warn?.(`: ${JSON.stringify(raw)} is not a list of pod producers; none configured.`);
    return [];
  }
  const out: PodProducer[] = [];
  raw.forEach((e: unknown, i) => {
    const bad = (why: string): void => warn?.(`[${i}]: ${why}; left out.`);
    if (!e || typeof e !== 'object' || Array.isArray(e)) return bad('not an object');
    const o = e as Record<string, unknown>;
    const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion.trim() : '';
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : apiVersion;
    if (!group.includes('.'))
      return bad(
        `apiVersion ${JSON.stringify(o.apiVersion)} is not the API group of a custom resource (e.g. "example.com/v1")`,
      );
    const kind = typeof o.kind === 'string' ? o.kind.trim() : '';
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(kind)) return bad(`kind ${JSON.stringify(o.kind)} is not a kind`);
    const labelsPath = fieldPath(o.labelsPath);
    if (!labelsPath)
      return bad(
        `labelsPath ${JSON.stringify(o.labelsPath)} is not a field path (e.g. "spec.podTemplate.labels")`,
      );
    const portsPath = o.portsPath === undefined ? undefined : fieldPath(o.portsPath);
    if (o.portsPath !== undefined && !portsPath)
      return bad(`portsPath ${JSON.stringify(o.portsPath)} is not a field path (e.g. "spec.containers")`);
    const namePath = o.namePath === undefined ? undefined : fieldPath(o.namePath);
    if (o.namePath !== undefined && !namePath)
      return bad(`namePath ${JSON.stringify(o.namePath)} is not a field path`);
    if (o.name !== undefined && (typeof o.name !== 'string' || o.name.trim() === ''))
      return bad(`name ${JSON.stringify(o.name)} is not a name template (e.g. "{name}-server")`);
    if (
      o.workloadKind !== undefined &&
      (typeof o.workloadKind !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(o.workloadKind))
    )
      return bad(`workloadKind ${JSON.stringify(o.workloadKind)} is not a kind (e.g. "StatefulSet")`);
    out.push({
      group,
      kind,
      workloadKind: typeof o.workloadKind === 'string' ? o.workloadKind : kind,
      name: typeof o.name === 'string' ? o.name.trim() : '{name}',
      ...(namePath ? { namePath } : {}),
      labelsPath,
      ...(portsPath ? { portsPath } : {}),
      source: POD_PRODUCERS_SETTING,
    });
  });
  return out;
}

/** A size limit in MiB (a positive number, or a string of one: the CLI's `--max-file-size`), else undefined. */
export function parseMaxFileSize(v: unknown): number | undefined {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
