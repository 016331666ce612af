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
}

export type HostToWebview =
  | { type: 'model'; model: ReachabilityResult; port: string; focus?: string[] }
  | { type: 'explanation'; requestId: number; explanation: ExplainResult }
  | { type: 'error'; message: string }
  | { type: 'busy'; busy: boolean };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'setPort'; port: string }
  | { type: 'explain'; requestId: number; src: string; dst: string; port?: { port: number; protocol: Protocol } }
  | { type: 'open'; location: SourceLocation }
  | { type: 'stateChanged'; state: ViewState };
