/**
 * The reachability webview: boot, the ready handshake, and the message dispatch (an exhaustive
 * switch over `HostToWebview`). Browser code only: no `vscode` module, no Node; it talks to the
 * extension host through `acquireVsCodeApi().postMessage` and keeps its UI state with
 * `getState`/`setState` (state.ts).
 */
import './styles.css';
import type {
  ChangeDto,
  ChangesResult,
  ConnsDto,
  ExplainResult,
  ReachabilityResult,
  SourceLocation,
} from '../../server/src/protocol/requests';
import type {
  FocusPolicy,
  HostToWebview,
  ViewMode,
  ViewState,
  WebviewToHost,
} from '../../server/src/protocol/webview';
import { plural } from '../../server/src/core/text/words';
import { formatPortFilter, parsePortFilter, suggestedPorts, type PortFilter } from './conns';
import { ExplainView } from './explain-view';
import { h, glyph } from './dom';
import { Matrix } from './matrix';
import { pairKey, type CellTarget, type ChangeMarks } from './matrix-model';
import { parseHostMessage } from './messages';
import { NamespacePicker } from './namespace-picker';
import { StateStore } from './state';

const api = acquireVsCodeApi<ViewState>();
const store = new StateStore(api);

function post(message: WebviewToHost): void {
  api.postMessage(message);
}

class App {
  private model: ReachabilityResult | undefined;
  private connections = new Map<string, ConnsDto>();
  private filter: PortFilter = undefined;
  private focus = new Set<string>();
  private focusPolicy: FocusPolicy | undefined;
  private requestSeq = 0;
  private pendingRequest = 0;
  /** The pair whose explanation is on screen (re-asked on live updates). */
  private explained: { src: string; dst: string } | undefined;
  private lastExplanation: ExplainResult | undefined;
  private firstModel = true;
  /** The changes against the git base (`available: false`: the mode is hidden). */
  private changes: ChangesResult | undefined;
  private changeByPair = new Map<string, ChangeDto>();
  private mode: ViewMode = 'matrix';

  private readonly root = document.getElementById('app') ?? document.body;
  private readonly portInput = h('input', 'port-input');
  private readonly portList = h('datalist');
  private readonly portError = h('span', 'field-error');
  private readonly searchInput = h('input', 'search-input');
  private readonly focusChip = h('span', 'focus-chip');
  private readonly counts = h('span', 'counts');
  /** Changes mode: the toggle (hidden without a git base) and "3 opened, 1 closed". */
  private readonly modeToggle = h('button', 'button secondary mode-toggle', 'Changes');
  private readonly changesCount = h('span', 'changes-count');
  /** Several analysis roots (cluster folders, overlays): which one the matrix shows. */
  private readonly rootPicker = h('label', 'field root-picker');
  private readonly rootSelect = h('select', 'root-select');
  private readonly busy = h('span', 'busy');
  private readonly banner = h('div', 'banner');
  private readonly empty = h('div', 'empty');
  /** Big workspaces: which namespaces the matrix shows, and a picker for them. */
  private readonly picker = new NamespacePicker({
    apply: (namespaces) => {
      store.update({ namespaces });
      post({ type: 'setNamespaces', namespaces });
    },
    letServerChoose: () => {
      store.update({ namespaces: undefined });
      post({ type: 'setNamespaces', namespaces: [] });
    },
  });
  private readonly matrix: Matrix;
  private readonly explain: ExplainView;

  constructor() {
    const s = store.get();
    const parsed = parsePortFilter(s.port);
    this.filter = parsed ?? undefined;
    this.focusPolicy = s.focusPolicy;
    this.mode = s.mode === 'changes' ? 'changes' : 'matrix';

    this.matrix = new Matrix({
      activate: (target, key) => this.activate(target, key),
      toggleGroup: (g) => this.toggleGroup(g),
      scrolled: (top, left) => this.onScrolled(top, left),
    });
    this.explain = new ExplainView({
      open: (location: SourceLocation) => post({ type: 'open', location }),
      explainPair: (src, dst) => {
        this.matrix.reveal(src, dst);
        this.requestExplanation(src, dst);
      },
      verdictFor: (src, dst) => this.matrix.verdictFor(src, dst),
    });
    this.build();
    this.renderFocusChip();
  }

