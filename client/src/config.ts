/**
 * Typed view of the `netpolLens.*` configuration. The server never reads VS Code settings itself:
 * it asks for them per resource (`workspace/configuration`) and the client's configuration
 * middleware answers with {@link readSettings}, already validated and shaped as
 * `NetpolLensSettings` (vscode-eslint's readConfiguration pattern).
 */
import * as vscode from 'vscode';
import type { NetpolLensSettings, SeverityOverride } from '../../server/src/protocol/settings';

export const SECTION = 'netpolLens';

const SEVERITIES: ReadonlySet<string> = new Set<SeverityOverride>([
  'error',
  'warning',
  'information',
  'hint',
  'off',
]);
const TRACE: ReadonlySet<string> = new Set(['off', 'messages', 'verbose']);

function stringArray(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** The settings for one resource (a document or workspace-folder URI), or the window scope. */
export function readSettings(scope?: vscode.Uri): NetpolLensSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope ?? null);
  const settings: NetpolLensSettings = {};

  const checks = c.get<unknown>('checks');
  if (checks && typeof checks === 'object' && !Array.isArray(checks)) {
    const out: Record<string, SeverityOverride> = {};
    for (const [code, sev] of Object.entries(checks as Record<string, unknown>)) {
      if (typeof sev === 'string' && SEVERITIES.has(sev)) out[code] = sev as SeverityOverride;
    }
    settings.checks = out;
  }

  const dnsNamespace = c.get<unknown>('dns.namespace');
  const dnsLabels = stringRecord(c.get<unknown>('dns.podLabels'));
  if ((typeof dnsNamespace === 'string' && dnsNamespace.trim() !== '') || dnsLabels) {
    settings.dns = {};
    if (typeof dnsNamespace === 'string' && dnsNamespace.trim() !== '')
      settings.dns.namespace = dnsNamespace.trim();
    if (dnsLabels && Object.keys(dnsLabels).length > 0) settings.dns.podLabels = dnsLabels;
  }

  const diffBase = c.get<unknown>('diff.base');
  if (typeof diffBase === 'string' && diffBase.trim() !== '') settings.diff = { base: diffBase.trim() };

  const podCidrs = stringArray(c.get<unknown>('podCidrs'));
  if (podCidrs) settings.podCidrs = podCidrs;
  const serviceCidrs = stringArray(c.get<unknown>('serviceCidrs'));
  if (serviceCidrs) settings.serviceCidrs = serviceCidrs;
  const exclude = stringArray(c.get<unknown>('exclude'));
  if (exclude) settings.exclude = exclude;

  const clusters = stringArray(c.get<unknown>('clusters'));
  if (clusters) settings.clusters = clusters;
  const maxFileSize = c.get<unknown>('maxFileSize');
  if (typeof maxFileSize === 'number') settings.maxFileSize = maxFileSize;
  // the server validates these (core/settings.ts settingsFromConfig) and logs what it leaves out
  const namespaces = c.get<unknown>('namespaces');
  if (namespaces && typeof namespaces === 'object' && !Array.isArray(namespaces))
    settings.namespaces = namespaces as Record<string, Record<string, string>>;
  const defaultNamespace = c.get<unknown>('defaultNamespace');
  if (typeof defaultNamespace === 'string' && defaultNamespace.trim() !== '')
    settings.defaultNamespace = defaultNamespace.trim();
  const podProducers = c.get<unknown>('podProducers');
  if (Array.isArray(podProducers) && podProducers.length > 0)
    settings.podProducers = podProducers as NonNullable<NetpolLensSettings['podProducers']>;

  const unisolated = c.get<unknown>('reportUnisolatedWorkloads');
  if (typeof unisolated === 'boolean') settings.reportUnisolatedWorkloads = unisolated;

  const trace = c.get<unknown>('trace.server');
  if (typeof trace === 'string' && TRACE.has(trace)) {
    settings.trace = { server: trace as 'off' | 'messages' | 'verbose' };
  }
  return settings;
}
