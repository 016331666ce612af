import type { Finding, FixSpec, Severity } from '../model/finding';
import type { WorkspaceIndex } from '../index/workspace-index';
import type { PolicyEngine } from '../semantics/engine';
import type { Settings } from '../settings';

export type { Finding, FixSpec, Severity };

export interface CheckContext {
  readonly index: WorkspaceIndex;
  readonly engine: PolicyEngine;
  readonly settings: Settings;
}

/**
 * One check: one code of checks.md, its default severity, and `run`, which returns findings for the
 * whole workspace with the default severity (the registry applies the user's overrides).
 */
export interface Check {
  readonly code: string;
  readonly defaultSeverity: Severity;
  /** One-line summary for docs, SARIF rule help and settings descriptions. */
  readonly summary: string;
  run(ctx: CheckContext): Finding[];
}