  private build(): void {
    const toolbar = h('header', 'toolbar');
    toolbar.setAttribute('role', 'toolbar');
    toolbar.setAttribute('aria-label', 'Reachability filters');
    const title = h('h1', 'title', 'Reachability');

    const portLabel = h('label', 'field');
    portLabel.append(h('span', 'field-name', 'Port'));
    this.portInput.id = 'port';
    this.portInput.type = 'text';
    this.portInput.spellcheck = false;
    this.portInput.autocomplete = 'off';
    this.portInput.placeholder = 'any, 80/TCP, 53/UDP';
    this.portInput.value = store.get().port;
    this.portInput.setAttribute('list', 'port-list');
    this.portInput.setAttribute('aria-describedby', 'port-error');
    this.portList.id = 'port-list';
    this.portError.id = 'port-error';
    this.portError.setAttribute('aria-live', 'polite');
    portLabel.append(this.portInput, this.portList);
    this.portInput.addEventListener('change', () => this.applyPort());
    this.portInput.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.applyPort();
      if (e.key === 'Escape') {
        this.portInput.value = 'any';
        this.applyPort();
      }
    });

    const searchLabel = h('label', 'field');
    searchLabel.append(h('span', 'field-name', 'Search'));
    this.searchInput.id = 'search';
    this.searchInput.type = 'search';
    this.searchInput.spellcheck = false;
    this.searchInput.placeholder = 'name, namespace, app=web';
    this.searchInput.value = store.get().search;
    searchLabel.append(this.searchInput);
    let searchTimer: ReturnType<typeof setTimeout> | undefined;
    this.searchInput.addEventListener('input', () => {
      if (searchTimer) clearTimeout(searchTimer);
      searchTimer = setTimeout(() => {
        store.update({ search: this.searchInput.value });
        this.renderMatrix();
      }, 120);
    });

    const legend = h('span', 'legend');
    legend.setAttribute('aria-label', 'Legend: ● allowed, ◐ allowed on some ports, ✕ denied');
    for (const [v, g, word] of [
      ['all', '●', 'allowed'],
      ['some', '◐', 'some ports'],
      ['none', '✕', 'denied'],
    ] as const) {
      const item = h('span', `legend-item v-${v}`);
      item.append(glyph(g), document.createTextNode(` ${word}`));
      legend.append(item);
    }
    this.busy.setAttribute('role', 'status');
    this.busy.setAttribute('aria-live', 'polite');
    this.modeToggle.type = 'button';
    this.modeToggle.hidden = true;
    this.modeToggle.setAttribute('aria-pressed', 'false');
    this.modeToggle.addEventListener('click', () =>
      this.setMode(this.mode === 'changes' ? 'matrix' : 'changes'),
    );
    this.changesCount.hidden = true;
    this.changesCount.setAttribute('role', 'status');
    this.changesCount.setAttribute('aria-live', 'polite');
    this.rootPicker.hidden = true;
    this.rootPicker.append(h('span', 'field-name', 'Cluster'), this.rootSelect);
    this.rootSelect.addEventListener('change', () => {
      const root = this.rootSelect.value;
      store.update({ root, namespaces: undefined });
      post({ type: 'setRoot', root });
    });
    toolbar.append(
      title,
      this.rootPicker,
      portLabel,
      this.portError,
      searchLabel,
      this.focusChip,
      this.modeToggle,
      this.changesCount,
      h('span', 'spacer'),
      legend,
      this.counts,
      this.busy,
    );

    this.banner.setAttribute('role', 'alert');
    this.banner.hidden = true;
    this.empty.hidden = true;
    this.empty.setAttribute('role', 'status');

    const content = h('main', 'content');
    const matrixPane = h('section', 'matrix-pane');
    matrixPane.setAttribute('aria-label', 'Matrix');
    matrixPane.append(this.matrix.element, this.empty);
    content.append(matrixPane, this.explain.element);

    this.root.removeAttribute('aria-busy');
    this.root.replaceChildren(toolbar, this.banner, this.picker.element, content);
  }

  // ---- host messages ----------------------------------------------------------------------

  handle(message: HostToWebview): void {
    switch (message.type) {
      case 'model':
        this.onChanges(message.changes, message.mode);
        this.onModel(message.model, message.port, message.focus, message.focusPolicy);
        break;
      case 'explanation':
        this.onExplanation(message.requestId, message.explanation);
        break;
      case 'error':
        this.banner.textContent = message.message;
        this.banner.hidden = false;
        break;
      case 'busy':
        this.busy.textContent = message.busy ? 'Updating…' : '';
        this.root.setAttribute('aria-busy', String(message.busy));
        break;
      default: {
        const never: never = message;
        void never;
      }
    }
  }

  private onModel(
    model: ReachabilityResult,
    port: string,
    focus: string[] | undefined,
    focusPolicy: FocusPolicy | undefined,
  ): void {
    this.model = model;
    this.banner.hidden = true;
    this.connections = new Map(model.connections.map((c) => [pairKey(c.src, c.dst), c.conns]));
    this.focus = new Set(focus ?? model.focus ?? []);
    // A new policy focus shows that policy's namespaces: the host dropped the chosen ones too.
    if (focusPolicy && !sameFocus(focusPolicy, store.get().focusPolicy) && store.get().namespaces)
      store.update({ namespaces: undefined });
    this.focusPolicy = focusPolicy;
    store.update({ focusPolicy });
    this.picker.update(model.limited);
    this.renderRootPicker(model);
    this.renderFocusChip();
    if (this.firstModel && store.get().port === 'any' && port !== 'any' && parsePortFilter(port)) {
      this.portInput.value = port;
      this.filter = parsePortFilter(port) ?? undefined;
      store.update({ port });
    }
    this.portList.replaceChildren(
      ...suggestedPorts(model.connections.map((c) => c.conns)).map((p) => {
        const o = h('option');
        o.value = p;
        return o;
      }),
    );
    const c = model.counts;
    this.counts.textContent = `${plural(c.policies, 'policy', 'policies')} · ${plural(c.workloads, 'workload')} · ${plural(c.namespaces, 'namespace')}`;
    this.renderMatrix();

    const s = store.get();
    if (this.firstModel) {
      this.firstModel = false;
      this.matrix.restoreScroll(s.scrollTop ?? 0, s.scrollLeft ?? 0);
      if (s.selected) {
        this.matrix.setSelected(s.selected);
        // keep the restored scroll position exactly; the keyboard position goes to the selection
        this.matrix.reveal(s.selected.src, s.selected.dst, { scroll: false });
        this.explainKey(s.selected.src, s.selected.dst, false);
      }
    } else if (this.explained) {
      // Live update: keep the explanation on screen current, without flashing "loading".
      this.requestExplanation(this.explained.src, this.explained.dst, true);
    }
    if (!this.explained) this.showIdle();
  }

  private onChanges(changes: ChangesResult | undefined, mode: ViewMode | undefined): void {
    this.changes = changes;
    this.changeByPair = new Map(
      changes?.available ? changes.changes.map((c) => [pairKey(c.src, c.dst), c]) : [],
    );
    if (mode) this.mode = mode;
    // without a base (no git repository, untrusted, an unknown ref) the mode is hidden, not broken
    const available = changes?.available === true;
    this.modeToggle.hidden = !available;
    this.modeToggle.title = changes?.available
      ? `Mark what opened and closed against ${changes.base} (unsaved edits included)`
      : '';
    store.update({ mode: this.mode === 'changes' ? 'changes' : undefined });
    this.modeToggle.setAttribute('aria-pressed', String(available && this.mode === 'changes'));
  }

  private get changesShown(): Extract<ChangesResult, { available: true }> | undefined {
    return this.mode === 'changes' && this.changes?.available ? this.changes : undefined;
  }

  private setMode(mode: ViewMode): void {
    if (mode === this.mode) return;
    this.mode = mode;
    store.update({ mode: mode === 'changes' ? 'changes' : undefined });
    this.modeToggle.setAttribute('aria-pressed', String(mode === 'changes'));
    post({ type: 'setMode', mode });
    this.renderMatrix();
    if (this.explained && this.lastExplanation) this.showExplanation(this.lastExplanation);
    else this.showIdle();
  }

  /** The pane with nothing explained: every change in changes mode, else the hint. */
  private showIdle(): void {
    const ch = this.changesShown;
    if (ch) this.explain.showChanges(ch.base, ch.changes);
    else if (!this.explained) this.explain.showHint();
  }

  private showExplanation(ex: ExplainResult): void {
    const ch = this.changesShown;
    const change = ch ? this.changeByPair.get(pairKey(ex.src, ex.dst)) : undefined;
    this.explain.show(ex, this.filter, ch && change ? { change, base: ch.base } : undefined);
  }

  private renderRootPicker(model: ReachabilityResult): void {
    const roots = model.roots ?? [];
    this.rootPicker.hidden = roots.length < 2;
    if (roots.length < 2) return;
    this.rootSelect.replaceChildren(
      ...roots.map((r) => {
        const o = h('option', undefined, r.name);
        o.value = r.id;
        return o;
      }),
    );
    this.rootSelect.value = model.root ?? roots[0]?.id ?? '';
  }

  private renderChangesCount(): void {
    const ch = this.changesShown;
    this.changesCount.hidden = !ch;
    if (!ch) return;
    const { opened, closed } = this.matrix.changeCounts();
    const on = this.filter ? ` on ${formatPortFilter(this.filter)}` : '';
    // pairs the matrix has no cell for: a removed workload, or an IP range cut at another side's ipBlock
    const ids = new Set(this.model?.endpoints.map((e) => e.id));
    const unseen = ch.changes.filter((c) => !ids.has(c.src) || !ids.has(c.dst)).length;
    this.changesCount.textContent = `${opened} opened, ${closed} closed${on} against ${ch.base}${
      unseen ? ` (${unseen} not in the matrix: removed workloads or IP ranges, listed in the pane)` : ''
    }`;
  }

  private onExplanation(requestId: number, explanation: ExplainResult): void {
    if (requestId >= 0 && requestId !== this.pendingRequest) return; // stale answer
    this.lastExplanation = explanation;
    this.explained = { src: explanation.src, dst: explanation.dst };
    if (requestId < 0) {
      // Asked by the host (Explain Connection command): select its cell.
      const sel = { src: explanation.src, dst: explanation.dst };
      this.matrix.setSelected(sel);
      this.matrix.reveal(sel.src, sel.dst);
      store.update({ selected: sel });
    }
    this.showExplanation(explanation);
  }

  /** The changes as the matrix marks them. */
  private marks(): ChangeMarks {
    const ch = this.changesShown;
    return {
      base: ch?.base ?? '',
      pairs: new Map(ch?.changes.map((c) => [pairKey(c.src, c.dst), { opened: c.opened, closed: c.closed }])),
    };
  }

  // ---- user actions -----------------------------------------------------------------------

  private renderMatrix(): void {
    if (!this.model) return;
    const s = store.get();
    this.matrix.setData({
      endpoints: this.model.endpoints,
      connections: this.connections,
      filter: this.filter,
      search: s.search,
      collapsed: new Set(s.collapsed),
      focus: this.focus,
      ...(this.changesShown ? { changes: this.marks() } : {}),
    });
    this.renderChangesCount();
    if (this.matrix.isEmpty) {
      if (this.model.endpoints.length > 0) this.empty.textContent = `Nothing matches “${s.search}”.`;
      else if (this.model.limited)
        this.empty.textContent = 'No workloads in the namespaces shown. Choose other namespaces above.';
      else
        this.empty.textContent =
          'No workloads in the workspace yet. Open a folder with Kubernetes manifests (Deployments, Pods, …) and NetworkPolicies.';
      this.empty.hidden = false;
      this.matrix.element.hidden = true;
    } else {
      this.empty.hidden = true;
      this.matrix.element.hidden = false;
    }
  }

  private applyPort(): void {
    const parsed = parsePortFilter(this.portInput.value);
    if (parsed === null) {
      this.portInput.setAttribute('aria-invalid', 'true');
      this.portError.textContent = 'Write a port such as 80/TCP or 53/UDP, or “any”.';
      return;
    }
    this.portInput.removeAttribute('aria-invalid');
    this.portError.textContent = '';
    const text = formatPortFilter(parsed);
    this.portInput.value = text;
    if (text === store.get().port && this.filter === parsed) return;
    this.filter = parsed;
    store.update({ port: text });
    post({ type: 'setPort', port: text });
    this.renderMatrix();
    if (this.explained) this.requestExplanation(this.explained.src, this.explained.dst);
  }

  private toggleGroup(group: string): void {
    const collapsed = new Set(store.get().collapsed);
    if (collapsed.has(group)) collapsed.delete(group);
    else collapsed.add(group);
    store.update({ collapsed: [...collapsed] });
    this.renderMatrix();
  }

  private onScrolled(top: number, left: number): void {
    store.update({ scrollTop: top, scrollLeft: left });
  }

  private activate(target: CellTarget, key: { src: string; dst: string }): void {
    store.update({ selected: key });
    if (target.kind === 'aggregate') {
      this.explained = undefined;
      this.explain.showAggregate(target.srcLabel, target.dstLabel, target.sources, target.destinations);
      return;
    }
    if (target.verdict === 'self') {
      this.explained = undefined;
      this.explain.showSelf(target.src);
      return;
    }
    this.requestExplanation(target.src.id, target.dst.id);
  }

  /** Explains a row key × column key, as after a reload. */
  private explainKey(src: string, dst: string, quiet: boolean): void {
    const t = this.matrix.target(src, dst);
    if (!t) return;
    if (t.kind === 'pair' && t.verdict !== 'self') this.requestExplanation(t.src.id, t.dst.id, quiet);
    else this.activate(t, { src, dst });
  }

  private requestExplanation(src: string, dst: string, quiet = false): void {
    const requestId = ++this.requestSeq;
    this.pendingRequest = requestId;
    this.explained = { src, dst };
    if (!quiet || !this.lastExplanation) this.explain.showLoading(src, dst);
    const message: WebviewToHost = { type: 'explain', requestId, src, dst };
    if (this.filter) message.port = this.filter;
    post(message);
  }

  private renderFocusChip(): void {
    const f = this.focusPolicy;
    this.focusChip.replaceChildren();
    this.focusChip.hidden = !f;
    if (!f) return;
    this.focusChip.append(document.createTextNode(`Focus: policy ${f.namespace}/${f.name}`));
    const clear = h('button', 'chip-clear', '×');
    clear.type = 'button';
    clear.title = 'Show the whole workspace';
    clear.setAttribute('aria-label', `Clear the focus on policy ${f.namespace}/${f.name}`);
    clear.addEventListener('click', () => {
      this.focusPolicy = undefined;
      this.focus = new Set();
      store.update({ focusPolicy: undefined });
      this.renderFocusChip();
      this.renderMatrix();
      post({ type: 'clearFocus' });
    });
    this.focusChip.append(clear);
  }
}

function sameFocus(a: FocusPolicy | undefined, b: FocusPolicy | undefined): boolean {
  if (!a || !b) return a === b;
  return a.uri === b.uri && a.name === b.name && a.namespace === b.namespace;
}

const app = new App();
window.addEventListener('message', (e: MessageEvent<unknown>) => {
  // every message is checked against its type first (messages.ts): a malformed one is dropped
  const message = parseHostMessage(e.data);
  if (typeof message === 'string') console.warn(`netpol-lens: dropped ${message}`);
  else app.handle(message);
});
post({ type: 'ready' });
