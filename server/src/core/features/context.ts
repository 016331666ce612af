/**
 * What every editor feature reads: one index snapshot and the policy engine over it. Features are
 * pure queries over this pair; positions stay UTF-16 offsets (`Span`) until the adapter.
 */
import type { WorkspaceIndex } from '../index/workspace-index';
import type { PolicyEngine } from '../semantics/engine';

export interface FeatureContext {
  readonly index: WorkspaceIndex;
  readonly engine: PolicyEngine;
}
