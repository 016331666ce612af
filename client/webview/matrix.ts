/**
 * The reachability matrix: sources (rows) × destinations (columns), workloads grouped by
 * namespace (collapsible to one row/column per namespace), external IP ranges last.
 *
 * One scroll container holds a sticky header (namespace bands + column headers) and absolutely
 * positioned rows whose row header is sticky on the left. Only the rows and columns in view
 * (plus a margin) are in the DOM once the matrix is beyond FULL_RENDER_LIMIT rows or columns, so
 * thousands of workloads stay responsive. ARIA grid semantics with aria-rowindex/aria-colindex
 * survive the windowing; a roving tabindex keeps one tab stop, arrow keys move, Enter explains.
 *
 * Geometry goes through the CSSOM (`el.style.x = …`): the CSP forbids inline style attributes.
 */
import type { ConnsDto, EndpointDto } from '../../server/src/protocol/requests';
import { formatConns, type PortFilter, verdictOf, type Verdict } from './conns';

export const ROW_H = 24;
export const COL_W = 30;
const BAND_H = 22;
const OVERSCAN = 6;
/** Up to this many rows and columns everything is rendered; beyond, only what is visible. */
export const FULL_RENDER_LIMIT = 200;
const EXTERNAL = '(external)';

export interface Group {
  key: string;
  label: string;
  external: boolean;
  members: EndpointDto[];
}

export type AxisItem =
  | { kind: 'endpoint'; key: string; ep: EndpointDto; group: Group }
  | { kind: 'aggregate'; key: string; group: Group };
export type RowItem = AxisItem | { kind: 'group'; key: string; group: Group };

export type CellVerdict = Verdict | 'self';

export type CellTarget =
  | { kind: 'pair'; src: EndpointDto; dst: EndpointDto; verdict: CellVerdict }
  | { kind: 'aggregate'; srcLabel: string; dstLabel: string; sources: EndpointDto[]; destinations: EndpointDto[]; verdict: CellVerdict };

export interface MatrixData {
  endpoints: EndpointDto[];
  connections: Map<string, ConnsDto>;
  filter: PortFilter;
  search: string;
  collapsed: ReadonlySet<string>;
  focus: ReadonlySet<string>;
}

export interface MatrixCallbacks {
  /** Click or Enter on a cell. */
  activate(target: CellTarget, key: { src: string; dst: string }): void;
  /** Click or Enter on a namespace header. */
  toggleGroup(group: string): void;
  scrolled(top: number, left: number): void;
}

export const pairKey = (src: string, dst: string): string => `${src}\u0000${dst}`;

const GLYPH: Record<CellVerdict, string> = { all: '●', some: '◐', none: '✕', self: '—' };
const WORD: Record<CellVerdict, string> = { all: 'allowed', some: 'allowed on some ports', none: 'denied', self: 'same workload' };

function h<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function ipv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return parts.reduce((acc, p) => acc * 256 + p, 0);
}

/** `10.0.0.0-10.255.255.255` → `10.0.0.0/8` when the range is exactly one IPv4 CIDR block. */
export function rangeLabel(id: string): string {
  const [a, b, extra] = id.split('-');
  if (extra !== undefined || a === undefined || b === undefined) return id;
  const first = ipv4(a);
  const last = ipv4(b);
  if (first === undefined || last === undefined || last < first) return id;
  const size = last - first + 1;
  const bits = Math.log2(size);
  if (!Number.isInteger(bits) || first % size !== 0) return id;
  return `${a}/${32 - bits}`;
}

function shortName(ep: EndpointDto): string {
  return ep.kind === 'external' ? rangeLabel(ep.id) : (ep.name ?? ep.id);
}

function endpointDescription(ep: EndpointDto): string {
  if (ep.kind === 'external') return rangeLabel(ep.id) === ep.id ? `IP range ${ep.id}` : `IP range ${rangeLabel(ep.id)} (${ep.id})`;
  const labels = ep.labels && Object.keys(ep.labels).length ? ` (labels ${Object.entries(ep.labels).map(([k, v]) => `${k}=${v}`).join(', ')})` : '';
  return `${ep.id}${labels}`;
}

