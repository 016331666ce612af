/**
 * Messages between the extension host (client/src/reachability) and the reachability webview
 * (client/webview). The webview starts with `ready`; the host answers with `model`, and sends a new
 * `model` whenever the workspace changes. Both sides switch exhaustively on `type`.
 */
import type { ChangesResult, ExplainResult, Protocol, ReachabilityResult, SourceLocation } from './requests';

export interface ViewState {
  /** `any` or e.g. `53/UDP`. */
  port: string;
  search: string;
  collapsed: string[];
  selected?: { src: string; dst: string };
  scrollTop?: number;
  scrollLeft?: number;
  /** The policy the view is focused on (kept so a reloaded view re-opens on the same focus). */
  focusPolicy?: FocusPolicy;
  /** Namespaces chosen in a big workspace's namespace picker (absent: the server's choice). */
  namespaces?: string[];
  /** The changes mode (against the git base) is on. */
  mode?: 'changes';
  /** The analysis root chosen in the cluster picker (absent: the server's choice). */
  root?: string;
}

/** What the view shows: the matrix, or the matrix with what changed against the git base marked. */
export type ViewMode = 'matrix' | 'changes';

/** A NetworkPolicy the view can focus on (same shape as `ReachabilityParams.focusPolicy`). */
export interface FocusPolicy {
  uri: string;
  name: string;
  namespace: string;
}

export type HostToWebview =
  | {
      type: 'model';
      model: ReachabilityResult;
      port: string;
      focus?: string[];
      focusPolicy?: FocusPolicy;
      /** The changes against the git base (absent from older hosts); `available: false` hides the mode. */
      changes?: ChangesResult;
      /** The mode the host wants shown (the change code lens opens the view in changes mode). */
      mode?: ViewMode;
    }
  /** `requestId` < 0: an explanation the host asked for (the Explain Connection command); select its cell. */
  | { type: 'explanation'; requestId: number; explanation: ExplainResult }
  | { type: 'error'; message: string }
  | { type: 'busy'; busy: boolean };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'setPort'; port: string }
  | {
      type: 'explain';
      requestId: number;
      src: string;
      dst: string;
      port?: { port: number; protocol: Protocol };
    }
  | { type: 'open'; location: SourceLocation }
  | { type: 'stateChanged'; state: ViewState }
  /** Drop the policy focus and show the whole workspace. */
  | { type: 'clearFocus' }
  /** Show these namespaces (a big workspace's namespace picker); empty = let the server choose. */
  | { type: 'setNamespaces'; namespaces: string[] }
  /** Turn the changes mode on or off. */
  | { type: 'setMode'; mode: ViewMode }
  /** Show this analysis root (`ReachabilityResult.roots`, the cluster picker). */
  | { type: 'setRoot'; root: string };
