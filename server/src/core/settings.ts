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
}

export const DEFAULT_SETTINGS: Settings = {
  severities: {},
  dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } },
  podCidrs: [],
  serviceCidrs: [],
  reportUnisolatedWorkloads: false,
};

/** Fills the gaps of a partial settings object with the defaults. */
export function resolveSettings(partial: Partial<Settings> | undefined): Settings {
  return {
    ...DEFAULT_SETTINGS,
    ...(partial ?? {}),
    dns: { ...DEFAULT_SETTINGS.dns, ...(partial?.dns ?? {}) },
  };
}
