/**
 * Coalesces file changes and debounces the diagnostics pass.
 *
 * - Edits of open buffers are queued (one pending change per file: the latest wins) and applied to
 *   the AnalysisHost lazily: when the debounce timer fires, or as soon as a request needs a
 *   snapshot (`snapshot()`), so hovers and code actions always see the text the editor shows.
 * - Disk reads are applied at once (`applyNow`), in the batches the workspace scan produces.
 * - The diagnostics pass runs a debounce delay after the last change, and at the latest `maxWait`
 *   ms after the first unprocessed one, so continuous typing still gets feedback. The delay adapts
 *   to the cost of a pass: the last pass's duration, between `minDelay` (10 ms) and `delay`
 *   (200 ms), so that at most about half the time goes to passes while the user types. A pass
 *   re-checks only what an edit affects and publishes only what changed (handlers/diagnostics.ts),
 *   so it is cheap and its diagnostics come almost at once; after an expensive pass (a watcher
 *   storm, a settings change) the next edits wait longer and are coalesced.
 */
import type { Analysis, AnalysisHost, FileChange, FileFacts } from '../core/index';

export interface SchedulerOptions {
  /** The longest debounce delay (ms). */
  delay?: number;
  /** The shortest debounce delay (ms); default 10. */
  minDelay?: number;
  maxWait?: number;
  onError?: (e: unknown) => void;
  /** The clock (ms); tests pass a fake one so that pass costs are exact. */
  now?: () => number;
}

export class Scheduler {
  private readonly pending = new Map<string, FileChange>();
  private timer: NodeJS.Timeout | undefined;
  private firstRequestAt: number | undefined;
  private disposed = false;
  private readonly delay: number;
  private readonly minDelay: number;
  private readonly maxWait: number;
  /** How long the last diagnostics pass took (ms). */
  private lastPassMs = 0;
  private readonly now: () => number;
  /** The URIs changed since the last `takeChanged()` (the status counts follow them). */
  private changed = new Set<string>();
  /** Batches of changes applied to the host, and diagnostics passes run (test hooks read them). */
  readonly counts = { applied: 0, passes: 0 };

  constructor(
    private readonly host: AnalysisHost,
    /** The diagnostics pass (publish what changed). */
    private readonly run: () => void,
    private readonly options: SchedulerOptions = {},
  ) {
    this.delay = options.delay ?? 200;
    this.minDelay = Math.min(options.minDelay ?? 10, this.delay);
    this.maxWait = options.maxWait ?? 1000;
    this.now = options.now ?? Date.now;
  }

  /** Queues an edit; the diagnostics pass follows after the debounce delay. */
  edit(change: FileChange): void {
    this.pending.set(change.uri, change);
    this.request();
  }

  /**
   * Applies changes to the index right away (no diagnostics pass is requested), and `facts` of
   * other files computed already (disk files whose bytes the facts cache holds).
   */
  applyNow(changes: readonly FileChange[], facts: readonly FileFacts[] = []): void {
    for (const c of changes) this.pending.set(c.uri, c);
    this.flush();
    if (facts.length === 0) return;
    for (const f of facts) this.changed.add(f.uri);
    this.counts.applied++;
    this.host.applyFacts(facts);
  }

  /** Edits waiting to be applied (one per file at most). */
  get queued(): number {
    return this.pending.size;
  }

  /** True while a change of `uri` is waiting to be applied (its diagnostics would be stale). */
  hasPending(uri: string): boolean {
    return this.pending.has(uri);
  }

  /** The debounce delay now: the last pass's cost, within [minDelay, delay]. */
  currentDelay(): number {
    return Math.min(this.delay, Math.max(this.minDelay, Math.round(this.lastPassMs)));
  }

  /** Asks for a diagnostics pass after the debounce delay (coalesced with any pass already due). */
  request(delay = this.currentDelay()): void {
    if (this.disposed) return;
    const now = this.now();
    this.firstRequestAt ??= now;
    const wait = Math.max(0, Math.min(delay, this.maxWait - (now - this.firstRequestAt)));
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.fire(), wait);
  }

  /** The current snapshot, with every queued change applied. */
  snapshot(): Analysis {
    this.flush();
    return this.host.snapshot();
  }

  /** Runs the diagnostics pass now (pending changes applied first). */
  runNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.fire();
  }

  /** The URIs whose changes were applied since the last call. */
  takeChanged(): ReadonlySet<string> {
    const out = this.changed;
    this.changed = new Set();
    return out;
  }

  private flush(): void {
    if (this.pending.size === 0) return;
    const changes = [...this.pending.values()];
    for (const uri of this.pending.keys()) this.changed.add(uri);
    this.pending.clear();
    this.counts.applied++;
    this.host.applyChanges(changes);
  }

  private fire(): void {
    this.timer = undefined;
    this.firstRequestAt = undefined;
    if (this.disposed) return;
    const started = this.now();
    try {
      this.flush();
      this.counts.passes++;
      this.run();
      this.lastPassMs = this.now() - started;
    } catch (e) {
      this.options.onError?.(e);
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
