/**
 * The view's persistent UI state (port filter, search, collapsed namespaces, selection, scroll,
 * policy focus, the namespaces chosen in a big workspace): kept with `getState`/`setState` so it
 * survives the panel being hidden or the window reloading (the host's WebviewPanelSerializer
 * receives the same object), and mirrored to the host with `stateChanged`.
 */
import type { ViewState, WebviewToHost } from '../../server/src/protocol/webview';

export type Api = VsCodeWebviewApi<ViewState>;

export const DEFAULT_STATE: ViewState = { port: 'any', search: '', collapsed: [] };

function sanitize(s: unknown): ViewState {
  if (typeof s !== 'object' || s === null) return { ...DEFAULT_STATE };
  const o = s as Partial<ViewState>;
  const state: ViewState = {
    port: typeof o.port === 'string' ? o.port : 'any',
    search: typeof o.search === 'string' ? o.search : '',
    collapsed: Array.isArray(o.collapsed)
      ? o.collapsed.filter((c): c is string => typeof c === 'string')
      : [],
  };
  if (o.selected && typeof o.selected.src === 'string' && typeof o.selected.dst === 'string')
    state.selected = { src: o.selected.src, dst: o.selected.dst };
  if (typeof o.scrollTop === 'number') state.scrollTop = o.scrollTop;
  if (typeof o.scrollLeft === 'number') state.scrollLeft = o.scrollLeft;
  if (o.focusPolicy && typeof o.focusPolicy.name === 'string') state.focusPolicy = o.focusPolicy;
  if (Array.isArray(o.namespaces)) {
    const namespaces = o.namespaces.filter((n): n is string => typeof n === 'string' && n !== '');
    if (namespaces.length > 0) state.namespaces = namespaces;
  }
  return state;
}

export class StateStore {
  private state: ViewState;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: Api) {
    this.state = sanitize(api.getState());
  }

  get(): ViewState {
    return this.state;
  }

  /** Merges `patch`, saves at once, and tells the host shortly after (debounced). */
  update(patch: Partial<ViewState>): void {
    const next: ViewState = { ...this.state, ...patch };
    for (const k of Object.keys(patch) as Array<keyof ViewState>) {
      if (patch[k] === undefined) delete next[k];
    }
    this.state = next;
    this.api.setState(next);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const m: WebviewToHost = { type: 'stateChanged', state: this.state };
      this.api.postMessage(m);
    }, 250);
  }
}