/** Groups and orders endpoints: namespaces alphabetically, external ranges last. */
export function groupEndpoints(endpoints: EndpointDto[], search: string): Group[] {
  const terms = search.toLowerCase().split(/\s+/).filter(Boolean);
  const haystack = (ep: EndpointDto): string =>
    [ep.id, ep.name ?? '', ep.namespace ?? '', ep.workloadKind ?? '', ...Object.entries(ep.labels ?? {}).map(([k, v]) => `${k}=${v}`)]
      .join(' ')
      .toLowerCase();
  const groups = new Map<string, Group>();
  for (const ep of endpoints) {
    const external = ep.kind === 'external';
    const key = external ? EXTERNAL : (ep.namespace ?? 'default');
    let g = groups.get(key);
    if (!g) {
      g = { key, label: external ? 'External IP ranges' : key, external, members: [] };
      groups.set(key, g);
    }
    g.members.push(ep);
  }
  const out: Group[] = [];
  for (const g of groups.values()) {
    if (terms.length) {
      const groupHit = terms.every((t) => g.label.toLowerCase().includes(t));
      if (!groupHit) g.members = g.members.filter((ep) => terms.every((t) => haystack(ep).includes(t)));
    }
    if (g.members.length === 0) continue;
    g.members.sort((a, b) => shortName(a).localeCompare(shortName(b)) || a.id.localeCompare(b.id));
    out.push(g);
  }
  return out.sort((a, b) => (a.external === b.external ? a.key.localeCompare(b.key) : a.external ? 1 : -1));
}

export class Matrix {
  readonly element: HTMLElement;
  private readonly header: HTMLElement;
  private readonly bandRow: HTMLElement;
  private readonly colHeaderRow: HTMLElement;
  private readonly corner: HTMLElement;
  private readonly body: HTMLElement;
  private readonly tooltip: HTMLElement;
  private data: MatrixData | undefined;
  private groups: Group[] = [];
  private rows: RowItem[] = [];
  private cols: AxisItem[] = [];
  private rowIndex = new Map<string, number>();
  private colIndex = new Map<string, number>();
  private verdictCache = new Map<string, { verdict: CellVerdict; allowed: number; pairs: number }>();
  private rowHeaderW = 200;
  private colHeaderH = 90;
  /** The keyboard position: a row key, and a column key or null for the row header. */
  private active: { row: string; col: string | null } | undefined;
  /** Column remembered while passing over namespace header rows. */
  private wantedCol: string | null = null;
  private selected: { src: string; dst: string } | undefined;
  private rendered = { r0: -1, r1: -1, c0: -1, c1: -1 };
  private frame = 0;
  private measureCtx: CanvasRenderingContext2D | null = null;

  constructor(private readonly cb: MatrixCallbacks) {
    this.element = h('div', 'matrix');
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Reachability matrix: sources in rows, destinations in columns');
    this.element.tabIndex = -1;
    this.header = h('div', 'matrix-header');
    this.header.setAttribute('role', 'rowgroup');
    this.bandRow = h('div', 'band-row');
    this.bandRow.setAttribute('aria-hidden', 'true');
    this.colHeaderRow = h('div', 'col-header-row');
    this.colHeaderRow.setAttribute('role', 'row');
    this.colHeaderRow.setAttribute('aria-rowindex', '1');
    this.corner = h('div', 'corner');
    this.corner.setAttribute('role', 'columnheader');
    this.corner.setAttribute('aria-colindex', '1');
    this.header.append(this.bandRow, this.colHeaderRow);
    this.body = h('div', 'matrix-body');
    this.body.setAttribute('role', 'rowgroup');
    this.element.append(this.header, this.body);
    this.tooltip = h('div', 'tooltip');
    this.tooltip.id = 'matrix-tooltip';
    this.tooltip.setAttribute('role', 'tooltip');
    this.tooltip.hidden = true;
    document.body.append(this.tooltip);

    this.element.addEventListener('scroll', () => {
      this.hideTooltip();
      this.scheduleRender();
      this.cb.scrolled(this.element.scrollTop, this.element.scrollLeft);
    });
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('click', (e) => this.onClick(e));
    this.element.addEventListener('mouseover', (e) => this.onHover(e));
    this.element.addEventListener('mouseleave', () => this.hideTooltip());
    this.element.addEventListener('focusin', (e) => this.onFocusIn(e));
    this.element.addEventListener('focusout', () => this.hideTooltip());
    new ResizeObserver(() => this.scheduleRender(true)).observe(this.element);
  }

