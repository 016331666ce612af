import { DEFAULT_MAX_FILE_SIZE_MIB } from './manifest-files';
import type { Severity } from './model/finding';

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
  });
}

/** A size limit in MiB (a positive number, or a string of one: the CLI's `--max-file-size`), else undefined. */
export function parseMaxFileSize(v: unknown): number | undefined {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? n : undefined;
}
