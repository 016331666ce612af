/**
 * Messages between the extension host (client/src/reachability) and the reachability webview
 * (client/webview). The webview starts with `ready`; the host answers with `model`, and sends a new
 * `model` whenever the workspace changes. Both sides switch exhaustively on `type`.
 */
import type { ExplainResult, Protocol, ReachabilityResult, SourceLocation } from './requests';

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
}

/** A NetworkPolicy the view can focus on (same shape as `ReachabilityParams.focusPolicy`). */
export interface FocusPolicy {
  uri: string;
  name: string;
  namespace: string;
}

export type HostToWebview =
  | { type: 'model'; model: ReachabilityResult; port: string; focus?: string[]; focusPolicy?: FocusPolicy }
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
  | { type: 'setNamespaces'; namespaces: string[] };