  // ---- data -------------------------------------------------------------------------------

  setData(data: MatrixData): void {
    this.data = data;
    this.verdictCache.clear();
    this.groups = groupEndpoints(data.endpoints, data.search);
    this.rows = [];
    this.cols = [];
    for (const g of this.groups) {
      if (data.collapsed.has(g.key)) {
        const item: AxisItem = { kind: 'aggregate', key: `group:${g.key}`, group: g };
        this.rows.push(item);
        this.cols.push(item);
      } else {
        this.rows.push({ kind: 'group', key: `header:${g.key}`, group: g });
        for (const ep of g.members) {
          const item: AxisItem = { kind: 'endpoint', key: ep.id, ep, group: g };
          this.rows.push(item);
          this.cols.push(item);
        }
      }
    }
    this.rowIndex = new Map(this.rows.map((r, i) => [r.key, i]));
    this.colIndex = new Map(this.cols.map((c, i) => [c.key, i]));
    this.measure();
    if (this.active && !this.rowIndex.has(this.active.row)) this.active = undefined;
    if (this.active?.col && !this.colIndex.has(this.active.col)) this.active = { row: this.active.row, col: null };
    this.element.setAttribute('aria-rowcount', String(this.rows.length + 1));
    this.element.setAttribute('aria-colcount', String(this.cols.length + 1));
    this.render(true);
  }

  get isEmpty(): boolean {
    return this.rows.length === 0;
  }

  setSelected(sel: { src: string; dst: string } | undefined): void {
    this.selected = sel;
    this.render(true);
  }

  /** Moves the keyboard position to a cell (e.g. restored selection) and scrolls it into view. */
  reveal(src: string, dst: string, options: { focus?: boolean; scroll?: boolean } = {}): void {
    const { focus = false, scroll = true } = options;
    if (!this.rowIndex.has(src) || !this.colIndex.has(dst)) return;
    this.active = { row: src, col: dst };
    if (scroll) this.scrollIntoView();
    this.render(true);
    if (focus) this.focusActive();
  }

  focusGrid(): void {
    if (!this.active) {
      const firstRow = this.rows.find((r) => r.kind !== 'group');
      if (!firstRow) return;
      this.active = { row: firstRow.key, col: this.cols[0]?.key ?? null };
    }
    this.scrollIntoView();
    this.render(true);
    this.focusActive();
  }

  restoreScroll(top: number, left: number): void {
    this.element.scrollTop = top;
    this.element.scrollLeft = left;
    this.render(true);
  }

  /** The target behind a row key × column key (used by the explanation of aggregates). */
  target(rowKey: string, colKey: string): CellTarget | undefined {
    const r = this.rows[this.rowIndex.get(rowKey) ?? -1];
    const c = this.cols[this.colIndex.get(colKey) ?? -1];
    if (!r || !c || r.kind === 'group') return undefined;
    return this.targetOf(r, c);
  }

  private targetOf(r: AxisItem, c: AxisItem): CellTarget {
    const v = this.cellVerdict(r, c).verdict;
    if (r.kind === 'endpoint' && c.kind === 'endpoint') return { kind: 'pair', src: r.ep, dst: c.ep, verdict: v };
    return {
      kind: 'aggregate',
      srcLabel: this.axisLabel(r),
      dstLabel: this.axisLabel(c),
      sources: r.kind === 'endpoint' ? [r.ep] : r.group.members,
      destinations: c.kind === 'endpoint' ? [c.ep] : c.group.members,
      verdict: v,
    };
  }

  // ---- verdicts ---------------------------------------------------------------------------

  verdictFor(src: string, dst: string): CellVerdict {
    if (src === dst) return 'self';
    return verdictOf(this.data?.connections.get(pairKey(src, dst)), this.data?.filter);
  }

