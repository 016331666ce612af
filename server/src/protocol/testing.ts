/**
 * Hooks for protocol tests (test/lsp), off unless a client asks for them explicitly in
 * `initialize`: `initializationOptions: { testHooks: TestHooks }`. Editors never send them.
 *
 * - `pauseIndexingAt: n` — the first workspace scan stops once n files are read (after the
 *   `netpolLens/status` that reports `done: n`) and goes on when the client sends the
 *   `netpolLens/test/resumeIndexing` notification: a test can look at the server mid-indexing
 *   without racing it.
 */
export interface TestHooks {
  pauseIndexingAt?: number;
}

export const ResumeIndexingNotification = 'netpolLens/test/resumeIndexing';
