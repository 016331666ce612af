/**
 * Hooks for protocol tests (test/lsp), off unless a client asks for them explicitly in
 * `initialize`: `initializationOptions: { testHooks: TestHooks }`. Editors never send them.
 *
 * - `pauseIndexingAt: n` — the first workspace scan stops once n files are read (after the
 *   `netpolLens/status` that reports `done: n`) and goes on when the client sends the
 *   `netpolLens/test/resumeIndexing` notification: a test can look at the server mid-indexing
 *   without racing it.
 * - `stats: true` — the server answers `netpolLens/test/stats` with its counters (`ServerStats`):
 *   how often the index changed and the diagnostics pass ran, what the last pass re-checked, the
 *   queued edits and its memory (after a garbage collection when it runs with --expose-gc).
 * - `matrixSliceMs: n` — the reachability matrix yields to other messages after n ms of rows (15 by
 *   default); 0 yields after every row, so a test can send a hover or a cancel while the matrix
 *   computes even on a machine quick enough to finish it within one slice.
 */
export interface TestHooks {
  pauseIndexingAt?: number;
  stats?: boolean;
  matrixSliceMs?: number;
}

export const StatsRequest = 'netpolLens/test/stats';

export interface ServerStats {
  /** Batches of file changes applied to the index (a watcher storm read in one batch counts once). */
  readonly indexChanges: number;
  /** Diagnostics passes run. */
  readonly passes: number;
  /** Of the last pass (incremental analysis): files in the index, files whose checks ran again. */
  readonly lastPass: { readonly files: number; readonly rerun: number } | undefined;
  /** Edits of open buffers waiting to be applied (at most one per file). */
  readonly queued: number;
  /** Requests cancelled by the client before they ran. */
  readonly cancelled: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** The V8 heap's committed size, memory outside it (strings' and buffers' backing stores). */
  readonly heapTotalBytes?: number;
  readonly externalBytes?: number;
  /** Entries of the incremental analysis: per-file results, facts with readers (summed over the stores). */
  readonly units?: number;
  readonly readerKeys?: number;
  /**
   * What the server keeps per file or per settings, to hold them to the workspace (test/lsp):
   * files in the index, the incremental analysis's stores (one per analysis root and settings),
   * files whose published diagnostics are remembered, files the status counts remember, files on
   * disk in the index, reads in flight.
   */
  readonly files?: number;
  readonly stores?: number;
  readonly published?: number;
  readonly tallied?: number;
  readonly tracked?: number;
  readonly reading?: number;
}

export const ResumeIndexingNotification = 'netpolLens/test/resumeIndexing';