  private cellVerdict(r: AxisItem, c: AxisItem): { verdict: CellVerdict; allowed: number; pairs: number } {
    if (r.kind === 'endpoint' && c.kind === 'endpoint') {
      const v = this.verdictFor(r.ep.id, c.ep.id);
      return { verdict: v, allowed: v === 'all' ? 1 : 0, pairs: v === 'self' ? 0 : 1 };
    }
    const key = pairKey(r.key, c.key);
    const cached = this.verdictCache.get(key);
    if (cached) return cached;
    const srcs = r.kind === 'endpoint' ? [r.ep] : r.group.members;
    const dsts = c.kind === 'endpoint' ? [c.ep] : c.group.members;
    let all = 0;
    let some = 0;
    let pairs = 0;
    for (const s of srcs) {
      for (const d of dsts) {
        if (s.id === d.id) continue;
        pairs++;
        const v = this.verdictFor(s.id, d.id);
        if (v === 'all') all++;
        else if (v === 'some') some++;
      }
    }
    const verdict: CellVerdict = pairs === 0 ? 'self' : all === pairs ? 'all' : all + some === 0 ? 'none' : 'some';
    const out = { verdict, allowed: all, pairs };
    this.verdictCache.set(key, out);
    return out;
  }

  private axisLabel(item: AxisItem): string {
    return item.kind === 'endpoint' ? item.ep.id : `${item.group.label} (${item.group.members.length})`;
  }

  private cellLabel(r: AxisItem, c: AxisItem): string {
    const { verdict, allowed, pairs } = this.cellVerdict(r, c);
    const port = this.data?.filter ? ` on ${this.data.filter.port}/${this.data.filter.protocol}` : '';
    if (r.kind === 'endpoint' && c.kind === 'endpoint') {
      const conns = verdict === 'some' ? `: ${formatConns(this.data?.connections.get(pairKey(r.ep.id, c.ep.id)))}` : '';
      return `From ${r.ep.id} to ${c.ep.id}${port}: ${WORD[verdict]}${conns}`;
    }
    return `From ${this.axisLabel(r)} to ${this.axisLabel(c)}${port}: ${allowed} of ${pairs} workload pairs allowed`;
  }

  // ---- geometry ---------------------------------------------------------------------------

  private textWidth(text: string, font: string): number {
    if (!this.measureCtx) this.measureCtx = document.createElement('canvas').getContext('2d');
    if (!this.measureCtx) return text.length * 7;
    this.measureCtx.font = font;
    return this.measureCtx.measureText(text).width;
  }

  private measure(): void {
    const font = getComputedStyle(this.element).font || '13px sans-serif';
    let rowW = this.textWidth('Source ↓  Destination →', font) + 16;
    let colH = 40;
    const bold = font.replace(/^(normal|[1-5]00)?\s*/, '700 ');
    for (const r of this.rows) {
      if (r.kind === 'endpoint') {
        const kind = r.ep.workloadKind ? this.textWidth(r.ep.workloadKind, font) * 0.85 + 6 : 0;
        rowW = Math.max(rowW, this.textWidth(shortName(r.ep), font) + kind + 40);
      } else {
        // twisty + bold name + count badge + paddings
        rowW = Math.max(rowW, this.textWidth(r.group.label, bold) + this.textWidth(String(r.group.members.length), font) + 64);
      }
    }
    for (const c of this.cols) {
      const label = c.kind === 'endpoint' ? shortName(c.ep) : `${c.group.label} (${c.group.members.length})`;
      colH = Math.max(colH, this.textWidth(label, font) + 16);
    }
    this.rowHeaderW = Math.ceil(Math.min(Math.max(rowW, 160), 340));
    this.colHeaderH = Math.ceil(Math.min(colH, 160));
  }

