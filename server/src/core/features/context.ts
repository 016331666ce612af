/**
 * What every editor feature reads: one index snapshot, the policy engine over it and the settings. Features are
 * pure queries over this pair; positions stay UTF-16 offsets (`Span`) until the adapter.
 */
import type { WorkspaceIndex } from '../index/workspace-index';
import type { PolicyEngine } from '../semantics/engine';
import type { Settings } from '../settings';

export interface FeatureContext {
  readonly index: WorkspaceIndex;
  readonly engine: PolicyEngine;
  readonly settings: Settings;
}
