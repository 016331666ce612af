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
  /**
   * Set while the workspace is still being indexed: the index holds only some of its files, so
   * answers that depend on other files (what a selector matches, what a port resolves to…) say
   * so instead of reading a partial index as the workspace.
   */
  readonly indexing?: IndexingProgress;
}

/** How far background indexing has got: files read, of the files found (0 while still listing). */
export interface IndexingProgress {
  readonly done: number;
  readonly total: number;
}

/** What the adapter tells a feature query beyond the snapshot. */
export interface FeatureOptions {
  readonly indexing?: IndexingProgress | undefined;
}