  private scheduleRender(force = false): void {
    if (force) this.rendered.r0 = -1;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render(false);
    });
  }

  private window(): { r0: number; r1: number; c0: number; c1: number } {
    const nr = this.rows.length;
    const nc = this.cols.length;
    if (nr <= FULL_RENDER_LIMIT && nc <= FULL_RENDER_LIMIT) return { r0: 0, r1: nr, c0: 0, c1: nc };
    const headerH = BAND_H + this.colHeaderH;
    const viewH = Math.max(this.element.clientHeight - headerH, ROW_H * 10);
    const viewW = Math.max(this.element.clientWidth - this.rowHeaderW, COL_W * 10);
    const top = this.element.scrollTop;
    const left = this.element.scrollLeft;
    return {
      r0: Math.max(0, Math.floor(top / ROW_H) - OVERSCAN),
      r1: Math.min(nr, Math.ceil((top + viewH) / ROW_H) + OVERSCAN),
      c0: Math.max(0, Math.floor(left / COL_W) - OVERSCAN),
      c1: Math.min(nc, Math.ceil((left + viewW) / COL_W) + OVERSCAN),
    };
  }

  get renderedCounts(): { rows: number; cells: number } {
    return { rows: this.body.childElementCount, cells: this.body.querySelectorAll('[role="gridcell"]').length };
  }

  // ---- rendering --------------------------------------------------------------------------

  private render(force: boolean): void {
    const w = this.window();
    const same = w.r0 === this.rendered.r0 && w.r1 === this.rendered.r1 && w.c0 === this.rendered.c0 && w.c1 === this.rendered.c1;
    if (same && !force) return;
    this.rendered = w;
    const hadFocus = this.element.contains(document.activeElement) && document.activeElement !== this.element;
    const totalW = this.rowHeaderW + this.cols.length * COL_W;
    const totalH = this.rows.length * ROW_H;
    this.element.style.setProperty('--row-header-w', `${this.rowHeaderW}px`);
    this.element.style.setProperty('--col-header-h', `${this.colHeaderH}px`);
    this.element.style.setProperty('--band-h', `${BAND_H}px`);
    this.element.style.setProperty('--row-h', `${ROW_H}px`);
    this.element.style.setProperty('--col-w', `${COL_W}px`);
    this.header.style.width = `${totalW}px`;
    this.body.style.width = `${totalW}px`;
    this.body.style.height = `${totalH}px`;

    this.renderHeader(w.c0, w.c1);
    const frag = document.createDocumentFragment();
    for (let i = w.r0; i < w.r1; i++) {
      const r = this.rows[i];
      if (r) frag.append(this.renderRow(r, i, w.c0, w.c1));
    }
    this.body.replaceChildren(frag);
    const activeEl = this.activeElement();
    this.element.tabIndex = activeEl ? -1 : 0;
    if (hadFocus) this.focusActive();
  }

  private renderHeader(c0: number, c1: number): void {
    // Namespace bands over the columns.
    const bands = document.createDocumentFragment();
    const bandCorner = h('div', 'band-corner');
    bands.append(bandCorner);
    let i = 0;
    while (i < this.cols.length) {
      const c = this.cols[i];
      if (!c) break;
      let j = i + 1;
      while (j < this.cols.length && this.cols[j]?.group === c.group) j++;
      if (j > c0 && i < c1) {
        const band = h('button', `band${c.kind === 'aggregate' ? ' collapsed' : ''}${c.group.external ? ' external' : ''}`);
        band.type = 'button';
        band.tabIndex = -1;
        band.dataset.group = c.group.key;
        band.textContent = `${c.kind === 'aggregate' ? '▸' : '▾'} ${c.group.label}`;
        band.title = `${c.kind === 'aggregate' ? 'Expand' : 'Collapse'} ${c.group.label} (${c.group.members.length})`;
        band.style.left = `${this.rowHeaderW + i * COL_W}px`;
        band.style.width = `${(j - i) * COL_W}px`;
        bands.append(band);
      }
      i = j;
    }
    this.bandRow.replaceChildren(bands);

    const frag = document.createDocumentFragment();
    this.corner.textContent = '';
    this.corner.append(h('span', 'corner-src', 'Source ↓'), h('span', 'corner-dst', 'Destination →'));
    frag.append(this.corner);
    for (let k = c0; k < c1; k++) {
      const c = this.cols[k];
      if (!c) continue;
      const el = h('div', `col-header${c.kind === 'aggregate' ? ' aggregate' : ''}${this.isFocused(c) ? ' focused-ep' : ''}`);
      el.setAttribute('role', 'columnheader');
      el.setAttribute('aria-colindex', String(k + 2));
      el.setAttribute('aria-label', c.kind === 'endpoint' ? `Destination ${endpointDescription(c.ep)}` : `Destination namespace ${c.group.label}, collapsed`);
      el.title = c.kind === 'endpoint' ? endpointDescription(c.ep) : `${c.group.label} (${c.group.members.length}), collapsed`;
      el.style.left = `${this.rowHeaderW + k * COL_W}px`;
      el.dataset.col = c.key;
      const label = h('span', 'col-label', c.kind === 'endpoint' ? shortName(c.ep) : `${c.group.label} (${c.group.members.length})`);
      el.append(label);
      frag.append(el);
    }
    this.colHeaderRow.replaceChildren(frag);
  }

  private isFocused(item: AxisItem): boolean {
    const f = this.data?.focus;
    if (!f || f.size === 0) return false;
    return item.kind === 'endpoint' ? f.has(item.ep.id) : item.group.members.some((m) => f.has(m.id));
  }

  private renderRow(r: RowItem, i: number, c0: number, c1: number): HTMLElement {
    const row = h('div', `row row-${r.kind}`);
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(i + 2));
    row.style.top = `${i * ROW_H}px`;
    row.dataset.row = r.key;
    const isActiveRow = this.active?.row === r.key;

    const rh = h('div', 'row-header');
    rh.setAttribute('role', 'rowheader');
    rh.setAttribute('aria-colindex', '1');
    rh.dataset.row = r.key;
    rh.tabIndex = isActiveRow && this.active?.col === null ? 0 : -1;
    if (r.kind === 'group' || r.kind === 'aggregate') {
      const collapsed = r.kind === 'aggregate';
      rh.classList.add('group-header');
      rh.dataset.group = r.group.key;
      rh.setAttribute('aria-expanded', String(!collapsed));
      const n = r.group.members.length;
      rh.setAttribute('aria-label', `${r.group.external ? '' : 'Namespace '}${r.group.label}, ${n} ${n === 1 ? 'endpoint' : 'endpoints'}, ${collapsed ? 'collapsed' : 'expanded'}`);
      rh.append(h('span', 'twisty', collapsed ? '▸' : '▾'), h('span', 'group-name', r.group.label), h('span', 'group-count', String(n)));
      rh.title = `${collapsed ? 'Expand' : 'Collapse'} ${r.group.label} (Enter)`;
    } else {
      if (this.isFocused(r)) rh.classList.add('focused-ep');
      rh.setAttribute('aria-label', `Source ${endpointDescription(r.ep)}`);
      rh.title = endpointDescription(r.ep);
      rh.append(h('span', 'ep-name', shortName(r.ep)));
      if (r.ep.workloadKind) rh.append(h('span', 'ep-kind', r.ep.workloadKind));
      if (r.ep.kind === 'external') rh.classList.add('external');
    }
    if (isActiveRow && this.active?.col === null) rh.classList.add('active');
    row.append(rh);
    if (r.kind === 'group') {
      row.setAttribute('aria-label', `Namespace ${r.group.label}`);
      return row;
    }
    const focus = this.data?.focus;
    for (let k = c0; k < c1; k++) {
      const c = this.cols[k];
      if (!c) continue;
      const { verdict } = this.cellVerdict(r, c);
      const cell = h('div', `cell v-${verdict}`);
      cell.setAttribute('role', 'gridcell');
      cell.setAttribute('aria-colindex', String(k + 2));
      cell.setAttribute('aria-label', this.cellLabel(r, c));
      cell.style.left = `${this.rowHeaderW + k * COL_W}px`;
      cell.dataset.row = r.key;
      cell.dataset.col = c.key;
      const isActive = isActiveRow && this.active?.col === c.key;
      cell.tabIndex = isActive ? 0 : -1;
      if (isActive) cell.classList.add('active');
      const isSelected = this.selected?.src === r.key && this.selected.dst === c.key;
      cell.setAttribute('aria-selected', String(isSelected));
      if (isSelected) cell.classList.add('selected');
      if (focus && focus.size > 0 && !this.isFocused(r) && !this.isFocused(c)) cell.classList.add('dimmed');
      if (c.kind === 'aggregate' || r.kind === 'aggregate') cell.classList.add('aggregate');
      const glyph = h('span', 'glyph', GLYPH[verdict]);
      glyph.setAttribute('aria-hidden', 'true');
      cell.append(glyph);
      row.append(cell);
    }
    return row;
  }

  // ---- interaction ------------------------------------------------------------------------

  private activeElement(): HTMLElement | null {
    if (!this.active) return null;
    const { row, col } = this.active;
    const sel = col === null ? `.row-header[data-row="${CSS.escape(row)}"]` : `.cell[data-row="${CSS.escape(row)}"][data-col="${CSS.escape(col)}"]`;
    return this.body.querySelector<HTMLElement>(sel);
  }

  private focusActive(): void {
    const el = this.activeElement();
    if (el) el.focus({ preventScroll: true });
    else this.element.focus({ preventScroll: true });
  }

  private scrollIntoView(): void {
    if (!this.active) return;
    const ri = this.rowIndex.get(this.active.row) ?? 0;
    const ci = this.active.col === null ? -1 : (this.colIndex.get(this.active.col) ?? 0);
    const el = this.element;
    const viewH = el.clientHeight - BAND_H - this.colHeaderH;
    const y = ri * ROW_H;
    if (y < el.scrollTop) el.scrollTop = y;
    else if (y + ROW_H > el.scrollTop + viewH) el.scrollTop = y + ROW_H - viewH;
    if (ci >= 0) {
      const viewW = el.clientWidth - this.rowHeaderW;
      const x = ci * COL_W;
      if (x < el.scrollLeft) el.scrollLeft = x;
      else if (x + COL_W > el.scrollLeft + viewW) el.scrollLeft = x + COL_W - viewW;
    }
  }

  private moveTo(rowIdx: number, col: string | null): void {
    const r = this.rows[rowIdx];
    if (!r) return;
    if (r.kind === 'group') {
      if (col !== null) this.wantedCol = col;
      this.active = { row: r.key, col: null };
    } else {
      let c = col;
      if (c === null && this.wantedCol !== null && this.active?.col === null && this.rows[this.rowIndex.get(this.active.row) ?? -1]?.kind === 'group') {
        c = this.wantedCol;
      }
      if (c !== null && !this.colIndex.has(c)) c = this.cols[0]?.key ?? null;
      this.active = { row: r.key, col: c };
      if (c !== null) this.wantedCol = null;
    }
    this.scrollIntoView();
    this.render(true);
    this.focusActive();
    this.showTooltipFor(this.activeElement());
  }

  private onKey(e: KeyboardEvent): void {
    if (this.rows.length === 0) return;
    if (!this.active) {
      if (['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight', 'Home', 'End', 'Enter', ' '].includes(e.key)) {
        e.preventDefault();
        this.focusGrid();
      }
      return;
    }
    const ri = this.rowIndex.get(this.active.row) ?? 0;
    const ci = this.active.col === null ? -1 : (this.colIndex.get(this.active.col) ?? 0);
    const colKey = (i: number): string | null => (i < 0 ? null : (this.cols[Math.min(i, this.cols.length - 1)]?.key ?? null));
    const page = Math.max(1, Math.floor((this.element.clientHeight - BAND_H - this.colHeaderH) / ROW_H) - 1);
    const wanted = this.active.col ?? this.wantedCol;
    switch (e.key) {
      case 'ArrowDown':
        this.moveTo(Math.min(ri + 1, this.rows.length - 1), wanted);
        break;
      case 'ArrowUp':
        this.moveTo(Math.max(ri - 1, 0), wanted);
        break;
      case 'PageDown':
        this.moveTo(Math.min(ri + page, this.rows.length - 1), wanted);
        break;
      case 'PageUp':
        this.moveTo(Math.max(ri - page, 0), wanted);
        break;
      case 'ArrowRight':
        if (this.rows[ri]?.kind === 'group') return;
        this.moveTo(ri, colKey(Math.min(ci + 1, this.cols.length - 1)));
        break;
      case 'ArrowLeft':
        this.moveTo(ri, colKey(ci - 1));
        break;
      case 'Home':
        this.moveTo(e.ctrlKey ? 0 : ri, e.ctrlKey ? wanted : null);
        break;
      case 'End':
        this.moveTo(e.ctrlKey ? this.rows.length - 1 : ri, e.ctrlKey ? wanted : colKey(this.cols.length - 1));
        break;
      case 'Enter':
      case ' ':
        this.activateAt(this.active.row, this.active.col);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  private activateAt(rowKey: string, colKey: string | null): void {
    const r = this.rows[this.rowIndex.get(rowKey) ?? -1];
    if (!r) return;
    if (colKey === null) {
      if (r.kind !== 'endpoint') this.cb.toggleGroup(r.group.key);
      return;
    }
    const c = this.cols[this.colIndex.get(colKey) ?? -1];
    if (!c || r.kind === 'group') return;
    this.selected = { src: r.key, dst: c.key };
    this.render(true);
    this.cb.activate(this.targetOf(r, c), { src: r.key, dst: c.key });
  }

  private onClick(e: MouseEvent): void {
    const t = e.target as HTMLElement;
    const band = t.closest<HTMLElement>('.band');
    if (band?.dataset.group) {
      this.cb.toggleGroup(band.dataset.group);
      return;
    }
    const cell = t.closest<HTMLElement>('.cell, .row-header');
    if (!cell?.dataset.row) return;
    const col = cell.classList.contains('cell') ? (cell.dataset.col ?? null) : null;
    this.active = { row: cell.dataset.row, col };
    this.activateAt(cell.dataset.row, col);
    this.focusActive();
  }

  private onFocusIn(e: FocusEvent): void {
    const t = e.target as HTMLElement;
    if (t === this.element && this.active) {
      // Tabbing into the grid lands on the remembered cell.
      this.scrollIntoView();
      this.render(true);
      this.focusActive();
      return;
    }
    if (t.classList.contains('cell')) this.showTooltipFor(t);
  }

  private onHover(e: MouseEvent): void {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('.cell');
    if (cell) this.showTooltipFor(cell);
    else this.hideTooltip();
  }

  private showTooltipFor(cell: HTMLElement | null): void {
    if (!cell || !cell.classList.contains('cell') || !cell.dataset.row || !cell.dataset.col) {
      this.hideTooltip();
      return;
    }
    const r = this.rows[this.rowIndex.get(cell.dataset.row) ?? -1];
    const c = this.cols[this.colIndex.get(cell.dataset.col) ?? -1];
    if (!r || !c || r.kind === 'group') return;
    const { verdict, allowed, pairs } = this.cellVerdict(r, c);
    const t = this.tooltip;
    t.replaceChildren();
    t.append(h('div', 'tt-pair', `From ${this.axisLabel(r)}`), h('div', 'tt-pair', `To ${this.axisLabel(c)}`));
    const line = h('div', `tt-verdict v-${verdict}`);
    line.append(h('span', 'glyph', GLYPH[verdict]), document.createTextNode(` ${WORD[verdict]}`));
    t.append(line);
    if (r.kind === 'endpoint' && c.kind === 'endpoint') {
      const conns = this.data?.connections.get(pairKey(r.ep.id, c.ep.id));
      if (verdict !== 'self') t.append(h('div', 'tt-conns', conns ? `Connections: ${formatConns(conns)}` : 'No connection allowed'));
    } else {
      t.append(h('div', 'tt-conns', `${allowed} of ${pairs} workload pairs allowed`));
    }
    if (this.data?.filter) t.append(h('div', 'tt-hint', `Port filter: ${this.data.filter.port}/${this.data.filter.protocol}`));
    t.append(h('div', 'tt-hint', 'Click or press Enter to explain'));
    t.hidden = false;
    const rect = cell.getBoundingClientRect();
    const tw = t.offsetWidth;
    const th = t.offsetHeight;
    let x = rect.right + 6;
    let y = rect.top;
    if (x + tw > window.innerWidth - 4) x = Math.max(4, rect.left - tw - 6);
    if (y + th > window.innerHeight - 4) y = Math.max(4, window.innerHeight - th - 4);
    t.style.left = `${x}px`;
    t.style.top = `${y}px`;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
  }
}
